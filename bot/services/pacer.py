"""Pacing sends to a platform's limits: a global rate per bot and a minimum gap per chat.

One pacer per bot token across processes: only the process holding the delivery lease sends (see outbox.py),
so an in-process token bucket is enough. aiogram has no pacing of its own.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque


class Pacer:
    def __init__(self, rate_per_s: float, per_chat_gap_s: float = 1.0, group_gap_s: float = 3.0,
                 window_margin_s: float = 0.01):
        self.rate = max(rate_per_s, 0.1)
        # Telegram counts sends in a sliding second as they arrive: at exactly 1/rate apart, network jitter puts
        # rate+1 into some second and earns a 429 (retry_after >= 1 s). Any rate+1 sends span 1 s + this margin,
        # counted from when the earlier one was answered where the sender says so (landed).
        self.window_margin = window_margin_s
        self._sent: deque[float] = deque(maxlen=max(1, int(self.rate)))
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

    async def wait(self, chat_id: str, group: bool = False) -> float:
        """Sleep until this chat may be sent to; returns the send's stamp (see landed)."""
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0.0))
            self._next_slot = start + (1.0 + self.window_margin) / self.rate
            self._chat_next[chat_id] = start + (self.group_gap if group else self.per_chat_gap)
            if len(self._chat_next) > 50_000:
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        while True:
            now = time.monotonic()
            if self._paused_until > now:  # a 429 arrived while we slept: it holds every send
                await asyncio.sleep(self._paused_until - now)
                continue
            # the last `rate` sends as they really went (a late one must not squeeze the next second)
            if len(self._sent) == self._sent.maxlen and (gap := min(self._sent) + 1.0 + self.window_margin - now) > 0:
                await asyncio.sleep(gap)
                continue
            self._sent.append(now)
            return now

    def landed(self, stamp: float) -> None:
        """Optional: the send that wait() stamped has been answered. The platform got it at the latest now, so its
        second is counted from now: a slow request (a new connection, a stall) cannot crowd the next second."""
        for i in range(len(self._sent) - 1, -1, -1):
            if self._sent[i] == stamp:
                self._sent[i] = time.monotonic()
                return


class Unpaced(Pacer):
    """The local web chat has no platform limits."""

    def __init__(self) -> None:
        super().__init__(1e9, 0.0, 0.0)

    async def wait(self, chat_id: str, group: bool = False) -> float:
        return 0.0

    def landed(self, stamp: float) -> None:
        return None
