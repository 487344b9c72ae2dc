"""Org import: communities, grids, buildings, departments, staff (with invitation codes) and, for the demo, residents.

Idempotent: every row is found by its code or key and updated, so importing twice gives the same state.
An error names the file, the line and the field.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Building, ChatIdentity, Community, Department, Grid, Invitation, Person, RoleAssignment
from models.people import ROLES

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
DEMO_FILE = DEFAULTS / "demo.yaml"


class OrgError(Exception):
    def __init__(self, file: str, line: int, field_: str, msg: str):
        super().__init__(f"{file}:{line}: {field_}: {msg}")


class _Map(dict):
    line: int = 0
    lines: dict


class _Seq(list):
    line: int = 0


class _Loader(yaml.SafeLoader):
    """Keeps the line of every mapping and key, so errors can point at them."""


def _map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    m = _Map()
    m.line = node.start_mark.line + 1
    m.lines = {}
    for k_node, v_node in node.value:
        k = loader.construct_object(k_node, deep=True)
        m[k] = loader.construct_object(v_node, deep=True)
        m.lines[k] = k_node.start_mark.line + 1
    return m


def _seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    s = _Seq(loader.construct_object(n, deep=True) for n in node.value)
    s.line = node.start_mark.line + 1
    return s


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _seq)


@dataclass
class ImportReport:
    communities: int = 0
    grids: int = 0
    buildings: int = 0
    departments: int = 0
    staff: int = 0
    residents: int = 0
    invitations: dict[str, str] = field(default_factory=dict)  # staff key -> code


class _Reader:
    def __init__(self, file: str):
        self.file = file

    def err(self, m: Any, key: str, msg: str) -> OrgError:
        line = getattr(m, "lines", {}).get(key) or getattr(m, "line", 0)
        return OrgError(self.file, line, key, msg)

    def s(self, m: _Map, key: str, required: bool = True, default: str | None = None) -> str | None:
        if key not in m or m[key] is None:
            if required:
                raise self.err(m, key, "missing")
            return default
        v = m[key]
        if isinstance(v, (dict, list)):
            raise self.err(m, key, "must be text")
        v = str(v).strip()
        if required and not v:
            raise self.err(m, key, "is empty")
        return v

    def i(self, m: _Map, key: str, default: int) -> int:
        v = m.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise self.err(m, key, "must be a whole number")
        return v

    def lst(self, m: _Map, key: str) -> list:
        v = m.get(key) or []
        if not isinstance(v, list):
            raise self.err(m, key, "must be a list")
        for item in v:
            if isinstance(item, dict):
                continue
        return v

    def maps(self, m: _Map, key: str) -> list[_Map]:
        items = self.lst(m, key)
        for it in items:
            if not isinstance(it, dict):
                raise self.err(m, key, "each entry must be a mapping")
        return items


def load_yaml(path: Path) -> _Map:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise OrgError(str(path), 0, "file", "not found") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise OrgError(str(path), (mark.line + 1) if mark else 0, "yaml", str(getattr(e, "problem", e))) from None
    if not isinstance(data, dict):
        raise OrgError(str(path), 1, "file", "must be a mapping with communities, departments, staff")
    return data


def _expand_buildings(r: _Reader, g: _Map) -> list[tuple[str, int, int | None]]:
    """buildings: ["1-4", "B"] or [{code: "6", units: 3, floors: 18}]."""
    out: list[tuple[str, int, int | None]] = []
    units_default = r.i(g, "units", 2)
    for item in r.lst(g, "buildings"):
        if isinstance(item, dict):
            out.append((r.s(item, "code"), r.i(item, "units", units_default), item.get("floors")))
        elif isinstance(item, str) and "-" in item and all(p.strip().isdigit() for p in item.split("-", 1)):
            a, b = (int(p) for p in item.split("-", 1))
            if b < a or b - a > 500:
                raise r.err(g, "buildings", f"bad range {item!r}")
            out.extend((str(n), units_default, None) for n in range(a, b + 1))
        elif isinstance(item, (str, int)):
            out.append((str(item), units_default, None))
        else:
            raise r.err(g, "buildings", f"cannot read {item!r}")
    return out


async def import_org(session: AsyncSession, path: Path, now: datetime) -> ImportReport:
    data = load_yaml(path)
    r = _Reader(str(path))
    rep = ImportReport()
    communities: dict[str, Community] = {}
    grids: dict[str, Grid] = {}
    departments: dict[str, Department] = {}

    for c in r.maps(data, "communities"):
        code = r.s(c, "code")
        com = await session.scalar(select(Community).where(Community.code == code))
        if com is None:
            com = Community(code=code, name="")
            session.add(com)
        com.name = r.s(c, "name")
        com.name_en = r.s(c, "name_en", required=False)
        await session.flush()
        communities[code] = com
        rep.communities += 1
        for g in r.maps(c, "grids"):
            gcode = r.s(g, "code")
            grid = await session.scalar(select(Grid).where(Grid.code == gcode))
            if grid is None:
                grid = Grid(code=gcode, community_id=com.id, name="")
                session.add(grid)
            grid.community_id = com.id
            grid.name = r.s(g, "name")
            grid.name_en = r.s(g, "name_en", required=False)
            await session.flush()
            grids[gcode] = grid
            rep.grids += 1
            for bcode, units, floors in _expand_buildings(r, g):
                b = await session.scalar(select(Building).where(Building.community_id == com.id, Building.code == bcode))
                if b is None:
                    b = Building(community_id=com.id, code=bcode, grid_id=grid.id)
                    session.add(b)
                b.grid_id, b.units, b.floors = grid.id, units, floors
                rep.buildings += 1
    await session.flush()

    for d in r.maps(data, "departments"):
        code = r.s(d, "code")
        dep = await session.scalar(select(Department).where(Department.code == code))
        if dep is None:
            dep = Department(code=code, name="", categories=[])
            session.add(dep)
        dep.name = r.s(d, "name")
        dep.name_en = r.s(d, "name_en", required=False)
        cats = r.lst(d, "categories")
        if not all(isinstance(x, str) for x in cats):
            raise r.err(d, "categories", "must be a list of category ids")
        dep.categories = list(cats)
        await session.flush()
        departments[code] = dep
        rep.departments += 1

    async def community_of(m: _Map) -> Community | None:
        code = r.s(m, "community", required=False)
        if code is None:
            return None
        com = communities.get(code) or await session.scalar(select(Community).where(Community.code == code))
        if com is None:
            raise r.err(m, "community", f"unknown community {code!r}")
        return com

    for st in r.maps(data, "staff"):
        key = r.s(st, "key")
        role = r.s(st, "role")
        if role not in ROLES or role == "resident":
            raise r.err(st, "role", f"must be one of {', '.join(ROLES[1:])}")
        com = await community_of(st)
        grid = dep = None
        if role in ("grid_worker", "grid_leader", "building_leader"):
            gcode = r.s(st, "grid")
            grid = grids.get(gcode) or await session.scalar(select(Grid).where(Grid.code == gcode))
            if grid is None:
                raise r.err(st, "grid", f"unknown grid {gcode!r}")
            com = com or await session.get(Community, grid.community_id)
        if role == "dept_handler":
            dcode = r.s(st, "department")
            dep = departments.get(dcode) or await session.scalar(select(Department).where(Department.code == dcode))
            if dep is None:
                raise r.err(st, "department", f"unknown department {dcode!r}")
        if role == "coordinator" and com is None:
            raise r.err(st, "community", "a coordinator needs a community")
        person = await _upsert_person(session, key, r.s(st, "name"), r.s(st, "phone", required=False), now)
        person.community_id = person.community_id or (com.id if com else None)
        ra = await session.scalar(select(RoleAssignment).where(
            RoleAssignment.person_id == person.id, RoleAssignment.role == role))
        if ra is None:
            ra = RoleAssignment(person_id=person.id, role=role, created_at=now)
            session.add(ra)
        ra.community_id = com.id if com else None
        ra.grid_id = grid.id if grid else None
        ra.department_id = dep.id if dep else None
        ra.active = True
        code = r.s(st, "invite", required=False)
        inv = await session.scalar(select(Invitation).where(Invitation.person_id == person.id))
        if inv is None:
            inv = Invitation(person_id=person.id, code=code or secrets.token_urlsafe(6))
            session.add(inv)
        elif code:
            inv.code = code
        rep.invitations[key] = inv.code
        await _bind_web(session, r, st, person, now)
        rep.staff += 1

    for res in r.maps(data, "residents"):
        key = r.s(res, "key")
        com = await community_of(res)
        if com is None:
            raise r.err(res, "community", "missing")
        bcode = r.s(res, "building")
        b = await session.scalar(select(Building).where(Building.community_id == com.id, Building.code == bcode))
        if b is None:
            raise r.err(res, "building", f"unknown building {bcode!r} in {com.code}")
        person = await _upsert_person(session, key, r.s(res, "name"), r.s(res, "phone", required=False), now)
        person.community_id, person.building_id = com.id, b.id
        person.unit = r.s(res, "unit", required=False)
        person.room = r.s(res, "room", required=False)
        person.needs_care = bool(res.get("needs_care", False))
        person.consent_at = person.consent_at or now
        ra = await session.scalar(select(RoleAssignment).where(
            RoleAssignment.person_id == person.id, RoleAssignment.role == "resident"))
        if ra is None:
            session.add(RoleAssignment(person_id=person.id, role="resident", community_id=com.id, created_at=now))
        await _bind_web(session, r, res, person, now)
        rep.residents += 1
    await session.flush()
    return rep


async def _upsert_person(session: AsyncSession, key: str, name: str, phone: str | None, now: datetime) -> Person:
    person = await session.scalar(select(Person).where(Person.key == key))
    if person is None:
        person = Person(key=key, name=name, created_at=now)
        session.add(person)
    person.name = name
    if phone:
        person.phone = phone
    await session.flush()
    return person


async def _bind_web(session: AsyncSession, r: _Reader, m: _Map, person: Person, now: datetime) -> None:
    """Demo only: a web chat identity bound at import, so one can chat as this person at once."""
    chat = r.s(m, "web", required=False)
    if not chat:
        return
    ident = await session.scalar(select(ChatIdentity).where(ChatIdentity.platform == "web", ChatIdentity.chat_id == chat))
    if ident is None:
        ident = ChatIdentity(platform="web", chat_id=chat, created_at=now, last_seen_at=now)
        session.add(ident)
    ident.person_id = person.id
    ident.display_name = person.name
    ident.language_code = r.s(m, "lang", required=False) or ident.language_code or "zh"
    await session.flush()
