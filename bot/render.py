"""Rendering: a Reply becomes text in the person's locale, HTML-escaped for Telegram or plain for the web chat.

Templates live in templates/<locale>/<domain>/<event>.j2; short labels (buttons, names of states and
categories) in templates/<locale>/<domain>/labels.yaml, referred to as "<domain>.<key>".
Long texts are split here, never by handlers.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from markupsafe import Markup, escape

from bot.core import Button, Rendered, Reply
from bot.settings import LOCALES

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTON_BYTES = 64
COLOUR_MARK = {"red": "🔴", "yellow": "🟡", "green": "🟢"}


def mask_phone(phone: str | None) -> str:
    """138****5678: enough for a person to recognise their own number, useless to anyone else."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class _Environment(Environment):
    """Template contexts are dicts (case views, outbox contexts read back from JSON), and templates write `case.id`:
    Jinja tries the attribute first and reaches the key through an AttributeError, several dozen times per message.
    A dict's key is looked up first here; anything else, and a missing key, goes Jinja's own way."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._loaded: dict[str, Any] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def _load_template(self, name: str, globals: Any) -> Any:
        """Templates are read once per process (auto_reload is off): a plain dict, without the LRU cache's lock and
        bookkeeping on every render and every include."""
        if globals:
            return super()._load_template(name, globals)
        found = self._loaded.get(name)
        if found is None:
            found = self._loaded[name] = super()._load_template(name, None)
        return found


class Renderer:
    def __init__(self, templates_dir: Path, tz: ZoneInfo, default_locale: str = "zh"):
        self.dir = Path(templates_dir)
        self.tz = tz
        self.default_locale = default_locale
        self._labels: dict[str, dict[str, dict]] = {}
        self._envs: dict[tuple[str, bool], Environment] = {}
        self._compiled: dict[tuple[str, bool, str], Any] = {}
        self.category_names: dict[str, dict[str, str]] = {}  # from the taxonomy (data a community extends)
        for loc in LOCALES:
            self._labels[loc] = self._load_labels(loc)

    # -- labels ---------------------------------------------------------------
    def _load_labels(self, locale: str) -> dict[str, dict]:
        out: dict[str, dict] = {}
        base = self.dir / locale
        for f in sorted(base.glob("*/labels.yaml")):
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            out[f.parent.name] = data
        return out

    def label_keys(self, locale: str) -> set[str]:
        return {f"{d}.{k}" for d, kv in self._labels[locale].items() for k in kv}

    def has_label(self, key: str, locale: str) -> bool:
        domain, _, name = key.partition(".")
        return name in self._labels.get(locale, {}).get(domain, {})

    def label(self, key: str, locale: str, html: bool = False, **ctx: Any) -> str:
        domain, _, name = key.partition(".")
        try:
            raw = self._labels[locale][domain][name]
        except KeyError:
            raise KeyError(f"label {key!r} missing in locale {locale!r}") from None
        if "{{" in raw or "{%" in raw:
            tpl = self._compiled.get((locale, html, key))
            if tpl is None:  # compiling costs far more than rendering: once per label
                tpl = self._compiled[(locale, html, key)] = self.env(locale, html).from_string(raw)
            return tpl.render(**ctx)
        return str(escape(raw)) if html else raw

    # -- environment -----------------------------------------------------------
    def env(self, locale: str, html: bool) -> Environment:
        key = (locale, html)
        env = self._envs.get(key)
        if env is None:
            env = _Environment(
                loader=FileSystemLoader(str(self.dir / locale)),
                autoescape=html,
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
                auto_reload=False,  # templates are read once per process: no stat() per render and per include
            )
            env.globals["label"] = lambda k, **c: self._label_markup(k, locale, html, **c)
            env.globals["colour_mark"] = lambda c: COLOUR_MARK.get(c, "⚪")
            env.globals["category"] = lambda c: self.category_names.get(c, {}).get(locale) or c
            env.filters["when"] = lambda d, fmt="%Y-%m-%d %H:%M": self.local(d).strftime(fmt) if d else ""
            env.filters["mask_phone"] = mask_phone
            env.filters["case_no"] = lambda n: f"#{n}"
            # bold in Telegram's HTML, plain in the web chat
            env.filters["bold"] = (lambda t: Markup("<b>%s</b>") % t) if html else (lambda t: t)
            self._envs[key] = env
        return env

    def _label_markup(self, key: str, locale: str, html: bool, **ctx: Any):
        text = self.label(key, locale, html, **ctx)
        return Markup(text) if html else text

    def local(self, d: datetime) -> datetime:
        return d.astimezone(self.tz)

    def help_sections(self) -> list[str]:
        """Each domain may add templates/<locale>/<domain>/help.j2; /help shows them all, in name order."""
        return sorted(f"{p.parent.name}/help.j2" for p in (self.dir / self.default_locale).glob("*/help.j2"))

    def has_template(self, name: str, locale: str) -> bool:
        return (self.dir / locale / f"{name}.j2").is_file()

    # -- rendering -------------------------------------------------------------
    def text(self, template: str, context: dict[str, Any], locale: str, html: bool = False) -> str:
        locale = locale if locale in LOCALES else self.default_locale
        try:
            tpl = self.env(locale, html).get_template(f"{template}.j2")
        except TemplateNotFound:
            raise KeyError(f"template {template!r} missing in locale {locale!r}") from None
        return tpl.render(**context).strip()

    def buttons(self, rows: list[list[Button]], locale: str) -> list[list[tuple[str, str | None, str | None]]]:
        out = []
        for row in rows:
            r = []
            for b in row:
                if b.data is not None and len(b.data.encode()) > MAX_BUTTON_BYTES:
                    raise ValueError(f"button payload over {MAX_BUTTON_BYTES} bytes: {b.data!r}")
                r.append((self.label(b.label, locale, False, **b.ctx), b.data, b.url))
            if r:
                out.append(r)
        return out

    def render(self, reply: Reply, locale: str, html: bool) -> list[Rendered]:
        """One Reply -> one or more platform-sized messages; buttons ride on the last one."""
        text = self.text(reply.template, reply.context, locale, html)
        buttons = self.buttons(reply.buttons, locale)
        if reply.photo is not None:
            if len(text) <= MAX_CAPTION:
                return [Rendered(text=text, buttons=buttons, photo=reply.photo, html=html)]
            first = Rendered(text="", photo=reply.photo, html=html)
            return [first] + [Rendered(text=t, html=html) for t in split_text(text)[:-1]] + [
                Rendered(text=split_text(text)[-1], buttons=buttons, html=html)
            ]
        parts = split_text(text)
        out = [Rendered(text=t, html=html) for t in parts]
        out[-1].buttons = buttons
        return out


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at paragraph, then line, then hard boundaries; templates keep HTML tags within a line."""
    if len(text) <= limit:
        return [text or "…"]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = limit
            # never cut inside an HTML entity such as &amp;
            amp = rest.rfind("&", cut - 8, cut)
            if amp != -1 and ";" not in rest[amp:cut]:
                cut = amp
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest:
        parts.append(rest)
    return parts
