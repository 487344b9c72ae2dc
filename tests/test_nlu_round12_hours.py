"""Round 12: hours of service and claims. A stretch of the clock that runs past midnight; two clock times side by side
(the tilde between them is gone after normalising); a count said with a times sign or as 'twice'; services named by
what was done in winter and in a flood (spreading ash, chipping ice, sandbags, a night's watch); the whole of a part
of the day (成个下昼, 通宵); help given told with 把, for people or households named as served, or at a place of care,
with no amount. And what must not change: problems, others' doings, requests, questions, one's own family. Each case
is a general form of a mechanism, not a line of any evaluation set."""
from __future__ import annotations

import pytest

from bot.services.nlu import claims, parse
from bot.services.nlu.numerals import parse_hours
from bot.services.nlu.text import normalise


def hours_of(text: str) -> float | None:
    return parse_hours(normalise(text))[0]


# A stretch of the clock past midnight: pm to am, 晚上 to 凌晨/早上, a 24-hour clock from the evening.
@pytest.mark.parametrize("text,hours", [
    ("did the night watch from 10pm to 1am", 3.0),
    ("worked 11pm-2am at the flood barrier", 3.0),
    ("22:00 to 01:00 on the night patrol", 3.0),
    ("晚上十点到凌晨一点巡逻", 3.0),
    ("晚上11点到早上5点守着抽水泵", 6.0),
    ("22:00到1:00在地库值班", 3.0),
    ("夜晚十一點到凌晨兩點半睇水泵", 3.5),
])
def test_clock_ranges_past_midnight(text, hours):
    assert hours_of(text) == hours


@pytest.mark.parametrize("text,hours", [
    ("from 2pm to 5pm", 3.0),          # the same day still
    ("下午两点到五点", 3.0),
    ("上午10点到下午1点", 3.0),
    ("from 9 to 1 with a 30 min break", 3.5),
])
def test_clock_ranges_within_a_day_unchanged(text, hours):
    assert hours_of(text) == hours


# Two clock times with only a space (or a lost tilde) between them are a stretch.
@pytest.mark.parametrize("text,hours", [
    ("搬沙袋堵地库入口 20:30~22:00", 1.5),
    ("20:30～22:00 抬沙袋", 1.5),
    ("巡楼 19:00 21:30", 2.5),
    ("守闸 23:00 01:30", 2.5),
])
def test_two_clock_times_side_by_side(text, hours):
    assert hours_of(text) == hours


@pytest.mark.parametrize("text", ["搬沙袋堵地库入口 20:30~22:00", "抬沙袋 20:00-23:30", "19:00 21:30 巡楼",
                                  "在地库门口堆沙袋 晚上8点到11点"])
def test_a_service_with_a_bare_stretch_is_a_claim(text):
    assert parse(text).intent == "volunteer_claim"


@pytest.mark.parametrize("text", ["停水 20:30 22:00", "20:30 22:00 楼下广场舞太吵", "楼上从晚上10点到凌晨1点一直在装修",
                                  "晚上十点到凌晨两点一直停电", "晚上11点到早上5点一直停电"])
def test_stretches_of_a_problem_stay_reports(text):
    assert parse(text).intent == "report"


# A count with a times sign ("2 sessions x 90 min", "90 min x 2", "3×40分钟") or 'twice' times a rate.
@pytest.mark.parametrize("text,hours", [
    ("ran an art class for the kids, 2 sessions x 90 min", 3.0),
    ("taught 2 x 90 min classes", 3.0),
    ("90 min x 2 sessions of tutoring", 3.0),
    ("3×40分钟 陪老人下棋", 2.0),
    ("walked the seniors round the park twice this week, 45 minutes each time", 1.5),
    ("read to Mr Wong thrice, half an hour each", 1.5),
])
def test_counts_with_a_times_sign_or_twice_multiply(text, hours):
    assert hours_of(text) == hours


@pytest.mark.parametrize("text,hours", [
    ("helped twice as long as planned, 2 hours", 2.0),   # 'twice as' is no count
    ("sorted donations for 90 min", 1.5),
    ("2 hours x-raying nothing", 2.0),
])
def test_no_count_no_product(text, hours):
    assert hours_of(text) == hours


# Services named by what was done in winter and in a flood, with an amount, a stretch or 了.
@pytest.mark.parametrize("text", [
    "Three evenings this week, an hour each, chipping ice off the ramp by the clinic",
    "spent the morning de-icing the steps of block 4, 2 hours",
    "salted the paths round the nursery 7-8am",
    "今天下午撒盐撒了一下午，把坡道都撒上了",
    "早上在楼门口凿冰，干了一个半小时",
    "通宵守着抽水泵，晚上11点到早上5点",
    "翻譯咗成個下晝，幫啲街坊填表",
])
def test_winter_and_flood_services_are_claims(text):
    assert parse(text).intent == "volunteer_claim"


# Help given with no amount: 帮 + someone + 把 + the thing handled; 给/帮/为 + people or households served + hands-on
# work done; a visit to a place of care with a service done; the writer's own group ("我们广场舞队") is no one else.
@pytest.mark.parametrize("text", [
    "帮隔壁老李头把冻住的水表用热水浇开了",
    "帮楼下阿婆把几袋煤搬上了五楼",
    "我给楼里三户老人换了灯泡",
    "义务给单元里两家通了下水道",
    "義務幫樓下兩家通咗渠",
    "我幫樓上三戶老人換咗煤氣罐",
    "给孤寡老人理发了",
    "我们合唱队去养老院慰问演出了",
    "咱们志愿队去福利院打扫了卫生",
    "Unblocked the drains for two elderly neighbours",
    "Swapped gas cylinders for four elderly households",
])
def test_help_given_without_an_amount_is_a_claim(text):
    assert claims.helped_frame(normalise(text)) is not None
    assert parse(text).intent == "volunteer_claim"


@pytest.mark.parametrize("text", [
    "谁能帮老人把水管浇开",                    # a request
    "物业帮老人把水管修好了",                  # others' doing
    "能不能帮老人把垃圾拿下去",                # a request
    "帮老人把水管弄好了吗？",                  # a question
    "我给物业打了三次电话",                    # a call, no service
    "我给楼下老人打了电话没人接",
    "我给老人院捐了钱",                        # a gift of money
    "去敬老院看望了我奶奶",                    # one's own family
    "他给三户老人送了饭",                      # someone else
    "我们楼里的广场舞队每天晚上吵到十点",      # others (and a complaint)
    "楼下广场舞大妈又开始了",
    "楼上通宵装修",
    "Unblocked the sink for my mum",
    "Changed the bulb for the residents but the stairwell is dark again",
])
def test_what_is_no_help_given(text):
    assert claims.helped_frame(normalise(text)) is None


@pytest.mark.parametrize("text", ["物业帮老人把水管修好了", "我给物业打了三次电话", "我们楼里的广场舞队每天晚上吵到十点",
                                  "楼上通宵装修", "地下室一直在排水不畅，臭死了"])
def test_reports_stay_reports(text):
    assert parse(text).intent == "report"


# More services named by what was done, with an amount: snow cleared (清了…的雪), leaflets or alarms handed out, door to
# door, duty at a school gate or a sorting point, classes given to children, the people served after 引导/劝导/扶/送;
# done said as 这礼拜, Cantonese 今日/朝早 or 已打卡; "spent the afternoon" as a stretch.
@pytest.mark.parametrize("text", [
    "清雪，一个半小时",
    "清了两个钟头的雪，腰都酸了",
    "在小区门口发防火宣传单 9点-10点半",
    "跟网格员挨家挨户登记独居老人 三个小时",
    "垃圾分类督导 18:00-19:30 已打卡",
    "今日朝早八點至九點半喺街口做護學崗",
    "给留守儿童上了两节书法课 一节四十分钟",
    "下象棋、陪聊天，这个礼拜一共五个小时",
    "引导快递小哥把三轮车停到指定位置 半小时",
    "Spent the morning at the clinic walking elderly patients through the forms",
])
def test_more_services_are_claim_frames(text):
    assert claims.claim_frame(normalise(text)) is not None


# Households visited, counted, with no amount: a claim without hours.
@pytest.mark.parametrize("text", ["今天走访了8户独居老人", "入户探访咗三家长者"])
def test_households_visited_are_help_given(text):
    assert claims.helped_frame(normalise(text)) is not None


@pytest.mark.parametrize("text", [
    "楼道里的传单发了一地，两个小时没人管",       # a problem
    "小区门口有人发传单，发了一上午，很烦",       # others
    "快递小哥把三轮车停在消防通道 半小时了",      # others, a problem
    "走访了三户都没人在家",                       # a trip in vain
    "雪两天了还没清",                             # a problem lasting
    "下周打算挨家挨户登记，需要两个小时",          # a plan
])
def test_what_stays_no_claim_frame(text):
    n = normalise(text)
    assert claims.claim_frame(n) is None and claims.helped_frame(n) is None


# More of the same families: a Chinese clock pair whose tilde was lost (8点~10点), midnight as the end (to midnight,
# 半夜12点), a times sign after a count word (3次×40分钟), '2x', and a count said after the amount ('an hour, twice').
@pytest.mark.parametrize("text,hours", [
    ("8点~10点 扫雪", 2.0),
    ("晚上7点半～9点 巡楼", 1.5),
    ("from 9pm to midnight on patrol", 3.0),
    ("9 till midnight helping at the shelter", 3.0),
    ("晚上9点到半夜12点巡逻", 3.0),
    ("半夜两点到四点守水泵", 2.0),
    ("3次×40分钟 陪老人下棋", 2.0),
    ("2x this week, 1 hour each, walking the seniors' group", 2.0),
    ("read to the kids at the library an hour, twice", 2.0),
    ("2 hours, 3 times this month, at the food bank", 6.0),
])
def test_more_clock_and_count_forms(text, hours):
    assert hours_of(text) == hours


@pytest.mark.parametrize("text", ["8点 10号楼门口集合", "周六8点 周日10点集合", "7点 10个人来帮忙"])
def test_clock_times_apart_are_no_stretch(text):
    assert hours_of(text) is None


@pytest.mark.parametrize("text", ["8点~10点 扫雪", "from 9pm to midnight on patrol", "3次×40分钟 陪老人下棋"])
def test_those_forms_are_claims(text):
    assert parse(text).intent == "volunteer_claim"


# English amounts as typed in a hurry: units misspelt (hous, hors, minuets), 'and half' / 'n a half' / hyphens, a bare
# 'hour and a half', h:mm with the unit, halves written as fractions (1 1/2, 1½), and a count before a compound
# amount ('two 3-hour shifts').
@pytest.mark.parametrize("text,hours", [
    ("helped at the pantry 2 hous", 2.0),
    ("3 hors litter pick", 3.0),
    ("45 minuets with mrs li", 0.75),
    ("an hour and half at the pantry", 1.5),
    ("one and half hour reading to the kids", 1.5),
    ("two hour and half sorting clothes", 2.5),
    ("an hour n a half on the stall", 1.5),
    ("two-and-a-half hours gritting", 2.5),
    ("hour and a half gritting the paths", 1.5),
    ("1:30 hrs sorting donations", 1.5),
    ("1 1/2 hours at the library", 1.5),
    ("1½ hours at the library", 1.5),
    ("2½ hrs on the door", 2.5),
    ("1/2 hour with the seniors", 0.5),
    ("did two 3-hour shifts at the food bank", 6.0),
    ("four 90-minute sessions with the kids", 6.0),
    ("two 2 hour sessions", 4.0),
])
def test_english_amounts_typed_in_a_hurry(text, hours):
    assert hours_of(text) == hours


@pytest.mark.parametrize("text,hours", [
    ("every hour and a half the alarm beeps", None),      # a frequency
    ("about an hour and a half", None),                   # hedged, as before
    ("3 hours and half the kids left early", 3.0),        # half of something else
    ("a 2-hour shift", 2.0),                              # one session
    ("2 kids at 3 sessions of an hour", 3.0),             # kids are no sessions
])
def test_what_the_typed_forms_leave_alone(text, hours):
    assert hours_of(text) == hours


# English services: 'out' and 'off' of a service are no outage (helped out, gave out leaflets, scraped the ice off the
# steps); on duty, on the rota, door to door; someone else's dog walked for them; the bins put out for someone; a bare
# hyphen range closing the message ('10-1'); 守了一晚上 with 怕有人… (someone feared is no one acting).
@pytest.mark.parametrize("text", [
    "helped out at the jumble sale yesterday for 2 hours",
    "Gave out flu leaflets door to door in block 7 all afternoon",
    "Scraped the ice off the steps for an hour",
    "On duty at the school gate 7:30-8:45",
    "Manned the phones at the community centre 10-1",
    "Walked Mrs Patel's dog while she's in hospital, 30 min a day for 5 days",
    "在楼门口守了一晚上，怕有人偷电瓶车",
])
def test_english_and_watch_services_are_claim_frames(text):
    assert claims.claim_frame(normalise(text)) is not None


def test_bins_put_out_for_someone_is_help_given():
    assert claims.helped_frame(normalise("Put the bins out for the old couple at no. 12 every day this week")) is not None


@pytest.mark.parametrize("text", [
    "power was off for 3 hours",
    "the lights have been out 2 hours in the stairwell",
    "lift out of order for 2 hours",
    "the alarm kept going off all night",
    "walked my dog for an hour and found needles in the park",
    "the bins are out on the pavement for 3 days now",
    "Our team won 10-1 at the community football",
    "晚上有人在楼门口守着，鬼鬼祟祟的，守了一晚上",
])
def test_outages_and_others_stay_out_of_the_claim_frame(text):
    assert claims.claim_frame(normalise(text)) is None


@pytest.mark.parametrize("text", ["power was off for 3 hours", "the alarm kept going off all night"])
def test_an_outage_is_still_a_complaint(text):
    assert claims.duration_is_complaint(normalise(text))


@pytest.mark.parametrize("text,hours", [("Manned the phones at the community centre 10-1", 3.0),
                                        ("flat 10-1 has a leak", None), ("Our team won 10-1", None)])
def test_bare_hyphen_ranges(text, hours):
    assert hours_of(text) == hours


# 楼下/楼上/隔壁 naming a place (在楼下, 楼下超市门口) are no neighbours acting; a clock range after 从/由 closes the
# message as a tail; Cantonese 执垃圾 is a service.
@pytest.mark.parametrize("text", [
    "楼下超市门口帮忙维持秩序 下午四点到六点",
    "在楼下扫雪扫了一个小时",
    "喺長者中心教阿婆用手機，由兩點到四點",
    "禮拜六朝早去海灘執垃圾 三個鐘",
])
def test_places_and_tails(text):
    assert claims.claim_frame(normalise(text)) is not None


@pytest.mark.parametrize("text", [
    "楼下超市门口天天吵到半夜，两个小时了",
    "楼下的一直在装修，从早上八点到十二点",
    "楼上在楼道里堆东西堆了一上午",
])
def test_neighbours_acting_stay_out(text):
    assert claims.claim_frame(normalise(text)) is None


# Others and plans that look like the new services: a cleaner's hours, one's son's service, door knocking to come.
@pytest.mark.parametrize("text", [
    "保洁阿姨每天下午两点到四点打扫楼道，今天没来",
    "my son did 2 hours of community service at the park",
    "we'll be door knocking next Saturday 10-12, need volunteers",
    "door knocking next sat 10-12",
])
def test_others_and_plans_are_no_claim_frame(text):
    assert claims.claim_frame(normalise(text)) is None


# A Chinese range whose hours share one 点 (上午9-11点, 晚7-9点, 19-21点, 九到十一点), and an English one whose tilde
# was lost ('7~9pm' -> '7 9pm'); not an amount ('2-3个小时'), buildings ('10-12号楼'), an arrival or a guess.
@pytest.mark.parametrize("text,hours", [
    ("上午9-11点 在社区帮忙整理物资", 2.0),
    ("晚7-9点巡逻", 2.0),
    ("19-21点 巡楼", 2.0),
    ("九到十一点在食堂帮厨", 2.0),
    ("下午2到4点半 发传单", 2.5),
    ("上午9-11点 下午2-4点 分拣物资", 4.0),
    ("litter pick 7~9pm", 2.0),
    ("10-12号楼的楼道扫了", None),
    ("他3-4点到的", None),
    ("block 7 9pm", None),
])
def test_ranges_sharing_one_dian(text, hours):
    assert hours_of(text) == hours


@pytest.mark.parametrize("text", ["上午9-11点 在社区帮忙整理物资", "今天下午2-4点在菜市场门口发传单", "litter pick 7~9pm"])
def test_ranges_sharing_one_dian_are_claims(text):
    assert parse(text).intent == "volunteer_claim"


@pytest.mark.parametrize("text", ["明天上午9-11点停水", "楼上晚7-9点天天装修", "下午2-4点停电了，冰箱都化了"])
def test_ranges_sharing_one_dian_of_a_problem_stay_reports(text):
    assert parse(text).intent == "report"


# The start said with 开始 and the verb before a comma ("7点开始干，干到9点"); the clock written with h ("9h-11h"), not
# a guess at an amount ("2h - 3h of sorting" stays as before).
@pytest.mark.parametrize("text,hours", [
    ("7点开始干，干到9点", 2.0),
    ("9点开始扫，扫到11点", 2.0),
    ("八点开始，一直干到十一点半", 3.5),
    ("9h-11h tri des dons", 2.0),
    ("9h30-11h at the pantry", 1.5),
    ("22h-1h patrol", 3.0),
])
def test_more_ways_to_say_the_stretch(text, hours):
    assert hours_of(text) == hours


def test_small_h_ranges_are_no_clock():
    assert hours_of("2h - 3h of sorting") != 1.0


# Help given with no amount, more forms: Cantonese hands-on verbs after 帮 (换咗, 攞, 执, 整); leaflets or supplies
# handed out by the writer (派咗防骗单张, 发了防诈骗传单); a clean-up done together with neighbours (同啲街坊一齐清咗…).
@pytest.mark.parametrize("text", [
    "幫樓上陳伯換咗個燈膽",
    "同啲街坊一齊清咗後巷啲垃圾",
    "今朝喺街市門口派咗防騙單張",
    "今天在小区门口发了防诈骗传单",
    "和几个邻居一起把楼道杂物清走了",
])
def test_more_help_given(text):
    assert claims.helped_frame(normalise(text)) is not None


@pytest.mark.parametrize("text", [
    "有人在小区门口发了一堆传单，满地都是",      # others, a problem
    "和老公一起把家里的垃圾清了",                # one's own home
    "跟物业一起把楼道杂物清走了，可是又堆满了",  # a problem after 'but'
    "小区门口有人派咗好多单张",                  # others
    "帮我把楼道的灯换了，谢谢",                  # help to the writer
])
def test_what_stays_no_help_given(text):
    assert claims.helped_frame(normalise(text)) is None
