"""Statements compiled once and run at the driver on the hot paths (SQLite, inline), else through SQLAlchemy.

A Core statement run through SQLAlchemy pays, every time, for its cache key (a walk over the whole statement),
an execution context and a result object: on a local SQLite file that is several times what SQLite itself spends.
`Prepared` compiles the statement once per dialect, keeps each parameter's and each column's converters (the same
ones SQLAlchemy applies: aware datetimes, JSON, booleans), and runs it on the session's own connection, inside the
session's transaction. Any other driver (asyncpg) takes the ordinary `session.execute` path: same rows, same rules.
A Core statement never autoflushes; nor does this: flush first if pending ORM objects must be seen.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot import sqlite_inline
from bot.db import tx_memo
from models.base import UTCDateTime


class Prepared:
    def __init__(self, statement: Any):
        self.statement = statement
        self._plans: dict[tuple, tuple] = {}

    # -- running -----------------------------------------------------------------------
    async def rows(self, session: AsyncSession, params: dict[str, Any] | None = None) -> list[tuple]:
        """The result rows as tuples of converted values (a SELECT, or a statement with RETURNING)."""
        raw, dialect = await raw_connection(session)
        if raw is None:
            return [tuple(r) for r in (await session.execute(self.statement, params or {})).all()]
        sql, args, results = self._bind(dialect, params or {})
        out = raw.execute(sql, args).fetchall()
        if not results:
            return out
        done = []
        for row in out:
            row = list(row)
            for i, p in results:
                row[i] = p(row[i])
            done.append(tuple(row))
        return done

    async def first(self, session: AsyncSession, params: dict[str, Any] | None = None) -> tuple | None:
        rows = await self.rows(session, params)
        return rows[0] if rows else None

    async def run(self, session: AsyncSession, params: dict[str, Any] | Sequence[dict[str, Any]]) -> int | None:
        """An INSERT/UPDATE/DELETE, once or (a list of parameter sets) many times; the new row's id for a single
        INSERT, else None."""
        raw, dialect = await raw_connection(session)
        if raw is None:
            res = await session.execute(self.statement, params)
            if isinstance(params, dict) and getattr(res.context, "isinsert", False):
                return res.inserted_primary_key[0]
            return None
        if isinstance(params, dict):
            sql, args, _ = self._bind(dialect, params)
            return raw.execute(sql, args).lastrowid
        if params:
            sql, _, _ = self._bind(dialect, params[0])
            raw.executemany(sql, [self._bind(dialect, p)[1] for p in params])
        return None

    # -- compiling -------------------------------------------------------------------------
    def _bind(self, dialect: Any, params: dict[str, Any]) -> tuple[str, list, list]:
        names = tuple(params)
        plan = self._plans.get(names)  # given no list at all, the parameter names alone find the plan
        if plan is None:
            lists = tuple((k, len(v)) for k, v in params.items() if isinstance(v, (list, tuple)))  # a plan per length
            key = (names, lists)
            plan = self._plans.get(key)
            if plan is None:
                plan = self._plans[key] = self._compile(dialect, params, dict(lists))
            if not lists:
                self._plans[names] = plan
        sql, order, results = plan
        args = []
        for name, proc, many, fixed in order:
            v = fixed if name is None else params[name]
            if many:
                args.extend(x if proc is None else proc(x) for x in v)
            else:
                args.append(v if proc is None else proc(v))
        return sql, args, results

    def _compile(self, dialect: Any, params: dict[str, Any], lists: dict[str, int]) -> tuple[str, list, list]:
        stmt = self.statement
        compiled = stmt.compile(dialect=dialect, column_keys=list(params) if stmt.is_dml else None)
        sql = compiled.string
        procs = compiled._bind_processors
        order = []
        for name in compiled.positiontup:
            bp = compiled.binds[name]
            many = bp.expanding  # an IN list; a list given to a JSON column is one value
            if many:
                n = lists[name] if name in lists else len(bp.effective_value or ())
                sql = sql.replace(f"(__[POSTCOMPILE_{name}])", "(" + ", ".join("?" * n) + ")" if n else
                                  "(NULL)", 1)
            proc = utc_bind if isinstance(bp.type, UTCDateTime) else procs.get(name)
            if bp.key in params or name in params:
                order.append((bp.key if bp.key in params else name, proc, many, None))
            else:  # a literal or a default of the statement itself
                order.append((None, proc, many, bp.effective_value))
        results = []
        for i, col in enumerate(compiled._result_columns):
            if isinstance(col[3], UTCDateTime):
                results.append((i, _utc_result(col[3]._cached_result_processor(dialect, None))))
            else:
                p = col[3]._cached_result_processor(dialect, None)
                if p is not None:
                    results.append((i, p))
        return sql, order, results


# Aware datetimes on SQLite, as SQLAlchemy's DATETIME stores them ("2026-11-23 02:30:00.000000", UTC, naive) and
# reads them back (aware, UTC): the same text and values in one C call each way, instead of a format string and a
# regular expression per value (UTCDateTime's own rules: a naive datetime is refused).
def utc_bind(v: datetime | None) -> str | None:
    if v is None:
        return None
    if v.tzinfo is None:
        raise ValueError("naive datetime given to a UTCDateTime column")
    return v.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _utc_result(fallback: Any) -> Any:
    def read(v: Any) -> datetime | None:
        if v is None:
            return None
        try:
            return datetime.fromisoformat(v).replace(tzinfo=timezone.utc)
        except (TypeError, ValueError):  # anything not written by the bind above: SQLAlchemy's own reading
            return fallback(v)
    return read


async def raw_connection(session: AsyncSession) -> tuple[Any, Any]:
    """The session's sqlite3 connection (its transaction begun) and dialect, when it runs on the inline adapter;
    else (None, None)."""
    memo = tx_memo(session, "prepared")
    if "raw" in memo:  # same transaction: same connection, begun
        return memo["raw"]
    if _inline_ready(session):  # nothing to wait for: begin here, without a greenlet's round trip
        conn = session.sync_session.connection()
    else:
        conn = (await session.connection()).sync_connection
    raw = dialect = None
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        if isinstance(driver, sqlite_inline.Connection):
            raw, dialect = driver.raw, conn.dialect
    tx_memo(session, "prepared")["raw"] = (raw, dialect)  # the transaction exists now (connection() began it)
    return raw, dialect


def _inline_ready(session: AsyncSession) -> bool:
    """The session is on the inline SQLite engine, has no transaction yet, and the engine's one connection sits in
    the pool: beginning takes no await (no wait for the pool, no new connection to open)."""
    engine = getattr(session.bind, "sync_engine", None)
    return (engine is not None and isinstance(engine.dialect.dbapi, sqlite_inline.DBAPI)
            and session.sync_session.get_transaction() is None and engine.pool.checkedin() > 0)


async def commit(session: AsyncSession) -> None:
    """Commit the session. On the inline SQLite adapter, with no ORM change left to flush, nothing in the commit
    awaits anything: it runs here, without a greenlet's round trip; otherwise through AsyncSession.commit()."""
    raw = tx_memo(session, "prepared").get("raw")
    sync = session.sync_session
    if raw is not None and raw[0] is not None and not (sync.new or sync.deleted or sync.dirty):
        sync.commit()
    else:
        await session.commit()
