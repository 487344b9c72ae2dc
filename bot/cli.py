"""The `gridbot` command: run the bot, migrate, import an org file, parse messages, export residents' labels, send
notices."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.settings import SettingsError, load_settings

log = logging.getLogger("gridbot")


def _settings():
    try:
        return load_settings()
    except SettingsError as e:
        print(f"gridbot: wrong setting: {e}", file=sys.stderr)
        raise SystemExit(2) from None


async def _run(settings) -> None:
    from bot.app import App, tune_gc

    app = App(settings)
    await app.prepare()
    if settings.telegram_token:
        from bot.channels.telegram import TelegramChannel

        app.add_channel(TelegramChannel(app))
    if settings.web_on:
        from bot.channels.web import WebChannel

        app.add_channel(WebChannel(app, settings.web_host, settings.web_port))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - Windows
            pass
    try:
        await app.start()
    except SettingsError as e:  # e.g. Telegram refuses the token or the webhook
        print(f"gridbot: wrong setting: {e}", file=sys.stderr)
        await app.stop()
        raise SystemExit(2) from None
    if settings.web_on:
        print(f"Gridbot web chat: http://{settings.web_host}:{settings.web_port}/", flush=True)
    tune_gc()
    await stop.wait()
    await app.stop()


async def _db(settings, down: str | None) -> None:
    from bot.db import make_engine, migrate

    engine = make_engine(settings.db_url)
    if down:
        await migrate(engine, down, down=True)
    else:
        await migrate(engine)
    await engine.dispose()


async def _org_import(settings, path: Path) -> int:
    from bot.clock import Clock
    from bot.db import make_engine, make_sessionmaker, migrate
    from bot.services.org import OrgError, import_org

    engine = make_engine(settings.db_url)
    await migrate(engine)
    try:
        async with make_sessionmaker(engine)() as s, s.begin():
            rep = await import_org(s, path, Clock().now())
    except OrgError as e:
        print(f"gridbot: {e}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"imported {rep.communities} communities, {rep.grids} grids, {rep.buildings} buildings, "
          f"{rep.departments} departments, {rep.staff} staff, {rep.residents} residents")
    for key, code in sorted(rep.invitations.items()):
        print(f"  invite {key}: /start {code}")
    return 0


async def _labels_export(settings, out: Path | None, since: str | None) -> int:
    """Residents' own choices of category (kept when the parser was unsure or wrong) as labelled JSON lines in the
    contract's format, ready for `python -m bot.services.nlu.train --extra FILE`. The latest choice for a text wins;
    phone numbers are masked, as in the logs."""
    import json
    from datetime import datetime

    from sqlalchemy import select

    from bot.db import make_engine, make_sessionmaker, migrate
    from bot.services.nlu.text import mask_phones
    from models import LabelledExample

    q = select(LabelledExample).order_by(LabelledExample.id)
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            print(f"gridbot: --since wants a date like 2026-11-01, not {since!r}", file=sys.stderr)
            return 2
        q = q.where(LabelledExample.created_at >= (start if start.tzinfo else start.replace(tzinfo=settings.tz)))
    engine = make_engine(settings.db_url)
    await migrate(engine)
    try:
        async with make_sessionmaker(engine)() as s:
            latest: dict[str, str] = {}
            for ex in await s.scalars(q):
                text = mask_phones(ex.text).strip()
                if text:
                    latest.pop(text, None)  # a later choice for the same words replaces the earlier one, in its place
                    latest[text] = ex.category
    finally:
        await engine.dispose()
    lines = [json.dumps({"text": t, "intent": "report", "category": c}, ensure_ascii=False) for t, c in latest.items()]
    body = "".join(line + "\n" for line in lines)
    if out is None:
        sys.stdout.write(body)
    else:
        out.write_text(body, encoding="utf-8")
    print(f"exported {len(lines)} labelled lines" + (f" to {out}" if out else ""), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(prog="gridbot", description="Gridbot: the chat front desk of community grid governance.")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run", help="run the bot (web chat on 127.0.0.1:8080 when there is no Telegram token)")
    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default=None, help="for downgrade: target revision (e.g. base)")
    org = sub.add_parser("org", help="organisation data")
    org.add_argument("action", choices=["import"])
    org.add_argument("file", type=Path)
    labels = sub.add_parser("labels", help="residents' own category choices, for retraining the parser")
    labels.add_argument("action", choices=["export"])
    labels.add_argument("--out", type=Path, default=None, help="a JSONL file (default: standard output)")
    labels.add_argument("--since", default=None, help="only choices made on or after this date (2026-11-01)")
    sub.add_parser("parse", help="parse JSON lines of resident messages (see --help)", add_help=False)
    sub.add_parser("notice", help="send a notice from the command line (see --help)", add_help=False)
    if argv and argv[0] in ("parse", "notice"):
        if argv[0] == "parse":
            from bot.services.nlu.cli import main as parse_main

            return parse_main(argv[1:])
        from bot.services.notices_cli import main as notice_main

        return notice_main(argv[1:], _settings())
    args = p.parse_args(argv)
    settings = _settings()
    from bot import logs

    logs.setup(settings.log_level)
    if args.cmd == "run":
        asyncio.run(_run(settings))
        return 0
    if args.cmd == "db":
        asyncio.run(_db(settings, args.revision or "base" if args.action == "downgrade" else None))
        return 0
    if args.cmd == "org":
        return asyncio.run(_org_import(settings, args.file))
    if args.cmd == "labels":
        return asyncio.run(_labels_export(settings, args.out, args.since))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
