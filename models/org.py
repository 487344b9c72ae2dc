"""The organisation: communities, grids, buildings, departments, and staff invitations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Community(Base):
    __tablename__ = "community"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))


class Grid(Base):
    __tablename__ = "grid"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))


class Building(Base):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))  # "6", "B": what residents write before 号楼/栋/座
    units: Mapped[int] = mapped_column(default=1)
    floors: Mapped[int | None]


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    categories: Mapped[list] = mapped_column(default=list)


class Invitation(Base):
    """A staff member's invitation code: `/start <code>` binds the role to whoever uses it."""

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[datetime | None]
    used_by_identity_id: Mapped[int | None] = mapped_column(ForeignKey("chat_identity.id", ondelete="SET NULL"))
