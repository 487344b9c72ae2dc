"""Building, unit and room in a message: 3号楼2单元, 5栋, 12幢, B座, 7-2-301, 三单元502, "building 4, unit 1", "block 6".
Runs on normalised text (lower case), so letters are upper-cased again on the way out."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import CN_NUM, to_int_str


def _rx(pattern: str) -> re.Pattern:
    # ASCII word boundaries: a CJK character next to an English word must count as a boundary ("在building 4").
    return re.compile(pattern, re.ASCII)

_N = rf"(\d{{1,3}}|{CN_NUM})"
_ROOM = r"(\d{3,4})"
# A letter used as a building name: B座, b栋; only a single Latin letter, not part of a word.
_L = r"(?<![a-z])([a-z])"

_TRIPLE = _rx(r"(?<![\d\-.:/])(\d{1,3})\s*-\s*(\d{1,2})\s*-\s*(\d{3,4})(?![\d\-.:/])")
# "2-1单元": building 2, unit 1.
_BUILDING_UNIT_DASH = _rx(r"(?<![\d\-.:/])(\d{1,3})\s*-\s*(\d{1,2})\s*单元")
# "跑了5栋楼": a number of buildings walked through, not one building.
_BUILDING_COUNT = _rx(r"(?:了|过|遍|完)\s*$")
_BUILDING_COUNT_AFTER = _rx(r"^\s*楼(?![道梯顶上下里门口前后])")
# A place signed off at the very end of a message, alone after a space: "…回不去 1602" is a room (a floor and a door
# number 01-12, not a year), "…拿着扳手 7-2" a building and a unit.
_TRAILING_ROOM = _rx(r"(?:^|(?<![花捐付交共约价钱费¥$:=是有到])\s)(?!20[0-3]\d\s*[.!。!]*\s*$)([1-9]\d?(?:0[1-9]|1[0-2]))\s*[.!。!]*\s*$")
_TRAILING_BU = _rx(r"(?:^|(?<![花捐付交共约价钱费¥$:=是有到比])\s)(\d{1,2})\s*-\s*([1-9])\s*[.!。!]*\s*$")
# ...but not where the message speaks of times ("周六 9-5" is a shift).
_PAID = _rx(r"(?:花|交|捐|付|给|借|欠|赚|收|卖|买|共|约|到|开到|是)了?\s*$")
_TIME_TALK = _rx(r"[点时钟周]|分钟|星期|礼拜|上午|下午|早上|晚上|今天|昨天|前天|明天|班|义工|志愿|帮忙|比分|\b(?:am|pm|hours?|hrs?|shifts?|volunteer\w*|helped|score|mon|tue|wed|thu|fri|sat|sun)")
_PAIR_ROOM = _rx(r"(?<![\d\-.:/])(\d{1,3})\s*-\s*(\d{3,4})(?![\d\-.:/])")

_BUILDING_ZH = _rx(
    rf"(?:第)?{_N}\s*(?:号楼|号楼栋|栋|幢|座|号院楼|#楼|#)"
    rf"|{_N}\s*号(?=\s*(?:\d{{1,2}}|{CN_NUM})\s*(?:单元|门洞))"
    rf"|{_N}\s*楼(?=(?:\d{{1,2}}|{CN_NUM})\s*单元)"
)
_BUILDING_LETTER = _rx(rf"{_L}\s*(?:座|栋|幢|号楼|楼(?!下|上|道|梯|顶|里))")
_UNIT_ZH = _rx(rf"(?:第)?{_N}\s*(?:单元|门洞|号门)|(?<=[栋楼幢座])\s*(\d{{1,2}}|{CN_NUM})\s*门(?![口卫禁])")
_ROOM_ZH = _rx(rf"(?<![\d.])(\d{{3,4}}|[零〇一二三四五六七八九幺]{{3,4}})\s*(?:室|房间|房|号房|户|号(?![楼院]))")
_ROOM_AFTER = _rx(rf"^\s*(?:的|-|—|,|,)?\s*(\d{{3,4}}(?![\d.:%])|[零〇一二三四五六七八九幺]{{3,4}}(?![零〇一二三四五六七八九幺十百千个楼层点号次天分岁块元人]))")

# A letter needs a space before it: "building b" is a building, "buildings" is not.
# "502的老人", "1201那家": a bare three- or four-digit number right before the people living there is a room.
_ROOM_ZH_BARE = _rx(r"(?<![\d.:/\-了花共有约价¥$第])(?!(?:19|20)\d\d)([1-9]\d{2,3})\s*(?:(?:的|那|这)\s*(?:[王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文](?=奶奶|爷爷|阿姨|大爷|大妈|叔叔|老师|师傅|大姐|大哥|婆婆|伯伯))?(?=住户|业主|人家|家|老|大爷|大妈|阿姨|叔叔|奶奶|爷爷|邻居|小孩|孩子|租户|狗|猫|鸟|空调|外机|阳台|窗|卫生间|厨房|水管|门口|房门)|(?=住户|业主|那家|那户|家的|租户|家(?![具电政长庭族乡])))")
_BUILDING_EN = _rx(r"\b(?:building|bldg\.?|block|blk\.?|tower)(?:\s*(?:no\.?|number|#))?(?:\s*(\d{1,3})|\s+([a-z]))\b")
_BUILDING_EN_PRE = _rx(r"\b(?:no\.?\s*)?(\d{1,3})(?:st|nd|rd|th)?\s+(?:building|block)\b")
_UNIT_EN = _rx(r"\b(?:unit|entrance|stairwell|staircase)(?:\s*(?:no\.?|number|#))?(?:\s*(\d{1,2})|\s+([a-z]))\b")
# "从502飘出来的", "敲1102的门": a bare number after from/at/knock, before coming out of it, is a room.
_ROOM_ZH_FROM = _rx(r"(?:从|住在|住|敲|敲了|到|去)\s*(?!(?:19|20)\d\d)([1-9]\d{2,3})\s*(?=飘|传|漏|渗|冒|出来|里|家|门|那|的门|屋)")
# "快递员按不了我家 1504", "我家是1203": a three- or four-digit number right after 我家/家住 is the writer's own room.
_ROOM_ZH_HOME = _rx(r"(?:我家|我们家|俺家|家住|住在|我住)\s*(?:是|在)?\s*(?!(?:19|20)\d\d(?![\d室号]))([1-9]\d{2,3})(?![\d.:%/\-]|\s*(?:元|块|米|平|个|人|天(?!花)|年|号楼|栋|幢))")
# "楼上1102漏水", "隔壁1802装修": a number right after the neighbour's direction is that neighbour's room.
_ROOM_ZH_NEIGHBOUR = _rx(r"(?:楼上|楼下|隔壁|对门|对面|樓上|樓下)\s*(?:的|那家|那户)?\s*(?!(?:19|20)\d\d(?![\d室号]))([1-9]\d{2,3})(?![\d.:%/\-]|\s*(?:元|块|米|平|个|人|天(?![花天])|年|号楼|栋|幢|次|分|小时|点|楼|层))")
_ROOM_EN = _rx(r"\b(?:room|rm\.?|apartment|apt\.?|flat|suite|#)\s*(?:no\.?)?\s*(\d{2,4}[a-z]?)\b")
# "the old lady in 501": a bare three- or four-digit number after in/at/from reads as a room, unless it is a year.
_ROOM_EN_BARE = _rx(r"\b(?:in|at|from|of|lives in|living in)\s+(?!(?:19|20)\d\d\b)(\d{3,4})\b(?!\s*(?:am|pm|yuan|rmb|hours?|minutes?|days?|m|meters?|metres?|people|cars?)\b)")


@dataclass(frozen=True)
class Place:
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    evidence: tuple[str, ...] = ()


def _num(s: str) -> str | None:
    if len(s) == 1 and "a" <= s <= "z":
        return s.upper()
    return to_int_str(s)


def extract_place(text: str) -> Place:
    """Building, unit and room named in a normalised text; the first of each wins."""
    building = unit = room = None
    ev: list[str] = []

    m = _TRIPLE.search(text)
    if m:
        building, unit, room = m.group(1), str(int(m.group(2))), m.group(3)
        return Place(str(int(building)), unit, room, (m.group(0),))

    end_of_place = -1
    m = _BUILDING_UNIT_DASH.search(text)
    if m:
        building, unit = str(int(m.group(1))), str(int(m.group(2)))
        ev.append(m.group(0))
        end_of_place = m.end()
        m = None
    else:
        m = next((c for c in _BUILDING_ZH.finditer(text)
                  if not (c.group(0).endswith(("栋", "幢")) and _BUILDING_COUNT.search(text[max(0, c.start() - 3):c.start()])
                          and _BUILDING_COUNT_AFTER.match(text[c.end():]))), None)
    if building is not None:
        pass
    elif m:
        raw = next(g for g in m.groups() if g)
        building = _num(raw)
        ev.append(m.group(0))
        end_of_place = m.end()
    else:
        m = _BUILDING_LETTER.search(text)
        if m:
            building = m.group(1).upper()
            ev.append(m.group(0))
            end_of_place = m.end()
        else:
            m = _BUILDING_EN.search(text) or _BUILDING_EN_PRE.search(text)
            if m:
                building = _num(next(g for g in m.groups() if g))
                ev.append(m.group(0))
                end_of_place = m.end()

    m = None if unit is not None else _UNIT_ZH.search(text) or _UNIT_EN.search(text)
    if m:
        raw = next(g for g in m.groups() if g)
        unit = _num(raw)
        ev.append(m.group(0))
        end_of_place = max(end_of_place, m.end())

    m = _ROOM_ZH.search(text)
    if m:
        room = to_int_str(m.group(1)) if not m.group(1).isdigit() else m.group(1)
        ev.append(m.group(0))
    elif end_of_place >= 0:
        m = _ROOM_AFTER.match(text[end_of_place:])
        if m:
            room = m.group(1) if m.group(1).isdigit() else to_int_str(m.group(1))
            ev.append(m.group(0).strip())
    for form in (_ROOM_ZH_BARE, _ROOM_ZH_FROM, _ROOM_ZH_NEIGHBOUR, _ROOM_ZH_HOME):  # the first that matches
        if room is not None:
            break
        m = form.search(text)
        if m:
            room = m.group(1)
            ev.append(m.group(0).strip())
    if room is None:
        m = _ROOM_EN.search(text) or _ROOM_EN_BARE.search(text)
        if m:
            room = m.group(1).upper()
            ev.append(m.group(0))
    trailing_ok = not _TIME_TALK.search(text)
    if room is None and trailing_ok:
        m = _TRAILING_ROOM.search(text)
        if m and not _PAID.search(text[:m.start(1)]):
            room = m.group(1)
            ev.append(m.group(1))
    if building is None and unit is None and room is None and trailing_ok:
        m = _TRAILING_BU.search(text)
        if m and int(m.group(1)) > 0 and not _PAID.search(text[:m.start(1)]):
            building, unit = str(int(m.group(1))), m.group(2)
            ev.append(m.group(0).strip())
    if building is None and room is None:
        m = _PAIR_ROOM.search(text)
        if m and int(m.group(1)) < 100:
            building, room = str(int(m.group(1))), m.group(2)
            ev.append(m.group(0))
    return Place(building, unit, room, tuple(ev))


def mask_places(text: str) -> str:
    """The text with place expressions replaced by a space, so the category model does not learn numbers."""
    for rx in (_TRIPLE, _BUILDING_ZH, _BUILDING_LETTER, _UNIT_ZH, _ROOM_ZH, _BUILDING_EN, _UNIT_EN, _ROOM_EN):
        text = rx.sub(" ", text)
    return text
