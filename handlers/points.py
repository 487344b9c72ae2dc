"""Volunteer points in the chat: claims (typed or from the free-text intake), their verification by grid workers,
events with check-in codes, /points, the points supermarket and its vouchers, adjustments, the leaderboard.
Thin: the rules and every check live in bot/services/points.py."""
from __future__ import annotations

import dataclasses
import logging
import re
import secrets
from datetime import date

from bot.core import Button, Photo, Reply
from bot.dispatch import Ctx, Refused, Router, reply
from bot.services import people
from bot.services import points as svc
from models import Person
from models.points import PointsEvent, Reward, Shop, VolunteerClaim

router = Router()
log = logging.getLogger("gridbot.points")
STAFF = ("grid_worker", "grid_leader", "coordinator")


def _stale() -> Reply:
    return Reply("errors/stale_button", toast=True)


def _int_arg(ctx: Ctx, i: int = 0) -> int | None:
    try:
        return int(ctx.args[i])
    except (IndexError, ValueError):
        return None


def _local_now(ctx: Ctx):
    return ctx.now.astimezone(ctx.settings.tz)


def _named_activity(text: str) -> str | None:
    """The activity the words name; None when nothing matched (the parser's fallback `other` is then a guess)."""
    from bot.services.nlu import get_taxonomy
    from bot.services.nlu.core import match_activity
    from bot.services.nlu.text import normalise

    act, evidence = match_activity(normalise(text), get_taxonomy())  # activities come from points.yaml only
    return act if evidence else None


def _parse(ctx: Ctx, text: str, claim: bool = False):
    """The shared plain-language parser (bot.services.nlu), with `now` in local time so 今天 means today here.
    claim=True (after /claim): the person told us it is a claim, so read the activity, hours and day even when
    the parser's intent model thinks otherwise; an activity not named at all is asked, not guessed as `other`."""
    from bot.services.nlu import parse

    now = _local_now(ctx)
    p = parse(text, now, ctx.locale)
    if claim:
        from bot.services.nlu.numerals import parse_hours
        from bot.services.nlu.text import normalise
        from bot.services.nlu.times import resolve_when

        norm = normalise(text)
        p = dataclasses.replace(p, activity=_named_activity(text),
                                hours=p.hours if p.hours is not None else parse_hours(norm)[0],
                                when=p.when or resolve_when(norm, now)[0])
    return p


# -- claims ---------------------------------------------------------------------------------------------------------
async def start_claim(ctx: Ctx, parsed) -> Reply | list[Reply]:
    """Called by the free-text intake when the parser says `volunteer_claim` (and by /claim): show what the claim
    would be and earn, and wait for one tap to submit. Unclear parts are asked, impossible ones refused."""
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    rules, tz = svc.rules_of(ctx.app), ctx.settings.tz
    text = ctx.incoming.text or ""
    hours = getattr(parsed, "hours", None)
    if hours is None:
        said = svc.hours_said(text)
        if said is not None and said > 24:  # the parser drops impossible hours; the resident deserves an answer
            raise Refused("points/too_many_hours", hours=said, limit=rules.caps.max_hours_per_day)
    when = getattr(parsed, "when", None)
    day = (when.astimezone(tz) if when.tzinfo else when).date() if when else svc.local_day(ctx.now, tz)
    activity = getattr(parsed, "activity", None)
    if activity == "other" and text and _named_activity(text) is None:
        activity = None  # ask rather than file it under the catch-all
    ctx.set_step("pts_claim", activity=activity if rules.activity(activity) else None, hours=hours,
                 day=day.isoformat(), text=text[:500])
    return await _continue_claim(ctx)


async def _continue_claim(ctx: Ctx, note: str | None = None) -> Reply:
    rules = svc.rules_of(ctx.app)
    d = ctx.data
    rule = rules.activity(d.get("activity"))
    if rule is None:
        rows = [[Button("points.activity", f"p1:act:{a.id}", a.title()) for a in list(rules.activities.values())[i:i + 3]]
                for i in range(0, len(rules.activities), 3)]
        rows.append([Button("points.cancel", "p1:can")])
        return reply("points/ask_activity", rows, note=note)
    if rule.per_hour and not d.get("hours"):
        return reply("points/ask_hours", [[Button("points.cancel", "p1:can")]], activity=rule.title(), note=note)
    draft = await svc.check_claim(ctx.session, rules, ctx.person, rule.id, d.get("hours"),
                                  date.fromisoformat(d["day"]), ctx.now, ctx.settings.tz)
    return reply("points/claim_preview",
                 [[Button("points.submit", "p1:sub"), Button("points.cancel", "p1:can")]],
                 activity=rule.title(), hours=draft.hours, day=draft.day.isoformat(), points=draft.points,
                 raw_points=draft.raw_points, per_hour=rule.per_hour, verify=rule.verify, note=note)


def _typed_hours(text: str) -> float | None:
    """Hours typed as an answer: '2', '2.5', '两个小时', '3 hours'."""
    t = text.strip().lower().replace("，", ",")
    try:
        return float(t)
    except ValueError:
        pass
    said = svc.hours_said(t)
    if said is not None:
        return said
    from bot.services.nlu.numerals import parse_hours, to_number
    from bot.services.nlu.text import normalise

    h, _ = parse_hours(normalise(t))
    if h is not None:
        return h
    n = to_number(t.rstrip("个小时钟头 "))
    return float(n) if n is not None else None


@router.command("claim", menu=("resident",), label="points.menu_claim")
async def claim_cmd(ctx: Ctx):
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    if ctx.step and ctx.step not in ("pts_claim", "pts_claim_text"):
        return reply("errors/busy", step=ctx.step)
    if ctx.args:
        return await start_claim(ctx, _parse(ctx, ctx.args[0], claim=True))
    ctx.set_step("pts_claim_text")
    return reply("points/ask_claim_text", [[Button("points.cancel", "p1:can")]])


@router.step("pts_claim_text")
async def claim_text(ctx: Ctx):
    text = (ctx.incoming.text or "").strip()
    if not text:
        return reply("errors/expected_text")
    return await start_claim(ctx, _parse(ctx, text, claim=True))


@router.step("pts_claim")
async def claim_step(ctx: Ctx):
    """Typed text while a claim waits: the hours asked for, or a new description of the work."""
    text = (ctx.incoming.text or "").strip()
    if not text:
        return reply("errors/expected_text")
    rules = svc.rules_of(ctx.app)
    rule = rules.activity(ctx.data.get("activity"))
    if rule is not None and rule.per_hour and not ctx.data.get("hours"):
        h = _typed_hours(text)
        if h is not None:
            if h <= 0:
                raise Refused("points/no_hours")
            if h > 24:
                raise Refused("points/too_many_hours", hours=h, limit=rules.caps.max_hours_per_day)
            ctx.update_data(hours=h)
            return await _continue_claim(ctx)
    parsed = _parse(ctx, text, claim=True)
    if parsed.intent == "volunteer_claim" or (parsed.activity and rules.activity(parsed.activity)):
        return await start_claim(ctx, parsed)
    return await _continue_claim(ctx, note="use_buttons")


@router.action("p1:act")
async def pick_activity(ctx: Ctx):
    if ctx.step != "pts_claim":
        return _stale()
    act = ctx.args[0] if ctx.args else ""
    if svc.rules_of(ctx.app).activity(act) is None:
        raise Refused("points/unknown_activity", activity=act[:32])
    ctx.update_data(activity=act)
    return await _continue_claim(ctx)


@router.action("p1:can")
async def cancel_claim(ctx: Ctx):
    if ctx.step not in ("pts_claim", "pts_claim_text"):
        return _stale()
    ctx.clear_step()
    return reply("points/claim_cancelled")


@router.action("p1:sub")
async def submit(ctx: Ctx):
    if ctx.step != "pts_claim" or not people.is_registered(ctx.person):
        return _stale()
    d = ctx.data
    claim, awarded = await svc.submit_claim(ctx.session, ctx.app, ctx.person, d.get("activity"), d.get("hours"),
                                            date.fromisoformat(d["day"]), d.get("text"), ctx.now)
    ctx.clear_step()
    rules = svc.rules_of(ctx.app)
    return reply("points/claim_submitted", **svc.claim_context(claim, rules, ctx.person), awarded=awarded)


# -- verification ---------------------------------------------------------------------------------------------------
async def _claim_for(ctx: Ctx) -> VolunteerClaim:
    cid = _int_arg(ctx)
    claim = await ctx.session.get(VolunteerClaim, cid) if cid is not None else None
    if claim is None:
        raise Refused("points/claim_gone")
    if ctx.person is None or not svc.may_verify(ctx.person, claim):
        raise Refused("errors/not_allowed")
    if claim.status != "pending":
        raise Refused("points/claim_decided", status=claim.status)
    return claim


def _decided(ctx: Ctx, claim: VolunteerClaim) -> Reply:
    return reply("points/decided", **svc.claim_context(claim, svc.rules_of(ctx.app)), status=claim.status,
                 awarded=claim.awarded, approved_hours=claim.approved_hours, reason=claim.reason)


@router.action("p1:ok")
async def approve(ctx: Ctx):
    claim = await _claim_for(ctx)
    claim = await svc.decide_claim(ctx.session, ctx.app, ctx.person, claim.id, True, ctx.now)
    return _decided(ctx, claim)


@router.action("p1:adh")
async def ask_adjust(ctx: Ctx):
    claim = await _claim_for(ctx)
    if claim.hours is None:
        raise Refused("points/claim_decided", status="per_event")
    if ctx.step:
        return reply("errors/busy", step=ctx.step)
    ctx.set_step("pts_adj", claim_id=claim.id)
    return reply("points/ask_adjusted_hours", id=claim.id, hours=claim.hours)


@router.step("pts_adj")
async def adjust_hours(ctx: Ctx):
    h = _typed_hours(ctx.incoming.text or "")
    if h is None:
        return reply("points/ask_adjusted_hours", id=ctx.data.get("claim_id"), hours=None)
    claim = await svc.decide_claim(ctx.session, ctx.app, ctx.person, int(ctx.data["claim_id"]), True, ctx.now, hours=h)
    ctx.clear_step()
    return _decided(ctx, claim)


@router.action("p1:rej")
async def ask_reason(ctx: Ctx):
    claim = await _claim_for(ctx)
    if ctx.step:
        return reply("errors/busy", step=ctx.step)
    ctx.set_step("pts_rej", claim_id=claim.id)
    return reply("points/ask_reject_reason", id=claim.id)


@router.step("pts_rej")
async def reject_reason(ctx: Ctx):
    reason = (ctx.incoming.text or "").strip()
    if not reason:
        return reply("points/ask_reject_reason", id=ctx.data.get("claim_id"))
    claim = await svc.decide_claim(ctx.session, ctx.app, ctx.person, int(ctx.data["claim_id"]), False, ctx.now,
                                   reason=reason)
    ctx.clear_step()
    return _decided(ctx, claim)


# -- balance ----------------------------------------------------------------------------------------------------------
def _entry_ctx(e, rules: svc.Rules) -> dict:
    rule = rules.activity(e.activity)
    return {"kind": e.kind, "amount": e.amount, "held": e.held, "at": e.at, "reason": e.reason or "",
            "activity": rule.title() if rule else None}


async def show_points(ctx: Ctx) -> Reply:
    """Balance, points held by open vouchers, recent entries; buttons to the supermarket and the leaderboard."""
    if ctx.person is None:
        return reply("errors/not_registered")
    rules = svc.rules_of(ctx.app)
    acct = await svc.account(ctx.session, ctx.person.id)
    entries = await svc.recent_entries(ctx.session, ctx.person.id)
    month = svc.local_day(ctx.now, ctx.settings.tz).strftime("%Y-%m")
    rows = [[Button("points.supermarket", "p1:shop"), Button("points.my_vouchers", "p1:mine")],
            [Button("points.leaderboard", "p1:lb")]]
    return reply("points/balance", rows, balance=acct.balance if acct else 0, held=acct.held if acct else 0,
                 entries=[_entry_ctx(e, rules) for e in entries],
                 pending=[svc.claim_context(c, rules) for c in await svc.pending_claims(ctx.session, ctx.person.id)],
                 earned_month=await svc.earned_on(ctx.session, ctx.person.id, month=month),
                 monthly_cap=rules.caps.monthly_points)


@router.command("points", menu=("resident",), label="points.menu_points")
async def points_cmd(ctx: Ctx):
    return await show_points(ctx)


# -- supermarket --------------------------------------------------------------------------------------------------------
async def _supermarket(ctx: Ctx) -> Reply:
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    await svc.ensure_catalogue(ctx.session, ctx.app)
    acct = await svc.account(ctx.session, ctx.person.id)
    shops = []
    rows = []
    for shop, rewards in await svc.catalogue(ctx.session, ctx.person.community_id):
        shops.append({"name": shop.name, "name_en": shop.name_en or shop.name,
                      "rewards": [svc.reward_context(r, shop) for r in rewards]})
        for r in rewards:
            if r.stock - r.reserved > 0:
                rows.append([Button("points.reward", f"p1:rw:{r.id}", {"name": r.name, "name_en": r.name_en or r.name,
                                                                        "cost": r.cost})])
    return reply("points/supermarket", rows, shops=shops, balance=acct.balance if acct else 0)


@router.command("redeem", menu=("resident",), label="points.menu_redeem")
async def redeem_cmd(ctx: Ctx):
    return await _supermarket(ctx)


@router.action("p1:shop")
async def shop_btn(ctx: Ctx):
    return await _supermarket(ctx)


async def _reward(ctx: Ctx) -> tuple[Reward, Shop]:
    rid = _int_arg(ctx)
    rw = await ctx.session.get(Reward, rid) if rid is not None else None
    shop = await ctx.session.get(Shop, rw.shop_id) if rw else None
    if rw is None or not rw.active or shop is None or ctx.person is None or shop.community_id != ctx.person.community_id:
        raise Refused("points/no_such_reward")
    return rw, shop


@router.action("p1:rw")
async def reward_pick(ctx: Ctx):
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    rw, shop = await _reward(ctx)
    acct = await svc.account(ctx.session, ctx.person.id)
    balance = acct.balance if acct else 0
    if rw.stock - rw.reserved <= 0:
        raise Refused("points/out_of_stock", reward=svc.reward_context(rw, shop))
    if balance < rw.cost:
        raise Refused("points/too_few", balance=balance, need=rw.cost)
    nonce = secrets.token_urlsafe(6)
    return reply("points/reward_confirm", [[Button("points.confirm_redeem", f"p1:rwok:{rw.id}:{nonce}"),
                                            Button("points.back", "p1:shop")]],
                 reward=svc.reward_context(rw, shop), balance=balance)


def _qr(ctx: Ctx, name: str, payload: str) -> Photo | None:
    """A QR image stored where the web chat serves files (/files/<name>); the Telegram channel uploads the same file."""
    stored = svc.qr_png(ctx.app, name, payload)
    return Photo("web", f"/files/{stored}") if stored else None


@router.action("p1:rwok")
async def reward_confirm(ctx: Ctx):
    if not people.is_registered(ctx.person) or len(ctx.args) < 2:
        return _stale()
    rw, shop = await _reward(ctx)
    red, new = await svc.redeem(ctx.session, ctx.app, ctx.person, rw.id, ctx.now, nonce=ctx.args[1])
    rw = await ctx.session.get(Reward, red.reward_id)
    shop = await ctx.session.get(Shop, red.shop_id)
    photo = None
    if new:
        photo = _qr(ctx, f"voucher-{red.code}.png", red.code)
        red.qr_file = photo.file_ref if photo else None
    r = reply("points/voucher_issued", [[Button("points.cancel_voucher", f"p1:vx:{red.id}")]],
              reward=svc.reward_context(rw, shop), code=red.code, expires_at=red.expires_at, points=red.points,
              again=not new, qr=photo is not None)
    r.photo = photo
    return r


@router.action("p1:mine")
async def my_vouchers(ctx: Ctx):
    if ctx.person is None:
        return reply("errors/not_registered")
    items = await svc.open_vouchers(ctx.session, ctx.person.id)
    rows = [[Button("points.cancel_voucher_code", f"p1:vx:{red.id}", {"code": red.code})] for red, _, _ in items]
    return reply("points/my_vouchers", rows, vouchers=[{**svc.reward_context(rw, shop), "code": red.code,
                                                        "expires_at": red.expires_at, "points": red.points}
                                                       for red, rw, shop in items])


@router.action("p1:vx")
async def cancel_voucher(ctx: Ctx):
    rid = _int_arg(ctx)
    if ctx.person is None or rid is None:
        return _stale()
    red = await svc.cancel_voucher(ctx.session, ctx.person, rid, ctx.now)
    return reply("points/voucher_cancelled", code=red.code, points=red.points)


@router.command("voucher", menu=("coordinator",), label="points.menu_voucher")
async def voucher_cmd(ctx: Ctx):
    """A shopkeeper or coordinator types the resident's voucher code; one tap confirms the handover."""
    if ctx.person is None:
        return reply("errors/not_allowed")
    if not ctx.args:
        return reply("points/voucher_usage")
    red = await svc.voucher_by_code(ctx.session, ctx.person, ctx.args[0], ctx.now)
    rw = await ctx.session.get(Reward, red.reward_id)
    shop = await ctx.session.get(Shop, red.shop_id)
    owner = await ctx.session.get(Person, red.person_id)
    return reply("points/voucher_check", [[Button("points.confirm_handover", f"p1:vok:{red.id}")]],
                 reward=svc.reward_context(rw, shop), code=red.code, points=red.points,
                 name=svc.first_name(owner.name), expires_at=red.expires_at)


@router.action("p1:vok")
async def voucher_ok(ctx: Ctx):
    rid = _int_arg(ctx)
    if ctx.person is None or rid is None:
        return _stale()
    red = await svc.hand_over(ctx.session, ctx.person, rid, ctx.now)
    rw = await ctx.session.get(Reward, red.reward_id)
    shop = await ctx.session.get(Shop, red.shop_id)
    return reply("points/voucher_done", reward=svc.reward_context(rw, shop), code=red.code, points=red.points)


# -- adjustments --------------------------------------------------------------------------------------------------------
ADJUST_RE = re.compile(r"^(\S+)\s+([+\-−]?\d+)\s*(.*)$", re.S)


@router.command("adjust", menu=("coordinator",), label="points.menu_adjust")
async def adjust_cmd(ctx: Ctx):
    """/adjust <phone or key> <+n|-n> <reason>: coordinators only, a reason always."""
    if ctx.person is None or not ctx.has_role("coordinator"):
        return reply("errors/not_allowed")
    m = ADJUST_RE.match(ctx.args[0]) if ctx.args else None
    if m is None or not m.group(3).strip():
        return reply("points/adjust_usage")
    target = await svc.find_person(ctx.session, m.group(1))
    if target is None:
        return reply("points/person_unknown")
    delta = int(m.group(2).replace("−", "-"))
    await svc.adjust(ctx.session, ctx.person, target, delta, m.group(3), ctx.now)
    acct = await svc.account(ctx.session, target.id)
    return reply("points/adjust_done", name=target.name, delta=delta, balance=acct.balance, reason=m.group(3).strip())


# -- events -----------------------------------------------------------------------------------------------------------
EVENT_RE = re.compile(r"^(.+?)\s+(\d{1,3})(?:\s+(\d{1,2}(?:\.\d+)?)\s*(?:h|小时|hours?)?)?\s*$", re.S | re.I)


@router.command("event", menu=STAFF, label="points.menu_event")
async def event_cmd(ctx: Ctx):
    """/event <title> <points> [hours]: open an event now; without arguments: my open events to confirm."""
    if ctx.person is None or not ctx.has_role(*STAFF):
        return reply("errors/not_allowed")
    if not ctx.args:
        evs = await svc.open_events(ctx.session, ctx.person)
        rows = [[Button("points.event_close", f"p1:evc:{e.id}", {"title": e.title[:30]})] for e in evs]
        return reply("points/event_list", rows, events=[{"title": e.title, "code": e.code, "points": e.points,
                                                         "ends_at": e.ends_at} for e in evs])
    m = EVENT_RE.match(ctx.args[0])
    if m is None:
        return reply("points/event_usage", max_points=svc.MAX_EVENT_POINTS)
    ev = await svc.create_event(ctx.session, ctx.app, ctx.person, m.group(1), int(m.group(2)),
                                float(m.group(3) or 3), ctx.now)
    link = svc.checkin_link(ctx.app, ev.code)
    photo = _qr(ctx, f"event-{ev.code}.png", link)
    r = reply("points/event_created", [[Button("points.event_close", f"p1:evc:{ev.id}", {"title": ev.title[:30]})]],
              title=ev.title, points=ev.points, code=ev.code, starts_at=ev.starts_at, ends_at=ev.ends_at, link=link,
              qr=photo is not None)
    r.photo = photo
    return r


async def _event(ctx: Ctx) -> PointsEvent:
    eid = _int_arg(ctx)
    ev = await ctx.session.get(PointsEvent, eid) if eid is not None else None
    if ev is None:
        raise Refused("points/checkin_unknown")
    if ctx.person is None or not svc.may_run_event(ctx.person, ev):
        raise Refused("errors/not_allowed")
    return ev


@router.action("p1:evc")
async def event_close(ctx: Ctx):
    ev = await _event(ctx)
    if ev.status != "open":
        raise Refused("points/event_confirmed_already", title=ev.title)
    who = await svc.event_attendees(ctx.session, ev.id)
    return reply("points/event_attendees", [[Button("points.event_award", f"p1:eva:{ev.id}", {"n": len(who)})]],
                 title=ev.title, points=ev.points, names=[p.name for p in who], count=len(who))


@router.action("p1:eva")
async def event_award(ctx: Ctx):
    ev = await _event(ctx)
    ev, n, total = await svc.confirm_event(ctx.session, ctx.app, ctx.person, ev.id, ctx.now)
    return reply("points/event_done", title=ev.title, count=n, total=total)


async def checkin(ctx: Ctx, code: str) -> Reply:
    """Check in to an event by its code; /start ev<code> (the QR deep link) arrives here too."""
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    code = code.strip()
    if code.lower().startswith("ev") and len(code) > 6:
        code = code[2:]
    if not code:
        return reply("points/checkin_usage")
    ev, new = await svc.checkin(ctx.session, ctx.person, code, ctx.now)
    return reply("points/checkin_ok", title=ev.title, points=ev.points, again=not new)


@router.command("checkin")
async def checkin_cmd(ctx: Ctx):
    return await checkin(ctx, ctx.args[0] if ctx.args else "")


# -- leaderboard ------------------------------------------------------------------------------------------------------
async def _leaderboard(ctx: Ctx) -> Reply:
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    _, grid_id = await svc.grid_of(ctx.session, ctx.person)
    month = svc.local_day(ctx.now, ctx.settings.tz).strftime("%Y-%m")
    rows = await svc.leaderboard(ctx.session, grid_id, month)
    acct = await svc.account(ctx.session, ctx.person.id)
    joined = bool(acct and acct.leaderboard)
    place = await people.place_of(ctx.session, ctx.person)
    btn = Button("points.leaderboard_leave", "p1:lb:off") if joined else Button("points.leaderboard_join", "p1:lb:on")
    return reply("points/leaderboard", [[btn]], rows=rows, joined=joined, me=ctx.person.id, month=month,
                 grid=place.get("grid"), grid_en=place.get("grid_en"))


@router.command("leaderboard", menu=("resident",), label="points.menu_leaderboard")
async def leaderboard_cmd(ctx: Ctx):
    return await _leaderboard(ctx)


@router.action("p1:lb")
async def leaderboard_btn(ctx: Ctx):
    if ctx.args and ctx.args[0] in ("on", "off") and people.is_registered(ctx.person):
        await svc.set_leaderboard(ctx.session, ctx.person, ctx.args[0] == "on", ctx.now)
    return await _leaderboard(ctx)
