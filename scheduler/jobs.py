"""The time-driven jobs; each calls one service function and returns. Registered on the app's scheduler at start-up.

The database holds every due item: the sweep wakes every few seconds and fires what is due (claimed with row locks,
so several processes may run it); cron jobs only plan (digests) or run idempotent passes of other domains.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services import timekeeping
from scheduler import notices_jobs, points_jobs

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.app import App

log = logging.getLogger("gridbot.scheduler")


async def sweep(app: "App") -> None:
    await timekeeping.sweep(app)


async def plan_digests(app: "App") -> None:
    await timekeeping.plan_digests(app)


def _with_now(fn):
    """Other domains' jobs take (app, now): now comes from the app's clock, never from the scheduler."""
    async def job(app: "App") -> None:
        await fn(app, app.clock.now())
    job.__name__ = job.__qualname__ = fn.__name__  # how APScheduler names it in the logs
    return job


def register(sched: "AsyncIOScheduler", app: "App") -> None:
    tc = timekeeping.config(app.routing)
    tz = app.settings.tz
    started = datetime.now(tz)  # the scheduler's own wall time; services read app.clock
    common = {"args": [app], "max_instances": 1, "coalesce": True, "replace_existing": True}
    # wakes the sweep; what is due lives in the database, so a missed tick only makes the next one fire more
    sched.add_job(sweep, IntervalTrigger(seconds=tc.sweep_seconds), id="timekeeping.sweep", next_run_time=started,
                  misfire_grace_time=None, **common)
    # plans today's and tomorrow's digests (idempotent); at start-up too, so a restart misses none
    sched.add_job(plan_digests, CronTrigger(minute=0, timezone=tz), id="timekeeping.plan_digests",
                  next_run_time=started, misfire_grace_time=3600, **common)
    # volunteer points (scheduler/points_jobs.py): each pass is idempotent, so every process may run it
    sched.add_job(_with_now(points_jobs.remind_pending_claims), CronTrigger(minute=15, timezone=tz),
                  id="points.remind_pending_claims", misfire_grace_time=3600, **common)
    sched.add_job(_with_now(points_jobs.expire_vouchers), CronTrigger(minute="*/10", timezone=tz),
                  id="points.expire_vouchers", misfire_grace_time=600, **common)
    sched.add_job(_with_now(points_jobs.monthly_statements), CronTrigger(hour=9, minute=5, timezone=tz),
                  id="points.monthly_statements", misfire_grace_time=6 * 3600, **common)
    # notices (scheduler/notices_jobs.py): guarded passes, safe in every process; the sender itself runs with the app
    sched.add_job(_with_now(notices_jobs.release_scheduled), IntervalTrigger(seconds=30),
                  id="notices.release_scheduled", next_run_time=started, misfire_grace_time=None, **common)
    sched.add_job(_with_now(notices_jobs.care_sweep), IntervalTrigger(minutes=1),
                  id="notices.care_sweep", misfire_grace_time=None, **common)
    log.info("scheduler jobs registered", extra={"jobs": [j.id for j in sched.get_jobs()]})
