"""Wiring in one place: settings -> database, renderer, router, dispatcher, outbox, channels, scheduler."""
from __future__ import annotations

import gc
import logging
from functools import cached_property

from bot.channels.base import Channel
from bot.clock import Clock
from bot.db import make_engine, make_sessionmaker, migrate
from bot.dispatch import Dispatcher
from bot.render import Renderer
from bot.services.orgcache import OrgCache
from bot.services.outbox import OutboxWorker
from bot.services.pacer import Pacer, Unpaced
from bot.settings import Settings

log = logging.getLogger("gridbot.app")


def tune_gc() -> None:
    """For the long-running bot, once started: what start-up made (modules, templates, the parser's model, the
    org cache) is frozen out of the cycle collector's sight, so its full collections walk only what came later.
    The collection thresholds stay CPython's: measured over 3,000 presses, a young generation of 20,000 spent
    39 us of collection per press against 21 us at the default 700 (bench/intake.py figures moved within the
    run-to-run spread either way)."""
    gc.collect()
    gc.freeze()


class App:
    def __init__(self, settings: Settings, clock: Clock | None = None):
        from handlers import get_router

        self.settings = settings
        self.clock = clock or Clock()
        self.engine = make_engine(settings.db_url)
        self.org = OrgCache()
        self.sessionmaker = make_sessionmaker(self.engine, org=self.org)
        self.renderer = Renderer(settings.templates_dir, settings.tz, settings.default_locale)
        self.router = get_router()
        self.dispatcher = Dispatcher(self)
        self.outbox = OutboxWorker(self)
        self.channels: dict[str, Channel] = {}
        self._pacers: dict[str, Pacer] = {}
        self.scheduler = None
        self.renderer.category_names = {cid: dict(c.names) for cid, c in self.taxonomy.categories.items()}

    # -- configuration shipped as data ----------------------------------------
    @cached_property
    def routing(self):
        from bot.services.routing import load_routing

        return load_routing(self.settings.routing_file)

    @cached_property
    def taxonomy(self):
        from bot.services.nlu import load_taxonomy

        return load_taxonomy(override_path=self.settings.taxonomy_override)

    def pacer(self, platform: str) -> Pacer:
        p = self._pacers.get(platform)
        if p is None:
            p = self._pacers[platform] = (
                Pacer(self.settings.send_rate_per_s) if platform == "telegram" else Unpaced()
            )
        return p

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    # -- life cycle -------------------------------------------------------------
    async def prepare(self) -> None:
        """Migrate the database and, where configured, load the demo community or the org file."""
        await migrate(self.engine)
        from bot.services.org import DEMO_FILE, import_org

        files = []
        if self.settings.demo_on:
            files.append(DEMO_FILE)
        if self.settings.org_file:
            files.append(self.settings.org_file)
        for f in files:
            async with self.sessionmaker() as s, s.begin():
                rep = await import_org(s, f, self.clock.now())
            log.info("org imported", extra={"file": str(f), "people": rep.staff + rep.residents})
        self.org.clear()

    async def start(self, scheduler: bool = True) -> None:
        for ch in self.channels.values():
            await ch.start()
        await self.outbox.start()
        from scheduler import notices_jobs

        await notices_jobs.start_sender(self)
        if scheduler:
            from scheduler import build_scheduler

            self.scheduler = build_scheduler(self)
            self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        from scheduler import notices_jobs

        await notices_jobs.stop_sender(self)
        await self.outbox.stop()
        for ch in self.channels.values():
            try:
                await ch.stop()
            except Exception:
                log.exception("channel stop failed")
        await self.engine.dispose()

    def wake_outbox(self) -> None:
        self.outbox.wake()

    async def update_menu(self, platform: str, chat_id: str, person, locale: str) -> None:
        from bot.services.people import active_roles

        ch = self.channels.get(platform)
        if ch is None:
            return
        try:
            items = self.router.menu_for(active_roles(person))
            cmds = [(c, self.renderer.label(label, locale)) for c, label in items]
            await ch.set_menu(chat_id, cmds)
        except Exception:
            log.exception("menu update failed")
