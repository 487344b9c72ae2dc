"""A background worker that runs passes while there is work and otherwise sleeps until woken (or a second
passes): the shape shared by the outbox's delivery loop and the notice sender."""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod

log = logging.getLogger("gridbot.loop")


class PassLoop(ABC):
    name = "loop"
    idle_wait_s = 1.0

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    @abstractmethod
    async def run_once(self) -> int:
        """One pass; returns how much it did (0: nothing was due)."""

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task:
            await asyncio.wait([self._task], timeout=10)
            if not self._task.done():
                self._task.cancel()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                n = await self.run_once()
            except Exception:
                log.exception("pass failed", extra={"loop": self.name})
                n = 0
            if n == 0:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_wait_s)
                except asyncio.TimeoutError:
                    pass

    async def drain(self, max_rounds: int = 1000) -> int:
        """Run passes until nothing is due (tests and the command line)."""
        total = 0
        for _ in range(max_rounds):
            n = await self.run_once()
            total += n
            if n == 0:
                break
        return total
