"""The core's entry point: one Incoming -> one unit of work -> replies sent back on the same channel.

The Router maps commands, button payloads, pending conversation steps and free text to handlers;
the Dispatcher opens one transaction per event, commits on success, rolls back on error (same on every channel).
"""
from __future__ import annotations

import asyncio
import logging
import time
from operator import itemgetter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Incoming, Rendered, Reply
from bot.db import adopt
from bot import prepared
from bot.prepared import Prepared
from models import ChatIdentity, ConversationState, Person, RoleAssignment

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.dispatch")
SEEN_RESOLUTION = timedelta(minutes=5)
Handler = Callable[["Ctx"], Awaitable[Reply | list[Reply] | None]]


def _identity_query():
    """identity ⟕ person ⟕ roles ⟕ conversation state for one chat, and where each table's columns sit in a row."""
    ci, p, r, st = (m.__table__ for m in (ChatIdentity, Person, RoleAssignment, ConversationState))
    cols, spans = [], {}
    for name, t in (("ident", ci), ("person", p), ("role", r), ("state", st)):
        spans[name] = [(len(cols) + i, c) for i, c in enumerate(t.c)]
        cols.extend(t.c)
    q = (select(*cols)
         .select_from(ci.outerjoin(p, p.c.id == ci.c.person_id)
                      .outerjoin(r, r.c.person_id == p.c.id)
                      .outerjoin(st, st.c.identity_id == ci.c.id))
         .where(ci.c.platform == bindparam("platform"), ci.c.chat_id == bindparam("chat_id"))
         .order_by(r.c.id))
    return Prepared(q), spans


_IDENTITY_Q, _SPANS = _identity_query()
_IDENT_COLS, _PERSON_COLS, _ROLE_COLS, _STATE_COLS = (_SPANS[k] for k in ("ident", "person", "role", "state"))
_PERSON_ID = next(i for i, c in _PERSON_COLS if c.key == "id")
_ROLE_ID = next(i for i, c in _ROLE_COLS if c.key == "id")
_STATE_ID = next(i for i, c in _STATE_COLS if c.key == "id")
# (attribute name, position in the row) for each table: a row becomes a dict in one C call
_IDENT_AT, _PERSON_AT, _ROLE_AT, _STATE_AT = (
    ([c.key for _, c in cols], itemgetter(*(i for i, _ in cols)))
    for cols in (_IDENT_COLS, _PERSON_COLS, _ROLE_COLS, _STATE_COLS))


def _values(row: tuple, at: tuple[list[str], Any]) -> dict[str, Any]:
    return dict(zip(at[0], at[1](row)))


_STATE = ConversationState.__table__
_STATE_INSERT = Prepared(_STATE.insert())
_STATE_UPDATE = Prepared(_STATE.update().where(_STATE.c.id == bindparam("state_pk")))


@dataclass
class StepState:
    """A chat's pending step (what the bot asked and waits for), as read at the start of the event. A handler's
    change is written back with one statement before the commit, only if there is one (see Dispatcher._save_state):
    the ORM's unit of work cost more than the rest of a button press."""
    id: int | None
    identity_id: int
    step: str | None = None
    data: dict = field(default_factory=dict)
    updated_at: datetime | None = None
    dirty: bool = False


class Refused(Exception):
    """A service refuses an action (not allowed, wrong state). Carries the template that explains why."""

    def __init__(self, template: str, **context: Any):
        super().__init__(template)
        self.template = template
        self.context = context


@dataclass
class Ctx:
    app: "App"
    session: AsyncSession
    incoming: Incoming
    identity: ChatIdentity
    person: Person | None
    state: StepState
    now: datetime
    locale: str
    args: list[str] = field(default_factory=list)
    menu_dirty: bool = False
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def settings(self):
        return self.app.settings

    @property
    def step(self) -> str | None:
        return self.state.step

    @property
    def data(self) -> dict:
        return dict(self.state.data or {})

    def set_step(self, step: str | None, **data: Any) -> None:
        st = self.state
        if step is None and st.step is None and not st.data:
            return  # nothing pending, nothing to clear
        st.step, st.data, st.updated_at, st.dirty = step, data, self.now, True

    def update_data(self, **data: Any) -> None:
        merged = dict(self.state.data or {})
        merged.update(data)
        st = self.state
        st.data, st.updated_at, st.dirty = merged, self.now, True

    def clear_step(self) -> None:
        self.set_step(None)

    def has_role(self, *roles: str) -> bool:
        return bool(self.person) and any(r.active and r.role in roles for r in self.person.roles)


def reply(template: str, buttons: list[list[Button]] | None = None, **context: Any) -> Reply:
    return Reply(template=template, context=context, buttons=buttons or [])


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, Handler] = {}
        self.actions: dict[str, Handler] = {}
        self.steps: dict[str, Handler] = {}
        self.free_text: Handler | None = None
        self.free_photo: Handler | None = None
        self.free_location: Handler | None = None
        self.menu: list[tuple[str, tuple[str, ...], str]] = []  # (command, roles, label key)

    def command(self, *names: str, menu: tuple[str, ...] = (), label: str | None = None):
        """menu: the roles whose command menu lists it ("any" for everyone, "guest" for the unregistered)."""
        def deco(fn: Handler) -> Handler:
            for n in names:
                self.commands["/" + n.lstrip("/")] = fn
            if menu:
                self.menu.append((names[0].lstrip("/"), tuple(menu), label or f"menu.{names[0].lstrip('/')}"))
            return fn
        return deco

    def menu_for(self, roles: set[str]) -> list[tuple[str, str]]:
        """(command, label key) pairs for a person with these roles, in registration order, once each."""
        seen: set[str] = set()
        out = []
        for cmd, for_roles, label in self.menu:
            if cmd in seen:
                continue
            if "any" in for_roles or (roles & set(for_roles)) or (not roles and "guest" in for_roles):
                seen.add(cmd)
                out.append((cmd, label))
        return out

    def action(self, prefix: str):
        """Buttons whose payload starts with 'prefix:' (e.g. 'c1:accept' for 'c1:accept:123')."""
        def deco(fn: Handler) -> Handler:
            self.actions[prefix] = fn
            return fn
        return deco

    def step(self, name: str):
        def deco(fn: Handler) -> Handler:
            self.steps[name] = fn
            return fn
        return deco

    def text(self, fn: Handler) -> Handler:
        self.free_text = fn
        return fn

    def photo(self, fn: Handler) -> Handler:
        self.free_photo = fn
        return fn

    def location(self, fn: Handler) -> Handler:
        self.free_location = fn
        return fn

    def include(self, other: "Router") -> None:
        for name, table in (("commands", other.commands), ("actions", other.actions), ("steps", other.steps)):
            mine = getattr(self, name)
            dup = set(mine) & set(table)
            if dup:
                raise ValueError(f"{name} registered twice: {sorted(dup)}")
            mine.update(table)
        self.menu.extend(other.menu)
        for attr in ("free_text", "free_photo", "free_location"):
            if getattr(other, attr):
                if getattr(self, attr):
                    raise ValueError(f"{attr} registered twice")
                setattr(self, attr, getattr(other, attr))

    def find_action(self, data: str) -> tuple[Handler | None, list[str]]:
        parts = data.split(":")
        for n in (3, 2, 1):
            if len(parts) >= n and ":".join(parts[:n]) in self.actions:
                return self.actions[":".join(parts[:n])], parts[n:]
        return None, []


@dataclass
class Outcome:
    toast: str | None = None
    sent: int = 0


def pick_locale(person: Person | None, identity: ChatIdentity | None, default: str) -> str:
    if person is not None and person.locale:
        return person.locale
    code = (identity.language_code if identity else None) or ""
    if code.startswith("zh"):
        return "zh"
    if code:
        return "en"
    return default


class Dispatcher:
    def __init__(self, app: "App") -> None:
        self.app = app
        self.router: Router = app.router
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def _lock(self, key: tuple[str, str]) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > 10_000:  # forget idle chats
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def handle(self, inc: Incoming) -> Outcome:
        """Handle one event end to end; never raises (a bad update must not stop the bot)."""
        t0 = time.perf_counter()
        try:
            async with self._lock((inc.platform, inc.chat_id)):
                return await self._handle(inc)
        except Exception:
            log.exception("event failed", extra={"platform": inc.platform, "chat": inc.chat_id})
            try:
                locale = "zh" if (inc.language_code or "").startswith("zh") else self.app.settings.default_locale
                await self._send(inc, [Reply("errors/internal")], locale)
            except Exception:
                log.exception("could not tell the person about the failure")
            return Outcome(toast=None)
        finally:
            log.debug("event handled", extra={"ms": round((time.perf_counter() - t0) * 1000, 2)})

    async def _handle(self, inc: Incoming) -> Outcome:
        app = self.app
        if inc.chat_type != "private":
            if inc.chat_type == "channel":
                log.info("channel post skipped", extra={"chat": inc.chat_id})
                return Outcome()
            await self._send(inc, [Reply("errors/group_chat")], pick_locale(None, None, app.settings.default_locale)
                             if not inc.language_code else ("zh" if inc.language_code.startswith("zh") else "en"))
            return Outcome()
        now = app.clock.now()
        replies: list[Reply] = []
        toast: str | None = None
        # closed explicitly rather than by `async with`: AsyncSession's __aexit__ runs close() in a task of its own
        # (two more turns of the loop on every event); the transaction begins with the first statement
        session = app.sessionmaker()
        ended = False  # a commit or a rollback hands the connection back: close() is then only bookkeeping
        try:
            identity, person, state = await self._identity(session, inc, now)
            locale = pick_locale(person, identity, app.settings.default_locale)
            ctx = Ctx(app=app, session=session, incoming=inc, identity=identity, person=person,
                      state=state, now=now, locale=locale)
            try:
                result = await self._route(ctx)
                if state.dirty:
                    await self._save_state(session, state)
                await prepared.commit(session)
                ended = True
                locale = ctx.locale  # /lang may have changed it
            except Refused as r:
                # a refused action changes nothing at all: the whole event rolls back, then we explain
                await session.rollback()
                ended = True
                result = Reply(r.template, r.context)
                ctx.menu_dirty, ctx.after_commit = False, []
            except BaseException:
                await session.rollback()
                ended = True
                raise
            replies = [result] if isinstance(result, Reply) else list(result or [])
        finally:
            if not ended:
                await session.close()
        for r in replies:
            if r.toast:
                toast = app.renderer.text(r.template, r.context, locale, html=False)
        await self._send(inc, [r for r in replies if not r.toast], locale)
        for hook in ctx.after_commit:
            try:
                await hook()
            except Exception:
                log.exception("after-commit hook failed")
        if ctx.menu_dirty:
            await app.update_menu(ctx.identity.platform, ctx.identity.chat_id, ctx.person, locale)
        app.wake_outbox()
        return Outcome(toast=toast, sent=len(replies))

    async def _identity(self, session: AsyncSession, inc: Incoming,
                        now: datetime) -> tuple[ChatIdentity, Person | None, StepState]:
        """The chat's identity, its person with roles, and its pending step: one Core statement (a row per role),
        adopted into the session as ORM objects. The identity is created on first contact."""
        rows = await _IDENTITY_Q.rows(session, {"platform": inc.platform, "chat_id": inc.chat_id})
        if not rows:
            ident = ChatIdentity(platform=inc.platform, chat_id=inc.chat_id, language_code=inc.language_code,
                                 display_name=(inc.display_name or "")[:200], last_seen_at=now, created_at=now)
            session.add(ident)
            await session.flush()
            return ident, None, StepState(id=None, identity_id=ident.id)
        first = rows[0]
        ident = adopt(session, ChatIdentity, _values(first, _IDENT_AT))
        person = None
        if first[_PERSON_ID] is not None:
            roles = [adopt(session, RoleAssignment, _values(r, _ROLE_AT))
                     for r in rows if r[_ROLE_ID] is not None]
            person = adopt(session, Person, _values(first, _PERSON_AT), roles=roles)
        if first[_STATE_ID] is not None:
            state = StepState(**_values(first, _STATE_AT))
        else:  # a row is written only when a step is set (see Ctx.set_step)
            state = StepState(id=None, identity_id=ident.id)
        if now - ident.last_seen_at > SEEN_RESOLUTION:  # a write per event would cost more than it tells
            ident.last_seen_at = now
        if not ident.reachable:  # they wrote again: a block is over
            ident.reachable = True
            ident.blocked_at = None
        if inc.language_code and inc.language_code != ident.language_code:
            ident.language_code = inc.language_code
        return ident, person, state

    @staticmethod
    async def _save_state(session: AsyncSession, state: StepState) -> None:
        values = {"step": state.step, "data": state.data or {}, "updated_at": state.updated_at}
        if state.id is None:
            if session.new:  # the identity made on first contact is a pending ORM object: its row comes first
                await session.flush()
            state.id = await _STATE_INSERT.run(session, {"identity_id": state.identity_id, **values})
        else:
            await _STATE_UPDATE.run(session, {"state_pk": state.id, **values})
        state.dirty = False

    async def _route(self, ctx: Ctx) -> Reply | list[Reply] | None:
        inc, r = ctx.incoming, self.router
        if inc.malformed:
            log.warning("malformed update", extra={"platform": inc.platform})
            return Reply("errors/malformed")
        if inc.action is not None:
            handler, args = r.find_action(inc.action)
            if handler is None:
                log.info("stale or unknown button", extra={"data": inc.action[:64]})
                return Reply("errors/stale_button", toast=True)
            ctx.args = args
            return await handler(ctx)
        cmd = inc.command
        if cmd is not None:
            name, args = cmd
            handler = r.commands.get(name)
            if handler is None:
                return Reply("errors/unknown_command", {"command": name[:32]})
            ctx.args = [args] if args else []
            return await handler(ctx)
        if inc.text is not None and len(inc.text) > ctx.settings.max_text_chars:
            return Reply("errors/too_long", {"length": len(inc.text), "limit": ctx.settings.max_text_chars})
        if ctx.step:
            handler = r.steps.get(ctx.step)
            if handler is not None:
                return await handler(ctx)
            log.warning("unknown step dropped", extra={"step": ctx.step})
            ctx.clear_step()
        if inc.photo is not None and r.free_photo:
            return await r.free_photo(ctx)
        if inc.location is not None and r.free_location:
            return await r.free_location(ctx)
        if inc.text and inc.text.strip() and r.free_text:
            return await r.free_text(ctx)
        return Reply("errors/unsupported")

    async def _send(self, inc: Incoming, replies: list[Reply], locale: str) -> None:
        channel = self.app.channels.get(inc.platform)
        if channel is None:
            return
        for r in replies:
            parts: list[Rendered] = self.app.renderer.render(r, locale, channel.html)
            if r.edit and inc.message_id and len(parts) == 1 and parts[0].photo is None:
                try:
                    await channel.edit(inc.chat_id, inc.message_id, parts[0])
                    continue
                except Exception:  # an edit can fail (message too old, unchanged): send anew instead
                    log.info("edit failed, sending anew", extra={"chat": inc.chat_id})
            for p in parts:
                await channel.send(inc.chat_id, p)
