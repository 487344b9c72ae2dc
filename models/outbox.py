"""The transactional outbox (messages to third parties, written with the change they report) and leases."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Outbox(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "available_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    template: Mapped[str] = mapped_column(String(128))
    context: Mapped[dict] = mapped_column(default=dict)
    buttons: Mapped[list] = mapped_column(default=list)
    photo: Mapped[dict | None]
    priority: Mapped[int] = mapped_column(default=5)  # lower goes first
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, undeliverable, failed
    attempts: Mapped[int] = mapped_column(default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    sent_ref: Mapped[dict | None]  # {platform, chat_id, message_id}: lets a later change edit it in place


class Lease(Base):
    """A named singleton (a digest run, the delivery pacer) held by one process until it expires."""

    __tablename__ = "lease"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]
