"""The embedded SQLite engine (bot/sqlite_inline.py): statements run inline on the loop, errors are the usual
SQLAlchemy ones, and the write-ahead log is copied back into the database file by a thread of its own."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.db import make_engine, make_sessionmaker, migrate
from models import Community


def _rows_in_main_file(path: Path) -> int:
    """What a copy of the database file alone holds (a backup that takes only the main file): the WAL is ignored."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM community").fetchone()[0]
    except sqlite3.DatabaseError:  # not even the schema copied yet, or read mid-checkpoint ("immutable" takes no lock)
        return -1
    finally:
        conn.close()


async def test_committed_rows_reach_the_database_file_without_the_writer_stopping_for_it(tmp_path: Path):
    path = tmp_path / "g.sqlite3"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    sm = make_sessionmaker(engine)
    for i in range(40):  # far below the connection's own checkpoint size: only the thread copies these
        async with sm() as s, s.begin():
            s.add(Community(code=f"c{i}", name=f"社区{i}"))
    async with engine.connect() as c:  # the pool's one connection, and the thread that came with it
        thread = (await c.get_raw_connection()).driver_connection._checkpointer._thread
    assert thread.is_alive()
    for _ in range(100):  # the thread runs every 0.1 s while commits come
        if _rows_in_main_file(path) == 40:
            break
        await asyncio.sleep(0.05)
    assert _rows_in_main_file(path) == 40
    await engine.dispose()
    assert not thread.is_alive()  # the thread ends with its connection


async def test_core_and_orm_statements_and_errors_through_the_inline_adapter(tmp_path: Path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'g.sqlite3'}")
    await migrate(engine)
    async with engine.connect() as c:  # AsyncConnection insists on an await under each statement
        assert (await c.execute(text("SELECT 1 + 1"))).scalar() == 2
        assert (await c.exec_driver_sql("SELECT ?", (5,))).scalar() == 5
    sm = make_sessionmaker(engine)
    async with sm() as s, s.begin():
        s.add(Community(code="x", name="一"))
    with pytest.raises(IntegrityError):
        async with sm() as s, s.begin():
            s.add(Community(code="x", name="二"))
    async with sm() as s:  # the failed transaction left nothing behind, and the connection still works
        assert (await s.execute(text("SELECT name FROM community"))).scalars().all() == ["一"]
    await engine.dispose()
