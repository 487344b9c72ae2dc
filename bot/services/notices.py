"""Notices: who may broadcast to whom (audiences), the exact recipients, one delivery row each, the paced sender,
progress and the final report, acknowledgements of urgent notices, and the list of residents needing care to visit.

The sender runs only in the process holding the "delivery" lease (the outbox's), through the same pacer, so the
outbox and notices together stay under the platform's rate. Rows go pending -> sending (committed before the call)
-> sent; a crash leaves at most the rows in flight 'sending', which the next holder marks in doubt (see resolve_in_doubt).
"""
from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections import Counter, deque
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Blocked, Button, Photo, Rejected, Rendered, Reply, RetryAfter, Transient
from bot.db import take_lease
from bot.dispatch import Refused, pick_locale
from bot.services.loop import PassLoop
from bot.services.outbox import LEASE, enqueue
from bot.services.people import staff_of_grid
from models import Building, ChatIdentity, Community, Grid, Person, RoleAssignment
from models.notices import Notice, NoticeDelivery
from models.people import ROLES

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.notices")
DEFAULTS = Path(__file__).resolve().parent.parent / "defaults" / "notices.yaml"
KINDS = ("all", "community", "grids", "buildings", "role", "care")
LEADER_KINDS = ("grids", "buildings", "care")  # a grid leader sends within their own grid only
OPEN = ("pending", "sending")
FAILED = ("failed", "blocked", "unreachable")


# -- configuration ----------------------------------------------------------------
@dataclass(frozen=True)
class NoticeConfig:
    workers: int = 8
    batch_seconds: float = 4.0
    progress_every: timedelta = timedelta(seconds=5)
    quiet: tuple[time, time] | None = (time(22, 0), time(7, 0))
    ack_after: timedelta = timedelta(minutes=120)
    max_attempts: int = 6
    resend_in_doubt: bool = False
    max_text_chars: int = 2000
    recent: int = 5

    def with_(self, **kw: Any) -> "NoticeConfig":
        return replace(self, **kw)


def _hhmm(v: str) -> time:
    h, m = str(v).split(":")
    return time(int(h), int(m))


def load_config(path: Path = DEFAULTS) -> NoticeConfig:
    raw = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("notices") or {}
    q = raw.get("quiet_hours") or []
    return NoticeConfig(
        workers=max(1, int(raw.get("workers", 8))),
        batch_seconds=float(raw.get("batch_seconds", 4)),
        progress_every=timedelta(seconds=float(raw.get("progress_every_s", 5))),
        quiet=(_hhmm(q[0]), _hhmm(q[1])) if len(q) == 2 else None,
        ack_after=timedelta(minutes=float(raw.get("ack_after_minutes", 120))),
        max_attempts=int(raw.get("max_attempts", 6)),
        resend_in_doubt=bool(raw.get("resend_in_doubt", False)),
        max_text_chars=int(raw.get("max_text_chars", 2000)),
        recent=int(raw.get("recent", 5)),
    )


def config(app: "App") -> NoticeConfig:
    """The app's notice settings: app.notices_config when a test or the CLI set one, else bot/defaults/notices.yaml."""
    cfg = getattr(app, "notices_config", None)
    if cfg is None:
        cfg = load_config()
        app.notices_config = cfg
    return cfg


def in_quiet_hours(cfg: NoticeConfig, now: datetime, tz) -> bool:
    if not cfg.quiet:
        return False
    start, end = cfg.quiet
    t = now.astimezone(tz).time()
    return (start <= t or t < end) if start > end else (start <= t < end)


def quiet_ends(cfg: NoticeConfig, now: datetime, tz) -> datetime:
    local = now.astimezone(tz)
    end = local.replace(hour=cfg.quiet[1].hour, minute=cfg.quiet[1].minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end


# -- who may send to whom ---------------------------------------------------------
@dataclass
class Scope:
    """Where an author may broadcast: a coordinator's communities (None: all), or a grid leader's grids."""

    coordinator: bool
    community_ids: set[int] | None
    grid_ids: set[int] = field(default_factory=set)

    def to_json(self) -> dict:
        return {"coordinator": self.coordinator,
                "communities": sorted(self.community_ids) if self.community_ids is not None else None,
                "grids": sorted(self.grid_ids)}


OPERATOR = Scope(coordinator=True, community_ids=None)  # the command line: an operator of the installation


async def scope_of(session: AsyncSession, person: Person | None) -> Scope:
    """From the database, every time: a coordinator, else a grid leader, else refused."""
    if person is None:
        raise Refused("errors/not_allowed")
    roles = list(await session.scalars(select(RoleAssignment).where(
        RoleAssignment.person_id == person.id, RoleAssignment.active.is_(True),
        RoleAssignment.role.in_(("coordinator", "grid_leader")))))
    coords = [r for r in roles if r.role == "coordinator"]
    if coords:
        ids = None if any(r.community_id is None for r in coords) else {r.community_id for r in coords}
        return Scope(coordinator=True, community_ids=ids)
    grids = {r.grid_id for r in roles if r.role == "grid_leader" and r.grid_id}
    if grids:
        cids = set(await session.scalars(select(Grid.community_id).where(Grid.id.in_(grids))))
        return Scope(coordinator=False, community_ids=cids, grid_ids=grids)
    raise Refused("errors/not_allowed")


async def check_audience(session: AsyncSession, scope: Scope, audience: dict) -> dict:
    """A well-formed audience inside the author's scope, or Refused. Never trusts ids from a button or a CLI flag."""
    kind = audience.get("kind")
    ids = sorted({int(i) for i in audience.get("ids") or []})
    if kind not in KINDS:
        raise Refused("notices/bad_audience")
    if not scope.coordinator and kind not in LEADER_KINDS:
        raise Refused("notices/own_grid_only")
    out: dict[str, Any] = {"kind": kind}
    if kind == "community":
        ok = set(await session.scalars(select(Community.id).where(Community.id.in_(ids))))
        if not ids or ok != set(ids) or (scope.community_ids is not None and not ok <= scope.community_ids):
            raise Refused("notices/bad_audience")
        out["ids"] = ids
    elif kind == "grids":
        rows = (await session.execute(select(Grid.id, Grid.community_id).where(Grid.id.in_(ids)))).all()
        if not ids or len(rows) != len(ids):
            raise Refused("notices/bad_audience")
        if not scope.coordinator and not set(ids) <= scope.grid_ids:
            raise Refused("notices/own_grid_only")
        if scope.community_ids is not None and not {c for _, c in rows} <= scope.community_ids:
            raise Refused("notices/bad_audience")
        out["ids"] = ids
    elif kind == "buildings":
        rows = (await session.execute(select(Building.id, Building.grid_id, Building.community_id)
                                      .where(Building.id.in_(ids)))).all()
        if not ids or len(rows) != len(ids):
            raise Refused("notices/bad_audience")
        if not scope.coordinator and not {g for _, g, _c in rows} <= scope.grid_ids:
            raise Refused("notices/own_grid_only")
        if scope.community_ids is not None and not {c for _, _g, c in rows} <= scope.community_ids:
            raise Refused("notices/bad_audience")
        out["ids"] = ids
    elif kind == "role":
        role = audience.get("role")
        if role not in ROLES:
            raise Refused("notices/bad_audience")
        out["role"] = role
    return out


def _targets(scope: Scope, audience: dict):
    """SELECT (person id, muted, needs care) of everyone the audience reaches inside the scope."""
    kind = audience["kind"]
    if kind == "role":
        q = (select(Person.id, Person.muted_notices, Person.needs_care)
             .join(RoleAssignment, RoleAssignment.person_id == Person.id)
             .where(RoleAssignment.role == audience["role"], RoleAssignment.active.is_(True)))
        if scope.community_ids is not None:
            q = q.where(or_(RoleAssignment.community_id.in_(scope.community_ids),
                            and_(RoleAssignment.community_id.is_(None), Person.community_id.in_(scope.community_ids))))
        return q.distinct()
    # residents (and staff living here): a person registered to an address, with consent
    q = (select(Person.id, Person.muted_notices, Person.needs_care)
         .join(Building, Building.id == Person.building_id)
         .where(Person.consent_at.is_not(None)))
    if scope.community_ids is not None:
        q = q.where(Building.community_id.in_(scope.community_ids))
    if not scope.coordinator:
        q = q.where(Building.grid_id.in_(scope.grid_ids))
    if kind == "community":
        q = q.where(Building.community_id.in_(audience["ids"]))
    elif kind == "grids":
        q = q.where(Building.grid_id.in_(audience["ids"]))
    elif kind == "buildings":
        q = q.where(Building.id.in_(audience["ids"]))
    elif kind == "care":
        q = q.where(Person.needs_care.is_(True))
    return q


@dataclass
class Preview:
    total: int  # everyone the audience reaches
    muted: int  # of them, muted normal notices (urgent ones reach them anyway)
    no_chat: int  # of the rest, nobody can reach by chat now (no chat identity, or they blocked the bot)

    @property
    def recipients(self) -> int:
        return self.total - self.muted


async def preview(session: AsyncSession, scope: Scope, audience: dict, urgent: bool) -> Preview:
    rows = (await session.execute(_targets(scope, audience))).all()
    muted = 0 if urgent else sum(1 for _, m, _c in rows if m)
    reach_ids = {pid for pid, m, _c in rows if urgent or not m}
    reachable: set[int] = set()
    ids = list(reach_ids)
    for i in range(0, len(ids), 5000):
        reachable |= set(await session.scalars(select(ChatIdentity.person_id).where(
            ChatIdentity.person_id.in_(ids[i:i + 5000]), ChatIdentity.reachable.is_(True))))
    return Preview(total=len(rows), muted=muted, no_chat=len(reach_ids - reachable))


# -- composing and queueing ----------------------------------------------------------
async def create(session: AsyncSession, *, author: Person | None, scope: Scope, text: str, audience: dict,
                 urgent: bool, now: datetime, send_at: datetime | None = None, photo: Photo | None = None,
                 progress_ref: dict | None = None, cfg: NoticeConfig | None = None) -> Notice:
    """Store a notice; when it is due now, write its delivery rows in this same transaction."""
    cfg = cfg or NoticeConfig()
    text = (text or "").strip()
    if not text:
        raise Refused("notices/need_text")
    if len(text) > cfg.max_text_chars:
        raise Refused("notices/too_long", length=len(text), limit=cfg.max_text_chars)
    audience = await check_audience(session, scope, audience)
    community_id = None
    if scope.community_ids is not None and len(scope.community_ids) == 1:
        community_id = next(iter(scope.community_ids))
    elif audience["kind"] == "community" and len(audience["ids"]) == 1:
        community_id = audience["ids"][0]
    n = Notice(community_id=community_id, author_id=author.id if author else None,
               author_name=(author.name if author else "")[:200], text=text,
               photo={"platform": photo.platform, "file_ref": photo.file_ref} if photo else None,
               audience={**audience, "scope": scope.to_json()}, urgent=urgent, status="scheduled",
               send_at=send_at if send_at and send_at > now else now, created_at=now, progress_ref=progress_ref)
    session.add(n)
    await session.flush()
    if n.send_at <= now:
        await queue(session, n, now, cfg)
    log.info("notice created", extra={"notice": n.id, "kind": audience["kind"], "urgent": urgent,
                                      "scheduled": n.status == "scheduled"})
    return n


def _scope_from(notice: Notice) -> Scope:
    s = (notice.audience or {}).get("scope") or {}
    cids = s.get("communities")
    return Scope(coordinator=bool(s.get("coordinator", True)),
                 community_ids=set(cids) if cids is not None else None, grid_ids=set(s.get("grids") or []))


async def queue(session: AsyncSession, notice: Notice, now: datetime, cfg: NoticeConfig | None = None) -> int:
    """Write one delivery row per recipient (one transaction, bulk insert); the author's right is checked again."""
    cfg = cfg or NoticeConfig()
    scope = _scope_from(notice)
    if notice.author_id is not None:
        try:
            scope = await scope_of(session, await session.get(Person, notice.author_id))
            await check_audience(session, scope, notice.audience)
        except Refused:  # the author lost the role (or the grid) before a scheduled notice fell due
            notice.status = "cancelled"
            notice.finished_at = now
            log.warning("notice cancelled: author no longer allowed", extra={"notice": notice.id})
            return 0
    rows = (await session.execute(_targets(scope, notice.audience))).all()
    prio = 0 if notice.urgent else 1
    values = [{"notice_id": notice.id, "person_id": pid, "priority": prio,
               "status": "muted" if (muted and not notice.urgent) else "pending",
               "attempts": 0, "available_at": now} for pid, muted, _care in rows]
    for i in range(0, len(values), 2000):
        await session.execute(insert(NoticeDelivery), values[i:i + 2000])
    notice.total = len(values)
    notice.status = "sending"
    notice.started_at = now
    if notice.urgent:
        notice.care_due_at = now + cfg.ack_after
    return len(values)


async def release_due(app: "App", now: datetime) -> int:
    """Scheduled notices whose time has come get their delivery rows (each exactly once: a guarded update)."""
    cfg = config(app)
    n = 0
    async with app.sessionmaker() as s, s.begin():
        ids = list(await s.scalars(select(Notice.id).where(Notice.status == "scheduled", Notice.send_at <= now)
                                   .order_by(Notice.send_at).limit(20)))
        for nid in ids:
            res = await s.execute(update(Notice).where(Notice.id == nid, Notice.status == "scheduled")
                                  .values(status="releasing"))
            if res.rowcount != 1:
                continue
            notice = await s.get(Notice, nid)
            await s.refresh(notice)
            await queue(s, notice, now, cfg)
            n += 1
    return n


async def cancel(session: AsyncSession, person: Person | None, notice_id: int, now: datetime) -> Notice:
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.status not in ("scheduled", "sending"):
        raise Refused("notices/not_cancellable")
    scope = await scope_of(session, person)
    if notice.author_id != person.id and not scope.coordinator:
        raise Refused("errors/not_allowed")
    notice.status = "cancelled"
    notice.finished_at = now
    await session.execute(update(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id,
                                                       NoticeDelivery.status == "pending").values(status="cancelled"))
    return notice


# -- progress and report ---------------------------------------------------------------
async def counts(session: AsyncSession, notice_id: int) -> dict[str, int]:
    rows = (await session.execute(select(NoticeDelivery.status, func.count()).where(
        NoticeDelivery.notice_id == notice_id).group_by(NoticeDelivery.status))).all()
    c = Counter({k: int(v) for k, v in rows})
    acked = await session.scalar(select(func.count()).where(NoticeDelivery.notice_id == notice_id,
                                                            NoticeDelivery.acked_at.is_not(None)))
    return {"sent": c["sent"], "failed": sum(c[k] for k in FAILED), "blocked": c["blocked"],
            "unreachable": c["unreachable"], "in_doubt": c["in_doubt"], "muted": c["muted"],
            "remaining": sum(c[k] for k in OPEN), "cancelled": c["cancelled"], "acked": int(acked or 0),
            "total": sum(c.values())}


async def progress_context(app: "App", session: AsyncSession, notice: Notice, now: datetime) -> dict:
    c = await counts(session, notice.id)
    cfg = config(app)
    held = (not notice.urgent and c["remaining"] and in_quiet_hours(cfg, now, app.settings.tz))
    rate = max(app.settings.send_rate_per_s, 0.1)
    return {"notice_id": notice.id, "c": c, "urgent": notice.urgent, "status": notice.status,
            "eta_s": int(c["remaining"] / rate) + (1 if c["remaining"] else 0),
            "held_until": quiet_ends(cfg, now, app.settings.tz) if held else None,
            "send_at": notice.send_at, "scheduled": notice.status == "scheduled"}


# -- rendering a notice for its recipients -------------------------------------------------
async def notice_context(session: AsyncSession, notice: Notice, locale: str) -> dict:
    community = ""
    if notice.community_id:
        c = await session.get(Community, notice.community_id)
        community = (c.name_en or c.name) if (c and locale == "en") else (c.name if c else "")
    return {"notice_id": notice.id, "text": notice.text, "urgent": notice.urgent, "community": community,
            "author": notice.author_name, "sent_at": notice.send_at, "acked": False}


def ack_buttons(notice: Notice) -> list[list[Button]]:
    return [[Button("notices.ack", f"n1:ack:{notice.id}")]] if notice.urgent else []


async def ack(session: AsyncSession, person: Person | None, notice_id: int, now: datetime) -> tuple[Notice, bool]:
    """The recipient pressed "Got it". Only a recipient of that notice can acknowledge it; twice is harmless."""
    if person is None:
        raise Refused("notices/ack_stale")
    row = await session.scalar(select(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id,
                                                           NoticeDelivery.person_id == person.id))
    notice = await session.get(Notice, notice_id)
    if row is None or notice is None or not notice.urgent:
        raise Refused("notices/ack_stale")
    first = row.acked_at is None
    if first:
        row.acked_at = now
        if row.status in ("in_doubt", "pending", "sending"):  # they have it: the question is settled
            row.status, row.sent_at = "sent", row.sent_at or now
    return notice, first


# -- the resident's side ----------------------------------------------------------------
async def recent_for(session: AsyncSession, person: Person, limit: int) -> list[dict]:
    rows = (await session.execute(
        select(Notice, NoticeDelivery).join(NoticeDelivery, NoticeDelivery.notice_id == Notice.id)
        .where(NoticeDelivery.person_id == person.id, NoticeDelivery.status.not_in(("cancelled", "pending")))
        .order_by(Notice.send_at.desc(), Notice.id.desc()).limit(limit))).all()
    return [{"id": n.id, "text": n.text, "urgent": n.urgent, "at": n.send_at, "author": n.author_name,
             "acked": d.acked_at is not None, "muted": d.status == "muted"} for n, d in rows]


def set_muted(person: Person, muted: bool) -> None:
    person.muted_notices = muted


# -- residents needing care who have not acknowledged -------------------------------------
def _building_key(code: str) -> tuple:
    return (not code.isdigit(), int(code) if code.isdigit() else 0, code)


async def care_sweep(app: "App", now: datetime) -> int:
    """Urgent notices past their acknowledgement time: list the residents needing care who have not pressed
    "Got it" (or could not be reached) to their grid's workers, building by building, once per notice."""
    sent = 0
    async with app.sessionmaker() as s, s.begin():
        ids = list(await s.scalars(select(Notice.id).where(
            Notice.urgent.is_(True), Notice.care_due_at <= now, Notice.care_listed_at.is_(None),
            Notice.status.in_(("sending", "done")))))
        for nid in ids:
            res = await s.execute(update(Notice).where(Notice.id == nid, Notice.care_listed_at.is_(None))
                                  .values(care_listed_at=now))
            if res.rowcount != 1:  # another process listed it
                continue
            notice = await s.get(Notice, nid)
            rows = (await s.execute(
                select(Person, Building, NoticeDelivery.status)
                .join(NoticeDelivery, NoticeDelivery.person_id == Person.id)
                .join(Building, Building.id == Person.building_id)
                .where(NoticeDelivery.notice_id == nid, Person.needs_care.is_(True),
                       NoticeDelivery.acked_at.is_(None), NoticeDelivery.status != "cancelled"))).all()
            by_grid: dict[int, list] = {}
            for p, b, status in rows:
                by_grid.setdefault(b.grid_id, []).append((b, p, status))
            for grid_id, items in by_grid.items():
                grid = await s.get(Grid, grid_id)
                items.sort(key=lambda t: (_building_key(t[0].code), t[1].unit or "", t[1].room or "", t[1].id))
                buildings: list[dict] = []
                for b, p, status in items:
                    if not buildings or buildings[-1]["code"] != b.code:
                        buildings.append({"code": b.code, "people": []})
                    buildings[-1]["people"].append({"name": p.name, "unit": p.unit, "room": p.room,
                                                    "reached": status in ("sent", "in_doubt")})
                staff = (await staff_of_grid(s, grid_id, ("grid_worker",))
                         or await staff_of_grid(s, grid_id, ("grid_leader",)))
                for sid in sorted(set(staff)):
                    enqueue(s, sid, Reply("notices/care_visit", {
                        "notice_id": nid, "text": notice.text[:120], "grid": grid.name, "grid_en": grid.name_en or grid.name,
                        "buildings": buildings, "count": len(items), "since": notice.started_at}),
                        now, priority=1, dedupe_key=f"notice-care:{nid}:{sid}")
                    sent += 1
            log.info("care list sent", extra={"notice": nid, "unacknowledged": len(rows)})
    if sent:
        app.wake_outbox()
    return sent


# -- the sender -----------------------------------------------------------------------------
@dataclass
class _Job:
    id: int
    notice_id: int
    person_id: int
    platform: str | None = None
    chat_id: str | None = None
    identity_id: int | None = None
    locale: str = "zh"
    deferred: bool = False


class NoticeSender(PassLoop):
    """The single pacer of notices: claims due delivery rows (urgent first, normal ones not in quiet hours),
    sends them with a few in flight through app.pacer(platform), records each outcome, edits progress."""

    name = "notices"

    def __init__(self, app: "App"):
        super().__init__()
        self.app = app
        self.holder = app.outbox.holder  # the outbox's lease holder: one process sends everything to a bot
        self.token = uuid.uuid4().hex[:16]  # this run; rows left 'sending' by another run are in doubt
        self._cache: dict[tuple, list[Rendered]] = {}
        # SQLite has one writer: our workers queue here instead of in SQLite's busy handler, which sleeps 10-100 ms
        self._write = asyncio.Lock() if app.settings.is_sqlite else None

    @asynccontextmanager
    async def _tx(self):
        """A short write transaction of one worker."""
        async with (self._write or nullcontext()):
            async with self.app.sessionmaker() as s, s.begin():
                yield s

    @property
    def cfg(self) -> NoticeConfig:
        return config(self.app)

    async def run_once(self) -> int:
        app = self.app
        now = app.clock.now()
        await release_due(app, now)
        jobs = await self._claim(now)
        if jobs:
            await self._send_all(jobs)
        await self._progress(app.clock.now())
        return len(jobs)

    # -- claiming -----------------------------------------------------------------------
    async def _claim(self, now: datetime) -> list[_Job]:
        app, cfg = self.app, self.cfg
        limit = max(20, int(app.settings.send_rate_per_s * cfg.batch_seconds))
        async with app.sessionmaker() as s, s.begin():
            if not await take_lease(s, LEASE, self.holder, now, timedelta(seconds=30)):
                return []
            await self._resolve_in_doubt(s)
            q = (select(NoticeDelivery).join(Notice, Notice.id == NoticeDelivery.notice_id)
                 .where(NoticeDelivery.status == "pending", NoticeDelivery.available_at <= now,
                        Notice.status == "sending")
                 .order_by(NoticeDelivery.priority, NoticeDelivery.id).limit(limit)
                 .with_for_update(of=NoticeDelivery, skip_locked=True))
            if in_quiet_hours(cfg, now, app.settings.tz):
                q = q.where(NoticeDelivery.priority == 0)  # normal notices wait for the morning
            rows = list(await s.scalars(q))
            if not rows:
                return []
            for r in rows:
                r.claimed_by, r.claimed_until = self.token, now + timedelta(minutes=5)
            jobs = [_Job(r.id, r.notice_id, r.person_id) for r in rows]
            await self._route(s, jobs, now)
        return [j for j in jobs if j.platform]

    async def _resolve_in_doubt(self, s: AsyncSession) -> None:
        """Rows another run left 'sending' died with it between 'sending' and the outcome (we hold the lease now).
        The platform may or may not have the message and cannot be asked: by default count them in doubt and do not
        send again; with resend_in_doubt, send again (no loss, perhaps a duplicate).

        The residual window, honestly: each worker commits 'sending' right after its pacer slot and sends at once,
        so a kill leaves at most `workers` rows in doubt. Of those, a row killed after the commit but before the
        request reached Telegram (a millisecond or so) is a notice that person never gets (default) or gets once
        (resend); a row killed after Telegram accepted it but before 'sent' was committed is delivered once
        (default) or twice (resend). A network timeout whose request Telegram did accept is retried as transient
        and can duplicate: Telegram offers no idempotency key. Urgent notices are backstopped by acknowledgements:
        a resident needing care who did not press "Got it" is visited whatever the row says."""
        stale = and_(NoticeDelivery.status == "sending",
                     or_(NoticeDelivery.claimed_by.is_(None), NoticeDelivery.claimed_by != self.token))
        if self.cfg.resend_in_doubt:
            res = await s.execute(update(NoticeDelivery).where(stale).values(status="pending", claimed_by=None))
        else:
            res = await s.execute(update(NoticeDelivery).where(stale).values(status="in_doubt"))
        if res.rowcount:
            log.warning("deliveries in doubt after a crash", extra={"rows": res.rowcount,
                                                                    "resent": self.cfg.resend_in_doubt})

    async def _route(self, s: AsyncSession, jobs: list[_Job], now: datetime) -> None:
        """Each recipient's reachable chat used last, and locale; rows nobody can reach are closed at once."""
        pids = list({j.person_id for j in jobs})
        people = {p.id: p for p in await s.scalars(select(Person).where(Person.id.in_(pids)))}
        best: dict[int, ChatIdentity] = {}
        for ident in await s.scalars(select(ChatIdentity).where(ChatIdentity.person_id.in_(pids),
                                                                ChatIdentity.reachable.is_(True))):
            cur = best.get(ident.person_id)
            if ident.platform in self.app.channels and (cur is None or ident.last_seen_at > cur.last_seen_at):
                best[ident.person_id] = ident
        gone = []
        for j in jobs:
            ident = best.get(j.person_id)
            if ident is None:
                gone.append(j.id)
                continue
            j.platform, j.chat_id, j.identity_id = ident.platform, ident.chat_id, ident.id
            j.locale = pick_locale(people.get(j.person_id), ident, self.app.settings.default_locale)
        if gone:
            await s.execute(update(NoticeDelivery).where(NoticeDelivery.id.in_(gone)).values(
                status="unreachable", claimed_by=None, last_error="no reachable chat"))

    # -- sending ------------------------------------------------------------------------
    async def _send_all(self, jobs: list[_Job]) -> None:
        # one message a chat per batch: the urgent one first, and never two sends to one chat racing each other
        seen: set[tuple] = set()
        now_jobs, later = [], []
        for j in jobs:
            key = (j.platform, j.chat_id)
            (later if key in seen else now_jobs).append(j)
            seen.add(key)
        if later:
            async with self.app.sessionmaker() as s, s.begin():
                await s.execute(update(NoticeDelivery).where(NoticeDelivery.id.in_([j.id for j in later]))
                                .values(claimed_by=None))
        pending = deque(now_jobs)

        async def worker() -> None:
            while pending and not self._stopping:
                job = pending.popleft()
                if not job.deferred and pending and self.app.pacer(job.platform).chat_ready_in(job.chat_id) > 0:
                    # this chat had a message a moment ago: send the others first rather than hold the global
                    # slot waiting for it (once; then the pacer waits for the chat)
                    job.deferred = True
                    pending.append(job)
                    continue
                await self._send_one(job)

        async with asyncio.TaskGroup() as tg:  # one worker crashing stops the batch; its rows are picked up again
            for _ in range(min(self.cfg.workers, len(now_jobs))):
                tg.create_task(worker())

    async def _parts(self, notice_id: int, locale: str, platform: str) -> list[Rendered]:
        """The notice rendered once per locale and platform (10,000 recipients, two renderings)."""
        key = (notice_id, locale, platform)
        parts = self._cache.get(key)
        if parts is None:
            if len(self._cache) > 200:
                self._cache.clear()
            channel = self.app.channels[platform]
            async with self.app.sessionmaker() as s:
                notice = await s.get(Notice, notice_id)
                ctx = await notice_context(s, notice, locale)
            photo = Photo(**notice.photo) if notice.photo else None
            if photo and photo.platform != platform and not (photo.platform == "web" and platform == "telegram"):
                photo = None
            parts = self.app.renderer.render(Reply("notices/notice", ctx, ack_buttons(notice), photo=photo),
                                             locale, channel.html)
            self._cache[key] = parts
        return parts

    async def _send_one(self, job: _Job) -> None:
        app = self.app
        pacer = app.pacer(job.platform)
        channel = app.channels[job.platform]
        try:
            parts = await self._parts(job.notice_id, job.locale, job.platform)
        except Exception as e:  # a template bug: fail the row, do not spin on it
            log.exception("notice rendering failed", extra={"notice": job.notice_id})
            await self._finish(job, Rejected(repr(e)), None)
            return
        group = job.chat_id.startswith("-")
        stamp = await pacer.wait(job.chat_id, group=group)
        async with self._tx() as s:
            res = await s.execute(update(NoticeDelivery).where(
                NoticeDelivery.id == job.id, NoticeDelivery.status == "pending",
                NoticeDelivery.claimed_by == self.token).values(
                status="sending", sending_at=app.clock.now(), attempts=NoticeDelivery.attempts + 1,
                platform=job.platform, chat_id=job.chat_id))
            if res.rowcount != 1:  # cancelled, or taken over by another holder meanwhile
                return
        error: Exception | None = None
        ref = None
        try:
            for i, p in enumerate(parts):
                if i:
                    stamp = await pacer.wait(job.chat_id, group=group)
                try:
                    ref = await channel.send(job.chat_id, p)
                finally:
                    pacer.landed(stamp)
        except (Blocked, RetryAfter, Transient, Rejected) as e:
            error = e
        except Exception as e:  # an adapter bug: record it, keep going
            log.exception("notice send crashed", extra={"delivery": job.id})
            error = Rejected(repr(e))
        await self._finish(job, error, ref)

    async def _finish(self, job: _Job, error: Exception | None, ref) -> None:
        app, cfg = self.app, self.cfg
        now = app.clock.now()
        mine = and_(NoticeDelivery.id == job.id, NoticeDelivery.claimed_by == self.token,
                    NoticeDelivery.status.in_(("sending", "pending")))
        async with self._tx() as s:
            if error is None:
                vals: dict[str, Any] = {"status": "sent", "sent_at": now, "message_id": ref.message_id if ref else None}
            elif isinstance(error, RetryAfter):
                app.pacer(job.platform).pause(error.seconds)
                vals = {"status": "pending", "claimed_by": None, "attempts": NoticeDelivery.attempts - 1,
                        "available_at": now + timedelta(seconds=error.seconds)}
            elif isinstance(error, Blocked):
                ident = await s.get(ChatIdentity, job.identity_id)
                if ident is not None:
                    ident.reachable, ident.blocked_at = False, now
                other = await s.scalar(select(ChatIdentity.id).where(
                    ChatIdentity.person_id == job.person_id, ChatIdentity.reachable.is_(True),
                    ChatIdentity.id != job.identity_id).limit(1))
                log.info("notice recipient blocked the bot", extra={"person": job.person_id})
                vals = ({"status": "pending", "claimed_by": None} if other else
                        {"status": "blocked", "last_error": str(error)[:500]})
            elif isinstance(error, Transient):
                row = await s.get(NoticeDelivery, job.id)
                if row is not None and row.attempts < cfg.max_attempts:
                    vals = {"status": "pending", "claimed_by": None, "last_error": str(error)[:500],
                            "available_at": now + timedelta(seconds=min(2 ** row.attempts, 300))}
                else:
                    vals = {"status": "failed", "last_error": str(error)[:500]}
            else:
                vals = {"status": "failed", "last_error": str(error)[:500]}
                log.warning("notice delivery failed", extra={"delivery": job.id, "error": str(error)[:200]})
            await s.execute(update(NoticeDelivery).where(mine).values(**vals))

    # -- progress, end, report ----------------------------------------------------------------
    async def _progress(self, now: datetime) -> None:
        """Close notices with nothing left to send (final edit + report to the author); edit the others' previews
        at most every progress_every."""
        app = self.app
        edits: list[tuple[dict, dict]] = []
        async with app.sessionmaker() as s, s.begin():
            for n in list(await s.scalars(select(Notice).where(Notice.status == "sending"))):
                remaining = await s.scalar(select(func.count()).where(
                    NoticeDelivery.notice_id == n.id, NoticeDelivery.status.in_(OPEN)))
                done = not remaining
                if done:
                    res = await s.execute(update(Notice).where(Notice.id == n.id, Notice.status == "sending")
                                          .values(status="done", finished_at=now, progress_at=now))
                    if res.rowcount != 1:
                        continue
                    await s.refresh(n)
                elif n.progress_at and now - n.progress_at < self.cfg.progress_every:
                    continue
                else:
                    n.progress_at = now
                ctx = await progress_context(app, s, n, now)
                if done:
                    if n.author_id:
                        enqueue(s, n.author_id, Reply("notices/report", ctx), now, priority=2,
                                dedupe_key=f"notice-report:{n.id}")
                    log.info("notice done", extra={"notice": n.id, **ctx["c"]})
                if n.progress_ref:
                    edits.append((dict(n.progress_ref), ctx))
        for ref, ctx in edits:  # after the commit: a slow edit must not hold the transaction
            await self._edit_progress(ref, ctx)
        app.wake_outbox()

    async def _edit_progress(self, ref: dict, ctx: dict) -> None:
        channel = self.app.channels.get(ref.get("platform"))
        if channel is None:
            return
        try:
            parts = self.app.renderer.render(Reply("notices/progress", ctx), ref.get("locale") or "zh", channel.html)
            await self.app.pacer(ref["platform"]).wait(ref["chat_id"])
            await channel.edit(ref["chat_id"], ref["message_id"], parts[0])
        except Exception as e:  # a progress edit is a courtesy: never let it stop the sending
            log.info("progress edit failed", extra={"error": str(e)[:200]})


def sender(app: "App") -> NoticeSender:
    """The app's notice sender (one per app), created on first use."""
    s = getattr(app, "notices", None)
    if s is None:
        s = app.notices = NoticeSender(app)
    return s


def parse_when(text: str, now: datetime, tz) -> datetime | None:
    """'18:30' (today, or tomorrow if past), '明天 9:00' / 'tomorrow 9:00', '2026-11-25 09:00' -> aware UTC, or None."""
    t = text.strip().lower().replace("：", ":")
    local = now.astimezone(tz)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})[ t]+(\d{1,2}):(\d{2})", t)
    try:
        if m:
            y, mo, d, h, mi = map(int, m.groups())
            return local.replace(year=y, month=mo, day=d, hour=h, minute=mi, second=0, microsecond=0)
        m = re.fullmatch(r"(明天|tomorrow)?\s*(\d{1,2}):(\d{2})", t)
        if m:
            h, mi = int(m.group(2)), int(m.group(3))
            when = local.replace(hour=h, minute=mi, second=0, microsecond=0)
            if m.group(1):
                when += timedelta(days=1)
            elif when <= local:
                when += timedelta(days=1)
            return when
    except ValueError:
        return None
    return None

