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
