"""Property tests for the exact extractors of the parser: numerals, places, hours and times."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.nlu.numerals import cn_to_int, int_to_cn, parse_hours, to_number
from bot.services.nlu.places import extract_place
from bot.services.nlu.text import normalise
from bot.services.nlu.times import resolve_when

ZONES = [ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), timezone.utc]
nows = st.builds(
    lambda d, tz: datetime(2020, 1, 1, tzinfo=tz) + timedelta(minutes=d),
    st.integers(min_value=0, max_value=60 * 24 * 365 * 8),
    st.sampled_from(ZONES),
)
WEEKDAYS_ZH = "一二三四五六日"


def place(text):
    return extract_place(normalise(text))


def hours(text):
    return parse_hours(normalise(text))[0]


# ---- numerals ------------------------------------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=99))
def test_chinese_numeral_of_small_numbers_round_trips(n):
    assert cn_to_int(int_to_cn(n)) == n


@given(st.integers(min_value=0, max_value=99999))
def test_chinese_numeral_round_trips_up_to_a_hundred_thousand(n):
    assert cn_to_int(int_to_cn(n)) == n


def test_spoken_numeral_forms():
    assert cn_to_int("两") == 2
    assert cn_to_int("两百") == 200
    assert cn_to_int("三零二") == 302  # room numbers read digit by digit
    assert cn_to_int("一万零五") == 10005
    assert to_number("forty-five") == 45
    assert cn_to_int("楼") is None


# ---- places --------------------------------------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9))
def test_building_and_unit_in_digits(n, m):
    p = place(f"{n}号楼{m}单元楼道灯坏了")
    assert (p.building, p.unit, p.room) == (str(n), str(m), None)


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9))
def test_building_and_unit_in_chinese_numerals(n, m):
    p = place(f"{int_to_cn(n)}号楼{int_to_cn(m)}单元电梯坏了")
    assert (p.building, p.unit) == (str(n), str(m))


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=33), st.integers(min_value=1, max_value=6))
def test_building_then_room(n, floor, door):
    room = f"{floor}0{door}"
    p = place(f"楼上太吵了 {n}栋{room}")
    assert (p.building, p.room) == (str(n), room)


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9), st.integers(min_value=101, max_value=3306))
def test_dashed_building_unit_room(b, u, r):
    p = place(f"地址 {b}-{u}-{r} 漏水")
    assert (p.building, p.unit, p.room) == (str(b), str(u), str(r))


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9), st.sampled_from(["building", "Building", "block", "Block", "bldg"]))
def test_english_building_and_unit(n, m, word):
    p = place(f"Gas smell in {word} {n}, unit {m}!")
    assert (p.building, p.unit) == (str(n), str(m))


@given(st.sampled_from("ABCDEFGH"), st.sampled_from(["座", "栋", "幢"]))
def test_letter_buildings(letter, suffix):
    assert place(f"{letter}{suffix}电梯坏了").building == letter


def test_place_forms_from_the_issue():
    assert (place("5栋").building, place("12幢").building, place("B座").building) == ("5", "12", "B")
    p = place("三单元502")
    assert (p.building, p.unit, p.room) == (None, "3", "502")
    p = place("6栋302")
    assert (p.building, p.room) == ("6", "302")
    assert place("block 6").building == "6"
    p = place("三號樓二單元")  # Traditional
    assert (p.building, p.unit) == ("3", "2")


def test_no_place_is_invented():
    for text in ["我住3楼，楼道灯坏了", "Hallway lights on the 3rd floor are broken", "电话13812345678",
                 "2026-11-23 停水了", "11月23号开始停水", "垃圾三天没清运", "打12345也没用",
                 "fireworks right next to the buildings", "The blocks of flats are dirty", "in 2024 the lift broke"]:
        p = place(text)
        assert (p.building, p.unit, p.room) == (None, None, None), text


# ---- hours ---------------------------------------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=9))
def test_n_and_a_half_hours(n):
    cn = "两" if n == 2 else int_to_cn(n)
    assert hours(f"陪护老人{cn}个半小时") == n + 0.5
    assert hours(f"巡逻{n}个小时") == n


@given(st.integers(min_value=1, max_value=180))
def test_minutes_become_hours(m):
    assert abs(hours(f"今天做了{int_to_cn(m)}分钟的垃圾分类引导") - m / 60) < 0.01
    assert abs(hours(f"I did {m} minutes of patrol") - m / 60) < 0.01


def test_hour_forms_from_the_issue():
    assert hours("一个半小时") == 1.5
    assert hours("两个半小时") == 2.5
    assert hours("四十五分钟") == 0.75
    assert hours("半小时") == 0.5
    assert hours("an hour and a half") == 1.5
    assert hours("3 hours this morning") == 3
    assert hours("上午9点到11点半在图书角值班") == 2.5
    assert hours("三个多小时") is None  # approximate: no number of hours is stated
    assert hours("两个来小时") is None
    assert hours("从两点干到五点") == 3
    assert hours("下午两点一直忙到五点半") == 3.5
    assert hours("from 2pm to 4:30pm") == 2.5
    assert hours("5号楼到6号楼") is None
    assert hours("参加了板凳会，申请积分") is None


# ---- times ---------------------------------------------------------------------------------------------------

@settings(max_examples=200)
@given(nows, st.sampled_from(["昨天", "前天", "大前天", "3天前", "昨天下午", "上周日", "上周一", "上星期三", "上礼拜六",
                              "周末", "yesterday", "last saturday", "last monday", "2 days ago", "last night"]))
def test_past_expressions_resolve_to_a_past_date_in_the_timezone_of_now(now, expr):
    when, ev = resolve_when(normalise(f"{expr}参加了平安巡逻"), now)
    assert when is not None and ev
    assert when.tzinfo is now.tzinfo
    assert when.date() < now.date() or (expr == "周末" and when.date() <= now.date())


@given(nows, st.integers(min_value=0, max_value=6))
def test_last_week_weekday_is_in_the_previous_calendar_week(now, wd):
    when, _ = resolve_when(normalise(f"上周{WEEKDAYS_ZH[wd]}打扫卫生"), now)
    monday = now.date() - timedelta(days=now.weekday())
    assert when.weekday() == wd
    assert monday - timedelta(days=7) <= when.date() < monday


@given(nows, st.integers(min_value=0, max_value=6))
def test_next_week_weekday_afternoon(now, wd):
    when, _ = resolve_when(normalise(f"下周{WEEKDAYS_ZH[wd]}下午两点"), now)
    assert when.date() > now.date() and when.weekday() == wd and (when.hour, when.minute) == (14, 0)


@given(nows)
def test_today_morning_and_this_morning(now):
    for expr in ("今天上午", "this morning"):
        when, _ = resolve_when(normalise(expr), now)
        assert when.date() == now.date() and 6 <= when.hour < 12


def test_time_examples_against_a_fixed_monday():
    now = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    assert resolve_when("上周日", now)[0].date().isoformat() == "2026-11-22"
    assert resolve_when("last saturday", now)[0].date().isoformat() == "2026-11-21"
    assert resolve_when(normalise("下周三下午两点"), now)[0].isoformat() == "2026-12-02T14:00:00+08:00"
    assert resolve_when("昨天", now)[0].isoformat() == "2026-11-22T00:00:00+08:00"
    assert resolve_when("参加了板凳会", now) == (None, None)


# ---- hours: the forms residents use that the first version missed ------------------------------------------------

def _cn(n: int) -> str:
    return "两" if n == 2 else int_to_cn(n)


@given(st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=59))
def test_hours_and_minutes_together(h, m):
    assert abs(hours(f"巡逻{_cn(h)}小时{int_to_cn(m)}分") - (h + m / 60)) < 0.01
    assert abs(hours(f"值班{h}个钟头零{m}分钟") - (h + m / 60)) < 0.01


@given(st.integers(min_value=1, max_value=9))
def test_half_with_zhongtou_and_zhong(n):
    assert hours(f"{_cn(n)}个半钟头") == n + 0.5
    assert hours(f"陪老人聊天{_cn(n)}个钟") == n


@given(st.integers(min_value=1, max_value=8), st.integers(min_value=1, max_value=8))
def test_amounts_for_separate_days_add_up(a, b):
    assert hours(f"昨天{_cn(a)}小时，今天{_cn(b)}小时，都在巡逻") == a + b
    assert hours(f"I did {a} hours on Saturday and {b} hours on Sunday") == a + b


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=2, max_value=9))
def test_a_stated_total_wins_and_a_rate_is_not_added(each, total):
    assert hours(f"巡逻了几趟，每趟{_cn(each)}小时，一共{_cn(total)}小时") == total


@given(st.integers(min_value=6, max_value=10), st.integers(min_value=1, max_value=3), st.sampled_from([0, 15, 30, 45]))
def test_clock_ranges_with_minutes(start, length, minute):
    expected = length + minute / 60
    assert abs(hours(f"{start}:00到{start + length}:{minute:02d}在图书角值班") - expected) < 0.01
    assert abs(hours(f"from {start} to {start + length}:{minute:02d} at the food bank") - expected) < 0.01


def test_new_hour_forms():
    assert hours("一刻钟") == 0.25
    assert hours("三刻钟") == 0.75
    assert abs(hours("四十分钟") - 2 / 3) < 0.01
    assert hours("两小时十五分") == 2.25
    assert hours("一个半钟头") == 1.5
    assert hours("打扫楼道 1.5h") == 1.5
    assert hours("90 minutes") == 1.5
    assert hours("two hours and a half") == 2.5 or hours("an hour and a half") == 1.5
    assert hours("half an hour") == 0.5
    assert hours("两点到五点") == 3
    assert hours("下午两点到四点半") == 2.5
    assert hours("7点半到9点") == 1.5
    assert hours("9 to 11:30") == 2.5
    assert hours("spent the morning, 8:30 to 11:00, helping") == 2.5
    assert hours("from 2pm to 5pm") == 3
    assert hours("昨天两小时，今天三小时") == 5
    assert hours("上午一小时，下午两小时") == 3
    assert hours("下午两点到五点，三个小时") == 3  # the duration restates the range: not 6
    assert hours("1.5小时（90分钟）") == 1.5
    for vague in ("半天", "一下午", "一上午", "忙了一整天", "all morning"):
        assert hours(vague) is None, vague
    assert hours("room 2-4") is None


# ---- hours: more spoken and written forms; approximate amounts state none -----------------------------------------

@given(st.integers(min_value=6, max_value=10), st.integers(min_value=1, max_value=4))
def test_from_one_oclock_to_another_half_past(start, length):
    assert hours(f"从{_cn(start)}点到{_cn(start + length)}点半在社区发物资") == length + 0.5
    assert hours(f"上午{_cn(start)}点到{_cn(start + length)}点值班") == length


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=59))
def test_one_hour_and_minutes_in_words(h, m):
    assert abs(hours(f"帮老人打扫屋子，用了{_cn(h)}小时{int_to_cn(m)}分钟") - (h + m / 60)) < 0.01


@given(st.integers(min_value=1, max_value=9), st.sampled_from(["h", "hrs", " hrs", " hours", "小时", "个小时"]))
def test_decimal_hours_with_any_unit(n, unit):
    assert hours(f"巡逻{n}.5{unit}") == n + 0.5
    assert hours(f"did {n}{unit} of litter picking") == n


@given(st.integers(min_value=10, max_value=240).filter(lambda m: m % 60 != 0))
def test_minutes_in_short_forms(m):
    assert abs(hours(f"tutored kids for {m} mins") - m / 60) < 0.01
    assert abs(hours(f"整理图书 {m} mins") - m / 60) < 0.01


@given(st.integers(min_value=1, max_value=9), st.sampled_from(["{n}个多小时", "{n}个多钟头", "{n}多个小时", "{n}个来小时",
                                                             "{n}多小时", "好几个小时", "over {e} hours", "more than {e} hours",
                                                             "{e} or {e2} hours", "{d}-{d2} hours", "{d}到{d2}个小时"]))
def test_approximate_amounts_state_no_hours(n, form):
    text = form.format(n=_cn(n), e=n, e2=n + 1, d=n, d2=n + 1)
    assert hours(f"帮社区贴通知，{text}") is None, text


@given(st.sampled_from(["一两", "两三", "三四", "四五", "五六"]))
def test_a_spread_of_two_numerals_is_approximate(spread):
    assert hours(f"陪老人看病花了{spread}个小时") is None


def test_hour_forms_of_issue_4():
    assert hours("从两点到四点半") == 2.5
    assert abs(hours("一小时二十分钟") - 4 / 3) < 0.01
    assert hours("90 mins") == 1.5
    assert hours("1.5h") == 1.5
    assert hours("一个钟头") == 1
    assert hours("俩小时") == 2
    assert hours("两钟头") == 2
    assert hours("半个小时") == 0.5
    assert hours("an hour and a half") == 1.5
    assert hours("2 hrs") == 2
    assert hours("上午九点到十一点") == 2
    assert hours("一小时半") == 1.5
    assert hours("1 hr 30 mins") == 1.5
    assert hours("大概两小时") == 2  # "about two hours" names a number
    for vague in ("一个多小时", "半天", "一个多钟头", "十来分钟", "a couple of hours", "a few hours", "an hour or two", "两三个小时", "个把小时"):
        assert hours(vague) is None, vague


@given(st.integers(min_value=1, max_value=18), st.integers(min_value=1, max_value=4),
       st.sampled_from(["的老人好几天没见了", "那家天天吵", "的阿姨电话打不通", "住户在楼道堆东西"]))
def test_a_bare_room_number_before_the_people_living_there(floor, door, rest):
    room = f"{floor}0{door}"
    assert place(f"{room}{rest}").room == room


def test_counts_and_prices_are_no_rooms():
    for text in ("500老人参加了活动", "花了300的老人票", "2023的老人节", "等了100个老人"):
        assert place(text).room is None, text


def test_bare_room_numbers_in_context():
    # a number right before what lives or happens there, after "from" or "knock", or after "in" before a verb
    assert extract_place(normalise("2304的猫天天半夜叫")).room == "2304"
    assert extract_place(normalise("好像是从605漏下来的水")).room == "605"
    assert extract_place(normalise("took the bins out for the couple in 907 carrying nothing heavy")).room == "907"
    # ... but not a price, a year or a count
    assert extract_place(normalise("花了300的那个锁又坏了")).room is None
    assert extract_place(normalise("从2019年起就这样")).room is None
    assert extract_place(normalise("we waited in 300 cars worth of traffic")).room is None
