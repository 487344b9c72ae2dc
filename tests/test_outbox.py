"""The outbox: written with the change, delivered after commit, retried, paced, and never lost in a crash."""
from datetime import timedelta

from sqlalchemy import select

from bot.core import Blocked, Reply, RetryAfter, SentRef, Transient
from bot.services import outbox
from models import ChatIdentity, Outbox, Person


class ScriptedChannel:
    """A platform that fails as told: a fake of the messenger, never of the database."""

    platform = "web"
    html = False

    def __init__(self, script=None):
        self.script = list(script or [])
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id, message):
        if self.script:
            err = self.script.pop(0)
            if err is not None:
                raise err
        self.sent.append((chat_id, message.text))
        return SentRef("web", chat_id, str(len(self.sent)))

    async def edit(self, chat_id, message_id, message):
        return None

    async def set_menu(self, chat_id, commands):
        return None


async def _person(app, key):
    async with app.sessionmaker() as s:
        return await s.scalar(select(Person).where(Person.key == key))


async def _enqueue(app, person_id, text="hello"):
    async with app.sessionmaker() as s, s.begin():
        row = outbox.enqueue(s, person_id, Reply("cases/progress", {"case": {"id": 1}, "note": text}), app.clock.now())
        await s.flush()
        return row.id


async def test_committed_message_survives_a_crash_before_sending(app, clock):
    wu = await _person(app, "g2-wu")
    oid = await _enqueue(app, wu.id)
    # a process claims the row and dies before sending
    claimed = await app.outbox._claim(10)
    assert claimed == [oid]
    ch = ScriptedChannel()
    app.channels["web"] = ch
    assert await app.outbox.run_once() == 0  # still claimed by the dead process
    clock.advance(seconds=61)
    assert await app.outbox.run_once() == 1
    assert ch.sent == [("wu", "📝 #1 有新进展：hello")]


async def test_rolled_back_change_sends_nothing(app):
    wu = await _person(app, "g2-wu")
    try:
        async with app.sessionmaker() as s, s.begin():
            outbox.enqueue(s, wu.id, Reply("cases/progress", {"case": {"id": 1}, "note": "x"}), app.clock.now())
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    ch = ScriptedChannel()
    app.channels["web"] = ch
    assert await app.outbox.drain() == 0 and ch.sent == []


async def test_transient_errors_retry_with_backoff_and_429_waits(app, clock):
    wu = await _person(app, "g2-wu")
    oid = await _enqueue(app, wu.id)
    ch = ScriptedChannel([Transient("502"), RetryAfter(7)])
    app.channels["web"] = ch
    await app.outbox.run_once()
    async with app.sessionmaker() as s:
        row = await s.get(Outbox, oid)
        assert row.status == "pending" and row.attempts == 1 and row.available_at == clock.now() + timedelta(seconds=2)
    clock.advance(seconds=2)
    await app.outbox.run_once()
    async with app.sessionmaker() as s:
        row = await s.get(Outbox, oid)
        assert row.status == "pending" and row.available_at == clock.now() + timedelta(seconds=7)
    clock.advance(seconds=6)
    assert await app.outbox.run_once() == 0  # not before retry_after
    clock.advance(seconds=1)
    await app.outbox.run_once()
    async with app.sessionmaker() as s:
        assert (await s.get(Outbox, oid)).status == "sent"
    assert len(ch.sent) == 1


async def test_blocked_worker_is_marked_and_the_coordinator_is_told(app):
    wu = await _person(app, "g2-wu")
    oid = await _enqueue(app, wu.id)
    ch = ScriptedChannel([Blocked("bot was blocked by the user")])
    app.channels["web"] = ch
    await app.outbox.drain()
    async with app.sessionmaker() as s:
        assert (await s.get(Outbox, oid)).status == "undeliverable"
        ident = await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "wu"))
        assert ident.reachable is False
    assert any(chat == "zhao" and "吴网格员" in text and "联系不上" in text for chat, text in ch.sent)


async def test_writing_again_makes_a_blocked_person_reachable(app, chat):
    async with app.sessionmaker() as s, s.begin():
        ident = await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "wang"))
        ident.reachable = False
    await chat("wang").say("/help")
    async with app.sessionmaker() as s:
        assert (await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "wang"))).reachable is True
