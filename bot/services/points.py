"""Volunteer points: the rules (bot/defaults/points.yaml), claims and their verification, events and check-ins, the
append-only ledger (balance derived, never negative: every write locks the person's account row first) and the
points supermarket (vouchers hold points and stock; handover debits, cancel or expiry releases)."""
from __future__ import annotations

import io
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply
from bot.dispatch import Refused
from bot.services import people
from bot.services.outbox import enqueue
from models import Building, Community, Person, RoleAssignment
from models.points import (EventCheckin, LedgerEntry, PointsAccount, PointsEvent, Redemption, Reward, Shop,
                           ShopKeeper, VolunteerClaim)

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.points")
RULES_FILE = Path(__file__).resolve().parent.parent / "defaults" / "points.yaml"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read aloud and typed
VERIFIER_ROLES = ("grid_worker", "grid_leader")
ORGANISER_ROLES = ("grid_worker", "grid_leader", "coordinator")
MAX_EVENT_POINTS = 100


# -- rules --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivityRule:
    id: str
    names: dict[str, list[str]]
    points_per_hour: float | None = None
    points_per_event: int | None = None
    verify: str = "grid_worker"  # grid_worker, coordinator, organiser, none

    @property
    def per_hour(self) -> bool:
        return self.points_per_hour is not None

    def title(self) -> dict[str, str]:
        zh = (self.names.get("zh") or [self.id])[0]
        en = (self.names.get("en") or [self.id])[0]
        return {"id": self.id, "zh": zh, "en": en}

    def points(self, hours: float | None) -> int:
        if self.per_hour:
            return int(round((hours or 0) * float(self.points_per_hour) + 1e-9))
        return int(self.points_per_event or 0)


@dataclass(frozen=True)
class Caps:
    max_hours_per_day: float = 12
    daily_points: int = 60
    monthly_points: int = 400
    claim_max_age_days: int = 30
    voucher_days: int = 14
    remind_after_hours: float = 24


@dataclass
class Rules:
    activities: dict[str, ActivityRule]
    caps: Caps
    classes: list[dict] = field(default_factory=list)
    shops: list[dict] = field(default_factory=list)

    def activity(self, activity_id: str | None) -> ActivityRule | None:
        return self.activities.get(activity_id or "")

    def class_of(self, activity_id: str) -> str | None:
        return next((c["id"] for c in self.classes if activity_id in (c.get("activities") or [])), None)


def _merge(base: dict, extra: dict) -> dict:
    """A community file adds or replaces activities and shops by id/code and overrides caps key by key."""
    out = dict(base)
    for key, ident in (("activities", "id"), ("shops", "code"), ("classes", "id")):
        if key in extra:
            items = {str(x[ident]): x for x in base.get(key) or []}
            for x in extra[key] or []:
                items[str(x[ident])] = x
            out[key] = list(items.values())
    if "caps" in extra:
        out["caps"] = {**(base.get("caps") or {}), **(extra["caps"] or {})}
    return out


@lru_cache(maxsize=8)
def load_rules(path: str | None = None, override: str | None = None) -> Rules:
    data = yaml.safe_load(Path(path or RULES_FILE).read_text(encoding="utf-8")) or {}
    if override:
        data = _merge(data, yaml.safe_load(Path(override).read_text(encoding="utf-8")) or {})
    acts = {}
    for a in data.get("activities") or []:
        acts[str(a["id"])] = ActivityRule(
            id=str(a["id"]), names={k: list(v) for k, v in (a.get("names") or {}).items()},
            points_per_hour=a.get("points_per_hour"), points_per_event=a.get("points_per_event"),
            verify=str(a.get("verify") or "grid_worker"))
    caps = Caps(**{k: v for k, v in (data.get("caps") or {}).items() if k in Caps.__dataclass_fields__})
    return Rules(activities=acts, caps=caps, classes=list(data.get("classes") or []), shops=list(data.get("shops") or []))


def rules_of(app: "App") -> Rules:
    pf = app.settings.points_file
    return load_rules(None, str(pf) if pf else None)


# -- time helpers ---------------------------------------------------------------------------------------------------
def local_day(dt: datetime, tz: ZoneInfo) -> date:
    return dt.astimezone(tz).date()


def day_start(d: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=tz)


def month_bounds(d: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first = d.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return day_start(first, tz), day_start(nxt, tz)


# -- ledger ---------------------------------------------------------------------------------------------------------
async def lock_account(session: AsyncSession, person_id: int, now: datetime) -> PointsAccount:
    """The person's account row, locked until the transaction ends (created on first use)."""
    q = (select(PointsAccount).where(PointsAccount.person_id == person_id)
         .with_for_update().execution_options(populate_existing=True))
    acct = await session.scalar(q)
    if acct is None:
        try:
            async with session.begin_nested():
                session.add(PointsAccount(person_id=person_id, balance=0, held=0, leaderboard=False, updated_at=now))
        except IntegrityError:  # another transaction created it first; lock theirs
            pass
        acct = await session.scalar(q)
    return acct


async def account(session: AsyncSession, person_id: int) -> PointsAccount | None:
    return await session.get(PointsAccount, person_id)


async def post(session: AsyncSession, person_id: int, kind: str, amount: int, held: int = 0, *, key: str,
               now: datetime, community_id: int | None = None, **refs: Any) -> tuple[LedgerEntry, bool]:
    """Append one entry (idempotent by key) and move the cached balance. Returns (entry, created).
    Refuses, changing nothing, when the balance would go below zero."""
    acct = await lock_account(session, person_id, now)
    # checked after taking the lock: a concurrent twin with the same key has committed by now
    existing = await session.scalar(select(LedgerEntry).where(LedgerEntry.idem_key == key))
    if existing is not None:
        return existing, False
    entry = _append(session, acct, kind, amount, held, key=key, now=now, community_id=community_id, **refs)
    await session.flush()
    return entry, True


def _append(session: AsyncSession, acct: PointsAccount, kind: str, amount: int, held: int = 0, *, key: str,
            now: datetime, community_id: int | None = None, **refs: Any) -> LedgerEntry:
    """The write itself, for a caller that holds the account lock and has checked the key."""
    if acct.balance + amount < 0:
        raise Refused("points/too_few", balance=acct.balance, need=-amount)
    if acct.held + held < 0:
        raise RuntimeError(f"held points of person {acct.person_id} would go negative")
    entry = LedgerEntry(person_id=acct.person_id, community_id=community_id, kind=kind, amount=amount, held=held,
                        idem_key=key, at=now, **refs)
    session.add(entry)
    acct.balance += amount
    acct.held += held
    acct.updated_at = now
    log.info("ledger entry", extra={"person": acct.person_id, "kind": kind, "amount": amount, "held": held})
    return entry


async def ledger_sum(session: AsyncSession, person_id: int) -> tuple[int, int]:
    """(balance, held) derived from the ledger itself: the truth the cached account must equal."""
    row = (await session.execute(select(func.coalesce(func.sum(LedgerEntry.amount), 0),
                                        func.coalesce(func.sum(LedgerEntry.held), 0))
                                 .where(LedgerEntry.person_id == person_id))).one()
    return int(row[0]), int(row[1])


async def recent_entries(session: AsyncSession, person_id: int, limit: int = 8) -> list[LedgerEntry]:
    return list(await session.scalars(select(LedgerEntry).where(LedgerEntry.person_id == person_id)
                                      .order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc()).limit(limit)))


async def pending_claims(session: AsyncSession, person_id: int, limit: int = 5) -> list[VolunteerClaim]:
    """A person's claims still waiting for a verifier, oldest first: points promised but not yet in the ledger."""
    return list(await session.scalars(select(VolunteerClaim).where(
        VolunteerClaim.person_id == person_id, VolunteerClaim.status == "pending")
        .order_by(VolunteerClaim.id).limit(limit)))


async def earned_on(session: AsyncSession, person_id: int, day: str | None = None, month: str | None = None) -> int:
    q = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.person_id == person_id, LedgerEntry.kind == "earn")
    q = q.where(LedgerEntry.day == day) if day else q.where(LedgerEntry.day.like(f"{month}-%"))
    return int(await session.scalar(q) or 0)


async def capped(session: AsyncSession, rules: Rules, person_id: int, day: date, points: int) -> int:
    """What of `points` the caps still allow for work done on `day`."""
    d = day.isoformat()
    left_day = rules.caps.daily_points - await earned_on(session, person_id, day=d)
    left_month = rules.caps.monthly_points - await earned_on(session, person_id, month=d[:7])
    return max(0, min(points, left_day, left_month))


async def earn(session: AsyncSession, rules: Rules, person: Person, points: int, day: date, *, key: str,
               now: datetime, **refs: Any) -> int:
    """Award points for work done on `day`, cut to the caps; returns what was awarded (0 writes nothing)."""
    acct = await lock_account(session, person.id, now)  # caps are read under the lock: two awards cannot both fit
    existing = await session.scalar(select(LedgerEntry).where(LedgerEntry.idem_key == key))
    if existing is not None:
        return existing.amount
    amount = await capped(session, rules, person.id, day, points)
    if amount <= 0:
        return 0
    _append(session, acct, "earn", amount, key=key, now=now, community_id=person.community_id,
            day=day.isoformat(), **refs)
    await session.flush()  # the next award of this transaction counts this one against the caps
    return amount


# -- claims ---------------------------------------------------------------------------------------------------------
HOURS_SAID = re.compile(r"(\d+(?:\.\d+)?)\s*(?:个\s*)?(?:半\s*)?(?:小时|钟头|h\b|hrs?\b|hours?\b)", re.I)


def hours_said(text: str | None) -> float | None:
    """An explicit number of hours in the text, even an impossible one (the parser drops those; we answer them)."""
    m = HOURS_SAID.search(text or "")
    return float(m.group(1)) if m else None


@dataclass
class Draft:
    activity: str
    hours: float | None
    day: date
    points: int  # after caps
    raw_points: int

    def to_data(self) -> dict:
        return {"activity": self.activity, "hours": self.hours, "day": self.day.isoformat()}


async def check_claim(session: AsyncSession, rules: Rules, person: Person, activity: str | None,
                      hours: float | None, day: date, now: datetime, tz: ZoneInfo) -> Draft:
    """Every rule a claim must meet; Refused names the first one broken. Changes nothing."""
    rule = rules.activity(activity)
    if rule is None:
        raise Refused("points/unknown_activity", activity=(activity or "")[:32])
    if rule.per_hour:
        if hours is None or hours <= 0:
            raise Refused("points/no_hours")
        if hours > 24:
            raise Refused("points/too_many_hours", hours=hours, limit=rules.caps.max_hours_per_day)
        done = func.coalesce(VolunteerClaim.approved_hours, VolunteerClaim.hours)  # as the worker set them
        already = float(await session.scalar(select(func.coalesce(func.sum(done), 0.0)).where(
            VolunteerClaim.person_id == person.id, VolunteerClaim.day == day.isoformat(),
            VolunteerClaim.status.in_(("pending", "approved")))) or 0)
        if hours + already > rules.caps.max_hours_per_day:
            raise Refused("points/too_many_hours", hours=hours + already, limit=rules.caps.max_hours_per_day)
    today = local_day(now, tz)
    if day > today:
        raise Refused("points/future_date", day=day.isoformat())
    if (today - day).days > rules.caps.claim_max_age_days:
        raise Refused("points/too_old", day=day.isoformat(), limit=rules.caps.claim_max_age_days)
    raw = rule.points(hours if rule.per_hour else None)
    return Draft(activity=rule.id, hours=hours if rule.per_hour else None, day=day, raw_points=raw,
                 points=await capped(session, rules, person.id, day, raw))


async def grid_of(session: AsyncSession, person: Person) -> tuple[int | None, int | None]:
    """(community_id, grid_id) of a resident's home."""
    if person.building_id is None:
        return person.community_id, None
    b = await session.get(Building, person.building_id)
    return b.community_id, b.grid_id


async def verifiers(session: AsyncSession, claim: VolunteerClaim) -> list[int]:
    """Who hears of a claim: the grid's workers (its leader if it has none), else the coordinators."""
    out: list[int] = []
    if claim.verify in ("grid_worker", "organiser") and claim.grid_id:
        out = await people.staff_of_grid(session, claim.grid_id, ("grid_worker",))
        if not out:
            out = await people.staff_of_grid(session, claim.grid_id, ("grid_leader",))
    if not out:
        out = await people.coordinators(session, claim.community_id)
    return sorted(set(out) - {claim.person_id})


def _roles(person: Person) -> list[RoleAssignment]:
    return [r for r in person.roles if r.active]


def may_verify(actor: Person, claim: VolunteerClaim) -> bool:
    if actor.id == claim.person_id:  # nobody approves their own points
        return False
    for r in _roles(actor):
        if r.role in VERIFIER_ROLES and claim.grid_id is not None and r.grid_id == claim.grid_id \
                and claim.verify != "coordinator":
            return True
        if r.role == "coordinator" and (r.community_id is None or r.community_id == claim.community_id):
            return True
    return False


def claim_context(claim: VolunteerClaim, rules: Rules, claimant: Person | None = None) -> dict:
    rule = rules.activity(claim.activity)
    return {"id": claim.id, "activity": rule.title() if rule else {"id": claim.activity, "zh": claim.activity,
                                                                     "en": claim.activity},
            "hours": claim.hours, "day": claim.day, "points": claim.points, "per_hour": claim.hours is not None,
            "name": claimant.name if claimant else "", "text": (claim.text or "")[:300]}


async def submit_claim(session: AsyncSession, app: "App", person: Person, activity: str, hours: float | None,
                       day: date, text: str | None, now: datetime) -> tuple[VolunteerClaim, int | None]:
    """File a claim; returns (claim, points awarded now if the rule needs no verification)."""
    rules, tz = rules_of(app), app.settings.tz
    draft = await check_claim(session, rules, person, activity, hours, day, now, tz)
    community_id, grid_id = await grid_of(session, person)
    rule = rules.activity(activity)
    claim = VolunteerClaim(person_id=person.id, community_id=community_id, grid_id=grid_id, activity=draft.activity,
                           hours=draft.hours, done_on=day_start(day, tz), day=day.isoformat(), points=draft.raw_points,
                           status="pending", verify=rule.verify, text=(text or "")[:1000], created_at=now)
    session.add(claim)
    await session.flush()
    if rule.verify == "none":
        awarded = await _approve(session, rules, claim, None, draft.hours, now)
        return claim, awarded
    ctx = claim_context(claim, rules, person)
    for vid in await verifiers(session, claim):
        enqueue(session, vid, Reply("points/verify_claim", ctx, verify_buttons(claim.id)), now,
                dedupe_key=f"pts:claim:{claim.id}:{vid}")
    log.info("claim filed", extra={"claim": claim.id, "activity": claim.activity})
    return claim, None


def verify_buttons(claim_id: int) -> list[list[Button]]:
    return [[Button("points.approve", f"p1:ok:{claim_id}"), Button("points.adjust_hours", f"p1:adh:{claim_id}"),
             Button("points.reject", f"p1:rej:{claim_id}")]]


async def _locked_claim(session: AsyncSession, claim_id: int) -> VolunteerClaim | None:
    return await session.scalar(select(VolunteerClaim).where(VolunteerClaim.id == claim_id)
                                .with_for_update().execution_options(populate_existing=True))


async def _approve(session: AsyncSession, rules: Rules, claim: VolunteerClaim, actor: Person | None,
                   hours: float | None, now: datetime) -> int:
    rule = rules.activity(claim.activity)
    raw = rule.points(hours) if rule else claim.points
    claimant = await session.get(Person, claim.person_id)
    awarded = await earn(session, rules, claimant, raw, date.fromisoformat(claim.day), key=f"claim:{claim.id}",
                         now=now, activity=claim.activity, claim_id=claim.id, actor_id=actor.id if actor else None)
    claim.status, claim.decided_at = "approved", now
    claim.decided_by = actor.id if actor else None
    claim.approved_hours, claim.awarded = hours, awarded
    return awarded


async def decide_claim(session: AsyncSession, app: "App", actor: Person, claim_id: int, approve: bool,
                       now: datetime, hours: float | None = None, reason: str | None = None) -> VolunteerClaim:
    """Approve (optionally with adjusted hours) or reject with a reason; tells the resident through the outbox."""
    rules = rules_of(app)
    claim = await _locked_claim(session, claim_id)
    if claim is None:
        raise Refused("points/claim_gone")
    if not may_verify(actor, claim):
        raise Refused("errors/not_allowed")
    if claim.status != "pending":
        raise Refused("points/claim_decided", status=claim.status)
    claimant = await session.get(Person, claim.person_id)
    ctx = claim_context(claim, rules, claimant)
    if approve:
        if hours is not None:
            if claim.hours is None:
                raise Refused("points/claim_decided", status=claim.status)  # per-event claims have no hours
            if not 0 < hours <= min(24, rules.caps.max_hours_per_day):
                raise Refused("points/too_many_hours", hours=hours, limit=rules.caps.max_hours_per_day)
        final_hours = hours if hours is not None else claim.hours
        rule = rules.activity(claim.activity)
        awarded = await _approve(session, rules, claim, actor, final_hours, now)
        due = rule.points(final_hours) if rule else claim.points
        ctx.update(awarded=awarded, approved_hours=final_hours, adjusted=hours is not None and hours != claim.hours,
                   capped=awarded < due)
        enqueue(session, claim.person_id, Reply("points/claim_approved", ctx), now, dedupe_key=f"pts:claimok:{claim.id}")
    else:
        reason = (reason or "").strip()
        if not reason:
            raise Refused("points/reason_needed")
        claim.status, claim.decided_at, claim.decided_by, claim.reason = "rejected", now, actor.id, reason[:500]
        ctx.update(reason=claim.reason)
        enqueue(session, claim.person_id, Reply("points/claim_rejected", ctx), now, dedupe_key=f"pts:claimno:{claim.id}")
    await session.flush()
    log.info("claim decided", extra={"claim": claim.id, "status": claim.status, "actor": actor.id})
    return claim


async def remind_pending(session: AsyncSession, app: "App", now: datetime) -> int:
    """One reminder a verifier listing their claims waiting longer than remind_after_hours; stamps each claim."""
    rules = rules_of(app)
    every = timedelta(hours=rules.caps.remind_after_hours)
    rows = list(await session.scalars(
        select(VolunteerClaim).where(
            VolunteerClaim.status == "pending", VolunteerClaim.created_at <= now - every,
            (VolunteerClaim.last_reminded_at.is_(None)) | (VolunteerClaim.last_reminded_at <= now - every))
        .order_by(VolunteerClaim.id).limit(500).with_for_update(skip_locked=True)))
    per_verifier: dict[int, list[dict]] = {}
    for c in rows:
        claimant = await session.get(Person, c.person_id)
        for vid in await verifiers(session, c):
            per_verifier.setdefault(vid, []).append(claim_context(c, rules, claimant))
        c.last_reminded_at = now
    for vid, claims in per_verifier.items():
        buttons = [verify_buttons(c["id"])[0] for c in claims[:5]]
        enqueue(session, vid, Reply("points/remind_pending", {"claims": claims[:20], "count": len(claims)}, buttons), now)
    return len(per_verifier)


# -- events ---------------------------------------------------------------------------------------------------------
def _code(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def normalise_code(text: str) -> str:
    return re.sub(r"[\s\-_]", "", text or "").upper()[:16]


async def create_event(session: AsyncSession, app: "App", organiser: Person, title: str, points: int,
                       hours: float, now: datetime) -> PointsEvent:
    roles = [r for r in _roles(organiser) if r.role in ORGANISER_ROLES]
    if not roles:
        raise Refused("errors/not_allowed")
    if not 0 < points <= MAX_EVENT_POINTS or not 0 < hours <= 24 or not title.strip():
        raise Refused("points/event_usage", max_points=MAX_EVENT_POINTS)
    grid_id = next((r.grid_id for r in roles if r.grid_id), None)
    community_id = next((r.community_id for r in roles if r.community_id), None)
    if community_id is None and grid_id is not None:
        from models import Grid
        community_id = (await session.get(Grid, grid_id)).community_id
    ev = PointsEvent(code=_code(6), community_id=community_id or organiser.community_id, grid_id=grid_id,
                     organiser_id=organiser.id, title=title.strip()[:200], points=points,
                     starts_at=now, ends_at=now + timedelta(hours=hours), status="open", created_at=now)
    session.add(ev)
    await session.flush()
    return ev


CHECKIN_EARLY = timedelta(minutes=30)


async def checkin(session: AsyncSession, person: Person, code: str, now: datetime) -> tuple[PointsEvent, bool]:
    """Check a resident in; (event, new). Only during the event's window, only once, only in its community."""
    ev = await session.scalar(select(PointsEvent).where(PointsEvent.code == normalise_code(code)))
    if ev is None:
        raise Refused("points/checkin_unknown")
    if ev.status != "open" or not ev.starts_at - CHECKIN_EARLY <= now <= ev.ends_at:
        raise Refused("points/checkin_closed", title=ev.title, starts_at=ev.starts_at, ends_at=ev.ends_at)
    if ev.community_id is not None and person.community_id is not None and ev.community_id != person.community_id:
        raise Refused("points/checkin_unknown")
    if await session.get(EventCheckin, (ev.id, person.id)) is not None:
        return ev, False
    try:
        async with session.begin_nested():
            session.add(EventCheckin(event_id=ev.id, person_id=person.id, at=now))
    except IntegrityError:  # the same person's second tap, in another process
        return ev, False
    return ev, True


def may_run_event(actor: Person, ev: PointsEvent) -> bool:
    if actor.id == ev.organiser_id:
        return True
    return any(r.role == "coordinator" and (r.community_id is None or r.community_id == ev.community_id)
               for r in _roles(actor))


async def event_attendees(session: AsyncSession, event_id: int) -> list[Person]:
    return list(await session.scalars(select(Person).join(EventCheckin, EventCheckin.person_id == Person.id)
                                      .where(EventCheckin.event_id == event_id).order_by(EventCheckin.at)))


async def confirm_event(session: AsyncSession, app: "App", actor: Person, event_id: int,
                        now: datetime) -> tuple[PointsEvent, int, int]:
    """Award every checked-in resident in one go; returns (event, people, points). Twice is refused."""
    rules, tz = rules_of(app), app.settings.tz
    ev = await session.scalar(select(PointsEvent).where(PointsEvent.id == event_id)
                              .with_for_update().execution_options(populate_existing=True))
    if ev is None:
        raise Refused("points/checkin_unknown")
    if not may_run_event(actor, ev):
        raise Refused("errors/not_allowed")
    if ev.status != "open":
        raise Refused("points/event_confirmed_already", title=ev.title)
    day = local_day(ev.starts_at, tz)
    n = total = 0
    # accounts locked in person order: two confirmations sharing attendees cannot deadlock
    for p in sorted(await event_attendees(session, ev.id), key=lambda x: x.id):
        got = await earn(session, rules, p, ev.points, day, key=f"event:{ev.id}:{p.id}", now=now,
                         activity=ev.activity, event_id=ev.id, actor_id=actor.id)
        n += 1
        total += got
        enqueue(session, p.id, Reply("points/event_awarded", {"title": ev.title, "points": got,
                                                              "capped": got < ev.points}), now,
                dedupe_key=f"pts:ev:{ev.id}:{p.id}")
    ev.status, ev.confirmed_at = "confirmed", now
    await session.flush()
    return ev, n, total


async def open_events(session: AsyncSession, actor: Person) -> list[PointsEvent]:
    q = select(PointsEvent).where(PointsEvent.status == "open").order_by(PointsEvent.starts_at.desc()).limit(10)
    if not any(r.role == "coordinator" for r in _roles(actor)):
        q = q.where(PointsEvent.organiser_id == actor.id)
    return list(await session.scalars(q))


def checkin_link(app: "App", code: str) -> str:
    """What the event's QR code carries: a Telegram deep link when the bot's username is known, else the command."""
    tg = app.channels.get("telegram")
    username = getattr(tg, "username", None) or getattr(getattr(tg, "me", None), "username", None)
    if username:
        return f"https://t.me/{username}?start=ev{code}"
    return f"/checkin {code}"


def qr_png(app: "App", name: str, payload: str) -> str | None:
    """Write a QR code PNG to data_dir/uploads (served by the web chat at /files/<name>); None without segno."""
    try:
        import segno
    except ImportError:  # the code is always given as text too
        return None
    folder = Path(app.settings.data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="png", scale=8, border=3)
    (folder / name).write_bytes(buf.getvalue())
    return name


# -- adjustments ----------------------------------------------------------------------------------------------------
async def find_person(session: AsyncSession, who: str) -> Person | None:
    """A resident by phone number or by their key in the org file."""
    who = who.strip()
    digits = re.sub(r"\D", "", who)
    if len(digits) >= 7 and len(digits) == len(who.replace("-", "").replace(" ", "").lstrip("+")):
        return await session.scalar(select(Person).where(Person.phone == digits).limit(1))
    return await session.scalar(select(Person).where(Person.key == who[:64]))


async def adjust(session: AsyncSession, actor: Person, target: Person, delta: int, reason: str, now: datetime,
                 key: str | None = None) -> LedgerEntry:
    """A coordinator's correction, always with a reason; it can take points away but never below zero."""
    if not any(r.role == "coordinator" and (r.community_id is None or r.community_id == target.community_id)
               for r in _roles(actor)):
        raise Refused("errors/not_allowed")
    reason = (reason or "").strip()
    if not reason:
        raise Refused("points/adjust_usage")
    if delta == 0 or abs(delta) > 10_000:
        raise Refused("points/adjust_usage")
    entry, _ = await post(session, target.id, "adjust", delta, key=key or f"adjust:{actor.id}:{secrets.token_hex(6)}",
                          now=now, community_id=target.community_id, actor_id=actor.id, reason=reason[:500])
    enqueue(session, target.id, Reply("points/adjusted", {"delta": delta, "reason": reason[:500]}), now)
    return entry


# -- supermarket ----------------------------------------------------------------------------------------------------
async def ensure_catalogue(session: AsyncSession, app: "App") -> None:
    """Load the shops and rewards of the rules into the database: new ones with their stock, known ones keep theirs."""
    rules = rules_of(app)
    for s in rules.shops:
        community = await session.scalar(select(Community).where(Community.code == str(s.get("community"))))
        if community is None:
            continue
        shop = await session.scalar(select(Shop).where(Shop.code == str(s["code"])))
        if shop is None:
            try:
                async with session.begin_nested():  # two processes may load the catalogue at once
                    shop = Shop(code=str(s["code"]), community_id=community.id, name=s["name"], name_en=s.get("name_en"))
                    session.add(shop)
            except IntegrityError:
                shop = await session.scalar(select(Shop).where(Shop.code == str(s["code"])))
        else:
            shop.name, shop.name_en = s["name"], s.get("name_en")
        for key in s.get("keepers") or []:
            pid = await session.scalar(select(Person.id).where(Person.key == str(key)))
            if pid and await session.get(ShopKeeper, (shop.id, pid)) is None:
                try:
                    async with session.begin_nested():
                        session.add(ShopKeeper(shop_id=shop.id, person_id=pid))
                except IntegrityError:
                    pass
        for r in s.get("rewards") or []:
            rw = await session.scalar(select(Reward).where(Reward.shop_id == shop.id, Reward.code == str(r["code"])))
            if rw is None:
                try:
                    async with session.begin_nested():
                        session.add(Reward(shop_id=shop.id, code=str(r["code"]), name=r["name"],
                                           name_en=r.get("name_en"), cost=int(r["cost"]),
                                           stock=int(r.get("stock", 0)), reserved=0, active=True))
                except IntegrityError:
                    pass
            else:
                rw.name, rw.name_en, rw.cost = r["name"], r.get("name_en"), int(r["cost"])
    await session.flush()


async def catalogue(session: AsyncSession, community_id: int | None) -> list[tuple[Shop, list[Reward]]]:
    shops = list(await session.scalars(select(Shop).where(Shop.community_id == community_id, Shop.active.is_(True))
                                       .order_by(Shop.id)))
    out = []
    for s in shops:
        rewards = list(await session.scalars(select(Reward).where(Reward.shop_id == s.id, Reward.active.is_(True))
                                             .order_by(Reward.cost, Reward.id)))
        out.append((s, rewards))
    return out


def reward_context(rw: Reward, shop: Shop) -> dict:
    return {"id": rw.id, "name": rw.name, "name_en": rw.name_en or rw.name, "cost": rw.cost,
            "left": rw.stock - rw.reserved, "stock": rw.stock, "shop": shop.name, "shop_en": shop.name_en or shop.name}


async def redeem(session: AsyncSession, app: "App", person: Person, reward_id: int, now: datetime,
                 nonce: str) -> tuple[Redemption, bool]:
    """Hold the points and one item of stock, and issue a voucher code; (voucher, new). The nonce of the
    confirm button makes a double tap issue one voucher, not two.
    Locks: the person's account first; the reward row last, by one conditional UPDATE just before the commit,
    so a popular reward is locked for as short a time as possible and stock can never be promised twice."""
    rules = rules_of(app)
    acct = await lock_account(session, person.id, now)
    key = f"hold:{person.id}:{nonce[:16]}"
    prior = await session.scalar(select(LedgerEntry).where(LedgerEntry.idem_key == key))
    if prior is not None:
        return await session.get(Redemption, prior.redemption_id), False
    row = (await session.execute(select(Reward, Shop).join(Shop, Shop.id == Reward.shop_id)
                                 .where(Reward.id == reward_id))).first()
    rw, shop = row if row else (None, None)
    if rw is None or not rw.active or shop is None or shop.community_id != person.community_id:
        raise Refused("points/no_such_reward")
    if rw.stock - rw.reserved <= 0:
        raise Refused("points/out_of_stock", reward=reward_context(rw, shop))
    if acct.balance < rw.cost:
        raise Refused("points/too_few", balance=acct.balance, need=rw.cost)
    red = Redemption(code=_code(8), person_id=person.id, reward_id=rw.id, shop_id=shop.id, points=rw.cost,
                     status="held", created_at=now, expires_at=now + timedelta(days=rules.caps.voucher_days))
    session.add(red)
    await session.flush()
    _append(session, acct, "hold", -rw.cost, rw.cost, key=key, now=now, community_id=person.community_id,
            redemption_id=red.id)
    await session.flush()
    got = await session.execute(update(Reward).where(Reward.id == rw.id, Reward.stock - Reward.reserved > 0,
                                                     Reward.cost == red.points)
                                .values(reserved=Reward.reserved + 1).execution_options(synchronize_session=False))
    if got.rowcount != 1:  # sold out (or repriced) while we were at it: the caller's rollback undoes the hold
        raise Refused("points/out_of_stock", reward=reward_context(rw, shop))
    session.expire(rw)
    return red, True


def may_hand_over(actor: Person, shop: Shop, keepers: set[int]) -> bool:
    if actor.id in keepers:
        return True
    return any(r.role == "coordinator" and (r.community_id is None or r.community_id == shop.community_id)
               for r in _roles(actor))


async def voucher_by_code(session: AsyncSession, actor: Person, code: str, now: datetime) -> Redemption:
    """The voucher a shopkeeper typed, if they may hand it over and it is still open."""
    red = await session.scalar(select(Redemption).where(Redemption.code == normalise_code(code)))
    if red is None:
        raise Refused("points/voucher_unknown", code=normalise_code(code))
    shop = await session.get(Shop, red.shop_id)
    keepers = set(await session.scalars(select(ShopKeeper.person_id).where(ShopKeeper.shop_id == shop.id)))
    if not may_hand_over(actor, shop, keepers):
        raise Refused("points/voucher_unknown", code=red.code)  # a stranger learns nothing about the code
    _check_open(red, now)
    return red


def _check_open(red: Redemption, now: datetime) -> None:
    if red.status == "redeemed":
        raise Refused("points/voucher_used", code=red.code, at=red.closed_at)
    if red.status in ("cancelled", "expired") or red.expires_at <= now:
        raise Refused("points/voucher_closed", code=red.code, status=red.status if red.status != "held" else "expired")


async def _locked_redemption(session: AsyncSession, redemption_id: int) -> Redemption | None:
    return await session.scalar(select(Redemption).where(Redemption.id == redemption_id)
                                .with_for_update().execution_options(populate_existing=True))


async def hand_over(session: AsyncSession, actor: Person, redemption_id: int, now: datetime) -> Redemption:
    """Confirm the handover: the held points are debited for good and the item leaves the shelf."""
    red = await _locked_redemption(session, redemption_id)
    if red is None:
        raise Refused("points/voucher_unknown", code="")
    shop = await session.get(Shop, red.shop_id)
    keepers = set(await session.scalars(select(ShopKeeper.person_id).where(ShopKeeper.shop_id == shop.id)))
    if not may_hand_over(actor, shop, keepers):
        raise Refused("errors/not_allowed")
    _check_open(red, now)
    await post(session, red.person_id, "redeem", 0, -red.points, key=f"redeem:{red.id}", now=now,
               community_id=shop.community_id, redemption_id=red.id, actor_id=actor.id)
    red.status, red.closed_at, red.closed_by = "redeemed", now, actor.id
    rw = await session.get(Reward, red.reward_id)
    enqueue(session, red.person_id, Reply("points/voucher_handed", {**reward_context(rw, shop), "code": red.code,
                                                                      "points": red.points}), now,
            dedupe_key=f"pts:handed:{red.id}")
    await session.flush()
    # the reward's lock is taken last and by one statement (see redeem); its reserved item leaves the shelf
    await session.execute(update(Reward).where(Reward.id == red.reward_id)
                          .values(stock=Reward.stock - 1, reserved=Reward.reserved - 1)
                          .execution_options(synchronize_session=False))
    session.expire(rw)
    return red


async def release(session: AsyncSession, red: Redemption, status: str, now: datetime, actor_id: int | None = None) -> None:
    """A cancelled or expired voucher gives its points and its item back. `red` must be locked by the caller."""
    await post(session, red.person_id, "release", red.points, -red.points, key=f"release:{red.id}", now=now,
               redemption_id=red.id, actor_id=actor_id)
    red.status, red.closed_at, red.closed_by = status, now, actor_id
    await session.flush()
    await session.execute(update(Reward).where(Reward.id == red.reward_id).values(reserved=Reward.reserved - 1)
                          .execution_options(synchronize_session=False))
    rw = await session.get(Reward, red.reward_id)
    if rw is not None:
        session.expire(rw)


async def cancel_voucher(session: AsyncSession, person: Person, redemption_id: int, now: datetime) -> Redemption:
    red = await _locked_redemption(session, redemption_id)
    if red is None or red.person_id != person.id:
        raise Refused("points/voucher_unknown", code="")
    if red.status != "held":
        _check_open(red, now)
    await release(session, red, "cancelled", now, person.id)
    return red


async def expire_one(session: AsyncSession, now: datetime) -> Redemption | None:
    """Expire one overdue voucher (its points and its item come back); None when none is due.
    One a transaction on purpose: holding several vouchers' accounts and rewards at once could deadlock with
    a redemption that holds an account and waits for a reward."""
    red = await session.scalar(
        select(Redemption).where(Redemption.status == "held", Redemption.expires_at <= now)
        .order_by(Redemption.id).limit(1).with_for_update(skip_locked=True))
    if red is None:
        return None
    await release(session, red, "expired", now)
    rw = await session.get(Reward, red.reward_id)
    shop = await session.get(Shop, red.shop_id)
    enqueue(session, red.person_id, Reply("points/voucher_expired", {**reward_context(rw, shop), "code": red.code,
                                                                     "points": red.points}), now,
            dedupe_key=f"pts:expired:{red.id}")
    return red


async def open_vouchers(session: AsyncSession, person_id: int) -> list[tuple[Redemption, Reward, Shop]]:
    rows = (await session.execute(
        select(Redemption, Reward, Shop).join(Reward, Reward.id == Redemption.reward_id)
        .join(Shop, Shop.id == Redemption.shop_id)
        .where(Redemption.person_id == person_id, Redemption.status == "held").order_by(Redemption.id))).all()
    return [tuple(r) for r in rows]


# -- leaderboard and statements ---------------------------------------------------------------------------------------
def first_name(name: str) -> str:
    """'Amy Chen' -> 'Amy'; '王阿姨' -> '王*': enough to be recognised by neighbours, no full name in a list."""
    name = (name or "").strip()
    if not name:
        return "*"
    if re.match(r"^[A-Za-z]", name):
        return name.split()[0][:20]
    return name[0] + "*"


async def set_leaderboard(session: AsyncSession, person: Person, on: bool, now: datetime) -> None:
    acct = await lock_account(session, person.id, now)
    acct.leaderboard = on


async def leaderboard(session: AsyncSession, grid_id: int, month: str, limit: int = 10) -> list[dict]:
    """Residents of a grid who opted in, by points earned this month."""
    earned = func.coalesce(func.sum(LedgerEntry.amount), 0)
    q = (select(Person.id, Person.name, earned.label("earned"))
         .join(PointsAccount, PointsAccount.person_id == Person.id)
         .join(Building, Building.id == Person.building_id)
         .outerjoin(LedgerEntry, (LedgerEntry.person_id == Person.id) & (LedgerEntry.kind == "earn")
                    & LedgerEntry.day.like(f"{month}-%"))
         .where(Building.grid_id == grid_id, PointsAccount.leaderboard.is_(True))
         .group_by(Person.id, Person.name).order_by(earned.desc(), Person.id).limit(limit))
    return [{"person_id": r.id, "name": first_name(r.name), "earned": int(r.earned)} for r in await session.execute(q)]


async def monthly_statements(session: AsyncSession, app: "App", now: datetime) -> int:
    """On or after the 1st: one statement of last month to each person who earned or spent; once a month each."""
    from models import Outbox

    tz = app.settings.tz
    first_this = local_day(now, tz).replace(day=1)
    last_month = (first_this - timedelta(days=1)).replace(day=1)
    start, end = month_bounds(last_month, tz)
    label = last_month.strftime("%Y-%m")
    sums = (await session.execute(
        select(LedgerEntry.person_id,
               func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == "earn"), 0),
               func.coalesce(func.sum(-LedgerEntry.held).filter(LedgerEntry.kind == "redeem"), 0),
               func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.kind.in_(("adjust", "expire"))), 0))
        .where(LedgerEntry.at >= start, LedgerEntry.at < end).group_by(LedgerEntry.person_id))).all()
    sent = 0
    for pid, earned, spent, adjusted in sums:
        if not earned and not spent and not adjusted:
            continue
        key = f"pts:stmt:{pid}:{label}"
        if await session.scalar(select(Outbox.id).where(Outbox.dedupe_key == key)):
            continue
        acct = await session.get(PointsAccount, pid)
        try:
            async with session.begin_nested():  # another process may be sending the same statement right now
                enqueue(session, pid, Reply("points/statement", {
                    "month": label, "earned": int(earned), "spent": int(spent), "adjusted": int(adjusted),
                    "balance": acct.balance if acct else 0, "held": acct.held if acct else 0}),
                    now, priority=8, dedupe_key=key)
                await session.flush()
        except IntegrityError:
            continue
        sent += 1
    return sent
