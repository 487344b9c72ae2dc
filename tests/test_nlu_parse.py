"""What a person would notice about the parser: the dev set's targets are met, danger is never missed,
bad input never breaks it, Traditional Chinese and English work, claims carry hours/activity/time, and a
community extends the taxonomy without code."""
import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.nlu import INTENTS, LOW_CONFIDENCE, ParseResult, Taxonomy, load_taxonomy, parse
from bot.services.nlu import cli
from bot.services.nlu import train
from bot.services.nlu.train import CORPUS, PARAPHRASES, generate_corpus, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "nlu" / "dev.jsonl"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


def dev_rows():
    assert DEV.exists(), f"the labelled development set is expected at {DEV} (shared/ beside the repository)"
    return read_jsonl(DEV)


def test_dev_set_targets_are_met():
    res = cli.evaluate(dev_rows())
    assert res["intent_accuracy"] >= 0.95, res["misses"]
    assert res["category_macro_f1"] >= 0.90, res["misses"]
    assert res["urgent_recall"] == 1.0, res["misses"]
    assert res["urgent_precision"] >= 0.8, res["misses"]
    assert res["place_exact"] >= 0.95, res["misses"]
    assert res["hours_exact"] >= 0.95, res["misses"]


def test_training_material_holds_no_dev_message():
    dev_texts = {r["text"] for r in dev_rows()}
    corpus = {r["text"] for r in generate_corpus()} | {r["text"] for r in read_jsonl(PARAPHRASES)}
    assert not dev_texts & corpus
    assert CORPUS.exists()


@pytest.mark.parametrize("text", [
    "冒烟了", "楼道里冒烟了，好大的烟", "人倒在楼梯口不动了", "有人被困在电梯里", "电梯关人了", "孩子走丢了",
    "我家老人找不到了", "隔壁独居老人三天没开门了", "闻到很浓的煤气味", "厨房燃气泄漏了", "楼下着火了！",
    "有个大爷晕倒在小区门口", "邻居家好几天没动静了，敲门也没人应", "奶奶早上出门到现在还没回来",
    "樓道裡冒煙了", "老人倒在家裡叫不醒", "有人被困在電梯裡",
    "Smoke is coming out of the bin room", "someone collapsed in the lobby", "I smell gas on the third floor",
    "my daughter is missing", "people trapped in the lift in building 3", "my neighbour hasn't answered the door for days",
    "救护车进不来，车堵死了", "楼下有人拿刀打架",
    "闻到一股怪味，会不会是煤气泄漏", "担心楼上老人好几天没出门了", "家里燃气报警器一直在响", "楼道里好多烟",
    "有个老大爷在小区里迷路了", "小孩爬到窗台外面了", "邻居家传出哭喊声，好像在打孩子", "半夜有人一直在砸我家门",
    "有个孩子在河边玩，没大人看着", "地下室进水了，已经漫到电箱了", "老人坐在楼梯上喘不过气",
    "I hear someone screaming in the flat next door", "the smoke alarm upstairs has been going off for an hour",
    "Building 4, unit 1: lift stuck with people inside", "電梯卡在三樓和四樓之間，裡面有人", "我家老人在卫生间摔倒了",
    "家裡淹水了", "瓦斯外洩", "有人在楼下打人",
    "The lift stopped between floors and my son is inside", "My dad has dementia and went out this morning, still not back",
    "Nobody has seen the old man in 301 for a week", "The gas cooker won't switch off",
    "楼道里一股烧塑料的味道", "老人在家突然说不出话，半边身子动不了", "配电箱里有火花", "有人从楼上往下扔砖头",
    "电梯停了，我妈在里面", "小区的大门倒了，压住了一个人", "楼上家里没人，水从门底下一直往外流",
    "下水道反涌，污水灌进家里了", "隔壁独居老人家门口的报纸堆了好几天", "有个孩子在楼顶天台上玩，很危险",
    "Smoke keeps coming out of the flat next door", "I think someone might be trapped in the lift",
])
def test_danger_is_never_missed(text):
    r = parse(text, now=NOW)
    assert r.urgent, (text, r.evidence)
    assert r.intent == "report"
    assert r.evidence  # the bot can say why it raised the alarm


@pytest.mark.parametrize("text", [
    "电动车在楼道里充电，万一着火怎么办", "消防栓被人拆了", "建议组织一次消防演练", "楼道灯坏了", "自行车轮胎漏气了",
    "有人飞线充电很危险", "垃圾没人清运", "The fire exit is blocked with boxes", "电梯门老是夹人，关得太快",
    "单元门的对讲机按了没反应", "电梯不动了，一直停在一楼", "灯泡烧了", "楼道里全是烟头", "吵得我都气炸了",
    "楼道里堆满纸箱，怕着火", "Blood donation drive this Saturday, please publicise", "I can't get out of my parking space",
    "邻居家老人最近老是迷路", "My neighbour's barbecue smoke comes into my flat", "The street lights have been off for days",
    "The kids in the playground are screaming all day", "Someone smokes in the stairwell every evening",
    "广告牌歪了", "围挡倒了一片挡着路", "我家的猫走丢了", "楼下烧烤油烟太大", "消防通道被车堵了",
    "电梯里有人抽烟", "外墙一下雨就往下掉渣", "下水道反味",
])
def test_talk_about_a_risk_is_not_an_emergency(text):
    assert not parse(text, now=NOW).urgent, text


@pytest.mark.parametrize("text", [
    "", " ", "\n\t", "😀😀😀", "🔥", "1234567890", "3", "?？!！", "<b></b>", "<script>alert(1)</script>",
    "**楼道灯** _坏了_ [link](http://x.y)", "\x00\x01\x02楼道\x7f灯", "a" * 10000, "楼道灯坏了" * 3000,
    "Ｂ座３号", "ﾃｽﾄ", "مرحبا", "Привет, свет не работает", "🙂 hi 你好 こんにちは", "\ud800", "null", "{\"text\": 1}",
])
def test_bad_input_never_raises(text):
    r = parse(text, now=NOW)
    assert r.intent in INTENTS
    assert 0.0 <= r.confidence <= 1.0
    json.dumps(r.to_json(), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text):
    r = parse(text, now=NOW)
    assert r.intent in INTENTS and 0.0 <= r.confidence <= 1.0
    assert (r.category is None) == (r.intent != "report")


def test_messages_without_words_are_help_with_low_confidence():
    for text in ["", "😀😀", "123456", "。。。"]:
        r = parse(text)
        assert r.intent == "help" and r.confidence < LOW_CONFIDENCE


def test_long_text_costs_bounded_work():
    """Only the first MAX_CHARS characters are read, so a 16,000-character message costs what 1,000 do."""
    from bot.services.nlu.text import MAX_CHARS

    long = "楼上装修太吵了，" * 2000
    assert parse(long).to_json() == parse(long[:MAX_CHARS]).to_json()


@pytest.mark.parametrize("text,category", [
    ("樓道燈壞了好幾天了", "lighting"), ("垃圾桶滿了，好幾天沒人清運", "sanitation"), ("樓上裝修噪音太大了", "noise"),
    ("家裡停水了，什麼時候來水", "water"), ("電梯又壞了", "facilities"), ("鄰居家的狗一直叫", "pets"),
    ("請問怎麼辦理居住證", "services"), ("樓道裡有人飛線充電", "safety_hazard"),
])
def test_traditional_chinese_works(text, category):
    r = parse(text)
    assert (r.intent, r.category) == ("report", category)


def test_traditional_places_and_hours():
    r = parse("三號樓二單元的路燈壞了")
    assert (r.building, r.unit, r.category) == ("3", "2", "lighting")
    r = parse("今天在社區打掃衛生兩個半小時，申請積分", now=NOW)
    assert (r.intent, r.hours, r.activity) == ("volunteer_claim", 2.5, "cleaning")


@pytest.mark.parametrize("text,category", [
    ("The street light outside block 5 has been out for a week", "lighting"),
    ("Rubbish bins are overflowing and stink", "sanitation"),
    ("Neighbours play loud music until 3am", "noise"),
    ("A car is blocking the fire lane", "parking"),
    ("Water leaking through my kitchen ceiling", "water"),
    ("The elevator is out of order again", "facilities"),
    ("Someone stole my bike from the rack", "public_order"),
    ("A dog without a leash chased my kids", "pets"),
    ("How do I apply for a residence permit?", "services"),
    ("It would be great to have more benches in the park", "suggestion"),
])
def test_english_works(text, category):
    r = parse(text, locale="en")
    assert (r.intent, r.category) == ("report", category)
    assert r.language == "en"


def test_mixed_scripts():
    r = parse("3号楼 hallway light 坏了好几天")
    assert (r.intent, r.category, r.building) == ("report", "lighting", "3")
    r = parse("Building 4 unit 1 楼道里有人堆垃圾")
    assert (r.category, r.building, r.unit) == ("sanitation", "4", "1")


def test_volunteer_claims_carry_hours_activity_and_time():
    r = parse("我今天上午在社区打扫卫生两个小时，申请积分", now=NOW)
    assert (r.intent, r.hours, r.activity, r.category) == ("volunteer_claim", 2.0, "cleaning", None)
    assert r.when == datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    r = parse("上周日参加了平安巡逻，一个半小时", now=NOW)
    assert (r.intent, r.hours, r.activity, r.when.date().isoformat()) == ("volunteer_claim", 1.5, "patrol", "2026-11-22")
    r = parse("I did waste sorting at the bins for 45 minutes last Saturday", now=NOW)
    assert (r.intent, r.hours, r.activity, r.when.date().isoformat()) == ("volunteer_claim", 0.75, "waste_sorting", "2026-11-21")
    r = parse("参加了板凳会，申请积分", now=NOW)
    assert (r.intent, r.hours, r.activity) == ("volunteer_claim", None, "meeting")


def test_when_defaults_to_shanghai_time():
    r = parse("今天打扫卫生一小时")
    assert r.when is not None and r.when.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("text,intent", [
    ("我上周报的路灯修好了没有", "status_query"), ("Any update on my complaint?", "status_query"),
    ("我还有多少积分", "points"), ("积分能换大米吗", "points"), ("how many points do I have", "points"),
    ("你好", "help"), ("菜单", "help"), ("hello", "help"), ("怎么使用", "help"),
    ("怎么办理居住证", "report"), ("希望社区招募志愿者陪老人聊天", "report"),
    ("嗨，在不在", "help"), ("你是机器人吗", "help"), ("好的知道了", "help"), ("Can I talk to a real person?", "help"),
    ("路灯坏了怎么弄", "report"), ("停水了怎么办", "report"), ("我的积分到账了吗", "points"),
    ("今天帮社区给老人送了午饭，一个小时", "volunteer_claim"), ("I reported the broken lift on Monday, is someone coming?", "status_query"),
])
def test_intents(text, intent):
    assert parse(text, now=NOW).intent == intent


def test_result_shape_and_json():
    r = parse("6栋302 楼上天天跺脚，吵得没法睡", now=NOW)
    assert isinstance(r, ParseResult)
    with pytest.raises(Exception):
        r.intent = "help"  # frozen
    d = r.to_json()
    for key in ("intent", "category", "urgent", "building", "unit", "room", "hours", "confidence", "when", "activity",
                "evidence", "candidates"):
        assert key in d
    assert (d["building"], d["room"], d["category"]) == ("6", "302", "noise")
    assert len(d["candidates"]) == 3 and d["candidates"][0][0] == "noise"
    assert d["candidates"][0][1] >= d["candidates"][1][1] >= d["candidates"][2][1]
    assert any("吵" in e or "跺脚" in e for e in d["evidence"])
    assert json.loads(json.dumps(d)) == d


def test_unclear_reports_have_low_confidence_and_offer_candidates():
    r = parse("有个事情想反映一下")
    assert r.intent != "report" or r.confidence < LOW_CONFIDENCE or r.category == "other"
    r = parse("坏了")
    assert r.confidence < LOW_CONFIDENCE


def test_phone_numbers_do_not_leak_into_evidence_or_places():
    r = parse("3号楼漏水，联系我13812345678")
    assert "13812345678" not in json.dumps(r.to_json())
    assert (r.building, r.room) == ("3", None)


def test_community_override_adds_category_keywords_and_cues(tmp_path):
    over = tmp_path / "override.yaml"
    over.write_text(
        "categories:\n"
        "  - id: heating\n    names: {zh: 供暖, en: Heating}\n    department_hint: heating_company\n"
        "    keywords: {zh: [暖气不热, 供暖], en: [radiator cold, heating]}\n"
        "  - id: lighting\n    keywords: {zh: [灯笼]}\n"
        "urgency:\n  cues:\n    zh: ['有熊出没']\n",
        encoding="utf-8")
    tax = load_taxonomy(override_path=over)
    assert isinstance(tax, Taxonomy) and "heating" in tax.categories
    assert "灯笼" in tax.categories["lighting"].keywords["zh"] and "路灯" in tax.categories["lighting"].keywords["zh"]
    r = parse("暖气不热，供暖有问题", taxonomy=tax)
    assert r.category == "heating" and r.department_hint == "heating_company"
    assert parse("小区里有熊出没了", taxonomy=tax).urgent
    assert not parse("小区里有熊出没了").urgent  # the cue came from the override only


def test_routing_hints_are_data():
    tax = load_taxonomy()
    assert tax.categories["public_order"].department_hint == "police"
    assert len(tax.categories) == 15 and list(tax.categories)[-1] == "other"
    assert parse("有人在车库里偷电瓶").department_hint == "police"


def test_points_reader_tolerates_other_sections(tmp_path):
    pts = tmp_path / "points.yaml"
    pts.write_text("rules:\n  daily_cap: 50\nactivities:\n  - id: cleaning\n    names: {zh: [扫地]}\n"
                   "    points_per_hour: 10\n    verify: grid_worker\n  - id: other\n    names: {zh: []}\n"
                   "rewards: [{id: rice, cost: 100}]\n", encoding="utf-8")
    tax = load_taxonomy(points_path=pts)
    assert [a.id for a in tax.activities] == ["cleaning", "other"]
    assert parse("今天扫地两小时，申请积分", taxonomy=tax).activity == "cleaning"


def test_default_activities():
    ids = [a.id for a in load_taxonomy().activities]
    for expected in ("cleaning", "patrol", "elderly_care", "library_duty", "waste_sorting", "meeting", "event", "other"):
        assert expected in ids


def test_cli_streams_in_order_and_survives_bad_lines(monkeypatch):
    lines = [json.dumps({"text": "4栋电梯间的灯不亮了"}, ensure_ascii=False), "not json", json.dumps({"txt": "x"}),
             json.dumps({"text": "昨天巡逻一小时", "now": "2026-11-23T10:00:00+08:00"}, ensure_ascii=False),
             json.dumps({"text": "hi", "now": "yesterday"}), json.dumps({"text": "Any update on my case?"})]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert cli.main([]) == 0
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(got) == 6
    assert (got[0]["intent"], got[0]["category"], got[0]["building"]) == ("report", "lighting", "4")
    assert "error" in got[1] and "error" in got[2] and "error" in got[4]
    assert (got[3]["intent"], got[3]["hours"], got[3]["when"]) == ("volunteer_claim", 1.0, "2026-11-22T00:00:00+08:00")
    assert got[5]["intent"] == "status_query" and got[5]["category"] is None


def test_cli_eval_prints_the_scores(monkeypatch, tmp_path):
    f = tmp_path / "mini.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"text": "3号楼2单元楼道灯坏了", "intent": "report", "category": "lighting", "urgent": False, "building": "3", "unit": "2"},
        {"text": "冒烟了", "intent": "report", "category": "safety_hazard", "urgent": True},
        {"text": "陪护老人两小时", "intent": "volunteer_claim", "hours": 2},
        {"text": "楼道灯坏了", "intent": "report", "category": "noise", "urgent": False},
    ]), encoding="utf-8")
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert cli.main(["--eval", str(f)]) == 0
    text = out.getvalue()
    assert "intent accuracy      1.000" in text and "urgent recall        1.000" in text
    assert "hours within 0.01    1.000" in text and "building/unit/room   1.000" in text
    assert "category lighting not in ['noise']" in text  # the miss is listed


def test_the_model_and_taxonomy_are_loaded_once():
    """Loading is the expensive part (bench/parse.py measures the speed): later parses reuse what the first loaded."""
    from bot.services.nlu import get_model, get_taxonomy

    parse("热身一下")
    assert get_model() is get_model() and get_taxonomy() is get_taxonomy()


def test_training_refuses_the_measuring_sets_and_reads_residents_choices(tmp_path, monkeypatch):
    assert train.main(["--extra", str(DEV)]) == 2
    assert train.main(["--extra", str(tmp_path / "nlu_heldout.jsonl")]) == 2
    choices = tmp_path / "choices.jsonl"
    choices.write_text(json.dumps({"text": "电梯厅的顶灯不亮", "intent": "report", "category": "lighting"},
                                  ensure_ascii=False) + "\n\n", encoding="utf-8")
    rows = read_jsonl(choices)
    assert rows == [{"text": "电梯厅的顶灯不亮", "intent": "report", "category": "lighting"}]


# ---- generalisation: indirect danger, claims without 积分, how-to questions --------------------------------------

@pytest.mark.parametrize("text", [
    "楼上一直有滴答声还有股臭鸡蛋味", "电梯卡在两层中间里面有人", "水顺着灯往下流", "人倒在楼梯口不动了",
    "my neighbour hasn't answered the door in three days and the mail is piling up",
    "插座那边噼啪响还一股焦味", "厨房那边老有股怪味，像煤气，头有点晕", "楼顶那块广告牌晃得厉害，下面好多人走",
    "主水管爆开了，水一直往楼梯下面冲", "電線被風颳斷了，垂在人行道上", "a power cable is down on the footpath after the storm",
    "邻居大妈三四天没见下楼了，门口外卖都没拿", "孩子放学到现在都没到家，电话也打不通", "someone is trying to force the back door of 12B",
    "一条没拴的大狗把送外卖的咬了，流了好多血", "老人在楼道摔了一跤，头磕破了",
])
def test_indirect_danger_is_urgent(text):
    r = parse(text, now=NOW)
    assert r.urgent, (text, r.evidence)
    assert r.intent == "report" and r.evidence


@pytest.mark.parametrize("text", [
    "建议加装烟感报警器", "消防通道画线能不能重新刷", "消防演习什么时候", "灭火器过期了吗", "楼下有只死猫",
    "笑死了，楼下大爷把风筝挂树上了", "急死了，快递一直没送到", "万一着火怎么办", "要是漏气了怎么办",
    "What if the lift gets stuck with someone inside, who do we call?", "The smoke detector battery keeps chirping",
    "围挡倒了，挡着人行道", "有只猫被困在树上下不来", "钥匙锁在家里了，找谁开锁", "电梯又坏了，还好没人在里面",
    "嗨，在不在",
])
def test_scary_words_said_harmlessly_are_not_urgent(text):
    assert not parse(text, now=NOW).urgent, text


@pytest.mark.parametrize("text,hours", [
    ("上午去敬老院陪老人聊天了一个半钟头", 1.5), ("helped at the vaccination point this morning, 3 hours", 3),
    ("在社区食堂帮忙打饭一刻钟", 0.25), ("下午两点到四点半教老人用智能手机", 2.5),
    ("昨天两小时，今天三小时，都在图书角整理书", 5), ("Did litter picking by the canal from 9 to 11:30", 2.5),
    ("帮独居奶奶买菜送上门，四十分钟", 0.6667), ("给楼里的盲人大叔读报纸，一个半钟头", 1.5),
])
def test_claims_without_the_word_points(text, hours):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim", (text, r.intent)
    assert r.hours is not None and abs(r.hours - hours) < 0.01


@pytest.mark.parametrize("text,intent", [
    ("怎么反映问题", "help"), ("这个机器人能干嘛", "help"), ("how do I report something", "help"),
    ("请问在这儿怎么报修", "help"), ("师傅好", "help"),
    ("停电了两个小时还没来电", "report"), ("the lift has been broken for 3 hours", "report"),
    ("上周反映的路灯有人去看了吗", "status_query"), ("我攒的分够换一袋米吗", "points"),
])
def test_help_status_and_points_are_not_reports(text, intent):
    assert parse(text, now=NOW).intent == intent, text


def test_fresh_sets_meet_the_targets():
    """Hand-written sets (written before the changes, never trained on): urgency recall 1.0 is the goal, and
    these floors keep it from sliding back."""
    from bot.services.nlu.cli import evaluate
    from bot.services.nlu.train import read_jsonl

    data = Path(__file__).parent / "data"
    urgent = evaluate(read_jsonl(data / "nlu_fresh_urgent.jsonl"))
    assert urgent["urgent_recall"] >= 0.95 and urgent["urgent_precision"] >= 0.9
    claims = evaluate(read_jsonl(data / "nlu_fresh_claims.jsonl"))
    assert claims["intent_accuracy"] >= 0.95 and claims["hours_exact"] >= 0.95


@pytest.mark.parametrize("text", ["上午去敬老院陪老人聊天了一个多钟头", "帮社区贴通知，两个多小时", "spent a couple of hours at the food bank"])
def test_a_claim_with_an_approximate_amount_has_no_hours(text):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim", (text, r.intent)
    assert r.hours is None


# Round 5: new emergencies the frames learned, each in a phrasing of our own.
@pytest.mark.parametrize("text", [
    "阳台的瓷砖一直往下掉，刚才差点砸到送外卖的，就在单元门上面",
    "有人在花坛边烧东西，火苗被风吹着往电动车那边窜",
    "大风把路边那棵树刮歪了，压在三楼的阳台上",
    "停电快一个小时了，我妈用的呼吸机只剩电池在撑",
    "the power is out and my dad's oxygen concentrator only has an hour of battery left",
    "楼道口有条蛇，小孩刚放学都要从这过",
    "有人正在地库划车，我在楼上看着他还没走",
    "整个厨房都淹了，水还在往外冒",
    "My CO alarm keeps beeping and I feel dizzy",
    "有人在楼道里点纸箱 火越烧越大",
    "人行道上的井盖被人偷了 刚才有个老人差点踩空",
    "工地的吊篮晃得厉害 下面就是幼儿园的门口",
    "我個仔四點放學 而家六點都未見人",
    "a guy on a bike is going round snatching phones, he just grabbed a woman's bag by the gate",
    "the kitchen ceiling is sagging with water and we can hear it cracking",
])
def test_new_danger_frames_raise_the_alarm(text):
    r = parse(text, now=NOW)
    assert r.intent == "report" and r.urgent, (text, r.evidence)


# ... and what sounds like them but needs nobody to come now.
@pytest.mark.parametrize("text", [
    "救命啊 楼下广场舞也太吵了 天天到十点",
    "烟感一直滴滴叫 应该是电池没电了吧",
    "我的自行车被偷了 前天还在的",
    "楼道里全是杂物 真着火了都跑不掉",
    "门口有车挡着 我出不去 快来人挪车",
    "上周在小区草坪看到一条蛇 能不能找人来处理一下",
    "a pigeon is stuck on the ledge of block 4 and it keeps crying",
    "隔壁电视开得好大声 跟她说了也不理人",
    "我爸一个人住 上次出门迷路找不到家 社区能不能帮忙照看一下",
    "插座烧黑了一块 好几天了 希望换个新的",
    "几个孩子在楼下玩打火机 被我制止了",
    "路口的井盖昨天丢了 今天已经盖上了",
    "奶奶在小区门口摔了一跤 去社区医院看过了 没什么大碍",
    "楼道那个垃圾桶着过火 想换个铁的",
    "what should I do next time I smell gas in the hallway?",
    "residents smoke on the landing every evening",
])
def test_harmless_lookalikes_are_not_emergencies(text):
    r = parse(text, now=NOW)
    assert not r.urgent, (text, r.evidence)


@pytest.mark.parametrize("text,intent", [
    ("我上周反映的楼道灯 社区来看了吗", "status_query"),
    ("都半个月了 报修的事还是没下文", "status_query"),
    ("说好三个工作日内答复 现在都第六天了还没人理", "status_query"),
    ("我的分呢 上周末的活动还没加上", "points"),
    ("攒了两百分 想换点米面油", "points"),
    ("想用100 pts换一桶油", "points"),
    ("哈啰", "help"),
    ("am I in the right place to report things about my building?", "help"),
    ("教楼里的阿姨用手机挂号 一个小时", "volunteer_claim"),
    ("帮着给独居老人送饭 跑了三家 五十分钟", "volunteer_claim"),
])
def test_round5_intents(text, intent):
    assert parse(text, now=NOW).intent == intent, text


@pytest.mark.parametrize("text,hours", [
    ("周六上午两小时 周日下午三小时 都在社区图书室值班", 5.0),
    ("星期三帮忙发传单 俩小时", 2.0),
    ("陪护站值班 仨小时", 3.0),
    ("volunteer hours: 1.5 at the food bank", 1.5),
])
def test_round5_hour_forms(text, hours):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(hours), (text, r.hours)
