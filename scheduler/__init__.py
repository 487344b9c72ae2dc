"""APScheduler wiring: it only wakes the sweeps and runs the cron jobs; the database holds every due item."""
from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

if TYPE_CHECKING:
    from bot.app import App


def build_scheduler(app: "App") -> AsyncIOScheduler:
    from scheduler import jobs

    sched = AsyncIOScheduler(timezone=app.settings.tz)
    jobs.register(sched, app)
    return sched
