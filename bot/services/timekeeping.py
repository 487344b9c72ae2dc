"""Keeping time: the working calendar (holidays, 调休 make-up days, quiet hours), each case's deadlines, reminders,
the escalation ladder on a breach (网格员 → 网格长 → 社区 → 部门), the resident's rate reminder and follow-up, digests.

Every due item is a DueItem row. A transition only adds a "plan" row (no configuration needed in the caller's
transaction); the sweep claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL) and fires them in one transaction
with the messages they cause, so with several processes nothing fires twice and a crash loses nothing.
Each firing re-checks the case: an item made stale by a later change does nothing.
"""
from __future__ import annotations

import json
import logging
import re
import time as _time
from dataclasses import dataclass, field, make_dataclass
from functools import cached_property
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Integer, bindparam, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply
from bot.prepared import Prepared
from bot.services import outbox, routing
from models import Building, Case, CaseEvent, Outbox, Person, RoleAssignment
from models.timekeeping import DueItem

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("gridbot.timekeeping")
UTC = timezone.utc
DEFAULT_CALENDAR = Path(__file__).resolve().parent.parent / "defaults" / "calendar.yaml"
AWAITING_ACCEPT = ("assigned", "reopened", "escalated")
LADDER_STEPS = ("grid_leader", "coordinator", "department")
MAX_ATTEMPTS = 5
SWEEP_BATCH = 500
STAFF_ROLES = ("grid_worker", "grid_leader", "building_leader", "dept_handler", "coordinator")


# -- the working calendar ----------------------------------------------------------------
def _hm(s: str) -> time:
    h, m = str(s).split(":")
    return time(int(h), int(m))


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    periods: tuple[tuple[time, time], ...]  # a working day's hours, in order
    quiet: tuple[time, time] | None  # e.g. 21:00-08:00 (wraps midnight)
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # 调休: weekend days that are working days
    published: frozenset[int] = frozenset()  # years whose holidays the file knows

    def is_working_day(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() not in self.weekend

    def _day(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(d):
            return []
        return [(datetime.combine(d, a, tzinfo=self.tz), datetime.combine(d, b, tzinfo=self.tz)) for a, b in self.periods]

    def next_working(self, t: datetime) -> datetime:
        """t itself inside working hours, else the start of the next working period."""
        loc = t.astimezone(self.tz)
        d = loc.date()
        for _ in range(400):
            for a, b in self._day(d):
                if loc < b:
                    return max(loc, a).astimezone(UTC)
            d += timedelta(days=1)
        raise ValueError("no working day within 400 days: check the calendar")

    def add_working_minutes(self, t: datetime, minutes: float) -> datetime:
        loc = t.astimezone(self.tz)
        left = timedelta(minutes=minutes)
        d = loc.date()
        for _ in range(2000):
            for a, b in self._day(d):
                if b <= loc:
                    continue
                s = max(a, loc)
                if s + left <= b:
                    return (s + left).astimezone(UTC)
                left -= b - s
                loc = b
            d += timedelta(days=1)
        raise ValueError("working time beyond 2000 days")

    def add_working_days(self, t: datetime, n: int) -> datetime:
        """The same time of day, n working days later (counted from the next working moment)."""
        s = self.next_working(t).astimezone(self.tz)
        d, k = s.date(), 0
        while k < n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                k += 1
        return datetime.combine(d, s.time(), tzinfo=self.tz).astimezone(UTC)

    def working_between(self, a: datetime, b: datetime) -> timedelta:
        total = timedelta()
        la, lb = a.astimezone(self.tz), b.astimezone(self.tz)
        d = la.date()
        while d <= lb.date():
            for p, q in self._day(d):
                lo, hi = max(p, la), min(q, lb)
                if hi > lo:
                    total += hi - lo
            d += timedelta(days=1)
        return total

    def in_quiet(self, t: datetime) -> bool:
        if not self.quiet:
            return False
        q0, q1 = self.quiet
        now = t.astimezone(self.tz).time()
        return (q0 <= now or now < q1) if q0 > q1 else (q0 <= now < q1)

    def quiet_end(self, t: datetime) -> datetime:
        """t outside quiet hours; else the moment they end."""
        if not self.in_quiet(t):
            return t
        loc = t.astimezone(self.tz)
        end = datetime.combine(loc.date(), self.quiet[1], tzinfo=self.tz)
        if end <= loc:
            end += timedelta(days=1)
        return end.astimezone(UTC)

    def local(self, t: datetime) -> datetime:
        return t.astimezone(self.tz)


def load_calendar(path: Path) -> Calendar:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    holidays: set[date] = set()
    workdays: set[date] = set()
    published: set[int] = set()
    for year, spec in (data.get("years") or {}).items():
        spec = spec or {}
        if spec.get("published", True):
            published.add(int(year))
        for span in spec.get("holidays") or []:
            a, b = (span if isinstance(span, (list, tuple)) else [span, span])
            d, end = date.fromisoformat(str(a)), date.fromisoformat(str(b))
            while d <= end:
                holidays.add(d)
                d += timedelta(days=1)
        workdays |= {date.fromisoformat(str(x)) for x in spec.get("workdays") or []}
    periods = tuple(sorted((_hm(a), _hm(b)) for a, b in (data.get("working_hours") or [["09:00", "17:00"]])))
    if any(a >= b for a, b in periods):
        raise ValueError(f"{path}: working_hours: each period must start before it ends")
    quiet = data.get("quiet_hours")
    return Calendar(tz=ZoneInfo(data.get("timezone") or "Asia/Shanghai"), periods=periods,
                    quiet=(_hm(quiet[0]), _hm(quiet[1])) if quiet else None,
                    weekend=frozenset(int(x) for x in data.get("weekend", [5, 6])),
                    holidays=frozenset(holidays), workdays=frozenset(workdays), published=frozenset(published))


# -- configuration (the `timekeeping:` section of routing.yaml) ----------------------------
@dataclass
class TimeConfig:
    calendar: Calendar
    working_time: frozenset[str] = frozenset({"yellow", "green"})
    urgent: frozenset[str] = frozenset({"red"})
    sweep_seconds: float = 5.0
    reminders: tuple[float, ...] = (0.5, 0.9)
    ladder: tuple[str, ...] = LADDER_STEPS
    ladder_every: dict[str, timedelta] = field(default_factory=dict)
    rate_after: timedelta = timedelta(hours=24)
    follow_up_days: int = 7
    follow_up_categories: frozenset[str] = frozenset()
    digest_workers: time = time(8, 0)
    digest_coordinators: time = time(8, 0)
    weekly: tuple[int, time] = (0, time(8, 30))
    grace: timedelta = timedelta(hours=4)


_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def parse_config(raw: dict, base_dir: Path | None) -> TimeConfig:
    cal_name = raw.get("calendar") or "calendar.yaml"
    cal_path = Path(cal_name)
    if not cal_path.is_absolute():
        cal_path = (base_dir / cal_path) if base_dir and (base_dir / cal_path).is_file() else DEFAULT_CALENDAR
    ladder = tuple(raw.get("ladder") or LADDER_STEPS)
    unknown = [s for s in ladder if s not in LADDER_STEPS]
    if unknown:
        raise ValueError(f"timekeeping.ladder: unknown steps {unknown} (use {', '.join(LADDER_STEPS)})")
    fractions = tuple(sorted(float(x) for x in raw.get("reminders") or ()))
    if any(not 0 < f < 1 for f in fractions):
        raise ValueError("timekeeping.reminders: fractions between 0 and 1")
    every = {c: timedelta(minutes=int(m)) for c, m in (raw.get("ladder_every_minutes") or
                                                       {"red": 30, "yellow": 240, "green": 1440}).items()}
    fu = raw.get("follow_up") or {}
    dg = raw.get("digests") or {}
    wk = str(dg.get("weekly", "mon 08:30")).split()
    return TimeConfig(
        calendar=load_calendar(cal_path),
        working_time=frozenset(raw.get("working_time", ["yellow", "green"])),
        urgent=frozenset(raw.get("urgent", ["red"])),
        sweep_seconds=float(raw.get("sweep_seconds", 5)),
        reminders=fractions if "reminders" in raw else (0.5, 0.9),
        ladder=ladder,
        ladder_every=every,
        rate_after=timedelta(hours=float(raw.get("rate_reminder_hours", 24))),
        follow_up_days=int(fu.get("days", 7)),
        follow_up_categories=frozenset(fu.get("categories") or ()),
        digest_workers=_hm(dg.get("workers", "08:00")),
        digest_coordinators=_hm(dg.get("coordinators", "08:00")),
        weekly=(_WEEKDAYS[wk[0].lower()[:3]], _hm(wk[1])),
        grace=timedelta(hours=float(dg.get("grace_hours", 4))),
    )


def config(cfg: "routing.RoutingConfig") -> TimeConfig:
    """The parsed timekeeping section, cached on the routing configuration it came with."""
    tc = cfg.__dict__.get("_time")
    if tc is None:
        tc = cfg.__dict__["_time"] = parse_config(getattr(cfg, "timekeeping", None) or {},
                                                  getattr(cfg, "base_dir", None))
    return tc


# -- deadlines ----------------------------------------------------------------------------
def clock_add(tc: TimeConfig, colour: str, start: datetime, minutes: float) -> datetime:
    """start + a colour's clock: working time where configured (whole days as working days), the wall clock else;
    a non-urgent wall-clock deadline that lands in quiet hours moves to their end."""
    cal = tc.calendar
    _warn_unpublished(cal, start)
    if colour in tc.working_time:
        if minutes and minutes % 1440 == 0:
            return cal.add_working_days(start, int(minutes // 1440))
        return cal.add_working_minutes(start, minutes)
    due = start + timedelta(minutes=minutes)
    return due if colour in tc.urgent else cal.quiet_end(due)


_warned: set[int] = set()


def _warn_unpublished(cal: Calendar, t: datetime) -> None:
    y = t.astimezone(cal.tz).year
    if cal.published and y not in cal.published and y not in _warned:
        _warned.add(y)
        log.warning("no holiday calendar for this year: counting Monday-Friday", extra={"year": y})


def deadlines(cfg: "routing.RoutingConfig", colour: str, start: datetime) -> tuple[datetime, datetime]:
    tc = config(cfg)
    accept, resolve = cfg.clocks[colour]
    return (clock_add(tc, colour, start, accept.total_seconds() / 60),
            clock_add(tc, colour, start, resolve.total_seconds() / 60))


def point_in(tc: TimeConfig, colour: str, start: datetime, due: datetime, fraction: float) -> datetime:
    """The moment a fraction of the clock between start and due has run (in working time where it counts)."""
    if due <= start:
        return due
    if colour in tc.working_time:
        span = tc.calendar.working_between(start, due)
        return tc.calendar.add_working_minutes(start, span.total_seconds() / 60 * fraction)
    return start + (due - start) * fraction


def polite(tc: TimeConfig, t: datetime) -> datetime:
    """A message to a resident that is not urgent waits for the end of quiet hours."""
    return tc.calendar.quiet_end(t)


# -- the hook the case service calls after every transition ----------------------------------
PLAN_ACTIONS = {"assign", "accept", "resolve", "close", "reopen", "cancel", "escalate", "hand_back"}


async def plan_after(session: AsyncSession, case: Case, action: str, now: datetime) -> None:
    """After a transition: ask the next sweep to (re)plan the case's due items. One row, no configuration needed,
    so it fits in any transaction; stale items are cancelled by the plan, and every firing re-checks the case anyway."""
    if action in PLAN_ACTIONS and case.id is not None:
        await _DUE_INSERT.run(session, _plan_values(case, action, now))


_DUE_INSERT = Prepared(DueItem.__table__.insert())


def _plan_values(case: Case, action: str, now: datetime) -> dict:
    return dict(kind="plan", case_id=case.id, due_at=now, state="pending", attempts=0, payload={"action": action},
                created_at=now)


def _iso(t: datetime | None) -> str | None:
    return t.astimezone(UTC).isoformat(timespec="seconds") if t else None


def _same(a: datetime | None, iso: str | None) -> bool:
    if a is None or iso is None:
        return a is None and iso is None
    return abs((a - datetime.fromisoformat(iso)).total_seconds()) < 1.5


async def _clock_start(session: AsyncSession, case: Case) -> datetime:
    """When the case's current clocks started: its filing, or its last reopening."""
    if case.reopen_count:
        at = await session.scalar(select(func.max(CaseEvent.at)).where(CaseEvent.case_id == case.id,
                                                                      CaseEvent.kind == "reopen"))
        if at:
            return at
    return case.created_at


async def desired_items(session: AsyncSession, tc: TimeConfig, case: Case) -> dict[str, tuple[str, datetime, dict]]:
    """key -> (kind, due_at, payload): what should exist for the case as it stands now."""
    out: dict[str, tuple[str, datetime, dict]] = {}
    if case.state in routing.OPEN_STATES:
        start = await _clock_start(session, case)
        clocks = []
        if case.state in AWAITING_ACCEPT and case.accept_due_at:
            clocks.append(("accept", case.accept_due_at))
        if case.resolve_due_at:
            clocks.append(("resolve", case.resolve_due_at))
        for clock, due in clocks:
            for f in tc.reminders:
                key = f"remind:{clock}:{f}:{_iso(due)}"
                out[key] = ("remind", point_in(tc, case.colour, start, due, f),
                            {"key": key, "clock": clock, "fraction": f, "due": _iso(due)})
            key = f"breach:{clock}:{_iso(due)}"
            out[key] = ("ladder", due, {"key": key, "clock": clock, "step": 0, "due": _iso(due)})
    elif case.state == "resolved" and case.rating is None and case.resolved_at:
        key = f"rate:{_iso(case.resolved_at)}"
        out[key] = ("rate", polite(tc, case.resolved_at + tc.rate_after), {"key": key, "since": _iso(case.resolved_at)})
    elif case.state == "closed" and case.closed_at and case.category in tc.follow_up_categories:
        key = f"follow:{_iso(case.closed_at)}"
        at = case.closed_at + timedelta(days=tc.follow_up_days)
        # a follow-up question at a sociable hour: 10:00 local on that day
        local = datetime.combine(tc.calendar.local(at).date(), time(10, 0), tzinfo=tc.calendar.tz)
        out[key] = ("follow_up", local.astimezone(UTC), {"key": key, "since": _iso(case.closed_at)})
    return out


async def plan_case(session: AsyncSession, tc: TimeConfig, case: Case, now: datetime) -> None:
    """Reconcile the case's due items with its state: add what is missing, cancel what no longer applies."""
    want = await desired_items(session, tc, case)
    have = list(await session.scalars(select(DueItem).where(DueItem.case_id == case.id,
                                                            DueItem.kind != "plan")))
    keys = {(i.payload or {}).get("key") for i in have}
    for key, (kind, due, payload) in want.items():
        if key not in keys:
            session.add(DueItem(kind=kind, case_id=case.id, due_at=due, state="pending", attempts=0,
                                payload=payload, created_at=now))
    for i in have:
        if i.state != "pending":
            continue
        p = i.payload or {}
        if i.kind == "ladder":
            stale = not _ladder_applies(case, p)
        elif i.kind == "snooze":
            stale = case.state not in routing.OPEN_STATES
        else:
            stale = p.get("key") not in want
        if stale:
            i.state, i.done_at = "cancelled", now


def _ladder_applies(case: Case, p: dict) -> bool:
    if p.get("clock") == "accept":
        return case.state in AWAITING_ACCEPT and _same(case.accept_due_at, p.get("due"))
    return case.state in routing.OPEN_STATES and _same(case.resolve_due_at, p.get("due"))


# -- telling people ---------------------------------------------------------------------------
def _is_urgent(tc: TimeConfig, case: Case | None) -> bool:
    return bool(case is not None and (case.colour in tc.urgent or case.urgent))


def to_staff(f: "Fire", person_id: int, reply: Reply, case: Case | None = None,
             dedupe_key: str | None = None, buttons: list[list[dict]] | None = None) -> None:
    """Staff are not woken at night for what can wait: a non-urgent message is held until quiet hours end."""
    urgent = _is_urgent(f.tc, case)
    f.out(person_id, reply, priority=2 if urgent else 4, dedupe_key=dedupe_key,
          delay=None if urgent else f.wait, buttons=buttons)


async def brief(session: AsyncSession, case: Case, buildings: dict[int, str] | None = None,
                deadlines: bool = True) -> dict[str, Any]:
    """A light context for a case in a reminder (the full view is for cards): what templates/*/timekeeping/ read of
    a case. deadlines=False leaves out the case's two deadlines, for a message that names its own (a reminder's
    `due`): each is a datetime to serialise in every one of a sweep's messages."""
    if buildings is not None and case.building_id in buildings:
        code = buildings[case.building_id]
    else:
        b = await session.get(Building, case.building_id) if case.building_id else None
        code = b.code if b else None
    out = {"id": case.id, "colour": case.colour, "category": case.category, "state": case.state,
           "text": case.text if len(case.text) <= 60 else case.text[:59] + "…", "building": code, "unit": case.unit,
           "room": None}
    if deadlines:
        out["accept_due_at"], out["resolve_due_at"] = case.accept_due_at, case.resolve_due_at
    return out


def snooze_row(case_id: int) -> list[Button]:
    return [Button("timekeeping.snooze_1h", f"t1:sn:{case_id}:1h"), Button("timekeeping.snooze_tomorrow",
                                                                          f"t1:sn:{case_id}:tm"),
            Button("timekeeping.snooze_other", f"t1:sn:{case_id}:ask")]


async def history(session: AsyncSession, case_id: int, limit: int = 8) -> list[dict]:
    evs = list(await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind != "comment")
                                     .order_by(CaseEvent.id.desc()).limit(limit)))
    return [{"kind": e.kind, "at": e.at, "note": e.note} for e in reversed(evs)]


# -- firing -------------------------------------------------------------------------------------
class _Collect:
    """A batch's messages as plain outbox rows (outbox.values), written by one Core INSERT at the end."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []


@dataclass
class Fire:
    """What a firing needs: the session, the configuration, the sweep's `now`, and where messages go."""

    session: AsyncSession
    app: "App"
    tc: TimeConfig
    now: datetime
    buildings: dict[int, str] = field(default_factory=dict)
    bulk: _Collect | None = None  # None: messages go straight through the session
    keys: set[str] = field(default_factory=set)

    @cached_property
    def wait(self) -> timedelta | None:
        """How long a message that can wait is held now (until quiet hours end): the same for the whole sweep."""
        return _wait(self.tc, self.now)

    def out(self, person_id: int, reply: Reply, *, priority: int = 5, dedupe_key: str | None = None,
            delay: timedelta | None = None, buttons: list[list[dict]] | None = None) -> None:
        """buttons: a layout already in Button.to_json() form (see _reminder_buttons), in place of reply.buttons."""
        if buttons is not None:
            reply.buttons = [[Button.from_json(d) for d in row] for row in buttons] if self.bulk is None else []
        if self.bulk is None:
            outbox.enqueue(self.session, person_id, reply, self.now, priority=priority, dedupe_key=dedupe_key,
                           delay=delay)
        else:
            row = outbox.values(person_id, reply, self.now, priority=priority, dedupe_key=dedupe_key, delay=delay)
            if buttons is not None:
                row["buttons"] = buttons
            self.bulk.rows.append(row)
        if dedupe_key:
            self.keys.add(dedupe_key)

    async def flush_bulk(self) -> None:
        if self.bulk is None or not self.bulk.rows:
            return
        rows = self.bulk.rows
        if self.keys:  # a message already sent (a restart re-planned it) is not sent again
            sent = set(await self.session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(self.keys))))
            seen: set[str] = set()
            kept = []
            for r in rows:
                key = r["dedupe_key"]
                if key and (key in sent or key in seen):
                    continue
                if key:
                    seen.add(key)
                kept.append(r)
            rows = kept
        # one INSERT at the driver: no ORM object, no identity map for rows nobody reads here
        await outbox.insert_many(self.session, rows)
        self.bulk.rows = []


async def _fire_plan(f: Fire, item: DueItem, case: Case | None) -> None:
    if case is not None:
        await plan_case(f.session, f.tc, case, f.now)


async def _fire_remind(f: Fire, item: DueItem, case: Case | None) -> None:
    p = item.payload or {}
    if case is None or case.assignee_id is None or not p.get("due"):
        return _skip(item)
    due = datetime.fromisoformat(p["due"])
    if p.get("clock") == "accept":
        now_due = case.accept_due_at if case.state in AWAITING_ACCEPT else None
    else:
        now_due = case.resolve_due_at if case.state in routing.OPEN_STATES else None
    if now_due is None or abs((now_due - due).total_seconds()) >= 1.5:  # _same(): the clock it was planned for
        return _skip(item)
    if f.now >= due:
        return _skip(item)  # a reminder after the deadline is no reminder: the ladder has taken over
    to_staff(f, case.assignee_id, Reply("timekeeping/remind", {
        "case": await brief(f.session, case, f.buildings, deadlines=False), "clock": p.get("clock"),
        "due": due, "left": _left(due - f.now)}), case, buttons=_reminder_buttons(case))


def _act_row(case: Case) -> list[list[Button]]:
    from bot.services import cases

    return cases.worker_buttons(case)[:2]


class _Layout:
    """A reminder's buttons (the case's first two action rows, then snooze) as serialised for the outbox, made once
    per case state from the real buttons of a stand-in case whose id is a marker; a firing puts its case's id in."""

    MARK = "\x00case\x00"
    __slots__ = ("state", "id")

    def __init__(self, state: str) -> None:
        self.state, self.id = state, self.MARK


# state -> rows of (to_json() of the stand-in's button, the text before and after the id in its data)
_LAYOUTS: dict[str, list[list[tuple[dict, str, str | None]]]] = {}


def _layout(state: str) -> list[list[tuple[dict, str, str | None]]]:
    stand_in = _Layout(state)
    out = []
    for row in [*_act_row(stand_in), snooze_row(stand_in.id)]:
        cells = []
        for b in row:
            d = b.to_json()
            head, mark, tail = (b.data or "").partition(_Layout.MARK)
            cells.append((d, head, tail) if mark else (d, "", None))
        out.append(cells)
    return out


def _reminder_buttons(case: Case) -> list[list[dict]]:
    """[*_act_row(case), snooze_row(case.id)] in Button.to_json() form: the same buttons without building and
    serialising seven Button objects for each of a thousand reminders."""
    layout = _LAYOUTS.get(case.state)
    if layout is None:
        layout = _LAYOUTS[case.state] = _layout(case.state)
    cid = str(case.id)
    return [[d if tail is None else (d | {"data": head + cid + tail}) for d, head, tail in row] for row in layout]


def _left(d: timedelta) -> dict:
    mins = max(int(d.total_seconds() // 60), 0)
    return {"days": mins // 1440, "hours": mins % 1440 // 60, "minutes": mins % 60}


async def _fire_snooze(f: Fire, item: DueItem, case: Case | None) -> None:
    from bot.services import cases

    if case is None or case.state not in routing.OPEN_STATES or item.person_id is None:
        return _skip(item)
    person = await f.session.get(Person, item.person_id)
    if person is None or not (person.id == case.assignee_id or await cases._supervises(f.session, person, case)):
        return _skip(item)
    to_staff(f, person.id, Reply("timekeeping/snoozed_remind", {
        "case": await brief(f.session, case, f.buildings)}, buttons=[*_act_row(case), snooze_row(case.id)]), case)


async def _fire_rate(f: Fire, item: DueItem, case: Case | None) -> None:
    p = item.payload or {}
    if case is None or case.state != "resolved" or case.rating is not None or not _same(case.resolved_at, p.get("since")):
        return _skip(item)
    rate = [[Button("cases.rate", f"c1:rate:{case.id}:{n}", {"n": n}) for n in range(1, 6)],
            [Button("cases.reopen", f"c1:reopen:{case.id}")]]
    f.out(case.reporter_id, Reply("timekeeping/rate_reminder", {
        "case": await brief(f.session, case, f.buildings), "note": case.resolution_note or ""}, buttons=rate),
        dedupe_key=f"rate:{case.id}:{p.get('since')}")


async def _fire_follow_up(f: Fire, item: DueItem, case: Case | None) -> None:
    p = item.payload or {}
    if case is None or case.state != "closed" or not _same(case.closed_at, p.get("since")):
        return _skip(item)
    f.out(case.reporter_id, Reply("timekeeping/follow_up", {
        "case": await brief(f.session, case, f.buildings)}, buttons=[[
            Button("timekeeping.still_fixed_yes", f"t1:fu:{case.id}:y"),
            Button("timekeeping.still_fixed_no", f"t1:fu:{case.id}:n")]]),
        delay=f.wait, dedupe_key=f"follow:{case.id}:{p.get('since')}")


async def _fire_ladder(f: Fire, item: DueItem, case: Case | None) -> None:
    """One rung of the ladder: the next person up is told, with the history and the buttons to act; the case is
    supervised from now on; if nobody acts, the next rung is due after the colour's interval."""
    s, tc, now = f.session, f.tc, f.now
    p = dict(item.payload or {})
    if case is None or not _ladder_applies(case, p):
        return _skip(item)
    step = int(p.get("step", 0))
    if step == 0:
        # another clock's ladder already climbing: this breach carries it on rather than starting over
        other = await s.scalar(select(DueItem).where(DueItem.case_id == case.id, DueItem.kind == "ladder",
                                                     DueItem.state == "pending", DueItem.id != item.id))
        if other is not None:
            step = int((other.payload or {}).get("step", 0))
            other.state, other.done_at = "cancelled", now
        await _tell_slipped(f, case, p.get("clock", "resolve"))
    while step < len(tc.ladder):
        name = tc.ladder[step]
        done = await _rung(f, case, name, step, p.get("clock", "resolve"))
        step += 1
        if done:
            break
    if step < len(tc.ladder) and case.state in routing.OPEN_STATES:
        nxt = {**p, "step": step, "key": f"ladder:{p.get('clock')}:{step}:{p.get('due')}"}
        if _ladder_applies(case, nxt):
            s.add(DueItem(kind="ladder", case_id=case.id, due_at=now + tc.ladder_every.get(case.colour, timedelta(hours=4)),
                          state="pending", attempts=0, payload=nxt, created_at=now))


async def _tell_slipped(f: Fire, case: Case, clock: str) -> None:
    from bot.services import cases

    due = case.accept_due_at if clock == "accept" else case.resolve_due_at
    for pid in await cases.parties(f.session, case):
        f.out(pid, Reply("timekeeping/slipped", {
            "case": await brief(f.session, case, f.buildings), "clock": clock, "own": pid == case.reporter_id}),
            delay=None if _is_urgent(f.tc, case) else f.wait,
            dedupe_key=f"slip:{case.id}:{clock}:{_iso(due)}:{pid}")


def _wait(tc: TimeConfig, now: datetime) -> timedelta | None:
    d = polite(tc, now) - now
    return d if d > timedelta() else None


async def _rung(f: Fire, case: Case, name: str, step: int, clock: str) -> bool:
    """Carry out one rung; False when it has nobody to tell (then the next rung goes at once)."""
    from bot.services import cases, people

    s, now = f.session, f.now
    targets: list[int] = []
    department = None
    if name == "grid_leader" and case.grid_id:
        targets = await people.staff_of_grid(s, case.grid_id, ("grid_leader",))
    elif name == "coordinator":
        targets = await people.coordinators(s, case.community_id)
    elif name == "department":
        dep = await routing.department_for(s, case.category)
        handler = await routing.department_handler(s, dep.id) if dep else None
        if dep is None or handler is None or (case.department_id == dep.id and case.assignee_id == handler):
            return False
        department = dep
        targets = [handler]
    targets = sorted(set(t for t in targets if t != case.assignee_id))
    if not targets:
        return False
    previous = case.assignee_id
    if department is not None:
        if cases.can(case, "escalate"):
            await cases.transition(s, case, "escalate", None, now, note=None, department=department.id,
                                   to=targets[0], previous=previous, ladder=step)
        case.department_id, case.assignee_id = department.id, targets[0]
        case.escalation_level += 1
    case.supervised = True
    s.add(CaseEvent(case_id=case.id, at=now, actor_id=None, kind="overdue", from_state=case.state,
                    to_state=case.state, note=None, data={"step": name, "clock": clock, "to": targets}))
    await s.flush()
    hist = await history(s, case.id)
    for pid in targets:
        person = await s.get(Person, pid)
        card = await cases.worker_card(s, case, person, "timekeeping/ladder", step=name, clock=clock, events=hist)
        to_staff(f, pid, card, case)
    if previous and previous not in targets:
        to_staff(f, previous, Reply("timekeeping/ladder_assignee", {
            "case": await brief(s, case, f.buildings), "step": name, "clock": clock,
            "department": department.name if department else None,
            "department_en": (department.name_en or department.name) if department else None}), case)
    if department is not None:
        await cases.tell_residents(s, case, "escalated", now, None)
    log.info("ladder step", extra={"case": case.id, "step": name, "clock": clock})
    return True


def _skip(item: DueItem) -> None:
    item.state = "skipped"


# -- digests ---------------------------------------------------------------------------------------
async def _fire_digest_workers(f: Fire, item: DueItem, case: Case | None) -> None:
    s, now = f.session, f.now
    if now - item.due_at > f.tc.grace:
        return _skip(item)  # a morning digest is noise in the evening
    rows = list(await s.scalars(select(Case).where(Case.state.in_(routing.OPEN_STATES), Case.assignee_id.is_not(None))))
    staff = set(await s.scalars(select(RoleAssignment.person_id).where(
        RoleAssignment.active.is_(True), RoleAssignment.role.in_(STAFF_ROLES))))
    by: dict[int, list[Case]] = {}
    for c in rows:
        if c.assignee_id in staff:
            by.setdefault(c.assignee_id, []).append(c)
    order = {"red": 0, "yellow": 1, "green": 2}
    day = f.tc.calendar.local(item.due_at).date().isoformat()
    await _load_buildings(f, rows)
    for pid, mine in by.items():
        mine.sort(key=lambda c: (order.get(c.colour, 3), c.created_at))
        counts = {col: sum(1 for c in mine if c.colour == col) for col in ("red", "yellow", "green")}
        items = []
        for c in mine[:15]:
            b = await brief(s, c, f.buildings)
            b["age_days"] = (now - c.created_at).days
            b["age_hours"] = int((now - c.created_at).total_seconds() // 3600)
            b["overdue"] = bool(c.resolve_due_at and c.resolve_due_at < now)
            items.append(b)
        f.out(pid, Reply("timekeeping/digest_worker", {
            "total": len(mine), "counts": counts, "cases": items, "more": max(len(mine) - 15, 0),
            "overdue": sum(1 for c in mine if c.resolve_due_at and c.resolve_due_at < now)},
            buttons=[[Button("timekeeping.open_queue", "t1:queue")]]),
            priority=6, dedupe_key=f"digest:w:{pid}:{day}")


async def summary(session: AsyncSession, community_id: int | None, start: datetime, end: datetime,
                  now: datetime) -> dict[str, Any]:
    """What a coordinator reads: new, closed, overdue, reopened and the average rating over [start, end)."""
    def scoped(q, col=Case.community_id):
        return q.where(col == community_id) if community_id is not None else q

    new = await session.scalar(scoped(select(func.count(Case.id)).where(Case.created_at >= start, Case.created_at < end)))
    closed = await session.scalar(scoped(select(func.count(Case.id)).where(Case.closed_at >= start, Case.closed_at < end)))
    overdue = await session.scalar(scoped(select(func.count(Case.id)).where(
        Case.state.in_(routing.OPEN_STATES), Case.resolve_due_at < now)))
    open_ = await session.scalar(scoped(select(func.count(Case.id)).where(Case.state.in_(routing.OPEN_STATES))))
    reopened = await session.scalar(scoped(select(func.count(CaseEvent.id)).join(Case, Case.id == CaseEvent.case_id).where(
        CaseEvent.kind == "reopen", CaseEvent.at >= start, CaseEvent.at < end)))
    avg = await session.scalar(scoped(select(func.avg(Case.rating)).where(
        Case.closed_at >= start, Case.closed_at < end, Case.rating.is_not(None))))
    ladder = await session.scalar(scoped(select(func.count(CaseEvent.id)).join(Case, Case.id == CaseEvent.case_id).where(
        CaseEvent.kind == "overdue", CaseEvent.at >= start, CaseEvent.at < end)))
    return {"new": int(new or 0), "closed": int(closed or 0), "overdue": int(overdue or 0), "open": int(open_ or 0),
            "reopened": int(reopened or 0), "rating": round(float(avg), 1) if avg is not None else None,
            "escalations": int(ladder or 0), "start": start, "end": end}


async def _fire_digest_coordinators(f: Fire, item: DueItem, case: Case | None, weekly: bool = False) -> None:
    s, now, cal = f.session, f.now, f.tc.calendar
    if now - item.due_at > f.tc.grace:
        return _skip(item)
    day = cal.local(item.due_at).date()
    end = datetime.combine(day, time(0, 0), tzinfo=cal.tz).astimezone(UTC)
    start = end - timedelta(days=7 if weekly else 1)
    roles = list(await s.scalars(select(RoleAssignment).where(RoleAssignment.role == "coordinator",
                                                             RoleAssignment.active.is_(True))))
    for r in roles:
        ctx = await summary(s, r.community_id, start, end, now)
        ctx["weekly"] = weekly
        ctx["last_day"] = end - timedelta(seconds=1)
        f.out(r.person_id, Reply("timekeeping/digest_summary", ctx), priority=6,
                       dedupe_key=f"digest:{'wk' if weekly else 'd'}:{r.person_id}:{r.community_id}:{day.isoformat()}")


async def _fire_digest_weekly(f: Fire, item: DueItem, case: Case | None) -> None:
    await _fire_digest_coordinators(f, item, case, weekly=True)


async def _load_buildings(f: Fire, rows: list[Case]) -> None:
    ids = {c.building_id for c in rows if c.building_id and c.building_id not in f.buildings}
    if ids:
        for bid, code in (await f.session.execute(select(Building.id, Building.code).where(Building.id.in_(ids)))).all():
            f.buildings[bid] = code


FIRE: dict[str, Callable[[Fire, DueItem, Case | None], Awaitable[None]]] = {
    "plan": _fire_plan,
    "remind": _fire_remind,
    "ladder": _fire_ladder,
    "snooze": _fire_snooze,
    "rate": _fire_rate,
    "follow_up": _fire_follow_up,
    "digest_workers": _fire_digest_workers,
    "digest_daily": _fire_digest_coordinators,
    "digest_weekly": _fire_digest_weekly,
}


# -- the sweep -------------------------------------------------------------------------------------
@dataclass
class SweepStats:
    claimed: int = 0
    fired: int = 0
    deferred: int = 0
    failed: int = 0
    ms: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # ms by phase: claim, cases, fire, outbox, record, commit

    def lap(self, phase: str, t0: float) -> float:
        t = _time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + (t - t0) * 1000
        return t


async def sweep_once(app: "App", limit: int = SWEEP_BATCH, now: datetime | None = None) -> SweepStats:
    """Claim up to `limit` due items and fire them, all in one transaction: the row locks are the claim, so another
    process skips them, and a process killed half-way rolls back and leaves them due for the next sweep.
    The batch runs without savepoints (they cost more than the firing); if an item fails, the batch is rolled back
    and run again item by item, each in its own savepoint, so one bad item holds back nothing else."""
    t0 = _time.perf_counter()
    now = now or app.clock.now()
    try:
        st = await _sweep_batch(app, limit, now, isolate=False)
    except Exception:
        log.warning("sweep batch failed; running it again item by item", exc_info=True)
        st = await _sweep_batch(app, limit, now, isolate=True)
    st.ms = (_time.perf_counter() - t0) * 1000
    return st


class _Item:
    """A claimed due item as plain attributes: what the read-only firings need, without an ORM object."""

    __slots__ = ("id", "kind", "case_id", "person_id", "payload", "state")

    def __init__(self, row: Any) -> None:
        self.id, self.kind, self.case_id, self.person_id, self.payload, self.state = row


# firings that only read their case (and, at most, skip themselves): they run on plain rows. The others (a plan,
# a ladder rung that applies, a digest, an unknown kind) change the case or its items, so they get ORM objects.
_READS_ONLY = frozenset({"remind", "snooze", "rate", "follow_up"})
_DUE = DueItem.__table__
_CASE = Case.__table__
_CLAIM_COLS = (_DUE.c.id, _DUE.c.kind, _DUE.c.case_id, _DUE.c.person_id, _DUE.c.payload, _DUE.c.state)
# what the read-only firings read of a case (brief(), worker_buttons(), the liveness checks, _supervises()):
# a row of these, not the whole record (the text of the parse, the update stamps) decoded for nothing
_CASE_KEYS = ("id", "community_id", "grid_id", "building_id", "unit", "category", "urgent", "colour", "state", "text",
              "reporter_id", "assignee_id", "department_id", "accept_due_at", "resolve_due_at", "resolved_at",
              "closed_at", "rating", "resolution_note")
_CASE_COLS = tuple(_CASE.c[k] for k in _CASE_KEYS)
# copied out of the result row into plain slots: a Row's attribute lookup costs ten times a slot's, and a firing
# reads a case twenty-odd times
_CaseRow = make_dataclass("_CaseRow", _CASE_KEYS, slots=True, eq=False)


_DUE_NOW = (_DUE.c.state == "pending") & (_DUE.c.due_at <= bindparam("now"))
_CLAIM_FREE = Prepared(select(*_CLAIM_COLS).where(_DUE_NOW, _DUE.c.case_id.is_(None))
                       .order_by(_DUE.c.due_at, _DUE.c.id).limit(bindparam("limit"))
                       .with_for_update(skip_locked=True))
_CLAIM_WITH_CASES = Prepared(select(*_CLAIM_COLS, *_CASE_COLS).join_from(_DUE, _CASE, _CASE.c.id == _DUE.c.case_id)
                             .where(_DUE_NOW).order_by(_DUE.c.due_at, _DUE.c.id).limit(bindparam("limit"))
                             .with_for_update(skip_locked=True, of=(_DUE, _CASE)))


def _among(conn: Any, col: Any, ids: list[int]) -> Any:
    """col IN ids as one parameter, not a thousand to render, bind and plan: on PostgreSQL `IN (SELECT
    unnest(array))`, on SQLite `IN (SELECT value FROM json_each(json array))`. Both are a set the planner joins
    by the index; `= ANY(array)` of a thousand ids makes PostgreSQL scan the whole table (every pending item)."""
    if conn.dialect.name == "postgresql":
        return col.in_(select(func.unnest(bindparam(None, list(ids), type_=ARRAY(Integer)))))
    if conn.dialect.name == "sqlite":
        return col.in_(select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(ids)))))
    return col.in_(ids)


def _needs_orm(item: _Item, case: Any) -> bool:
    if item.kind in _READS_ONLY:
        return False
    if item.kind == "ladder":  # a breach the case has moved past only skips itself
        return case is not None and _ladder_applies(case, item.payload or {})
    return True


async def _sweep_batch(app: "App", limit: int, now: datetime, isolate: bool) -> SweepStats:
    """The claim and the case rows are read with Core (columns, no ORM objects); only the items that change a
    case (and every item of such a case, as a plan may cancel them) are loaded as ORM objects, in one query each.
    Messages are collected as plain rows and written with one INSERT; outcomes with one UPDATE per outcome."""
    tc = config(app.routing)
    st = SweepStats()
    t = _time.perf_counter()
    async with app.sessionmaker() as s, s.begin():
        conn = await s.connection()
        # items of no case (digests: a few a day) first, then the items of cases, each read with its case in the
        # same query and both rows locked: an item whose case someone is changing right now is skipped (neither
        # row is claimed), not waited for; a sweep never waits on a person's transaction (which may be waiting
        # on these very items), so the two cannot deadlock
        claimed = [_Item(r) for r in await _CLAIM_FREE.rows(s, {"now": now, "limit": limit})]
        rows: dict[int, Any] = {}
        if len(claimed) < limit:
            width = len(_CLAIM_COLS)
            for r in await _CLAIM_WITH_CASES.rows(s, {"now": now, "limit": limit - len(claimed)}):
                claimed.append(_Item(r[:width]))
                if r[2] not in rows:
                    rows[r[2]] = _CaseRow(*r[width:])
        st.claimed = len(claimed)
        if not claimed:
            return st
        t = st.lap("claim", t)
        heavy_cases = {i.case_id for i in claimed if i.case_id in rows and (isolate or _needs_orm(i, rows[i.case_id]))}
        heavy_ids = [i.id for i in claimed if (i.case_id in heavy_cases if i.case_id else isolate or _needs_orm(i, None))]
        orm_items: dict[int, DueItem] = {}
        orm_cases: dict[int, Case] = {}
        if heavy_ids:
            orm_items = {i.id: i for i in await s.scalars(select(DueItem).where(DueItem.id.in_(heavy_ids)))}
        if heavy_cases:  # already locked above
            orm_cases = {c.id: c for c in await s.scalars(select(Case).where(Case.id.in_(sorted(heavy_cases))))}
        f = Fire(session=s, app=app, tc=tc, now=now, bulk=_Collect())
        fired: list[Any] = []
        await _load_buildings(f, list(rows.values()))
        t = st.lap("cases", t)
        for light in claimed:
            if light.case_id and light.case_id not in rows:
                st.deferred += 1
                continue
            item = orm_items.get(light.id, light)
            case = (orm_cases.get(light.case_id) or rows[light.case_id]) if light.case_id else None
            if not isolate:
                await _fire_one(f, item, case, record=False)
                fired.append(item)
                st.fired += 1
                continue
            tries = item.attempts
            try:
                async with s.begin_nested():
                    await _fire_one(f, item, case)
                    await f.flush_bulk()
                st.fired += 1
            except Exception as e:
                # the savepoint's rollback expired what the firing touched (the item too, if it got as far as
                # recording): the outcome is written by id, without reading the ORM object again
                f.bulk.rows = []
                log.exception("due item failed", extra={"item": light.id, "kind": light.kind})
                tries += 1
                outcome: dict[str, Any] = {"attempts": tries, "last_error": repr(e)[:500]}
                if tries >= MAX_ATTEMPTS:
                    outcome["state"] = "failed"
                else:
                    outcome["due_at"] = now + timedelta(seconds=30 * 2 ** tries)
                await conn.execute(_DUE.update().where(_DUE.c.id == light.id).values(**outcome))
                st.failed += 1
        t = st.lap("fire", t)
        await f.flush_bulk()
        t = st.lap("outbox", t)
        await _record(s, fired, now)
        t = st.lap("record", t)
    st.lap("commit", t)
    return st


async def _record(s: AsyncSession, fired: list[Any], now: datetime) -> None:
    """The batch's outcomes in one UPDATE per outcome, rather than one ORM update per item."""
    outcomes: dict[str, list[int]] = {}
    for item in fired:
        outcomes.setdefault("done" if item.state == "pending" else item.state, []).append(item.id)
        if isinstance(item, DueItem):
            s.expunge(item)
    conn = await s.connection()
    for state, ids in outcomes.items():
        for k in range(0, len(ids), 1000):
            await conn.execute(_DUE.update().where(_among(conn, _DUE.c.id, ids[k:k + 1000])).values(
                state=state, done_at=now, claimed_until=now, attempts=_DUE.c.attempts + 1))


async def _fire_one(f: Fire, item: DueItem, case: Case | None, record: bool = True) -> None:
    """Fire one item; with record=False the outcome is left to _record (one UPDATE for the batch)."""
    fire = FIRE.get(item.kind)
    if fire is None:
        raise LookupError(f"unknown due item kind {item.kind!r}")
    await fire(f, item, case)
    if record:
        item.state = "done" if item.state == "pending" else item.state
        item.claimed_until = item.done_at = f.now
        item.attempts += 1


async def sweep(app: "App", budget_s: float = 20.0, batch: int = SWEEP_BATCH) -> int:
    """What the scheduler calls every few seconds: fire everything due, batch after batch, within a time budget."""
    total = 0
    t0 = _time.perf_counter()
    while True:
        st = await sweep_once(app, limit=batch)
        total += st.fired
        if st.claimed < batch or st.fired == 0 or _time.perf_counter() - t0 > budget_s:
            break
    if total:
        app.wake_outbox()
    return total


async def next_due(app: "App", after: datetime | None = None) -> datetime | None:
    """When the earliest pending item (falling due after `after`) falls due, or None: one step down the
    (state, due_at) index."""
    q = select(func.min(DueItem.due_at)).where(DueItem.state == "pending")
    if after is not None:
        q = q.where(DueItem.due_at > after)
    async with app.sessionmaker() as s:
        return await s.scalar(q)


# -- digests are due items too: planned ahead, fired once by whichever sweep claims them ----------------
async def plan_digests(app: "App", now: datetime | None = None) -> int:
    """Make sure today's and tomorrow's digest items exist (unique refs make this idempotent across processes)."""
    tc = config(app.routing)
    cal = tc.calendar
    now = now or app.clock.now()
    today = cal.local(now).date()
    added = 0
    async with app.sessionmaker() as s, s.begin():
        for d in (today, today + timedelta(days=1)):
            wanted = [("digest_workers", f"digest:workers:{d}", tc.digest_workers),
                      ("digest_daily", f"digest:daily:{d}", tc.digest_coordinators)]
            if d.weekday() == tc.weekly[0]:
                wanted.append(("digest_weekly", f"digest:weekly:{d}", tc.weekly[1]))
            for kind, ref, at in wanted:
                due = datetime.combine(d, at, tzinfo=cal.tz).astimezone(UTC)
                if now - due > tc.grace or await s.scalar(select(DueItem.id).where(DueItem.ref == ref)):
                    continue
                try:
                    async with s.begin_nested():
                        s.add(DueItem(kind=kind, ref=ref, due_at=due, state="pending", attempts=0, payload={},
                                      created_at=now))
                    added += 1
                except IntegrityError:  # another process planned it first
                    pass
    return added


# -- snooze ---------------------------------------------------------------------------------------------
_REL = re.compile(r"(?:in\s+)?(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*(?:个)?\s*(小时|钟头|分钟|分|hours?|hrs?|h|minutes?|mins?|m)\s*(?:后|以后|之后|later)?")


def parse_snooze(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """"1小时后", "半小时", "in 2 hours", "明天下午三点", "tomorrow 9am", "15:30": the moment, or None."""
    from bot.services.nlu.numerals import to_number
    from bot.services.nlu.text import normalise
    from bot.services.nlu.times import resolve_when

    t = normalise(text)
    if not t:
        return None
    m = _REL.fullmatch(t.strip()) or (_REL.search(t) if not re.search(r"[点:时]|明天|今天|后天|am|pm|tomorrow", t) else None)
    if m:
        raw = m.group(1)
        n = 0.5 if raw == "半" else float(raw) if raw[0].isdigit() else to_number(raw)
        if n is None:
            return None
        unit = m.group(2)
        minutes = n * 60 if unit[0] in "小钟h" else n
        return now + timedelta(minutes=float(minutes))
    local_now = now.astimezone(tz)
    when, ev = resolve_when(t, local_now)
    if when is None:
        return None
    if when.time() == time(0, 0) and not re.search(r"(0|零)\s*点|午夜|midnight", t):
        when = when.replace(hour=9)  # a day without a time: the start of the working day
    if when <= local_now and when.date() == local_now.date() and not re.search(r"今天|today", t):
        when += timedelta(days=1)  # "三点" said at 16:00 means tomorrow's
    return when.astimezone(UTC)


def snooze_choice(choice: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tm":
        d = now.astimezone(tz).date() + timedelta(days=1)
        return datetime.combine(d, time(9, 0), tzinfo=tz).astimezone(UTC)
    return None


MAX_SNOOZE = timedelta(days=14)


async def snooze(session: AsyncSession, app: "App", case_id: int, person: Person | None, until: datetime,
                 now: datetime) -> Case:
    """Remind me later: one reminder at `until` for whoever asked (the case's handler); the earlier pending
    reminders of the case are held until then. The deadline and the ladder do not move."""
    from bot.dispatch import Refused
    from bot.services import cases

    case = await session.get(Case, case_id)
    if case is None:
        raise Refused("cases/not_found", case_id=case_id)
    await cases.require_handler(session, person, case)
    if case.state not in routing.OPEN_STATES:
        raise Refused("timekeeping/snooze_closed", case_id=case.id)
    if until <= now or until - now > MAX_SNOOZE:
        raise Refused("timekeeping/snooze_bad")
    await session.execute(update(DueItem).where(
        DueItem.case_id == case.id, DueItem.state == "pending", DueItem.kind.in_(("remind", "snooze")),
        or_(DueItem.kind == "snooze", DueItem.due_at < until)).values(state="cancelled", done_at=now))
    session.add(DueItem(kind="snooze", case_id=case.id, person_id=person.id, due_at=until, state="pending",
                        attempts=0, payload={}, created_at=now))
    return case


# -- still fixed? -----------------------------------------------------------------------------------------
async def follow_up_answer(session: AsyncSession, app: "App", case_id: int, person: Person | None, fixed: bool,
                           reason: str, now: datetime) -> tuple[Case, str]:
    """The resident's answer to "is it still fixed?": yes is recorded, no reopens the case. Answered once."""
    from bot.dispatch import Refused
    from bot.services import cases

    case = await cases.load_for_update(session, case_id)
    if person is None or case.reporter_id != person.id:
        raise Refused("cases/not_found", case_id=case_id)
    answered = await session.scalar(select(CaseEvent.id).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == "follow_up", CaseEvent.at >= (case.closed_at or now)))
    if case.state != "closed" or answered:
        raise Refused("timekeeping/follow_up_done", case_id=case.id)
    session.add(CaseEvent(case_id=case.id, at=now, actor_id=person.id, kind="follow_up", from_state=case.state,
                          to_state=case.state, note=None, data={"fixed": fixed}))
    if fixed:
        return case, "timekeeping/follow_up_thanks"
    case = await cases.reopen(session, app, case.id, person, reason, now)
    return case, "timekeeping/follow_up_reopened"


async def pending_for_case(session: AsyncSession, case_id: int) -> list[DueItem]:
    return list(await session.scalars(select(DueItem).where(DueItem.case_id == case_id, DueItem.state == "pending")
                                      .order_by(DueItem.due_at)))
