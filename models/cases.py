"""Cases (minor matters) with their append-only events, photos and followers (+1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Case(Base):
    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_open_dup", "community_id", "category", "state"),
        Index("ix_case_assignee_state", "assignee_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    unit: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(default=False)
    colour: Mapped[str] = mapped_column(String(8))  # red, yellow, green
    state: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    route_reason: Mapped[str | None] = mapped_column(String(64))
    accept_due_at: Mapped[datetime | None]
    resolve_due_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    escalation_level: Mapped[int] = mapped_column(default=0)
    supervised: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    parse: Mapped[dict] = mapped_column(default=dict)  # what the parser understood, for tuning
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CaseEvent(Base):
    """Append-only: every transition, note and escalation of a case."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(default=dict)


class CasePhoto(Base):
    __tablename__ = "case_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    file_ref: Mapped[str] = mapped_column(String(256))
    stage: Mapped[str] = mapped_column(String(16))  # report, resolution
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseFollower(Base):
    """A resident who joined a case (+1) and hears of every change, as the reporter does."""

    __tablename__ = "case_follower"
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelledExample(Base):
    """A resident's own choice of category when the parser was unsure: training data for the next model."""

    __tablename__ = "labelled_example"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    predicted: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
