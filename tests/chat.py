"""Transcript-style driving of the real router through the web chat channel: say, press, read the replies."""
from __future__ import annotations

from bot.channels.web import WebChannel, WebMessage


class Chat:
    def __init__(self, app, web: WebChannel, chat_id: str, lang: str = "zh"):
        self.app, self.web, self.chat_id, self.lang = app, web, chat_id, lang
        self._seen = 0

    @property
    def messages(self) -> list[WebMessage]:
        return [m for m in self.web.messages.get(self.chat_id, []) if not m.mine]

    def _new(self) -> list[WebMessage]:
        msgs = self.messages
        new = msgs[self._seen:]
        self._seen = len(msgs)
        return new

    def mark(self) -> None:
        self._seen = len(self.messages)

    async def say(self, text: str) -> str:
        """Send text; returns the bot's replies joined by blank lines."""
        self.mark()
        await self.web.say(self.chat_id, text, lang=self.lang)
        return "\n\n".join(m.text for m in self._new())

    async def photo(self, file_ref: str = "/files/test.jpg", caption: str | None = None) -> str:
        self.mark()
        await self.web.send_photo(self.chat_id, file_ref, caption, lang=self.lang)
        return "\n\n".join(m.text for m in self._new())

    async def location(self, lat: float, lon: float) -> str:
        self.mark()
        await self.web.send_location(self.chat_id, lat, lon, lang=self.lang)
        return "\n\n".join(m.text for m in self._new())

    def find_button(self, label: str) -> tuple[WebMessage, dict]:
        for m in reversed(self.messages):
            for row in m.buttons:
                for b in row:
                    if label in (b.get("text") or ""):
                        return m, b
        raise AssertionError(f"no button {label!r} in chat {self.chat_id}; last: {self.last_text!r}")

    def buttons(self) -> list[str]:
        last = next((m for m in reversed(self.messages) if m.buttons), None)
        return [b["text"] for row in last.buttons for b in row] if last else []

    async def press(self, label: str) -> str:
        """Press the newest button whose text contains label; returns replies (and any toast)."""
        m, b = self.find_button(label)
        return await self.press_data(b["data"], m.id)

    async def press_data(self, data: str, message_id: int | str = 0) -> str:
        self.mark()
        await self.web.press(self.chat_id, message_id, data, lang=self.lang)
        return "\n\n".join(m.text for m in self._new())

    @property
    def last_text(self) -> str:
        return self.messages[-1].text if self.messages else ""

    async def inbox(self) -> str:
        """Deliver the outbox, then return what arrived here since the last look."""
        await self.app.outbox.drain()
        return "\n\n".join(m.text for m in self._new())
