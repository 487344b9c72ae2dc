"""Foundation: settings, migrations up and down, org import (idempotent, precise errors), logs without phone numbers."""
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from bot.clock import Clock
from bot.db import make_engine, make_sessionmaker, migrate
from bot.logs import JsonFormatter, mask
from bot.services.org import DEMO_FILE, OrgError, import_org
from bot.settings import SettingsError, load_settings
from models import Building, Department, Grid, Invitation, Person, RoleAssignment


@pytest.mark.parametrize("env,field", [
    ({"GRIDBOT_TIMEZONE": "Mars/Olympus"}, "GRIDBOT_TIMEZONE"),
    ({"GRIDBOT_DEFAULT_LOCALE": "fr"}, "GRIDBOT_DEFAULT_LOCALE"),
    ({"GRIDBOT_DATABASE_URL": "mysql://x"}, "GRIDBOT_DATABASE_URL"),
    ({"GRIDBOT_TELEGRAM_TOKEN": "nonsense"}, "GRIDBOT_TELEGRAM_TOKEN"),
    ({"GRIDBOT_WEB_PORT": "eighty"}, "GRIDBOT_WEB_PORT"),
])
def test_a_wrong_setting_is_named_in_one_line(monkeypatch, env, field):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError) as e:
        load_settings(_env_file=None)
    assert str(e.value).startswith(field) and "\n" not in str(e.value)


def test_wrong_setting_stops_the_command_with_that_line(monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("GRIDBOT_TIMEZONE", "Nowhere/Nope")
    with pytest.raises(SystemExit) as e:
        main(["db", "upgrade"])
    assert e.value.code == 2
    assert "GRIDBOT_TIMEZONE" in capsys.readouterr().err


async def test_migrations_go_up_and_down(db_url):
    engine = make_engine(db_url)
    await migrate(engine)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert {"case", "case_event", "person", "chat_identity", "outbox", "conversation_state"} <= tables
    await migrate(engine, "base", down=True)
    async with engine.connect() as conn:
        left = set(await conn.run_sync(lambda c: inspect(c).get_table_names())) - {"alembic_version"}
    assert left == set()
    await migrate(engine)  # and up again
    await engine.dispose()


async def _counts(sm) -> tuple:
    async with sm() as s:
        return tuple([await s.scalar(select(func.count()).select_from(t)) for t in
                      (Grid, Building, Department, Person, RoleAssignment, Invitation)])


async def test_org_import_is_idempotent(db_url):
    engine = make_engine(db_url)
    await migrate(engine)
    sm = make_sessionmaker(engine)
    async with sm() as s, s.begin():
        rep = await import_org(s, DEMO_FILE, Clock().now())
    assert rep.grids >= 3 and rep.buildings >= 12 and rep.departments >= 5 and rep.invitations["g1-li"] == "G1-LI"
    first = await _counts(sm)
    async with sm() as s, s.begin():
        await import_org(s, DEMO_FILE, Clock().now())
    assert await _counts(sm) == first
    async with sm() as s:
        names = set(await s.scalars(select(Department.name)))
        assert {"物业公司", "城管", "住建", "民政", "派出所"} <= names
        grids = list(await s.scalars(select(Grid.id)))
        for g in grids:  # staff for every grid
            assert await s.scalar(select(func.count()).select_from(RoleAssignment).where(RoleAssignment.grid_id == g)) >= 1
    await engine.dispose()


@pytest.mark.parametrize("body,line,field", [
    ("communities:\n  - code: c1\n    grids: []\n", 2, "name"),
    ("communities:\n  - {code: c1, name: X, grids: [{code: g1, name: G, buildings: ['1-2']}]}\n"
     "staff:\n  - key: a\n    name: A\n    role: wizard\n    grid: g1\n", 6, "role"),
    ("communities: []\nstaff:\n  - key: a\n    name: A\n    role: grid_worker\n    grid: nowhere\n", 6, "grid"),
    ("communities: [\n", 2, "yaml"),
])
async def test_org_import_error_names_file_line_and_field(tmp_path: Path, body, line, field):
    f = tmp_path / "org.yaml"
    f.write_text(body, encoding="utf-8")
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    await migrate(engine)
    with pytest.raises(OrgError) as e:
        async with make_sessionmaker(engine)() as s, s.begin():
            await import_org(s, f, Clock().now())
    assert str(e.value).startswith(f"{f}:{line}: {field}:"), str(e.value)
    await engine.dispose()


def test_cli_org_import_prints_invitations(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("GRIDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    assert main(["org", "import", str(DEMO_FILE)]) == 0
    out = capsys.readouterr().out
    assert "3 grids" in out and "/start G1-LI" in out


def test_logs_are_json_and_never_hold_phone_numbers():
    rec = logging.makeLogRecord({"name": "t", "levelname": "INFO", "msg": "called 13812345678 and +86 139 1234 5678",
                                 "person": "phone 13900000001"})
    line = JsonFormatter().format(rec)
    data = json.loads(line)
    assert "13812345678" not in line and "13900000001" not in line and "1234 5678" not in line
    assert "138****5678" in data["msg"] and data["person"].startswith("phone 139****")
    assert mask("case #123 in building 6") == "case #123 in building 6"


async def test_a_started_app_delivers_by_itself_and_stops_cleanly(settings, clock):
    """The wiring of `gridbot run`: channels, the outbox loop, the notice sender and the scheduler all start,
    a worker hears of a new case without anyone draining anything, and stop() ends every task."""
    import asyncio

    from bot.app import App
    from bot.channels.web import WebChannel
    from tests.chat import Chat

    app = App(settings.model_copy(update={"web_port": 0}), clock=clock)
    await app.prepare()
    web = WebChannel(app, port=0)
    app.add_channel(web)
    await app.start()
    try:
        assert app.scheduler is not None and app.scheduler.running
        wang, wu = Chat(app, web, "wang"), Chat(app, web, "wu")
        await wang.say("6号楼1单元楼道灯坏了")
        await wang.press("提交")
        for _ in range(200):  # the outbox loop is woken at commit; give it a moment, never a fixed sleep
            if any("楼道灯坏了" in m.text for m in wu.messages):
                break
            await asyncio.sleep(0.02)
        assert any("新派单" in m.text for m in wu.messages)
    finally:
        await app.stop()
    assert app.scheduler is None and app.outbox._task.done()
