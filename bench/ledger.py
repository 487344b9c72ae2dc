"""Benchmark: 1,000 concurrent redemptions against 100 balances on PostgreSQL, then every voucher handed over at once.

Checks afterwards that no balance went negative (cached or derived from the ledger), that every cached balance equals
the ledger's sum, and that no reward was oversold (stock below zero, or more vouchers than stock).
Run: .venv/bin/python bench/ledger.py [--url postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--n 1000]
Last line: redemptions_per_s=… negative_balances=0 oversold=0
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.db import make_engine, make_sessionmaker, migrate  # noqa: E402
from bot.dispatch import Refused  # noqa: E402
from bot.services import points as svc  # noqa: E402
from bot.settings import Settings  # noqa: E402
from models import Building, Community, Grid, Person, RoleAssignment  # noqa: E402
from models.points import LedgerEntry, PointsAccount, Redemption, Reward, Shop  # noqa: E402

DEFAULT_URL = os.environ.get("GRIDBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
# code: (cost, stock), chosen so that both limits bite: some people run out of points, some items sell out
CATALOGUE = {"a": (10, 400), "b": (20, 150), "c": (30, 60), "d": (50, 25), "e": (70, 10)}


async def _database(admin_url: str, name: str, drop: bool = False) -> None:
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' if drop else f'CREATE DATABASE "{name}"')
    await admin.dispose()


async def setup(sm, people: int, balance: int) -> tuple[list[int], list[int], int]:
    async with sm() as s, s.begin():
        c = Community(code="bench", name="压测社区", name_en="Bench")
        s.add(c)
        await s.flush()
        g = Grid(community_id=c.id, code="bench-g1", name="网格", name_en="Grid")
        s.add(g)
        await s.flush()
        b = Building(community_id=c.id, grid_id=g.id, code="1", units=1)
        s.add(b)
        await s.flush()
        coord = Person(name="coordinator", community_id=c.id, roles=[RoleAssignment(role="coordinator", community_id=c.id)])
        s.add(coord)
        ids = []
        for i in range(people):
            p = Person(name=f"resident {i}", community_id=c.id, building_id=b.id, unit="1", consent_at=NOW,
                       roles=[RoleAssignment(role="resident", community_id=c.id)])
            s.add(p)
            await s.flush()
            ids.append(p.id)
            await svc.post(s, p.id, "earn", balance, key=f"bench:seed:{p.id}", now=NOW, community_id=c.id,
                           day=NOW.date().isoformat())
        shop = Shop(code="bench-shop", community_id=c.id, name="积分超市")
        s.add(shop)
        await s.flush()
        rewards = []
        for code, (cost, stock) in CATALOGUE.items():
            r = Reward(shop_id=shop.id, code=code, name=code, cost=cost, stock=stock, reserved=0)
            s.add(r)
            await s.flush()
            rewards.append(r.id)
        await s.flush()
        return ids, rewards, coord.id


async def run(url: str, n: int, people: int, balance: int, concurrency: int) -> int:
    name = f"gridbot_bench_{uuid.uuid4().hex[:10]}"
    await _database(url, name)
    db_url = url.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(db_url, pool_size=concurrency, max_overflow=0)
    try:
        await migrate(engine)
        sm = make_sessionmaker(engine)
        app = SimpleNamespace(settings=Settings(_env_file=None, database_url=db_url))
        ids, rewards, coord_id = await setup(sm, people, balance)
        rng = random.Random(7)
        plan = [(rng.choice(ids), rng.choice(rewards), i) for i in range(n)]
        gate = asyncio.Semaphore(concurrency)
        outcome = {"ok": 0, "too_few": 0, "sold_out": 0, "retried": 0}

        async def redeem(pid: int, rid: int, i: int) -> None:
            async with gate, sm() as s:
                try:
                    async with s.begin():
                        p = await s.get(Person, pid)
                        await svc.redeem(s, app, p, rid, NOW, nonce=f"b{i}")
                    outcome["ok"] += 1
                except Refused as r:
                    outcome["too_few" if r.template == "points/too_few" else "sold_out"] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(redeem(*x) for x in plan))
        took = time.perf_counter() - t0

        async with sm() as s:
            open_ids = list(await s.scalars(select(Redemption.id).where(Redemption.status == "held")))
        handed = 0

        async def hand_over(rid: int) -> None:
            nonlocal handed
            async with gate, sm() as s, s.begin():
                coord = await s.get(Person, coord_id)
                await svc.hand_over(s, coord, rid, NOW)
                handed += 1

        t1 = time.perf_counter()
        await asyncio.gather(*(hand_over(r) for r in open_ids))
        took_hand = time.perf_counter() - t1

        async with sm() as s:
            negative = 0
            mismatched = 0
            for acct in await s.scalars(select(PointsAccount)):
                derived = await svc.ledger_sum(s, acct.person_id)
                negative += acct.balance < 0 or acct.held < 0 or derived[0] < 0
                mismatched += (acct.balance, acct.held) != derived
            oversold = 0
            for r in await s.scalars(select(Reward)):
                sold = await s.scalar(select(func.count()).select_from(Redemption).where(
                    Redemption.reward_id == r.id, Redemption.status == "redeemed"))
                # on the shelf plus handed over must equal what was stocked, and nothing below zero
                oversold += r.stock < 0 or r.reserved > r.stock or r.stock + sold != CATALOGUE[r.code][1]
            entries = await s.scalar(select(func.count()).select_from(LedgerEntry))
        print(f"redemptions: {n} over {people} balances of {balance} points, concurrency {concurrency}: "
              f"{outcome['ok']} vouchers, {outcome['too_few']} refused for too few points, "
              f"{outcome['sold_out']} sold out; {took:.2f}s")
        print(f"handovers: {handed} in {took_hand:.2f}s ({handed / took_hand if took_hand else 0:.0f}/s); "
              f"ledger entries {entries}; cached balances differing from the ledger: {mismatched}")
        print(f"redemptions_per_s={n / took:.0f} negative_balances={negative} oversold={oversold}")
        return 0 if negative == 0 and oversold == 0 and mismatched == 0 else 1
    finally:
        await engine.dispose()
        await _database(url, name, drop=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL URL; a fresh database is made beside it")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--people", type=int, default=100)
    ap.add_argument("--balance", type=int, default=100)
    ap.add_argument("--concurrency", type=int, default=32)
    a = ap.parse_args()
    return asyncio.run(run(a.url, a.n, a.people, a.balance, a.concurrency))


if __name__ == "__main__":
    sys.exit(main())
