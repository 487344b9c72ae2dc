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
