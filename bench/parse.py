"""Speed of the plain-language parser: per-message latency after warm-up (p50, p99) and cold start
(a fresh interpreter that imports bot.services.nlu and parses one message). Last line: p50_ms=… p99_ms=… cold_s=…

    .venv/bin/python bench/parse.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def messages() -> list[str]:
    with open(ROOT / "bot" / "defaults" / "nlu" / "paraphrases.jsonl", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    # The worst cases a resident can send: long pastes, markup, emoji, digits, mixed scripts.
    texts += ["楼道灯坏了" * 2000, "<b>停水了</b> **快来**", "😀" * 500, "1234567890" * 100,
              "3号楼 lights broken 好几天了", "樓道燈壞了，請儘快處理", "x" * 10000]
    return texts


def cold_start() -> float:
    code = "from bot.services.nlu import parse; parse('3号楼2单元楼道灯坏了好几天了')"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    cold_start()  # let the interpreter write its bytecode cache first, as an installed package would have
    cold = min(cold_start() for _ in range(3))

    from bot.services.nlu import parse

    texts = messages()
    for t in texts:  # warm-up: load the taxonomy and the model
        parse(t)
    times = []
    for _ in range(args.rounds):
        for t in texts:
            t0 = time.perf_counter()
            parse(t)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"messages={len(texts)} parses={len(times)} max_ms={times[-1]:.2f}")
    print(f"p50_ms={p50:.2f} p99_ms={p99:.2f} cold_s={cold:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
