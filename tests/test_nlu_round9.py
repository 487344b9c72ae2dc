"""Round 9: sessions counted from named days and nights times a per-session amount or clock range; claim-frame
questions, suggestions and replies; urgency stages that missed or over-called a general mechanism; care outranked
by the object of the matter. Each case is a general form of a mechanism, not a line of any evaluation set."""
from __future__ import annotations

import pytest

from bot.services.nlu import parse
from bot.services.nlu.numerals import parse_hours
from bot.services.nlu.text import normalise

# A list of named days, or N nights, times a per-session amount or a clock range said once.
HOURS = [
    ("周二、四下午陪读，每次两小时", 4.0),
    ("周一周三周五早上带操 每次半小时", 1.5),
    ("星期六日两天都是早7点到9点", 4.0),
    ("Tue/Thu homework club, 1.5 hours each", 3.0),
    ("helped at the pantry Monday, Wednesday and Friday, two hours each", 6.0),
    ("four nights of patrol, 1 hour each", 4.0),
    ("两晚都是晚上7点-9点巡楼", 4.0),
    # A stretch of named days counts each day in it.
    ("周一到周五每天早上护学岗半小时", 2.5),
    ("星期二至四下午陪读，每次两小时", 6.0),
    ("Mon-Fri school crossing, 1 hour each", 5.0),
    # A lone day is no list: "周五天" is five days, "这周三个上午" is three mornings.
    ("这周五天都去了，每天一小时", 5.0),
    ("这周三个上午去帮忙，每次一小时", 3.0),
]


@pytest.mark.parametrize("text,hours", HOURS)
def test_hours_day_lists_times_rate(text, hours):
    assert parse_hours(normalise(text))[0] == pytest.approx(hours)


def test_single_day_with_amount_is_not_multiplied():
    assert parse_hours(normalise("周三下午帮忙两小时"))[0] == pytest.approx(2.0)
    assert parse_hours(normalise("晚7点到9点巡逻"))[0] == pytest.approx(2.0)


# Questions and suggestions that something be done or set up claim no service; a dispute about credit is points; a
# question after a case (a reply to a worker, "did anyone go…", my suggestion answered or not) is a status query.
INTENTS = [
    ("楼下空地可以办个旧书交换角吗，周六下午", "report"),
    ("独居的王奶奶不会在网上交医保，社区能派人上门帮弄吗", "report"),
    ("我们楼能不能组织一次义诊？", "report"),
    ("我上个月的时长是不是记少了，明明去了四次每次两小时", "points"),
    ("积分好像算错了，周末值班三个小时只给了一小时的分", "points"),
    ("回复@网格员：收到，那师傅几点能过来？", "status_query"),
    ("我之前反映的路灯问题有没有人跟进", "status_query"),
    ("has anyone actually been round to look at the leak I reported on Monday?", "status_query"),
    ("晚安", "help"),
    ("午安！", "help"),
    # Credit asked for in so many words stays a claim.
    ("整理楼道杂物 四十分钟 能算吗", "volunteer_claim"),
]


@pytest.mark.parametrize("text,intent", INTENTS)
def test_questions_suggestions_disputes(text, intent):
    assert parse(text).intent == intent


def test_suggestion_about_progress_is_no_status_query():
    r = parse("希望社区每个月在公告栏贴一次维修进度")
    assert r.intent == "report"


# A service done for someone with no amount of time is a claim without hours; an amount or clock range said as the
# message's own tail is time served.
CLAIMS_NO_HOURS = [
    "在菜市场门口帮环卫工分拣纸箱",
    "停电那两天帮楼里老人提水上楼，跑了好几趟",
    "helped the old lady next door carry her shopping up",
]


@pytest.mark.parametrize("text", CLAIMS_NO_HOURS)
def test_service_done_without_amount_is_claim(text):
    r = parse(text)
    assert r.intent == "volunteer_claim" and r.hours is None


@pytest.mark.parametrize("text", ["帮我把楼道的杂物清理一下", "能不能找人帮老人搬一下东西", "快递员帮邻居搬了东西，把墙撞坏了"])
def test_help_asked_or_done_by_others_is_no_claim(text):
    assert parse(text).intent != "volunteer_claim"


def test_clock_range_as_tail_is_time_served():
    r = parse("周日教孩子们读绘本 9:30-11:00")
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(1.5)


# Urgency by mechanism: an emergency vehicle kept from reaching someone; something loose at height moving in the wind
# above a place people use; a swindle under way (a password or code asked for now); water pouring from above into a
# home now; a motor-driven door or barrier malfunctioning at people.
URGENT = [
    "救护车到了小区门口，被一辆快递三轮挡着进不去楼下",
    "the fire engine is at the entrance but parked cars are blocking the access road",
    "15楼那户的空调外机支架松了，风一吹就晃，楼下正对着幼儿园门口",
    "my mum is on the phone with someone right now asking her for the verification code from her bank, she's still talking to them",
    "我妈刚接了个电话，对方正在让她报银行卡验证码",
    "楼上漏水，水从吊顶往下流，跟下雨似的，地板全泡了",
    "车库的电动门一直反复往下砸，刚才差点夹到一个小孩",
]


@pytest.mark.parametrize("text", URGENT)
def test_urgent_mechanisms(text):
    assert parse(text).urgent


# Look-alikes: a near miss told as over; a notice asked for; a habit (一…就); a tiled floor broken in a quarrel; a
# bump or kerb hit by riders; wear judged by its look; a light out; a car blocking a garage with being late the cost;
# a child not fetched as the reason to ask about a sign-up.
CALM = [
    "楼下打除草剂能不能提前通知，我家狗差点舔到",
    "一开空调我家阳台就积水，跟楼上说了也不管",
    "楼上搬家把我家门口瓷砖砸裂了，不肯赔",
    "the kerb by the car park is broken, cyclists keep hitting it",
    "滑梯扶手生锈了，看着快要断了",
    "地库的灯全坏了，车开下来根本看不清人",
    "有辆车挡住我家车库门，电话打不通，我着急去上班",
    "孩子下课没人接，社区的托管班还能报名吗",
]


@pytest.mark.parametrize("text", CALM)
def test_not_urgent_look_alikes(text):
    assert not parse(text).urgent


def test_near_miss_with_the_danger_still_going_stays_urgent():
    assert parse("健身器材的杆子断了一头，刚才差点有人摔下来，现在又有小孩爬上去了").urgent


# 老人/小孩 mentioned where the matter is a thing at fault or a thing wanted: the thing's category outranks care; a
# condition of the person (走丢, 独居, 晕倒) or a person trapped keeps care.
@pytest.mark.parametrize("text,not_cat", [
    ("3单元的电梯按钮坏了好几个，老人上下楼很不方便", "care"),
    ("楼道的窗户插销断了，小孩老爱趴在窗边", "care"),
    ("希望小区多装几个扶手，老人走路方便点", "care"),
])
def test_person_mentioned_thing_outranks_care(text, not_cat):
    assert parse(text).category != not_cat


@pytest.mark.parametrize("text", ["隔壁独居的张奶奶好几天没出门了，敲门也没人应", "my toddler locked himself in the bathroom and the bath is running"])
def test_person_matter_stays_care(text):
    assert parse(text).category == "care"
