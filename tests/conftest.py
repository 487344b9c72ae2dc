"""Fixtures: a real database (a SQLite file, and PostgreSQL where GRIDBOT_TEST_POSTGRES_URL is set),
the real app with the demo community, and a transcript driver over the web chat channel."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App
from bot.channels.web import WebChannel
from bot.clock import FakeClock
from bot.settings import Settings
from tests.chat import Chat

PG_URL = os.environ.get("GRIDBOT_TEST_POSTGRES_URL", "")
DBS = ["sqlite"] + (["postgres"] if PG_URL else [])


async def _pg_database(name: str, drop: bool = False) -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        if drop:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    await admin.dispose()


@pytest.fixture(params=DBS)
async def db_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'gridbot.sqlite3'}"
        return
    name = f"gridbot_t_{uuid.uuid4().hex[:12]}"
    await _pg_database(name)
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    await _pg_database(name, drop=True)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=db_url, data_dir=tmp_path, demo=True, web_enabled=False,
                    telegram_token="", instance_id="test")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def app(settings: Settings, clock: FakeClock):
    a = App(settings, clock=clock)
    await a.prepare()
    a.add_channel(WebChannel(a))
    yield a
    await a.stop()


@pytest.fixture
def web(app: App) -> WebChannel:
    return app.channels["web"]


@pytest.fixture
def chat(app: App, web: WebChannel):
    """chat("wang") -> a transcript driver for that web chat (a demo person, or a new visitor)."""
    def make(chat_id: str, lang: str = "zh") -> Chat:
        return Chat(app, web, chat_id, lang)
    return make
