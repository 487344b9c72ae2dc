"""The Telegram channel: aiogram 3 at the edge, the only module that imports it.

Updates (long polling, or a webhook when settings.webhook_url is set) become bot.core.Incoming for the
dispatcher; Rendered messages go out as HTML; aiogram's errors become the neutral Blocked / RetryAfter / Transient / Rejected.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlsplit

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from aiogram.utils.backoff import Backoff, BackoffConfig
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.core import Blocked, ChannelError, Incoming, Photo, Rejected, Rendered, RetryAfter, SentRef, Transient
from bot.settings import LOCALES, SettingsError

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.telegram")

POLL_TIMEOUT = 25  # seconds a getUpdates call may park on the server
MAX_CONCURRENT_UPDATES = 64  # updates handled at once; the dispatcher serialises each chat itself
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "channel_post", "edited_channel_post"]
CHAT_TYPES = {"private", "group", "supergroup", "channel"}
MAX_TOAST = 200  # answerCallbackQuery text limit
# Bad requests that mean "this chat is gone for us", as permanent as a 403.
GONE = ("chat not found", "peer_id_invalid", "user not found", "bot can't initiate conversation")
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)


class _GetRawUpdates(GetUpdates):
    """getUpdates answered as plain dicts: aiogram's own GetUpdates validates the whole batch at once, so one
    update it cannot parse would fail every poll at the same offset forever. We validate update by update."""

    __returning__ = list[Any]


@contextlib.contextmanager
def neutral_errors(what: str) -> Iterator[None]:
    """Translate aiogram's exceptions into the core's channel errors (see bot.core)."""
    try:
        yield
    except ChannelError:
        raise
    except TelegramRetryAfter as e:
        raise RetryAfter(float(e.retry_after)) from e
    except TelegramForbiddenError as e:  # blocked by the user, kicked from a group, user deactivated
        raise Blocked(e.message) from e
    except TelegramBadRequest as e:
        if any(g in e.message.lower() for g in GONE):
            raise Blocked(e.message) from e
        raise Rejected(f"{what}: {e.message}") from e
    except (TelegramNetworkError, TelegramServerError, ClientDecodeError, aiohttp.ClientError,
            asyncio.TimeoutError, OSError) as e:
        raise Transient(f"{what}: {e}") from e
    except (TelegramUnauthorizedError, TelegramNotFound, TelegramConflictError) as e:
        # A revoked token or a wrong API base: an operator's problem; keep the message and try again later.
        log.error("telegram refuses the bot itself", extra={"method": what, "error": str(e)[:200]})
        raise Transient(f"{what}: {e}") from e
    except TelegramAPIError as e:  # entity too large, migrated group, ...
        raise Rejected(f"{what}: {e}") from e


def _keyboard(message: Rendered) -> InlineKeyboardMarkup | None:
    rows = []
    for row in message.buttons:
        r = []
        for text, data, url in row:
            if url:
                r.append(InlineKeyboardButton(text=text, url=url))
            elif data:
                r.append(InlineKeyboardButton(text=text, callback_data=data))
        if r:
            rows.append(r)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _parse_mode(message: Rendered) -> str | None:
    return ParseMode.HTML if message.html else None  # the renderer escaped it for HTML, or it is plain text


def _chat_id(chat_id: str) -> int:
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        raise Rejected(f"not a Telegram chat id: {chat_id!r}") from None


def _name(user: User | None) -> str | None:
    return user.full_name[:200] if user else None


class _WebhookHandler(SimpleRequestHandler):
    """aiogram's handler, with two changes: a wrong secret gets 403 (aiogram answers 401), and the update is
    handled before we answer, so errors are logged where they happen instead of in an unretrieved task."""

    def __init__(self, channel: "TelegramChannel", bot: Bot, secret: str):
        super().__init__(channel.dp, bot, handle_in_background=False, secret_token=secret)
        self.channel = channel

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), self.bot):
            log.warning("webhook call with a wrong secret", extra={"remote": request.remote})
            return web.Response(status=403, text="Forbidden")
        try:
            raw = await request.json()
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="body must be JSON")
        if not isinstance(raw, dict):
            return web.Response(status=400, text="body must be a JSON object")
        await self.channel.feed_raw(raw)  # never raises; a 200 tells Telegram not to send it again
        return web.json_response({})

    async def close(self) -> None:  # the channel closes the bot's session itself, once
        return None


class TelegramChannel:
    platform = "telegram"
    html = True  # the renderer escapes for Telegram's HTML parse mode

    def __init__(self, app: "App"):
        self.app = app
        s = app.settings
        session = (AiohttpSession(api=TelegramAPIServer.from_base(s.telegram_api_base))
                   if s.telegram_api_base else AiohttpSession())
        self.bot = Bot(s.telegram_token, session=session,
                       default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True))
        self.dp = Dispatcher(disable_fsm=True)
        self.dp.message.register(self._on_message)
        self.dp.channel_post.register(self._on_message)
        self.dp.edited_message.register(self._on_edited)
        self.dp.edited_channel_post.register(self._on_edited)
        self.dp.callback_query.register(self._on_callback)
        self.uploads = Path(s.data_dir) / "uploads"
        self.me: User | None = None
        self._poller: asyncio.Task | None = None
        self._inflight: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_UPDATES)
        self._runner: web.AppRunner | None = None
        self._stopping = False

    # -- life cycle -------------------------------------------------------------
    async def start(self) -> None:
        """Check the token, set the guest menu, then poll or serve the webhook. A refused token or webhook is a
        wrong setting (SettingsError); Telegram being unreachable is not: polling keeps trying."""
        s = self.app.settings
        self._stopping = False
        await self._hello()
        if s.webhook_url:
            await self._start_webhook()
        else:
            with contextlib.suppress(TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError):
                # a webhook left behind would make every getUpdates fail with 409
                await self.bot.delete_webhook(drop_pending_updates=False)
            self._poller = asyncio.create_task(self._poll(), name="telegram-polling")
        log.info("telegram channel started", extra={"mode": "webhook" if s.webhook_url else "polling",
                                                    "bot": self.me.username if self.me else None})

    async def _hello(self) -> None:
        """Who we are (for mentions in groups) and the default menu; retried from the polling loop if Telegram
        was unreachable at start."""
        try:
            self.me = await self.bot.get_me()
        except TelegramUnauthorizedError:
            raise SettingsError("GRIDBOT_TELEGRAM_TOKEN: Telegram does not accept this token") from None
        except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError) as e:
            log.error("telegram unreachable at start; will keep trying", extra={"error": str(e)[:200]})
            return
        await self._default_menu()

    async def stop(self) -> None:
        self._stopping = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._poller
            self._poller = None
        if self._runner is not None:
            await self._runner.cleanup()  # waits for webhook requests being handled
            self._runner = None
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=10)
        await self.bot.session.close()

    async def _default_menu(self) -> None:
        """The menu of every private chat before we know who is there: the guest commands, in each locale."""
        items = self.app.router.menu_for(set())
        try:
            for lang in (None, *LOCALES):
                locale = lang or self.app.settings.default_locale
                cmds = [(c, self.app.renderer.label(label, locale)) for c, label in items]
                await self.bot.set_my_commands(self._commands(cmds), scope=BotCommandScopeAllPrivateChats(),
                                               language_code=lang)
        except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError) as e:
            log.warning("default command menu not set", extra={"error": str(e)[:200]})

    async def _start_webhook(self) -> None:
        s = self.app.settings
        host, _, port = s.webhook_listen.rpartition(":")
        if not port.isdigit():
            raise SettingsError("GRIDBOT_WEBHOOK_LISTEN: must be host:port, e.g. 0.0.0.0:8443")
        wa = web.Application()
        wa.router.add_get("/healthz", _healthz)  # the reverse proxy's and the container's health check
        _WebhookHandler(self, self.bot, s.webhook_secret).register(wa, path=urlsplit(s.webhook_url).path or "/")
        self._runner = web.AppRunner(wa, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, host or "0.0.0.0", int(port)).start()
        try:
            with neutral_errors("setWebhook"):
                await self.bot.set_webhook(s.webhook_url, secret_token=s.webhook_secret,
                                           allowed_updates=ALLOWED_UPDATES)
        except Rejected as e:  # a bad URL, or a secret with characters other than A-Z a-z 0-9 _ -
            await self._runner.cleanup()
            self._runner = None
            raise SettingsError(f"GRIDBOT_WEBHOOK_URL / GRIDBOT_WEBHOOK_SECRET: Telegram refused the webhook: "
                                f"{e}") from None
        log.info("webhook set", extra={"listen": s.webhook_listen})

    # -- receiving --------------------------------------------------------------
    async def _poll(self) -> None:
        """Long polling: confirm each batch by offset, hand every update to its own task (the dispatcher keeps
        each chat in order), back off on errors. Nothing an update contains can stop this loop."""
        backoff = Backoff(BACKOFF)
        offset: int | None = None
        timeout = int(self.bot.session.timeout + POLL_TIMEOUT)
        while not self._stopping:
            try:
                batch = await self.bot(_GetRawUpdates(offset=offset, timeout=POLL_TIMEOUT,
                                                      allowed_updates=ALLOWED_UPDATES), request_timeout=timeout)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # network, 5xx, 409 from a second instance: keep polling, more slowly
                log.warning("getUpdates failed", extra={"error": f"{type(e).__name__}: {str(e)[:200]}",
                                                        "retry_in": round(backoff.next_delay, 1)})
                await backoff.asleep()
                continue
            backoff.reset()
            if self.me is None:
                with contextlib.suppress(SettingsError):
                    await self._hello()
            for raw in batch or []:
                uid = raw.get("update_id") if isinstance(raw, dict) else None
                if isinstance(uid, int):
                    offset = max(offset or 0, uid + 1)
                if not isinstance(raw, dict):
                    log.warning("update skipped: not an object")
                    continue
                await self._slots.acquire()
                # Tasks start in update order and reach the dispatcher's per-chat lock (FIFO) without suspending
                # on the way, so one person's messages are still handled in the order they were sent.
                task = asyncio.create_task(self._feed_slot(raw))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)

    async def _feed_slot(self, raw: dict) -> None:
        try:
            await self.feed_raw(raw)
        finally:
            self._slots.release()

    async def feed_raw(self, raw: dict) -> None:
        """One update as Telegram sent it, end to end. Never raises."""
        try:
            try:
                update = Update.model_validate(raw, context={"bot": self.bot})
            except ValidationError as e:
                await self._unreadable(raw, e)
                return
            result = await self.dp.feed_update(self.bot, update)
            if result is UNHANDLED:
                log.info("update skipped", extra={"update_id": update.update_id,
                                                  "kind": next((k for k in raw if k != "update_id"), None)})
        except Exception:
            log.exception("update failed", extra={"update_id": raw.get("update_id")})

    async def _unreadable(self, raw: dict, error: ValidationError) -> None:
        """An update aiogram cannot parse: answer politely in a private chat we can find, else log and skip."""
        kind = next((k for k in raw if k != "update_id"), None)
        body = raw.get(kind) if kind else None
        log.warning("malformed update", extra={"update_id": raw.get("update_id"), "kind": kind,
                                               "error": str(error).splitlines()[0][:200]})
        if not isinstance(body, dict):
            return
        msg = body.get("message") if kind == "callback_query" else body
        chat = msg.get("chat") if isinstance(msg, dict) else None
        user = body.get("from") if isinstance(body.get("from"), dict) else {}
        if isinstance(chat, dict) and chat.get("type") == "private" and isinstance(chat.get("id"), int):
            chat_id = chat["id"]
        elif kind == "callback_query" and isinstance(user.get("id"), int) and not isinstance(chat, dict):
            chat_id = user["id"]  # a button under an inline message: the presser's private chat
        else:
            chat_id = None
        toast = None
        if chat_id is not None:
            lang = user.get("language_code")
            out = await self.app.dispatcher.handle(Incoming(
                platform=self.platform, chat_id=str(chat_id), user_id=str(user.get("id") or chat_id),
                language_code=lang if isinstance(lang, str) else None, malformed=True))
            toast = out.toast
        if kind == "callback_query" and isinstance(body.get("id"), str):
            await self._answer(body["id"], toast)

    def _incoming(self, m: Message, **fields: Any) -> Incoming:
        user = m.from_user
        return Incoming(platform=self.platform, chat_id=str(m.chat.id), user_id=str(user.id if user else m.chat.id),
                        chat_type=m.chat.type if m.chat.type in CHAT_TYPES else "group",
                        language_code=user.language_code if user else None, display_name=_name(user), **fields)

    def _for_us(self, m: Message) -> bool:
        """In a group, only what is addressed to the bot (a command, a mention, a reply, being added) gets the
        "private chat only" answer; anything else there is other people's conversation."""
        if m.chat.type == "private":
            return True
        me = self.me
        if m.new_chat_members and me and any(u.id == me.id for u in m.new_chat_members):
            return True
        text = m.text or m.caption or ""
        mine = f"@{me.username.lower()}" if me and me.username else None
        if text.startswith("/"):  # "/start" is for every bot in the group, "/start@name" for that one only
            head = text.split(maxsplit=1)[0].lower()
            return "@" not in head or (mine is not None and head.endswith(mine))
        if mine and mine in text.lower():
            return True
        reply = m.reply_to_message
        return bool(reply and reply.from_user and me and reply.from_user.id == me.id)

    def message_to_incoming(self, m: Message) -> Incoming | None:
        """A message in the neutral shape; None when it is not for us (group chatter)."""
        if not self._for_us(m):
            return None
        if m.chat.type == "channel":
            return self._incoming(m, text=m.text)
        if m.photo:
            largest = max(m.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
            return self._incoming(m, photo=Photo(self.platform, largest.file_id), text=m.caption)
        if m.location:
            return self._incoming(m, location=(m.location.latitude, m.location.longitude))
        if m.contact:
            # Only one's own number counts (what a request_contact button shares); someone else's card is not.
            own = m.from_user is not None and m.contact.user_id == m.from_user.id
            return self._incoming(m, contact_phone=m.contact.phone_number) if own else self._incoming(m, malformed=True)
        if m.text is not None:
            return self._incoming(m, text=m.text)
        return self._incoming(m, malformed=True)  # a sticker, a voice note, a file, a service message

    async def _on_message(self, message: Message) -> None:
        inc = self.message_to_incoming(message)
        if inc is None:
            log.debug("group message not for us", extra={"chat": message.chat.id})
            return
        await self.app.dispatcher.handle(inc)

    async def _on_edited(self, message: Message) -> None:
        """An edit of an old message: we act on what was sent, so say we could not take the change."""
        if message.chat.type != "private":
            return
        await self.app.dispatcher.handle(self._incoming(message, malformed=True))

    async def _on_callback(self, cq: CallbackQuery) -> None:
        """A pressed button: its payload becomes Incoming.action; the query is always answered, so the
        button stops spinning, with the dispatcher's toast if there is one."""
        toast = None
        try:
            user = cq.from_user
            m = cq.message
            chat_id, chat_type = (m.chat.id, m.chat.type) if m is not None else (user.id, "private")
            data = cq.data
            inc = Incoming(platform=self.platform, chat_id=str(chat_id), user_id=str(user.id),
                           chat_type=chat_type if chat_type in CHAT_TYPES else "group",
                           action=data if data else None, malformed=not data,
                           message_id=str(m.message_id) if m is not None else None,
                           language_code=user.language_code, display_name=_name(user))
            toast = (await self.app.dispatcher.handle(inc)).toast
        finally:
            await self._answer(cq.id, toast)

    async def _answer(self, callback_query_id: str, toast: str | None) -> None:
        text = toast[:MAX_TOAST] if toast else None
        try:
            await self.bot.answer_callback_query(callback_query_id, text=text)
        except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError) as e:
            log.info("callback answer failed", extra={"error": str(e)[:200]})  # too old; the button stops anyway

    # -- sending ----------------------------------------------------------------
    def _upload(self, photo: Photo) -> FSInputFile | str:
        if photo.platform == self.platform:
            return photo.file_ref
        if photo.platform == "web":  # the web chat stores uploads as /files/<name> under data_dir/uploads
            name = photo.file_ref.rsplit("/", 1)[-1]
            path = self.uploads / name
            if name and name not in (".", "..") and path.is_file():
                return FSInputFile(path, filename=name)
        raise Rejected(f"photo not available: {photo.platform}:{photo.file_ref[:80]}")

    async def send(self, chat_id: str, message: Rendered) -> SentRef:
        cid = _chat_id(chat_id)
        paid = True if self.app.settings.allow_paid_broadcast else None
        markup, mode = _keyboard(message), _parse_mode(message)
        if message.photo is not None:
            with neutral_errors("sendPhoto"):
                sent = await self.bot.send_photo(cid, self._upload(message.photo), caption=message.text or None,
                                                 parse_mode=mode, reply_markup=markup, allow_paid_broadcast=paid)
        else:
            with neutral_errors("sendMessage"):
                sent = await self.bot.send_message(cid, message.text, parse_mode=mode, reply_markup=markup,
                                                   allow_paid_broadcast=paid)
        return SentRef(self.platform, chat_id, str(sent.message_id))

    async def edit(self, chat_id: str, message_id: str, message: Rendered) -> None:
        cid, mid = _chat_id(chat_id), _chat_id(message_id)
        markup, mode = _keyboard(message), _parse_mode(message)
        try:
            with neutral_errors("editMessageText"):
                await self.bot.edit_message_text(message.text, chat_id=cid, message_id=mid, parse_mode=mode,
                                                 reply_markup=markup)
        except Rejected as e:
            text = str(e).lower()
            if "message is not modified" in text:  # pressing the same page twice: nothing to change
                return
            if "no text in the message" not in text:
                raise
            with neutral_errors("editMessageCaption"):  # the message is a photo: its words are the caption
                try:
                    await self.bot.edit_message_caption(chat_id=cid, message_id=mid, caption=message.text,
                                                        parse_mode=mode, reply_markup=markup)
                except TelegramBadRequest as e2:
                    if "message is not modified" not in e2.message.lower():
                        raise

    @staticmethod
    def _commands(commands: list[tuple[str, str]]) -> list[BotCommand]:
        return [BotCommand(command=c.lstrip("/").lower()[:32], description=(d or c)[:256]) for c, d in commands]

    async def set_menu(self, chat_id: str, commands: list[tuple[str, str]]) -> None:
        scope = BotCommandScopeChat(chat_id=_chat_id(chat_id))
        with neutral_errors("setMyCommands"):
            if commands:
                await self.bot.set_my_commands(self._commands(commands), scope=scope)
            else:
                await self.bot.delete_my_commands(scope=scope)


async def _healthz(_request: web.Request) -> web.Response:
    return web.Response(text="ok")
