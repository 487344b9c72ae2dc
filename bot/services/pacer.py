"""Pacing sends to a platform's limits: a global rate per bot and a minimum gap per chat.

One pacer per bot token across processes: only the process holding the delivery lease sends (see outbox.py),
so an in-process token bucket is enough. aiogram has no pacing of its own.
"""
from __future__ import annotations

import asyncio
import time


class Pacer:
    def __init__(self, rate_per_s: float, per_chat_gap_s: float = 1.0, group_gap_s: float = 3.0):
        self.rate = max(rate_per_s, 0.1)
        self.per_chat_gap = per_chat_gap_s
        self.group_gap = group_gap_s  # 20 messages a minute to one group
        self._next_slot = 0.0
        self._chat_next: dict[str, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """A 429 with retry_after: every send waits (Telegram's limit is per bot, not per chat)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def chat_ready_in(self, chat_id: str) -> float:
        return max(0.0, self._chat_next.get(chat_id, 0.0) - time.monotonic())

    async def wait(self, chat_id: str, group: bool = False) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0.0))
            self._next_slot = start + 1.0 / self.rate
            self._chat_next[chat_id] = start + (self.group_gap if group else self.per_chat_gap)
            if len(self._chat_next) > 50_000:
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


class Unpaced(Pacer):
    """The local web chat has no platform limits."""

    def __init__(self) -> None:
        super().__init__(1e9, 0.0, 0.0)

    async def wait(self, chat_id: str, group: bool = False) -> None:
        return None
