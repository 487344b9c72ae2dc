"""Deadlines at scale: 100,000 pending due items of which 1,000 are due. How long one sweep takes (claim, fire, write
the messages to the outbox, commit), how late items fire under the real scheduler loop, and peak memory.

    .venv/bin/python bench/deadlines.py [--pending 100000] [--due 1000] [--interval 5] [--postgres URL]

sweep_ms: one sweep_once() over the 1,000 due items (its cost follows what is due: the claim walks the (state, due_at)
index). claim_ms: the claim query alone. lateness: 1,000 more items fall due at random moments over 3 intervals
while APScheduler runs the sweep job as the bot does (scheduler/jobs.py: every --interval seconds, and woken when the
next item falls due); lateness = when the firing is seen committed (polled every 50 ms) - due time.
Last line: sweep_ms=… lateness_p99_s=… rss_mb=…
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED  # noqa: E402
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bot.app import App  # noqa: E402
from bot.services import timekeeping  # noqa: E402
from bot.settings import Settings  # noqa: E402
from models import Case, Person  # noqa: E402
from models.timekeeping import DueItem  # noqa: E402
from scheduler import jobs  # noqa: E402


def _rows(case_ids, due_fn, iso_due):
    return [dict(kind="remind", case_id=cid, due_at=due_fn(i), state="pending", attempts=0,
                 payload={"key": f"remind:resolve:0.5:{iso_due}", "clock": "resolve", "fraction": 0.5, "due": iso_due},
                 created_at=datetime.now(timezone.utc)) for i, cid in enumerate(case_ids)]


async def seed(app: App, n_cases: int, now: datetime) -> list[int]:
    async with app.sessionmaker() as s, s.begin():
        wang = await s.scalar(select(Person.id).where(Person.key == "res-wang"))
        wu = await s.scalar(select(Person.id).where(Person.key == "g2-wu"))
        far = now + timedelta(days=30)
        for k in range(0, n_cases, 5000):
            await s.execute(insert(Case), [dict(
                category="lighting", urgent=False, colour="green", state="accepted", text=f"楼道灯坏了 {i}",
                reporter_id=wang, assignee_id=wu, accept_due_at=now, resolve_due_at=far, reopen_count=0,
                escalation_level=0, supervised=False, parse={}, created_at=now, updated_at=now)
                for i in range(k, min(k + 5000, n_cases))])
        return list(await s.scalars(select(Case.id).order_by(Case.id)))


async def add_items(app: App, case_ids: list[int], due_fn, iso_due: str) -> None:
    async with app.sessionmaker() as s, s.begin():
        for k in range(0, len(case_ids), 5000):
            await s.execute(insert(DueItem), _rows(case_ids[k:k + 5000], lambda i, k=k: due_fn(k + i), iso_due))


async def main(db_url: str, pending: int, due: int, interval: float) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="gridbot-deadlines-"))
    settings = Settings(_env_file=None, database_url=db_url, data_dir=tmp, demo=True, web_enabled=False,
                        instance_id="bench")
    app = App(settings)
    await app.prepare()
    now = app.clock.now()
    iso_due = (now + timedelta(days=30)).isoformat(timespec="seconds")
    # pending items point at 25,000 cases (four each, as a case has reminders, a breach, a follow-up…)
    n_cases = max(pending // 4, due * 2)
    t0 = time.perf_counter()
    cases = await seed(app, n_cases, now)
    future = [cases[i % len(cases)] for i in range(pending)]
    await add_items(app, future, lambda i: now + timedelta(hours=1 + i % 5000), iso_due)
    # the configuration (routing.yaml, the calendar) is parsed once, when the scheduler registers its jobs
    # (scheduler/jobs.py), and a running process has swept before (every few seconds since it started): its
    # statements are compiled and cached. One earlier sweep over a few items stands for those, so the sweep measured
    # is the bot's steady state, not a process's first.
    timekeeping.config(app.routing)
    warm = cases[2 * due:2 * due + 10]
    await add_items(app, warm, lambda i: now - timedelta(seconds=120), iso_due)
    first = await timekeeping.sweep_once(app, limit=due)
    assert first.fired == len(warm), first
    due_cases = cases[:due]
    await add_items(app, due_cases, lambda i: now - timedelta(seconds=1 + i % 60), iso_due)
    print(f"seeded {pending:,} pending + {due:,} due on {len(cases):,} cases in {time.perf_counter() - t0:.1f}s "
          f"(a first sweep over {len(warm)}: {first.ms:.1f} ms)", file=sys.stderr)

    # the claim alone: what a sweep pays before firing anything
    async with app.sessionmaker() as s, s.begin():
        t = time.perf_counter()
        got = list(await s.scalars(select(DueItem.id).where(DueItem.state == "pending", DueItem.due_at <= now)
                                   .order_by(DueItem.due_at, DueItem.id).limit(due).with_for_update(skip_locked=True)))
        claim_ms = (time.perf_counter() - t) * 1000
        await s.rollback()
    assert len(got) == due, len(got)
    gc.collect()  # the sweep measured does not pay for collecting the seeding's garbage (GC stays on)
    st = await timekeeping.sweep_once(app, limit=due)
    assert st.fired == due, st
    sweep_ms = st.ms
    empty = await timekeeping.sweep_once(app, limit=due)
    print(f"one sweep over {due:,} due items: {sweep_ms:.1f} ms (claim {claim_ms:.1f} ms); "
          f"an idle sweep over {pending:,} pending: {empty.ms:.1f} ms", file=sys.stderr)
    print("  by phase: " + ", ".join(f"{k} {v:.1f} ms" for k, v in st.phases.items()), file=sys.stderr)

    # lateness under the real scheduler wiring (scheduler/jobs.py: the sweep every --interval seconds, and woken when
    # the next item falls due): 1,000 more items, planned ahead as a case's items are, fall due at random moments
    # over three intervals. Lateness = the moment the firing is seen committed (polled every 50 ms, so up to 50 ms
    # is the poll's own) - the due time: what a delivery loop could send from.
    start = app.clock.now()
    window = 3 * interval
    offsets = sorted(random.uniform(1, 1 + window) for _ in range(due))
    late_cases = cases[due:2 * due]
    await add_items(app, late_cases, lambda i: start + timedelta(seconds=offsets[i]), iso_due)
    async with app.sessionmaker() as s:
        late_ids = list(await s.scalars(select(DueItem.id).where(DueItem.case_id.in_(late_cases),
                                                                 DueItem.state == "pending")))
    tc = timekeeping.config(app.routing)
    tc.sweep_seconds = interval
    sched = AsyncIOScheduler(timezone=app.settings.tz)
    jobs.add_sweep(sched, app)
    seen: dict[int, float] = {}
    running = [0]  # sweeps in flight: the scheduler is stopped between them, not in the middle of one
    sched.add_listener(lambda e: running.__setitem__(0, running[0] + 1), EVENT_JOB_SUBMITTED)
    sched.add_listener(lambda e: running.__setitem__(0, running[0] - 1), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    sched.start()
    try:
        deadline = time.perf_counter() + 1 + window + 3 * interval
        while time.perf_counter() < deadline and len(seen) < due:
            await asyncio.sleep(0.05)
            async with app.sessionmaker() as s:
                got = (await s.execute(select(DueItem.id, DueItem.due_at).where(
                    DueItem.id.in_(late_ids), DueItem.state == "done"))).all()
            at = app.clock.now()
            for i, d in got:
                if i not in seen:
                    seen[i] = (at - d).total_seconds()
    finally:
        sched.pause()
        while running[0]:
            await asyncio.sleep(0.01)
        sched.shutdown(wait=False)
    lateness = list(seen.values())
    assert len(lateness) == due, f"only {len(lateness)} of {due} fired"
    lateness.sort()
    p99 = lateness[int(len(lateness) * 0.99) - 1]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"lateness over a {interval:g}s sweep interval: p50 {lateness[len(lateness) // 2]:.2f}s, p99 {p99:.2f}s, "
          f"max {lateness[-1]:.2f}s (target: p99 <= 2 s)", file=sys.stderr)
    await app.stop()
    return f"sweep_ms={sweep_ms:.1f} lateness_p99_s={p99:.2f} rss_mb={rss_mb:.0f}"


async def with_postgres(url: str, *a) -> str:
    from sqlalchemy.ext.asyncio import create_async_engine

    name = f"gridbot_deadlines_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as c:
        await c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        return await main(url.rsplit("/", 1)[0] + "/" + name, *a)
    finally:
        async with admin.connect() as c:
            await c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--pending", type=int, default=100_000)
    ap.add_argument("--due", type=int, default=1_000)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--postgres", default="")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.postgres:
        line = asyncio.run(with_postgres(args.postgres, args.pending, args.due, args.interval))
    else:
        tmpdb = Path(tempfile.mkdtemp(prefix="gridbot-deadlines-db-")) / "bench.sqlite3"
        line = asyncio.run(main(f"sqlite+aiosqlite:///{tmpdb}", args.pending, args.due, args.interval))
    print(line)
