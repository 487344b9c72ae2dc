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
