"""Broadcast benchmark: one notice to N recipients through the real sender (`gridbot notice deliver`, a subprocess,
aiogram's HTTP client) against the fake Bot API in this process enforcing Telegram's limits (cap messages/s, 1/s a
chat, 429 with retry_after beyond), the bot's rate set to the cap. Then a second notice with the sender killed
(SIGKILL) when half the recipients have it, and a new sender started: who got it twice, who never got it.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--cap 30] [--postgres URL]
    .venv/bin/python bench/broadcast.py --recipients 2000 --cap 100      # the same ratio in a minute, for CI

Last line: rate_ratio=… duplicates=… lost=… resumed_duplicates=… resumed_lost=…
(rate_ratio: deliveries per second between the first and the last delivery, over the cap)
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.app import App  # noqa: E402
from bot.services import notices as svc  # noqa: E402
from bot.settings import Settings  # noqa: E402
from models import Building, ChatIdentity, Person  # noqa: E402
from models.notices import NoticeDelivery  # noqa: E402
from tests.fakebotapi import FakeBotAPI  # noqa: E402

TOKEN = "123456:BENCH-gridbot"
FIRST_CHAT = 1_000_000
NO_QUIET = "notices:\n  quiet_hours: []\n"  # the benchmark may run at night: measure sending, not waiting


async def _prepare(settings: Settings, n: int) -> int:
    """Migrate, load the demo community, add n residents of building 10 with a Telegram chat each."""
    app = App(settings)
    await app.prepare()
    async with app.sessionmaker() as s, s.begin():
        b = await s.scalar(select(Building).where(Building.code == "10"))
        now = app.clock.now()
        for i in range(0, n, 1000):
            chunk = range(i, min(n, i + 1000))
            await s.execute(insert(Person), [
                {"key": f"bench-{k}", "name": f"居民{k}", "community_id": b.community_id, "building_id": b.id,
                 "unit": "1", "room": str(k), "consent_at": now, "created_at": now, "needs_care": False,
                 "muted_notices": False} for k in chunk])
        ids = dict((await s.execute(select(Person.key, Person.id).where(Person.key.like("bench-%")))).all())
        await s.execute(insert(ChatIdentity), [
            {"platform": "telegram", "chat_id": str(FIRST_CHAT + k), "person_id": ids[f"bench-{k}"],
             "language_code": "zh", "reachable": True, "last_seen_at": now, "created_at": now} for k in range(n)])
        bid = b.id
    await app.stop()
    return bid


async def _notice(settings: Settings, building_id: int, text: str) -> int:
    app = App(settings)
    async with app.sessionmaker() as s, s.begin():
        n = await svc.create(s, author=None, scope=svc.OPERATOR, text=text,
                             audience={"kind": "buildings", "ids": [building_id]}, urgent=False, now=app.clock.now())
        nid = n.id
    await app.stop()
    return nid


def _env(settings: Settings, api: FakeBotAPI, cap: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBOT_")}
    env.update({"GRIDBOT_DATABASE_URL": settings.db_url, "GRIDBOT_TELEGRAM_TOKEN": api.token,
                "GRIDBOT_TELEGRAM_API_BASE": api.base_url, "GRIDBOT_SEND_RATE_PER_S": str(cap),
                "GRIDBOT_INSTANCE_ID": "bench", "GRIDBOT_DATA_DIR": str(settings.data_dir), "GRIDBOT_DEMO": "false",
                "GRIDBOT_WEB_ENABLED": "false", "GRIDBOT_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    return env


async def _sender(env: dict[str, str], config: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "notice", "deliver",
                                                "--config", str(config), env=env, cwd=str(ROOT))


def _tally(api: FakeBotAPI, text: str, n: int) -> tuple[int, int, list]:
    got = [m for m in api.sent if text in (m.plain or "")]
    per_chat = Counter(m.chat_id for m in got)
    dups = sum(c - 1 for c in per_chat.values())
    lost = sum(1 for k in range(n) if per_chat[FIRST_CHAT + k] == 0)
    return dups, lost, got


async def _in_doubt(settings: Settings, nid: int) -> int:
    engine = create_async_engine(settings.db_url)
    try:
        async with engine.connect() as c:
            return len((await c.execute(select(NoticeDelivery.id).where(
                NoticeDelivery.notice_id == nid, NoticeDelivery.status == "in_doubt"))).all())
    finally:
        await engine.dispose()


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipients", type=int, default=10_000)
    ap.add_argument("--cap", type=float, default=30.0, help="messages/s the fake enforces; the bot is set to it")
    ap.add_argument("--postgres", default="", help="postgresql+asyncpg://… (a fresh database is made); default SQLite")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    n, cap = args.recipients, args.cap
    tmp = Path(tempfile.mkdtemp(prefix="gridbot-broadcast-"))
    dbname = None
    if args.postgres:
        dbname = f"gridbot_bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(args.postgres, isolation_level="AUTOCOMMIT")
        async with admin.connect() as c:
            await c.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
        await admin.dispose()
        db_url = args.postgres.rsplit("/", 1)[0] + "/" + dbname
    else:
        db_url = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings(_env_file=None, database_url=db_url, data_dir=tmp, demo=True, web_enabled=False,
                        instance_id="bench")
    config = tmp / "notices.yaml"
    config.write_text(NO_QUIET, encoding="utf-8")
    api = FakeBotAPI(token=TOKEN)
    await api.start()
    api.limit(global_per_s=int(cap), per_chat_per_s=1, group_per_min=20)
    try:
        t0 = time.perf_counter()
        bid = await _prepare(settings, n)
        print(f"prepared {n} recipients in {time.perf_counter() - t0:.1f}s ({'PostgreSQL' if dbname else 'SQLite'}), "
              f"cap {cap:g}/s", flush=True)
        env = _env(settings, api, cap)

        # 1. one uninterrupted broadcast
        text1 = "【压测一】本周六上午小区停水检修，请提前储水。"
        await _notice(settings, bid, text1)
        t0 = time.perf_counter()
        proc = await _sender(env, config)
        await proc.wait()
        dups, lost, got = _tally(api, text1, n)
        rate = (len(got) - 1) / (got[-1].time - got[0].time) if len(got) > 1 else 0.0
        print(f"run 1: {len(got)} delivered in {time.perf_counter() - t0:.1f}s (sender start-up included), "
              f"{rate:.2f}/s, 429s {api.stats.rate_limited}, max in one second {api.stats.max_per_second}, "
              f"duplicates {dups}, lost {lost}", flush=True)

        # 2. the same, killed half-way and restarted
        text2 = "【压测二】燃气管道巡检，请家中留人。"
        nid2 = await _notice(settings, bid, text2)
        limited_before = api.stats.rate_limited
        proc = await _sender(env, config)
        seen, at_kill = len(api.sent), 0
        while at_kill < n // 2 and proc.returncode is None:
            await asyncio.sleep(0.005)  # the fake serves in this loop meanwhile
            at_kill += sum(1 for m in api.sent[seen:] if text2 in (m.plain or ""))
            seen = len(api.sent)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        proc = await _sender(env, config)
        await proc.wait()
        rdups, rlost, got2 = _tally(api, text2, n)
        doubt = await _in_doubt(settings, nid2)
        print(f"run 2: killed at {at_kill}/{n}, restarted: {len(got2)} deliveries, in doubt (not resent) {doubt}, "
              f"429s {api.stats.rate_limited - limited_before}, duplicates {rdups}, lost {rlost}", flush=True)
        print(f"rate_ratio={rate / cap:.3f} duplicates={dups} lost={lost} "
              f"resumed_duplicates={rdups} resumed_lost={rlost}")
    finally:
        await api.stop()
        if dbname:
            admin = create_async_engine(args.postgres, isolation_level="AUTOCOMMIT")
            async with admin.connect() as c:
                await c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
