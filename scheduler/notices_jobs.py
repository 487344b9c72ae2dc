"""The notices' time-driven parts, for scheduler/jobs.py and bot/app.py to wire: the long-running sender (started
with the app), and two idempotent passes each taking (app, now): scheduled notices falling due, and the care list."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.services import notices

if TYPE_CHECKING:
    from bot.app import App


async def start_sender(app: "App") -> None:
    """In App.start(), after the outbox: the paced notice sender (sends only while this process holds the
    "delivery" lease, the outbox's, so the two share one pacer and one process per bot sends)."""
    await notices.sender(app).start()


async def stop_sender(app: "App") -> None:
    """In App.stop(), before the outbox stops."""
    s = getattr(app, "notices", None)
    if s is not None:
        await s.stop()


async def release_scheduled(app: "App", now: datetime) -> int:
    """Scheduled notices whose time has come get their delivery rows (a guarded update: once, in any process).
    The sender does this too on each pass; the job only makes it timely when the sender is idle."""
    n = await notices.release_due(app, now)
    if n:
        notices.sender(app).wake()
    return n


async def care_sweep(app: "App", now: datetime) -> int:
    """Urgent notices past their acknowledgement time: residents needing care who have not pressed "Got it" are
    listed to their grid worker, building by building (once per notice, through the outbox)."""
    return await notices.care_sweep(app, now)
