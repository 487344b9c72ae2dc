"""Routing: who handles a case, what colour it is, and its two clocks (accept within, resolve within).

address -> building -> grid -> the least-loaded grid worker (the grid leader when none); department matters go to
the department that takes the category, and the grid worker is informed. Nothing is ever unrouted: with no match
the case goes to the community coordinator, with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.prepared import Prepared
from bot.services.orgcache import org
from models import Case, RoleAssignment

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "defaults" / "routing.yaml"
OPEN_STATES = ("submitted", "assigned", "accepted", "in_progress", "reopened", "escalated")
COLOURS = ("red", "yellow", "green")


@dataclass
class RoutingConfig:
    clocks: dict[str, tuple[timedelta, timedelta]]
    urgent_colour: str = "red"
    category_colours: dict[str, str] = field(default_factory=dict)
    default_colour: str = "green"
    department_matters: set[str] = field(default_factory=set)
    urgent_department_matters: set[str] = field(default_factory=set)
    timekeeping: dict = field(default_factory=dict)  # parsed by bot/services/timekeeping.py
    base_dir: Path | None = None

    def colour(self, category: str, urgent: bool) -> str:
        if urgent:
            return self.urgent_colour
        return self.category_colours.get(category, self.default_colour)


def load_routing(path: Path | None = None) -> RoutingConfig:
    path = Path(path) if path else DEFAULT_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    clocks = {}
    for colour in COLOURS:
        c = (data.get("colours") or {}).get(colour)
        if not c:
            raise ValueError(f"{path}: colours.{colour}: missing")
        clocks[colour] = (timedelta(minutes=int(c["accept_minutes"])), timedelta(minutes=int(c["resolve_minutes"])))
    co = data.get("colour_of") or {}
    cfg = RoutingConfig(
        clocks=clocks,
        urgent_colour=co.get("urgent", "red"),
        category_colours=dict(co.get("categories") or {}),
        default_colour=co.get("default", "green"),
        department_matters=set(data.get("department_matters") or []),
        urgent_department_matters=set(data.get("urgent_department_matters") or []),
        timekeeping=dict(data.get("timekeeping") or {}), base_dir=path.parent,
    )
    for c in [cfg.urgent_colour, cfg.default_colour, *cfg.category_colours.values()]:
        if c not in COLOURS:
            raise ValueError(f"{path}: colour_of: unknown colour {c!r}")
    return cfg


@dataclass
class Route:
    colour: str
    grid_id: int | None
    assignee_id: int
    department_id: int | None
    reason: str  # grid_worker, grid_leader, department, no_address, no_staff
    inform_ids: list[int] = field(default_factory=list)  # told, not assigned (the grid worker of a department matter)


_ROLE = RoleAssignment.__table__
_CASE = Case.__table__
# the active holders of a role in a scope, each with their count of open cases: one statement per routing decision
_OPEN = (select(func.count()).where(_CASE.c.assignee_id == _ROLE.c.person_id, _CASE.c.state.in_(OPEN_STATES))
         .scalar_subquery())
_HOLDERS = {
    scope: Prepared(select(_ROLE.c.person_id, _ROLE.c.role, _OPEN).where(
        _ROLE.c.active.is_(True), _ROLE.c.role.in_(bindparam("roles", expanding=True)),
        _ROLE.c[scope] == bindparam("scope")))
    for scope in ("grid_id", "department_id")
}


async def _least_loaded_holders(session: AsyncSession, scope: str, scope_id: int,
                                roles: tuple[str, ...]) -> dict[str, int]:
    """role -> its least-loaded active holder in the scope (fewest open cases, then the lowest id)."""
    best: dict[str, tuple[int, int]] = {}
    for pid, role, load in await _HOLDERS[scope].rows(session, {"roles": list(roles), "scope": scope_id}):
        if role not in best or (load, pid) < best[role]:
            best[role] = (load, pid)
    return {role: pid for role, (_, pid) in best.items()}


async def _ids(session: AsyncSession, **where) -> list[int]:
    q = select(RoleAssignment.person_id).where(RoleAssignment.active.is_(True))
    for k, v in where.items():
        q = q.where(getattr(RoleAssignment, k) == v)
    return list(await session.scalars(q))


async def department_for(session: AsyncSession, category: str):
    """The department (id, name, name_en, categories) that handles this category, or None."""
    return await org(session).department_for(session, category)


async def department_handler(session: AsyncSession, department_id: int) -> int | None:
    return (await _least_loaded_holders(session, "department_id", department_id, ("dept_handler",))).get("dept_handler")


async def grid_handler(session: AsyncSession, grid_id: int) -> tuple[int | None, str]:
    best = await _least_loaded_holders(session, "grid_id", grid_id, ("grid_worker", "grid_leader"))
    if "grid_worker" in best:
        return best["grid_worker"], "grid_worker"
    return best.get("grid_leader"), "grid_leader"


async def coordinator_for(session: AsyncSession, community_id: int | None) -> int | None:
    ids = await _ids(session, role="coordinator", community_id=community_id) if community_id else []
    if not ids:
        ids = await _ids(session, role="coordinator")
    return min(ids) if ids else None


async def route(session: AsyncSession, cfg: RoutingConfig, *, community_id: int | None, building_id: int | None,
                category: str, urgent: bool) -> Route:
    colour = cfg.colour(category, urgent)
    building = await org(session).building(session, building_id)
    grid_id = building.grid_id if building else None
    community_id = building.community_id if building else community_id
    grid_person, grid_reason = (await grid_handler(session, grid_id)) if grid_id else (None, "no_address")

    to_department = category in cfg.department_matters or (urgent and category in cfg.urgent_department_matters)
    if to_department:
        dep = await department_for(session, category)
        handler = await department_handler(session, dep.id) if dep else None
        if handler is not None:
            inform = [grid_person] if grid_person is not None else []
            return Route(colour, grid_id, handler, dep.id, "department", inform)
    if grid_person is not None:
        return Route(colour, grid_id, grid_person, None, grid_reason)
    coord = await coordinator_for(session, community_id)
    if coord is None:
        raise LookupError("no coordinator configured: import an org file with a coordinator")
    return Route(colour, grid_id, coord, None, "no_address" if not grid_id else "no_staff")


def due_times(cfg: RoutingConfig, colour: str, start: datetime) -> tuple[datetime, datetime]:
    """Accept-by and resolve-by, counted on the working calendar where the colour's clock says so."""
    from bot.services import timekeeping

    return timekeeping.deadlines(cfg, colour, start)
