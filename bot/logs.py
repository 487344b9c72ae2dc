"""Structured logs for operators: one JSON object a line, phone numbers masked before anything is written."""
from __future__ import annotations

import json
import logging
import re
import sys

PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)|(?<!\d)(\+?\d{2,3}[ -]?)?(\d{3})[ -]?\d{3,4}[ -]?(\d{4})(?!\d)")
_STD = set(vars(logging.makeLogRecord({})))


def mask(text: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1):
            return f"{m.group(1)}****{m.group(2)}"
        return f"{m.group(4)}****{m.group(5)}"
    return PHONE.sub(sub, text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"t": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
               "logger": record.name, "msg": record.getMessage()}
        for k, v in vars(record).items():
            if k not in _STD and not k.startswith("_"):
                out[k] = v if isinstance(v, (int, float, bool)) or v is None else str(v)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return mask(json.dumps(out, ensure_ascii=False))


def setup(level: str = "INFO") -> None:
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [h]
    root.setLevel(level)
    for noisy in ("aiohttp.access", "apscheduler.executors.default", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
