"""Statements run at the driver (bot/prepared.py) read and write exactly what SQLAlchemy would, inside the session's
transaction, on SQLite (at the driver) and PostgreSQL (through SQLAlchemy)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, literal, select, text, union_all

from bot.prepared import Prepared
from models import Case, CaseEvent, Person

CASE = Case.__table__
EVENT = CaseEvent.__table__


async def _reporter_id(app) -> int:
    async with app.sessionmaker() as s:
        return await s.scalar(select(Person.id).order_by(Person.id).limit(1))


def _case_values(reporter: int, at: datetime, text: str) -> dict:
    return {"category": "lighting", "urgent": True, "colour": "red", "state": "submitted", "text": text,
            "reporter_id": reporter, "parse": {"evidence": ["灯", "坏"], "confidence": 0.9}, "reopen_count": 0,
            "escalation_level": 0, "supervised": False, "created_at": at, "updated_at": at,
            "accept_due_at": at + timedelta(minutes=30)}


async def test_rows_match_what_sqlalchemy_reads(app):
    reporter = await _reporter_id(app)
    at = datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)
    insert = Prepared(CASE.insert())
    by_ids = Prepared(select(CASE.c.id, CASE.c.urgent, CASE.c.parse, CASE.c.accept_due_at, CASE.c.text)
                      .where(CASE.c.id.in_(bindparam("ids", expanding=True))).order_by(CASE.c.id))
    async with app.sessionmaker() as s, s.begin():
        ids = [await insert.run(s, _case_values(reporter, at, f"第{i}盏灯不亮")) for i in range(3)]
        assert len(set(ids)) == 3 and all(isinstance(i, int) for i in ids)
        mine = await by_ids.rows(s, {"ids": ids[:2]})
        theirs = [tuple(r) for r in (await s.execute(by_ids.statement, {"ids": ids[:2]})).all()]
    assert mine == theirs
    assert [r[4] for r in mine] == ["第0盏灯不亮", "第1盏灯不亮"]
    assert mine[0][1] is True and mine[0][2] == {"evidence": ["灯", "坏"], "confidence": 0.9}
    assert mine[0][3] == at + timedelta(minutes=30) and mine[0][3].tzinfo is not None


async def test_literals_many_rows_and_updates(app):
    reporter = await _reporter_id(app)
    at = datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)
    async with app.sessionmaker() as s, s.begin():
        cid = await Prepared(CASE.insert()).run(s, _case_values(reporter, at, "路灯"))
        await Prepared(EVENT.insert()).run(s, [
            {"case_id": cid, "at": at, "actor_id": reporter, "kind": k, "from_state": None, "to_state": "submitted",
             "note": None, "data": {"n": n}} for n, k in enumerate(("submit", "assign"))])
        # a list given to a JSON column is one value, not an IN list
        await Prepared(EVENT.insert()).run(s, {"case_id": cid, "at": at, "actor_id": None, "kind": "note",
                                               "from_state": None, "to_state": None, "note": None, "data": [1, 2, 3]})
        assert await Prepared(select(EVENT.c.data).where(EVENT.c.kind == "note", EVENT.c.case_id == bindparam("id"))
                              ).first(s, {"id": cid}) == ([1, 2, 3],)
        await Prepared(CASE.update().where(CASE.c.id == bindparam("pk"))).run(
            s, {"pk": cid, "state": "assigned", "updated_at": at + timedelta(hours=1)})
        both = Prepared(union_all(
            select(literal("case"), CASE.c.state).where(CASE.c.id == bindparam("id")),
            select(literal("event"), EVENT.c.kind).where(EVENT.c.case_id == bindparam("id"))))
        rows = sorted(await both.rows(s, {"id": cid}))
    assert rows == [("case", "assigned"), ("event", "assign"), ("event", "note"), ("event", "submit")]
    async with app.sessionmaker() as s:
        case = await s.get(Case, cid)
        assert case.state == "assigned" and case.updated_at == at + timedelta(hours=1)


async def test_a_rolled_back_transaction_keeps_nothing(app):
    reporter = await _reporter_id(app)
    at = datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)
    async with app.sessionmaker() as s:
        await s.begin()
        cid = await Prepared(CASE.insert()).run(s, _case_values(reporter, at, "撤回的"))
        await s.rollback()
        # a new transaction in the same session: the row is gone, and the statement runs there as well
        assert await Prepared(select(CASE.c.id).where(CASE.c.id == bindparam("id"))).first(s, {"id": cid}) is None
        await s.rollback()


async def test_datetimes_are_stored_as_sqlalchemy_stores_them_and_read_back_aware(app):
    """Rows written at the driver and rows written by SQLAlchemy sort and compare alike: the stored text is the same."""
    reporter = await _reporter_id(app)
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2026, 11, 23, 10, 30, 5, tzinfo=shanghai)  # 02:30:05 UTC, no microseconds
    later = datetime(2026, 11, 23, 2, 30, 5, 120, tzinfo=timezone.utc)
    async with app.sessionmaker() as s, s.begin():
        mine = await Prepared(CASE.insert()).run(s, {**_case_values(reporter, at, "甲"), "accept_due_at": later})
        theirs = (await s.execute(CASE.insert().values({**_case_values(reporter, at, "乙"), "accept_due_at": later})
                                  )).inserted_primary_key[0]
        if app.engine.dialect.name == "sqlite":
            texts = (await s.execute(text(f'SELECT created_at, accept_due_at FROM "case" WHERE id IN ({mine}, {theirs})'
                                          ' ORDER BY id'))).all()
            assert texts[0] == texts[1] == ("2026-11-23 02:30:05.000000", "2026-11-23 02:30:05.000120")
        got = await Prepared(select(CASE.c.created_at, CASE.c.accept_due_at).where(CASE.c.id == bindparam("id"))
                             ).first(s, {"id": theirs})
    assert got == (at, later) and got[0].utcoffset() == timedelta(0)
