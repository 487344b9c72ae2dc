"""What every channel adapter offers the core: send, edit, and (where the platform has one) a command menu."""
from __future__ import annotations

from typing import Protocol

from bot.core import Rendered, SentRef


class Channel(Protocol):
    platform: str
    html: bool  # True: the renderer escapes for HTML (Telegram); False: plain text (web chat)

    async def send(self, chat_id: str, message: Rendered) -> SentRef:
        """Send one message; raise bot.core.Blocked / RetryAfter / Transient / Rejected on failure."""

    async def edit(self, chat_id: str, message_id: str, message: Rendered) -> None:
        """Replace a message's text and buttons in place."""

    async def set_menu(self, chat_id: str, commands: list[tuple[str, str]]) -> None:
        """The command menu of one chat (name, description); a no-op where the platform has none."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
