"""The database: async engine and session factory, migrations (Alembic) and a lease helper for singletons."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from typing import Any, TypeVar

from sqlalchemy import event, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot import sqlite_inline
from models import Lease

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent.parent / "models" / "migrations"


def make_engine(url: str, **kw) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path and path != ":memory:":
            kw.setdefault("module", sqlite_inline.DBAPI())
            kw.setdefault("poolclass", AsyncAdaptedQueuePool)
            kw.setdefault("pool_size", 1)  # one connection: this process's transactions queue on the pool
            kw.setdefault("max_overflow", 0)
            kw.setdefault("pool_timeout", 120)
            engine = create_async_engine(url, **kw)
        else:
            engine = create_async_engine(url, connect_args={"timeout": 30}, **kw)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL lets readers run beside the one writer
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB of pages: the default 2 MB misses on a county's data
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn):  # take the write lock at BEGIN: no deadlock on lock upgrade between writers
            # at the driver: a statement through the engine would cost more than the BEGIN itself, on every event
            driver = conn.connection.driver_connection
            if isinstance(driver, sqlite_inline.Connection):
                driver.raw.execute("BEGIN IMMEDIATE")
            else:
                cur = conn.connection.dbapi_connection.cursor()
                cur.execute("BEGIN IMMEDIATE")
                cur.close()

        return engine
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_async_engine(url, **kw)


def make_sessionmaker(engine: AsyncEngine, **info) -> async_sessionmaker[AsyncSession]:
    """info is shared by every session (e.g. the org cache, see bot/services/orgcache.py)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info or None)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


async def migrate(engine: AsyncEngine, revision: str = "heads", down: bool = False) -> None:
    """Run Alembic on the given engine's connection (works inside a running event loop)."""

    def _do(connection):
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)

    if engine.dialect.name == "sqlite":
        # sqlite DDL with BEGIN IMMEDIATE on a plain connection; alembic manages its own transaction
        async with engine.connect() as conn:
            await conn.run_sync(_do)
            await conn.commit()
    else:
        async with engine.begin() as conn:
            await conn.run_sync(_do)


async def take_lease(session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Hold the named lease until now+ttl if it is free, expired, or already ours. Commits nothing itself."""
    until = now + ttl
    res = await session.execute(
        update(Lease)
        .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at < now))
        .values(holder=holder, expires_at=until)
    )
    if res.rowcount:
        return True
    exists = await session.scalar(select(Lease.name).where(Lease.name == name))
    if exists:
        return False
    try:
        async with session.begin_nested():
            session.add(Lease(name=name, holder=holder, expires_at=until))
    except IntegrityError:  # another process inserted it first
        return False
    return True


def adopt(session: AsyncSession, cls: type[T], values: dict[str, Any], **loaded: Any) -> T:
    """The ORM object for a row read with Core, in the session as if a query had loaded it (no second SELECT).

    Hot paths read with one Core statement (an ORM query costs several times more in Python than the database
    spends on it) and still hand handlers a tracked object: later attribute changes are flushed as usual.
    `loaded` sets relationships (e.g. roles=[...]) as already loaded. An object already in the session is
    refreshed from the row instead (the row is newer: it may have been read under a lock).
    """
    sync = session.sync_session
    mapper = inspect(cls)
    key = mapper.identity_key_from_primary_key([values[c.key] for c in mapper.primary_key])
    obj = sync.identity_map.get(key)
    if obj is not None:
        for k, v in values.items():
            set_committed_value(obj, k, v)
        return obj
    obj = mapper.class_manager.new_instance()  # as a query's loader does: no __init__, no attribute events
    state = instance_state(obj)
    state.dict.update(values)
    state.key = key
    attach = getattr(sync, "_update_impl", None)  # add() without its cascade walk: nothing related is attached yet
    if attach is not None:
        attach(state)
    else:
        sync.add(obj)
    for k, v in loaded.items():
        set_committed_value(obj, k, v)
    return obj


def tx_memo(session: AsyncSession, name: str) -> dict:
    """A dict kept in the session for the current transaction only (a new transaction starts empty): for what a
    transaction reads once and may reuse, never across a commit."""
    tx = session.sync_session.get_transaction()
    held = session.info.get(("tx_memo", name))
    if held is None or held[0] is not tx:
        held = session.info[("tx_memo", name)] = (tx, {})
    return held[1]
