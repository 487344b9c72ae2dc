"""A short-lived, per-process copy of the organisation (buildings, grids, departments), which changes rarely
but is read on every case view; it saves a query each time. Reached through session.info["org"]."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Building, Department, Grid

TTL_S = 30.0


@dataclass(frozen=True)
class BuildingInfo:
    id: int
    code: str
    grid_id: int
    community_id: int
    units: int


@dataclass(frozen=True)
class NameInfo:
    id: int
    name: str
    name_en: str | None
    categories: tuple[str, ...] = ()


class OrgCache:
    def __init__(self, ttl_s: float = TTL_S):
        self.ttl = ttl_s
        self._at = -1e9
        self.buildings: dict[int, BuildingInfo] = {}
        self.grids: dict[int, NameInfo] = {}
        self.departments: dict[int, NameInfo] = {}

    def clear(self) -> None:
        self._at = -1e9

    async def _load(self, session: AsyncSession) -> None:
        if time.monotonic() - self._at < self.ttl:
            return
        self.buildings = {b.id: BuildingInfo(b.id, b.code, b.grid_id, b.community_id, b.units)
                          for b in await session.scalars(select(Building))}
        self.grids = {g.id: NameInfo(g.id, g.name, g.name_en) for g in await session.scalars(select(Grid))}
        self.departments = {d.id: NameInfo(d.id, d.name, d.name_en, tuple(d.categories or ()))
                            for d in await session.scalars(select(Department))}
        self._at = time.monotonic()

    async def building(self, session: AsyncSession, building_id: int | None) -> BuildingInfo | None:
        if building_id is None:
            return None
        await self._load(session)
        if building_id not in self.buildings:  # added since the last load
            self.clear()
            await self._load(session)
        return self.buildings.get(building_id)

    async def building_by_code(self, session: AsyncSession, community_id: int | None,
                               code: str) -> BuildingInfo | None:
        """A building of the community by its code as written on it ("6", "B"), or None."""
        code = str(code).strip().upper()
        for attempt in (0, 1):
            await self._load(session)
            for b in self.buildings.values():
                if b.code == code and b.community_id == community_id:
                    return b
            if attempt == 0 and self.ttl:  # perhaps added since the last load
                self.clear()
        return None

    async def department_for(self, session: AsyncSession, category: str) -> NameInfo | None:
        """The first department (by id) whose categories include this one."""
        await self._load(session)
        return next((d for _, d in sorted(self.departments.items()) if category in d.categories), None)

    async def grid(self, session: AsyncSession, grid_id: int | None) -> NameInfo | None:
        if grid_id is None:
            return None
        await self._load(session)
        return self.grids.get(grid_id)

    async def department(self, session: AsyncSession, department_id: int | None) -> NameInfo | None:
        if department_id is None:
            return None
        await self._load(session)
        return self.departments.get(department_id)


def org(session: AsyncSession) -> OrgCache:
    """The app's cache if the session came from the app's sessionmaker, else a fresh one (tools, tests)."""
    cache = session.info.get("org")
    if cache is None:
        cache = session.info["org"] = OrgCache(ttl_s=0.0)
    return cache
