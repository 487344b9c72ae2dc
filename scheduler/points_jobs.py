"""Volunteer points jobs the scheduler calls (each `async def …(app, now)`, one transaction each):
remind verifiers of pending claims, expire unredeemed vouchers (their points come back), monthly statements."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.services import points as svc

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.points")


async def remind_pending_claims(app: "App", now: datetime) -> int:
    """Hourly is enough: each claim reminds at most once every `remind_after_hours`."""
    async with app.sessionmaker() as s, s.begin():
        n = await svc.remind_pending(s, app, now)
    if n:
        log.info("claim reminders", extra={"verifiers": n})
        app.wake_outbox()
    return n


async def expire_vouchers(app: "App", now: datetime, limit: int = 10_000) -> int:
    """Each voucher in its own short transaction (see svc.expire_one); SKIP LOCKED lets processes share the work."""
    total = 0
    while total < limit:
        async with app.sessionmaker() as s, s.begin():
            red = await svc.expire_one(s, now)
        if red is None:
            break
        total += 1
    if total:
        log.info("vouchers expired", extra={"count": total})
        app.wake_outbox()
    return total


async def monthly_statements(app: "App", now: datetime) -> int:
    """Run daily (or on the 1st): the outbox's dedupe key makes a second run that month send nothing."""
    async with app.sessionmaker() as s, s.begin():
        n = await svc.monthly_statements(s, app, now)
    if n:
        log.info("points statements", extra={"count": n})
        app.wake_outbox()
    return n
