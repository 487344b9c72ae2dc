"""Every sentence lives in templates/, in every locale: a template or label used in code that is missing fails here."""
import re
from pathlib import Path

import pytest

from bot.render import Renderer
from bot.settings import LOCALES, ROOT

CODE_DIRS = ["bot", "handlers", "scheduler"]
TEMPLATE_RE = re.compile(r"""(?:Reply|reply|Refused|enqueue_reply)\(\s*f?["']([a-z_]+/[a-z_]+)["']""")
TEMPLATE_KW_RE = re.compile(r"""template=\s*["']([a-z_]+/[a-z_]+)["']""")
LABEL_RE = re.compile(r"""(?:Button\(\s*|label=\s*)["']([a-z_]+\.[a-z_0-9]+)["']""")


def _sources():
    for d in CODE_DIRS:
        yield from (ROOT / d).rglob("*.py")


def _used(pattern: re.Pattern) -> set[str]:
    found = set()
    for f in _sources():
        found |= set(pattern.findall(f.read_text(encoding="utf-8")))
    return found


def test_code_finds_templates_at_all():
    assert len(_used(TEMPLATE_RE)) > 30 and len(_used(LABEL_RE)) > 20


@pytest.mark.parametrize("locale", LOCALES)
def test_every_template_used_in_code_exists(locale):
    r = Renderer(ROOT / "templates", tz=None)
    missing = sorted(t for t in _used(TEMPLATE_RE) | _used(TEMPLATE_KW_RE) if not r.has_template(t, locale))
    assert not missing, f"missing in templates/{locale}: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_label_used_in_code_exists(locale):
    r = Renderer(ROOT / "templates", tz=None)
    missing = sorted(k for k in _used(LABEL_RE) if not r.has_label(k, locale))
    assert not missing, f"missing labels in templates/{locale}: {missing}"


def test_locales_have_the_same_templates_and_labels():
    r = Renderer(ROOT / "templates", tz=None)
    trees = {loc: {p.relative_to(ROOT / "templates" / loc).as_posix() for p in (ROOT / "templates" / loc).rglob("*.j2")}
             for loc in LOCALES}
    base = trees[LOCALES[0]]
    for loc in LOCALES[1:]:
        assert trees[loc] == base, f"{loc} differs: only zh {sorted(base - trees[loc])}, only {loc} {sorted(trees[loc] - base)}"
        assert r.label_keys(loc) == r.label_keys(LOCALES[0]), sorted(r.label_keys(loc) ^ r.label_keys(LOCALES[0]))


def test_telegram_rendering_escapes_what_residents_type():
    from zoneinfo import ZoneInfo

    from bot.core import Reply

    r = Renderer(ROOT / "templates", tz=ZoneInfo("Asia/Shanghai"))
    ctx = {"case": {"id": 7, "colour": "green", "category": "other", "text": "<script>&", "building": "6", "unit": None,
                    "room": None, "state": "assigned"}}
    html = r.render(Reply("cases/duplicate", ctx), "zh", html=True)[0].text
    plain = r.render(Reply("cases/duplicate", ctx), "zh", html=False)[0].text
    assert "&lt;script&gt;&amp;" in html and "<script>&" in plain


def test_long_texts_are_split_at_line_boundaries():
    from bot.render import split_text

    text = "\n".join(f"第{i}行 " + "字" * 50 for i in range(300))
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text


def test_template_text_never_holds_raw_html_brackets():
    """Telegram parses HTML: a literal '<code>' in a template's text would be taken for a tag and the send refused."""
    allowed = re.compile(r"(?!)")  # none: bold goes through the |bold filter, plain in the web chat
    bad = []
    for p in (ROOT / "templates").rglob("*.j2"):
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", p.read_text(encoding="utf-8"), flags=re.S)
        for m in re.finditer(r"<[^<>\n]*>?", text):
            if not allowed.fullmatch(m.group(0)):
                bad.append(f"{p.relative_to(ROOT)}: {m.group(0)}")
    assert not bad, bad


def test_a_line_ending_in_a_block_tag_keeps_its_line_break():
    """trim_blocks eats the newline after an inline {% endif %}: such lines must use inline expressions instead."""
    bad = []
    for p in (ROOT / "templates").rglob("*.j2"):
        lines = p.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines[:-1]):
            stripped = re.sub(r"\{%.*?%\}", "", line).strip()
            later_text = any(re.sub(r"\{%.*?%\}", "", x).strip() for x in lines[i + 1:])
            if stripped and later_text and re.search(r"\{%-?\s*(endif|endfor|else)\s*-?%\}\s*$", line):
                bad.append(f"{p.relative_to(ROOT)}:{i + 1}")  # "+%}" keeps the newline on purpose
    assert not bad, bad
