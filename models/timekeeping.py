"""Timekeeping: every due item (a reminder, a deadline's breach, a ladder step, a snooze, a follow-up, a digest) is a row.

APScheduler only wakes the sweep; the sweep claims rows that are due (index on state, due_at), so its cost follows
what is due, not what is pending, and a restart loses nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class DueItem(Base):
    __tablename__ = "due_item"
    __table_args__ = (
        Index("ix_due_item_due", "state", "due_at"),
        Index("ix_due_item_case", "case_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # remind, breach, ladder, snooze, rate, follow_up, digest_*
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    ref: Mapped[str | None] = mapped_column(String(128), unique=True)  # for items that must exist once (digests)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done, cancelled, skipped, failed
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None]
    payload: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
