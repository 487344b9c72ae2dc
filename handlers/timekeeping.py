"""Buttons on reminders: snooze (in 1 h, tomorrow 9:00, or a time said in plain words), the resident's answer to
"is it still fixed?", and the digest's shortcut to the queue. Rights are checked in bot/services/timekeeping.py."""
from __future__ import annotations

from bot.core import Reply
from bot.dispatch import Ctx, Refused, Router, reply
from bot.services import timekeeping
from models import Case

router = Router()


def _stale() -> Reply:
    return Reply("errors/stale_button", toast=True)


def _int(ctx: Ctx, i: int) -> int | None:
    try:
        return int(ctx.args[i])
    except (IndexError, ValueError):
        return None


def _tz(ctx: Ctx):
    return timekeeping.config(ctx.app.routing).calendar.tz


async def _snoozed(ctx: Ctx, case_id: int, until) -> Reply:
    case = await timekeeping.snooze(ctx.session, ctx.app, case_id, ctx.person, until, ctx.now)
    deadline = case.accept_due_at if case.state in timekeeping.AWAITING_ACCEPT else case.resolve_due_at
    return reply("timekeeping/snooze_ok", case={"id": case.id}, until=until, deadline=deadline)


@router.action("t1:sn")
async def snooze(ctx: Ctx):
    cid = _int(ctx, 0)
    choice = ctx.args[1] if len(ctx.args) > 1 else ""
    if cid is None or choice not in ("1h", "tm", "ask"):
        return _stale()
    if choice == "ask":
        case = await ctx.session.get(Case, cid)
        if case is None:
            return _stale()
        from bot.services import cases

        await cases.require_handler(ctx.session, ctx.person, case)
        ctx.set_step("snooze", case_id=cid)
        return reply("timekeeping/snooze_ask", case_id=cid)
    return await _snoozed(ctx, cid, timekeeping.snooze_choice(choice, ctx.now, _tz(ctx)))


@router.step("snooze")
async def snooze_text(ctx: Ctx):
    text = (ctx.incoming.text or "").strip()
    if not text:
        return reply("errors/expected_text")
    until = timekeeping.parse_snooze(text, ctx.now, _tz(ctx))
    if until is None:
        return reply("timekeeping/snooze_bad")  # the step stays: they can say it again, or /cancel
    try:  # the service refuses before it writes anything, so answering here is safe
        out = await _snoozed(ctx, ctx.data.get("case_id"), until)
    except Refused as r:
        if r.template != "timekeeping/snooze_bad":  # a time out of range: they may say another one
            ctx.clear_step()
        return reply(r.template, **r.context)
    ctx.clear_step()
    return out


@router.action("t1:fu")
async def still_fixed(ctx: Ctx):
    cid = _int(ctx, 0)
    answer = ctx.args[1] if len(ctx.args) > 1 else ""
    if cid is None or answer not in ("y", "n") or ctx.person is None:
        return _stale()
    reason = ctx.app.renderer.label("timekeeping.reopen_reason", ctx.locale)
    case, template = await timekeeping.follow_up_answer(ctx.session, ctx.app, cid, ctx.person, answer == "y",
                                                        reason, ctx.now)
    from bot.services import cases

    return reply(template, case=await cases.view(ctx.session, case, ctx.person))


@router.action("t1:queue")
async def open_queue(ctx: Ctx):
    from handlers.worker import queue

    return await queue(ctx)
