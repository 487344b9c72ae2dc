"""The platform stays at the edge: aiogram is imported only under bot/channels/, directly or through anything else."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("bot", "handlers", "models", "scheduler")
EDGE = ROOT / "bot" / "channels"


def _sources() -> list[Path]:
    out = []
    for layer in LAYERS:
        out += [p for p in sorted((ROOT / layer).rglob("*.py")) if ".venv" not in p.parts]
    return out


def _aiogram_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(n == "aiogram" or n.startswith("aiogram.") for n in names):
            lines.append(node.lineno)
    return lines


def test_no_module_outside_the_channels_imports_aiogram():
    files = _sources()
    assert len(files) > 20  # the walk really found the code
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in files if EDGE not in p.parents
                 for n in _aiogram_imports(p)]
    assert offenders == []
    # the walk sees an import where there is one: the Telegram adapter itself
    assert _aiogram_imports(EDGE / "telegram.py")


def _modules() -> list[str]:
    mods = []
    for p in _sources():
        rel = p.relative_to(ROOT).with_suffix("")
        if EDGE in p.parents or "migrations" in rel.parts or rel.name == "__main__":
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        mods.append(".".join(parts))
    return mods


def test_importing_the_core_loads_no_aiogram_transitively():
    """A service importing the Telegram adapter (and so aiogram) would pass the text check; this one catches it."""
    mods = _modules()
    assert "bot.dispatch" in mods and "handlers.onboarding" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'aiogram' or m.startswith('aiogram.'))\n"
        "print('AIOGRAM' if bad else 'CLEAN')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip().endswith("CLEAN"), res.stdout[-500:]
