"""Notices (broadcasts by coordinators and grid leaders) and their deliveries: one row a recipient, with state.

A delivery row walks pending -> sending -> sent (or failed / blocked / unreachable / in_doubt); 'sending' is
committed before the platform is called, so a crash leaves a trace of what may have gone out (see services/notices.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Notice(Base):
    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_status_send_at", "status", "send_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    photo: Mapped[dict | None]  # {platform, file_ref}: only recipients on that platform get the photo
    audience: Mapped[dict] = mapped_column(default=dict)  # {"kind": all|community|grids|buildings|role|care, ...}
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled, sending, done, cancelled
    send_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]  # delivery rows written
    finished_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(default=0)  # delivery rows (muted ones included)
    progress_ref: Mapped[dict | None]  # {platform, chat_id, message_id, locale}: the author's preview, edited in place
    progress_at: Mapped[datetime | None]
    care_due_at: Mapped[datetime | None]  # urgent: when unacknowledged residents needing care are listed to workers
    care_listed_at: Mapped[datetime | None]


class NoticeDelivery(Base):
    __tablename__ = "notice_delivery"
    __table_args__ = (
        UniqueConstraint("notice_id", "person_id"),
        Index("ix_notice_delivery_due", "status", "priority", "available_at"),
        Index("ix_notice_delivery_person", "person_id", "notice_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    priority: Mapped[int] = mapped_column(default=1)  # 0 urgent, 1 normal: lower goes first
    # pending, sending, sent, failed, blocked, unreachable, muted, in_doubt, cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the sender run that claimed it
    claimed_until: Mapped[datetime | None]
    sending_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]
    platform: Mapped[str | None] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
