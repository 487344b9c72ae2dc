"""`gridbot notice …`: send a notice from the command line (operators), list notices, cancel one, and run the
notice sender in the foreground until nothing is due (`deliver`, also what bench/broadcast.py runs and kills).

Audiences: all | community:<code> | grid:<code>[,<code>…] | building:<code>[,<code>…] (with --community when there are
several communities) | role:<role> | care.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from sqlalchemy import select

from bot.dispatch import Refused


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridbot notice", description="Notices: broadcast to residents.")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("send", help="queue a notice (the running bot delivers it, or `gridbot notice deliver`)")
    s.add_argument("--text", required=True, help="the notice's words (use @file.txt to read them from a file)")
    s.add_argument("--audience", required=True,
                   help="all | community:CODE | grid:CODE[,CODE] | building:CODE[,CODE] | role:ROLE | care")
    s.add_argument("--community", help="community code: limits the audience (required for building: with several)")
    s.add_argument("--urgent", action="store_true", help="urgent: a 'Got it' button, ignores quiet hours and mutes")
    s.add_argument("--at", help="send later, local time 'YYYY-MM-DD HH:MM' (or 'HH:MM')")
    s.add_argument("--as", dest="author", help="staff key of the author (gets the progress report)")
    s.add_argument("--dry-run", action="store_true", help="only print how many people it would reach")
    sub.add_parser("list", help="recent notices with their counts")
    c = sub.add_parser("cancel", help="cancel a scheduled or sending notice")
    c.add_argument("id", type=int)
    d = sub.add_parser("deliver", help="run the notice sender (and the outbox) until nothing is due, then exit")
    d.add_argument("--forever", action="store_true", help="keep running (like the bot's own sender)")
    d.add_argument("--config", help="a notices YAML to use instead of bot/defaults/notices.yaml")
    return p


def main(argv: list[str], settings) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_main(args, settings))
    except CliError as e:
        print(f"gridbot notice: {e}", file=sys.stderr)
        return 2


class CliError(Exception):
    pass


async def _main(args, settings) -> int:
    from bot.app import App
    from bot.db import migrate

    app = App(settings)
    await migrate(app.engine)
    try:
        if args.action == "send":
            return await _send(app, args)
        if args.action == "list":
            return await _list(app)
        if args.action == "cancel":
            return await _cancel(app, args.id)
        if args.config:
            from bot.services import notices as svc

            app.notices_config = svc.load_config(args.config)
        return await _deliver(app, args.forever)
    finally:
        await app.engine.dispose()


async def _audience(s, spec: str, community_code: str | None) -> tuple[dict, set[int] | None]:
    from models import Building, Community, Grid

    community_ids = None
    if community_code:
        cid = await s.scalar(select(Community.id).where(Community.code == community_code))
        if cid is None:
            raise CliError(f"--community: unknown community {community_code!r}")
        community_ids = {cid}
    kind, _, rest = spec.partition(":")
    codes = [c.strip() for c in rest.split(",") if c.strip()]
    if kind in ("all", "care"):
        return {"kind": kind}, community_ids
    if kind == "community":
        ids = list(await s.scalars(select(Community.id).where(Community.code.in_(codes))))
        if not codes or len(ids) != len(codes):
            raise CliError(f"--audience: unknown community in {rest!r}")
        return {"kind": "community", "ids": ids}, community_ids
    if kind in ("grid", "grids"):
        ids = list(await s.scalars(select(Grid.id).where(Grid.code.in_(codes))))
        if not codes or len(ids) != len(codes):
            raise CliError(f"--audience: unknown grid in {rest!r}")
        return {"kind": "grids", "ids": ids}, community_ids
    if kind in ("building", "buildings"):
        q = select(Building).where(Building.code.in_(codes))
        if community_ids:
            q = q.where(Building.community_id.in_(community_ids))
        bs = list(await s.scalars(q))
        if len({b.community_id for b in bs}) > 1:
            raise CliError("--audience: these building codes exist in several communities; add --community")
        if not codes or len(bs) != len(codes):
            raise CliError(f"--audience: unknown building in {rest!r}")
        return {"kind": "buildings", "ids": [b.id for b in bs]}, community_ids
    if kind == "role":
        return {"kind": "role", "role": rest}, community_ids
    raise CliError(f"--audience: unknown kind {kind!r}")


async def _send(app, args) -> int:
    from bot.services import notices as svc
    from models import Person

    text = args.text
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as f:
            text = f.read()
    now = app.clock.now()
    async with app.sessionmaker() as s, s.begin():
        audience, cids = await _audience(s, args.audience, args.community)
        author = None
        if args.author:
            author = await s.scalar(select(Person).where(Person.key == args.author))
            if author is None:
                raise CliError(f"--as: unknown staff key {args.author!r}")
        scope = svc.Scope(coordinator=True, community_ids=cids)
        send_at = None
        if args.at:
            at = args.at.strip()
            when = svc.parse_when(at, now, app.settings.tz)
            if when is None or when <= now:
                raise CliError(f"--at: not a future local time: {at!r}")
            send_at = when
        try:
            audience = await svc.check_audience(s, scope, audience)
            if args.dry_run:
                pv = await svc.preview(s, scope, audience, args.urgent)
                print(f"recipients: {pv.recipients} (reached by the audience: {pv.total}, muted: {pv.muted}, "
                      f"no reachable chat: {pv.no_chat})")
                return 0
            n = await svc.create(s, author=author, scope=scope, text=text, audience=audience, urgent=args.urgent,
                                 now=now, send_at=send_at, cfg=svc.config(app))
        except Refused as r:
            raise CliError(app.renderer.text(r.template, r.context, "en")) from None
        await s.flush()
        if n.status == "scheduled":
            print(f"notice #{n.id} scheduled for {app.renderer.local(n.send_at):%Y-%m-%d %H:%M}")
        else:
            print(f"notice #{n.id} queued for {n.total} recipients")
    return 0


async def _list(app) -> int:
    from bot.services import notices as svc
    from models.notices import Notice

    async with app.sessionmaker() as s:
        for n in await s.scalars(select(Notice).order_by(Notice.id.desc()).limit(20)):
            c = await svc.counts(s, n.id)
            first = n.text.splitlines()[0][:40] if n.text else ""
            print(f"#{n.id} {n.status:9} {'URGENT ' if n.urgent else ''}{app.renderer.local(n.send_at):%Y-%m-%d %H:%M} "
                  f"sent={c['sent']} failed={c['failed']} in_doubt={c['in_doubt']} remaining={c['remaining']} "
                  f"muted={c['muted']} acked={c['acked']}  {first}")
    return 0


async def _cancel(app, nid: int) -> int:
    from sqlalchemy import update

    from models.notices import Notice, NoticeDelivery

    async with app.sessionmaker() as s, s.begin():
        n = await s.get(Notice, nid)
        if n is None or n.status not in ("scheduled", "sending"):
            raise CliError(f"notice #{nid} is not scheduled or sending")
        n.status, n.finished_at = "cancelled", app.clock.now()
        await s.execute(update(NoticeDelivery).where(NoticeDelivery.notice_id == nid,
                                                     NoticeDelivery.status == "pending").values(status="cancelled"))
    print(f"notice #{nid} cancelled")
    return 0


async def _deliver(app, forever: bool) -> int:
    """The sender in the foreground, with the outbox (the final reports) and the Telegram channel, send-only."""
    from bot import logs
    from bot.services import notices as svc

    logs.setup(app.settings.log_level)
    if app.settings.telegram_token:
        from bot.channels.telegram import TelegramChannel

        app.add_channel(TelegramChannel(app))  # not started: we only send, the running bot receives
    sender = svc.sender(app)
    try:
        if forever:
            await app.outbox.start()
            await sender.start()
            await asyncio.Event().wait()
        while True:
            n = await sender.drain()
            await app.outbox.drain()
            async with app.sessionmaker() as s:
                from models.notices import Notice

                left = await s.scalar(select(Notice.id).where(Notice.status.in_(("sending",))).limit(1))
            if left is None:
                break
            if n == 0:  # rows wait (retry_after, backoff, quiet hours, or another process holds the lease)
                await asyncio.sleep(0.5)
    finally:
        for ch in app.channels.values():
            await ch.stop()
    return 0

