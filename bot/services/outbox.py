"""The transactional outbox: messages to anyone but the person who just wrote.

enqueue() adds a row in the caller's transaction, so a rolled-back change sends nothing and a committed one
is never lost. The delivery loop (one process at a time, by lease) claims due rows, renders them in the
recipient's locale, sends them paced, and records the outcome: retry with backoff, honour 429, mark 403.
"""
from __future__ import annotations

import json
import logging
import socket
import os
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Blocked, Button, Photo, Rejected, Reply, RetryAfter, SentRef, Transient
from bot import prepared
from bot.db import take_lease
from bot.services.loop import PassLoop
from bot.dispatch import pick_locale
from models import ChatIdentity, Outbox, Person, RoleAssignment
from models.base import UTCDateTime

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.outbox")
MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(seconds=60)
LEASE = "delivery"


def enqueue(session: AsyncSession, person_id: int, reply: Reply, now: datetime, *, priority: int = 5,
            dedupe_key: str | None = None, delay: timedelta | None = None) -> Outbox:
    row = Outbox(**_fields(person_id, reply, now, _jsonable(reply.context), priority, dedupe_key, delay))
    session.add(row)
    return row


def values(person_id: int, reply: Reply, now: datetime, *, priority: int = 5, dedupe_key: str | None = None,
           delay: timedelta | None = None) -> dict[str, Any]:
    """The row enqueue() adds, as plain column values for insert_many(): a caller writing many messages inserts
    them in one Core INSERT (same transaction, same rule) without building an ORM object for each. The context
    is serialised here, in one pass (later changes to the caller's dicts cannot reach the row)."""
    return _fields(person_id, reply, now, JsonText(_encode(reply.context)), priority, dedupe_key, delay)


def _fields(person_id: int, reply: Reply, now: datetime, context: Any, priority: int, dedupe_key: str | None,
            delay: timedelta | None) -> dict[str, Any]:
    return dict(
        person_id=person_id,
        template=reply.template,
        context=context,
        buttons=[[b.to_json() for b in row] for row in reply.buttons],
        photo={"platform": reply.photo.platform, "file_ref": reply.photo.file_ref} if reply.photo else None,
        priority=priority,
        status="pending",
        available_at=now + (delay or timedelta()),
        dedupe_key=dedupe_key,
        created_at=now,
    )


class JsonText(str):
    """A value already serialised to JSON text: insert_many() writes it as it is."""


def _dt(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"__dt__": v.isoformat()}  # the form _revive() reads back
    raise TypeError(f"{type(v).__name__} is not JSON serialisable")


# the same text _jsonable() + json.dumps would give, in one pass in C (datetimes through _dt)
_encode = json.JSONEncoder(default=_dt, check_circular=False).encode


_PLAIN = frozenset({str, int, float, bool, type(None)})  # kept as they are: no call for each of them


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: x if type(x) in _PLAIN else _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [x if type(x) in _PLAIN else _jsonable(x) for x in v]
    if isinstance(v, datetime):
        return {"__dt__": v.isoformat()}
    return v


_PLANS: dict[tuple[str, tuple[str, ...]], tuple[Any, list[str], list[tuple]]] = {}


def _insert_plan(dialect, keys: tuple[str, ...]) -> tuple[Any, list[str], list[tuple]]:
    """The compiled INSERT for rows with these keys, its parameter names and how to convert each: made once."""
    plan = _PLANS.get((dialect.name, keys))
    if plan is None:
        table = Outbox.__table__
        compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        getters = []
        for name in names:
            col = table.c[name]
            if name not in keys and not (col.default is not None and col.default.is_scalar):
                raise ValueError(f"outbox.insert_many: no value for {name}")
            dt = isinstance(col.type, UTCDateTime)
            if dt and dialect.name == "sqlite":
                proc = prepared.utc_bind  # the same stored text as SQLAlchemy's, in one call
            else:
                proc = col.type.dialect_impl(dialect).bind_processor(dialect)
            getters.append((name, name not in keys, col.default.arg if col.default is not None else None, proc, dt))
        plan = _PLANS[(dialect.name, keys)] = (compiled, names, getters)
    return plan


async def insert_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Rows made by values() (all with the same keys), written in the caller's transaction as one INSERT run as a
    single executemany at the driver. Each value goes through its column's own bind processor, as SQLAlchemy would
    do row by row, but a repeated datetime (a batch's `now`) is converted once: for a thousand messages the Core
    insert's per-row bookkeeping cost more than the statement."""
    if not rows:
        return
    raw, dialect = await prepared.raw_connection(session)
    conn = None
    if raw is None:
        conn = await session.connection()
        dialect = conn.dialect
    table = Outbox.__table__
    compiled, names, getters = _insert_plan(dialect, tuple(rows[0]))
    params = []
    memos: list[dict] = [{} for _ in getters]  # per call: a batch's repeated values are converted once
    for r in rows:
        out = []
        for (name, defaulted, default, proc, dt), memo in zip(getters, memos):
            v = default if defaulted else r[name]
            if proc is not None and type(v) is not JsonText:
                # a repeated datetime (the batch's now) and None (no photo) are converted once
                if v is None or dt:
                    got = memo.get(v, memo)
                    if got is memo:
                        got = memo[v] = proc(v)
                    v = got
                else:
                    v = proc(v)
            out.append(v)
        params.append(tuple(out) if compiled.positional else dict(zip(names, out)))
    if dialect.name == "postgresql" and compiled.positional and len(params) > 1:
        # one statement over arrays (one round trip, one plan) instead of a thousand executions
        casts = ", ".join(f"${i}::{table.c[n].type.compile(dialect=dialect)}[]" for i, n in enumerate(names, 1))
        sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
               f"({', '.join(dialect.identifier_preparer.quote(n) for n in names)}) SELECT * FROM unnest({casts})")
        await conn.exec_driver_sql(sql, tuple(list(col) for col in zip(*params)))
        return
    if raw is not None:  # SQLite inline: at the driver (the values are converted above)
        raw.executemany(compiled.string, params)
        return
    await conn.exec_driver_sql(compiled.string, params)


def _revive(v: Any) -> Any:
    if isinstance(v, dict):
        if set(v) == {"__dt__"}:
            return datetime.fromisoformat(v["__dt__"])
        return {k: _revive(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_revive(x) for x in v]
    return v


async def best_identity(session: AsyncSession, person_id: int) -> ChatIdentity | None:
    """The reachable chat the person used last."""
    return await session.scalar(
        select(ChatIdentity)
        .where(ChatIdentity.person_id == person_id, ChatIdentity.reachable.is_(True))
        .order_by(ChatIdentity.last_seen_at.desc(), ChatIdentity.id.desc())  # a tie: the newest chat
        .limit(1)
    )


class OutboxWorker(PassLoop):
    name = "outbox"

    def __init__(self, app: "App"):
        super().__init__()
        self.app = app
        self.holder = app.settings.instance_id or f"{socket.gethostname()}:{os.getpid()}"

    async def _claim(self, limit: int) -> list[int]:
        app = self.app
        now = app.clock.now()
        async with app.sessionmaker() as s, s.begin():
            if not await take_lease(s, LEASE, self.holder, now, timedelta(seconds=30)):
                return []
            q = (
                select(Outbox)
                .where(Outbox.status == "pending", Outbox.available_at <= now,
                       or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now))
                .order_by(Outbox.priority, Outbox.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            rows = list(await s.scalars(q))
            for r in rows:
                r.claimed_until = now + CLAIM_FOR
            return [r.id for r in rows]

    async def run_once(self, limit: int | None = None) -> int:
        """Deliver one batch of due rows; returns how many were attempted."""
        ids = await self._claim(limit or self.app.settings.outbox_batch)
        for oid in ids:
            await self._deliver(oid)
        return len(ids)

    async def _deliver(self, oid: int) -> None:
        app = self.app
        async with app.sessionmaker() as s:
            async with s.begin():
                row = await s.get(Outbox, oid)
                if row is None or row.status != "pending":
                    return
                ident = await best_identity(s, row.person_id)
                person = await s.get(Person, row.person_id)
                if ident is None or person is None:
                    row.status = "undeliverable"
                    row.last_error = "no reachable chat"
                    await self._unreachable(s, row.person_id)
                    return
                channel = app.channels.get(ident.platform)
                if channel is None:
                    row.claimed_until = None
                    row.available_at = app.clock.now() + timedelta(seconds=30)
                    row.last_error = f"channel {ident.platform} not running"
                    return
                locale = pick_locale(person, ident, app.settings.default_locale)
                platform, chat_id = ident.platform, ident.chat_id
                ident_id = ident.id
            reply = Reply(
                template=row.template,
                context=_revive(row.context),
                buttons=[[Button.from_json(b) for b in r] for r in (row.buttons or [])],
                photo=Photo(**row.photo) if row.photo and row.photo.get("platform") == platform else None,
            )
            error: Exception | None = None
            ref: SentRef | None = None
            try:
                parts = app.renderer.render(reply, locale, channel.html)
                for p in parts:
                    await app.pacer(platform).wait(chat_id)
                    ref = await channel.send(chat_id, p)
            except (Blocked, RetryAfter, Transient, Rejected) as e:
                error = e
            except Exception as e:  # a bug in a template or adapter: keep the row, do not spin on it
                log.exception("delivery crashed", extra={"outbox": oid})
                error = Rejected(repr(e))
            now = app.clock.now()
            async with s.begin():
                row = await s.get(Outbox, oid)
                row.attempts += 1
                row.claimed_until = None
                if error is None:
                    row.status = "sent"
                    row.sent_at = now
                    row.sent_ref = {"platform": ref.platform, "chat_id": ref.chat_id, "message_id": ref.message_id} if ref else None
                elif isinstance(error, Blocked):
                    ident = await s.get(ChatIdentity, ident_id)
                    ident.reachable = False
                    ident.blocked_at = now
                    log.info("recipient blocked the bot", extra={"person": row.person_id})
                    if await best_identity(s, row.person_id) is None:
                        row.status = "undeliverable"
                        row.last_error = "blocked"
                        await self._unreachable(s, row.person_id)
                elif isinstance(error, RetryAfter):
                    app.pacer(platform).pause(error.seconds)
                    row.available_at = now + timedelta(seconds=error.seconds)
                    row.attempts -= 1  # the platform asked us to wait; not a failed attempt
                elif isinstance(error, Transient) and row.attempts < MAX_ATTEMPTS:
                    row.available_at = now + timedelta(seconds=min(2 ** row.attempts, 300))
                    row.last_error = str(error)[:500]
                else:
                    row.status = "failed"
                    row.last_error = str(error)[:500]
                    log.warning("delivery failed", extra={"outbox": oid, "error": str(error)[:200]})

    async def _unreachable(self, s: AsyncSession, person_id: int) -> None:
        """A staff member nobody can reach is a hole in the loop: tell their community's coordinators, once a day."""
        roles = list(await s.scalars(select(RoleAssignment).where(
            RoleAssignment.person_id == person_id, RoleAssignment.active.is_(True),
            RoleAssignment.role != "resident")))
        if not roles:
            return
        person = await s.get(Person, person_id)
        community_ids = {r.community_id for r in roles if r.community_id}
        q = select(RoleAssignment.person_id).where(RoleAssignment.role == "coordinator", RoleAssignment.active.is_(True))
        if community_ids:
            q = q.where(or_(RoleAssignment.community_id.in_(community_ids), RoleAssignment.community_id.is_(None)))
        now = self.app.clock.now()
        for cid in set(await s.scalars(q)):
            if cid == person_id:
                continue
            key = f"unreachable:{person_id}:{cid}:{now.date().isoformat()}"
            if await s.scalar(select(Outbox.id).where(Outbox.dedupe_key == key)):
                continue
            enqueue(s, cid, Reply("outbox/staff_unreachable", {"name": person.name if person else "?",
                                                               "roles": sorted({r.role for r in roles})}),
                    now, priority=1, dedupe_key=key)
