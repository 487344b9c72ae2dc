"""`gridbot parse`: JSON lines in, one JSON object per line out, in order; `--eval FILE.jsonl` scores the parser
against labelled lines (the contract of /work/shared/nlu/README.md) and lists the misses.

    python -m bot.services.nlu.cli < messages.jsonl
    python -m bot.services.nlu.cli --eval dev.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from typing import IO

from .core import parse
from .taxonomy import load_taxonomy

PLACE_FIELDS = ("building", "unit", "room")


def _parse_line(line: str, tax) -> dict:
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, ValueError) as exc:
        return {"error": f"not JSON: {exc.msg if hasattr(exc, 'msg') else exc}"}
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return {"error": "expected an object with a string field 'text'"}
    now = None
    if obj.get("now") is not None:
        try:
            now = datetime.fromisoformat(str(obj["now"]))
        except ValueError:
            return {"error": "'now' is not an ISO 8601 date-time"}
    try:
        return parse(obj["text"], now=now, locale=str(obj.get("locale") or "zh"), taxonomy=tax).to_json()
    except Exception as exc:  # parse is meant never to raise; if it does, one line fails, not the stream
        return {"error": f"internal error: {type(exc).__name__}"}


def run_stream(inp: IO[str], out: IO[str], tax) -> int:
    try:
        for line in inp:
            if not line.strip():
                continue
            out.write(json.dumps(_parse_line(line, tax), ensure_ascii=False) + "\n")
            out.flush()
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        return 0
    return 0


def _gold_categories(row: dict) -> list[str]:
    c = row.get("category")
    return [x for x in c] if isinstance(c, list) else ([c] if c else [])


def evaluate(rows: list[dict], tax=None) -> dict:
    """Scores of the contract, and the misses."""
    n_int = ok_int = 0
    cat_pairs: list[tuple[str, str]] = []
    tp = fn = fp = 0
    place_total = place_ok = 0
    hours_total = hours_ok = 0
    misses: list[str] = []
    for row in rows:
        now = datetime.fromisoformat(row["now"]) if row.get("now") else None
        r = parse(row["text"], now=now, taxonomy=tax)
        problems = []
        n_int += 1
        if r.intent == row["intent"]:
            ok_int += 1
        else:
            problems.append(f"intent {r.intent} != {row['intent']}")
        if row["intent"] == "report":
            gold = _gold_categories(row)
            pred = r.category or "none"
            if gold:
                cat_pairs.append((pred if pred in gold else gold[0], pred))
                if pred not in gold:
                    problems.append(f"category {pred} not in {gold}")
            gu = bool(row.get("urgent"))
            if gu and r.urgent:
                tp += 1
            elif gu:
                fn += 1
                problems.append("URGENT MISSED")
            elif r.urgent:
                fp += 1
                problems.append("urgent false alarm")
        for f in PLACE_FIELDS:
            g, p = row.get(f), getattr(r, f)
            if g is None and p is None:
                continue
            place_total += 1
            if g is not None and p is not None and str(g).upper() == str(p).upper():
                place_ok += 1
            else:
                problems.append(f"{f} {p!r} != {g!r}")
        if row["intent"] == "volunteer_claim" and (row.get("hours") is not None or r.hours is not None):
            hours_total += 1
            g, p = row.get("hours"), r.hours
            if g is not None and p is not None and abs(float(g) - float(p)) <= 0.01:
                hours_ok += 1
            else:
                problems.append(f"hours {p!r} != {g!r}")
        if problems:
            misses.append(f"{row['text'][:80]!r}: " + "; ".join(problems) + f" (conf {r.confidence:.2f})")
    labels = sorted({g for g, _ in cat_pairs} | {p for _, p in cat_pairs})
    f1s = []
    for lab in sorted({g for g, _ in cat_pairs}):
        t = sum(1 for g, p in cat_pairs if g == lab and p == lab)
        pp = sum(1 for _, p in cat_pairs if p == lab)
        gg = sum(1 for g, _ in cat_pairs if g == lab)
        prec = t / pp if pp else 0.0
        rec = t / gg if gg else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    del labels
    return {
        "lines": len(rows),
        "intent_accuracy": ok_int / n_int if n_int else None,
        "category_macro_f1": sum(f1s) / len(f1s) if f1s else None,
        "category_accuracy": (sum(1 for g, p in cat_pairs if g == p) / len(cat_pairs)) if cat_pairs else None,
        "urgent_recall": tp / (tp + fn) if tp + fn else None,
        "urgent_precision": tp / (tp + fp) if tp + fp else None,
        "place_exact": place_ok / place_total if place_total else None,
        "hours_exact": hours_ok / hours_total if hours_total else None,
        "counts": {"urgent_tp": tp, "urgent_fn": fn, "urgent_fp": fp, "place_fields": place_total,
                   "hours_lines": hours_total, "report_lines": len(cat_pairs)},
        "misses": misses,
    }


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second complaint at exit
        return 0


def _main(argv: list[str] | None) -> int:
    ap = argparse.ArgumentParser(prog="gridbot parse", description="Parse resident messages (JSON lines on stdin).")
    ap.add_argument("--eval", metavar="FILE.jsonl", help="score against a labelled JSONL file and list the misses")
    ap.add_argument("--taxonomy", help="taxonomy YAML (default: bot/defaults/taxonomy.yaml)")
    ap.add_argument("--override", help="community override YAML merged over the taxonomy")
    ap.add_argument("--json", action="store_true", help="with --eval: print the scores as one JSON object")
    args = ap.parse_args(argv)
    tax = load_taxonomy(args.taxonomy, args.override) if (args.taxonomy or args.override) else None
    if not args.eval:
        return run_stream(sys.stdin, sys.stdout, tax)
    rows = []
    with open(args.eval, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    print(f"line {i}: not JSON, skipped", file=sys.stderr)
    res = evaluate(rows, tax)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(f"lines                {res['lines']}")
    print(f"intent accuracy      {_fmt(res['intent_accuracy'])}")
    print(f"category macro-F1    {_fmt(res['category_macro_f1'])}  (accuracy {_fmt(res['category_accuracy'])}, "
          f"{res['counts']['report_lines']} report lines)")
    print(f"urgent recall        {_fmt(res['urgent_recall'])}")
    print(f"urgent precision     {_fmt(res['urgent_precision'])}")
    print(f"building/unit/room   {_fmt(res['place_exact'])}  ({res['counts']['place_fields']} fields)")
    print(f"hours within 0.01    {_fmt(res['hours_exact'])}  ({res['counts']['hours_lines']} lines)")
    print(f"misses               {len(res['misses'])}")
    for m in res["misses"]:
        print("  " + m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
