"""Notices through the real Telegram adapter (aiogram's HTTP client) against the fake Bot API with Telegram's limits:
pacing under the global and per-chat rates, 429 retry_after honoured, 403 marks the chat unreachable, 5xx retried,
the author's preview edited in place, "Got it" pressed in Telegram."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.services import notices as svc
from models import Building, ChatIdentity, Person
from models.notices import NoticeDelivery
from tests.telegram_fixtures import _make_app, api  # noqa: F401  (fixture)

RATE = 40  # the bot's configured rate and the fake's enforced cap


@pytest.fixture
async def tg(settings, clock, api):  # noqa: F811
    app = await _make_app(settings, clock, api, send_rate_per_s=RATE)
    yield app
    await app.stop()


async def _residents(app, n: int, first: int = 70_000) -> list[int]:
    """n residents of building 10 with a Telegram chat each (chat id = first + i)."""
    async with app.sessionmaker() as s, s.begin():
        b = await s.scalar(select(Building).where(Building.code == "10"))
        now = app.clock.now()
        for i in range(n):
            p = Person(name=f"居民{i}", community_id=b.community_id, building_id=b.id, unit="1", room=str(100 + i),
                       consent_at=now, created_at=now)
            s.add(p)
            await s.flush()
            s.add(ChatIdentity(platform="telegram", chat_id=str(first + i), person_id=p.id, language_code="zh",
                               last_seen_at=now, created_at=now))
    return [first + i for i in range(n)]


async def _notice(app, text: str, urgent: bool = False) -> int:
    async with app.sessionmaker() as s, s.begin():
        zhao = await s.get(Person, (await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "zhao"))).person_id)
        b10 = await s.scalar(select(Building.id).where(Building.code == "10"))
        n = await svc.create(s, author=zhao, scope=await svc.scope_of(s, zhao), text=text, urgent=urgent,
                             audience={"kind": "buildings", "ids": [b10]}, now=app.clock.now())
        return n.id


def _received(api, chats, text) -> dict[int, int]:
    return {c: sum(1 for m in api.messages_to(c) if text in (m.plain or "")) for c in chats}


async def test_pacing_stays_under_telegrams_limits(tg, api):
    chats = await _residents(tg, 80)
    api.limit(global_per_s=RATE, per_chat_per_s=1, group_per_min=20)
    await _notice(tg, "电梯年检，周三停运一天。")
    t0 = time.monotonic()
    await svc.sender(tg).drain()
    took = time.monotonic() - t0
    assert set(_received(api, chats, "电梯年检").values()) == {1}
    assert api.stats.rate_limited == 0 and api.stats.max_per_second <= RATE
    assert took >= (80 - RATE) / RATE  # paced, not a burst (how close to the cap it runs is bench/broadcast.py's)


async def test_429_is_waited_out_and_403_marks_the_chat(tg, api, clock):
    chats = await _residents(tg, 6)
    api.fail_next("sendMessage", chat_id=chats[1], status=429, retry_after=1)
    api.block(chats[2])
    api.fail_next("sendMessage", chat_id=chats[3], status=502)
    nid = await _notice(tg, "明早8点小区消杀。")
    await svc.sender(tg).drain()
    got = _received(api, chats, "消杀")
    assert got == {chats[0]: 1, chats[1]: 0, chats[2]: 0, chats[3]: 0, chats[4]: 1, chats[5]: 1}
    async with tg.sessionmaker() as s:
        rows = {r.chat_id: r for r in await s.scalars(select(NoticeDelivery).where(NoticeDelivery.notice_id == nid))}
        assert rows[str(chats[1])].status == "pending" and rows[str(chats[1])].attempts == 0
        assert rows[str(chats[2])].status == "blocked"
        assert rows[str(chats[3])].status == "pending" and rows[str(chats[3])].attempts == 1
        ident = await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == str(chats[2])))
        assert ident.reachable is False and ident.blocked_at is not None
    clock.advance(seconds=3)  # past retry_after and the first backoff
    await svc.sender(tg).drain()
    got = _received(api, chats, "消杀")
    assert got == {chats[0]: 1, chats[1]: 1, chats[2]: 0, chats[3]: 1, chats[4]: 1, chats[5]: 1}
    calls = [c for c in api.calls if c.method == "sendMessage"]
    t429 = next(c.time for c in calls if c.status == 429)
    # every send held for retry_after, but for those already on their way when the 429 came back
    assert not [c for c in calls if t429 + 0.3 < c.time < t429 + 0.9]
    assert any(c.time >= t429 + 0.9 for c in calls)
    async with tg.sessionmaker() as s:
        c = await svc.counts(s, nid)
    assert (c["sent"], c["blocked"], c["remaining"]) == (5, 1, 0)


async def test_urgent_got_it_pressed_in_telegram(tg, api):
    chats = await _residents(tg, 2)
    nid = await _notice(tg, "自来水管爆裂，请关闭总阀！", urgent=True)
    await svc.sender(tg).drain()
    m = api.messages_to(chats[0])[-1]
    assert "紧急通知" in m.plain and m.button_texts == ["✅ 收到"]
    user = api.user(chats[0], "居民0")
    cid = await api.press(user, m, m.buttons[0]["callback_data"])
    answer = await api.wait_for(lambda a: a.callback_query_id == cid, among="callback_answers")
    assert "已确认收到" in answer.text
    async with tg.sessionmaker() as s:
        c = await svc.counts(s, nid)
    assert c["acked"] == 1
