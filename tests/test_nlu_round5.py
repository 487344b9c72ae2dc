"""Round 5 of the danger rules: classes found in blind sets 7 and 8, tested with sentences written for this file."""
from __future__ import annotations

import pytest

from bot.services.nlu import parse


@pytest.mark.parametrize("text", [
    # a weapon fetched in the middle of a quarrel
    "3号楼两口子吵起来了 男的跑进厨房拿了把刀出来",
    "They were arguing over the bins and he went inside and came back with a hammer",
    # a person beaten, told in the passive
    "门口保安被三个男的按在地上打 快来人",
    # a dog on a person now
    "两条大狗围着一个小孩不放 孩子吓得直哭",
    "A pack of dogs has a boy cornered by the swings, nobody is stopping them",
    # a child shut in a car
    "停车场一辆车里锁着个宝宝 车窗都关着",
    "There's a toddler locked in a car outside the pharmacy, windows up, it's baking",
    # someone in a car in floodwater
    "桥洞下积水很深 有辆车泡在水里 司机还在车里",
    # a cry for help
    "The old man next door is shouting for help and his door won't open",
    # a gas bottle hissing
    "楼下小饭馆门口的液化气罐一直嘶嘶地响",
    # a swindler taking elders' money now
    "活动室有人卖包治百病的药 老人们正在排队交钱",
    # an elder who left a short while ago
    "My grandad has dementia and he wandered out twenty minutes ago, we can't find him",
    # sewage coming into the rooms (English, a longer stretch)
    "Sewage has been bubbling up out of the kitchen sink into the living room now",
    # water at a switch (Cantonese)
    "天花漏水 啲水一直滴落個電掣度",
])
def test_new_danger_classes_are_urgent(text):
    assert parse(text).urgent, text


@pytest.mark.parametrize("text", [
    # a fight that the police already ended
    "前晚楼下有人打架 民警来了已经把人带走了 现在地上脏兮兮的",
    # the danger was looked at and was nothing
    "阳台上一条黑黑的东西 走近一看是根旧皮管",
    # a bite seen by a vet, nothing serious
    "我家狗被别人家的猫抓了一下 看过医生了 没大事",
    # a fall told as over, the elder home from hospital
    "我妈上个星期摔了一跤 现在出了院 想找人帮忙做饭",
    # hazards heard of elsewhere
    "听说别的小区有人触电了 我们这边的电箱要不要查一查",
    # a burning smell from someone burning rubbish outside
    "有人在空地上烧垃圾 烟都飘进来了 呛得很",
    # water that comes in whenever it rains, told as a habit
    "门口排水沟不行 一下大雨水就漫到屋里 已经好几次了",
    # a slow drip caught in a basin
    "洗手池下面的管子有点渗水 不大 拿盆接着 明天能来修吗",
    # exasperation, not a cry for help
    "救命 楼上装修从早敲到晚 我快疯了",
    # nobody saw smoke
    "刚看到两辆消防车经过 没看见哪里冒烟 是不是演习",
    # a fire alarm set off by cooking
    "The fire alarm in our corridor goes off whenever anyone fries something",
    # a scam call hung up on
    "有人打电话冒充银行让我转账 我直接挂了",
])
def test_settled_hearsay_or_habitual_matters_are_not_urgent(text):
    assert not parse(text).urgent, text


def test_a_range_hood_still_smoking_after_a_pan_fire_is_urgent():
    r = parse("炒菜锅着了 锅盖盖上了 可是抽油烟机里还在往外冒烟")
    assert r.urgent
