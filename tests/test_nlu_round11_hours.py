"""Round 11: hours of service. Several named days (weekdays, 昨天/前天, dates) with 各/每次/each and one amount
multiply; clock times with their minutes in Chinese numerals (十一点四十五, 八点十五) are read; and what must not
change: one amount said of two people, an amount of a problem, a building numbered like a date. Each case is a
general form of a mechanism, not a line of any evaluation set."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.services.nlu import claims, parse
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


# Amounts listed for separate sessions add up.
@pytest.mark.parametrize("text,hours", [
    ("Two shifts at the pantry this week, 1.5 h and 2 h", 3.5),
    ("两次入户走访，一次一个半小时，一次两小时", 3.5),
    ("这周去了两回敬老院，第一回40分钟，第二回一个钟", 100 / 60),
])
def test_listed_amounts_add_up(text, hours):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim"
    assert r.hours == pytest.approx(hours, abs=0.01)


# English: a past service named by what was done (walking or taking people, staffing a stall, door-knocking, looking
# after someone) with a stretch of the clock is a claim.
@pytest.mark.parametrize("text,hours", [
    ("Walked the blind residents to the clinic, 9:15 to 10:45", 1.5),
    ("Manned the info stall at the fair 1pm to 3:30pm", 2.5),
    ("Door-knocking for the census survey, 2 to 4pm", 2.0),
    ("Looked after the toddlers at the parents morning, 10:00 to 11:30", 1.5),
    ("Took the pensioners to the garden centre 1:30 to 4", 2.5),
])
def test_english_service_with_clock_range_is_a_claim(text, hours):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim"
    assert r.hours == pytest.approx(hours)


# Not the writer's service: what was heard, a walk of one's own, builders at work.
@pytest.mark.parametrize("text", [
    "Heard shouting next door 10:15 to 11:45",
    "Walked home 10 to 11 because the buses were cancelled",
    "The builders were drilling from 8:15 to 11:45",
    "Walked around the estate 9:30 to 10:30 looking for my cat",
])
def test_english_clock_ranges_that_are_no_service(text):
    assert parse(text, now=NOW).intent != "volunteer_claim"


# Claims with no amount: volunteering in a named role, 替 (on someone's behalf) like 帮, a service done in so many
# trips or lessons.
@pytest.mark.parametrize("text", [
    "I volunteered at the blood drive in the community hall",
    "We volunteered as stewards at the lantern festival",
    "这几天替楼里腿脚不便的老人买菜",
    "替5号楼的独居老人跑腿买药了",
    "给社区妈妈们讲育儿知识，讲了两节课",
    "义务理发，今天去了两趟敬老院",
])
def test_service_without_an_amount_is_a_claim(text):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim"
    assert r.hours is None


# Trips in vain, others' trips or lessons, 替换: no claim.
@pytest.mark.parametrize("text", [
    "去了两趟居委会都没人管",
    "修水管的师傅跑了三趟还没修好",
    "物业用便宜的灯替换了原来的路灯",
    "保安替业主签收了快递，结果丢了",
    "上了两节课就停电了",
    "我妈去了三趟医院",
])
def test_trips_and_replacements_that_are_no_service(text):
    assert parse(text, now=NOW).intent != "volunteer_claim"


def test_a_plan_to_volunteer_is_no_service_done():
    assert claims.helped_frame(normalise("We volunteered for the litter pick next Sunday")) is None


def test_parcels_handled_are_not_couriers_acting():
    # 取快递 is a parcel fetched for someone; 快递员 left something is someone else's doing.
    assert claims._others_act(normalise("替楼里老人取快递")) is False
    assert claims._others_act(normalise("快递员把包裹扔在门口")) is True


# More forms of the same families: 每日/每晚 anywhere in the clause, a rate said after the amount ("an hour every
# morning", "2 hours a day"), relative days with no joining word, 时 for 点, the Cantonese 字 of five minutes, the
# British dotted clock, 第N天 between listed amounts, and a later amount whose unit is understood.
@pytest.mark.parametrize("text,hours", [
    ("周一至周三每晚在小区门口值守一个半小时", 4.5),
    ("禮拜二至四每日下晝喺圖書館幫手兩個鐘", 6.0),
    ("Monday to Thursday on the school gate, 45 minutes every morning", 3.0),
    ("3 hours a day for 2 days sorting the clothes donations", 6.0),
    ("前天昨天各帮忙发放物资一个半小时", 3.0),
    ("下午二时至四时三十分在社区协助核酸登记", 2.5),
    ("朝早九點兩個字到十一點喺老人院幫手", 110 / 60),
    ("Helped at the jumble sale 9.45 to 12.15", 2.5),
    ("Read to the children from 2 to 3.30pm", 1.5),
    ("第一天1.5h 第二天2h 整理仓库", 3.5),
    ("I did 2 hours on Saturday and 3 on Sunday at the allotment", 5.0),
    ("周六巡了两小时，周日又巡了一个半", 3.5),
])
def test_more_forms_of_the_hours_families(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


@pytest.mark.parametrize("text,hours", [
    # a bare number that counts people or things after an amount of hours adds nothing
    ("巡逻两小时，发现三个", 2.0),
    ("did 2 hours and 3 kids came along", 2.0),
    ("陪老人聊天两小时，来了四个", 2.0),
    # 时 of 时候/时间 is no clock
    ("两点到三点的时候我在门口帮忙登记，大概一个小时", 1.0),
])
def test_bare_numbers_and_time_words_are_not_amounts(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


@pytest.mark.parametrize("text", [
    "prices went from 10.50 to 12.00 pounds",
    "from £10.50 to £12.00",
    "the fee is 3.50到4.50元",
])
def test_dotted_money_is_no_clock_range(text):
    assert parse_hours(normalise(text)) == (None, None)


# Quarters of an hour, English and Chinese; counts of sessions named by what they were ("two litter picks").
@pytest.mark.parametrize("text,hours", [
    ("Spent an hour and a quarter at the toddler group", 1.25),
    ("two hours and three quarters sorting the jumble", 2.75),
    ("Phoned the lonely seniors on our list for three quarters of an hour", 0.75),
    ("陪楼下阿姨去复诊，两小时一刻", 2.25),
    ("教老人用手机一个钟头零三刻", 1.75),
    ("Ran three clean-ups by the river this month, an hour and a half each", 4.5),
    ("Two deliveries for the food bank, 40 minutes each", 80 / 60),
])
def test_quarters_and_named_sessions(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


def test_covering_a_desk_is_a_service():
    r = parse("Covered the front desk at the library 2-5pm", now=NOW)
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(3.0)


# Two parts of the day as a pair with 各, "both days"; the start said with 开始 before the verb and 到; two clock
# ranges side by side.
@pytest.mark.parametrize("text,hours", [
    ("早晚各在小区里巡一次，每次四十分钟", 80 / 60),
    ("上下午各在核酸点帮忙一个半小时", 3.0),
    ("白天和晚上各去陪护病人两个钟", 4.0),
    ("Two and a half hours on both days at the jumble sale", 5.0),
    ("八点开始，一直干到十一点半，帮居委会整理档案", 3.5),
    ("从下午两点起一路忙到五点", 3.0),
    ("上午8点至11点 下午3点至5点 在社区服务站登记", 5.0),
])
def test_pairs_of_day_parts_starts_and_side_by_side_ranges(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


@pytest.mark.parametrize("text,hours", [
    ("早晚巡逻一小时", 1.0),           # 早晚 without 各/都/每 is no pair of sessions
    ("上午帮忙登记两小时，下午休息", 2.0),
])
def test_day_parts_that_do_not_multiply(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


# English ways of saying one put in time; errands done for someone (交/缴/办/挂号/代购) are help given.
@pytest.mark.parametrize("text,hours", [
    ("Lent a hand at the lunch club 12 to 2", 2.0),
    ("Chipped in 2 hours at the jumble sale", 2.0),
    ("Put in 4 hours at the community garden on Sunday", 4.0),
])
def test_english_put_in_time_is_a_claim(text, hours):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(hours)


@pytest.mark.parametrize("text", [
    "昨天帮楼下独居的阿婆交了水电费",
    "我帮老人办了社保卡",
    "这周给3户老人代购了蔬菜",
])
def test_errands_for_someone_are_help_given(text):
    assert claims.helped_frame(normalise(text)) is not None


@pytest.mark.parametrize("text", [
    "快递代收点关门了",              # a service point, not an errand done
    "物业代缴水电费多收了钱",        # someone else's doing
    "能帮我交一下电费吗",            # a request
    "小王帮我交了电费",              # help to the writer, not by the writer
])
def test_errand_words_that_are_no_help_given(text):
    assert claims.helped_frame(normalise(text)) is None


# Chinese numerals of amounts: decimals with 点, minutes in tens after the hours, Cantonese 粒钟, 成个钟 and 骨;
# a rest inside a stretch of the clock is taken off.
@pytest.mark.parametrize("text,hours", [
    ("帮社区整理档案二点五个小时", 2.5),
    ("给老人剪指甲用了1点5小时", 1.5),
    ("陪孤寡老人聊天一小时四十五", 1.75),
    ("教阿姨们跳操一个钟二十", 4 / 3),
    ("喺街站派傳單兩粒鐘", 2.0),
    ("同長者做運動做咗成個鐘", 1.0),
    ("幫手摺衫三個骨", 0.75),
    ("早上8点到12点在服务站帮忙，中间吃饭休息了一小时", 3.0),
    ("Manned the stall 10am to 4pm with an hour for lunch", 5.0),
    ("巡逻两小时，休息半小时后又巡逻一小时", 3.0),
])
def test_chinese_numeral_amounts_and_rests(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


@pytest.mark.parametrize("text,hours", [
    ("晚上九点一小时巡逻", 1.0),          # nine o'clock, then an hour: no 9.1
    ("下午三点两个小时的义诊", 2.0),      # 两 is never a decimal digit
    ("两小时十五号楼那边", 2.0),          # 十五 is a building
])
def test_clock_points_are_no_decimals(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


def test_bones_are_no_quarters():
    assert parse_hours(normalise("摔了一跤，两个骨头裂了")) == (None, None)


# A single weekday's numeral is no count of sessions; the count may be said elsewhere ("去了四次", "4 in all"), and a
# rate "a go".
@pytest.mark.parametrize("text,hours", [
    ("每周二上午一个半小时，这个月一共去了三次", 4.5),
    ("这个月每个星期六都去，去了四次，每次两个钟", 8.0),
    ("Every Thursday this term, 5 in all, an hour a time at the reading club", 5.0),
    ("Three Sunday mornings at the church car park, 2 hours a go", 6.0),
    ("这个月四个周日在门口引导停车，每个周日一个半小时", 6.0),
    ("这周五天都去了，每天两小时", 10.0),
])
def test_weekday_numerals_and_counts_said_apart(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


# English clock times in words: "half ten" (British 10:30), "half past", "quarter past/to", "o'clock", "ten thirty";
# bare number words only after from/between and not counting something.
@pytest.mark.parametrize("text,hours", [
    ("Sat and read the paper to Mrs Ho, half ten to twelve", 1.5),
    ("Sorted the book donations from half past two till four", 1.5),
    ("quarter past nine to eleven on the library desk", 1.75),
    ("Helped at the coffee morning from ten o'clock to half twelve", 2.5),
    ("Did the school gate nine thirty to eleven", 1.5),
    ("Litter picking from one to three along the canal", 2.0),
])
def test_english_word_clock_ranges(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


@pytest.mark.parametrize("text", [
    "between two and four people came to the meeting",
    "from two to four volunteers turned up",
    "ten to twelve kids were playing football",
])
def test_number_words_that_count_are_no_clock_range(text):
    assert parse_hours(normalise(text)) == (None, None)


def test_reading_to_someone_with_a_word_range_is_a_claim():
    r = parse("Sat and read the paper to Mrs Ho, half ten to twelve", now=NOW)
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(1.5)


# A family member as the subject, or a service done by others in the passive, is not the writer's claim.
@pytest.mark.parametrize("text", [
    "My son was looking after his sister for an hour when the power went",
    "Hosted by the council, the meeting ran from 7 to 9:30 and nothing was decided",
])
def test_family_and_passive_doers_are_others(text):
    assert claims.claim_frame(normalise(text)) is None


def test_the_writer_with_family_still_claims():
    r = parse("My wife and I cleaned the stairwell for 2 hours", now=NOW)
    assert r.intent == "volunteer_claim" and r.hours == pytest.approx(2.0)


# Cantonese relative days (琴日/寻日 yesterday, 前日) in a list with 各; minutes straight after "hr"; Cantonese parts of
# the day set the moment.
@pytest.mark.parametrize("text,hours", [
    ("琴日同今日各喺公園幫手執垃圾一個鐘", 2.0),
    ("前日同尋日各陪阿婆覆診兩個鐘", 4.0),
    ("1hr45 on the tea urn at the coffee morning", 1.75),
    ("2hrs30 at the repair cafe", 2.5),
])
def test_cantonese_days_and_hr_minutes(text, hours):
    assert hours_of(text) == pytest.approx(hours, abs=0.01)


def test_hr_minutes_are_not_a_count_that_follows():
    assert hours_of("helped for 1hr 3 kids came") == pytest.approx(1.0)


def test_cantonese_day_and_part_of_day_set_the_moment():
    when, _ = resolve_when(normalise("琴日下晝三點喺中心幫手"), NOW)
    assert (when.day, when.hour) == (17, 15)


# English: an errand or service opening the message, for people named as served, is help given without an amount;
# Chinese: a service in so many trips for people named as served ("给…大爷送了两次饭").
@pytest.mark.parametrize("text", [
    "Did two shopping runs for the housebound neighbours this week",
    "Delivered the residents' association newsletter to all of block 5",
    "Picked up prescriptions for three elderly neighbours",
    "Cooked dinner for the family upstairs while the mum was in hospital",
    "昨天给楼下行动不便的大爷送了两次饭",
])
def test_errands_for_people_served_are_claims(text):
    r = parse(text, now=NOW)
    assert r.intent == "volunteer_claim"
    assert r.hours is None


@pytest.mark.parametrize("text", [
    "Cleaned my flat and found black mould behind the fridge",
    "Picked up my parcel from the locker and it was soaking wet",
    "Took my mum to the GP this morning, the waiting room was freezing",
    "Walked past the bins for the flats at block 2, they stink",
    "Collected the rubbish bags for the residents, but the bins are full again and overflowing",
    "去了两次居委会，不给办",
])
def test_errand_words_in_reports_are_no_claims(text):
    assert parse(text, now=NOW).intent != "volunteer_claim"
