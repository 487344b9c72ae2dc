"""SQLite for the async engine without a thread hop: aiosqlite's connection API, run inline on the event loop.

A statement on a local SQLite file takes microseconds; aiosqlite hands each one to a worker thread and back, which
costs ten times more than the statement (measured in bench/intake.py). The engine keeps a single connection
(pool of one), so transactions of one process queue on the pool without blocking the loop, and SQLite's
busy wait is only ever met when another process holds the write lock.

Two more costs are taken off the event loop:
- SQLAlchemy's aiosqlite adapter awaits every driver call through a greenlet switch (four for a statement).
  The calls here never suspend: `DBAPI` gives the adapter an `await_` that runs them to the end at once
  (`run_now`) for commit, rollback and the rest, and a statement takes one switch, not four (AsyncConnection
  insists on seeing one).
- Copying the write-ahead log back into the database file (a checkpoint, with its fsync) would fall on whichever
  commit crossed the WAL's size limit: a 10 ms stall every few dozen events. A `Checkpointer` thread does it
  instead, on a connection of its own, while the loop goes on (sqlite3 releases the GIL while SQLite works).
  The connection's own automatic checkpoint stays on at a larger size, as a backstop.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from typing import Any

from collections import deque

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import await_only

log = logging.getLogger("gridbot.db")

CHECKPOINT_INTERVAL_S = 0.1
BACKSTOP_PAGES = 8000  # the connection's own checkpoint, should the thread fall behind (about 32 MB of log)
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # a log file grown under a burst is cut back to this after a checkpoint


def run_now(awaitable: Any) -> Any:
    """The adapter's await_: an inline call's coroutine (or an already settled future) completes at once."""
    if isinstance(awaitable, asyncio.Future):
        return awaitable.result()
    try:
        awaitable.send(None)
    except StopIteration as done:
        return done.value
    awaitable.close()
    raise RuntimeError("an inline SQLite call suspended")


class Checkpointer:
    """Checkpoints a WAL-mode SQLite file from a daemon thread, every CHECKPOINT_INTERVAL_S while commits come.

    PASSIVE: it never waits for, nor blocks, the writer; frames a writer is still adding wait for the next round.
    """

    def __init__(self, path: str, interval: float = CHECKPOINT_INTERVAL_S):
        self.path = path
        self.interval = interval
        self.commits = 0  # counted by the connection; read here without a lock (an int, under the GIL)
        self.rounds = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=10)

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            log.warning("checkpoint thread could not open the database", extra={"error": str(e)})
            return
        seen = 0
        try:
            while not self._stop.wait(self.interval):
                if self.commits != seen:
                    seen = self.commits
                    self._checkpoint(conn)
            if self.commits != seen:
                self._checkpoint(conn)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.rounds += 1
        except sqlite3.Error as e:  # busy with another process's checkpoint, say: the next round catches up
            log.debug("checkpoint skipped", extra={"error": str(e)})


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
    def __init__(self, conn: sqlite3.Connection, checkpointer: Checkpointer | None = None):
        self._conn = conn
        self._tx = _Immediate()
        self._checkpointer = checkpointer

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
        if self._checkpointer is not None:
            self._checkpointer.commits += 1

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._shut()

    async def stop(self) -> None:
        self._shut()

    def _shut(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self._conn.close()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)


class _AdaptedCursor(AsyncAdapt_aiosqlite_cursor):
    """Runs a statement (or one statement over many parameter sets) and buffers its rows in one coroutine,
    awaited once."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._await_run(operation, () if parameters is None else parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._await_run(operation, seq_of_parameters, True)

    def _await_run(self, operation: Any, parameters: Any, many: bool) -> None:
        try:
            await_only(self._run(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        cur = self._connection.raw.cursor()
        try:
            (cur.executemany if many else cur.execute)(operation, parameters)
            if cur.description:
                self.description = cur.description
                self.lastrowid = self.rowcount = -1
                self._rows = deque(cur.fetchall())
            else:
                self.description = None
                self.lastrowid = cur.lastrowid
                self.rowcount = cur.rowcount
        finally:
            cur.close()


class _Adapted(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    await_ = staticmethod(run_now)

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return _AdaptedCursor(self)  # rows are always buffered: a local file has nothing to stream


class DBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module handed to create_async_engine (`module=`): SQLAlchemy's aiosqlite adapter over an inline
    connection, its calls run at once. Error classes are sqlite3's own (aiosqlite re-exports the same)."""

    def __init__(self, timeout: float = 30.0):
        super().__init__(sqlite3, sqlite3)
        self.timeout = timeout

    def connect(self, database: str, *args: Any, **kw: Any) -> _Adapted:
        conn = sqlite3.connect(database, timeout=self.timeout, check_same_thread=False)
        checkpointer = None
        if database and database != ":memory:" and not database.startswith("file:"):
            checkpointer = Checkpointer(database)
            conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            checkpointer.start()
        return _Adapted(self, Connection(conn, checkpointer))
