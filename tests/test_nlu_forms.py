"""Hours and place forms the extractors once missed: "1h30", a count times a rate, an idiom inside a clock range,
Cantonese 个字, and places such as 住2栋601, 2-1单元, 一楼 2单元101. Sentences are written here, not taken from the
labelled sets."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.nlu.numerals import int_to_cn, parse_hours
from bot.services.nlu.places import extract_place
from bot.services.nlu.text import normalise


def hours(text):
    return parse_hours(normalise(text))[0]


def place(text):
    p = extract_place(normalise(text))
    return p.building, p.unit, p.room


# ---- hours and minutes written together: 1h30, 2h15, 3小时20 ---------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("社区图书馆整理书架 1h30", 1.5),
    ("陪读 2h15 孩子很乖", 2.25),
    ("帮忙发传单 1h45m", 1.75),
    ("扫落叶3小时20", 3 + 20 / 60),
    ("打扫活动室 2h", 2.0),
])
def test_hours_with_minutes_written_straight_after(text, expected):
    assert hours(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text, expected", [
    ("上门走访 2h 30户都去了", 2.0),       # 30 households, not 30 minutes
    ("巡楼3小时12栋都走了一遍", 3.0),      # 12 buildings
])
def test_a_count_after_the_hours_is_no_minutes(text, expected):
    assert hours(text) == pytest.approx(expected, abs=0.01)


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=59), st.booleans())
def test_hours_then_minutes_adds_up(h, m, unit):
    text = f"帮邻居搬家 {h}h{m:02d}{'m' if unit else ''}"
    assert hours(text) == pytest.approx(h + m / 60, abs=0.01)


# ---- a count of sessions times the length of one -----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("给小学生上了三节书法课 一节40分钟", 2.0),
    ("这个月去敬老院四次 每次两小时", 8.0),
    ("每堂三十分钟，一共讲咗三堂", 1.5),
    ("ran 3 sessions of 45 minutes at the youth centre", 2.25),
    ("did two shifts at the food bank, 3 hours each", 6.0),
    ("巡逻每次一个半小时", 1.5),                # a rate alone is the amount
    ("去了两次 一共三小时", 3.0),                # a stated total wins
    ("每次大概一个多小时 去了三次", None),       # a hedged rate states no hours
])
def test_count_times_rate(text, expected):
    if expected is None:
        assert hours(text) is None
    else:
        assert hours(text) == pytest.approx(expected, abs=0.01)


@given(st.integers(min_value=2, max_value=6), st.sampled_from([15, 20, 30, 40, 45, 50, 60, 90]))
def test_count_times_rate_in_minutes(n, minutes):
    text = f"教老人用手机 上了{int_to_cn(n)}节课 每节{minutes}分钟"
    assert hours(text) == pytest.approx(n * minutes / 60, abs=0.01)


@given(st.integers(min_value=2, max_value=9), st.integers(min_value=1, max_value=2))
def test_rate_times_count_in_english(n, h):
    text = f"did {n} patrols of {h} hours around the estate"
    assert hours(text) == pytest.approx(n * h, abs=0.01)


# ---- a duration used as an idiom inside a clock range -------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("一分钟都没停，从两点忙到五点", 3.0),
    ("从八点干到十一点 一刻钟也没歇", 3.0),
    ("一分钟都没歇 干了两个小时", 2.0),
    ("下午两点到五点，三个小时", 3.0),            # a duration that restates the range stays the amount
])
def test_idiom_duration_gives_way_to_the_range(text, expected):
    assert hours(text) == pytest.approx(expected, abs=0.01)


# ---- Cantonese 个字: five minutes each ---------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("幫手派飯盒 做咗四個字", 4 * 5 / 60),
    ("等咗九個字先開始", 0.75),
    ("今日義工寫咗三個字揮春", None),               # written characters, not minutes
    ("佢只係講咗兩個字", None),
])
def test_cantonese_five_minute_units(text, expected):
    if expected is None:
        assert hours(text) is None
    else:
        assert hours(text) == pytest.approx(expected, abs=0.01)


@given(st.integers(min_value=1, max_value=11))
def test_cantonese_zi_is_five_minutes(n):
    assert hours(f"喺社區中心做咗{int_to_cn(n)}個字義工") == pytest.approx(n * 5 / 60, abs=0.01)


# ---- places ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("住3栋502 快来人", ("3", None, "502")),                      # a room after the building, not a unit
    ("住5栋1201 门开着", ("5", None, "1201")),
    ("5栋2门301水管爆了", ("5", "2", "301")),                     # a short number before 门 is still a unit
    ("4-2单元门口堆满了纸箱", ("4", "2", None)),                   # building-unit with a dash
    ("11-3单元702家的狗叫了一夜", ("11", "3", "702")),
    ("下水道堵了 一楼 3单元102", (None, "3", "102")),               # 一楼 is a floor
    ("8楼2单元的电梯又坏了", ("8", "2", None)),                    # 8楼2单元 written together is a building
    ("发了一下午传单 跑了6栋楼", (None, None, None)),               # six buildings walked through
    ("去了6栋楼下看看", ("6", None, None)),
    ("楼上1503天天半夜拖椅子", (None, None, "1503")),
    ("隔壁602在阳台烧东西", (None, None, "602")),
    ("楼下3户人家都停水了", (None, None, None)),                     # a count of households, no room
    ("我家902天花板发霉了", (None, None, "902")),
    ("401的李爷爷摔倒了 3号楼", ("3", None, "401")),
    ("七栋二单元三零二 燃气味很重", ("7", "2", "302")),
])
def test_place_forms(text, expected):
    assert place(text) == expected


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=9))
def test_dash_building_unit(b, u):
    assert place(f"{b}-{u}单元的灯不亮") == (str(b), str(u), None)


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=33), st.integers(min_value=1, max_value=12))
def test_lives_in_building_then_room(b, floor, door):
    room = f"{floor}{door:02d}"
    assert place(f"我住{b}栋{room} 门没锁") == (str(b), None, room)


# ---- more hours forms: a rate needs a plain count; bare English clock ranges; "a little over" -----------------

@pytest.mark.parametrize("text, expected", [
    ("那天排了两班 我只上了一班 三个小时", 3.0),      # 一班 after a verb is one shift, not a rate
    ("第二次去了 每次一小时", 1.0),                   # 第二次 is an ordinal, not a count
    ("2 days ago, an hour each", 1.0),               # days ago is a date, not a count
    ("這週兩次 一次兩小時", 4.0),
])
def test_what_counts_as_a_count(text, expected):
    assert hours(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text, expected", [
    ("Sorted donations at the church hall, 9 to 11", 2.0),
    ("helped at the library 1 to 4 yesterday", 3.0),
    ("coached kids aged 8 to 12.", None),
    ("visited flats 3, 5 to 9", None),
    ("helped for 2 to 3 hours", None),               # an approximate amount
])
def test_bare_english_clock_range(text, expected):
    if expected is None:
        assert hours(text) is None
    else:
        assert hours(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text", ["扫楼道 两个钟头多一点", "陪聊三小时出头", "干了一小时多点"])
def test_a_little_over_states_no_hours(text):
    assert hours(text) is None


@given(st.integers(min_value=1, max_value=11), st.integers(min_value=1, max_value=6))
def test_bare_english_range_is_its_length(a, length):
    b = a + length
    if b > 12:
        b -= 12
    assert hours(f"Helped at the food bank, {a} to {b}") == pytest.approx(length, abs=0.01)


# ---- a place signed off alone at the end of a message --------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("暖气片漏水了 地板全湿了 1104", (None, None, "1104")),
    ("有人在楼道里抽烟 呛死了 9-3", ("9", "3", None)),
    ("电梯又停了 502", (None, None, "502")),
    ("这个月物业费交了 1203", (None, None, None)),     # money paid
    ("捐了 305", (None, None, None)),
    ("小区门口那家店开到 2023", (None, None, None)),    # a year
    ("电梯又停了 1550", (None, None, None)),           # door 50 is no door number
    ("周六值班 9-5", (None, None, None)),              # a shift, not a place
    ("helped at the pantry 8-4", (None, None, None)),
])
def test_trailing_place(text, expected):
    assert place(text) == expected


@given(st.integers(min_value=1, max_value=33).filter(lambda f: f != 20), st.integers(min_value=1, max_value=12))
def test_trailing_room_number(floor, door):  # 2001-2012 read as years
    room = f"{floor}{door:02d}"
    assert place(f"下水道反味 熏得头疼 {room}") == (None, None, room)
