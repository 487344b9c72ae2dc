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
