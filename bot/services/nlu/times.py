"""When a volunteer did the work: 今天上午, 昨天, 上周日, 下周三下午两点, last Saturday, this morning.
Resolved against `now`, in the timezone of `now`; a date without a time of day resolves to the start of that day."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .numerals import CN_CLOCK_MINUTES, to_number


def _rx(pattern: str) -> re.Pattern:
    # ASCII word boundaries: a CJK character next to an English word must count as a boundary ("在building 4").
    return re.compile(pattern, re.ASCII)

SHANGHAI = ZoneInfo("Asia/Shanghai")

_WD_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5, "1": 0, "2": 1, "3": 2,
          "4": 3, "5": 4, "6": 5, "7": 6}
_WD_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# A representative hour for a part of the day, used when no clock time is given.
_DAYPART_ZH = {"凌晨": 3, "清晨": 7, "早上": 8, "早晨": 8, "上午": 9, "中午": 12, "午后": 14, "下午": 15,
               "傍晚": 18, "晚上": 19, "夜里": 21, "半夜": 23, "今早": 8, "昨早": 8, "今晚": 19, "昨晚": 19,
               # Cantonese: 朝早 morning, 今朝 this morning, 晏昼 early afternoon, 下昼 afternoon, 夜晚 evening
               "朝早": 8, "今朝": 8, "晏昼": 13, "下昼": 15, "夜晚": 19}
_DAYPART_EN = {"morning": 9, "noon": 12, "afternoon": 15, "evening": 19, "night": 21, "tonight": 19}
_PM_PARTS = {"下午", "傍晚", "晚上", "夜里", "今晚", "昨晚", "半夜", "午后", "晏昼", "下昼", "夜晚"}

_REL_DAY_ZH = [("大前天", -3), ("前天", -2), ("前日", -2), ("昨天", -1), ("昨日", -1), ("昨儿", -1), ("昨晚", -1), ("昨早", -1),
               ("寻日", -1), ("琴日", -1), ("噚日", -1), ("寻晚", -1), ("琴晚", -1),
               ("今天", 0), ("今日", 0), ("今儿", 0), ("今早", 0), ("今晚", 0), ("明天", 1), ("明日", 1),
               ("后天", 2), ("大后天", 3)]
_WEEK_ZH = _rx(r"(上上|上个?|这个?|本|下个?|下下)?\s*(?:周|星期|礼拜)([一二三四五六日天末1-7])")
_DAYS_AGO_ZH = _rx(r"([0-9]+|[一二两三四五六七八九十]+)\s*天(?:以)?前")
_DATE_ZH = _rx(r"(?:(\d{1,2}|[一二三四五六七八九十]+)\s*月\s*)?(\d{1,2}|[一二三四五六七八九十]+)\s*[日号](?!楼|院|单元)")
_CLOCK_ZH = _rx(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:点|:|时)\s*(半|一刻|三刻|\d{1,2}|[一二三四五十]{1,3}(?=分)|" + CN_CLOCK_MINUTES + ")?")
_DAYPART_RX = _rx("|".join(sorted(_DAYPART_ZH, key=len, reverse=True)))

_REL_DAY_EN = [("day before yesterday", -2), ("yesterday", -1), ("last night", -1), ("today", 0), ("this morning", 0),
               ("this afternoon", 0), ("this evening", 0), ("tonight", 0), ("tomorrow", 1)]
_WEEK_EN = _rx(r"\b(last|this|next|on|past)?\s*(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday|s|t)?\b")
_DAYS_AGO_EN = _rx(r"\b(\d+|one|two|three|four|five|six|seven|a)\s+days?\s+ago\b")
_CLOCK_EN = _rx(r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)")
_CLOCK_COLON = _rx(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_DAYPART_EN_RX = _rx(r"\b(morning|noon|afternoon|evening|night|tonight)\b")


def default_now() -> datetime:
    return datetime.now(SHANGHAI)


def _weekday_date(today, target: int, mod: str | None, past_default: bool):
    monday = today - timedelta(days=today.weekday())
    if mod in ("上", "上个", "上上"):
        monday -= timedelta(days=7 * (2 if mod == "上上" else 1))
        return monday + timedelta(days=target)
    if mod in ("这", "这个", "本"):
        return monday + timedelta(days=target)
    if mod in ("下", "下个", "下下"):
        return monday + timedelta(days=7 * (2 if mod == "下下" else 1) + target)
    # Bare weekday: the most recent one (a claim is about work already done).
    delta = (today.weekday() - target) % 7
    return today - timedelta(days=delta) if past_default else today + timedelta(days=(target - today.weekday()) % 7)


def resolve_when(text: str, now: datetime | None = None) -> tuple[datetime | None, str | None]:
    """The moment a normalised text speaks of, and the words that said so; (None, None) if it names none."""
    now = now or default_now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=SHANGHAI)
    today = now.date()
    day = None
    ev: list[str] = []

    for word, off in _REL_DAY_ZH:
        if word in text:
            day = today + timedelta(days=off)
            ev.append(word)
            break
    if day is None:
        m = _WEEK_ZH.search(text)
        if m:
            mod, wd = m.group(1), m.group(2)
            day = _weekday_date(today, _WD_ZH[wd], mod, past_default=True)
            if wd == "末" and mod is None and day > today:
                day -= timedelta(days=7)
            ev.append(m.group(0))
    if day is None:
        m = _DAYS_AGO_ZH.search(text) or _DAYS_AGO_EN.search(text)
        if m:
            n = to_number(m.group(1)) or 1
            if n <= 366:
                day = today - timedelta(days=int(n))
                ev.append(m.group(0))
    if day is None:
        low = text
        for word, off in _REL_DAY_EN:
            if re.search(r"\b" + word + r"\b", low, re.ASCII):
                day = today + timedelta(days=off)
                ev.append(word)
                break
    if day is None:
        m = _WEEK_EN.search(text)
        if m and (m.group(1) or len(m.group(0).strip()) > 3):
            mod = {"last": "上", "past": None, "this": "这", "next": "下", "on": None, None: None}[m.group(1)]
            target = _WD_EN[m.group(2)]
            if m.group(1) == "last":
                # English "last Saturday": the most recent Saturday before today.
                delta = (today.weekday() - target) % 7 or 7
                day = today - timedelta(days=delta)
            else:
                day = _weekday_date(today, target, mod, past_default=True)
            ev.append(m.group(0).strip())
    if day is None:
        m = _DATE_ZH.search(text)
        if m:
            month = int(to_number(m.group(1))) if m.group(1) else today.month
            dom = int(to_number(m.group(2)) or 0)
            try:
                day = today.replace(month=month, day=dom)
                if day > today and not m.group(1):
                    prev = (today.replace(day=1) - timedelta(days=1))
                    day = prev.replace(day=min(dom, prev.day))
                elif day > today:
                    day = day.replace(year=day.year - 1)
                ev.append(m.group(0))
            except ValueError:
                day = None

    hour = minute = None
    pm = False
    m = _DAYPART_RX.search(text)
    if m:
        hour = _DAYPART_ZH[m.group(0)]
        pm = m.group(0) in _PM_PARTS
        ev.append(m.group(0))
    else:
        m = _DAYPART_EN_RX.search(text)
        if m:
            hour = _DAYPART_EN[m.group(1)]
            pm = m.group(1) in ("afternoon", "evening", "night", "tonight")
            ev.append(m.group(1))
    m = _CLOCK_EN.search(text)
    if m:
        h = int(m.group(1))
        if h <= 12:
            hour = h % 12 + (12 if m.group(3).startswith("p") else 0)
            minute = int(m.group(2) or 0)
            ev.append(m.group(0).strip())
    else:
        m = _CLOCK_ZH.search(text) or _CLOCK_COLON.search(text)
        if m:
            h = to_number(m.group(1))
            mm = m.group(2)
            if h is not None and h < 24:
                h = int(h)
                if pm and h < 12:
                    h += 12
                elif hour is None and 1 <= h <= 6:
                    h += 12  # "3点半" with no part of the day: volunteers do not work at half past three at night
                hour = h
                minute = 30 if mm == "半" else 15 if mm == "一刻" else 45 if mm == "三刻" else int(to_number(mm) or 0) if mm else 0
                minute = minute if minute < 60 else 0
                ev.append(m.group(0))
    if day is None and hour is None:
        return None, None
    if day is None:
        day = today
    seen: list[str] = []
    for e in ev:  # "this morning" and "morning" are one cue, said once
        if not any(e in s for s in seen):
            seen.append(e)
    moment = datetime.combine(day, time(hour or 0, minute or 0), tzinfo=now.tzinfo)
    return moment, " ".join(seen)
