"""Round 8: volunteer claims told as a past service activity with a duration or a stretch of the clock (no word of
points needed), hours for sessions times a per-session amount and for clock ranges written in more ways, and the
urgency mechanisms round 7 still missed or over-called. Each case is a general form of a mechanism, not a line of any
evaluation set."""
from __future__ import annotations

import pytest

from bot.services.nlu import parse
from bot.services.nlu.numerals import parse_hours
from bot.services.nlu.text import normalise

# Sessions times a per-session amount, and clock ranges with a verb, a part of the day or noon between.
HOURS = [
    ("上周四个下午去社区图书室整理书架，每次一个半小时", 6.0),
    ("连续三天每天早上指挥交通两小时", 6.0),
    ("两个周末各帮忙了四个小时", 8.0),
    ("four days, two hours each, at the food bank", 8.0),
    ("two evenings, 2.5h each", 5.0),
    ("帮忙布置会场，从晚上七点弄到九点半", 2.5),
    ("由朝早九點搞到下晝兩點", 5.0),
    ("巡楼 从 7pm 到 9pm", 2.0),
    ("sorted donations from 10 till noon", 2.0),
    ("早上六点到七点三刻扫雪", 1.75),
]


@pytest.mark.parametrize("text,hours", HOURS)
def test_hours_sessions_and_ranges(text, hours):
    assert parse_hours(normalise(text))[0] == pytest.approx(hours)


# A past service activity of the writer's (or of nobody named) with an amount of time: a claim, points named or not.
CLAIMS = [
    ("给小区里的老人讲了一个小时怎么防电信诈骗", 1.0),
    ("昨天下午两点到三点半在幼儿园门口疏导交通", 1.5),
    ("清理单元门口的小广告 40分钟", 40 / 60),
    ("Two evenings of litter picking by the canal, 90 minutes each", 3.0),
    ("2h", 2.0),
    ("帮三楼的阿姨搬了一个半钟头的家具", 1.5),
    ("spent an hour and a half sorting the food bank shelves", 1.5),
]


@pytest.mark.parametrize("text,hours", CLAIMS)
def test_service_with_duration_is_a_claim(text, hours):
    r = parse(text)
    assert r.intent == "volunteer_claim"
    assert r.hours == pytest.approx(hours, abs=0.01)


# How long a problem lasted, somebody waiting, other people doing something for hours, a plan, a question: reports.
NOT_CLAIMS = [
    "楼上装修从早上八点一直敲到十二点",
    "我在社区服务中心排队等了两个小时还没办上",
    "物业派人疏通了一个小时，下水道还是堵的",
    "the neighbours were drilling from 7 to 9 last night",
    "I waited two hours for the plumber and nobody came",
    "停水三个小时了 什么时候来水",
    "居住证在哪办 网上弄了半天没弄明白",
    "明天上午九点到十一点我们打算组织大家打扫楼道，谁能来",
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_durations_of_problems_stay_reports(text):
    assert parse(text).intent == "report"


# Danger present now: water escaping in a home, a vulnerable person with acute symptoms, a structure down across a
# path in use with more about to fall.
URGENT_NOW = [
    "卫生间的软管脱落了，水呲得到处都是，阀门关不上",
    "water spraying out of the pipe under the sink and I can't find the stopcock",
    "隔壁独居的爷爷今天说话含含糊糊的，屋里热得像蒸笼",
    "my elderly neighbour is confused and can't tell me what day it is, her flat is baking hot",
    "大风把小区门口的广告牌吹倒了，压在人行道上，还有一块在那摇",
]


@pytest.mark.parametrize("text", URGENT_NOW)
def test_present_danger_is_urgent(text):
    r = parse(text)
    assert r.intent == "report" and r.urgent


# Over: the person already taken away by ambulance or family, an event closed with thanks.
OVER = [
    "楼下摔倒的阿姨已经被救护车接走了，谢谢大家关心",
    "门口晕倒的大爷已经被家属接回去了",
    "the man who collapsed at the bus stop was taken away by ambulance, thanks everyone",
]


@pytest.mark.parametrize("text", OVER)
def test_taken_away_is_over(text):
    assert not parse(text).urgent
