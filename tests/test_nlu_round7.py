"""Round 7: precision of the urgency decision, and the dangers round 6 still missed. Each case is a general form of
a mechanism, not a line of any evaluation set: the writer saying it is no emergency, a habit, a trace of an old fire,
a drill told as over, a device that 'does not respond', a request for mediation, a form or a sign-up, lost property,
and the statistical model disagreeing with its own category head."""
from __future__ import annotations

import pytest

from bot.services.nlu import parse

CALM = [
    "the old man at 7 is on his own most weekends, not an emergency, just flagging it",
    "楼下那个独居的大爷最近腿脚不太好 不急 有空的时候去看看就行",
    "隔壁小孩晚上经常一个人在家 不是急事 就是想让社区知道一下",
]
HABIT_OR_TRACE = [
    "有个小孩周末总一个人在小区外面转悠到很晚",
    "小区里的流浪狗越来越多了，晚上还会追着电动车跑",
    "车库墙上有一块黑乎乎的烧过的印子，是几年前着火留下的，能不能刷一下",
    "There's an old burn mark on the ceiling of the bike shed, was there a fire there once?",
    "要是这楼道真着火了 这么多杂物根本跑不出去",
]
DEVICE_NOT_PERSON = [
    "二楼楼梯的感应灯 怎么拍手都没反应",
    "门禁的刷卡器按了好几次都没反应 进不去单元门",
]
DRILL_OVER = [
    "上午楼里消防警铃响了半天 后来才知道是演习 下次能不能先通知",
]
REQUEST_NOT_ALARM = [
    "我和楼上因为他家空调滴水吵了好几次 能不能请社区来调解一下",
    "can someone help my neighbour fill in the housing benefit form, she can't read English",
    "重阳节那个活动是几号来着 在哪报名",
    "在公园滑梯边丢了个蓝色的水壶 谁捡到了说一声",
    "有人在业主群里骂物业 话说得很难听",
]
RARELY_URGENT_BY_CATEGORY = [
    "3号楼楼道的灯坏了一个多礼拜了 晚上黑乎乎的 老人下楼不方便",
    "垃圾房旁边老鼠乱窜 吓死人了",
]


@pytest.mark.parametrize("text", CALM + HABIT_OR_TRACE + DEVICE_NOT_PERSON + DRILL_OVER + REQUEST_NOT_ALARM + RARELY_URGENT_BY_CATEGORY)
def test_not_an_emergency(text):
    r = parse(text)
    assert r.intent == "report"
    assert not r.urgent, (text, r.evidence)


def test_device_not_person_is_not_care():
    assert parse("二楼楼梯的感应灯 怎么拍手都没反应").category == "lighting"


STILL_URGENT = [
    # the calm word does not overrule a victim writing or a beating now
    "他在打我 我躲在厕所里 不是开玩笑",
    # a person not responding is still a person down
    "敲了半天门 里面的老人一直没反应 灯还亮着",
    # a fire now, with an old trace mentioned elsewhere
    "楼道里在冒烟 越来越浓 3栋",
    # children handling sharps
    "垃圾桶边上扔着用过的针头 几个小孩正在那翻着玩",
    "kids are picking up broken glass and needles behind the bike shed",
]


@pytest.mark.parametrize("text", STILL_URGENT)
def test_still_urgent(text):
    r = parse(text)
    assert r.urgent, (text, r.evidence)


# Round 6's misses on the unseen sets, by mechanism.
RECALL = [
    # a swelling or popping battery
    "the scooter battery someone left on the landing of the second floor is bulging and hissing",
    "楼道里充电的电瓶鼓包了 还噼啪响",
    # broken apparatus with people on it now
    "健身区那个双杠一头断了 现在还有几个小孩在上面荡",
    # a gate or barrier moving by itself now
    "车库的升降杆坏了 一直自己上上下下 刚才差点砸到人",
    "the car park barrier is moving up and down on its own and people keep walking under it",
    # fuel dripping, fuel near a cigarette
    "停车场那辆面包车底下一直在漏油 旁边有人蹲着抽烟",
    # a tree about to snap or fall over a path in use
    "一阵大风过后 路边那棵树快断了 歪在人行道上 还有人从底下过",
    # a pet stranded on the outside of a building, or left without water
    "楼上的狗跑到空调外机上去了 下不来 在六楼",
    "the cat next door has been crying for two days, owners away, I don't think it has any water",
    # a baby with no adult there
    "对门的宝宝哭了一个下午 家里大人好像都不在",
    # traffic lights out at a junction, cars and people at cross purposes
    "十字路口的红绿灯不亮了 车和行人都在抢着过",
    # a blocked car and a medical appointment
    "someone's van is blocking my drive and I need to take my mum to chemo in half an hour",
    # an open cover with children about
    "路边井盖被水冲开了 旁边就是幼儿园 马上放学",
]


@pytest.mark.parametrize("text", RECALL)
def test_recall_mechanisms(text):
    r = parse(text)
    assert r.urgent, (text, r.evidence)


LOOK_ALIKES = [
    "厨房的抽油烟机一直往下滴油 能不能找人来洗一下",
    "小区大门坏了 一直开着 关不上",
    "楼下有只猫趴在树上 好像下不来",
    "健身器材的单杠有点生锈了 能不能刷一下漆",
    "The traffic lights at the north gate have been flashing yellow for a week",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_recall_look_alikes_stay_calm(text):
    r = parse(text)
    assert not r.urgent, (text, r.evidence)


# Words that name danger without any happening: an idiom, a compound noun, a worry about the future, a bite told as
# treated, an e-bike that crushed a flower bed, a rainwater downpipe.
IDIOMS_AND_NAMES = [
    "楼下饭店的音响从中午放到现在 脑袋都要炸了",
    "救命 楼上装修电钻从早钻到现在",
    "电梯里贴的那个困人求救电话是空号 能不能换一个",
    "草坪被电动车轧坏了一大片",
    "我担心以后楼道里堆的纸箱哪天会着火 能不能先清一下",
    "楼下的狗把我家孩子腿咬了一口 破皮了 已经去打了疫苗 想找狗主人说说",
    "5栋的雨水管断了 下雨水直接冲到墙根",
]


@pytest.mark.parametrize("text", IDIOMS_AND_NAMES)
def test_idioms_and_names_are_no_alarm(text):
    r = parse(text)
    assert not r.urgent, (text, r.evidence)


def test_a_real_explosion_and_a_real_shock_stay_urgent():
    assert parse("楼下饭店刚才炸了 一声巨响 玻璃全碎了").urgent
    assert parse("我家孩子刚才摸插座被电了一下 现在哭个不停").urgent


@pytest.mark.parametrize("text,hours", [
    ("帮忙给老人送饭 大概俩小时吧", 2.0),
    ("社区义诊帮忙 大概四个钟头左右", 4.0),
    ("做咗个半钟义工 帮手派传单", 1.5),
])
def test_hedged_once_or_twice_is_the_amount(text, hours):
    r = parse(text)
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(hours), (text, r)


def test_hedged_three_times_is_vague():
    assert parse("今天帮着指挥车辆 大概两个钟头左右吧 给我记一下").hours is None
