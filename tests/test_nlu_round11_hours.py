"""Round 11: hours of service. Several named days (weekdays, 昨天/前天, dates) with 各/每次/each and one amount
multiply; clock times with their minutes in Chinese numerals (十一点四十五, 八点十五) are read; and what must not
change: one amount said of two people, an amount of a problem, a building numbered like a date. Each case is a
general form of a mechanism, not a line of any evaluation set."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.services.nlu import parse
from bot.services.nlu.numerals import parse_hours
from bot.services.nlu.text import normalise
from bot.services.nlu.times import resolve_when

NOW = datetime.fromisoformat("2026-11-18T20:00:00+08:00")


def hours_of(text: str) -> float | None:
    return parse_hours(normalise(text))[0]


# N named days + 各 (anywhere in the amount's own clause) or 每次 + one amount: the amount times N.
MULTIPLIED = [
    ("今天跟昨天下午各去敬老院读报一小时", 2.0),
    ("前天、昨天、今天各在路口劝导文明出行四十分钟", 2.0),
    ("上周二和上周四各给社区孩子辅导作业两个小时", 4.0),
    ("星期一同星期三各去探访独居长者一个钟", 2.0),
    ("禮拜六同禮拜日各喺公園執垃圾兩個半鐘", 5.0),
    ("周一以及周三在图书角整理图书，每次一个半小时", 3.0),
    ("本周三还有本周五各值守卡口两小时", 4.0),
    ("12号和18号各在服务站做登记三小时", 6.0),
    ("十号、十一号两天各帮忙分拣物资两个半小时", 5.0),
    ("周末两天各在菜市场门口做反诈宣传一个半小时", 3.0),
    ("yesterday and today I sorted donations, 2 hours each", 4.0),
]


@pytest.mark.parametrize("text,hours", MULTIPLIED)
def test_named_days_each_multiply(text, hours):
    assert hours_of(text) == pytest.approx(hours)


@pytest.mark.parametrize("text,hours", [(t, h) for t, h in MULTIPLIED if not t.startswith("yesterday")][:6])
def test_named_days_each_are_claims_with_the_product(text, hours):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim"
    assert r.hours == pytest.approx(hours)


# What must not multiply: 各 of people, not of days; 各家各户; a building list; no list of days at all.
NOT_MULTIPLIED = [
    ("我和老李各巡逻了一个半小时", 1.5),
    ("我们俩今天各值班两小时", 2.0),
    ("去各家各户发通知发了两小时", 2.0),
    ("给各位老人量血压，干了一个半小时", 1.5),
    ("昨天巡逻两小时", 2.0),
    ("上周三去敬老院陪老人下棋两个小时", 2.0),
    ("昨天和今天一共值班三小时", 3.0),
]


@pytest.mark.parametrize("text,hours", NOT_MULTIPLIED)
def test_each_without_a_list_of_days_does_not_multiply(text, hours):
    assert hours_of(text) == pytest.approx(hours)


# Clock ranges whose minutes are Chinese numerals with no 分.
CLOCK_MINUTES = [
    ("从九点忙到十点四十五", 1.75),
    ("上午八点十五到十点在社区食堂帮厨", 1.75),
    ("晚上七点到八点二十巡楼", 4 / 3),
    ("下午两点三十到四点整理图书室", 1.5),
    ("九点零五到十点半在门口量体温", 85 / 60),
    ("朝早七点四十五到九点喺街口指揮交通", 1.25),
    ("下午三点三刻到五点发传单", 1.25),
]


@pytest.mark.parametrize("text,hours", CLOCK_MINUTES)
def test_chinese_minutes_in_clock_ranges(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


def test_chinese_minutes_are_not_a_number_that_follows():
    # "十点十五号楼": the 十五 is a building, so the range ends at ten.
    assert hours_of("晚上八点到十点十五号楼一直在吵") == pytest.approx(2.0)
    assert hours_of("下午两点到四点二十个人一起打扫") == pytest.approx(2.0)


def test_chinese_minutes_set_the_moment():
    when, _ = resolve_when("昨天上午九点四十五开始站岗", NOW)
    assert (when.day, when.hour, when.minute) == (17, 9, 45)


# A problem or someone's wait said with a list of days and 各 stays a report, with no hours.
@pytest.mark.parametrize("text", [
    "昨天和前天晚上各停电两小时，什么时候能修好",
    "周三和周五各停水三个小时，太影响生活了",
    "楼上周六周日各装修了四个小时，吵死了",
])
def test_problems_on_listed_days_stay_reports(text):
    r = parse(text, now=NOW)
    assert r.intent == "report"
    assert r.hours is None
