"""Text normalisation shared by every stage: one canonical form (NFKC, Simplified, lower case) of a bounded length.
Both training and run time go through `normalise`, so the model sees at run time what it saw in training."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Work is capped so that a 10,000-character paste costs the same as a short message.
MAX_CHARS = 1000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]")
_TAGS = re.compile(r"<[^<>]{0,200}>")
_MARKDOWN = re.compile(r"[*_`~#>|\[\]]+")
_URL = re.compile(r"https?://\S+")
_SPACES = re.compile(r"\s+")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)")

# Common misspellings of the domain's words (same sound, or a slip of the keyboard), put right before any stage sees
# the text: a typo would otherwise hide a keyword or a danger cue ("天燃气味", "楼到灯", "飞线冲电"). Only forms that
# are never a correct word of their own in a resident's message belong here.
_TYPOS = {
    "天燃气": "天然气", "楼到灯": "楼道灯", "楼到里": "楼道里", "线冲电": "线充电", "在冲电": "在充电", "里冲电": "里充电",
    "冲电器": "充电器", "冲电桩": "充电桩", "煤汽": "煤气", "燃汽": "燃气", "电悌": "电梯", "拉圾": "垃圾", "垃级": "垃圾",
    "垃极": "垃圾", "燥音": "噪音", "躁音": "噪音", "暧气": "暖气", "晕到了": "晕倒了", "昏到": "昏倒", "小愉": "小偷",
    "电屏车": "电瓶车", "电平车": "电瓶车", "消防拴": "消防栓", "漏汽": "漏气", "冒咽": "冒烟",
    "elevater": "elevator", "elevetor": "elevator", "elavator": "elevator", "ligth": "light", "rubish": "rubbish",
    "garbadge": "garbage", "colapsed": "collapsed", "collasped": "collapsed", "unconsious": "unconscious",
    "leeking": "leaking", "flodding": "flooding", "smoak": "smoke", "nieghbour": "neighbour", "stareway": "stairway",
}
_TYPO_RX = re.compile("|".join(re.escape(k) for k in sorted(_TYPOS, key=len, reverse=True)))

_t2s = None
_traditional: frozenset[str] | None = None


def _converter():
    # opencc-python-reimplemented is pure Python (~1 MB of dictionaries), loaded on first use.
    global _t2s
    if _t2s is None:
        from opencc import OpenCC

        _t2s = OpenCC("t2s")
    return _t2s


def _traditional_chars() -> frozenset[str]:
    """Characters that only Traditional script uses: a message without any is left alone, which spares the
    converter (the slowest step on long messages) for most Simplified and English texts."""
    global _traditional
    if _traditional is None:
        import opencc

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        chars = set()
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.rstrip("\n").partition("\t")
                if key and key not in value.split(" "):
                    chars.update(key)
        _traditional = frozenset(chars)
    return _traditional


def mask_phones(text: str) -> str:
    """Replace phone numbers so they never reach a log and are never read as rooms or hours."""
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "-****", text)


def normalise(text: object) -> str:
    """Canonical form: NFKC (full-width to half-width), Traditional to Simplified, lower case,
    no markup or control characters, single spaces, at most MAX_CHARS characters."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[: MAX_CHARS * 2]
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TAGS.sub(" ", text)
    text = _MARKDOWN.sub(" ", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = _SPACES.sub(" ", text).strip()[:MAX_CHARS]
    text = mask_phones(text)
    if not _traditional_chars().isdisjoint(text):
        text = _converter().convert(text)
    text = text.lower()
    return _TYPO_RX.sub(lambda m: _TYPOS[m.group(0)], text) if _TYPO_RX.search(text) else text


def has_content(text: str) -> bool:
    """True if the text has at least one letter or CJK character (emoji, digits and punctuation alone do not count)."""
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or ("a" <= ch <= "z"):
            return True
    return False


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# Cantonese grammar words and their Mandarin counterparts, for the danger stage only: the danger rules are written in
# Mandarin, and "阿婆跌咗喺厕所 起唔到身" says what "阿婆跌了在厕所 起不到身" says. The model and the other stages keep
# the text as written (the model was trained on it).
_YUE = {
    "唔该": "谢谢", "唔": "不", "咗": "了", "喺": "在", "佢哋": "他们", "佢": "他", "嘅": "的", "冇": "没", "而家": "现在",
    "宜家": "现在", "依家": "现在", "仲": "还", "啲": "些", "嚟": "来", "睇": "看", "郁": "动", "瞓": "睡", "搵": "找",
    "揾": "找", "畀": "给", "俾": "给", "边度": "哪里", "乜嘢": "什么", "点解": "为什么", "啱啱": "刚刚", "头先": "刚才",
    "跌低": "摔倒", "跌": "摔", "冚": "盖", "焗": "闷", "靓仔": "小伙子", "后生仔": "小伙子", "细路": "小孩", "阿嫲": "奶奶",
    "系咪": "是不是", "话系": "说是", "佢话": "他说", "好似": "好像", "入面": "里面", "出面": "外面",
}
_YUE_RX = re.compile("|".join(re.escape(k) for k in sorted(_YUE, key=len, reverse=True)))
_YUE_HINT = re.compile("[唔咗喺佢嘅冇仲啲嚟睇郁瞓搵揾畀俾啱冚焗]|而家|宜家|依家|跌|头先|好似|入面|话系")


def to_mandarin(text: str) -> str:
    """A normalised text with Cantonese grammar words put into Mandarin (unchanged if it has none)."""
    if not _YUE_HINT.search(text):
        return text
    return _YUE_RX.sub(lambda m: _YUE[m.group(0)], text)
