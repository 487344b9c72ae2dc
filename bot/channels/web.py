"""The local web chat: the embedded default channel (no token needed). It runs the very same handlers.

One page shows several chats side by side, so one can talk as a resident, a grid worker and a coordinator at once.
Messages live in memory (a demo channel); the database stays the truth for everything else.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy import select

from bot.core import Incoming, Photo, Rendered, SentRef

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.web")
STATIC = Path(__file__).resolve().parent / "web_static"
MAX_UPLOAD = 10 * 1024 * 1024
ALLOWED_IMAGE = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"GIF8": ".gif", b"RIFF": ".webp"}


@dataclass
class WebMessage:
    id: int
    chat_id: str
    text: str
    buttons: list[list[dict]] = field(default_factory=list)
    photo: str | None = None
    version: int = 0
    toast: bool = False
    mine: bool = False  # what the person typed, echoed in their own chat

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "buttons": self.buttons, "photo": self.photo,
                "version": self.version, "toast": self.toast, "mine": self.mine}


class WebChannel:
    platform = "web"
    html = False

    def __init__(self, app: "App", host: str = "127.0.0.1", port: int = 8080):
        self.app = app
        self.host, self.port = host, port
        self.messages: dict[str, list[WebMessage]] = {}
        self._by_id: dict[str, WebMessage] = {}  # the kept messages by id (ids are unique across chats)
        self.menus: dict[str, list[tuple[str, str]]] = {}
        self._ids = itertools.count(1)
        self._versions = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.uploads = Path(app.settings.data_dir) / "uploads"
        self.blocked: set[str] = set()  # tests: a chat that "blocked the bot"
        self._tasks: set[asyncio.Task] = set()

    def _spawn(self, coro) -> None:
        """Handle a request's event after answering it; keep a reference so the task is not collected early."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- Channel protocol -------------------------------------------------------
    async def send(self, chat_id: str, message: Rendered) -> SentRef:
        from bot.core import Blocked

        if chat_id in self.blocked:
            raise Blocked("web chat closed")
        m = WebMessage(
            id=next(self._ids), chat_id=chat_id, text=message.text,
            buttons=[[{"text": t, "data": d, "url": u} for t, d, u in row] for row in message.buttons],
            photo=message.photo.file_ref if message.photo else None, version=next(self._versions),
        )
        self._keep(m)
        await self._notify()
        return SentRef(self.platform, chat_id, str(m.id))

    async def edit(self, chat_id: str, message_id: str, message: Rendered) -> None:
        m = self._by_id.get(str(message_id))
        if m is None or m.chat_id != chat_id:
            raise KeyError("message not found")
        m.text = message.text
        m.buttons = [[{"text": t, "data": d, "url": u} for t, d, u in row] for row in message.buttons]
        m.version = next(self._versions)
        await self._notify()

    def _keep(self, m: WebMessage) -> None:
        """Keep a chat's last 500 messages (the oldest 100 go when it is full), findable by id for edits."""
        kept = self.messages.setdefault(m.chat_id, [])
        kept.append(m)
        self._by_id[str(m.id)] = m
        if len(kept) > 500:
            for old in kept[:100]:
                self._by_id.pop(str(old.id), None)
            del kept[:100]

    async def set_menu(self, chat_id: str, commands: list[tuple[str, str]]) -> None:
        self.menus[chat_id] = commands

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- what a person does in the page (also used by tests) ----------------------
    async def say(self, chat_id: str, text: str, lang: str = "zh", name: str | None = None) -> None:
        await self._dispatch(Incoming(platform="web", chat_id=chat_id, user_id=chat_id, text=text,
                                      language_code=lang, display_name=name or chat_id))

    async def press(self, chat_id: str, message_id: int | str, data: str, lang: str = "zh") -> str | None:
        out = await self.app.dispatcher.handle(Incoming(platform="web", chat_id=chat_id, user_id=chat_id, action=data,
                                                        message_id=str(message_id), language_code=lang))
        if out.toast:
            await self._toast(chat_id, out.toast)
        return out.toast

    async def send_photo(self, chat_id: str, file_ref: str, caption: str | None = None, lang: str = "zh") -> None:
        await self._dispatch(Incoming(platform="web", chat_id=chat_id, user_id=chat_id, text=caption,
                                      photo=Photo("web", file_ref), language_code=lang))

    async def send_location(self, chat_id: str, lat: float, lon: float, lang: str = "zh") -> None:
        await self._dispatch(Incoming(platform="web", chat_id=chat_id, user_id=chat_id, location=(lat, lon),
                                      language_code=lang))

    async def _dispatch(self, inc: Incoming) -> None:
        out = await self.app.dispatcher.handle(inc)
        if out.toast:
            await self._toast(inc.chat_id, out.toast)

    async def _toast(self, chat_id: str, text: str) -> None:
        m = WebMessage(id=next(self._ids), chat_id=chat_id, text=text, version=next(self._versions), toast=True)
        self._keep(m)
        await self._notify()

    # -- HTTP -------------------------------------------------------------------
    def web_app(self) -> web.Application:
        wa = web.Application(client_max_size=MAX_UPLOAD)
        wa.router.add_get("/", self._index)
        wa.router.add_get("/api/people", self._people)
        wa.router.add_get("/api/updates", self._updates)
        wa.router.add_post("/api/send", self._send)
        wa.router.add_post("/api/press", self._press)
        wa.router.add_post("/api/photo", self._photo)
        wa.router.add_post("/api/location", self._location)
        wa.router.add_get("/files/{name}", self._file)
        wa.router.add_static("/static/", STATIC)
        return wa

    async def start(self) -> None:
        self.uploads.mkdir(parents=True, exist_ok=True)
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("web chat listening", extra={"url": f"http://{self.host}:{self.port}/"})

    async def stop(self) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _index(self, _req: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _people(self, _req: web.Request) -> web.Response:
        """The demo people one can chat as: every web identity bound to a person."""
        from models import ChatIdentity, Person

        async with self.app.sessionmaker() as s:
            rows = (await s.execute(
                select(ChatIdentity.chat_id, Person.name, Person.id)
                .join(Person, Person.id == ChatIdentity.person_id)
                .where(ChatIdentity.platform == "web").order_by(Person.id))).all()
            out = []
            for chat_id, name, pid in rows:
                p = await s.get(Person, pid)
                roles = sorted({r.role for r in p.roles if r.active})
                out.append({"chat": chat_id, "name": name, "roles": roles})
        return web.json_response(out)

    @staticmethod
    def _chat(value: Any) -> str:
        chat = str(value or "").strip()
        if not chat or len(chat) > 64 or not all(c.isalnum() or c in "-_" for c in chat):
            raise web.HTTPBadRequest(text="chat must be 1-64 letters, digits, - or _")
        return chat

    async def _json(self, req: web.Request) -> dict:
        try:
            data = await req.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="body must be JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        return data

    async def _updates(self, req: web.Request) -> web.Response:
        chat = self._chat(req.query.get("chat"))
        try:
            since = int(req.query.get("since", "0"))
        except ValueError:
            raise web.HTTPBadRequest(text="since must be a number") from None

        def changed() -> list[dict]:
            return [m.to_json() for m in self.messages.get(chat, []) if m.version > since]

        out = changed()
        if not out:
            try:
                async with self._changed:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(changed())), timeout=20)
            except asyncio.TimeoutError:
                pass
            out = changed()
        await self._ensure_menu(chat)
        return web.json_response({"messages": out, "menu": self.menus.get(chat, [])})

    async def _ensure_menu(self, chat: str) -> None:
        """Menus are pushed only when they change; a chat opened fresh in the page gets its menu worked out once."""
        if chat in self.menus:
            return
        from bot.dispatch import pick_locale
        from models import ChatIdentity, Person

        try:
            async with self.app.sessionmaker() as s:
                ident = await s.scalar(select(ChatIdentity).where(ChatIdentity.platform == "web",
                                                                  ChatIdentity.chat_id == chat))
                person = await s.get(Person, ident.person_id) if ident is not None and ident.person_id else None
                locale = pick_locale(person, ident, self.app.settings.default_locale)
                await self.app.update_menu("web", chat, person, locale)
        except Exception:  # a missing menu must not stop the chat; the next menu change pushes it again
            log.exception("menu unavailable", extra={"chat": chat})
            self.menus.setdefault(chat, [])

    async def _send(self, req: web.Request) -> web.Response:
        data = await self._json(req)
        chat = self._chat(data.get("chat"))
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPBadRequest(text="text is required")
        self._echo(chat, text)
        await self._notify()
        self._spawn(self.say(chat, text, lang=str(data.get("lang") or "zh")[:8]))
        return web.json_response({"ok": True})

    def _echo(self, chat: str, text: str, photo: str | None = None) -> None:
        """The person's own words appear in their chat, as on any messenger."""
        m = WebMessage(id=next(self._ids), chat_id=chat, text=text, photo=photo, version=next(self._versions), mine=True)
        self._keep(m)

    async def _press(self, req: web.Request) -> web.Response:
        data = await self._json(req)
        chat = self._chat(data.get("chat"))
        payload = data.get("data")
        if not isinstance(payload, str) or not payload or len(payload.encode()) > 64:
            raise web.HTTPBadRequest(text="data must be a button payload")
        self._spawn(self.press(chat, str(data.get("message_id") or ""), payload,
                                       lang=str(data.get("lang") or "zh")[:8]))
        return web.json_response({"ok": True})

    async def _photo(self, req: web.Request) -> web.Response:
        reader = await req.multipart()
        chat, caption, name, lang = None, None, None, "zh"
        async for part in reader:
            if part.name == "chat":
                chat = self._chat(await part.text())
            elif part.name == "lang":
                lang = (await part.text())[:8] or "zh"
            elif part.name == "caption":
                caption = (await part.text()) or None
            elif part.name == "file":
                blob = await part.read(decode=False)
                ext = next((e for sig, e in ALLOWED_IMAGE.items() if blob.startswith(sig)), None)
                if ext is None:
                    raise web.HTTPBadRequest(text="only PNG, JPEG, GIF or WebP images")
                name = secrets.token_hex(8) + ext
                self.uploads.mkdir(parents=True, exist_ok=True)
                (self.uploads / name).write_bytes(blob)
        if not chat or not name:
            raise web.HTTPBadRequest(text="chat and file are required")
        self._echo(chat, caption or "", photo=f"/files/{name}")
        await self._notify()
        self._spawn(self.send_photo(chat, f"/files/{name}", caption, lang=lang))
        return web.json_response({"ok": True})

    async def _location(self, req: web.Request) -> web.Response:
        data = await self._json(req)
        chat = self._chat(data.get("chat"))
        try:
            lat, lon = float(data["lat"]), float(data["lon"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses NaN
                raise ValueError
        except (KeyError, TypeError, ValueError):
            raise web.HTTPBadRequest(text="lat and lon are required numbers") from None
        self._echo(chat, f"📍 {lat:.5f}, {lon:.5f}")  # the shared spot shows in the person's own chat
        await self._notify()
        self._spawn(self.send_location(chat, lat, lon, lang=str(data.get("lang") or "zh")[:8]))
        return web.json_response({"ok": True})

    async def _file(self, req: web.Request) -> web.StreamResponse:
        name = req.match_info["name"]
        path = (self.uploads / name).resolve()
        if path.parent != self.uploads.resolve() or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)
