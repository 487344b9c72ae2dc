"""Chinese and English numerals to numbers, and hours of service ("两个半小时" -> 2.5, "四十五分钟" -> 0.75).
Small and exact on purpose: these numbers decide a resident's points."""
from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern:
    # ASCII word boundaries: a CJK character next to an English word must count as a boundary ("在building 4").
    return re.compile(pattern, re.ASCII)

_DIGITS = {"零": 0, "〇": 0, "o": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM_CHARS = "零〇一幺二两俩三四五六七八九十百千万"
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
_ZH_HOURS = _rx(
    rf"(?:(?P<n>{NUM})\s*[多来]?\s*(?:个)?\s*[多来]?\s*(?P<half>半)?|(?P<only_half>半)\s*个?)\s*[多来]?\s*"
    rf"(?:小时|钟头|个钟|钟(?![头点表])|h(?![a-z])|hr(?:s)?(?![a-z]))(?P<half_after>半)?"
    rf"(?:\s*(?:零|又)?\s*(?P<m>{NUM})\s*(?:分钟|分(?!享)|m(?:in(?:s|utes?)?)?\b))?"
)
_ZH_HOURS_GE = _rx(rf"(?P<n>{NUM})\s*个\s*多?\s*钟(?!头)")
_ZH_MINUTES = _rx(rf"(?P<m>{NUM})\s*[多来]?\s*(?:分钟|min(?:s|utes?)?\b)")
_EN_HOURS = _rx(
    rf"\b(?:(?P<n>{EN_NUM})(?:\s+and\s+a\s+half|\s*(?P<half>½))?|(?P<only_half>half\s+an?))\s*-?\s*(?:of\s+)?(?:hours?|hrs?|h)\b"
    rf"(?:\s*(?:and\s+)?(?P<half2>a\s+half)|\s*(?:and\s+)?(?P<m>\d+|{EN_NUM})\s*(?:minutes?|mins?|m)\b)?"
)
_EN_MINUTES = _rx(rf"\b(?P<m>{EN_NUM})\s*-?\s*(?:minutes?|mins?)\b")
_CLOCK = r"(?P<{0}>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})\s*(?:(?:点钟|点|:|：)\s*(?P<{0}m>半|一刻|三刻|\d{{1,2}}|[一二三四五十]{{1,3}}(?=分))?\s*分?)"
_RANGE = _rx(
    r"(?P<dp1>上午|下午|早上|晚上|中午)?\s*" + _CLOCK.format("a")
    # "从两点干到五点": a verb of up to three characters may sit before 到.
    + r"\s*(?:[\u4e00-\u9fff]{0,3}?)(?:到|至|-|~|—|–)\s*(?P<dp2>上午|下午|晚上|中午)?\s*" + _CLOCK.format("b")
)
_EN_RANGE = _rx(r"\b(?P<kw>from|between)?\s*(?P<a>\d{1,2})(?::(?P<am>\d{2}))?\s*(?P<ap1>am|pm)?\s*(?:to|until|till|and|-|–)\s*(?P<b>\d{1,2})(?::(?P<bm>\d{2}))?\s*(?P<ap2>am|pm)?")


def _minutes_value(s: str | None) -> float:
    if not s:
        return 0.0
    if s == "半":
        return 30.0
    if s == "一刻":
        return 15.0
    if s == "三刻":
        return 45.0
    return to_number(s) or 0.0


def parse_hours(text: str) -> tuple[float | None, str | None]:
    """Hours of service in a normalised text, and the words that said so; (None, None) if not stated."""
    m = _ZH_HOURS.search(text) or None
    if m and (m.group("n") or m.group("only_half")):
        n = 0.0 if m.group("only_half") else to_number(m.group("n"))
        if n is not None:
            half = m.group("half") or m.group("only_half") or m.group("half_after")
            hours = n + (0.5 if half else 0.0) + _minutes_value(m.group("m")) / 60
            if 0 < hours <= 24:
                return round(hours, 4), m.group(0).strip()
    m = _EN_HOURS.search(text)
    if m:
        if m.group("only_half"):
            hours = 0.5
        else:
            n = to_number(m.group("n"))
            hours = (n or 0) + (0.5 if ("and a half" in m.group(0) or m.group("half") or m.group("half2")) else 0)
            if m.group("m"):
                hours += (to_number(m.group("m")) or 0) / 60
        if 0 < hours <= 24:
            return round(hours, 4), m.group(0).strip()
    m = _ZH_HOURS_GE.search(text)
    if m:
        n = to_number(m.group("n"))
        if n and 0 < n <= 24:
            return n, m.group(0)
    m = _ZH_MINUTES.search(text) or _EN_MINUTES.search(text)
    if m:
        n = to_number(m.group("m"))
        if n and 0 < n <= 24 * 60:
            return round(n / 60, 4), m.group(0).strip()
    m = _RANGE.search(text)
    if m:
        a, b = to_number(m.group("a")), to_number(m.group("b"))
        if a is not None and b is not None:
            pm1 = m.group("dp1") in ("下午", "晚上")
            pm2 = (m.group("dp2") or m.group("dp1")) in ("下午", "晚上")
            start = (a + 12 if pm1 and a < 12 else a) + _minutes_value(m.group("am")) / 60
            end = (b + 12 if pm2 and b < 12 else b) + _minutes_value(m.group("bm")) / 60
            if end <= start and end + 12 > start:
                end += 12
            if 0 < end - start <= 12:
                return round(end - start, 4), m.group(0).strip()
    for m in _EN_RANGE.finditer(text):
        # A bare "2-4" is no time range ("room 2-4"): it needs from/between or am/pm.
        if not (m.group("kw") or m.group("ap1") or m.group("ap2")):
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        ap1 = m.group("ap1") or (m.group("ap2") if a < b else None)  # "2-4pm": both afternoon
        if ap1 == "pm" and a < 12:
            a += 12
        if m.group("ap2") == "pm" and b < 12:
            b += 12
        start = a + int(m.group("am") or 0) / 60
        end = b + int(m.group("bm") or 0) / 60
        if end <= start:
            end += 12
        if 0 < end - start <= 12:
            return round(end - start, 4), m.group(0).strip()
        break
    return None, None
