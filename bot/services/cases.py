"""Cases: the closed loop 收集、受理、处置、答复、评价 — states, transitions, who may do what, and who is told.

Every transition is checked against TRANSITIONS and the actor's rights (read from the database), is recorded as an
append-only CaseEvent, and tells the other parties through the outbox, all in the caller's transaction.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.core import Button, Photo, Reply
from bot.db import adopt, tx_memo
from bot.prepared import Prepared
from bot.dispatch import Refused
from bot.services import outbox, routing, timekeeping
from bot.services.orgcache import org
from bot.services.people import active_roles
from models import Case, CaseEvent, CaseFollower, CasePhoto, Community, Department, Person, RoleAssignment

if TYPE_CHECKING:
    from bot.app import App

# action: (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({"submitted", "assigned", "reopened", "escalated"}), "assigned"),
    "accept": (frozenset({"assigned", "reopened", "escalated"}), "accepted"),
    "progress": (frozenset({"accepted", "in_progress"}), "in_progress"),
    "resolve": (frozenset({"accepted", "in_progress"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved", "closed"}), "reopened"),
    "cancel": (frozenset({"submitted", "assigned"}), "cancelled"),
    "escalate": (frozenset({"assigned", "accepted", "in_progress", "reopened"}), "escalated"),
    "hand_back": (frozenset({"assigned", "accepted", "in_progress", "reopened", "escalated"}), "assigned"),
}
OPEN_STATES = routing.OPEN_STATES
REOPEN_WITHIN = timedelta(days=30)
COLOUR_ORDER = {"red": 0, "yellow": 1, "green": 2}


def can(case: Case, action: str) -> bool:
    return case.state in TRANSITIONS[action][0]


_CASE = Case.__table__
_CASE_KEYS = [c.key for c in _CASE.c]
_EVENT_INSERT = Prepared(CaseEvent.__table__.insert())
_CASE_FOR_UPDATE = Prepared(select(_CASE).where(_CASE.c.id == bindparam("id")).with_for_update())
_CASE_UPDATE = Prepared(_CASE.update().where(_CASE.c.id == bindparam("case_pk")))  # SET: the columns given


async def save(session: AsyncSession, case: Case, **values: Any) -> None:
    """Write these columns of the case now, with one Core UPDATE, and keep the object in step (not dirty)."""
    await _CASE_UPDATE.run(session, {"case_pk": case.id, **values})
    for k, v in values.items():
        set_committed_value(case, k, v)


async def transition(session: AsyncSession, case: Case, action: str, actor_id: int | None, now: datetime,
                     note: str | None = None, changes: dict[str, Any] | None = None, **data: Any) -> None:
    """Move the case by TRANSITIONS (or refuse), record the append-only event, and write the new state with
    whatever else changes with it (`changes`), in the caller's transaction."""
    allowed, to = TRANSITIONS[action]
    if case.state not in allowed:
        raise Refused("cases/illegal_transition", case_id=case.id, state=case.state, action=action)
    await _EVENT_INSERT.run(session, {"case_id": case.id, "at": now, "actor_id": actor_id, "kind": action,
                                          "from_state": case.state, "to_state": to, "note": note, "data": data})
    await save(session, case, state=to, updated_at=now, **(changes or {}))
    await timekeeping.plan_after(session, case, action, now)  # (re)plan reminders, deadlines, follow-ups


async def load_for_update(session: AsyncSession, case_id: int) -> Case:
    """The case row, locked for this transaction on PostgreSQL, so two presses cannot both pass the state check.
    Read fresh even when the session holds it (another transaction may have changed it before we took the lock)."""
    row = await _CASE_FOR_UPDATE.first(session, {"id": case_id})
    if row is None:
        raise Refused("cases/not_found", case_id=case_id)
    return adopt(session, Case, dict(zip(_CASE_KEYS, row)))


# -- rights ---------------------------------------------------------------------
async def _supervises(session: AsyncSession, person: Person, case: Case) -> bool:
    """Grid leaders of the case's grid and coordinators of its community may act on it too (督办)."""
    for r in person.roles:
        if not r.active:
            continue
        if r.role == "grid_leader" and case.grid_id is not None and r.grid_id == case.grid_id:
            return True
        if r.role == "coordinator" and (r.community_id is None or r.community_id == case.community_id):
            return True
    return False


async def require_handler(session: AsyncSession, person: Person | None, case: Case) -> None:
    """The assignee (with an active staff role), or a supervisor of the case, may run it."""
    if person is None:
        raise Refused("errors/not_allowed")
    staff = active_roles(person) - {"resident"}
    if case.assignee_id == person.id and staff:
        return
    if await _supervises(session, person, case):
        return
    raise Refused("cases/not_yours", case_id=case.id)


async def can_view(session: AsyncSession, person: Person | None, case: Case) -> bool:
    if person is None:
        return False
    if person.id in (case.reporter_id, case.assignee_id):
        return True
    if await session.get(CaseFollower, (case.id, person.id)):
        return True
    for r in person.roles:
        if not r.active:
            continue
        if r.role in ("grid_worker", "grid_leader", "building_leader") and case.grid_id and r.grid_id == case.grid_id:
            return True
        if r.role == "dept_handler" and case.department_id and r.department_id == case.department_id:
            return True
        if r.role == "coordinator" and (r.community_id is None or r.community_id == case.community_id):
            return True
    return False


# -- views ------------------------------------------------------------------------
_PHOTO = CasePhoto.__table__
_FOLLOWER = CaseFollower.__table__
# photos and followers of a case in one statement: (kind, id, platform, file_ref, stage)
_EXTRAS_Q = Prepared(union_all(
    select(literal("p"), _PHOTO.c.id, _PHOTO.c.platform, _PHOTO.c.file_ref, _PHOTO.c.stage)
    .where(_PHOTO.c.case_id == bindparam("id")),
    select(literal("f"), _FOLLOWER.c.person_id, literal(None), literal(None), literal(None))
    .where(_FOLLOWER.c.case_id == bindparam("id")),
))
_PERSON = Person.__table__
_ROLE = RoleAssignment.__table__
# people with their active roles (a row per role; role columns empty for someone with none)
_PEOPLE_Q = Prepared(select(_PERSON.c.id, _PERSON.c.name, _PERSON.c.phone, _PERSON.c.unit, _PERSON.c.room, _ROLE)
             .select_from(_PERSON.outerjoin(_ROLE, and_(_ROLE.c.person_id == _PERSON.c.id, _ROLE.c.active.is_(True))))
             .where(_PERSON.c.id.in_(bindparam("ids", expanding=True))))
_ROLE_AT = len(_PEOPLE_Q.statement.selected_columns) - len(_ROLE.c)
RoleRow = namedtuple("RoleRow", [c.key for c in _ROLE.c])  # reads like a RoleAssignment (r.role, r.grid_id …)


@dataclass(frozen=True)
class PhotoRow:
    platform: str
    file_ref: str
    stage: str


async def _extras(session: AsyncSession, case: Case) -> tuple[list[PhotoRow], list[int]]:
    """A case's photos (with .platform, .file_ref, .stage) and followers, read once a transaction (forget() after
    adding either). The session is flushed first: a photo or follower added as an ORM object counts."""
    memo = tx_memo(session, "case_extras")
    if case.id not in memo:
        if session.new:
            await session.flush()
        photos, followers = [], []
        for kind, i, platform, ref, stage in await _EXTRAS_Q.rows(session, {"id": case.id}):
            if kind == "p":
                photos.append((i, PhotoRow(platform, ref, stage)))
            else:
                followers.append(i)
        memo[case.id] = ([p for _, p in sorted(photos, key=lambda x: x[0])], followers)
    return memo[case.id]


def forget(session: AsyncSession, case_id: int) -> None:
    tx_memo(session, "case_extras").pop(case_id, None)


@dataclass(frozen=True)
class PersonBrief:
    """What a case view shows of a person, and their active roles as read now (they decide what they may see)."""
    id: int
    name: str
    phone: str | None
    unit: str | None
    room: str | None
    roles: tuple


async def people(session: AsyncSession, ids) -> dict[int, PersonBrief]:
    """These people (name, phone, unit, room, active roles), read once a transaction, in one statement."""
    memo = tx_memo(session, "case_people")
    missing = {i for i in ids if i is not None and i not in memo}
    if missing:
        found: dict[int, tuple[Any, list]] = {}
        for row in await _PEOPLE_Q.rows(session, {"ids": sorted(missing)}):
            roles = found.setdefault(row[0], (row, []))[1]
            if row[_ROLE_AT] is not None:
                roles.append(RoleRow(*row[_ROLE_AT:]))
        for pid, (row, roles) in found.items():
            memo[pid] = PersonBrief(*row[:5], tuple(roles))
    return memo


_VIEW_COLUMNS = ("id", "category", "colour", "urgent", "state", "text", "unit", "room", "accept_due_at",
                 "resolve_due_at", "created_at", "resolved_at", "resolution_note", "rating", "reopen_count",
                 "latitude", "longitude", "route_reason", "supervised", "escalation_level")


def _loaded(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """These attributes of an ORM object, read from its loaded state in one go (an attribute read through the
    ORM's descriptor costs several times a dict lookup, and a view reads twenty); anything not loaded goes
    through the descriptor as usual."""
    d = obj.__dict__
    return {n: d[n] if n in d else getattr(obj, n) for n in names}


async def view(session: AsyncSession, case: Case, viewer: Person | PersonBrief | None) -> dict[str, Any]:
    """Template context for a case. The resident's name, address and phone only for whoever handles it."""
    cache = org(session)
    b = await cache.building(session, case.building_id)
    g = await cache.grid(session, case.grid_id)
    dep = await cache.department(session, case.department_id)
    handles = viewer is not None and (viewer.id == case.assignee_id or (
        await _supervises(session, viewer, case)))
    names = await people(session, (case.assignee_id, case.reporter_id))
    assignee = names.get(case.assignee_id) if case.assignee_id else None
    photos, followers = await _extras(session, case)
    c = _loaded(case, _VIEW_COLUMNS)
    ctx: dict[str, Any] = {
        "id": c["id"], "category": c["category"], "colour": c["colour"], "urgent": c["urgent"], "state": c["state"],
        "text": c["text"], "building": b.code if b else None, "unit": c["unit"],
        "room": c["room"] if handles else None,
        "grid": g.name if g else None, "grid_en": (g.name_en or g.name) if g else None,
        "department": dep.name if dep else None, "department_en": (dep.name_en or dep.name) if dep else None,
        "assignee": assignee.name if assignee else None, "accept_due_at": c["accept_due_at"],
        "resolve_due_at": c["resolve_due_at"], "created_at": c["created_at"], "resolved_at": c["resolved_at"],
        "resolution_note": c["resolution_note"], "rating": c["rating"], "reopen_count": c["reopen_count"],
        "photos": sum(1 for p in photos if p.stage == "report"),
        "resolution_photos": sum(1 for p in photos if p.stage == "resolution"),
        "followers": len(followers), "has_location": c["latitude"] is not None, "handles": handles,
        "latitude": c["latitude"], "longitude": c["longitude"], "route_reason": c["route_reason"],
        "supervised": c["supervised"], "escalation_level": c["escalation_level"],
    }
    if handles:
        reporter = names[case.reporter_id]
        ctx["reporter"] = {"name": reporter.name, "phone": reporter.phone or "", "unit": reporter.unit,
                           "room": reporter.room}
    return ctx


def first_photo(photos: list[PhotoRow], stage: str) -> Photo | None:
    for p in photos:
        if p.stage == stage:
            return Photo(p.platform, p.file_ref)
    return None


def worker_buttons(case: Case) -> list[list[Button]]:
    rows: list[list[Button]] = []
    if can(case, "accept"):
        rows.append([Button("cases.accept", f"c1:acc:{case.id}")])
    if case.state in ("accepted", "in_progress"):
        rows.append([Button("cases.resolve", f"c1:res:{case.id}"), Button("cases.progress", f"c1:prog:{case.id}")])
    if case.state in OPEN_STATES and case.state != "submitted":
        rows.append([Button("cases.help", f"c1:help:{case.id}"), Button("cases.escalate", f"c1:esc:{case.id}")])
        rows.append([Button("cases.hand_back", f"c1:back:{case.id}")])
    return rows


async def worker_card(session: AsyncSession, case: Case, viewer: Person, template: str = "cases/assigned",
                      **extra: Any) -> Reply:
    photos, _ = await _extras(session, case)
    return Reply(template, {"case": await view(session, case, viewer), **extra}, buttons=worker_buttons(case), photo=first_photo(photos, "report"))


# -- telling people ----------------------------------------------------------------
async def parties(session: AsyncSession, case: Case) -> list[int]:
    """The reporter and everyone who joined (+1): they hear of every change."""
    _, followers = await _extras(session, case)
    return [case.reporter_id] + [p for p in followers if p != case.reporter_id]


async def tell_residents(session: AsyncSession, case: Case, event: str, now: datetime, actor_id: int | None,
                         buttons: list[list[Button]] | None = None, **extra: Any) -> None:
    """The reporter and followers hear of the change (not the one who made it): one outbox INSERT for all."""
    pids = [pid for pid in await parties(session, case) if pid != actor_id]
    if not pids:
        return
    who = await people(session, pids + [case.assignee_id, case.reporter_id])  # one read for every view below
    rows = []
    for pid in pids:
        own = pid == case.reporter_id
        rows.append(outbox.values(pid, Reply(f"cases/{event}", {"case": await view(session, case, who[pid]),
                                                                "own": own, **extra},
                                             buttons=(buttons or []) if own else []), now))
    await outbox.insert_many(session, rows)


async def tell_assignee(session: AsyncSession, case: Case, now: datetime, template: str = "cases/assigned",
                        **extra: Any) -> None:
    rows = await _assignee_rows(session, case, now, template, **extra)
    await outbox.insert_many(session, rows)


async def _assignee_rows(session: AsyncSession, case: Case, now: datetime, template: str = "cases/assigned",
                         **extra: Any) -> list[dict[str, Any]]:
    """The assignee's card as an outbox row (none without an assignee); red cases jump the queue."""
    if case.assignee_id is None:
        return []
    who = (await people(session, (case.assignee_id, case.reporter_id)))[case.assignee_id]
    card = await worker_card(session, case, who, template, **extra)
    return [outbox.values(case.assignee_id, card, now, priority=2 if case.colour == "red" else 4)]


# -- the loop ----------------------------------------------------------------------
@dataclass
class Draft:
    text: str
    category: str
    urgent: bool
    building_id: int | None
    unit: str | None
    room: str | None
    latitude: float | None = None
    longitude: float | None = None
    photos: tuple[tuple[str, str], ...] = ()
    parse: dict | None = None


def _dup_query(where_place):
    return Prepared(select(_CASE).where(
        _CASE.c.community_id == bindparam("community"), _CASE.c.category == bindparam("category"),
        _CASE.c.state.in_(OPEN_STATES), _CASE.c.reporter_id != bindparam("me"), where_place,
    ).order_by(_CASE.c.id.desc()).limit(1))


_DUP_IN_BUILDING = _dup_query(_CASE.c.building_id == bindparam("place"))
_DUP_IN_GRID = _dup_query(_CASE.c.grid_id == bindparam("place"))


async def find_duplicate(session: AsyncSession, reporter: Person, d: Draft) -> Case | None:
    """An open case of the same category in the same building (or grid, without a building) by someone else."""
    cache = org(session)
    if d.building_id:
        b = await cache.building(session, d.building_id)
        query, place = _DUP_IN_BUILDING, d.building_id
    elif reporter.building_id:
        b = await cache.building(session, reporter.building_id)
        query, place = _DUP_IN_GRID, b.grid_id
    else:
        return None
    row = await query.first(session, {"community": b.community_id, "category": d.category, "me": reporter.id,
                                      "place": place})
    return adopt(session, Case, dict(zip(_CASE_KEYS, row))) if row else None


_CASE_DEFAULTS = {c.key: None for c in _CASE.c} | {"reopen_count": 0, "escalation_level": 0, "supervised": False}
_CASE_INSERT = Prepared(_CASE.insert())
_PHOTO_INSERT = Prepared(_PHOTO.insert())


async def file_case(session: AsyncSession, app: "App", reporter: Person, d: Draft, now: datetime) -> Case:
    """File and route the draft: the case (assigned at once), its events (submit, assign), photos and the plan of its
    clocks, the assignee's card and a note to whoever is informed, all in the caller's transaction."""
    r = await routing.route(session, app.routing, community_id=reporter.community_id, building_id=d.building_id,
                            category=d.category, urgent=d.urgent)
    accept_due, resolve_due = routing.due_times(app.routing, r.colour, now)
    b = await org(session).building(session, d.building_id)
    values = _CASE_DEFAULTS | dict(
        community_id=b.community_id if b else reporter.community_id, grid_id=r.grid_id, building_id=d.building_id,
        unit=d.unit, room=d.room, latitude=d.latitude, longitude=d.longitude, category=d.category, urgent=d.urgent,
        colour=r.colour, state="assigned", text=d.text, reporter_id=reporter.id, assignee_id=r.assignee_id,
        department_id=r.department_id, route_reason=r.reason, accept_due_at=accept_due, resolve_due_at=resolve_due,
        parse=d.parse or {}, supervised=r.reason in ("no_address", "no_staff"), created_at=now, updated_at=now,
    )
    del values["id"]
    cid = await _CASE_INSERT.run(session, values)
    case = adopt(session, Case, {"id": cid, **values})
    await _EVENT_INSERT.run(session, [
        {"case_id": cid, "at": now, "actor_id": reporter.id, "kind": "submit", "from_state": None,
         "to_state": "submitted", "note": None, "data": {"category": d.category, "urgent": d.urgent}},
        {"case_id": cid, "at": now, "actor_id": None, "kind": "assign", "from_state": "submitted",
         "to_state": "assigned", "note": None,
         "data": {"reason": r.reason, "assignee": r.assignee_id, "department": r.department_id}},
    ])
    if d.photos:
        await _PHOTO_INSERT.run(session, [{"case_id": cid, "platform": platform, "file_ref": ref,
                                               "stage": "report", "created_at": now} for platform, ref in d.photos])
    # what view() would read back: the photos just given, no followers yet
    tx_memo(session, "case_extras")[cid] = ([PhotoRow(p, ref, "report") for p, ref in d.photos], [])
    await timekeeping.plan_after(session, case, "assign", now)
    rows = await _assignee_rows(session, case, now)
    who = await people(session, r.inform_ids)
    for pid in r.inform_ids:
        rows.append(outbox.values(pid, Reply("cases/informed", {"case": await view(session, case, who[pid])}), now))
    await outbox.insert_many(session, rows)
    return case


async def join(session: AsyncSession, case_id: int, person: Person, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    if case.state not in OPEN_STATES:
        raise Refused("cases/join_closed", case_id=case.id)
    if case.reporter_id == person.id or await session.get(CaseFollower, (case.id, person.id)):
        return case
    session.add(CaseFollower(case_id=case.id, person_id=person.id, created_at=now))
    forget(session, case.id)
    session.add(CaseEvent(case_id=case.id, at=now, actor_id=person.id, kind="join", from_state=case.state,
                          to_state=case.state, data={}))
    return case


async def accept(session: AsyncSession, case_id: int, actor: Person, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    await require_handler(session, actor, case)
    if case.state == "accepted" and case.assignee_id == actor.id:
        raise Refused("cases/already_accepted", case_id=case.id)
    takes = active_roles(actor) & {"grid_worker", "grid_leader", "dept_handler", "building_leader"}
    await transition(session, case, "accept", actor.id, now,
                     changes={"assignee_id": actor.id if takes else case.assignee_id,
                          "accepted_at": case.accepted_at or now})
    await tell_residents(session, case, "accepted", now, actor.id, assignee=actor.name)
    return case


async def progress(session: AsyncSession, case_id: int, actor: Person, note: str, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    await require_handler(session, actor, case)
    await transition(session, case, "progress", actor.id, now, note=note)
    await tell_residents(session, case, "progress", now, actor.id, note=note)
    return case


async def resolve(session: AsyncSession, case_id: int, actor: Person, note: str, photos: list[tuple[str, str]],
                  now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    await require_handler(session, actor, case)
    await transition(session, case, "resolve", actor.id, now, note=note, photos=len(photos),
                     changes={"resolved_at": now, "resolution_note": note})
    for platform, ref in photos:
        session.add(CasePhoto(case_id=case.id, platform=platform, file_ref=ref, stage="resolution", created_at=now))
    await session.flush()
    forget(session, case.id)
    rate = [[Button("cases.rate", f"c1:rate:{case.id}:{n}", {"n": n}) for n in range(1, 6)],
            [Button("cases.reopen", f"c1:reopen:{case.id}")]]
    photo = photos[0] if photos else None
    for pid in await parties(session, case):
        person = await session.get(Person, pid)
        own = pid == case.reporter_id
        outbox.enqueue(session, pid, Reply("cases/resolved", {"case": await view(session, case, person), "own": own},
                                           buttons=rate if own else [],
                                           photo=Photo(*photo) if photo else None), now)
    return case


async def rate(session: AsyncSession, case_id: int, actor: Person, stars: int, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    if case.reporter_id != actor.id:
        raise Refused("cases/not_yours", case_id=case.id)
    if not 1 <= stars <= 5:
        raise Refused("errors/stale_button")
    if case.state == "closed" and case.rating is not None:
        raise Refused("cases/already_rated", case_id=case.id, rating=case.rating)
    await transition(session, case, "close", actor.id, now, rating=stars, changes={"rating": stars, "closed_at": now})
    if case.assignee_id:
        outbox.enqueue(session, case.assignee_id, Reply("cases/rated", {"case": await view(
            session, case, await session.get(Person, case.assignee_id)), "stars": stars}), now)
    return case


async def comment(session: AsyncSession, case_id: int, actor: Person, text: str, now: datetime) -> Case:
    case = await session.get(Case, case_id)
    if case is None or case.reporter_id != actor.id:
        raise Refused("cases/not_found", case_id=case_id)
    case.rating_comment = text
    session.add(CaseEvent(case_id=case.id, at=now, actor_id=actor.id, kind="comment", from_state=case.state,
                          to_state=case.state, note=text, data={}))
    return case


async def reopen(session: AsyncSession, app: "App", case_id: int, actor: Person, reason: str, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    if case.reporter_id != actor.id:
        raise Refused("cases/not_yours", case_id=case.id)
    if case.resolved_at and now - case.resolved_at > REOPEN_WITHIN:
        raise Refused("cases/reopen_too_late", case_id=case.id)
    accept_due, resolve_due = routing.due_times(app.routing, case.colour, now)
    await transition(session, case, "reopen", actor.id, now, note=reason, changes={
        "reopen_count": case.reopen_count + 1, "rating": None, "closed_at": None, "resolved_at": None,
        "accept_due_at": accept_due, "resolve_due_at": resolve_due})
    await tell_assignee(session, case, now, template="cases/reopened_worker", reason=reason)
    await tell_residents(session, case, "reopened", now, actor.id, reason=reason)
    return case


async def cancel(session: AsyncSession, case_id: int, actor: Person, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    if case.reporter_id != actor.id:
        raise Refused("cases/not_yours", case_id=case.id)
    if not can(case, "cancel"):
        raise Refused("cases/cannot_cancel", case_id=case.id, state=case.state)
    await transition(session, case, "cancel", actor.id, now)
    if case.assignee_id:
        outbox.enqueue(session, case.assignee_id, Reply("cases/cancelled_worker", {"case": await view(
            session, case, await session.get(Person, case.assignee_id))}), now)
    await tell_residents(session, case, "cancelled", now, actor.id)
    return case


async def escalate(session: AsyncSession, case_id: int, actor: Person, department_id: int, now: datetime,
                   note: str | None = None) -> Case:
    """吹哨报到: a grid matter goes to a department's handler; the grid worker stays informed."""
    case = await load_for_update(session, case_id)
    await require_handler(session, actor, case)
    dep = await session.get(Department, department_id)
    if dep is None:
        raise Refused("errors/stale_button")
    handler = await routing.department_handler(session, dep.id)
    if handler is None:
        raise Refused("cases/department_unstaffed", department=dep.name)
    previous = case.assignee_id
    await transition(session, case, "escalate", actor.id, now, note=note, department=dep.id, to=handler,
                     previous=previous, changes={"department_id": dep.id, "assignee_id": handler,
                                                 "escalation_level": case.escalation_level + 1})
    await tell_assignee(session, case, now, template="cases/escalated_to_you", by=actor.name)
    await tell_residents(session, case, "escalated", now, actor.id)
    return case


async def request_help(session: AsyncSession, case_id: int, actor: Person, now: datetime) -> Case:
    """Ask the grid leader (or the coordinator) for help: the case becomes supervised (督办)."""
    case = await load_for_update(session, case_id)
    await require_handler(session, actor, case)
    case.supervised = True
    session.add(CaseEvent(case_id=case.id, at=now, actor_id=actor.id, kind="help", from_state=case.state,
                          to_state=case.state, data={}))
    helpers = await _supervisors(session, case)
    helpers = [h for h in helpers if h != actor.id]
    if not helpers:
        raise Refused("cases/no_supervisor")
    for pid in helpers:
        outbox.enqueue(session, pid, await worker_card(session, case, await session.get(Person, pid),
                                                       "cases/help_requested", by=actor.name), now, priority=3)
    return case


async def _supervisors(session: AsyncSession, case: Case) -> list[int]:
    ids = []
    if case.grid_id:
        ids = list(await session.scalars(select(RoleAssignment.person_id).where(
            RoleAssignment.role == "grid_leader", RoleAssignment.grid_id == case.grid_id,
            RoleAssignment.active.is_(True))))
    if not ids:
        ids = list(await session.scalars(select(RoleAssignment.person_id).where(
            RoleAssignment.role == "coordinator", RoleAssignment.active.is_(True),
            or_(RoleAssignment.community_id == case.community_id, RoleAssignment.community_id.is_(None)))))
    return sorted(set(ids))


async def hand_back(session: AsyncSession, app: "App", case_id: int, actor: Person, now: datetime,
                    note: str | None = None) -> Case:
    """Not mine to handle: back to the grid leader (or the coordinator), who reassigns it."""
    case = await load_for_update(session, case_id)
    await require_handler(session, actor, case)
    targets = [p for p in await _supervisors(session, case) if p != actor.id]
    if not targets:
        coord = await routing.coordinator_for(session, case.community_id)
        targets = [coord] if coord and coord != actor.id else []
    if not targets:
        raise Refused("cases/no_supervisor")
    await transition(session, case, "hand_back", actor.id, now, note=note, to=targets[0], previous=case.assignee_id,
                     changes={"assignee_id": targets[0],
                              "department_id": None if case.route_reason != "department" else case.department_id})
    await tell_assignee(session, case, now, template="cases/handed_back_to_you", by=actor.name)
    return case


async def reassign(session: AsyncSession, case_id: int, actor: Person, to_person_id: int, now: datetime) -> Case:
    case = await load_for_update(session, case_id)
    if not await _supervises(session, actor, case):
        raise Refused("cases/not_yours", case_id=case.id)
    to = await session.get(Person, to_person_id)
    if to is None or not (active_roles(to) - {"resident"}):
        raise Refused("errors/stale_button")
    await transition(session, case, "assign", actor.id, now, to=to.id, previous=case.assignee_id,
                     changes={"assignee_id": to.id})
    await tell_assignee(session, case, now)
    return case


# -- lists ----------------------------------------------------------------------------
async def queue(session: AsyncSession, person: Person, limit: int = 30) -> list[Case]:
    rows = list(await session.scalars(select(Case).where(Case.assignee_id == person.id, Case.state.in_(OPEN_STATES))))
    rows.sort(key=lambda c: (COLOUR_ORDER.get(c.colour, 3), c.created_at))
    return rows[:limit]


async def my_cases(session: AsyncSession, person: Person, limit: int = 20) -> list[Case]:
    followed = select(CaseFollower.case_id).where(CaseFollower.person_id == person.id)
    return list(await session.scalars(
        select(Case).where(or_(Case.reporter_id == person.id, Case.id.in_(followed)))
        .order_by(Case.id.desc()).limit(limit)))


async def community_name(session: AsyncSession, community_id: int | None) -> str:
    c = await session.get(Community, community_id) if community_id else None
    return c.name if c else ""
