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
        ordinary = vetoes.get("ordinary_smoke")
        self.present = PresentDanger(data.get("present") or {}, ordinary.rx if ordinary else None, words)

    def strong_present(self, text: str) -> list[FrameHit]:
        """Strong present-danger signals (see PresentDanger): urgent whatever any veto elsewhere says."""
        return self.present.detect(text)

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


# ---- the asymmetric rule: a strong present-danger signal outranks every veto but its own clause's ----------------
_SENTENCE_SPLIT = re.compile(r"[.!?;。！？；\n]+")


@dataclass(frozen=True)
class _Guard:
    name: str
    rx: re.Pattern
    unless_now: bool


@dataclass(frozen=True)
class _Composition:
    id: str
    category: str | None
    patterns: tuple[re.Pattern, ...]
    all_of: tuple[re.Pattern, ...]
    guards: tuple[str, ...]


# The category a hazard class speaks for when it alone made a message urgent.
_CLASS_CATEGORY = {"sewage": "water", "structure": "facilities"}


class PresentDanger:
    """Hazard classes × markers of the present, and compositions that carry their own present (danger.yaml `present`).
    `detect` reads a text clause by clause: a window is one clause or a clause with the next one in its sentence; a
    hit in any window counts, so a veto in some other clause (a past event, a habit, a cigarette, a bill) never
    cancels it. Only the guards found inside the same window can, and the past and habit guards only when no marker
    of now stands beside them."""

    def __init__(self, spec: dict, ordinary: re.Pattern | None, words: dict[str, list[str]] | None = None):
        words = words or {}

        def rx(items, where):
            return _compile("|".join(f"(?:{_expand(str(p), words, where)})" for p in items), where) if items else None

        self.markers = rx(spec.get("markers") or (), "present.markers")
        self.now_strong = rx(spec.get("now_strong") or (), "present.now_strong")
        self.classes: dict[str, tuple] = {}
        self.sources: dict[str, re.Pattern] = {}
        self.class_category = dict(_CLASS_CATEGORY)
        # classes a denial anywhere in the sentence speaks of ("是楼下烧烤 不是着火"): the fire and its smoke are one thing
        self.denied_in_sentence: set[str] = set()
        for name, c in (spec.get("classes") or {}).items():
            self.classes[name] = (rx(c.get("patterns") or (), f"present.classes.{name}"), str(c.get("ordinary", "none")),
                                  rx([c["residue"]], f"present.classes.{name}.residue") if c.get("residue") else None)
            if c.get("source"):
                # a named, deliberate burning anywhere in the sentence ("有人在河滩烧垃圾 烟飘过来") explains the smoke
                self.sources[name] = rx([c["source"]], f"present.classes.{name}.source")
            if c.get("category"):
                self.class_category[name] = str(c["category"])
            if c.get("denied_in_sentence"):
                self.denied_in_sentence.add(name)
        self.guards: dict[str, _Guard] = {}
        for name, g in (spec.get("guards") or {}).items():
            self.guards[name] = _Guard(name, rx(g.get("patterns") or (), f"present.guards.{name}"), g.get("unless") == "now_strong")
        comps = []
        for c in spec.get("compositions") or ():
            where = f"present.compositions.{c['id']}"
            unknown = [g for g in c.get("guards") or () if g not in self.guards]
            if unknown:
                raise ValueError(f"{where}: unknown guard {unknown}")
            comps.append(_Composition(str(c["id"]), c.get("category"),
                                      tuple(_compile(_expand(str(p), words, where), where) for p in c.get("patterns") or ()),
                                      tuple(_compile(_expand(str(p), words, where), where) for p in c.get("all") or ()),
                                      tuple(c.get("guards") or ())))
        self.compositions = comps
        self.ordinary = ordinary

    def _guarded(self, window: str, names, own: str | None = None) -> str | None:
        """The first guard that cancels a hit in `window`. A past or habit word in the hit's own clause (`own`) is
        overruled only by a marker of now in that same clause: "上个月着火那次 到现在都没换" is no fire now."""
        for name in names:
            g = self.guards.get(name)
            if g is None or g.rx is None or not g.rx.search(window):
                continue
            if g.unless_now and self.now_strong is not None:
                where = own if own is not None and g.rx.search(own) else window
                if self.now_strong.search(where):
                    continue
            return name
        return None

    @staticmethod
    def windows(text: str) -> list[tuple[str, str]]:
        """(window, its sentence) for every clause and every clause with its next one inside a sentence."""
        out = []
        for sm in re.finditer(r"[^.!?;。！？；\n]+", text):
            sent = sm.group(0)
            bounds, start = [], 0
            for m in _CLAUSE_END.finditer(sent):
                if m.start() > start:
                    bounds.append((start, m.start()))
                start = m.end()
            if start < len(sent):
                bounds.append((start, len(sent)))
            out += [(sent[s:e], sent) for s, e in bounds]
            out += [(sent[bounds[i][0]:bounds[i + 1][1]], sent) for i in range(len(bounds) - 1)]
            out += [(sent[bounds[i][0]:bounds[i + 2][1]], sent) for i in range(len(bounds) - 2)]
        return out

    def detect(self, text: str) -> list[FrameHit]:
        hits: list[FrameHit] = []
        seen: set[str] = set()
        all_guards = tuple(self.guards)
        for window, sentence in self.windows(text):
            if self.markers is None:
                break
            marker = self.markers.search(window)
            if marker:
                for name, (crx, ordinary, residue) in self.classes.items():
                    if name in seen or crx is None:
                        continue
                    m = crx.search(window)
                    if not m:
                        continue
                    own = self._clauses_of(window, m.start(), m.end())
                    if self._guarded(window, all_guards, own):
                        continue
                    if name in self.denied_in_sentence and self._guarded(sentence, ("no_fire",)):
                        continue  # "我下去看了 是烧烤 不是着火": the writer has looked, and it is no fire
                    if name in self.sources and self.sources[name].search(sentence):
                        continue
                    if residue is not None and residue.search(own) and self._guarded(sentence, ("settled", "past"), own):
                        continue  # a smell left over from a fire told as over in the same sentence
                    if self.ordinary is not None and ordinary != "none":
                        # a smell (residue) is judged by its sentence, visible smoke by its own window
                        smell = residue is not None and residue.search(own)
                        where = sentence if ordinary == "sentence" or smell else (
                            window if ordinary == "window" else self._clause_of(window, m.start()))
                        if self.ordinary.search(where):
                            continue  # the smoke of a cigarette or a barbecue, said of this very smoke
                    seen.add(name)
                    cat = self.class_category.get(name, "safety_hazard")
                    hits.append(FrameHit(f"present_{name}", cat, f"{m.group(0).strip()} + {marker.group(0).strip()}"))
            for comp in self.compositions:
                if comp.id in seen or not comp.patterns:
                    continue
                for prx in comp.patterns:
                    m = prx.search(window)
                    if m and not self._guarded(window, comp.guards, self._clauses_of(window, m.start(), m.end())):
                        seen.add(comp.id)
                        hits.append(FrameHit(comp.id, comp.category, m.group(0).strip()))
                        break
        for comp in self.compositions:
            if comp.id in seen or not comp.all_of:
                continue
            for sm in re.finditer(r"[^.!?;。！？；\n]+", text):
                sent = sm.group(0)
                ms = [p.search(sent) for p in comp.all_of]
                if all(ms) and not self._guarded(sent, comp.guards):
                    seen.add(comp.id)
                    hits.append(FrameHit(comp.id, comp.category, " + ".join(m.group(0).strip() for m in ms)))
                    break
        return hits

    @staticmethod
    def _clauses_of(window: str, start: int, end: int) -> str:
        """The clause or clauses a match spans."""
        s = max((m.end() for m in _CLAUSE_END.finditer(window, 0, start)), default=0)
        nxt = _CLAUSE_END.search(window, end)
        return window[s: nxt.start() if nxt else len(window)]

    @staticmethod
    def _clause_of(window: str, pos: int) -> str:
        s = max((m.end() for m in _CLAUSE_END.finditer(window, 0, pos)), default=0)
        nxt = _CLAUSE_END.search(window, pos)
        return window[s: nxt.start() if nxt else len(window)]
