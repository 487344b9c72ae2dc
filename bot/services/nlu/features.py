"""Features of a message for the statistical stage: Chinese character 1-3-grams, English words, stems and
word pairs. The same function runs at training and at run time; changing it means retraining."""
from __future__ import annotations

import re

from .places import mask_places
from .text import is_cjk

_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_STOP_EN = frozenset("the a an is are was were be been to of in on at for and or it its this that my our i we me "
                     "there here with has have had do does please can could would will".split())


def _stem(w: str) -> str:
    # Crude suffix stripping: enough for lights/light, leaking/leak, parked/park.
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def features(text: str) -> list[str]:
    """Feature strings of a normalised text (places masked out: numbers say nothing about the category)."""
    text = mask_places(text)
    out: list[str] = []
    run: list[str] = []
    for ch in text + " ":
        if is_cjk(ch):
            run.append(ch)
            continue
        if run:
            s = "".join(run)
            n = len(s)
            for i in range(n):
                out.append(s[i])
                if i + 1 < n:
                    out.append(s[i : i + 2])
                if i + 2 < n:
                    out.append(s[i : i + 3])
            run = []
    words = _EN_WORD.findall(text)
    prev = None
    for w in words:
        if w in _STOP_EN:
            prev = None
            continue
        st = _stem(w)
        out.append("w:" + w)
        if st != w:
            out.append("s:" + st)
        if prev:
            out.append("b:" + prev + "_" + st)
        prev = st
    return out
