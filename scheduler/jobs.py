"""The time-driven jobs; each calls one service function and returns. Registered on the app's scheduler at start-up.

The database holds every due item: the sweep wakes every few seconds, and when the next item falls due, and fires
what is due (claimed with row locks, so several processes may run it); cron jobs only plan (digests) or run
idempotent passes of other domains.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services import timekeeping
from scheduler import notices_jobs, points_jobs

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.app import App

log = logging.getLogger("gridbot.scheduler")


SWEEP = "timekeeping.sweep"
MIN_WAKE = timedelta(milliseconds=50)


async def sweep(app: "App", sched: "AsyncIOScheduler | None" = None) -> None:
    started = app.clock.now()
    await timekeeping.sweep(app)
    if sched is not None:
        await wake_when_due(sched, app, started)


async def wake_when_due(sched: "AsyncIOScheduler", app: "App", started: datetime) -> None:
    """The interval is only the longest wait: when the next pending item falls due before the next tick, the sweep
    is woken then (the item is read from the database, which holds the truth; an item added later by another
    process is found by the next tick). An item that was already due when this sweep started and is still pending
    (another process holds it, or it failed and waits to be tried again) is left to the interval, so it cannot
    make the sweep spin."""
    job = sched.get_job(SWEEP)
    if job is None or job.next_run_time is None:
        return
    due = await timekeeping.next_due(app, after=started)
    if due is None:
        return
    now = app.clock.now()  # due times are on the app's clock; the scheduler runs on the wall clock
    at = datetime.now(job.next_run_time.tzinfo) + max(due - now, MIN_WAKE)
    if at < job.next_run_time:
        job.modify(next_run_time=at)


async def plan_digests(app: "App") -> None:
    await timekeeping.plan_digests(app)


def _with_now(fn):
    """Other domains' jobs take (app, now): now comes from the app's clock, never from the scheduler."""
    async def job(app: "App") -> None:
        await fn(app, app.clock.now())
    job.__name__ = job.__qualname__ = fn.__name__  # how APScheduler names it in the logs
    return job


def add_sweep(sched: "AsyncIOScheduler", app: "App") -> None:
    """The timekeeping sweep: every few seconds, and sooner when the next item falls due (wake_when_due)."""
    tc = timekeeping.config(app.routing)
    # what is due lives in the database, so a missed tick only makes the next one fire more
    sched.add_job(sweep, IntervalTrigger(seconds=tc.sweep_seconds), id=SWEEP, args=[app, sched],
                  next_run_time=datetime.now(app.settings.tz), misfire_grace_time=None, max_instances=1,
                  coalesce=True, replace_existing=True)


def register(sched: "AsyncIOScheduler", app: "App") -> None:
    tz = app.settings.tz
    started = datetime.now(tz)  # the scheduler's own wall time; services read app.clock
    common = {"args": [app], "max_instances": 1, "coalesce": True, "replace_existing": True}
    add_sweep(sched, app)
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
