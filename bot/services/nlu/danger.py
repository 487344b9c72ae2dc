"""Compositional danger detection: frames read from bot/defaults/nlu/danger.yaml combine parts of a danger report
(someone × a state, a hazard × immediacy, a weapon × a person, ...) instead of listing whole phrases, and are vetoed
by talk about the past, a settled matter, a risk, a routine chore or an ordinary smoke. Pure data: the module only
expands the named word lists into regular expressions and applies the vetoes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DANGER_PATH = Path(__file__).resolve().parents[2] / "defaults" / "nlu" / "danger.yaml"
_NAME = re.compile(r"\{([a-z_]+)\}")
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：、\n]|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")
# An immediacy marker in the clause outweighs a past-time word ("fell yesterday and still can't get up").
_STILL = re.compile(r"\b(still|now|right now|at the moment|at this moment)\b|还在|还是|现在|一直|仍然|到现在|依然|此刻", re.ASCII)


@dataclass(frozen=True)
class Veto:
    name: str
    scope: str  # "clause" or "sentence"
    rx: re.Pattern


@dataclass(frozen=True)
class Frame:
    id: str
    category: str | None
    patterns: tuple[re.Pattern, ...]
    all_of: tuple[re.Pattern, ...]
    need: tuple[re.Pattern, ...]
    vetoes: tuple[Veto, ...]


@dataclass(frozen=True)
class FrameHit:
    frame: str
    category: str | None
    text: str


def _alternation(items: list[str], wrap_ascii: bool) -> str:
    parts = []
    for w in sorted((str(x) for x in items), key=len, reverse=True):
        if wrap_ascii and w[:1].isascii() and w[:1].isalpha():
            parts.append(r"\b(?:" + w + r")\b")
        else:
            parts.append(w)
    return "|".join(parts)


def _expand(template: str, words: dict[str, list[str]], where: str) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in words:
            raise ValueError(f"{where}: unknown word list {{{name}}}")
        return "(?:" + _alternation(words[name], False) + ")"

    return _NAME.sub(sub, template)


def _compile(p: str, where: str) -> re.Pattern:
    try:
        return re.compile(p, re.ASCII)
    except re.error as exc:
        raise ValueError(f"bad regular expression in {where}: {p!r}: {exc}") from exc


class DangerRules:
    def __init__(self, data: dict):
        words = {k: list(v) for k, v in (data.get("words") or {}).items()}
        vetoes: dict[str, Veto] = {}
        for name, spec in (data.get("vetoes") or {}).items():
            alts = []
            for wl in spec.get("words") or ():
                if wl not in words:
                    raise ValueError(f"vetoes.{name}: unknown word list {wl}")
                alts.append(_alternation(words[wl], True))
            for p in spec.get("patterns") or ():
                alts.append(_expand(str(p), words, f"vetoes.{name}"))
            vetoes[name] = Veto(name, str(spec.get("scope", "clause")), _compile("|".join(alts), f"vetoes.{name}"))
        frames = []
        for f in data.get("frames") or ():
            fid = str(f["id"])
            where = f"frames.{fid}"
            pats = tuple(_compile(_expand(str(p), words, where), where) for p in f.get("patterns") or ())
            all_of = tuple(_compile(_expand(str(p), words, where), where) for p in f.get("all") or ())
            need = tuple(_compile(_expand(str(p), words, where), where) for p in f.get("need") or ())
            unknown = [v for v in f.get("veto") or () if v not in vetoes]
            if unknown:
                raise ValueError(f"{where}: unknown veto {unknown}")
            frames.append(Frame(fid, f.get("category"), pats, all_of, need,
                                tuple(vetoes[v] for v in f.get("veto") or ())))
        self.frames = frames
        self.vetoes = vetoes

    def sentence(self, text: str, start: int, end: int) -> str:
        return self._span(text, start, end, _SENTENCE_END)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "DangerRules":
        p = Path(path) if path else DANGER_PATH
        if not p.exists():
            return cls({})
        with open(p, encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh) or {})

    @staticmethod
    def _span(text: str, start: int, end: int, rx: re.Pattern) -> str:
        s = max((m.end() for m in rx.finditer(text, 0, start)), default=0)
        nxt = rx.search(text, end)
        return text[s : nxt.start() if nxt else len(text)]

    def _vetoed(self, frame: Frame, text: str, start: int, end: int) -> bool:
        clause = sentence = None
        for v in frame.vetoes:
            if v.scope == "sentence":
                if sentence is None:
                    sentence = self._span(text, start, end, _SENTENCE_END)
                where = sentence
            else:
                if clause is None:
                    clause = self._span(text, start, end, _CLAUSE_END)
                where = clause
            if v.rx.search(where):
                if v.name == "past" and _STILL.search(where):
                    continue
                return True
        return False

    def detect(self, text: str) -> list[FrameHit]:
        """The frames that fire on a normalised text, each once, with the words that made it fire."""
        hits: list[FrameHit] = []
        sentences = None
        for fr in self.frames:
            if fr.need and not all(n.search(text) for n in fr.need):
                continue
            found = None
            for rx in fr.patterns:
                for m in rx.finditer(text):
                    if not self._vetoed(fr, text, m.start(), m.end()):
                        found = m.group(0)
                        break
                if found:
                    break
            if found is None and fr.all_of:
                if sentences is None:
                    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.!?;。！？；\n]+", text)]
                for s, e in sentences:
                    chunk = text[s:e]
                    ms = [rx.search(chunk) for rx in fr.all_of]
                    if all(ms) and not self._vetoed(fr, text, s, e):
                        found = " + ".join(m.group(0) for m in ms)
                        break
            if found:
                hits.append(FrameHit(fr.id, fr.category, found.strip()))
        return hits
