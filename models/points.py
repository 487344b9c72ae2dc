"""Volunteer points: claims, events and check-ins, the append-only ledger with one account row a person
(the lock that keeps a balance from going negative), and the points supermarket (shops, rewards, vouchers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

LEDGER_KINDS = ("earn", "hold", "redeem", "release", "adjust", "expire")


class PointsAccount(Base):
    """A person's cached balance. Every ledger write locks this row first (FOR UPDATE), so two redemptions of one
    person run one after the other; the ledger stays the truth (tests check balance == sum of entries)."""

    __tablename__ = "points_account"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("held >= 0", name="held_not_negative"),
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)  # spendable: sum(ledger.amount)
    held: Mapped[int] = mapped_column(default=0)  # promised to open vouchers: sum(ledger.held)
    leaderboard: Mapped[bool] = mapped_column(default=False)  # opted in to the grid leaderboard
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEntry(Base):
    """Append-only. amount moves the spendable balance, held moves the held bucket:
    earn +n/0, hold -n/+n, release +n/-n, redeem 0/-n, adjust ±n/0, expire -n/0."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_person_at", "person_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(default=0)
    held: Mapped[int] = mapped_column(default=0)
    idem_key: Mapped[str] = mapped_column(String(96), unique=True)  # the same change twice is written once
    activity: Mapped[str | None] = mapped_column(String(32))
    day: Mapped[str | None] = mapped_column(String(10))  # earn: the local day of the work (caps count by it)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_claim.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("points_event.id"))
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemption.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerClaim(Base):
    """What a resident says they did, waiting for their grid worker (or the organiser) to approve, adjust or reject."""

    __tablename__ = "volunteer_claim"
    __table_args__ = (Index("ix_claim_state_grid", "status", "grid_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    activity: Mapped[str] = mapped_column(String(32))
    hours: Mapped[float | None]
    done_on: Mapped[datetime]  # when the work was done (local start of day if no time was said)
    day: Mapped[str] = mapped_column(String(10))  # its local date, YYYY-MM-DD: the hours-a-day limit counts by it
    points: Mapped[int] = mapped_column(default=0)  # what it would earn as claimed
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, approved, rejected
    verify: Mapped[str] = mapped_column(String(16), default="grid_worker")
    text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime | None]
    approved_hours: Mapped[float | None]
    awarded: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    last_reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PointsEvent(Base):
    """An organised event: residents check in during its window; the organiser confirms and all are awarded at once."""

    __tablename__ = "points_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(32), default="event")
    points: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, confirmed
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventCheckin(Base):
    __tablename__ = "event_checkin"
    event_id: Mapped[int] = mapped_column(ForeignKey("points_event.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Shop(Base):
    """The community points supermarket (积分超市) or a named shop that takes vouchers."""

    __tablename__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class ShopKeeper(Base):
    """Who may confirm a voucher's handover at a shop (besides the community's coordinators)."""

    __tablename__ = "shop_keeper"
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)


class Reward(Base):
    """stock is on the shelf; reserved is promised to open vouchers. Both locked with the reward row."""

    __tablename__ = "reward"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= stock", name="reserved_within_stock"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    cost: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Redemption(Base):
    """A voucher: points held when issued, debited when the shopkeeper confirms the handover, released otherwise."""

    __tablename__ = "redemption"
    __table_args__ = (Index("ix_redemption_status_exp", "status", "expires_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("reward.id"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"))
    points: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="held")  # held, redeemed, cancelled, expired
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    qr_file: Mapped[str | None] = mapped_column(String(128))
