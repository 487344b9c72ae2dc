"""The platform-neutral message model: what a channel hands the core (Incoming) and what handlers return (Reply).

Channels translate their platform's updates into Incoming and send Rendered messages; nothing here knows a platform.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Photo:
    platform: str
    file_ref: str  # the platform's file id (Telegram) or stored name (web chat)


@dataclass
class Incoming:
    platform: str
    chat_id: str
    user_id: str
    chat_type: str = "private"  # private, group, supergroup, channel
    text: str | None = None
    action: str | None = None  # a button's payload, e.g. "c1:accept:123"
    photo: Photo | None = None
    location: tuple[float, float] | None = None
    contact_phone: str | None = None
    language_code: str | None = None
    display_name: str | None = None
    message_id: str | None = None  # the message a button sat on, so a reply can edit it
    malformed: bool = False  # an update the channel could not make sense of

    @property
    def command(self) -> tuple[str, str] | None:
        """('/start', 'args') for a command text, else None. '/start@gridbot x' counts too."""
        if not self.text or not self.text.startswith("/"):
            return None
        head, _, args = self.text.strip().partition(" ")
        name = head.split("@", 1)[0].lower()
        if len(name) < 2 or not name[1:].replace("_", "").isalnum():
            return None
        return name, args.strip()


@dataclass(frozen=True)
class Button:
    label: str  # a label key: "<domain>.<name>", looked up in templates/<locale>/<domain>/labels.yaml
    data: str | None = None  # payload, at most 64 bytes; None with url
    ctx: dict[str, Any] = field(default_factory=dict)
    url: str | None = None

    def to_json(self) -> dict:
        d: dict[str, Any] = {"label": self.label, "data": self.data}
        if self.ctx:
            d["ctx"] = self.ctx
        if self.url:
            d["url"] = self.url
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Button":
        return cls(label=d["label"], data=d.get("data"), ctx=d.get("ctx") or {}, url=d.get("url"))


@dataclass
class Reply:
    """What to say: a template name and its context; the renderer writes the words in the person's locale."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    buttons: list[list[Button]] = field(default_factory=list)
    photo: Photo | None = None
    edit: bool = False  # replace the message whose button was pressed, instead of sending a new one
    toast: bool = False  # a short notice on the pressed button (Telegram answerCallbackQuery), not a message


@dataclass
class Rendered:
    text: str
    buttons: list[list[tuple[str, str | None, str | None]]] = field(default_factory=list)  # (text, data, url)
    photo: Photo | None = None
    html: bool = False


@dataclass
class SentRef:
    platform: str
    chat_id: str
    message_id: str


class ChannelError(Exception):
    """Base of what a channel reports when a send fails; the delivery loop decides what to do."""


class Blocked(ChannelError):
    """The person blocked the bot or the chat is gone: permanent until they write again."""


class RetryAfter(ChannelError):
    def __init__(self, seconds: float):
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Transient(ChannelError):
    """Network error or a 5xx: try again later."""


class Rejected(ChannelError):
    """The platform refused this message as malformed (4xx other than 403/429): do not retry."""
