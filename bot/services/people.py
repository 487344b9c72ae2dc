"""People: registration to an address, staff invitations, roles, and who may act where.

Every check reads the database; a button's payload never says who may do what.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dispatch import Refused
from models import Building, ChatIdentity, Community, Grid, Invitation, Person, RoleAssignment
from models.people import STAFF_ROLES


def active_roles(person: Person | None) -> set[str]:
    if person is None:
        return set()
    return {r.role for r in person.roles if r.active}


def is_registered(person: Person | None) -> bool:
    return person is not None and person.building_id is not None and person.consent_at is not None


def is_staff(person: Person | None) -> bool:
    return bool(active_roles(person) & set(STAFF_ROLES))


async def communities(session: AsyncSession) -> list[Community]:
    return list(await session.scalars(select(Community).order_by(Community.id)))


async def buildings(session: AsyncSession, community_id: int) -> list[Building]:
    rows = list(await session.scalars(select(Building).where(Building.community_id == community_id)))
    # "2" before "10", letters after numbers
    return sorted(rows, key=lambda b: (not b.code.isdigit(), int(b.code) if b.code.isdigit() else 0, b.code))


async def register(session: AsyncSession, identity: ChatIdentity, person: Person | None, *, building_id: int,
                   unit: str | None, room: str | None, name: str, now: datetime) -> Person:
    """Store a resident's address (after consent); re-running it moves house."""
    b = await session.get(Building, building_id)
    if b is None:
        raise Refused("onboarding/unknown_building")
    if unit is not None and (not unit.isdigit() or not 1 <= int(unit) <= b.units):
        raise Refused("onboarding/unknown_unit")
    if person is None:
        person = Person(name=name[:200] or "", created_at=now, roles=[])
        session.add(person)
        await session.flush()
        identity.person_id = person.id
    person.community_id = b.community_id
    person.building_id = b.id
    person.unit = unit
    person.room = room
    person.consent_at = now
    ra = next((r for r in person.roles if r.role == "resident"), None)
    if ra is None:
        person.roles.append(RoleAssignment(role="resident", community_id=b.community_id, active=True, created_at=now))
    else:
        ra.community_id, ra.active = b.community_id, True
    await session.flush()
    return person


async def join_by_invitation(session: AsyncSession, identity: ChatIdentity, code: str, now: datetime) -> Person:
    """Bind a staff role to whoever holds the code: the first use wins, later uses are refused."""
    inv = await session.scalar(select(Invitation).where(Invitation.code == code.strip()[:64]))
    if inv is None:
        raise Refused("onboarding/invite_unknown")
    if inv.used_by_identity_id is not None and inv.used_by_identity_id != identity.id:
        raise Refused("onboarding/invite_used")
    staff = await session.get(Person, inv.person_id)
    old = await session.get(Person, identity.person_id) if identity.person_id else None
    if old is not None and old.id != staff.id and old.building_id and not staff.building_id:
        # a resident who becomes staff keeps their home address
        staff.community_id = staff.community_id or old.community_id
        staff.building_id, staff.unit, staff.room, staff.consent_at = old.building_id, old.unit, old.room, old.consent_at
    identity.person_id = staff.id
    inv.used_by_identity_id = identity.id
    inv.used_at = inv.used_at or now
    await session.flush()
    return staff


async def place_of(session: AsyncSession, person: Person) -> dict:
    """The resident's address as template context."""
    if person.building_id is None:
        return {}
    b = await session.get(Building, person.building_id)
    c = await session.get(Community, b.community_id)
    g = await session.get(Grid, b.grid_id)
    return {"community": c.name, "community_en": c.name_en or c.name, "building": b.code, "unit": person.unit,
            "room": person.room, "grid": g.name, "grid_en": g.name_en or g.name}


async def staff_of_grid(session: AsyncSession, grid_id: int, roles: tuple[str, ...]) -> list[int]:
    return list(await session.scalars(select(RoleAssignment.person_id).where(
        RoleAssignment.grid_id == grid_id, RoleAssignment.role.in_(roles), RoleAssignment.active.is_(True))))


async def coordinators(session: AsyncSession, community_id: int | None) -> list[int]:
    q = select(RoleAssignment.person_id).where(RoleAssignment.role == "coordinator", RoleAssignment.active.is_(True))
    if community_id is not None:
        q = q.where((RoleAssignment.community_id == community_id) | RoleAssignment.community_id.is_(None))
    return sorted(set(await session.scalars(q)))


async def count_people(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(Person.id))) or 0)
