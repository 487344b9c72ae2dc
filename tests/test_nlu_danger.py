"""Compositional danger frames (bot/defaults/nlu/danger.yaml): an emergency is recognised by its shape (someone ×
a state, a hazard × immediacy, a weapon × a person), not by a list of sentences; talk about the past, a risk, a
routine chore or ordinary smoke does not raise the alarm."""
from __future__ import annotations

import pytest

from bot.services.nlu import load_taxonomy, parse
from bot.services.nlu.danger import DangerRules
from bot.services.nlu.text import normalise


@pytest.mark.parametrize("text", [
    "楼梯口那个大爷靠在墙上，嘴唇发青，拍他也不睁眼",
    "我外公下午去公园下棋，天黑了还没回，他记性不好",
    "隔壁门缝里飘出灰灰的雾，屋里好像没人",
    "地下室的水已经漫到配电箱下面了",
    "楼下两个人抄起铁棍互相打，已经有人见血",
    "老陈这一个礼拜都没下楼，门口的奶箱塞满了",
    "一个三岁左右的娃在河边一个人玩，附近没大人",
    "樓上阿婆喺浴室跌低咗，叫佢都唔應",
    "The charger on the landing is crackling and gives off a burnt plastic smell",
    "Mrs Wong in 602 hasn't answered her door since Sunday and her milk is still outside",
    "a guy is swinging a hammer at people outside the supermarket",
    "my grandad is slurring and can't lift his left arm",
    "楼下 someone 倒在地上, blood 在流",
])
def test_indirect_emergencies_are_urgent(text):
    r = parse(text)
    assert r.intent == "report" and r.urgent, (text, r.evidence)


@pytest.mark.parametrize("text", [
    "上个月楼道里有人晕倒过，建议装个扶手",
    "楼下烧烤摊的烟每天晚上都飘进我家",
    "烟感器电池没电了，一直滴滴叫",
    "燃气费怎么在网上交",
    "我家猫跑出去两天了，谁看到了告诉我",
    "有人把剩菜倒在楼道里，臭死了",
    "我爸中风后一直卧床，想申请上门护理",
    "the gas bill is twice what it was last month",
    "my neighbour always smokes on the balcony and it drifts into my room",
    "the lift was stuck for a few minutes yesterday but it's working now",
    "去年有老人走丢过，建议小区装监控",
])
def test_harmless_mentions_of_danger_words_are_not_urgent(text):
    r = parse(text)
    assert not r.urgent, (text, r.evidence)


def test_a_frame_leans_the_category_towards_what_it_speaks_for():
    assert parse("有个男的在单元门口挥着一根铁棍，见人就骂").category == "public_order"
    assert parse("大爷在广场上突然捂着胸口蹲下去，脸都白了").category == "care"
    assert parse("地下室的水已经漫到配电箱下面了").category in ("safety_hazard", "water")


def test_a_question_about_an_old_report_is_not_a_new_alarm():
    r = parse("我上次报的燃气味的事处理了吗")
    assert r.intent == "status_query" and not r.urgent
    # ... unless the danger is still there
    assert parse("我上次报的燃气味现在越来越大了，怎么还没人来").urgent


def test_frames_are_data(tmp_path):
    rules = tmp_path / "danger.yaml"
    rules.write_text(
        "words:\n  beast: ['熊', '野猪']\n  near: ['在楼下', '进了小区']\n"
        "vetoes:\n  zoo: {scope: sentence, patterns: ['动物园']}\n"
        "frames:\n  - id: wild_animal\n    category: pets\n    veto: [zoo]\n    patterns: ['(?:{beast}).{0,6}(?:{near})']\n",
        encoding="utf-8")
    tax = load_taxonomy(danger_path=rules)
    r = parse("有一头野猪进了小区", taxonomy=tax)
    assert r.urgent and r.category == "pets"
    assert tax.danger.detect(normalise("动物园的熊在楼下那个笼子里")) == []  # vetoed
    assert not parse("有一头野猪进了小区").urgent  # the default rules know no wild boar


def test_a_bad_frame_is_reported_with_its_place(tmp_path):
    rules = tmp_path / "danger.yaml"
    rules.write_text("frames:\n  - id: broken\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="frames.broken"):
        DangerRules.load(rules)
    rules.write_text("frames:\n  - id: unknown\n    patterns: ['{nothing}']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="nothing"):
        DangerRules.load(rules)


def test_every_default_frame_fires_on_its_own_kind_of_message():
    """Each frame is reachable: one plain example per frame, so a typo in the data cannot silently disable one."""
    rules = DangerRules.load()
    examples = {
        "person_in_distress": "楼道里有个老人蜷在地上，怎么拍都不睁眼",
        "vulnerable_gone": "我奶奶早上出门到现在还没回来",
        "not_seen_for_days": "隔壁独居的大爷好几天没开门了",
        "no_answer_at_the_door": "敲了对门半天没人应，老人一个人住",
        "home_flooding": "大雨倒灌进地下室了",
        "child_alone_in_danger": "一个小孩在池塘边上，没有大人",
        "person_at_edge": "有个后生仔坐在天台边上一直哭",
        "struck_or_buried": "围墙倒了，下面好像压着人",
        "lift_with_people": "电梯卡住了，里面有个老人",
        "hazard_present": "楼道里全是呛人的灰雾",
        "smell_with_symptoms": "屋里有股味道，一家人都头晕想吐",
        "gas_smell": "kitchen gas 味道很重",
        "water_into_electrics": "楼上的水漏进了电表箱",
        "electrical_heat": "充电宝突然鼓起来冒白烟",
        "fire_glow_or_hot_door": "the neighbour's door is hot to the touch",
        "alarms_sounding": "整栋楼的烟感都在响",
        "gas_line_hit": "挖掘机把燃气管道挖破了",
        "arson": "有人在楼道里点了一堆纸箱",
        "hanging_over_people": "空调外机挂在一根线上晃，下面是幼儿园门口",
        "weapon_in_hand": "有人拿着菜刀在楼下追人",
        "assault_in_progress": "two men are kicking someone on the ground",
        "followed_or_broken_into": "someone climbed in through the window of the flat next door",
        "animal_attacking": "大狗把小孩扑倒了，咬住不放",
        "facade_falling": "外墙瓷砖往下掉，差点砸到人，就在正门上面",
        "fire_spreading": "楼下有人烧东西，火苗被风吹着往停的车那边窜",
        "about_to_fall": "台风把大树吹歪了，斜靠在楼上",
        "life_support_without_power": "停电了，我爸靠制氧机，备用电池只能撑一个小时",
        "snake_here": "小区里有条蛇，就在儿童区旁边的草丛里",
        "combustion_fault": "the gas boiler is roaring and the wall above it has gone black with soot",
        "open_manhole": "路口的井盖不见了，晚上黑乎乎的看不见",
        "ceiling_giving_way": "卫生间的吊顶鼓了一个大包，里面全是水",
        "vehicle_runaway": "货车停在坡上没拉手刹，正一点一点往下溜",
        "wheelchair_out_of_control": "the old chap's wheelchair is rolling down the slope and he can't stop it",
        "open_lift_shaft": "电梯门开着但是轿厢不在，下面黑洞洞的",
        "fuel_near_flame": "加油的桶洒了一地汽油，有个人蹲在旁边点烟",
        "fuel_spilled": "diesel is leaking all over the loading bay",
        "fire_in_duct": "烧烤店的排烟管道里冒火苗了",
        "sparks_on_combustibles": "切割机的火星溅到木板堆上，已经冒烟了",
        "intruder_in_empty_home": "楼上那家出差一个月了，刚才屋里有手电筒的光",
        "door_being_tried": "someone is rattling my front door and I'm on my own",
        "pregnancy_emergency": "孕妇在电梯口肚子痛得站不住，还出血了",
        "stung_by_wasps": "a swarm of wasps by the bins, two kids got stung",
        "flood_pouring_in": "雨水顺着车库入口往下灌",
        "person_in_road": "a man is lying across the road by the school gate",
        "snatched_just_now": "a lad just snatched my phone and ran off down the lane",
        "person_lying_still": "公园长椅上躺着个人，半天都没动",
        "scam_in_progress": "有个自称银行客服的人正在教我妈转钱",
    }
    assert {f.id for f in rules.frames} == set(examples)
    for fid, text in examples.items():
        assert fid in {h.frame for h in rules.detect(normalise(text))}, (fid, text)
