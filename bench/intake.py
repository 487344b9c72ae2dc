"""Throughput of the full stack, in one process: plain-language reports filed per second (dispatch, parse, database,
outbox), button presses handled per second (a worker accepting cases: load, authorise, transition, event, outbox),
and a bare aiogram handler fed the same kind of updates in-process, for scale.

    .venv/bin/python bench/intake.py [--reports 400] [--presses 1000] [--rounds 3] [--postgres URL]

Presses and the bare handler are timed in alternating rounds (a round of presses, then a round of the bare handler,
and again), and each figure is the median of its rounds: a machine that slows down for a while slows both, so the
ratio compares like with like.

Last line: reports_per_s=… presses_per_s=… echo_per_s=… ratio=…  (SQLite, the embedded default)
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bot.app import App, tune_gc  # noqa: E402
from bot.channels.web import WebChannel  # noqa: E402
from bot.settings import Settings  # noqa: E402
from models import Case, ChatIdentity  # noqa: E402

TEXTS = [
    "{b}号楼{u}单元楼道灯坏了好几天了", "{b}号楼门口垃圾桶满了没人清运", "{b}栋楼上装修噪音太大了",
    "{b}号楼单元门的闭门器坏了", "{b}号楼下水道反味", "{b}号楼前的树枝挡住路灯了",
]


async def full_stack(db_url: str, n_reports: int, n_presses: int, rounds: int, echo) -> tuple[float, float, float]:
    tmp = Path(tempfile.mkdtemp(prefix="gridbot-bench-"))
    settings = Settings(_env_file=None, database_url=db_url, data_dir=tmp, demo=True, web_enabled=False,
                        instance_id="bench")
    app = App(settings)
    await app.prepare()
    web = WebChannel(app)
    app.add_channel(web)
    tune_gc()  # as `gridbot run` does once started
    residents = ["wang", "zhang", "amy"]

    # warm-up: the parser's model, the statement caches
    await web.say("wang", "6号楼楼道灯坏了")
    await web.press("wang", 0, "c1:dno")

    gc.collect()  # each timed phase starts without an earlier phase's garbage to collect (GC stays on)
    t0 = time.perf_counter()
    for i in range(n_reports):
        chat = residents[i % len(residents)]
        text = TEXTS[i % len(TEXTS)].format(b=1 + i % 11, u=1 + i % 2)
        await web.say(chat, text)
        await web.press(chat, 0, "c1:dsub")
        await web.press(chat, 0, "c1:dsub")  # a likely duplicate asks once more; a second press files it anyway
    reports_s = n_reports / (time.perf_counter() - t0)

    # presses: fill queues, then each assignee accepts each of its cases (a fresh set of cases for every round)
    need = n_presses * rounds
    while True:
        async with app.sessionmaker() as s:
            n = len(list(await s.scalars(select(Case.id).where(Case.state == "assigned"))))
        if n >= need:
            break
        for i in range(min(200, need - n)):
            await web.say("wang", TEXTS[i % len(TEXTS)].format(b=1 + i % 11, u=1))
            await web.press("wang", 0, "c1:dsub")
            await web.press("wang", 0, "c1:dsub")
    async with app.sessionmaker() as s:
        rows = (await s.execute(select(Case.id, ChatIdentity.chat_id)
                                .join(ChatIdentity, ChatIdentity.person_id == Case.assignee_id)
                                .where(Case.state == "assigned", ChatIdentity.platform == "web")
                                .order_by(Case.id).limit(need))).all()
    presses, echoes = [], []
    for r in range(rounds):
        batch = rows[r * n_presses:(r + 1) * n_presses]
        gc.collect()
        t0 = time.perf_counter()
        for cid, chat in batch:
            await web.press(chat, 0, f"c1:acc:{cid}")
        presses.append(len(batch) / (time.perf_counter() - t0))
        echoes.append(await echo())
        print(f"  [{db_url.split(':', 1)[0]}] round {r + 1}: presses_per_s={presses[-1]:.0f} echo_per_s={echoes[-1]:.0f}",
              flush=True)
    async with app.sessionmaker() as s:
        accepted = len(list(await s.scalars(select(Case.id).where(Case.state == "accepted"))))
    assert accepted >= len(rows), f"only {accepted} of {len(rows)} presses took effect"
    await app.stop()
    return reports_s, statistics.median(presses), statistics.median(echoes)


async def bare_aiogram(n: int):
    """A bare aiogram callback handler, fed callback-query updates (as JSON, like polling gets them) in-process.
    Returns a coroutine function that times one round of n updates."""
    from aiogram import Bot, Dispatcher, F
    from aiogram.types import CallbackQuery

    bot = Bot("123456:BENCH")
    dp = Dispatcher()
    seen = 0

    @dp.callback_query(F.data.startswith("c1:acc:"))
    async def on_press(cb: CallbackQuery) -> None:
        nonlocal seen
        seen += int(cb.data.rsplit(":", 1)[1]) >= 0

    def update(i: int) -> dict:
        user = {"id": 1000 + i % 50, "is_bot": False, "first_name": "W", "language_code": "zh-hans"}
        return {"update_id": i, "callback_query": {
            "id": str(i), "from": user, "chat_instance": "ci", "data": f"c1:acc:{i}",
            "message": {"message_id": i, "date": 1700000000, "chat": {"id": user["id"], "type": "private"},
                        "from": {"id": 1, "is_bot": True, "first_name": "Gridbot"}, "text": "case"}}}

    for i in range(200):
        await dp.feed_raw_update(bot, update(i))

    async def one_round() -> float:
        nonlocal seen
        seen = 0
        gc.collect()
        t0 = time.perf_counter()
        for i in range(n):
            await dp.feed_raw_update(bot, update(i))
        rate = n / (time.perf_counter() - t0)
        assert seen == n
        return rate

    return one_round, bot.session.close


async def pg_database(admin_url: str) -> tuple[str, callable]:
    from sqlalchemy.ext.asyncio import create_async_engine

    name = f"gridbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as c:
        await c.exec_driver_sql(f'CREATE DATABASE "{name}"')

    async def drop():
        async with admin.connect() as c:
            await c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()

    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=400)
    ap.add_argument("--presses", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--postgres", default=os.environ.get("GRIDBOT_TEST_POSTGRES_URL",
                                                         "postgresql+asyncpg://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    echo, close_echo = await bare_aiogram(max(args.presses, 2000))
    results = {}
    if args.postgres:
        url, drop = await pg_database(args.postgres)
        try:
            results["postgresql"] = await full_stack(url, args.reports, args.presses, args.rounds, echo)
        finally:
            await drop()
    tmp = Path(tempfile.mkdtemp(prefix="gridbot-bench-"))
    results["sqlite"] = await full_stack(f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}", args.reports, args.presses,
                                         args.rounds, echo)
    await close_echo()
    for db, (reports, presses, echo_s) in results.items():
        print(f"[{db}] reports_per_s={reports:.0f} presses_per_s={presses:.0f} echo_per_s={echo_s:.0f} "
              f"ratio={presses / echo_s:.3f}")
    reports, presses, echo_s = results["sqlite"]
    print(f"reports_per_s={reports:.0f} presses_per_s={presses:.0f} echo_per_s={echo_s:.0f} ratio={presses / echo_s:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
