"""Notices through the web chat: compose with the exact count, targeting by each audience, who may send where,
acknowledgements, quiet hours, mute, scheduled notices, the care list, and resuming without duplicates."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.services import notices as svc
from models import Building, ChatIdentity, Person
from models.notices import Notice, NoticeDelivery

DEMO_RESIDENTS = {"wang", "zhang", "amy"}


async def deliver(app) -> int:
    n = await svc.sender(app).drain()
    await app.outbox.drain()
    return n


async def compose(c, text: str, audience: str, *, urgent: bool = False, extra: list[str] | None = None) -> str:
    """Drive /notice to the preview; returns the preview text."""
    await c.say("/notice")
    await c.say(text)
    out = await c.press(audience)
    for step in extra or []:
        out = await (c.say(step[4:]) if step.startswith("say:") else c.press(step))
    await c.press("紧急" if urgent else "普通")
    return await c.press("立即发送")


def got(chat, text: str) -> bool:
    return any(text in m.text for m in chat.messages)


async def test_coordinator_sends_to_everyone_with_exact_count_and_progress(chat, app):
    z = chat("zhao")
    out = await compose(z, "明天上午9点到11点停水，请提前储水。", "全体居民")
    assert "收件人：3人" in out and "停水" in out
    preview, _ = z.find_button("确认发送")
    assert await z.press("确认发送") == ""  # the preview itself turns into the progress message
    assert "正在发送" in preview.text and "待发 3" in preview.text
    await deliver(app)
    for name in DEMO_RESIDENTS:
        assert got(chat(name), "停水"), name
    assert "Notice" in chat("amy").messages[-1].text  # Amy reads English
    assert not got(chat("li"), "停水")  # a grid worker without a home here is not a resident
    assert "发送完毕" in preview.text and "已送达 3" in preview.text and "待发 0" in preview.text
    assert "发送报告" in z.last_text and "送达 3人" in z.last_text
