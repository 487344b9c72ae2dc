"""SQLite for the async engine without a thread hop: aiosqlite's connection API, run inline on the event loop.

A statement on a local SQLite file takes microseconds; aiosqlite hands each one to a worker thread and back, which
costs ten times more than the statement (measured in bench/intake.py). The engine keeps a single connection
(pool of one), so transactions of one process queue on the pool without blocking the loop, and SQLite's
busy wait is only ever met when another process holds the write lock.
"""
from __future__ import annotations

import sqlite3
from typing import Any


class _Cursor:
    def __init__(self, cursor: sqlite3.Cursor):
        self._c = cursor

    @property
    def description(self):
        return self._c.description

    @property
    def lastrowid(self):
        return self._c.lastrowid

    @property
    def rowcount(self):
        return self._c.rowcount

    async def execute(self, sql: str, parameters: Any = ()) -> "_Cursor":
        self._c.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, seq: Any) -> "_Cursor":
        self._c.executemany(sql, seq)
        return self

    async def fetchone(self):
        return self._c.fetchone()

    async def fetchmany(self, size: int | None = None):
        return self._c.fetchmany(size) if size is not None else self._c.fetchmany()

    async def fetchall(self):
        return self._c.fetchall()

    async def close(self) -> None:
        self._c.close()


class _Immediate:
    """Stands in for aiosqlite's request queue (used by SQLAlchemy to set the isolation level): runs at once."""

    def put_nowait(self, item) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as e:  # handed back to the awaiting caller
            future.set_exception(e)


class Connection:
    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._tx = _Immediate()

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for statements run at the driver (bot/prepared.py)."""
        return self._conn

    @property
    def isolation_level(self):
        return self._conn.isolation_level

    async def cursor(self) -> _Cursor:
        return _Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> _Cursor:
        return _Cursor(self._conn.execute(sql, parameters))

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    async def stop(self) -> None:
        self._conn.close()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)


def creator(path: str, timeout: float = 30.0):
    """async_creator for create_async_engine: an inline connection to the SQLite file at path."""

    async def connect() -> Connection:
        return Connection(sqlite3.connect(path, timeout=timeout, check_same_thread=False))

    return connect
