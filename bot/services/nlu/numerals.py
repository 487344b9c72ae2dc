"""Chinese and English numerals to numbers, and hours of service ("两个半小时" -> 2.5, "四十五分钟" -> 0.75).
Small and exact on purpose: these numbers decide a resident's points."""
from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern:
    # ASCII word boundaries: a CJK character next to an English word must count as a boundary ("在building 4").
    return re.compile(pattern, re.ASCII)

_DIGITS = {"零": 0, "〇": 0, "o": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM_CHARS = "零〇一幺二两俩仨三四五六七八九十百千万"
CN_NUM = f"[{CN_NUM_CHARS}]+"
NUM = rf"(?:\d+(?:\.\d+)?|{CN_NUM})"

EN_WORDS = {"zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
            "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
            "couple": 2, "half": 0.5}
EN_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in EN_WORDS), key=len, reverse=True)) + r")"


def cn_to_int(s: str) -> int | None:
    """Chinese numeral to int: 十五 -> 15, 四十五 -> 45, 一百零五 -> 105, 三零二 -> 302 (digit by digit)."""
    if not s or any(ch not in _DIGITS and ch not in _UNITS and ch != "万" for ch in s):
        return None
    if not any(ch in _UNITS or ch == "万" for ch in s):
        # Read digit by digit, as room numbers are spoken: 三零二 -> 302.
        return int("".join(str(_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def int_to_cn(n: int) -> str:
    """Int (0..99999) to the Chinese numeral a person writes: 15 -> 十五, 45 -> 四十五, 105 -> 一百零五."""
    if n == 0:
        return "零"
    digits = "零一二三四五六七八九"
    out, zero = [], False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out.append("零")
            out.append(digits[d] + unit)
            zero = False
        elif out:
            zero = True
    s = "".join(out)
    return s[1:] if s.startswith("一十") else s


def to_number(s: str | None) -> float | None:
    """Arabic, Chinese or English numeral to a number; None if it is none of these."""
    if s is None:
        return None
    s = s.strip().lower()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    if s in EN_WORDS:
        return float(EN_WORDS[s])
    n = cn_to_int(s)
    return None if n is None else float(n)


def to_int_str(s: str) -> str | None:
    """Numeral to the digit string used in building/unit/room fields."""
    n = to_number(s)
    if n is None or n != int(n):
        return None
    return str(int(n))


# Hours of service. Order matters: the most specific shapes first.
# Minutes written in Chinese numerals straight after 点, with no 分 ("十一点四十五", "八点十五", "九点零五"): the forms of
# tens (十五, 三十, 四十五) or 零 and a digit; never the number of what follows ("十点十五号楼", "八点二十个人").
CN_CLOCK_MINUTES = (r"(?:[一二三四五]?十[一二三四五六七八九]?|零[一二三四五六七八九])"
                    r"(?![\d一二三四五六七八九十点]|\s*(?:个|人|号|栋|楼|层|室|单元|幢|座|门|户|位|名|岁|次|天|块|元|米|斤|份|家|分钟|小时|钟头|年|月|度))")
# 时 is the written 点 ("八时至十一时四十五分"); N个字 the Cantonese five minutes ("十点三个字" is 10:15).
# A decimal said in Chinese: "一点五个小时", "1点5小时" (两 is never a decimal digit: "三点两个小时" is no 3.2).
# After a part of the day or 从/到 the 点 is the clock's ("晚上九点一小时巡逻" is nine o'clock, then an hour).
ZH_DECIMAL = (r"(?<!上午)(?<!下午)(?<!晚上)(?<!早上)(?<!中午)(?<!凌晨)(?<!傍晚)(?<![从到至晚早])(?<![\d一二两三四五六七八九十])"
              r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})点[一二三四五六七八九\d](?!\d)")
_ZH_HOURS = _rx(
    # 粒 is the Cantonese classifier of hours ("三粒钟", "半粒钟").
    rf"(?:(?P<n>{ZH_DECIMAL}|{NUM})\s*[多来]?\s*(?:个|粒)?\s*[多来]?\s*(?P<half>半)?|(?P<only_half>半)\s*[个粒]?)\s*[多来]?\s*"
    rf"(?:小时|钟头|个钟|钟(?![头点表])|h(?![a-z])|hr(?:s)?(?![a-z]))(?P<half_after>半)?"
    rf"(?:\s*(?:零|又)?\s*(?P<m>{NUM})\s*(?:分钟|分(?!享)|m(?:in(?:s|utes?)?)?\b)"
    # "一个钟头零一刻", "两小时三刻": quarters after the hours.
    rf"|\s*(?:零|又)?\s*(?P<qm>[一三]刻)(?:钟)?"
    # "1h30", "2小时15": minutes written straight after the unit, with no unit of their own.
    rf"|(?:(?<=[h时头])|(?<=hr)|(?<=hrs))(?P<mb>[0-5]?\d)(?![\d:.]|[a-z%]|\s*(?:(?:people|kids|children|persons|pax|of|yuan|rmb|bags|boxes)\b|%|[个人元块号栋楼单室点岁次天米斤份户家位名层幢座门]))"
    # "两小时四十五", "一个钟十五": the same in Chinese numerals.
    rf"|(?<=[时头钟])(?P<mc>" + CN_CLOCK_MINUTES + "))?"
)
# Cantonese 骨 is a quarter of an hour ("两个骨"); not a bone ("骨头", "骨折").
_GU = _rx(rf"(?P<n>{NUM})\s*个\s*骨(?![头折科架灰肉质])")
_ZH_HOURS_GE = _rx(rf"(?P<n>{NUM})\s*个\s*多?\s*钟(?!头)")
_ZH_MINUTES = _rx(rf"(?P<m>{NUM})\s*[多来]?\s*(?:分钟|min(?:s|utes?)?\b)")
# Units as typed in a hurry or heard by voice typing: "hous", "hors", "houres", "minuets", "mintues".
_EN_HOUR_UNIT = r"(?:hours?|hrs?|h|hous|hors|houres?|hourz|horus|hrz)"
_EN_MIN_UNIT = r"(?:minutes?|mins?|minuets?|mintues?|minites?|minuts?|munites?|minits?|mnts?)"
_EN_HOURS = _rx(
    # "an hour and a half", "two-and-a-half hours", "an hour n a half", "one and half hour"
    rf"\b(?:(?P<n>{EN_NUM})(?:(?P<half1>[\s-]+(?:and|n|&)[\s-]+(?:a[\s-]+)?half)|\s*(?P<half>½))?|(?P<only_half>half\s+an?))\s*-?\s*(?:of\s+)?{_EN_HOUR_UNIT}\b"
    rf"(?:\s*(?:and\s+|n\s+|&\s*)?(?P<half2>a\s+half)|\s*(?:and|n|&)\s+(?P<half3>half)\b(?!\s+(?:of|the|my|an?)\b)|\s*(?:and\s+)?(?P<q>(?:a|one)\s+quarter|three\s+quarters)\b|"
    rf"\s*(?:and\s+)?(?P<m>\d+|{EN_NUM})\s*(?:{_EN_MIN_UNIT}|m)\b)?"
)
# "hour and a half" with no article; not a frequency ("every hour and a half").
_EN_BARE_HOUR_HALF = _rx(r"(?<![\w-])(?<!every )(?<!each )(?<!per )(?<!the )(?<!first )(?<!last )(?<!next )hour\s+(?:and|n|&)\s+(?:a\s+)?half\b")
# "1:30 hrs", "2:15 hours": hours and minutes said with a colon and the unit.
_HM_DURATION = _rx(rf"(?<![\d:])(?P<h>\d{{1,2}})\s*:\s*(?P<mm>[0-5]\d)\s*{_EN_HOUR_UNIT}\b")
# "1 1/2 hours", "1½ hours" (NFKC makes ½ "1⁄2"), "1/2 hour": a half written as a fraction, before a unit of hours.
_FRACTION_HALF = _rx(r"(?<![\d./⁄])(?:(?P<w>\d{1,2})(?:\s+(?=1/2)|(?=1⁄2)))?1\s?[/⁄]\s?2(?![\d/⁄])(?=\s*-?\s*(?:hours?|hrs?|h\b|hous|小时|个?钟))")


def _halves(text: str) -> str:
    """Fractions of a half written out, replaced by a decimal of the same length ("1 1/2 hours" -> "1.5   hours")."""
    def repl(m):
        v = f"{int(m.group('w') or 0)}.5"
        return v + " " * (len(m.group(0)) - len(v)) if len(v) <= len(m.group(0)) else m.group(0)
    return _FRACTION_HALF.sub(repl, text)
# "a quarter of an hour", "three quarters of an hour".
_EN_QUARTER = _rx(r"\b(?P<q>a|one|three)?\s*quarters?\s+of\s+an?\s+hour\b")
# "volunteer hrs: 2.5": the unit named first, the number after it.
_UNIT_FIRST = _rx(r"\b(?:hours?|hrs?)\s*[:：=]\s*(?P<n>\d+(?:\.\d+)?)\b")
_EN_MINUTES = _rx(rf"\b(?P<m>{EN_NUM})\s*-?\s*{_EN_MIN_UNIT}\b")
# Minutes after 点 are never the number of a unit or building that follows ("7点到9点 2单元那片").
_CLOCK = (r"(?P<{0}>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})\s*(?:(?:点钟|点|:|：|(?<![小钟])时(?!候|间|期|段|辰|刻|代|常|髦|尚|光|节|许|而|日))\s*(?P<{0}m>半|[一三]刻(?!钟)|[一二两三四五六七八九十]{{1,2}}\s*个\s*字|\d{{1,2}}(?!\d|\s*(?:单元|号|栋|楼|层|室|幢|座|门|户))|[一二三四五十]{{1,3}}(?=分)|"
          + CN_CLOCK_MINUTES.replace("{", "{{").replace("}", "}}") + r")?\s*分?)")
# Parts of the day before a clock time, Mandarin and Cantonese (朝早 morning, 下昼 afternoon).
_AM_PARTS = "上午|早上|早晨|清早|凌晨|今早|朝早|上昼|半夜|深夜|午夜|早(?=\\s*\\d)"
_PM_PARTS = "下午|晚上|傍晚|夜晚|夜里|今晚|下昼|晏昼|夜晚黑|晚(?=\\s*\\d)"
_RANGE = _rx(
    rf"(?P<dp1>{_AM_PARTS}|{_PM_PARTS}|中午)?\s*" + _CLOCK.format("a")
    # "从两点干到五点": a verb of up to three characters may sit before 到; "九点开始，干到十二点", "从九点开始一直忙到十二点":
    # the start said with 开始/起, then 一直 and the verb.
    + rf"\s*(?:(?:开始|起)\s*(?:[\u4e00-\u9fff]{{1,2}}?\s*(?=[,，]))?[,，]?\s*)?(?:一直|一路)?(?:[\u4e00-\u9fff]{{0,3}}?)(?:到|至|-|~|—|–)\s*(?P<dp2>{_AM_PARTS}|{_PM_PARTS}|中午)?\s*" + _CLOCK.format("b")
)
# "from 9 till noon", "从 8pm 到 10pm": noon closes a range, and a Chinese 到 joins two English clock times.
# British writing dots the clock ("10.15 to 11.45", "2 to 4.30pm"); not money or amounts with a unit (_DOTTED_NOT).
_EN_RANGE = _rx(r"\b(?P<kw>from|between)?\s*(?P<a>\d{1,2})(?:[:.](?P<am>\d{2}))?\s*(?P<ap1>am|pm)?\s*(?:to|until|till|and|-|–|到|至)\s*"
                r"(?:(?P<b>\d{1,2})(?:[:.](?P<bm>\d{2}))?\s*(?P<ap2>am|pm)?(?!\d|\.\d)|(?P<noon>noon|midday)\b|(?P<midnight>midnight)\b)")
# Clock times said in words: "half ten" (10:30, British), "half past two", "quarter past nine", "quarter to five",
# "ten o'clock", "ten thirty", "noon". A range of them needs one said in words (digits alone are _EN_RANGE's), and
# bare number words need from/between or o'clock ("ten to twelve kids" is no range).
_H_WORD = r"(?:1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WCLOCK = (r"(?:(?P<{0}q>half|quarter)\s+past\s+(?P<{0}h1>" + _H_WORD + r")|quarter\s+to\s+(?P<{0}h2>" + _H_WORD + r")|"
           r"half\s+(?P<{0}h3>" + _H_WORD + r")(?!\s*(?:an?\s+)?(?:hours?|hrs?|days?))|"
           r"(?P<{0}h4>" + _H_WORD + r")\s*(?:o'?clock|(?P<{0}t>thirty|fifteen|forty-?five|twenty|forty|fifty|ten))|"
           r"(?P<{0}n>noon|midday)|(?P<{0}h5>" + _H_WORD + r")(?:[:.](?P<{0}m5>\d{{2}}))?)\s*(?P<{0}ap>am|pm|a\.m\.|p\.m\.)?")
_WORD_RANGE = _rx(r"\b(?P<kw>from|between)?\s*" + _WCLOCK.format("a") + r"\s*(?:to|until|till|and|-|–)\s*" + _WCLOCK.format("b") + r"\b")
_MIN_WORDS = {"thirty": 30, "fifteen": 15, "forty-five": 45, "fortyfive": 45, "twenty": 20, "forty": 40, "fifty": 50, "ten": 10}


def _word_clock(m, g: str) -> tuple[float, bool] | None:
    """The hour of one clock time of _WORD_RANGE, and whether it was said in words; None if not one."""
    if m.group(g + "n"):
        return 12.0, True
    for key, worded in (("h1", True), ("h2", True), ("h3", True), ("h4", True), ("h5", False)):
        if m.group(g + key):
            h = to_number(m.group(g + key))
            break
    else:
        return None
    if h is None:
        return None
    if key == "h1":
        h += 0.5 if m.group(g + "q") == "half" else 0.25
    elif key == "h2":
        h -= 0.25
    elif key == "h3":
        h += 0.5
    elif key == "h4" and m.group(g + "t"):
        h += _MIN_WORDS.get(m.group(g + "t").replace("-", ""), 0) / 60
    elif key == "h5":
        h += int(m.group(g + "m5") or 0) / 60
        worded = not m.group(g + "h5").isdigit()
    ap = (m.group(g + "ap") or "").replace(".", "")
    if ap == "pm" and h < 12:
        h += 12
    return h, worded


# Bare number words are a count when a noun or a measure follows: "from five to eleven years old", "between two and four people".
_COUNTED_AFTER = _rx(r"\s*(?:years?|yrs?|kids|children|people|persons|pupils|students|residents|volunteers|seniors|of\b|hours?|hrs?|"
                     r"mins?|minutes?|days?|weeks?|months?|times|pounds?|quid|percent|%|(?!this\b|was\b|has\b|is\b|as\b|us\b|plus\b)[a-z]{2,}s\b)")


def _word_range(m, text_after: str = "") -> float | None:
    a, b = _word_clock(m, "a"), _word_clock(m, "b")
    if a is None or b is None:
        return None
    # Said in words beyond a bare number ("half ten", "quarter past", "o'clock", "noon"), or bare words after from/between.
    shaped = any(m.group(g + k) for g in "ab" for k in ("h1", "h2", "h3", "h4", "n"))
    if not shaped and not (m.group("kw") and (a[1] or b[1]) and not _COUNTED_AFTER.match(text_after)):
        return None
    start, end = a[0], b[0]
    if end <= start:
        end += 12
    return end - start if 0 < end - start <= 12 else None


_DOTTED_BEFORE = _rx(r"[£$€¥￥]\s*$|\d[.,]?$")
_DOTTED_AFTER = _rx(r"^\s*(?:hours?|hrs?|h|mins?|minutes?|m|km|kg|g|cm|mm|metres?|meters?|miles?|percent|pounds?|dollars?|quid|p|%|[元块米斤度])(?![a-z])")


def _decimal(s: str) -> float | None:
    """A number, or a decimal said with 点 ("一点五" -> 1.5, "1点5" -> 1.5)."""
    if "点" in s:
        whole, _, frac = s.partition("点")
        w, f = to_number(whole), to_number(frac)
        return None if w is None or f is None else w + f / 10
    return to_number(s)


def _minutes_value(s: str | None) -> float:
    if not s:
        return 0.0
    if s == "半":
        return 30.0
    if s == "一刻":
        return 15.0
    if s == "三刻":
        return 45.0
    if s.endswith("字"):
        return (to_number(re.sub(r"\s*个\s*字$", "", s)) or 0.0) * 5
    return to_number(s) or 0.0


# Cantonese "三个字": a 字 is five minutes on the clock face. Not when characters are written, read or said ("写了三个字").
_ZI = _rx(rf"(?P<n>{NUM})\s*个\s*字(?![的母体幕句条经典帖号数])")
_ZI_NOT = _rx(r"[写打认识练教签读抄发说讲讲念背刻印改填输删错少多]\s*(?:了|咗|过)?\s*$")
# "一刻钟都没歇", "一分钟也没停": a duration said to deny any rest is an idiom, not an amount.
_IDIOM_AFTER = _rx(r"^\s*(?:都|也)\s*(?:没|不|未|冇|唔|无)")
# A count of sessions: "两节课", "三次", "教咗两堂", "2 sessions", "three shifts".
_CLASSIFIERS = "节次堂趟场轮班回课晚天"
_COUNT_ZH = _rx(rf"(?<![每各一第])(?P<n>\d{{1,2}}|[两二三四五六七八九十俩仨]{{1,2}})\s*个?\s*(?P<c>[{_CLASSIFIERS}]|上午|下午|晚上|早上|周末|星期|礼拜|周)(?!前|后|以前|以后|之前|内|里)")
# "4 in all", "five in total": the number of sessions said as a total of them.
_COUNT_EN_ALL = _rx(rf"\b(?P<n>{EN_NUM})\s+(?:\w+\s+)?in\s+(?:all|total)\b")
_COUNT_EN = _rx(rf"\b(?P<n>{EN_NUM})\s+(?:[\w.-]+\s+|(?:\d+(?:\.\d+)?|{EN_NUM})\s+(?:hours?|hrs?|minutes?|mins?)\s+)?(?P<c>sessions|classes|lessons|shifts|rounds|visits|trips|patrols|times|days|nights|evenings|mornings|afternoons|walks|picks|clean-?ups|runs|deliveries|drop-offs|talks|workshops|stints|slots|tours|outings|weekends|sittings)\b(?!\s+(?:ago|before|later|earlier))")
# "2 x 90 min", "90 min x 2": the count said with a times sign; "twice", "thrice".
_COUNT_X_BEFORE = _rx(r"(?<![\d.:])(?P<n>\d{1,2})\s*[x×](?=\s*\d)")
_COUNT_X_AFTER = _rx(r"[x×]\s*(?P<n>\d{1,2})(?![\d.:]|\s*(?:h\b|hrs?\b|hours?|mins?\b|minutes?|小时|个?钟|分钟))")
_COUNT_X_TIMES = _rx(r"(?<![\d.:])\b(?P<n>\d{1,2})\s?x\b(?!\s*\d)")
_COUNT_TWICE = _rx(r"\b(?P<n>twice|thrice)\b(?!\s+(?:as|the|more|over)\b)")
# A rate: "每次一小时", "一节45分钟", "每堂四十五分钟", "2 sessions of 90 minutes", "an hour each".
_RATE_BEFORE = _rx(rf"(?<![一每])都\s*是?\s*(?:晚上?|早上?|上午|下午)?\s*$|(?:每|各)\s*[个]?\s*(?:[{_CLASSIFIERS}]|上午|下午|晚上|早上)?\s*(?:课|都|是|大概|约)?\s*$|"
                   rf"(?:每\s*[个]?\s*(?:[{_CLASSIFIERS}]|上午|下午|晚上|早上|周)|各)[\u4e00-\u9fff]{{1,6}}$|(?:^|(?<=[\s,，;；。、课]))一\s*[{_CLASSIFIERS}]\s*(?:课)?\s*(?:是|大概|约)?\s*$"
                   r"|\b(?:sessions|classes|lessons|shifts|rounds|visits|trips|patrols|times|days|evenings|mornings|afternoons|walks)\s+of\s*$"
                   r"|\b(?:each|per|every)\s+(?:\w+\s*)?[,:]?\s*$"
                   # "2 sessions x 90 min", "3×40分钟": a count times the amount
                   r"|(?:\d|\b[a-z]+|[次节堂趟场轮班回课晚天])\s*[x×]\s*$")
# 各 earlier in the amount's own clause: "周六周日两天各在学校门口站了一个半小时", "礼拜三同礼拜五各去长者中心陪老人打麻将两个钟".
# Not 各位, 各种, 各家各户 and the like, where 各 is no "each of the sessions".
# 每日/每天/每晚/每次 likewise: "禮拜一至五每日朝早喺學校門口護學一個鐘".
_EACH_IN_CLAUSE = _rx(r"(?:各(?![位种类样地家户楼栋单元部门方级大项自个处条界])|每\s*个?\s*(?:天|日|晚|夜|次|回|趟|场|节|堂|周|星期|礼拜|"
                      r"上午|下午|晚上|早上|朝早|夜晚))[^,，;；。!?！？\n]{0,24}$")
_RATE_AFTER = _rx(r"^\s*[x×]\s*\d{1,2}(?![\d.:])|"
                  # the amount said of each session: "two 3-hour shifts", "four 90-minute sessions"
                  r"^\s*(?:sessions|shifts|classes|lessons|visits|walks|patrols|stints|slots|rounds|runs|trips|tours|workshops|talks)\b|^\s*,?\s*(?:twice|thrice|(?:\d{1,2}|two|three|four|five|six) times)\b|^\s*(?:each|apiece|a time|a session|per session|every time|(?:a|per) (?:go|pop|visit|trip|turn)|(?:on )?both (?:the )?(?:days|mornings|evenings|nights|afternoons|sessions|shifts|weekends|visits|times)|(?:a|per) (?:day|night|evening|morning|week|visit|shift)|"
                  r"every (?:day|morning|evening|night|afternoon|week|session|shift|visit))\b|^\s*(?:一次|一节|一堂|一趟)")


# Named days said as a list: "周一三五", "周三周四", "星期二、四", "Mon/Wed/Fri", "Tuesday and Thursday": one session a day.
# "周三和上周五", "礼拜三同礼拜五", "星期二、四": the later days may repeat the week's word (上/这/本) and be joined by
# 和, 跟, 同 (Cantonese), 与, 及, 以及, 还有 or a mark.
_ZH_JOIN = r"(?:[、和跟与及同,，/]|以及|还有)"
_DAY_LIST_ZH = _rx(rf"(?:周|星期|礼拜)[一二三四五六日天](?:\s*{_ZH_JOIN}?\s*(?:(?:上个?|这个?|本)?(?:周|星期|礼拜)[一二三四五六日天]|[一二三四五六日])(?![点号个次小分钟天]))+")
# Named days said relative to today, as a list: "昨天和前天", "今天跟昨天", "前天、昨天、今天"; and dates: "5号和7号",
# "十二号同十五号" (not buildings: "3号和5号楼"). English: "yesterday and today", "yesterday and the day before".
_REL_DAY = r"(?:大前天|前天|前日|昨天|昨日|昨儿|今天|今日|今儿|寻日|琴日|噚日|寻晚|琴晚)"  # Cantonese 寻日/琴日 yesterday, 前日
_REL_LIST_ZH = _rx(rf"{_REL_DAY}(?:\s*{_ZH_JOIN}?\s*{_REL_DAY})+")
_DATE_LIST_ZH = _rx(rf"(?<![\d一二三四五六七八九十])(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[号日](?:\s*{_ZH_JOIN}\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[号日])+(?!\s*(?:楼|院|栋|单元|室|门|座|幢|房))")
_REL_LIST_EN = _rx(r"\b(?:yesterday|today|the day before)(?:\s*(?:,|&|\band\b)\s*(?:yesterday|today|the day before))+\b")
_EN_DAY = r"(?:mon|tues?|wed|thu(?:rs)?|fri|sat|sun)(?:day|nesday|sday|urday)?s?\.?"
_DAY_LIST_EN = _rx(rf"\b{_EN_DAY}(?:\s*(?:/|,|&|\band\b|\+)\s*{_EN_DAY})+(?![a-z])")


# A stretch of named days: "周一到周五", "星期二至四", "Monday to Friday", "Mon-Fri".
_DAY_SPAN_ZH = _rx(r"(?:周|星期|礼拜)([一二三四五六日天])\s*(?:到|至|-|~|—)\s*(?:周|星期|礼拜)?([一二三四五六日天])")
_EN_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_SPAN_EN = _rx(rf"\b({_EN_DAY})\s*(?:to|till|until|through|thru|-|–)\s*({_EN_DAY})(?![a-z])")
_ZH_DAYS = "一二三四五六日"


def _day_list(text: str) -> int | None:
    """The number of named days in one plain list or stretch, if the text has exactly one."""
    found = []
    for m in _DAY_SPAN_ZH.finditer(text):
        a, b = (_ZH_DAYS.index(g.replace("天", "日")) for g in m.groups())
        if b > a:
            found.append(b - a + 1)
    for m in _DAY_SPAN_EN.finditer(text):
        a, b = (_EN_DAYS.index(g[:3].lower()) for g in m.groups())
        if b > a:
            found.append(b - a + 1)
    text = _DAY_SPAN_ZH.sub(" ", text)
    for m in _DAY_LIST_ZH.finditer(text):
        found.append(len(re.findall(r"[一二三四五六日天]", re.sub(r"(周|星期|礼拜)", "", m.group(0)))))
    for m in _REL_LIST_ZH.finditer(text):
        found.append(len(re.findall(_REL_DAY, m.group(0))))
    for m in _DATE_LIST_ZH.finditer(text):
        found.append(len(re.findall(r"[号日]", m.group(0))))
    for m in _REL_LIST_EN.finditer(text):
        found.append(len(re.findall(r"yesterday|today|the day before", m.group(0))))
    for m in _DAY_LIST_EN.finditer(text):
        found.append(len(re.findall(_EN_DAY, m.group(0), re.I)))
    return found[0] if len(found) == 1 and found[0] >= 2 else None


# Two parts of the day said as a pair: "早晚各巡逻一小时", "上下午各值守两小时", "上午和下午各去一趟"; English "both days".
_PAIR_ZH = _rx(r"早晚(?=\s*(?:各|都|每))|上下午|上午\s*(?:和|跟|与|及|同|、)?\s*下午|早上\s*(?:和|跟|与|及|同|、)?\s*晚上|"
               r"白天\s*(?:和|跟|与|及|同|、)?\s*晚上|中午\s*(?:和|跟|与|及|同|、)?\s*晚上")
_BOTH_EN = _rx(r"\bboth\s+(?:the\s+)?(?:days|mornings|evenings|nights|afternoons|sessions|shifts|weekends|visits|times)\b")


def _count(text: str, rate) -> int | None:
    """The number of sessions a rate is multiplied by, when the text says it once and plainly: a count of sessions
    ("三次", "两晚", "3 nights"), a list of named days ("周一三五", "周三周四", "Mon/Wed/Fri"), or both agreeing
    ("周五周六两晚")."""
    days = _day_list(text)
    # The listed days' numerals are no count ("周三周四" holds no "三周"); a lone day is left alone ("这周五天都去了").
    text = _DAY_SPAN_ZH.sub(lambda m: "\u25a1" * len(m.group(0)), text)
    for rx in (_DAY_LIST_ZH, _REL_LIST_ZH, _DATE_LIST_ZH):
        text = rx.sub(lambda m: "\u25a1" * len(m.group(0)), text)
    # ... nor is a single weekday's ("每周三下午两小时，去了四次" counts four, not three; "四个周日" still counts four, and
    # "这周五天" five days).
    text = _WEEKDAY_NUMERAL.sub(lambda m: m.group(1) + "\u25a1", text)
    counts = [days] if days else []
    counts += [2 for _ in _PAIR_ZH.finditer(text)] + [2 for _ in _BOTH_EN.finditer(text)]
    for rx in (_COUNT_ZH, _COUNT_EN, _COUNT_EN_ALL, _COUNT_X_BEFORE, _COUNT_X_AFTER, _COUNT_X_TIMES, _COUNT_TWICE):
        for m in rx.finditer(text):
            if m.start("n") < rate[1] and m.end("n") > rate[0]:
                continue  # the rate's own number ("two 3-hour shifts" counts two)
            n = {"twice": 2.0, "thrice": 3.0}.get(m.group("n")) or to_number(m.group("n"))
            if n is not None and n == int(n) and 2 <= n <= 30:
                counts.append(int(n))
    return counts[0] if len(set(counts)) == 1 else None


_WEEKDAY = re.compile(r"(周|星期|礼拜)([一二三四五六日天])")
_WEEKDAY_NUMERAL = re.compile(r"(周|星期|礼拜)([一二三四五六日天])(?![天个次晚回趟])")
_QUARTERS = _rx(r"(?P<q>[一三]|[13])\s*刻钟")
# "一共两小时", "in total 3 hours": the total said outright wins over the parts.
_TOTAL = _rx(r"(一共|总共|总计|合计|累计|共计|加起来|算下来|共|in total|total of|altogether|total)\s*[:：]?\s*(是|有|约|大概|差不多)?\s*$")
# "每趟一小时", "each shift 2 hours": a rate, not an amount.
_EACH = _rx(r"(每|各|each|per|every)\s*[\u4e00-\u9fff]{0,2}\s*$|\b(each|per|every) [a-z]+\s*$")
# Between two amounts that add up: a clause break or a joining word.
_JOIN = _rx(r"^.{0,16}?([,，;；、。+]|和|加|另外|还有|又|\band\b|\bplus\b|\bthen\b)|^\s*[,;+]|"
             r"^\s*((周[一二三四五六日天末]|星期[一二三四五六日天]|礼拜[一二三四五六日天]|今天|昨天|前天|上午|下午|晚上|早上|"
             r"第[一二两三四五六七八九十\d]{1,2}\s*(?:天|次|回|趟|晚|节|场|轮|班)|首日|次日|头一天|后一天)\s*){1,2}$")


# Approximate amounts ("一个多小时", "两个来小时", "两三个小时", "3-4小时", "a couple of hours", "over an hour") state no
# number of hours: points are not guessed from them.
_CN_SPREAD = _rx(r"^(一两|两三|二三|三四|四五|五六|六七|七八|八九)$")
_RANGE_BEFORE = _rx(rf"(\d+(\.\d+)?|[一二两三四五六七八九十]+|\b{EN_NUM})\s*(?:-|~|～|到|至|或|\bto\b|\bor\b)\s*$")
_RANGE_AFTER = _rx(rf"^\s*(or|to|-)\s*({EN_NUM}|more)\b|^\s*or so\b|^\s*(or thereabouts|give or take)\b")
_APPROX_BEFORE = _rx(r"(\bover|\bmore than|\bat least|\bfew|\bseveral|不止|超过|好几)\s*(an?\s+)?$")
# "about an hour and a half", "around 3 hours": an English hedge before hours states no exact amount (minutes are
# read as said: "about forty minutes"). 大概/大约 is the filler residents put before any amount: with 左右 or 吧 after
# it ("大概三小时左右", "大概俩小时吧") the amount is meant; with both ("大概两个钟头左右吧") it is vague.
_EN_HEDGE = _rx(r"\b(about|around|roughly|approximately|approx\.?|maybe|perhaps|probably|something like)\s*$")
_ZH_HEDGE_BEFORE = _rx(r"(大概|大约|约莫|差不多|估计|可能|应该有)\s*$")
# "一个钟头多一点", "两小时出头": a little over the amount is no exact amount.
_ZH_MORE_AFTER = _rx(r"^\s*(?:多一?点|多一些|多些|出头|挂零|有余)")
_ZH_HEDGE_AFTER = _rx(r"^\s*(左右|上下|的样子)\s*吧")
# 差不多, 估计 and the like doubt the amount itself: with 左右 or 吧 after it, the amount is vague ("差不多一个半小时左右").
_ZH_DOUBT_BEFORE = _rx(r"(约莫|差不多|估计|可能|应该有)\s*$")
_ZH_SOFT_AFTER = _rx(r"^\s*(左右|上下|的样子|吧)")
_EN_VAGUE = _rx(r"\b(a few|few|several|couple of|a couple of|some)\s+(hours?|hrs?)\b|\b\d+\s*\+\s*(hours?|hrs?|h)\b")


def _approximate(text: str, m, numeral: str | None) -> bool:
    words = m.group(0)
    if re.search(r"[多来把几]", words):
        return True
    if numeral and (_CN_SPREAD.match(numeral) or numeral.lower() == "couple"):
        return True
    return bool(_RANGE_BEFORE.search(text[max(0, m.start() - 8):m.start()]) or _RANGE_AFTER.search(text[m.end():m.end() + 12])
                or _APPROX_BEFORE.search(text[max(0, m.start() - 12):m.start()])
                or _ZH_MORE_AFTER.search(text[m.end():m.end() + 4]))


def _spans(text: str) -> list[tuple[int, int, float | None, str, str]]:
    """Every stated amount of time in a text: (start, end, hours, words, kind), kind "d" (a duration), "r" (a clock
    range) or "a" (an approximate amount, hours None). The most specific shapes claim their characters first; later
    shapes cannot overlap them."""
    out: list[tuple[int, int, float | None, str, str]] = []
    # "周六两小时": the day's numeral is no part of the amount (same length, so positions hold).
    text = _WEEKDAY.sub(lambda m: m.group(1) + "\u25a1" * len(m.group(2)), text)
    text = _halves(text)

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, *_ in out)

    def add(m, value, kind="d") -> None:
        if value is not None and 0 < value <= 24 and free(m.start(), m.end()):
            out.append((m.start(), m.end(), round(value, 4), m.group(0).strip(), kind))

    def vague(m) -> None:
        if free(m.start(), m.end()):
            out.append((m.start(), m.end(), None, m.group(0).strip(), "a"))

    for m in _EN_VAGUE.finditer(text):
        vague(m)

    for m in _RANGE.finditer(text):
        add(m, _zh_range(m), "r")
    for m in _WORD_RANGE.finditer(text):
        add(m, _word_range(m, text[m.end():m.end() + 16]), "r")
    for m in _EN_RANGE.finditer(text):
        if "." in m.group(0) and (_DOTTED_BEFORE.search(text[max(0, m.start() - 2):m.start()]) or _DOTTED_AFTER.search(text[m.end():m.end() + 10])):
            continue
        add(m, _en_range(m, bare=_BARE_EN_RANGE.fullmatch(m.group(0).strip()) is not None
                         and _BARE_EN_AFTER.match(text[m.end():]) is not None
                         and not _BARE_EN_BEFORE.search(text[max(0, m.start() - 16):m.start()])), "r")
    for m in _CLOCK_PAIR.finditer(text):
        add(m, _clock_pair(m), "r")
    for m in _H_RANGE.finditer(text):
        a, b = int(m.group("a")) + int(m.group("am") or 0) / 60, int(m.group("b")) + int(m.group("bm") or 0) / 60
        # only hours of the clock: "2h-3h of sorting" is a guess at an amount, not a stretch
        if 6 <= a < 24 and b < 24 and not re.match(r"\s*(?:of|each|a day|a week)\b", text[m.end():m.end() + 10]):
            add(m, b - a if b > a else b + 24 - a, "r")
    for m in _SHARED_DIAN.finditer(text):
        # not the hour of an arrival or a guess ("3-4点到的", "1-2点左右")
        if not re.search(r"[\d一二两三四五六七八九十]\s*$", text[max(0, m.start() - 2):m.start()]) \
                and not re.match(r"\s*(?:到(?!\s*\d)|来|走|出发|回|左右|前后)", text[m.end():m.end() + 4]):
            add(m, _zh_range(m), "r")
    for m in _EN_SPACED_RANGE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if 0 < a < b <= 12 and b - a <= 8 and not _BARE_EN_BEFORE.search(text[max(0, m.start() - 16):m.start()]):
            add(m, float(b - a), "r")
    for m in _ZH_CLOCK_PAIR.finditer(text):
        # both said as clock times (点 or a colon) and the second later: "8点~10点" read after normalising as "8点 10点"
        if _CLOCK_MARK.search(text[m.end("a"):m.end("a") + 2]) and _CLOCK_MARK.search(text[m.end("b"):m.end("b") + 2]):
            add(m, _zh_range(m), "r")
    for m in _ZH_HOURS.finditer(text):
        if (m.group("n") or m.group("only_half")) and (_approximate(text, m, m.group("n")) or (
                _ZH_HEDGE_BEFORE.search(text[max(0, m.start() - 6):m.start()]) and _ZH_HEDGE_AFTER.search(text[m.end():m.end() + 4])) or (
                _ZH_DOUBT_BEFORE.search(text[max(0, m.start() - 6):m.start()]) and _ZH_SOFT_AFTER.search(text[m.end():m.end() + 4]))):
            vague(m)
        elif m.group("n") or m.group("only_half"):
            n = 0.0 if m.group("only_half") else _decimal(m.group("n"))
            if n is not None:
                half = m.group("half") or m.group("only_half") or m.group("half_after")
                add(m, n + (0.5 if half else 0.0) + _minutes_value(m.group("m") or m.group("mb") or m.group("qm") or m.group("mc")) / 60)
    for m in _HM_DURATION.finditer(text):
        add(m, int(m.group("h")) + int(m.group("mm")) / 60)
    for m in _EN_QUARTER.finditer(text):  # minutes in other words: read as said, like "about 15 minutes"
        add(m, 0.75 if m.group("q") == "three" else 0.25)
    for m in _EN_HOURS.finditer(text):
        if (not m.group("only_half") and _approximate(text, m, m.group("n"))) or _EN_HEDGE.search(text[max(0, m.start() - 20):m.start()]):
            vague(m)
            continue
        if m.group("only_half"):
            hours = 0.5
        else:
            hours = (to_number(m.group("n")) or 0) + (0.5 if (m.group("half1") or m.group("half") or m.group("half2") or m.group("half3")) else 0)
            if m.group("m"):
                hours += (to_number(m.group("m")) or 0) / 60
            if m.group("q"):
                hours += 0.75 if m.group("q").startswith("three") else 0.25
        add(m, hours)

    for m in _EN_BARE_HOUR_HALF.finditer(text):
        if not _EN_HEDGE.search(text[max(0, m.start() - 20):m.start()]):
            add(m, 1.5)
        else:
            vague(m)
    for m in _ZH_HOURS_GE.finditer(text):
        if _approximate(text, m, m.group("n")):
            vague(m)
        else:
            add(m, to_number(m.group("n")))
    for m in _UNIT_FIRST.finditer(text):
        add(m, to_number(m.group("n")))
    for m in _ZI.finditer(text):
        n = to_number(m.group("n"))
        if n is not None and n == int(n) and 1 <= n <= 12 and not _ZI_NOT.search(text[max(0, m.start() - 4):m.start()]):
            add(m, n * 5 / 60)
    for m in _GU.finditer(text):
        n = to_number(m.group("n"))
        if n is not None and n == int(n) and 1 <= n <= 8:
            add(m, n * 0.25)
    for m in _QUARTERS.finditer(text):
        add(m, 0.25 if m.group("q") in ("一", "1") else 0.75)
    for rx in (_ZH_MINUTES, _EN_MINUTES):
        for m in rx.finditer(text):
            if _approximate(text, m, m.group("m")):
                vague(m)
                continue
            n = to_number(m.group("m"))
            if n and n <= 24 * 60:
                add(m, n / 60)
    out.sort()
    # "一刻钟都没歇，从九点站到十二点": the idiom is no amount.
    return [sp for sp in out if not (sp[4] == "d" and re.match(r"(一|1(?!\d))", sp[3])
                                     and _IDIOM_AFTER.search(text[sp[1]:sp[1] + 6]))]


_PM_PART_SET = frozenset(_PM_PARTS.split("|"))


def _zh_range(m) -> float | None:
    a, b = to_number(m.group("a")), to_number(m.group("b"))
    if a is None or b is None:
        return None
    pm1 = m.group("dp1") in _PM_PART_SET
    pm2 = (m.group("dp2") or m.group("dp1")) in _PM_PART_SET
    start = (a + 12 if pm1 and a < 12 else a) + _minutes_value(m.group("am")) / 60
    end = (b + 12 if pm2 and b < 12 else b) + _minutes_value(m.group("bm")) / 60
    if end <= start and end + 12 > start:
        end += 12
    elif end <= start and (m.group("dp2") in _NIGHT_PARTS or (pm1 and m.group("dp2") in _AM_PART_SET) or (a >= 13 and not m.group("dp2"))):
        end += 24  # "晚上十点到凌晨一点", "晚上11点到早上5点", "22点到1点": the stretch runs past midnight
    return end - start if 0 < end - start <= 12 else None


_NIGHT_PARTS = frozenset(("凌晨", "半夜", "深夜"))
_AM_PART_SET = frozenset(p for p in _AM_PARTS.split("|") if "(" not in p)


# "…at the community room, 10 to 12": whole hours joined by "to", closing a clause, read as a clock range; not ages,
# rooms or pages ("kids aged 8 to 12"), and not an amount with its unit after it ("3 to 4 hours").
_BARE_EN_RANGE = _rx(r"\d{1,2}\s+(?:to|until|till)\s+\d{1,2}|\d{1,2}\s*-\s*\d{1,2}")
_BARE_EN_AFTER = _rx(r"\s*(?:$|[,.;!)]|\b(?:today|yesterday|this|last|on|at)\b)")
_BARE_EN_BEFORE = _rx(r"\b(?:aged?|ages|grades?|years?|kids|children|rooms?|floors?|units?|buildings?|blocks?|flats?|numbers?|pages?|no|nos|"
                      r"won|lost|drew|beat|score[ds]?|scoring|lead|led|sizes?|bus|route|platform|gate|tower|towers|house|houses|"
                      r"about|around|roughly|maybe|for|of|between|from)\s*$|[\d.-]\s*$|\d\s*,\s*$")


def _en_range(m, bare: bool = False) -> float | None:
    # A bare "2-4" is no time range ("room 2-4"): it needs from/between, am/pm, or a clock time ("9 to 11:30").
    if m.group("midnight"):  # "from 9pm to midnight", "9 till midnight": an evening's stretch
        a = int(m.group("a"))
        start = a + (12 if m.group("ap1") != "am" and a < 12 else 0) + int(m.group("am") or 0) / 60
        return 24 - start if 0 < 24 - start <= 12 else None
    if m.group("noon"):
        a = int(m.group("a"))
        start = a + (12 if m.group("ap1") == "pm" and a < 12 else 0) + int(m.group("am") or 0) / 60
        return 12 - start if 0 < 12 - start <= 12 else None
    if not (bare or m.group("kw") or m.group("ap1") or m.group("ap2") or m.group("am") or m.group("bm")):
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    if a > 24 or b > 24:
        return None
    ap1 = m.group("ap1") or (m.group("ap2") if a < b else None)  # "2-4pm": both afternoon
    if ap1 == "pm" and a < 12:
        a += 12
    if m.group("ap2") == "pm" and b < 12:
        b += 12
    start = a + int(m.group("am") or 0) / 60
    end = b + int(m.group("bm") or 0) / 60
    if end <= start:
        end += 12
    if end <= start and a >= 12 and (m.group("ap2") == "am" or (a >= 13 and not m.group("ap2"))):
        end += 12  # "from 10pm to 1am", "22:00 to 01:00": the stretch runs past midnight
    return end - start if 0 < end - start <= 12 else None


_ZH_CLOCK_PAIR = _rx(rf"(?P<dp1>{_AM_PARTS}|{_PM_PARTS}|中午)?\s*" + _CLOCK.format("a") + rf"\s+(?P<dp2>{_AM_PARTS}|{_PM_PARTS}|中午)?\s*" + _CLOCK.format("b"))
_CLOCK_MARK = _rx(r"点|:|：|时")
# "9h-11h", "9h30-11h": the clock written with h, as some write it; not an amount of hours.
_H_RANGE = _rx(r"(?<![\d.])(?P<a>\d{1,2})h(?P<am>[0-5]\d)?\s*(?:-|–|~|to|到|至)\s*(?P<b>\d{1,2})h(?P<bm>[0-5]\d)?(?![\d])")
# The hours of a range sharing one 点: "上午9-11点", "下午2到4点", "晚7至9点半", "19-21点", "九到十一点".
_SHARED_DIAN = _rx(rf"(?P<dp1>{_AM_PARTS}|{_PM_PARTS}|中午)?\s*(?P<a>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})(?P<am>)\s*(?:-|~|～|—|–|到|至)\s*"
                   rf"(?P<dp2>)(?P<b>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})\s*(?:点钟|点|(?<![小钟])时(?!候|间|期|段|辰|刻|代|常|髦|尚|光|节|许|而|日))\s*"
                   r"(?P<bm>半|[一三]刻(?!钟)|\d{1,2}(?!\d|\s*(?:单元|号|栋|楼|层|室|幢|座|门|户))|" + CN_CLOCK_MINUTES + r")?\s*分?")
# "7~9pm" after normalising: "7 9pm" - two hours and one am/pm, nothing but a space between.
_EN_SPACED_RANGE = _rx(r"(?<![\d:.])\b(?P<a>\d{1,2})\s+(?P<b>\d{1,2})\s*(?P<ap>am|pm)\b")
# Two clock times side by side with nothing but a space (or a dash) between: "搬沙袋堵地库入口 20:30~22:00" (the tilde
# is gone after normalising), "19:00 21:30". Both with minutes after a colon; the second later, or past midnight.
_CLOCK_PAIR = _rx(r"(?<![\d:.])(?P<a>[01]?\d|2[0-3])\s*[:：]\s*(?P<am>[0-5]\d)\s*[~～—–-]?\s+(?P<b>[01]?\d|2[0-3])\s*[:：]\s*(?P<bm>[0-5]\d)(?![\d:])")


def _clock_pair(m) -> float | None:
    start = int(m.group("a")) + int(m.group("am")) / 60
    end = int(m.group("b")) + int(m.group("bm")) / 60
    if end <= start:
        end += 24
    return end - start if 0 < end - start <= 12 else None


# A later amount said without its unit, the unit of an earlier one understood: "2 hours on Saturday and 3 on Sunday",
# "周六干了两小时，周日干了三个". Only hours, only after a stated number of hours, and only where the bare number ends
# its clause (Chinese, after a verb of work) or names its day (English): "发现三个" or "and 3 kids" are no amount.
_ELLIPTIC_EN = _rx(r"\band\s+(?P<n>\d{1,2}(?:\.\d+)?|one|two|three|four|five|six|seven|eight)(?P<half>\s+and\s+a\s+half)?\s+"
                   r"(?=(?:on|this|last|yesterday|today|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b)")
_ELLIPTIC_ZH = _rx(r"(?:干|做|弄|值|忙|站|巡|搞|陪|服务)\s*(?:了|咗)?\s*(?P<n>[一二两三四五六七八九十]|\d{1,2})\s*个\s*(?P<half>半)?"
                   r"(?=\s*(?:$|[,，。;；!！~]))")
_HOUR_WORDS = _rx(r"小时|钟|\d\s*h\b|hours?|hrs?")


def _elliptic(text: str, spans) -> list[tuple[int, int, float | None, str, str]]:
    out = []
    for rx in (_ELLIPTIC_EN, _ELLIPTIC_ZH):
        for m in rx.finditer(text):
            if not any(sp[1] <= m.start() and sp[4] == "d" and _HOUR_WORDS.search(sp[3]) for sp in spans):
                continue
            if any(not (m.end() <= sp[0] or m.start() >= sp[1]) for sp in spans):
                continue
            n = to_number(m.group("n"))
            if n is not None and 0 < n <= 12:
                # The span starts at the number: the "and" before it is the join of the two amounts.
                out.append((m.start("n"), m.end(), n + (0.5 if m.group("half") else 0.0), text[m.start("n"):m.end()].strip(), "d"))
    return out


_WHOLE_HOUR = _rx(r"(?<=成)\s*个(?=\s*(?:钟|小时|钟头))")
_ONE_DROPPED = _rx(r"(?<![\d零〇一二两俩三仨四五六七八九十几多半每各])个半(?=\s*(?:钟|小时|钟头|鐘|個鐘))")


def parse_hours(text: str) -> tuple[float | None, str | None]:
    """Hours of service in a normalised text, and the words that said so; (None, None) if not stated, (None, words)
    if only an approximate amount was said ("一个多小时").
    Amounts said for separate parts add up ("昨天两小时，今天三小时" -> 5); a stated total wins ("一共两小时");
    a rate ("每趟一小时") and a restatement ("下午两点到五点，三个小时", "1.5 hours (90 minutes)") do not add."""
    text = _ONE_DROPPED.sub(r"一\g<0>", text)  # Cantonese 个半钟 drops the 一 of 一个半钟
    text = _WHOLE_HOUR.sub("一个", text)  # Cantonese 成个钟, "a whole hour"
    spans = _spans(text)
    if not spans:
        return None, None
    vague = [words for *_, words, k in spans if k == "a"]
    if vague:
        return None, vague[0]  # a duration was said, but no number of hours
    spans = sorted(spans + _elliptic(text, spans))
    # A rest taken inside the stretch is no service: "8点到11点，中间休息了半小时" -> 2.5, "9 to 1 with a 30 min break".
    rest = [sp for sp in spans if sp[4] == "d" and (_REST_BEFORE.search(text[max(0, sp[0] - 8):sp[0]])
                                                    or _REST_AFTER.search(text[sp[1]:sp[1] + 16]))]
    if rest and len(rest) < len(spans):
        kept = [sp for sp in spans if sp not in rest]
        v, words = _amount(text, kept)
        off = sum(sp[2] for sp in rest)
        # Only a stretch of the clock holds the rest; amounts of service said apart leave it out ("巡逻两小时，休息半小时后又巡逻一小时").
        if v is not None and v - off > 0 and any(sp[4] == "r" for sp in kept):
            return round(v - off, 4), words + " - " + " ".join(sp[3] for sp in rest)
        return v, words
    return _amount(text, spans)


# A rest or a meal inside the stretch of the clock: "中间休息了半小时", "午休一小时", "扣除吃饭一小时", "with a 30 min break",
# "an hour for lunch", "minus half an hour".
_REST_BEFORE = _rx(r"(?:休息|歇|午休|吃饭|吃午饭|扣除|扣掉|减去|除去|不算|\bminus|\bless|\bbreak of|\bbreak for|\brested(?: for)?)\s*(?:了|咗)?\s*$")
_REST_AFTER = _rx(r"^\s*-?\s*(?:break|rest|lunch break|tea break|for lunch|off for lunch|of rest)\b|^\s*(?:的)?(?:休息|午休|吃饭时间)")


def _amount(text: str, spans) -> tuple[float | None, str | None]:
    for s, e, v, words, _ in spans:
        if _TOTAL.search(text[max(0, s - 16):s]):
            return v, words
    # "三次 每次一小时", "两节课 一节45分钟", "2 sessions of 90 minutes": a rate times a count said once.
    rates = [sp for sp in spans if sp[2] is not None and (_RATE_BEFORE.search(text[max(0, sp[0] - 12):sp[0]])
                                                          or _EACH_IN_CLAUSE.search(text[max(0, sp[0] - 26):sp[0]])
                                                          or _RATE_AFTER.search(text[sp[1]:sp[1] + 14]))]
    if len(rates) == 1 and len(spans) == 1:
        n = _count(text, rates[0])
        if n is not None and 0 < n * rates[0][2] <= 24:
            return round(round(n * rates[0][2] * 60) / 60, 4), rates[0][3]  # whole minutes: 3 x 40 min is 2 h
    parts = [sp for sp in spans if not _EACH.search(text[max(0, sp[0] - 8):sp[0]])] or spans
    # A duration said next to a clock range restates it: the duration is the amount.
    if any(k == "d" for *_, k in parts) and any(k == "r" for *_, k in parts):
        parts = [sp for sp in parts if sp[4] == "d"]
    first = parts[0]
    total, words = first[2], [first[3]]
    for prev, cur in zip(parts, parts[1:]):
        between = text[prev[1]:cur[0]]
        if abs(cur[2] - first[2]) < 0.01 and re.search(r"[(（=]|也就是|即|\bi\.?e\b|that.?s", between):
            continue  # "1.5小时（90分钟）"
        if not _JOIN.search(between) and not (prev[4] == cur[4] == "r" and not between.strip()):
            break  # two clock ranges side by side are two stretches ("上午9点至12点 下午2点至5点")
        total += cur[2]
        words.append(cur[3])
    if not 0 < total <= 24:
        return first[2], first[3]
    return round(total, 4), " ".join(words)
