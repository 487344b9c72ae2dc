"""Everyone's first steps: /start (register to an address, or join as staff by invitation), /help, /lang, /cancel."""
from __future__ import annotations

import re

from bot.core import Button, Reply
from bot.dispatch import Ctx, Router, reply
from bot.services import people
from models import Building, Community

router = Router()
PAGE = 24  # buildings a page of buttons
ROOM_RE = re.compile(r"^[0-9A-Za-z\-]{1,12}$")


def _stale() -> Reply:
    return Reply("errors/stale_button", toast=True)


def building_buttons(bs: list[Building], page: int, *, pick: str, page_to: str) -> list[list[Button]]:
    """Buildings four to a row, PAGE to a page, with previous/next: a county has hundreds."""
    chunk = bs[page * PAGE:(page + 1) * PAGE]
    rows = [[Button("onboarding.building", f"{pick}:{b.id}", {"code": b.code}) for b in chunk[i:i + 4]]
            for i in range(0, len(chunk), 4)]
    nav = []
    if page > 0:
        nav.append(Button("onboarding.prev", f"{page_to}:{page - 1}"))
    if (page + 1) * PAGE < len(bs):
        nav.append(Button("onboarding.next", f"{page_to}:{page + 1}"))
    if nav:
        rows.append(nav)
    return rows


async def _ask(ctx: Ctx, note: str | None = None) -> Reply:
    """Ask the question of the current registration stage (also used to continue after an interruption)."""
    d = ctx.data
    stage = d.get("stage")
    s = ctx.session
    if stage == "community":
        rows = [[Button("onboarding.community", f"reg:c:{c.id}", {"name": c.name if ctx.locale == "zh" else (c.name_en or c.name)})]
                for c in await people.communities(s)]
        return reply("onboarding/ask_community", rows, note=note)
    if stage == "building":
        bs = await people.buildings(s, d["community_id"])
        rows = building_buttons(bs, int(d.get("page", 0)), pick="reg:b", page_to="reg:bp")
        return reply("onboarding/ask_building", rows, note=note)
    if stage == "unit":
        b = await s.get(Building, d["building_id"])
        rows = [[Button("onboarding.unit", f"reg:u:{n}", {"n": n}) for n in range(i, min(i + 4, b.units + 1))]
                for i in range(1, b.units + 1, 4)]
        return reply("onboarding/ask_unit", rows, building=b.code, note=note)
    if stage == "room":
        return reply("onboarding/ask_room", [[Button("onboarding.skip_room", "reg:room:skip")]], note=note)
    if stage == "consent":
        b = await s.get(Building, d["building_id"])
        c = await s.get(Community, b.community_id)
        return reply("onboarding/ask_consent",
                     [[Button("onboarding.consent_yes", "reg:ok"), Button("onboarding.consent_no", "reg:no")]],
                     community=c.name if ctx.locale == "zh" else (c.name_en or c.name),
                     building=b.code, unit=d.get("unit"), room=d.get("room"), note=note)
    ctx.clear_step()
    return reply("errors/stale_button")


async def _begin(ctx: Ctx, moving: bool = False) -> Reply:
    cs = await people.communities(ctx.session)
    if not cs:
        ctx.clear_step()
        return reply("onboarding/no_communities")
    if len(cs) == 1:
        ctx.set_step("reg", stage="building", community_id=cs[0].id, moving=moving)
    else:
        ctx.set_step("reg", stage="community", moving=moving)
    return await _ask(ctx)


@router.command("start", menu=("any",), label="menu.start")
async def start(ctx: Ctx):
    code = ctx.args[0] if ctx.args else ""
    if code.startswith("ev") and len(code) > 2:  # an event's QR code / deep link: check in
        from handlers import points

        return await points.checkin(ctx, code)
    if code:
        staff = await people.join_by_invitation(ctx.session, ctx.identity, code, ctx.now)
        ctx.person = staff
        ctx.menu_dirty = True
        roles = sorted(people.active_roles(staff) - {"resident"})
        return reply("onboarding/staff_joined", name=staff.name, roles=roles)
    if ctx.step == "reg":
        return await _ask(ctx, note="continue")
    if ctx.step:
        return reply("errors/busy", step=ctx.step)
    if people.is_registered(ctx.person):
        place = await people.place_of(ctx.session, ctx.person)
        return reply("onboarding/already", [[Button("onboarding.move", "reg:move")]], place=place,
                     staff=people.is_staff(ctx.person))
    if people.is_staff(ctx.person):
        return reply("onboarding/staff_welcome", [[Button("onboarding.register_home", "reg:move")]],
                     name=ctx.person.name, roles=sorted(people.active_roles(ctx.person)))
    greeting = reply("onboarding/welcome")
    return [greeting, await _begin(ctx)]


@router.action("reg:move")
async def move(ctx: Ctx):
    if ctx.step and ctx.step != "reg":
        return reply("errors/busy", step=ctx.step)
    return await _begin(ctx, moving=True)


def _in_stage(ctx: Ctx, stage: str) -> bool:
    return ctx.step == "reg" and ctx.data.get("stage") == stage


def _int_arg(ctx: Ctx) -> int | None:
    try:
        return int(ctx.args[0])
    except (IndexError, ValueError):
        return None


@router.action("reg:c")
async def pick_community(ctx: Ctx):
    cid = _int_arg(ctx)
    if not _in_stage(ctx, "community") or cid is None or await ctx.session.get(Community, cid) is None:
        return _stale()
    ctx.update_data(stage="building", community_id=cid, page=0)
    return await _ask(ctx)


@router.action("reg:bp")
async def building_page(ctx: Ctx):
    page = _int_arg(ctx)
    if not _in_stage(ctx, "building") or page is None or page < 0:
        return _stale()
    ctx.update_data(page=page)
    r = await _ask(ctx)
    r.edit = True
    return r


@router.action("reg:b")
async def pick_building(ctx: Ctx):
    bid = _int_arg(ctx)
    b = await ctx.session.get(Building, bid) if bid is not None else None
    if not _in_stage(ctx, "building") or b is None or b.community_id != ctx.data.get("community_id"):
        return _stale()
    if b.units <= 1:
        ctx.update_data(stage="room", building_id=b.id, unit="1")
    else:
        ctx.update_data(stage="unit", building_id=b.id)
    return await _ask(ctx)


@router.action("reg:u")
async def pick_unit(ctx: Ctx):
    n = _int_arg(ctx)
    if not _in_stage(ctx, "unit") or n is None:
        return _stale()
    b = await ctx.session.get(Building, ctx.data["building_id"])
    if not 1 <= n <= b.units:
        return _stale()
    ctx.update_data(stage="room", unit=str(n))
    return await _ask(ctx)


@router.action("reg:room")
async def skip_room(ctx: Ctx):
    if not _in_stage(ctx, "room"):
        return _stale()
    ctx.update_data(stage="consent", room=None)
    return await _ask(ctx)


@router.step("reg")
async def reg_text(ctx: Ctx):
    """Typed input during registration: the room number is the only typed answer; otherwise re-ask."""
    text = (ctx.incoming.text or "").strip()
    if ctx.data.get("stage") == "room" and text:
        room = text.replace("室", "").replace("号", "").strip()
        if not ROOM_RE.match(room):
            return await _ask(ctx, note="bad_room")
        ctx.update_data(stage="consent", room=room)
        return await _ask(ctx)
    return await _ask(ctx, note="use_buttons")


@router.action("reg:ok")
async def consent(ctx: Ctx):
    if not _in_stage(ctx, "consent"):
        return _stale()
    d = ctx.data
    was_registered = people.is_registered(ctx.person)
    person = await people.register(ctx.session, ctx.identity, ctx.person, building_id=d["building_id"],
                                   unit=d.get("unit"), room=d.get("room"),
                                   name=ctx.incoming.display_name or ctx.identity.display_name or "", now=ctx.now)
    ctx.person = person
    ctx.clear_step()
    ctx.menu_dirty = True
    place = await people.place_of(ctx.session, person)
    return [reply("onboarding/registered", place=place, moved=was_registered), await _help(ctx)]


@router.action("reg:no")
async def no_consent(ctx: Ctx):
    if not _in_stage(ctx, "consent"):
        return _stale()
    ctx.clear_step()
    return reply("onboarding/not_stored")


async def _help(ctx: Ctx) -> Reply:
    roles = people.active_roles(ctx.person)
    return reply("help/main", registered=people.is_registered(ctx.person), roles=sorted(roles),
                 staff=people.is_staff(ctx.person), sections=ctx.app.renderer.help_sections())


@router.command("help", menu=("any",), label="menu.help")
async def help_(ctx: Ctx):
    return await _help(ctx)


@router.command("lang", menu=("any",), label="menu.lang")
async def lang(ctx: Ctx):
    return reply("common/choose_lang", [[Button("common.lang_zh", "lang:zh"), Button("common.lang_en", "lang:en")]])


@router.action("lang")
async def set_lang(ctx: Ctx):
    code = ctx.args[0] if ctx.args else ""
    if code not in ("zh", "en"):
        return _stale()
    if ctx.person is not None:
        ctx.person.locale = code
    ctx.identity.language_code = code
    ctx.locale = code
    ctx.menu_dirty = True
    return reply("common/lang_set")


@router.command("cancel", menu=("any",), label="menu.cancel")
async def cancel(ctx: Ctx):
    if not ctx.step:
        return reply("common/nothing_to_cancel")
    ctx.clear_step()
    return reply("common/cancelled")
