"""An in-process fake of the Telegram Bot API (aiohttp.web on 127.0.0.1) for tests and benchmarks.

It speaks the real wire format, so aiogram's own AiohttpSession can talk to it unpatched.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import math
import re
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

__all__ = [
    "ApiError",
    "CallbackAnswer",
    "Call",
    "Edit",
    "FakeBotAPI",
    "FakeUser",
    "Sent",
    "Stats",
    "WaitTimeout",
    "WebhookDelivery",
    "parse_html",
]

# A real (tiny, 1x1) JPEG, so code that sniffs the magic bytes of a downloaded photo sees a JPEG.
_TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
CALLBACK_ANSWER_WINDOW = 15.0  # seconds Telegram keeps a callback query answerable

# Update kinds Telegram leaves out unless they are asked for explicitly in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)
# Methods that deliver something into a chat: these are what block() and limit() act on.
_SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendlocation"})
_EDIT_METHODS = frozenset({"editmessagetext", "editmessagecaption", "editmessagereplymarkup"})
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ApiError(Exception):
    """An error answer, raised inside method handlers and turned into {"ok": false, ...}."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _bad(description: str) -> ApiError:
    return ApiError(400, "Bad Request: " + description)


class WaitTimeout(AssertionError):
    """wait_for gave up; an AssertionError so pytest reports it as a plain test failure."""


# --------------------------------------------------------------------------- HTML checking


class _HtmlError(Exception):
    pass


_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{1,10});")
_ATTR_RE = re.compile(r"\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_SPECIAL = re.compile(r"[<>&]")


def _utf16_len(s: str) -> int:
    # Telegram measures offsets and lengths in UTF-16 code units.
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _decode_entities(raw: str, text: str, base: int) -> str:
    out, pos = [], 0
    for m in _ENTITY_RE.finditer(raw):
        out.append(raw[pos : m.start()])
        out.append(_decode_entity(m, text, base + m.start()))
        pos = m.end()
    rest = raw[pos:]
    if "&" in rest:
        _fail_amp(text, base + pos + rest.index("&"))
    out.append(rest)
    return "".join(out)


def _fail_amp(text: str, index: int) -> None:
    raise _HtmlError(
        f'Character "&" must be escaped as "&amp;" at byte offset {_byte_offset(text, index)}'
    )


def _decode_entity(m: re.Match[str], text: str, index: int) -> str:
    name = m.group(1)
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
    elif name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name]
    raise _HtmlError(
        f'Unsupported HTML entity "&{name};" at byte offset {_byte_offset(text, index)}'
    )


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Render Telegram-HTML to (plain text, entities) or raise _HtmlError like the real parser.

    Stricter than Telegram in one way, on purpose: a bare & or > is rejected because the Bot API
    documentation requires them escaped, even though Telegram itself tolerates some of them.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, int, dict[str, str], int]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        m = _SPECIAL.search(text, i)
        j = m.start() if m else n
        if j > i:
            chunk = text[i:j]
            out.append(chunk)
            pos16 += _utf16_len(chunk)
        if not m:
            break
        ch = m.group()
        if ch == ">":
            raise _HtmlError(
                f'Character ">" must be escaped as "&gt;" at byte offset {_byte_offset(text, j)}'
            )
        if ch == "&":
            em = _ENTITY_RE.match(text, j)
            if not em:
                _fail_amp(text, j)
            decoded = _decode_entity(em, text, j)  # type: ignore[arg-type]
            out.append(decoded)
            pos16 += _utf16_len(decoded)
            i = em.end()  # type: ignore[union-attr]
            continue
        # A tag: find its closing '>' while respecting quoted attribute values.
        k, quote = j + 1, ""
        while k < n:
            c = text[k]
            if quote:
                if c == quote:
                    quote = ""
            elif c in "\"'":
                quote = c
            elif c == ">":
                break
            k += 1
        if k >= n:
            raise _HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, j)}")
        inner = text[j + 1 : k]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _HtmlError(f"Unexpected end tag at byte offset {_byte_offset(text, j)}")
            tag, start16, attrs, _ = stack.pop()
            if name != tag:
                raise _HtmlError(
                    f'Unmatched end tag at byte offset {_byte_offset(text, j)}, '
                    f'expected "</{tag}>", found "</{name}>"'
                )
            _close_entity(tag, start16, pos16, attrs, stack, entities)
        else:
            nm = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
            name = nm.group().lower() if nm else inner.strip()
            if not nm or name not in _TAG_ENTITY:
                raise _HtmlError(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, j)}'
                )
            attrs = _parse_attrs(inner[nm.end() :], name, text, j)
            stack.append((name, pos16, attrs, j))
        i = k + 1
    if stack:
        raise _HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_attrs(rest: str, tag: str, text: str, at: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    p = 0
    rest = rest.rstrip()
    while p < len(rest):
        m = _ATTR_RE.match(rest, p)
        if not m or m.end() == p:
            raise _HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, at)}"
            )
        value = m.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1]
        attrs[m.group(1).lower()] = _decode_entities(value, text, at)
        p = m.end()
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _HtmlError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, at)}'
        )
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise _HtmlError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                         f"{_byte_offset(text, at)}")
    return attrs


def _close_entity(tag, start16, end16, attrs, stack, entities) -> None:
    if tag == "code" and stack and stack[-1][0] == "pre" and attrs.get("class", "").startswith(
        "language-"
    ):
        # <pre><code class="language-x"> is one pre entity with a language, not two entities.
        stack[-1][2]["language"] = attrs["class"][len("language-") :]
        return
    if end16 == start16:
        return
    kind = _TAG_ENTITY[tag]
    ent: dict[str, Any] = {"type": kind, "offset": start16, "length": end16 - start16}
    if tag == "a":
        href = attrs.get("href", "")
        if not href:
            return  # Telegram drops a link without a URL and keeps the text
        if href.startswith("tg://user?id="):
            ent["type"] = "text_mention"
            ent["user"] = {"id": int(href.split("=", 1)[1] or 0), "is_bot": False, "first_name": ""}
        else:
            ent["url"] = href
    elif tag == "pre" and "language" in attrs:
        ent["language"] = attrs["language"]
    elif tag == "blockquote" and "expandable" in attrs:
        ent["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        ent["custom_emoji_id"] = attrs["emoji-id"]
    entities.append(ent)


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class FakeUser:
    """A simulated Telegram user; the methods are shortcuts for the FakeBotAPI injectors."""

    api: FakeBotAPI = field(repr=False)
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code", "is_premium"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d

    @property
    def private_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    async def send_text(self, text: str, chat: dict[str, Any] | None = None, **kw: Any) -> int:
        return await self.api.send_text(self, text, chat, **kw)

    async def send_photo(self, caption: str | None = None, **kw: Any) -> int:
        return await self.api.send_photo(self, caption, **kw)

    async def send_location(self, lat: float, lon: float, **kw: Any) -> int:
        return await self.api.send_location(self, lat, lon, **kw)

    async def send_contact(self, phone_number: str = "+8613800000000", **kw: Any) -> int:
        return await self.api.send_contact(self, phone_number, **kw)

    async def press(self, message: Any, data: str) -> str:
        return await self.api.press(self, message, data)

    async def press_button(self, message: Any, text: str) -> str:
        return await self.api.press_button(self, message, text)

    def last_message(self) -> Sent | None:
        return self.api.last_message(self.id)


@dataclass(slots=True)
class Sent:
    """One message the bot delivered (sendMessage / sendPhoto / sendDocument / sendLocation)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None  # text or caption exactly as the bot sent it (HTML tags included)
    plain: str | None  # what the user sees: tags stripped, entities decoded
    parse_mode: str | None
    reply_markup: dict[str, Any] | None  # any kind: inline_keyboard, keyboard, remove_keyboard...
    photo: str | None  # file_id of the photo/document, if any
    time: float  # time.monotonic() when accepted
    params: dict[str, Any] = field(repr=False)
    message: dict[str, Any] = field(repr=False)  # the Message JSON as answered at send time

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline buttons of the markup this message was sent with, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [b for row in rows for b in row]

    @property
    def button_texts(self) -> list[str]:
        return [b.get("text", "") for b in self.buttons]


@dataclass(slots=True)
class Edit:
    method: str
    chat_id: int
    message_id: int
    text: str | None  # new text or caption as sent (None for editMessageReplyMarkup)
    plain: str | None
    reply_markup: dict[str, Any] | None
    time: float
    params: dict[str, Any] = field(repr=False)


@dataclass(slots=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    time: float


@dataclass(slots=True)
class Call:
    """Every API request, whatever its outcome (status 200 or the error code answered)."""

    method: str
    params: dict[str, Any] = field(repr=False)
    status: int = 200
    description: str | None = None
    time: float = 0.0


@dataclass(slots=True)
class WebhookDelivery:
    update_id: int
    status: int  # HTTP status from the receiver, 0 when the connection failed
    attempt: int
    time: float
    error: str | None = None


@dataclass(slots=True)
class Stats:
    sent_ok: int = 0  # messages delivered (send* methods)
    edits_ok: int = 0
    rate_limited: int = 0  # 429 answers (limiter and fail_next together)
    forbidden: int = 0  # 403 answers
    bad_request: int = 0  # 400 answers
    server_errors: int = 0  # 5xx answers
    duplicates: int = 0  # a (chat_id, text) pair delivered more than once
    max_per_second: int = 0  # most deliveries inside any sliding one-second window
    first_ok: float | None = None  # time.monotonic() of the first and last delivery
    last_ok: float | None = None

    @property
    def rate(self) -> float:
        """Average deliveries per second between the first and the last delivery."""
        if not self.first_ok or not self.last_ok or self.last_ok <= self.first_ok:
            return 0.0
        return (self.sent_ok - 1) / (self.last_ok - self.first_ok)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {"rate": self.rate}


@dataclass(slots=True)
class _Upload:
    filename: str
    data: bytes


@dataclass(slots=True)
class _Failure:
    method: str | None
    chat_id: str | None
    status: int
    description: str
    retry_after: int | None
    times: int | None
    delay: float
    disconnect: bool
    body: str | None


@dataclass(slots=True)
class _Limits:
    global_per_s: int | None
    per_chat_per_s: int | None
    group_per_min: int | None
    global_window: deque[float] = field(default_factory=deque)
    chat_windows: dict[int, deque[float]] = field(default_factory=dict)
    group_windows: dict[int, deque[float]] = field(default_factory=dict)


class _Params:
    """Request parameters; form values are strings with JSON inside, JSON bodies are typed."""

    __slots__ = ("d",)

    def __init__(self, d: dict[str, Any]) -> None:
        self.d = d

    def get(self, key: str) -> Any:
        return self.d.get(key)

    def str(self, key: str) -> str | None:
        v = self.d.get(key)
        return None if v is None else v if isinstance(v, str) else str(v)

    def int(self, key: str, required: bool = False) -> int | None:
        v = self.d.get(key)
        if v is None or v == "":
            if required:
                raise _bad(f"{key} is empty")
            return None
        try:
            return int(v)
        except (TypeError, ValueError):
            raise _bad(f"invalid {key} specified") from None

    def bool(self, key: str) -> bool:
        v = self.d.get(key)
        return v is True or (isinstance(v, str) and v.lower() in ("true", "1"))

    def json(self, key: str, what: str = "JSON object") -> Any:
        v = self.d.get(key)
        if isinstance(v, str):
            try:
                return json.loads(v)
            except ValueError:
                raise _bad(f"can't parse {what}") from None
        return v


# --------------------------------------------------------------------------- the server


class FakeBotAPI:
    """Fake Bot API server. Start it, point aiogram at base_url, inject user actions, observe."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "gridbot_test_bot",
        *,
        bot_first_name: str = "Gridbot Test",
        strict_chats: bool = False,
        webhook_attempts: int = 3,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        # strict_chats: sending to a chat no update ever mentioned answers "chat not found",
        # as Telegram does; off by default so benchmarks can address arbitrary chat ids.
        self.strict_chats = strict_chats
        self.webhook_attempts = webhook_attempts
        self.base_url = ""
        self.port = 0

        self.sent: list[Sent] = []
        self.edits: list[Edit] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.calls: list[Call] = []
        self.actions: list[tuple[int, str]] = []  # (chat_id, action) from sendChatAction
        self.deleted: list[tuple[int, int]] = []  # (chat_id, message_id) from deleteMessage
        self.injected: list[dict[str, Any]] = []  # every update a test injected
        self.webhook_deliveries: list[WebhookDelivery] = []
        # setMyCommands, keyed by (scope key, language_code); see scope_key().
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.files: dict[str, dict[str, Any]] = {}  # file_id -> {"data", "path", "unique_id"}
        self.stats = Stats()

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_mid: dict[int, int] = {}
        self._sent_by_chat: dict[int, list[Sent]] = {}
        self._delivered_pairs: set[tuple[int, str]] = set()
        self._ok_window: deque[float] = deque()
        self._pending: list[tuple[dict[str, Any], bool]] = []  # (update, filterable)
        self._next_update_id = 1
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callbacks: dict[str, dict[str, Any]] = {}
        self._allowed_updates: set[str] | None = None
        self._failures: list[_Failure] = []
        self._blocked: dict[int, str] = {}
        self._limits: _Limits | None = None
        self._handlers: dict[str, Callable[[_Params], Any]] = {}
        self._custom: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self._poll_generation = 0
        self.polls_waiting = 0  # getUpdates requests parked in a long poll right now
        self._updates_changed = asyncio.Event()
        self._records_changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_last_error: tuple[int, str] | None = None

        for name in (
            "getMe", "getUpdates", "sendMessage", "sendPhoto", "sendDocument", "sendLocation",
            "editMessageText", "editMessageCaption", "editMessageReplyMarkup", "deleteMessage",
            "answerCallbackQuery", "setMyCommands", "getMyCommands", "deleteMyCommands",
            "setWebhook", "deleteWebhook", "getWebhookInfo", "getFile", "sendChatAction",
        ):
            self._handlers[name.lower()] = getattr(self, "_m_" + name)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._http_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._http_file)
        # access_log=None: per-request logging would cost more than the handlers themselves.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._client = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        self._closing = True
        self._poll_generation += 1
        self._wake_updates()  # let parked long polls answer now instead of at their timeout
        if self._webhook_task:
            self._webhook_task.cancel()
            try:
                await self._webhook_task
            except (asyncio.CancelledError, Exception):
                pass
            self._webhook_task = None
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
        if self._client:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def make_bot(self, **bot_kwargs: Any) -> Any:
        """An aiogram Bot whose real AiohttpSession points at this server."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **bot_kwargs)

    def set_handler(self, method: str, handler: Callable[[dict[str, Any]], Any]) -> None:
        """Answer `method` with handler(params) (sync or async); raise ApiError for errors."""
        self._custom[method.lower()] = handler

    # ------------------------------------------------------------------ HTTP layer

    async def _http_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _json_response(401, {"ok": False, "error_code": 401,
                                        "description": "Unauthorized"})
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        params[key] = _Upload(value.filename or key, value.file.read())
                    else:
                        params[key] = value
        method = request.match_info["method"]
        failure = self._take_failure(method, params)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.disconnect and request.transport is not None:
                request.transport.abort()
                return web.Response(status=500)
            if failure.body is not None:
                self._count_error(failure.status)
                self._record_call(method, params, failure.status, failure.description)
                return web.Response(status=failure.status, text=failure.body,
                                    content_type="text/html")
            status, payload = self._error_payload(
                ApiError(failure.status, failure.description, failure.retry_after))
            self._record_call(method, params, status, failure.description)
            return _json_response(status, payload)
        status, payload = await self.call(method, params)
        return _json_response(status, payload)

    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Run one API method on already-decoded parameters; returns (HTTP status, JSON body)."""
        key = method.lower()
        handler = self._handlers.get(key)
        custom = self._custom.get(key)
        try:
            if custom is not None:
                result = custom(params)
                if asyncio.iscoroutine(result):
                    result = await result
            elif handler is None:
                raise ApiError(404, "Not Found")
            else:
                result = handler(_Params(params))
                if asyncio.iscoroutine(result):
                    result = await result
        except ApiError as e:
            status, payload = self._error_payload(e)
            self._record_call(method, params, status, e.description)
            return status, payload
        self._record_call(method, params, 200, None)
        return 200, {"ok": True, "result": result}

    def _error_payload(self, e: ApiError) -> tuple[int, dict[str, Any]]:
        payload: dict[str, Any] = {"ok": False, "error_code": e.status,
                                   "description": e.description}
        if e.retry_after is not None:
            payload["parameters"] = {"retry_after": e.retry_after}
        self._count_error(e.status)
        return e.status, payload

    def _count_error(self, status: int) -> None:
        if status == 429:
            self.stats.rate_limited += 1
        elif status == 403:
            self.stats.forbidden += 1
        elif status == 400:
            self.stats.bad_request += 1
        elif status >= 500:
            self.stats.server_errors += 1

    def _record_call(self, method: str, params: dict[str, Any], status: int,
                     description: str | None) -> None:
        self.calls.append(Call(method, params, status, description, time.monotonic()))
        self._touch()

    async def _http_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _json_response(401, {"ok": False, "error_code": 401,
                                        "description": "Unauthorized"})
        path = request.match_info["path"]
        for info in self.files.values():
            if info["path"] == path:
                return web.Response(body=info["data"], content_type="application/octet-stream")
        return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    # ------------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str | None = "sendMessage",
        chat_id: int | str | None = None,
        status: int = 429,
        retry_after: int | None = 3,
        *,
        times: int | None = 1,
        description: str | None = None,
        delay: float = 0.0,
        disconnect: bool = False,
        body: str | None = None,
    ) -> None:
        """Make the next `times` matching calls fail (times=None: until clear_failures()).

        method=None matches every method except getUpdates. retry_after is only sent with 429.
        delay: answer that many seconds late; disconnect: drop the connection without answering
        (aiogram raises TelegramNetworkError); body: answer this raw non-JSON text instead.
        """
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: "Forbidden: bot was blocked by the user",
                400: "Bad Request",
                401: "Unauthorized",
                404: "Not Found",
                409: "Conflict",
                502: "Bad Gateway",
            }.get(status, "Internal Server Error" if status >= 500 else "Error")
        self._failures.append(
            _Failure(
                method.lower() if method else None,
                None if chat_id is None else str(chat_id),
                status,
                description,
                retry_after if status == 429 else None,
                times,
                delay,
                disconnect,
                body,
            )
        )

    def clear_failures(self) -> None:
        self._failures.clear()

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        if not self._failures:
            return None
        key = method.lower()
        for f in self._failures:
            if f.method is None and key == "getupdates":
                continue
            if f.method is not None and f.method != key:
                continue
            if f.chat_id is not None and str(params.get("chat_id")) != f.chat_id:
                continue
            if f.times is not None:
                f.times -= 1
                if f.times <= 0:
                    self._failures.remove(f)
            return f
        return None

    def block(self, chat_id: int, description: str | None = None, *, notify: bool = False) -> None:
        """Every send/edit/chat action to chat_id answers 403 until unblock(chat_id).

        notify=True also queues the my_chat_member update Telegram sends when a user blocks a bot.
        """
        if description is None:
            if chat_id > 0:
                description = "Forbidden: bot was blocked by the user"
            elif str(chat_id).startswith("-100"):
                description = "Forbidden: bot was kicked from the supergroup chat"
            else:
                description = "Forbidden: bot was kicked from the group chat"
        self._blocked[chat_id] = description
        if notify:
            chat = self._chat_for(chat_id)
            user = self._users.get(chat_id)
            actor = user.to_dict() if user else {"id": chat_id, "is_bot": False,
                                                 "first_name": chat.get("first_name", "User")}
            now = int(time.time())
            self._enqueue({"my_chat_member": {
                "chat": chat, "from": actor, "date": now,
                "old_chat_member": {"status": "member", "user": self._me()},
                "new_chat_member": {"status": "kicked", "user": self._me(), "until_date": 0},
            }})

    def unblock(self, chat_id: int) -> None:
        self._blocked.pop(chat_id, None)

    def limit(
        self,
        global_per_s: int | None = 30,
        per_chat_per_s: int | None = 1,
        group_per_min: int | None = 20,
    ) -> None:
        """Enforce Telegram's broadcast limits with sliding windows; over them answer 429."""
        self._limits = _Limits(global_per_s, per_chat_per_s, group_per_min)

    def unlimit(self) -> None:
        self._limits = None

    def _check_limits(self, chat_id: int) -> None:
        lim = self._limits
        if lim is None:
            return
        now = time.monotonic()
        wait = 0.0
        gw = lim.global_window
        while gw and gw[0] <= now - 1.0:
            gw.popleft()
        if lim.global_per_s is not None and len(gw) >= lim.global_per_s:
            wait = max(wait, gw[len(gw) - lim.global_per_s] + 1.0 - now)
        cw = lim.chat_windows.get(chat_id)
        if cw is None:
            cw = lim.chat_windows[chat_id] = deque()
        while cw and cw[0] <= now - 1.0:
            cw.popleft()
        if lim.per_chat_per_s is not None and len(cw) >= lim.per_chat_per_s:
            wait = max(wait, cw[len(cw) - lim.per_chat_per_s] + 1.0 - now)
        gm = None
        if chat_id < 0 and lim.group_per_min is not None:
            gm = lim.group_windows.get(chat_id)
            if gm is None:
                gm = lim.group_windows[chat_id] = deque()
            while gm and gm[0] <= now - 60.0:
                gm.popleft()
            if len(gm) >= lim.group_per_min:
                wait = max(wait, gm[len(gm) - lim.group_per_min] + 60.0 - now)
        if wait > 0:
            # Telegram rounds up and never says less than one second.
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        gw.append(now)
        cw.append(now)
        if gm is not None:
            gm.append(now)

    def _gate(self, chat_id: int) -> None:
        """Blocked chats and rate limits, in that order, for anything delivered to a chat."""
        desc = self._blocked.get(chat_id)
        if desc is not None:
            raise ApiError(403, desc)
        self._check_limits(chat_id)

    # ------------------------------------------------------------------ chats and messages

    def _me(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    def _chat_for(self, chat_id: int) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise _bad("chat not found")
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
            elif str(chat_id).startswith("-100"):
                chat = {"id": chat_id, "type": "supergroup", "title": f"Chat {chat_id}"}
            else:
                chat = {"id": chat_id, "type": "group", "title": f"Chat {chat_id}"}
            self._chats[chat_id] = chat
        return chat

    def _resolve_chat(self, p: _Params) -> dict[str, Any]:
        raw = p.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == raw[1:].lower():
                    return chat
            raise _bad("chat not found")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise _bad("chat not found") from None
        return self._chat_for(chat_id)

    def _new_mid(self, chat_id: int) -> int:
        mid = self._next_mid.get(chat_id, 1)
        self._next_mid[chat_id] = mid + 1
        return mid

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current (edited) JSON of a stored message, bot's or user's."""
        return self._messages.get((chat_id, message_id))

    def _render(self, text: str, parse_mode: str | None, limit: int, what: str,
                entities: Any) -> tuple[str, list[dict[str, Any]] | None]:
        if parse_mode and parse_mode.lower() == "html":
            try:
                plain, ents = parse_html(text)
            except _HtmlError as e:
                raise _bad(f"can't parse entities: {e}") from None
        else:
            # MarkdownV2/Markdown are not checked; explicit entities pass through unchanged.
            plain, ents = text, entities if isinstance(entities, list) else None
        if not plain.strip():
            raise _bad(f"{what} is empty")
        if _utf16_len(plain) > limit:
            # Telegram's wording: "message is too long" but "message caption is too long".
            raise _bad("message is too long" if limit == MAX_TEXT else f"{what} is too long")
        return plain, ents or None

    def _markup(self, p: _Params) -> dict[str, Any] | None:
        markup = p.json("reply_markup", "reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an '
                           "Array of Arrays")
            for row in rows:
                for button in row:
                    _check_inline_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array of '
                           "Arrays")
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    def _reply_to(self, p: _Params, chat_id: int) -> dict[str, Any] | None:
        target = p.int("reply_to_message_id")
        allow = p.bool("allow_sending_without_reply")
        rp = p.json("reply_parameters")
        if isinstance(rp, dict):
            target = rp.get("message_id", target)
            allow = allow or bool(rp.get("allow_sending_without_reply"))
        if target is None:
            return None
        original = self._messages.get((chat_id, int(target)))
        if original is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        reply = dict(original)
        reply.pop("reply_to_message", None)  # Telegram does not nest replies
        return reply

    def _deliver(self, method: str, p: _Params, chat: dict[str, Any], body: dict[str, Any],
                 raw_text: str | None, plain: str | None, parse_mode: str | None,
                 markup: dict[str, Any] | None, file_id: str | None) -> dict[str, Any]:
        chat_id = chat["id"]
        reply = self._reply_to(p, chat_id)
        self._gate(chat_id)
        mid = self._new_mid(chat_id)
        msg: dict[str, Any] = {"message_id": mid, "from": self._me(), "chat": chat,
                               "date": int(time.time())}
        if chat["type"] == "channel":
            del msg["from"]
            msg["sender_chat"] = chat
        if reply is not None:
            msg["reply_to_message"] = reply
        msg.update(body)
        # Only inline keyboards are part of a Message; reply keyboards live on the client.
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        self._messages[(chat_id, mid)] = msg
        now = time.monotonic()
        sent = Sent(method, chat_id, mid, raw_text, plain, parse_mode, markup, file_id, now,
                    p.d, msg)
        self.sent.append(sent)
        self._sent_by_chat.setdefault(chat_id, []).append(sent)
        st = self.stats
        st.sent_ok += 1
        if st.first_ok is None:
            st.first_ok = now
        st.last_ok = now
        if raw_text is not None:
            pair = (chat_id, raw_text)
            if pair in self._delivered_pairs:
                st.duplicates += 1
            else:
                self._delivered_pairs.add(pair)
        win = self._ok_window
        win.append(now)
        while win[0] <= now - 1.0:
            win.popleft()
        if len(win) > st.max_per_second:
            st.max_per_second = len(win)
        self._touch()
        return msg

    def _file_param(self, p: _Params, key: str, kind: str) -> tuple[str, dict[str, Any]]:
        raw = p.get(key)
        if isinstance(raw, str) and raw.startswith("attach://"):
            raw = p.get(raw[len("attach://") :])
        if isinstance(raw, _Upload):
            file_id = self.add_file(raw.data, kind=kind, filename=raw.filename)
        elif isinstance(raw, str) and raw:
            if raw.startswith(("http://", "https://")):
                file_id = self.add_file(_TINY_JPEG, kind=kind)  # Telegram would fetch the URL
            elif raw in self.files:
                file_id = raw
            else:
                raise _bad("wrong file identifier/HTTP URL specified")
        else:
            raise _bad(f"there is no {key} in the request")
        return file_id, self.files[file_id]

    def add_file(self, data: bytes, kind: str = "photo", filename: str | None = None) -> str:
        """Store bytes under a new file_id (usable in sendPhoto, getFile and downloads)."""
        n = next(self._file_ids)
        prefix = {"photo": "AgACAgIAAxkBAA", "document": "BQACAgIAAxkBAA"}.get(
            kind, "CAACAgIAAxkBAA"
        )
        file_id = f"{prefix}{n:06d}{base64.urlsafe_b64encode(n.to_bytes(4, 'big')).decode()}"
        ext = "jpg" if kind == "photo" else (filename.rsplit(".", 1)[-1] if filename and "." in
                                             filename else "bin")
        folder = "photos" if kind == "photo" else "documents"
        self.files[file_id] = {
            "data": data,
            "path": f"{folder}/file_{n}.{ext}",
            "unique_id": f"AQAD{n:08d}",
            "filename": filename,
            "kind": kind,
        }
        return file_id

    def _photo_sizes(self, file_id: str, width: int = 1280, height: int = 960) -> list[dict]:
        info = self.files[file_id]
        # Telegram sends several sizes; a thumbnail first and the original last.
        thumb = self.add_file(info["data"], kind="photo")
        tw, th = (90, max(1, 90 * height // max(1, width)))
        return [
            {"file_id": thumb, "file_unique_id": self.files[thumb]["unique_id"], "width": tw,
             "height": th, "file_size": len(info["data"])},
            {"file_id": file_id, "file_unique_id": info["unique_id"], "width": width,
             "height": height, "file_size": len(info["data"])},
        ]

    # ------------------------------------------------------------------ API methods

    def _m_getMe(self, p: _Params) -> dict[str, Any]:
        return self._me() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_sendMessage(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        text = p.str("text")
        if not text:
            raise _bad("message text is empty")
        parse_mode = p.str("parse_mode")
        plain, ents = self._render(text, parse_mode, MAX_TEXT, "message text",
                                   p.json("entities"))
        markup = self._markup(p)
        body: dict[str, Any] = {"text": plain}
        if ents:
            body["entities"] = ents
        return self._deliver("sendMessage", p, chat, body, text, plain, parse_mode, markup, None)

    def _caption(self, p: _Params) -> tuple[str | None, str | None, dict[str, Any]]:
        caption = p.str("caption") or None
        parse_mode = p.str("parse_mode")
        body: dict[str, Any] = {}
        plain = None
        if caption:
            plain, ents = self._render(caption, parse_mode, MAX_CAPTION, "message caption",
                                       p.json("caption_entities"))
            body["caption"] = plain
            if ents:
                body["caption_entities"] = ents
        return caption, plain, body

    def _m_sendPhoto(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        caption, plain, body = self._caption(p)
        markup = self._markup(p)
        file_id, _ = self._file_param(p, "photo", "photo")
        body["photo"] = self._photo_sizes(file_id)
        return self._deliver("sendPhoto", p, chat, body, caption, plain, p.str("parse_mode"),
                             markup, file_id)

    def _m_sendDocument(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        caption, plain, body = self._caption(p)
        markup = self._markup(p)
        file_id, info = self._file_param(p, "document", "document")
        body["document"] = {"file_id": file_id, "file_unique_id": info["unique_id"],
                            "file_name": info["filename"] or "document",
                            "file_size": len(info["data"])}
        return self._deliver("sendDocument", p, chat, body, caption, plain, p.str("parse_mode"),
                             markup, file_id)

    def _m_sendLocation(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        try:
            lat, lon = float(p.get("latitude")), float(p.get("longitude"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _bad("wrong latitude or longitude") from None
        body = {"location": {"latitude": lat, "longitude": lon}}
        return self._deliver("sendLocation", p, chat, body, None, None, None, self._markup(p),
                             None)

    def _edit_target(self, p: _Params) -> tuple[int, int, dict[str, Any]]:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # inline mode is not simulated
        chat = self._resolve_chat(p)
        mid = p.int("message_id", required=True)
        msg = self._messages.get((chat["id"], mid))  # type: ignore[arg-type]
        if msg is None:
            raise _bad("message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_id and "sender_chat" not in msg:
            raise _bad("message can't be edited")
        return chat["id"], mid, msg  # type: ignore[return-value]

    def _apply_edit(self, method: str, p: _Params, chat_id: int, mid: int, msg: dict[str, Any],
                    changes: dict[str, Any], markup: dict[str, Any] | None,
                    raw: str | None, plain: str | None) -> dict[str, Any]:
        new_inline = ({"inline_keyboard": markup["inline_keyboard"]}
                      if markup and "inline_keyboard" in markup else None)
        after = {k: v for k, v in changes.items() if v is not None}
        before = {k: msg[k] for k in changes if k in msg}
        if after == before and msg.get("reply_markup") == new_inline:
            raise _bad("message is not modified: specified new message content and reply "
                       "markup are exactly the same as a current content and reply markup of "
                       "the message")
        self._gate(chat_id)
        for k, v in changes.items():
            if v is None:
                msg.pop(k, None)
            else:
                msg[k] = v
        if new_inline is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = new_inline
        msg["edit_date"] = int(time.time())
        self.edits.append(Edit(method, chat_id, mid, raw, plain, markup, time.monotonic(), p.d))
        self.stats.edits_ok += 1
        self._touch()
        return dict(msg)

    def _m_editMessageText(self, p: _Params) -> dict[str, Any]:
        chat_id, mid, msg = self._edit_target(p)
        text = p.str("text")
        if not text:
            raise _bad("message text is empty")
        if "text" not in msg:
            raise _bad("there is no text in the message to edit")
        parse_mode = p.str("parse_mode")
        plain, ents = self._render(text, parse_mode, MAX_TEXT, "message text",
                                   p.json("entities"))
        return self._apply_edit("editMessageText", p, chat_id, mid, msg,
                                {"text": plain, "entities": ents}, self._markup(p), text, plain)

    def _m_editMessageCaption(self, p: _Params) -> dict[str, Any]:
        chat_id, mid, msg = self._edit_target(p)
        if "text" in msg:
            raise _bad("there is no caption in the message to edit")
        caption, plain, body = self._caption(p)
        return self._apply_edit(
            "editMessageCaption", p, chat_id, mid, msg,
            {"caption": body.get("caption"), "caption_entities": body.get("caption_entities")},
            self._markup(p), caption, plain,
        )

    def _m_editMessageReplyMarkup(self, p: _Params) -> dict[str, Any]:
        chat_id, mid, msg = self._edit_target(p)
        markup = self._markup(p)
        if markup and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        return self._apply_edit("editMessageReplyMarkup", p, chat_id, mid, msg, {}, markup,
                                None, None)

    def _m_deleteMessage(self, p: _Params) -> bool:
        chat = self._resolve_chat(p)
        mid = p.int("message_id", required=True)
        if self._messages.pop((chat["id"], mid), None) is None:  # type: ignore[arg-type]
            raise _bad("message to delete not found")
        self.deleted.append((chat["id"], mid))  # type: ignore[arg-type]
        self._touch()
        return True

    def _m_answerCallbackQuery(self, p: _Params) -> bool:
        cid = p.str("callback_query_id") or ""
        cb = self._callbacks.get(cid)
        if cb is None or cb["answered"] or time.monotonic() - cb["time"] > CALLBACK_ANSWER_WINDOW:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = p.str("text")
        if text and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        cb["answered"] = True
        self.callback_answers.append(CallbackAnswer(cid, text, p.bool("show_alert"),
                                                    p.str("url"), p.int("cache_time"),
                                                    time.monotonic()))
        self._touch()
        return True

    def _m_sendChatAction(self, p: _Params) -> bool:
        chat = self._resolve_chat(p)
        action = p.str("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        desc = self._blocked.get(chat["id"])
        if desc is not None:
            raise ApiError(403, desc)
        self.actions.append((chat["id"], action))
        self._touch()
        return True

    @staticmethod
    def scope_key(scope: Any = None) -> str:
        """"default", "all_private_chats", "chat:42", "chat_member:-100:7", ... for a scope.

        Accepts a Bot API scope dict, an aiogram BotCommandScope object, a key string, or a
        bare chat id (meaning BotCommandScopeChat).
        """
        if scope is None:
            return "default"
        if isinstance(scope, str):
            return scope
        if isinstance(scope, int):
            return f"chat:{scope}"
        if not isinstance(scope, dict):
            scope = scope.model_dump(mode="json", exclude_none=True)
        kind = scope.get("type", "default")
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        return str(kind)

    def _scope(self, p: _Params) -> tuple[str, str]:
        scope = p.json("scope", "scope JSON object")
        if scope is not None and not isinstance(scope, dict):
            raise _bad("can't parse scope JSON object")
        if scope and scope.get("type") not in (
            None, "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
            "chat", "chat_administrators", "chat_member",
        ):
            raise _bad("wrong scope type specified")
        return self.scope_key(scope), p.str("language_code") or ""

    def commands_for(self, scope: Any = None, language_code: str = "") -> list[dict] | None:
        """Commands set for exactly this scope and language (None if never set or deleted)."""
        return self.commands.get((self.scope_key(scope), language_code))

    def _m_setMyCommands(self, p: _Params) -> bool:
        commands = p.json("commands", "commands JSON object")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for c in commands:
            if not isinstance(c, dict) or not _COMMAND_RE.match(str(c.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope(p)
        if commands:
            self.commands[key] = [{"command": c["command"], "description": c["description"]}
                                  for c in commands]
        else:
            self.commands.pop(key, None)
        self._touch()
        return True

    def _m_getMyCommands(self, p: _Params) -> list[dict[str, Any]]:
        return list(self.commands.get(self._scope(p), []))

    def _m_deleteMyCommands(self, p: _Params) -> bool:
        self.commands.pop(self._scope(p), None)
        self._touch()
        return True

    def _m_getFile(self, p: _Params) -> dict[str, Any]:
        file_id = p.str("file_id") or ""
        info = self.files.get(file_id)
        if info is None:
            raise _bad("invalid file_id")
        return {"file_id": file_id, "file_unique_id": info["unique_id"],
                "file_size": len(info["data"]), "file_path": info["path"]}

    # ------------------------------------------------------------------ updates: polling

    async def _m_getUpdates(self, p: _Params) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = p.int("offset")
        limit = p.int("limit") or 100
        limit = min(max(limit, 1), 100)
        timeout = p.int("timeout") or 0
        allowed = p.json("allowed_updates", "allowed_updates JSON object")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) or None
        if offset:
            if offset > 0:
                self._pending = [u for u in self._pending if u[0]["update_id"] >= offset]
            else:
                self._pending = self._pending[offset:]
        # A newer getUpdates replaces an older one that is still waiting, as in Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_updates()
        deadline = time.monotonic() + timeout
        while True:
            self._filter_pending()
            if self._pending or self._closing:
                return [u for u, _ in self._pending[:limit]]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            event = self._updates_changed
            self.polls_waiting += 1
            self._touch()
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                return []
            finally:
                self.polls_waiting -= 1
            if self.webhook is not None:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                    "active; use deleteWebhook to delete the webhook first")
            if generation != self._poll_generation and not self._closing:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                                    "sure that only one bot instance is running")

    def _filter_pending(self) -> None:
        allowed = self._allowed_updates
        keep = []
        for upd, filterable in self._pending:
            if filterable:
                kind = next(k for k in upd if k != "update_id")
                if (kind not in allowed) if allowed else (kind in _OPT_IN_UPDATES):
                    continue  # Telegram never creates updates of kinds the bot did not ask for
            keep.append((upd, filterable))
        self._pending = keep

    def _wake_updates(self) -> None:
        event = self._updates_changed
        self._updates_changed = asyncio.Event()
        event.set()

    def _touch(self) -> None:
        event = self._records_changed
        if event._waiters:  # type: ignore[attr-defined]  # skip churn when nobody waits
            self._records_changed = asyncio.Event()
            event.set()

    def _enqueue(self, update: dict[str, Any], filterable: bool = True) -> int:
        if "update_id" not in update:
            update = {"update_id": self._next_update_id} | update
        elif isinstance(update["update_id"], int):
            # Keep our counter ahead of ids a test chose itself.
            self._next_update_id = max(self._next_update_id, update["update_id"])
        self._next_update_id += 1
        self.injected.append(update)
        self._pending.append((update, filterable))
        self._wake_updates()
        self._touch()
        return update["update_id"]

    # ------------------------------------------------------------------ updates: webhook

    def _m_setWebhook(self, p: _Params) -> bool:
        url = p.str("url") or ""
        if not url:
            return self._m_deleteWebhook(p)
        if not url.startswith(("http://", "https://")):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str("secret_token")
        if secret and not _SECRET_RE.match(secret):
            raise _bad("secret token contains unallowed characters")
        allowed = p.json("allowed_updates", "allowed_updates JSON object")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) or None
        if p.bool("drop_pending_updates"):
            self._pending.clear()
        self.webhook = {"url": url, "secret_token": secret or None,
                        "max_connections": p.int("max_connections") or 40,
                        "ip_address": p.str("ip_address") or "127.0.0.1"}
        self._webhook_last_error = None
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())
        self._wake_updates()
        self._touch()
        return True

    def _m_deleteWebhook(self, p: _Params) -> bool:
        if p.bool("drop_pending_updates"):
            self._pending.clear()
        self.webhook = None
        self._wake_updates()
        self._touch()
        return True

    def _m_getWebhookInfo(self, p: _Params) -> dict[str, Any]:
        self._filter_pending()
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self._pending)}
        if self.webhook:
            info.update(url=self.webhook["url"], max_connections=self.webhook["max_connections"],
                        ip_address=self.webhook["ip_address"])
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    async def _webhook_loop(self) -> None:
        attempts = 0
        while not self._closing:
            event = self._updates_changed
            self._filter_pending()
            if self.webhook is None or not self._pending:
                await event.wait()
                continue
            update = self._pending[0][0]
            hook = self.webhook
            attempts += 1
            status, error = await self._post_update(hook, update)
            self.webhook_deliveries.append(
                WebhookDelivery(update["update_id"], status, attempts, time.monotonic(), error))
            self._touch()
            if 200 <= status < 300 or attempts >= self.webhook_attempts:
                if self._pending and self._pending[0][0] is update:
                    self._pending.pop(0)
                attempts = 0
            else:
                self._webhook_last_error = (int(time.time()), error or f"Wrong response from "
                                            f"the webhook: {status}")
                await asyncio.sleep(0.05 * 2 ** attempts)

    async def _post_update(self, hook: dict[str, Any], update: dict[str, Any]
                           ) -> tuple[int, str | None]:
        headers = {"Content-Type": "application/json"}
        if hook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        assert self._client is not None
        try:
            async with self._client.post(hook["url"], data=json.dumps(update), headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=10)) as resp:
                if resp.status == 200:
                    await self._run_webhook_reply(resp)
                else:
                    await resp.read()
                return resp.status, None if resp.status < 300 else (
                    f"Wrong response from the webhook: {resp.status} {resp.reason}")
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
            return 0, f"Connection failed: {type(e).__name__}"

    async def _run_webhook_reply(self, resp: aiohttp.ClientResponse) -> None:
        # A webhook may answer with a method call (aiogram does, as multipart, when it does not
        # handle updates in the background); Telegram executes it, so do we.
        params: dict[str, Any] = {}
        if resp.content_type == "multipart/form-data":
            reader = aiohttp.MultipartReader.from_response(resp)
            async for part in reader:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                data = await part.read()
                if part.filename:
                    params[part.name or ""] = _Upload(part.filename, bytes(data))
                else:
                    params[part.name or ""] = data.decode()
        elif resp.content_type == "application/json":
            try:
                body = await resp.json()
            except ValueError:
                return
            if isinstance(body, dict):
                params = body
        else:
            await resp.read()
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self.call(method, params)

    # ------------------------------------------------------------------ injection (user side)

    def user(
        self,
        id: int,
        first_name: str | None = None,
        language_code: str | None = "zh-hans",
        username: str | None = None,
        *,
        last_name: str | None = None,
        is_premium: bool | None = None,
    ) -> FakeUser:
        """A user (created once per id; later calls with the same id update its fields)."""
        u = FakeUser(self, id, first_name or f"User{id}", last_name, username, language_code,
                     is_premium)
        self._users[id] = u
        self._chats[id] = u.private_chat
        return u

    def _as_user(self, user: FakeUser | int) -> FakeUser:
        if isinstance(user, FakeUser):
            return user
        return self._users.get(user) or self.user(user)

    def _inject_message(self, user: FakeUser | int, chat: dict[str, Any] | None,
                        content: dict[str, Any], reply_to: Any = None) -> int:
        u = self._as_user(user)
        if chat is None:
            chat = u.private_chat
        else:
            chat = dict(chat)
            chat.setdefault("type", "group" if chat["id"] < 0 else "private")
            if chat["type"] != "private":
                chat.setdefault("title", f"Chat {chat['id']}")
        self._chats[chat["id"]] = chat
        mid = self._new_mid(chat["id"])
        msg: dict[str, Any] = {"message_id": mid}
        kind = "message"
        if chat["type"] == "channel":
            kind = "channel_post"
            msg["sender_chat"] = chat
        else:
            msg["from"] = u.to_dict()
        msg["chat"] = chat
        msg["date"] = int(time.time())
        if reply_to is not None:
            target = self._message_json(reply_to, chat["id"])
            if target:
                target = dict(target)
                target.pop("reply_to_message", None)
                msg["reply_to_message"] = target
        msg.update(content)
        self._messages[(chat["id"], mid)] = msg
        return self._enqueue({kind: msg})

    async def send_text(self, user: FakeUser | int, text: str, chat: dict[str, Any] | None = None,
                        *, reply_to: Any = None) -> int:
        """The user writes `text` (in their private chat unless `chat` is given).

        A leading /command gets its bot_command entity, as Telegram adds it.
        """
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": _utf16_len(command)}]
        return self._inject_message(user, chat, content, reply_to)

    async def send_photo(self, user: FakeUser | int, caption: str | None = None,
                         chat: dict[str, Any] | None = None, *, data: bytes = _TINY_JPEG,
                         width: int = 1280, height: int = 960) -> int:
        """The user sends a photo; its bytes are downloadable via getFile + the file URL."""
        file_id = self.add_file(data, kind="photo")
        content: dict[str, Any] = {"photo": self._photo_sizes(file_id, width, height)}
        if caption:
            content["caption"] = caption
        return self._inject_message(user, chat, content)

    async def send_location(self, user: FakeUser | int, lat: float, lon: float,
                            chat: dict[str, Any] | None = None) -> int:
        return self._inject_message(user, chat, {"location": {"latitude": lat,
                                                              "longitude": lon}})

    async def send_contact(self, user: FakeUser | int, phone_number: str = "+8613800000000",
                           first_name: str | None = None, last_name: str | None = None,
                           user_id: int | None = None, chat: dict[str, Any] | None = None,
                           ) -> int:
        """The user shares a contact; by default their own (as a request_contact button does)."""
        u = self._as_user(user)
        contact: dict[str, Any] = {"phone_number": phone_number,
                                   "first_name": first_name or u.first_name}
        own = first_name is None and user_id is None
        if last_name or (own and u.last_name):
            contact["last_name"] = last_name or u.last_name
        if user_id is not None or own:
            contact["user_id"] = user_id if user_id is not None else u.id
        return self._inject_message(u, chat, {"contact": contact})

    async def raw_update(self, update: dict[str, Any]) -> int:
        """Queue any update as is (odd or malformed ones too); update_id is added if missing."""
        return self._enqueue(dict(update), filterable=False)

    def _message_json(self, message: Any, default_chat: int | None) -> dict[str, Any] | None:
        if isinstance(message, Sent):
            key = (message.chat_id, message.message_id)
            return self._messages.get(key)
        if isinstance(message, dict):
            chat_id = message.get("chat", {}).get("id", default_chat)
            return self._messages.get((chat_id, message.get("message_id")))
        if isinstance(message, int) and default_chat is not None:
            return self._messages.get((default_chat, message))
        # aiogram Message objects and the like
        chat = getattr(message, "chat", None)
        mid = getattr(message, "message_id", None)
        if chat is not None and mid is not None:
            return self._messages.get((chat.id, mid))
        return None

    async def press(self, user: FakeUser | int, message: Any, data: str) -> str:
        """The user presses an inline button carrying `data` under `message`; returns the id.

        `message` is a Sent, a message dict, an aiogram Message or a message_id in the user's
        private chat. A deleted message arrives as Telegram's InaccessibleMessage (date 0).
        """
        u = self._as_user(user)
        msg = self._message_json(message, u.id)
        if msg is None:
            if isinstance(message, Sent):
                chat_id, mid = message.chat_id, message.message_id
            elif isinstance(message, dict):
                chat_id, mid = message["chat"]["id"], message["message_id"]
            elif isinstance(message, int):
                chat_id, mid = u.id, message
            else:
                chat_id, mid = message.chat.id, message.message_id
            msg = {"chat": self._chat_for(chat_id), "message_id": mid, "date": 0}
        cid = str(4_382_000_000_000_000_000 + next(self._callback_ids))
        chat_id = msg["chat"]["id"]
        self._callbacks[cid] = {"answered": False, "time": time.monotonic()}
        self._enqueue({"callback_query": {
            "id": cid,
            "from": u.to_dict(),
            "message": json.loads(json.dumps(msg)),  # a snapshot, like a real update
            "chat_instance": str((chat_id * 2654435761) % 10**19 - 5 * 10**18),
            "data": data,
        }})
        return cid

    def find_button(self, message: Any, text: str, chat_id: int | None = None) -> dict[str, Any]:
        """The inline button labelled `text` in the message's current keyboard.

        `message` as for press(); a bare message_id needs chat_id.
        """
        msg = self._message_json(message, chat_id)
        if msg is None and isinstance(message, Sent):
            msg = message.message
        rows = ((msg or {}).get("reply_markup") or {}).get("inline_keyboard") or []
        labels = []
        for row in rows:
            for button in row:
                if button.get("text") == text:
                    return button
                labels.append(button.get("text"))
        raise AssertionError(f"no inline button {text!r}; buttons are {labels!r}")

    async def press_button(self, user: FakeUser | int, message: Any, text: str) -> str:
        """Press the callback button labelled `text`; returns the callback query id."""
        u = self._as_user(user)
        button = self.find_button(message, text, u.id)
        if "callback_data" not in button:
            raise AssertionError(f"button {text!r} has no callback_data: {button!r}")
        return await self.press(u, message, button["callback_data"])

    # ------------------------------------------------------------------ observation

    def messages_to(self, chat_id: int) -> list[Sent]:
        return list(self._sent_by_chat.get(chat_id, ()))

    def last_message(self, chat_id: int) -> Sent | None:
        msgs = self._sent_by_chat.get(chat_id)
        return msgs[-1] if msgs else None

    def callback_answer(self, callback_query_id: str) -> CallbackAnswer | None:
        for a in self.callback_answers:
            if a.callback_query_id == callback_query_id:
                return a
        return None

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until condition() is true, re-checking whenever the server records something."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            event = self._records_changed
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise WaitTimeout(f"condition still false after {timeout}s")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_for(
        self,
        predicate_or_count: Callable[[Any], bool] | int = 1,
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
        among: str = "sent",
        since: int = 0,
    ) -> Any:
        """Wait until a recorded item matches; no fixed sleeps needed in tests.

        among: "sent" (default), "edits", "callback_answers", "calls", "actions", "deleted",
        "webhook_deliveries". With a predicate, returns the first matching item at index
        >= since (and to chat_id, if given); with a count N, returns the list once it holds N.
        Raises WaitTimeout (an AssertionError) listing what was recorded.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            items: Iterable[Any] = getattr(self, among)[since:]
            if chat_id is not None:
                items = [i for i in items if _chat_of(i) == chat_id]
            if isinstance(predicate_or_count, int):
                items = list(items)
                if len(items) >= predicate_or_count:
                    return items
            else:
                for item in items:
                    if predicate_or_count(item):
                        return item
            event = self._records_changed
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                recent = getattr(self, among)[-5:]
                raise WaitTimeout(f"nothing matched in {among} after {timeout}s; last: {recent!r}")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass


def _chat_of(item: Any) -> Any:
    if isinstance(item, tuple):
        return item[0]
    return getattr(item, "chat_id", None)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _bad("can't parse inline keyboard button: Field \"text\" must be of type String")
    kinds = set(button) - {"text", "style", "icon_custom_emoji_id"}
    if not kinds:
        raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the "
                   "inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise _bad("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
        raise _bad("BUTTON_URL_INVALID")


def _json_response(status: int, payload: dict[str, Any]) -> web.Response:
    return web.Response(status=status, body=json.dumps(payload, ensure_ascii=False).encode(),
                        content_type="application/json")
