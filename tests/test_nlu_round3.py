"""Round 3 of the parser's danger rules: whole classes of emergencies the dev sets showed it missing (things moving
on their own, open lift shafts, fuel next to a flame, fire inside a duct, sparks on rubbish, intruders in an empty
home, a door being tried, pregnancy, wasps, people in water or lying in a road, scams in progress), and the harmless
look-alikes that must stay calm (a matter told as over, a risk imagined, a thing missing rather than a child, a smell
the writer explains, a small or slow leak). The sentences are written for these tests, not taken from any set."""
import pytest

from bot.services.nlu import parse


@pytest.mark.parametrize("text", [
    # vehicles and wheelchairs moving by themselves
    "7栋坡道上那辆三轮车刹车失灵了 自己往下滑 坡底下是快递点",
    "a parked lorry is rolling backwards down the hill with nobody in the cab",
    "婆婆的轮椅在斜坡上刹不住了 一直往下冲",
    # open lift shafts, lifts not level
    "二号电梯门打开了 里面空的 轿厢不在 谁都可能掉下去",
    "电梯停的时候没对齐 高出一截 老人进出要摔",
    "the lift door on level 3 opened onto the empty shaft",
    # fuel and flame; fire inside ducts; sparks landing on rubbish
    "地库里一大股汽油味 有个师傅在旁边电焊",
    "someone spilled a can of petrol in the bike store and there's a guy smoking by the door",
    "楼下面馆的烟道窜火了 黑烟往上冒",
    "flames are shooting out of the kitchen extractor duct at the noodle bar",
    "切割的火花飞到旁边的木屑堆上 已经着了",
    # intruders, a door being tried
    "隔壁一家回老家过年了 可是半夜屋里有人走动的声音",
    "the couple across the hall are abroad but there's a torch moving about in their flat",
    "有人在外面一直扭我家门锁 我和孩子在家 不敢出声",
    "somebody keeps jiggling my front door handle, it's 2am",
    # pregnancy, wasps, people in water or on the road, lying still, someone groaning
    "我儿媳妇怀孕七个月 突然肚子疼还出血了",
    "my daughter is pregnant and her waters have broken, the taxi won't come",
    "垃圾房那边一窝黄蜂 好几个老人被蛰了",
    "hornets chasing kids round the playground, one got stung twice",
    "河边钓鱼的大爷滑进河里了 只露个头",
    "a boy has fallen through into the canal and can't get out of the water",
    "有个人躺在车道正中间 喝醉了 车都绕着走",
    "a drunk man is sprawled across the exit ramp of the car park",
    "公园草地上趴着个人 好久都没动",
    "楼上砰的一声 然后老太太一直喊疼",
    # scams in progress; weapons drawn; a snatch just now
    "有个自称公安的人正在跟我妈视频 让她把钱转到安全账户",
    "my grandad is on the phone right now with someone claiming to be from the bank",
    "俩人吵架 一个从车里掏出一把刀",
    "a kid just snatched a woman's handbag outside the bakery and ran towards the park",
    # children locked in cars, things over people, water pouring in
    "车里锁着个小宝宝 太阳底下晒着 车主不在",
    "the dog was left in a hot car in the visitor bay and it's collapsed",
    "单元门正上头挂着一大块冰 底下老有人进进出出",
    "滑梯的扶手断了一边 孩子们还在上面爬",
    "雨水往地下室里倒灌 水越来越深",
    "water is gushing down into the underground garage from the street",
])
def test_round3_emergencies_are_urgent(text):
    r = parse(text)
    assert r.intent == "report" and r.urgent, (text, r.evidence)


@pytest.mark.parametrize("text", [
    # over, settled, or checked
    "前天车库进水了 现在已经退了 就是有点味道",
    "上个礼拜电梯困过人 当天就救出来了",
    "燃气公司上门查过了 说没漏 放心了",
    "I thought I smelled gas but it's just the drains again",
    "昨晚楼下有人打架 警察已经把人带走了",
    "水管昨天爆了 今天已经修好了",
    # imagined
    "楼道里堆的纸箱子太多了 真烧起来可不得了",
    "邻居老拿棍子敲天花板 再这样真要打起来了",
    # things lost, not people
    "孩子的滑板车放在楼下不见了",
    "我女儿的书包丢在车棚了",
    # small and slow; smells explained; animals hurt
    "卫生间天花板有一点点渗水 不严重 有空来看看",
    "下水道口一股臭鸡蛋味 估计是化粪池该抽了",
    "有只小狗腿受伤了 在垃圾站附近转",
    "水龙头坏了关不上 一直哗哗流",
    # care requests, chronic matters
    "我们楼有个独居的奶奶 能不能派人平时去看看她",
    "隔壁大爷老年痴呆越来越严重了 家里人也不怎么来",
    # a stranger hanging about: worth a look, not an alarm
    "这几天老在学校门口看到一个陌生男的 也不接孩子",
    "a man keeps trying the door handles along our corridor at night",
])
def test_round3_lookalikes_stay_calm(text):
    r = parse(text)
    assert not r.urgent, (text, r.evidence)


# ---- hours: clock ranges, hedges ---------------------------------------------------------------------------
from hypothesis import given, strategies as st  # noqa: E402

from bot.services.nlu.numerals import parse_hours  # noqa: E402
from bot.services.nlu.places import extract_place  # noqa: E402
from bot.services.nlu.text import normalise  # noqa: E402


@pytest.mark.parametrize("text,hours", [
    ("巡楼 晚上6点到8点 3单元那边 记一下", 2.0),
    ("下午一点到三点半在活动室帮忙 5号楼", 2.5),
    ("did the garden tidy from 9 till 11:30", 2.5),
    ("helped at the jumble sale 10am-2pm", 4.0),
    ("大概一个小时 陪老人聊天", 1.0),            # one hedge: the amount as said
    ("帮忙搬桌子 两个钟头左右", 2.0),
    ("took about twenty minutes to sort the leaflets", 0.33),
])
def test_hours_as_said(text, hours):
    h, _ = parse_hours(normalise(text))
    assert h is not None and abs(h - hours) < 0.01, (text, h)


@pytest.mark.parametrize("text", [
    "helped out at the fete for about two hours",
    "read to the kids for around an hour and a half",
    "sorted donations for an hour or so",
    "大概三个钟头左右吧 帮着发传单",
    "差不多一个半小时左右",
])
def test_hedged_hours_state_no_amount(text):
    h, words = parse_hours(normalise(text))
    assert h is None and words, (text, h, words)


@given(a=st.integers(min_value=1, max_value=9), span=st.integers(min_value=1, max_value=3),
       unit=st.integers(min_value=1, max_value=9))
def test_a_unit_after_a_clock_range_is_no_minutes(a, span, unit):
    h, _ = parse_hours(normalise(f"晚上{a}点到{a + span}点 {unit}单元那片巡逻"))
    assert h == span


@pytest.mark.parametrize("text,intent", [
    ("晚上七点到九点 巡楼 记一下", "volunteer_claim"),
    ("敬老院帮厨 从十点一直到十二点", "volunteer_claim"),
    ("停电从早上8点到10点 冰箱的东西都化了", "report"),
])
def test_a_clock_range_of_service_is_a_claim(text, intent):
    assert parse(text).intent == intent


# ---- status questions, help --------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "我申请的廉租房审核通过了没有",
    "我提的那个加装路灯的建议 采纳了没",
    "前两天说师傅要上门 到底几点来",
    "上个月投诉咗楼下卡拉OK 而家点样",
    "反映的那个垃圾站的事 有没有人跟进",
    "之前报的消防通道堵塞 整改完了吗",
])
def test_status_questions(text):
    assert parse(text).intent == "status_query", text


@pytest.mark.parametrize("text", [
    "出了急事是打120还是在这里发",
    "紧急情况应该打电话还是找网格员",
])
def test_how_to_reach_help_in_an_emergency_is_a_question(text):
    r = parse(text)
    assert r.intent == "help" and not r.urgent, (text, r.intent)


# ---- rooms ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,room", [
    ("对讲机坏了 外卖按不了我家 902", "902"),
    ("我家是1105 楼上漏水", "1105"),
    ("6栋楼上803家没人 水一直往下滴", "803"),
])
def test_room_of_ones_own_home(text, room):
    assert extract_place(normalise(text)).room == room


@pytest.mark.parametrize("text", ["我家2019年装修的", "我家 300块的电费单", "小区有150家住户"])
def test_numbers_that_are_no_room(text):
    assert extract_place(normalise(text)).room is None
