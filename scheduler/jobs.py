"""The time-driven jobs; each calls services and returns. Registered on the app's scheduler at start-up."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.app import App


def register(sched: "AsyncIOScheduler", app: "App") -> None:
    return None
