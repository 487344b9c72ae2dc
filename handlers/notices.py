"""Notices in the chat: /notice composes one (text and photo, audience, urgency, time, preview with the exact count,
send); "Got it" on urgent notices; /notices shows a resident's recent notices and mutes normal ones.

Thin: who may send to whom, the count and the sending live in bot/services/notices.py.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from bot.core import Button, Photo, Reply
from bot.dispatch import Ctx, Router, reply
from bot.services import notices as svc
from bot.services import people
from models import Building, Community, Grid
from models.people import ROLES

router = Router()
STEP = "notice"
AUDIENCE_ROLES = ("grid_worker", "grid_leader", "building_leader", "dept_handler", "coordinator")


def _stale() -> Reply:
    return Reply("errors/stale_button", toast=True)


def _int(ctx: Ctx, i: int = 0) -> int | None:
    try:
        return int(ctx.args[i])
    except (IndexError, ValueError):
        return None


def _at(ctx: Ctx, *stages: str) -> bool:
    return ctx.step == STEP and ctx.data.get("stage") in stages


def _name(obj, locale: str) -> str:
    return (obj.name_en or obj.name) if locale == "en" else obj.name


# -- composing --------------------------------------------------------------------------
@router.command("notice", menu=("coordinator", "grid_leader"), label="notices.menu_notice")
async def notice(ctx: Ctx):
    if ctx.step and ctx.step != STEP:
        return reply("errors/busy", step=ctx.step)
    await svc.scope_of(ctx.session, ctx.person)  # refuses everyone but coordinators and grid leaders
    ctx.set_step(STEP, stage="text")
    return reply("notices/ask_text", limit=svc.config(ctx.app).max_text_chars, note=None)


@router.step(STEP)
async def typed(ctx: Ctx):
    d = ctx.data
    stage = d.get("stage")
    inc = ctx.incoming
    if stage == "text":
        if inc.photo is not None:
            ctx.update_data(photo={"platform": inc.photo.platform, "file_ref": inc.photo.file_ref})
        text = (inc.text or "").strip()
        if not text:
            return reply("notices/ask_text", limit=svc.config(ctx.app).max_text_chars,
                         note="photo_ok" if inc.photo is not None else "need_text")
        limit = svc.config(ctx.app).max_text_chars
        if len(text) > limit:
            return reply("notices/too_long", length=len(text), limit=limit)
        ctx.update_data(text=text, stage="audience")
        return await _ask_audience(ctx)
    if stage == "buildings" and inc.text:
        return await _typed_buildings(ctx, inc.text)
    if stage == "when_at" and inc.text:
        when = svc.parse_when(inc.text, ctx.now, ctx.settings.tz)
        if when is None or when <= ctx.now:
            return reply("notices/bad_time")
        ctx.update_data(send_at=when.isoformat(), stage="preview")
        return await _preview(ctx)
    return reply("notices/use_buttons")


async def _ask_audience(ctx: Ctx) -> Reply:
    scope = await svc.scope_of(ctx.session, ctx.person)
    if scope.coordinator:
        rows = [[Button("notices.aud_all", "n1:aud:all")],
                [Button("notices.aud_community", "n1:aud:community"), Button("notices.aud_grids", "n1:aud:grids")],
                [Button("notices.aud_buildings", "n1:aud:buildings"), Button("notices.aud_role", "n1:aud:role")],
                [Button("notices.aud_care", "n1:aud:care")]]
    else:
        rows = [[Button("notices.aud_my_grid", "n1:aud:mygrid")],
                [Button("notices.aud_buildings", "n1:aud:buildings"), Button("notices.aud_care", "n1:aud:care")]]
    return reply("notices/ask_audience", rows, leader=not scope.coordinator)


@router.action("n1:aud")
async def pick_audience(ctx: Ctx):
    kind = ctx.args[0] if ctx.args else ""
    if not _at(ctx, "audience"):
        return _stale()
    scope = await svc.scope_of(ctx.session, ctx.person)
    s = ctx.session
    if kind in ("all", "care"):
        return await _set_audience(ctx, {"kind": kind})
    if kind == "mygrid" and not scope.coordinator:
        return await _set_audience(ctx, {"kind": "grids", "ids": sorted(scope.grid_ids)})
    if kind == "community" and scope.coordinator:
        q = select(Community).order_by(Community.id)
        if scope.community_ids is not None:
            q = q.where(Community.id.in_(scope.community_ids))
        rows = [[Button("notices.named", f"n1:com:{c.id}", {"name": _name(c, ctx.locale)})] for c in await s.scalars(q)]
        return reply("notices/ask_community", rows)
    if kind == "grids" and scope.coordinator:
        ctx.update_data(stage="grids", grids=[])
        return await _ask_grids(ctx)
    if kind == "role" and scope.coordinator:
        rows = [[Button("notices.role", f"n1:role:{r}", {"role": r})] for r in AUDIENCE_ROLES]
        return reply("notices/ask_role", rows)
    if kind == "buildings":
        ctx.update_data(stage="buildings")
        codes = await _building_codes(ctx, scope)
        return reply("notices/ask_buildings", codes=codes)
    return _stale()


async def _set_audience(ctx: Ctx, audience: dict) -> Reply:
    scope = await svc.scope_of(ctx.session, ctx.person)
    audience = await svc.check_audience(ctx.session, scope, audience)
    ctx.update_data(audience=audience, stage="urgency")
    return reply("notices/ask_urgency", [[Button("notices.normal", "n1:urg:0"), Button("notices.urgent", "n1:urg:1")]])


@router.action("n1:com")
async def pick_community(ctx: Ctx):
    cid = _int(ctx)
    if not _at(ctx, "audience") or cid is None:
        return _stale()
    return await _set_audience(ctx, {"kind": "community", "ids": [cid]})


@router.action("n1:role")
async def pick_role(ctx: Ctx):
    role = ctx.args[0] if ctx.args else ""
    if not _at(ctx, "audience") or role not in ROLES:
        return _stale()
    return await _set_audience(ctx, {"kind": "role", "role": role})


async def _ask_grids(ctx: Ctx) -> Reply:
    scope = await svc.scope_of(ctx.session, ctx.person)
    q = select(Grid).order_by(Grid.id)
    if scope.community_ids is not None:
        q = q.where(Grid.community_id.in_(scope.community_ids))
    chosen = set(ctx.data.get("grids") or [])
    rows = [[Button("notices.toggle", f"n1:g:{g.id}", {"on": g.id in chosen, "name": _name(g, ctx.locale)})]
            for g in await ctx.session.scalars(q)]
    if chosen:
        rows.append([Button("notices.done", "n1:gok")])
    return reply("notices/ask_grids", rows, chosen=len(chosen))


@router.action("n1:g")
async def toggle_grid(ctx: Ctx):
    gid = _int(ctx)
    if not _at(ctx, "grids") or gid is None or await ctx.session.get(Grid, gid) is None:
        return _stale()
    chosen = set(ctx.data.get("grids") or [])
    chosen ^= {gid}
    ctx.update_data(grids=sorted(chosen))
    r = await _ask_grids(ctx)
    r.edit = True
    return r


@router.action("n1:gok")
async def grids_done(ctx: Ctx):
    if not _at(ctx, "grids") or not ctx.data.get("grids"):
        return _stale()
    ctx.update_data(stage="audience")
    return await _set_audience(ctx, {"kind": "grids", "ids": ctx.data["grids"]})


async def _scoped_buildings(ctx: Ctx, scope: svc.Scope) -> list[Building]:
    q = select(Building)
    if scope.community_ids is not None:
        q = q.where(Building.community_id.in_(scope.community_ids))
    if not scope.coordinator:
        q = q.where(Building.grid_id.in_(scope.grid_ids))
    bs = list(await ctx.session.scalars(q))
    return sorted(bs, key=lambda b: (b.community_id, not b.code.isdigit(), int(b.code) if b.code.isdigit() else 0, b.code))


async def _building_codes(ctx: Ctx, scope: svc.Scope) -> list[str]:
    return [b.code for b in await _scoped_buildings(ctx, scope)]


async def _typed_buildings(ctx: Ctx, text: str) -> Reply:
    """'2, 6, B' or '1-4' (号楼/栋/座 allowed) -> the buildings of the author's scope; unknown codes are named."""
    scope = await svc.scope_of(ctx.session, ctx.person)
    by_code: dict[str, list[Building]] = {}
    for b in await _scoped_buildings(ctx, scope):
        by_code.setdefault(b.code.upper(), []).append(b)
    wanted: list[str] = []
    for tok in re.split(r"[,，、\s]+", text.replace("号楼", "").replace("栋", "").replace("座", "").strip()):
        if not tok:
            continue
        m = re.fullmatch(r"(\d+)\s*[-~到至]\s*(\d+)", tok)
        if m and int(m.group(2)) - int(m.group(1)) < 200:
            wanted += [str(i) for i in range(int(m.group(1)), int(m.group(2)) + 1)]
        else:
            wanted.append(tok.upper())
    unknown = [w for w in wanted if w not in by_code]
    if not wanted or unknown:
        return reply("notices/unknown_buildings", unknown=unknown[:20], codes=list(by_code)[:60])
    ids = sorted({b.id for w in wanted for b in by_code[w]})
    return await _set_audience(ctx, {"kind": "buildings", "ids": ids})


@router.action("n1:urg")
async def pick_urgency(ctx: Ctx):
    v = _int(ctx)
    if not _at(ctx, "urgency") or v not in (0, 1):
        return _stale()
    ctx.update_data(urgent=bool(v), stage="when")
    return reply("notices/ask_when", [[Button("notices.now", "n1:when:now"), Button("notices.later", "n1:when:at")]])


@router.action("n1:when")
async def pick_when(ctx: Ctx):
    v = ctx.args[0] if ctx.args else ""
    if not _at(ctx, "when") or v not in ("now", "at"):
        return _stale()
    if v == "at":
        ctx.update_data(stage="when_at")
        return reply("notices/ask_time")
    ctx.update_data(send_at=None, stage="preview")
    return await _preview(ctx)


async def _audience_ctx(ctx: Ctx, audience: dict) -> dict:
    s, kind = ctx.session, audience["kind"]
    names: list[str] = []
    if kind == "community":
        names = [_name(c, ctx.locale) for c in await s.scalars(select(Community).where(Community.id.in_(audience["ids"])))]
    elif kind == "grids":
        names = [_name(g, ctx.locale) for g in await s.scalars(select(Grid).where(Grid.id.in_(audience["ids"])))]
    elif kind == "buildings":
        names = [b.code for b in await s.scalars(select(Building).where(Building.id.in_(audience["ids"])))]
    return {"kind": kind, "names": names, "role": audience.get("role")}


async def _preview(ctx: Ctx) -> Reply:
    d = ctx.data
    scope = await svc.scope_of(ctx.session, ctx.person)
    audience = await svc.check_audience(ctx.session, scope, d["audience"])
    pv = await svc.preview(ctx.session, scope, audience, bool(d.get("urgent")))
    send_at = datetime.fromisoformat(d["send_at"]) if d.get("send_at") else None
    cfg = svc.config(ctx.app)
    at = send_at or ctx.now
    held = (not d.get("urgent") and svc.in_quiet_hours(cfg, at, ctx.settings.tz))
    buttons = [[Button("notices.cancel", "n1:cancel")]]
    if pv.recipients:
        buttons.insert(0, [Button("notices.send", "n1:send")])
    return reply("notices/preview", buttons, text=d["text"], photo=bool(d.get("photo")), urgent=bool(d.get("urgent")),
                 audience=await _audience_ctx(ctx, audience), total=pv.total, recipients=pv.recipients,
                 muted=pv.muted, no_chat=pv.no_chat, send_at=send_at,
                 held_until=svc.quiet_ends(cfg, at, ctx.settings.tz) if held else None)


@router.action("n1:send")
async def send(ctx: Ctx):
    if not _at(ctx, "preview"):
        return _stale()
    d = ctx.data
    scope = await svc.scope_of(ctx.session, ctx.person)
    mid = ctx.incoming.message_id
    progress_ref = ({"platform": ctx.identity.platform, "chat_id": ctx.identity.chat_id, "message_id": mid,
                     "locale": ctx.locale} if mid else None)
    n = await svc.create(ctx.session, author=ctx.person, scope=scope, text=d["text"], audience=d["audience"],
                         urgent=bool(d.get("urgent")), now=ctx.now,
                         send_at=datetime.fromisoformat(d["send_at"]) if d.get("send_at") else None,
                         photo=Photo(**d["photo"]) if d.get("photo") else None, progress_ref=progress_ref,
                         cfg=svc.config(ctx.app))
    ctx.clear_step()
    sender = svc.sender(ctx.app)

    async def wake() -> None:
        sender.wake()

    ctx.after_commit.append(wake)
    r = Reply("notices/progress", await svc.progress_context(ctx.app, ctx.session, n, ctx.now))
    r.edit = True
    return r


@router.action("n1:cancel")
async def cancel(ctx: Ctx):
    if ctx.step != STEP:
        return _stale()
    ctx.clear_step()
    return reply("notices/cancelled")


# -- recipients ---------------------------------------------------------------------------
@router.action("n1:ack")
async def ack(ctx: Ctx):
    nid = _int(ctx)
    if nid is None:
        return _stale()
    _notice, first = await svc.ack(ctx.session, ctx.person, nid, ctx.now)
    return Reply("notices/acked", {"first": first}, toast=True)


@router.command("notices", menu=("resident",), label="notices.menu_notices")
async def mine(ctx: Ctx):
    if ctx.person is None or not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    items = await svc.recent_for(ctx.session, ctx.person, svc.config(ctx.app).recent)
    muted = ctx.person.muted_notices
    btn = Button("notices.unmute", "n1:mute:0") if muted else Button("notices.mute", "n1:mute:1")
    return reply("notices/mine", [[btn]], items=items, muted=muted)


@router.action("n1:mute")
async def mute(ctx: Ctx):
    v = _int(ctx)
    if ctx.person is None or v not in (0, 1):
        return _stale()
    svc.set_muted(ctx.person, bool(v))
    return reply("notices/muted" if v else "notices/unmuted")
