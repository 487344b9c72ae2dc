"""What grid workers and department handlers do with their cases: accept, report progress, resolve with a note and
photo, ask for help, escalate to a department (吹哨), hand back; /queue lists their open cases by colour and age."""
from __future__ import annotations

from sqlalchemy import select

from bot.core import Button, Reply
from bot.dispatch import Ctx, Router, reply
from bot.services import cases, people
from models import Case, Department

router = Router()
STAFF = ("grid_worker", "grid_leader", "building_leader", "dept_handler", "coordinator")
MAX_PHOTOS = 5


def _stale() -> Reply:
    return Reply("errors/stale_button", toast=True)


def _id(ctx: Ctx, i: int = 0) -> int | None:
    try:
        return int(ctx.args[i])
    except (IndexError, ValueError):
        return None


async def _card(ctx: Ctx, case: Case, template: str = "cases/card", **extra) -> Reply:
    r = await cases.worker_card(ctx.session, case, ctx.person, template, **extra)
    r.edit = True
    return r


@router.command("queue", menu=STAFF, label="cases.menu_queue")
async def queue(ctx: Ctx):
    if not people.is_staff(ctx.person):
        return reply("errors/not_allowed")
    rows = await cases.queue(ctx.session, ctx.person)
    if not rows:
        return reply("cases/queue_empty")
    items = [await cases.view(ctx.session, c, ctx.person) for c in rows]
    buttons = [[Button("cases.view", f"c1:view:{c.id}", {"id": c.id})] for c in rows[:10]]
    return reply("cases/queue", buttons, cases=items, now=ctx.now)


@router.action("c1:acc")
async def accept(ctx: Ctx):
    cid = _id(ctx)
    if cid is None:
        return _stale()
    case = await cases.accept(ctx.session, cid, ctx.person, ctx.now)
    return await _card(ctx, case, "cases/accepted_ok")


@router.action("c1:prog")
async def progress_ask(ctx: Ctx):
    cid = _id(ctx)
    case = await ctx.session.get(Case, cid) if cid else None
    if case is None:
        return _stale()
    await cases.require_handler(ctx.session, ctx.person, case)
    if not cases.can(case, "progress"):
        return reply("cases/illegal_transition", case_id=case.id, state=case.state, action="progress")
    ctx.set_step("progress", case_id=case.id)
    return reply("cases/ask_progress_note", case_id=case.id)


@router.step("progress")
async def progress_note(ctx: Ctx):
    text = (ctx.incoming.text or "").strip()
    if not text:
        return reply("errors/expected_text")
    case = await cases.progress(ctx.session, ctx.data["case_id"], ctx.person, text[:1000], ctx.now)
    ctx.clear_step()
    return reply("cases/progress_ok", case_id=case.id)


@router.action("c1:res")
async def resolve_ask(ctx: Ctx):
    cid = _id(ctx)
    case = await ctx.session.get(Case, cid) if cid else None
    if case is None:
        return _stale()
    await cases.require_handler(ctx.session, ctx.person, case)
    if not cases.can(case, "resolve"):
        return reply("cases/illegal_transition", case_id=case.id, state=case.state, action="resolve")
    ctx.set_step("resolve", case_id=case.id, note="", photos=[])
    return reply("cases/ask_resolution", case_id=case.id)


def _resolution_card(ctx: Ctx, note: str | None = None) -> Reply:
    d = ctx.data
    rows = [[Button("cases.resolve_confirm", f"c1:resok:{d['case_id']}")], [Button("cases.resolve_abort", "c1:resno")]]
    return reply("cases/resolution_draft", rows, case_id=d["case_id"], text=d.get("note") or "",
                 photos=len(d.get("photos") or []), note=note)


@router.step("resolve")
async def resolve_input(ctx: Ctx):
    inc = ctx.incoming
    d = ctx.data
    if inc.photo is not None:
        photos = list(d.get("photos") or [])
        if len(photos) >= MAX_PHOTOS:
            return _resolution_card(ctx, note="too_many_photos")
        photos.append([inc.photo.platform, inc.photo.file_ref])
        ctx.update_data(photos=photos)
        if inc.text and inc.text.strip():
            ctx.update_data(note=inc.text.strip()[:1000])
        return _resolution_card(ctx)
    if inc.text and inc.text.strip():
        ctx.update_data(note=inc.text.strip()[:1000])
        return _resolution_card(ctx)
    return reply("errors/expected_text")


@router.action("c1:resok")
async def resolve_confirm(ctx: Ctx):
    cid = _id(ctx)
    d = ctx.data
    if ctx.step != "resolve" or d.get("case_id") != cid:
        return _stale()
    if not (d.get("note") or "").strip():
        return _resolution_card(ctx, note="note_needed")
    case = await cases.resolve(ctx.session, cid, ctx.person, d["note"], [tuple(p) for p in d.get("photos") or []],
                               ctx.now)
    ctx.clear_step()
    return await _card(ctx, case, "cases/resolved_ok")


@router.action("c1:resno")
async def resolve_abort(ctx: Ctx):
    if ctx.step != "resolve":
        return _stale()
    ctx.clear_step()
    return reply("common/cancelled")


@router.action("c1:help")
async def ask_help(ctx: Ctx):
    cid = _id(ctx)
    if cid is None:
        return _stale()
    case = await cases.request_help(ctx.session, cid, ctx.person, ctx.now)
    return reply("cases/help_sent", case_id=case.id)


@router.action("c1:esc")
async def escalate_pick(ctx: Ctx):
    cid = _id(ctx)
    case = await ctx.session.get(Case, cid) if cid else None
    if case is None:
        return _stale()
    await cases.require_handler(ctx.session, ctx.person, case)
    if not cases.can(case, "escalate"):
        return reply("cases/illegal_transition", case_id=case.id, state=case.state, action="escalate")
    deps = list(await ctx.session.scalars(select(Department).order_by(Department.id)))
    suggested = next((d.id for d in deps if case.category in (d.categories or [])), None)
    rows = [[Button("cases.department", f"c1:escd:{case.id}:{d.id}",
                    {"name": d.name if ctx.locale == "zh" else (d.name_en or d.name), "suggested": d.id == suggested})]
            for d in deps]
    return reply("cases/ask_department", rows, case_id=case.id)


@router.action("c1:escd")
async def escalate(ctx: Ctx):
    cid, did = _id(ctx), _id(ctx, 1)
    if cid is None or did is None:
        return _stale()
    case = await cases.escalate(ctx.session, cid, ctx.person, did, ctx.now)
    return reply("cases/escalated_ok", case=await cases.view(ctx.session, case, ctx.person))


@router.action("c1:back")
async def hand_back(ctx: Ctx):
    cid = _id(ctx)
    if cid is None:
        return _stale()
    case = await cases.hand_back(ctx.session, ctx.app, cid, ctx.person, ctx.now)
    return reply("cases/handed_back_ok", case_id=case.id)
