"""People, their roles, their chat identities on each platform, and one conversation state a chat."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

ROLES = ("resident", "grid_worker", "grid_leader", "building_leader", "dept_handler", "coordinator")
STAFF_ROLES = ROLES[1:]


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # staff key from the org file
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str | None] = mapped_column(String(8))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    unit: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))
    consent_at: Mapped[datetime | None]
    needs_care: Mapped[bool] = mapped_column(default=False)
    muted_notices: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="person", lazy="selectin", cascade="all, delete-orphan"
    )


class RoleAssignment(Base):
    __tablename__ = "role_assignment"
    __table_args__ = (Index("ix_role_scope", "role", "grid_id", "active"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles")


class ChatIdentity(Base):
    """One chat on one platform. A person may have several; an unregistered visitor has no person yet."""

    __tablename__ = "chat_identity"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    language_code: Mapped[str | None] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(200))
    reachable: Mapped[bool] = mapped_column(default=True)
    blocked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """The pending step of a chat (what the bot asked and waits for). The database is the truth across restarts."""

    __tablename__ = "conversation_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("chat_identity.id", ondelete="CASCADE"), unique=True)
    step: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
