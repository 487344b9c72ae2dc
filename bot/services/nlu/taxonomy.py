"""The taxonomy as data: categories with keywords and routing hints, urgency cues, intent cues, volunteer activities.
Loaded from bot/defaults/taxonomy.yaml and points.yaml, merged with an optional community override file."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .danger import DangerRules

DEFAULTS = Path(__file__).resolve().parents[2] / "defaults"
TAXONOMY_PATH = DEFAULTS / "taxonomy.yaml"
POINTS_PATH = DEFAULTS / "points.yaml"
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Category:
    id: str
    names: dict[str, str]
    keywords: dict[str, tuple[str, ...]]
    department_hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Activity:
    id: str
    names: dict[str, tuple[str, ...]]
    points_per_hour: float | None = None
    points_per_event: float | None = None
    verify: str | None = None


@dataclass
class Taxonomy:
    categories: dict[str, Category]
    urgency_cues: list[re.Pattern]
    urgency_not_if: list[re.Pattern]
    urgency_always: list[str]
    intent_cues: dict[str, list[re.Pattern]]
    activities: list[Activity]
    source: tuple[str, ...] = ()
    # Compiled once per taxonomy: (category id, keyword, pattern) for the keyword stage.
    _kw: list[tuple[str, str, re.Pattern | None]] = field(default_factory=list, repr=False)
    _en_rx: re.Pattern | None = field(default=None, repr=False)
    _en_owner: dict[str, list[str]] = field(default_factory=dict, repr=False)
    # Compositional danger frames (bot/defaults/nlu/danger.yaml): parts of an emergency combined, with vetoes.
    danger: DangerRules | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        owner: dict[str, list[str]] = {}
        for cat, kw, rx in self._kw:
            if rx is not None:
                owner.setdefault(kw, []).append(cat)
        self._en_owner = owner
        if owner:
            alts = "|".join(re.escape(k) for k in sorted(owner, key=len, reverse=True))
            self._en_rx = re.compile(r"\b(" + alts + ")", re.ASCII)

    def category_ids(self) -> list[str]:
        return list(self.categories)

    def keyword_hits(self, text: str) -> dict[str, list[str]]:
        """Keywords of each category found in a normalised text (a longer keyword hides the shorter ones inside it)."""
        hits: dict[str, list[str]] = {}

        def add(cat: str, kw: str) -> None:
            found = hits.setdefault(cat, [])
            if not any(kw in other for other in found):
                found[:] = [other for other in found if other not in kw] + [kw]

        for cat, kw, _ in self._kw:
            if _ is None and kw in text:
                add(cat, kw)
        if self._en_rx is not None and any("a" <= ch <= "z" for ch in text):
            # One pass of one alternation over the text instead of one search per English keyword.
            for m in self._en_rx.finditer(text):
                for cat in self._en_owner.get(m.group(1), ()):
                    add(cat, m.group(1))
        return hits


def _as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _compile_all(patterns: list[str], where: str) -> list[re.Pattern]:
    out = []
    for p in patterns:
        try:
            out.append(re.compile(str(p), re.ASCII))
        except re.error as exc:  # a bad cue in a community file must not take the bot down
            raise ValueError(f"bad regular expression in {where}: {p!r}: {exc}") from exc
    return out


def _merge_category(base: dict | None, new: dict) -> dict:
    if base is None:
        return dict(new)
    merged = dict(base)
    for key, value in new.items():
        if key == "keywords":
            kws = {lang: list(_as_list(base.get("keywords", {}).get(lang))) for lang in LANGS}
            for lang, words in (value or {}).items():
                kws.setdefault(lang, [])
                kws[lang] += [w for w in _as_list(words) if w not in kws[lang]]
            merged["keywords"] = kws
        elif key == "remove_keywords":
            kws = merged.get("keywords", {})
            for lang, words in (value or {}).items():
                kws[lang] = [w for w in _as_list(kws.get(lang)) if w not in set(_as_list(words))]
        else:
            merged[key] = value
    return merged


def _merge_urgency(base: dict, new: dict) -> dict:
    """An override adds cues by default; `replace: true` replaces each section it names."""
    replace = bool(new.get("replace"))
    out = {k: {lang: list(_as_list(v)) for lang, v in (base.get(k) or {}).items()} for k in ("cues", "not_if", "always")}
    for section in ("cues", "not_if", "always"):
        for lang, items in (new.get(section) or {}).items():
            if replace:
                out[section][lang] = list(_as_list(items))
            else:
                out[section].setdefault(lang, [])
                out[section][lang] += [x for x in _as_list(items) if x not in out[section][lang]]
    return out


def _read_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _activities(points_path: Path) -> list[Activity]:
    if not points_path.exists():
        return []
    data = _read_yaml(points_path)  # other top-level sections (rules, caps, rewards) are not ours: ignored
    out = []
    for a in _as_list(data.get("activities")):
        if not isinstance(a, dict) or "id" not in a:
            continue
        names = {lang: tuple(str(n).lower() for n in _as_list((a.get("names") or {}).get(lang))) for lang in LANGS}
        out.append(Activity(str(a["id"]), names, a.get("points_per_hour"), a.get("points_per_event"), a.get("verify")))
    return out


def load_taxonomy(path: str | Path | None = None, override_path: str | Path | None = None,
                  points_path: str | Path | None = None, danger_path: str | Path | None = None) -> Taxonomy:
    """Read the taxonomy (default bot/defaults/taxonomy.yaml), merge a community override, compile the cues.

    The override file has the same shape: `categories:` entries add a new category or extend an existing one
    (keywords are added; `remove_keywords` drops some; other fields replace), `urgency:` adds cues
    (or replaces them with `replace: true`), `intents:` adds cues."""
    path = Path(path) if path else TAXONOMY_PATH
    data = _read_yaml(path)
    cats: dict[str, dict] = {}
    for c in _as_list(data.get("categories")):
        cats[str(c["id"])] = dict(c)
    urgency = _merge_urgency({}, data.get("urgency") or {})
    intents = {k: {lang: list(_as_list(v)) for lang, v in (d or {}).items()} for k, d in (data.get("intents") or {}).items()}
    sources = [str(path)]
    if override_path:
        over = _read_yaml(Path(override_path))
        sources.append(str(override_path))
        for c in _as_list(over.get("categories")):
            cid = str(c["id"])
            cats[cid] = _merge_category(cats.get(cid), c)
        urgency = _merge_urgency(urgency, over.get("urgency") or {})
        for k, d in (over.get("intents") or {}).items():
            for lang, v in (d or {}).items():
                intents.setdefault(k, {}).setdefault(lang, []).extend(_as_list(v))
    # "other" stays last: it is the fallback, not a peer.
    if "other" in cats:
        cats["other"] = cats.pop("other")

    categories: dict[str, Category] = {}
    kw_index: list[tuple[str, str, re.Pattern | None]] = []
    for cid, c in cats.items():
        kws = {lang: tuple(str(w).lower() for w in _as_list((c.get("keywords") or {}).get(lang))) for lang in LANGS}
        names = {lang: str(v) for lang, v in (c.get("names") or {}).items()}
        extra = {k: v for k, v in c.items() if k not in ("id", "names", "keywords", "department_hint", "remove_keywords")}
        categories[cid] = Category(cid, names, kws, c.get("department_hint"), extra)
        for w in kws.get("zh", ()):
            kw_index.append((cid, w, None))
        for w in kws.get("en", ()):
            kw_index.append((cid, w, re.compile(r"\b" + re.escape(w), re.ASCII)))

    cues = []
    for lang, items in urgency["cues"].items():
        cues += _compile_all(items, f"urgency.cues.{lang}")
    not_if = []
    for lang, items in urgency["not_if"].items():
        not_if += _compile_all(items, f"urgency.not_if.{lang}")
    always = [str(x).lower() for items in urgency["always"].values() for x in items]
    intent_cues = {k: [rx for lang, items in d.items() for rx in _compile_all(items, f"intents.{k}.{lang}")]
                   for k, d in intents.items()}
    acts = _activities(Path(points_path) if points_path else POINTS_PATH)
    return Taxonomy(categories, cues, not_if, always, intent_cues, acts, tuple(sources), kw_index,
                    danger=DangerRules.load(danger_path))
