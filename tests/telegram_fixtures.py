"""Fixtures for driving the real Telegram channel (aiogram's own HTTP client) against tests/fakebotapi.py:
the fake server, the app with both channels, and a transcript driver for one Telegram user."""
from __future__ import annotations

import socket
from typing import Any

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel
from bot.core import Incoming
from tests.fakebotapi import FakeBotAPI, FakeUser, Sent

TOKEN = "123456:TEST-gridbot"
SECRET = "s3cret_Token-1"


@pytest.fixture
async def api():
    server = FakeBotAPI(token=TOKEN, bot_username="gridbot_test_bot")
    await server.start()
    yield server
    await server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _make_app(settings, clock, api: FakeBotAPI, **overrides: Any):
    s = settings.model_copy(update={"telegram_token": api.token, "telegram_api_base": api.base_url, **overrides})
    app = App(s, clock=clock)
    await app.prepare()
    app.add_channel(WebChannel(app))  # the demo staff also have web chats: the outbox may fall back to them
    tg = TelegramChannel(app)
    app.add_channel(tg)
    # What the adapter hands the core, to check the conversion itself; the dispatcher runs unchanged.
    app.seen = []  # type: ignore[attr-defined]
    handle = app.dispatcher.handle

    async def observed(inc: Incoming):
        app.seen.append(inc)
        return await handle(inc)

    app.dispatcher.handle = observed  # type: ignore[method-assign]
    await tg.start()
    return app


@pytest.fixture
async def tg_app(settings, clock, api):
    """The real app over the conftest settings, long polling the fake Bot API (outbox not running: drain it)."""
    app = await _make_app(settings, clock, api)
    yield app
    await app.stop()


@pytest.fixture
async def hook_app(settings, clock, api):
    """The same app in webhook mode: the fake posts updates to our aiohttp server with the secret header."""
    port = free_port()
    app = await _make_app(settings, clock, api, webhook_url=f"http://127.0.0.1:{port}/tg/hook",
                          webhook_secret=SECRET, webhook_listen=f"127.0.0.1:{port}")
    yield app
    await app.stop()


class TgChat:
    """A person in their private chat with the bot: say, press, read what arrived (the user-visible text)."""

    def __init__(self, api: FakeBotAPI, user: FakeUser):
        self.api, self.user = api, user
        self._mark = 0

    @property
    def chat_id(self) -> int:
        return self.user.id

    @property
    def messages(self) -> list[Sent]:
        return self.api.messages_to(self.user.id)

    def _new(self) -> str:
        msgs = self.messages
        new, self._mark = msgs[self._mark:], len(msgs)
        return "\n\n".join(m.plain or "" for m in new)

    async def _until(self, until: str | int) -> None:
        since = self._mark
        if isinstance(until, int):
            await self.api.wait_until(lambda: len(self.messages) - since >= until)
        else:
            await self.api.wait_until(lambda: any(until in (m.plain or "") for m in self.messages[since:]))

    async def say(self, text: str, until: str | int = 1) -> str:
        """Write text; wait for a reply containing `until` (or for `until` messages); return the new replies."""
        self._mark = len(self.messages)
        await self.user.send_text(text)
        await self._until(until)
        return self._new()

    def find(self, label: str) -> tuple[Sent, dict]:
        for m in reversed(self.messages):
            current = self.api.message(m.chat_id, m.message_id) or {}
            for row in (current.get("reply_markup") or {}).get("inline_keyboard") or []:
                for b in row:
                    if label in b.get("text", ""):
                        return m, b
        raise AssertionError(f"no button {label!r}; last message: {self.messages[-1].plain if self.messages else None!r}")

    async def press(self, label: str) -> str:
        m, b = self.find(label)
        return await self.press_data(b["callback_data"], m)

    async def press_data(self, data: str, message: Any = None) -> str:
        """Press a button with this payload (under `message`, default the last one); the answer to the query ends
        the bot's turn, so everything it sent is there. Returns the new messages, then the toast if any."""
        self._mark = len(self.messages)
        cid = await self.api.press(self.user, message if message is not None else self.messages[-1], data)
        answer = await self.api.wait_for(lambda a: a.callback_query_id == cid, among="callback_answers")
        out = self._new()
        return "\n\n".join(x for x in (out, answer.text or "") if x)
