"""What a resident does: tell a matter in plain words (intake), confirm it in one tap, follow it, rate it, reopen it.

Free text goes to the parser; a report becomes a draft the resident confirms; /mycases and plain questions
("我报的路灯修了没") answer with the state of their cases.
"""
from __future__ import annotations

import re

from bot.core import Button, Reply
from bot.dispatch import Ctx, Router, reply
from bot.services import cases, people
from bot.services.nlu import LOW_CONFIDENCE, parse
from bot.services.nlu.text import MAX_CHARS
from handlers.onboarding import building_buttons
from bot.services.orgcache import org
from models import Case, LabelledExample

router = Router()
MAX_PHOTOS = 5
# A message that is only a case number ("#12", "＃12？", "case 12", "案件12") asks to see that case; a question that names
# one ("#12 修了没") asks about that case and no other.
_CASE_ONLY = re.compile(r"^\s*(?:[#＃]|(?:case|案件|工单|单号)\s*[#＃]?)\s*(\d{1,9})\s*[?？。.!！]?\s*$", re.IGNORECASE)
_CASE_REF = re.compile(r"[#＃]\s?(\d{1,9})(?!\d)")


def _stale() -> Reply:
    return Reply("errors/stale_button", toast=True)


def _case_arg(ctx: Ctx, i: int = 0) -> int | None:
    try:
        return int(ctx.args[i])
    except (IndexError, ValueError):
        return None


# -- intake ---------------------------------------------------------------------------
def _too_long(text: str) -> Reply | None:
    """A matter is told in at most what the parser reads; longer is refused politely, before anything is kept."""
    if len(text) > MAX_CHARS:
        return reply("errors/too_long", length=len(text), limit=MAX_CHARS)
    return None


@router.text
async def free_text(ctx: Ctx):
    text = ctx.incoming.text.strip()
    if refusal := _too_long(text):
        return refusal
    if (m := _CASE_ONLY.match(text)) and ctx.person is not None:
        return await _show(ctx, int(m.group(1)))
    parsed = parse(text, now=ctx.now.astimezone(ctx.settings.tz), locale=ctx.locale, taxonomy=ctx.app.taxonomy)
    if parsed.intent == "help":
        from handlers.onboarding import help_

        return await help_(ctx)
    if parsed.intent == "points":
        from handlers import points

        return await points.show_points(ctx)
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    if parsed.intent == "volunteer_claim":
        from handlers import points

        return await points.start_claim(ctx, parsed)
    if parsed.intent == "status_query":
        return await status_answer(ctx, text)
    return await _new_draft(ctx, text, parsed)


async def _new_draft(ctx: Ctx, text: str, parsed, photos: list | None = None) -> Reply:
    building_id, unit, room = ctx.person.building_id, ctx.person.unit, ctx.person.room
    place_named = False
    if parsed.building:
        b = await _building_by_code(ctx, parsed.building)
        if b is not None:
            building_id, place_named = b.id, True
            unit, room = parsed.unit, parsed.room
    elif parsed.unit:
        unit, room = parsed.unit, parsed.room or None
    ctx.set_step(
        "draft", text=text[:2000], category=parsed.category or "other", urgent=bool(parsed.urgent),
        building_id=building_id, unit=unit, room=room if place_named or room else None, photos=photos or [],
        lat=None, lon=None, confidence=round(float(parsed.confidence), 3),
        candidates=[c for c, _ in (parsed.candidates or [])][:3], evidence=list(parsed.evidence or [])[:8],
        predicted=parsed.category,
    )
    if parsed.confidence < LOW_CONFIDENCE and parsed.candidates:
        return await _ask_category(ctx, unsure=True)
    return await draft_card(ctx)


async def _building_by_code(ctx: Ctx, code: str):
    return await org(ctx.session).building_by_code(ctx.session, ctx.person.community_id, code)


async def draft_card(ctx: Ctx, note: str | None = None) -> Reply:
    d = ctx.data
    b = await org(ctx.session).building(ctx.session, d.get("building_id"))
    colour = ctx.app.routing.colour(d["category"], d["urgent"])
    rows = [[Button("cases.submit", "c1:dsub")],
            [Button("cases.change_category", "c1:dcat"), Button("cases.change_place", "c1:dplace")]]
    if not d["urgent"]:  # the parser can miss a danger told in few words: the resident can say so in one tap
        rows.append([Button("cases.mark_urgent", "c1:durg")])
    rows.append([Button("cases.cancel_draft", "c1:dno")])
    return reply("cases/draft", rows, draft={
        "text": d["text"], "category": d["category"], "urgent": d["urgent"], "colour": colour,
        "building": b.code if b else None, "unit": d.get("unit"), "room": d.get("room"),
        "photos": len(d.get("photos") or []), "has_location": d.get("lat") is not None,
        "evidence": d.get("evidence") or []}, note=note, emergency=_emergency(ctx, d["urgent"]))


def _emergency(ctx: Ctx, urgent: bool) -> dict[str, str] | None:
    """The public emergency numbers, on an urgent draft and its filing: a grid worker may be minutes away, and a
    fire, a person down or a fight wants 119/120/110 first (configurable: GRIDBOT_EMERGENCY_NUMBERS)."""
    return ctx.settings.emergency_numbers or None if urgent else None


async def _ask_category(ctx: Ctx, unsure: bool = False) -> Reply:
    d = ctx.data
    if unsure:
        first = d.get("candidates") or []
        rows = [[Button("cases.category", f"c1:dc:{c}", {"id": c})] for c in first]
        rows.append([Button("cases.other_categories", "c1:dcat")])
    else:
        ids = list(ctx.app.taxonomy.categories)
        rows = [[Button("cases.category", f"c1:dc:{c}", {"id": c}) for c in ids[i:i + 3]] for i in range(0, len(ids), 3)]
    return reply("cases/ask_category", rows, text=d["text"], unsure=unsure)


def _drafting(ctx: Ctx) -> bool:
    return ctx.step == "draft"


@router.action("c1:dcat")
async def change_category(ctx: Ctx):
    if not _drafting(ctx):
        return _stale()
    return await _ask_category(ctx)


@router.action("c1:dc")
async def pick_category(ctx: Ctx):
    cat = ctx.args[0] if ctx.args else ""
    if not _drafting(ctx) or cat not in ctx.app.taxonomy.categories:
        return _stale()
    d = ctx.data
    if d.get("predicted") != cat or d.get("confidence", 1) < LOW_CONFIDENCE:
        # the resident's own choice is a labelled example for the next training run
        ctx.session.add(LabelledExample(text=d["text"], category=cat, predicted=d.get("predicted"),
                                        confidence=d.get("confidence"), created_at=ctx.now))
    ctx.update_data(category=cat, confidence=1.0, predicted=cat)
    return await draft_card(ctx)


@router.action("c1:dplace")
async def change_place(ctx: Ctx):
    if not _drafting(ctx):
        return _stale()
    page = _case_arg(ctx) or 0
    bs = await people.buildings(ctx.session, ctx.person.community_id)
    rows = building_buttons(bs, page, pick="c1:dpb", page_to="c1:dplace")
    rows.append([Button("cases.my_address", f"c1:dpb:{ctx.person.building_id}")])
    return reply("cases/ask_place", rows)


@router.action("c1:dpb")
async def pick_place(ctx: Ctx):
    bid = _case_arg(ctx)
    b = await org(ctx.session).building(ctx.session, bid) if bid else None
    if not _drafting(ctx) or b is None or b.community_id != ctx.person.community_id:
        return _stale()
    mine = b.id == ctx.person.building_id
    ctx.update_data(building_id=b.id, unit=ctx.person.unit if mine else None, room=ctx.person.room if mine else None)
    return await draft_card(ctx)


@router.action("c1:durg")
async def mark_urgent(ctx: Ctx):
    """The resident says someone may be hurt or property lost now. One way only: a resident raises the alarm,
    nobody lowers it here. Kept with the case's parse record, so the next training run learns from the miss."""
    if not _drafting(ctx):
        return _stale()
    if ctx.data.get("urgent"):
        return await draft_card(ctx)
    ctx.update_data(urgent=True, urgent_by_resident=True)
    return await draft_card(ctx, note="marked_urgent")


@router.action("c1:dno")
async def drop_draft(ctx: Ctx):
    if not _drafting(ctx):
        return _stale()
    ctx.clear_step()
    return reply("cases/draft_dropped")


@router.action("c1:dsub")
async def submit(ctx: Ctx):
    if not _drafting(ctx):
        return _stale()
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    d = ctx.data
    draft = _draft(d)
    if not d.get("dup_checked"):
        dup = await cases.find_duplicate(ctx.session, ctx.person, draft)
        if dup is not None:
            ctx.update_data(dup_checked=True)
            return reply("cases/duplicate", [[Button("cases.join", f"c1:join:{dup.id}")],
                                             [Button("cases.file_new", "c1:dsub")]],
                         case=await cases.view(ctx.session, dup, ctx.person))
    case = await cases.file_case(ctx.session, ctx.app, ctx.person, draft, ctx.now)
    ctx.clear_step()
    return reply("cases/filed", [[Button("cases.cancel_case", f"c1:cancel:{case.id}")]],
                 case=await cases.view(ctx.session, case, ctx.person), emergency=_emergency(ctx, case.urgent))


def _draft(d: dict) -> cases.Draft:
    return cases.Draft(text=d["text"], category=d["category"], urgent=d["urgent"], building_id=d.get("building_id"),
                       unit=d.get("unit"), room=d.get("room"), latitude=d.get("lat"), longitude=d.get("lon"),
                       photos=tuple(tuple(p) for p in d.get("photos") or []),
                       parse={"confidence": d.get("confidence"), "evidence": d.get("evidence"),
                              "predicted": d.get("predicted"),
                              **({"urgent_by_resident": True} if d.get("urgent_by_resident") else {})})


@router.action("c1:join")
async def join(ctx: Ctx):
    cid = _case_arg(ctx)
    if not _drafting(ctx) or cid is None or not people.is_registered(ctx.person):
        return _stale()
    case = await cases.join(ctx.session, cid, ctx.person, ctx.now)
    ctx.clear_step()
    return reply("cases/joined", case=await cases.view(ctx.session, case, ctx.person))


@router.step("draft")
async def draft_input(ctx: Ctx):
    """While a draft is open: a photo or a location is added to it; new text replaces the description."""
    inc = ctx.incoming
    d = ctx.data
    if inc.photo is not None:
        photos = list(d.get("photos") or [])
        if len(photos) >= MAX_PHOTOS:
            return await draft_card(ctx, note="too_many_photos")
        photos.append([inc.photo.platform, inc.photo.file_ref])
        ctx.update_data(photos=photos)
        if inc.text and not d.get("text"):
            return await _redraft(ctx, inc.text)
        return await draft_card(ctx, note="photo_added")
    if inc.location is not None:
        ctx.update_data(lat=inc.location[0], lon=inc.location[1])
        return await draft_card(ctx, note="location_added")
    if inc.text and inc.text.strip():
        return _too_long(inc.text.strip()) or await _redraft(ctx, inc.text.strip())
    return await draft_card(ctx)


async def _redraft(ctx: Ctx, text: str) -> Reply:
    photos = ctx.data.get("photos") or []
    parsed = parse(text, now=ctx.now.astimezone(ctx.settings.tz), locale=ctx.locale, taxonomy=ctx.app.taxonomy)
    if parsed.intent != "report" and ctx.data.get("text"):
        # a question in the middle of a draft: answer it, keep the draft
        return await draft_card(ctx, note="draft_open")
    return await _new_draft(ctx, text, parsed, photos=photos)


@router.photo
async def photo_without_draft(ctx: Ctx):
    inc = ctx.incoming
    if not people.is_registered(ctx.person):
        return reply("errors/not_registered")
    if inc.text and inc.text.strip():
        parsed = parse(inc.text, now=ctx.now.astimezone(ctx.settings.tz), locale=ctx.locale, taxonomy=ctx.app.taxonomy)
        if parsed.intent == "report":
            return await _new_draft(ctx, inc.text.strip(), parsed, photos=[[inc.photo.platform, inc.photo.file_ref]])
    ctx.set_step("draft", text="", category="other", urgent=False, building_id=ctx.person.building_id,
                 unit=ctx.person.unit, room=ctx.person.room, photos=[[inc.photo.platform, inc.photo.file_ref]],
                 lat=None, lon=None, confidence=0.0, candidates=[], evidence=[], predicted=None)
    return reply("cases/photo_needs_words")


@router.location
async def location_without_draft(ctx: Ctx):
    return reply("cases/location_needs_words")


# -- following a case --------------------------------------------------------------------


async def status_answer(ctx: Ctx, text: str) -> Reply:
    if m := _CASE_REF.search(text):
        return await _show(ctx, int(m.group(1)))
    mine = await cases.my_cases(ctx.session, ctx.person)
    if not mine:
        return reply("cases/no_cases")
    hits = ctx.app.taxonomy.keyword_hits(text)
    match = None
    if hits:
        ranked = sorted(hits, key=lambda c: -len(hits[c]))
        match = next((c for c in mine if c.category in ranked), None)
    if match is None:
        open_ = [c for c in mine if c.state in cases.OPEN_STATES]
        match = open_[0] if len(open_) == 1 else None
    if match is None:
        return await _list(ctx, mine)
    return reply("cases/status", case=await cases.view(ctx.session, match, ctx.person),
                 events=await _timeline(ctx, match))


async def _timeline(ctx: Ctx, case: Case) -> list[dict]:
    from sqlalchemy import select

    from models import CaseEvent

    evs = list(await ctx.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
    return [{"kind": e.kind, "at": e.at, "to": e.to_state} for e in evs if e.kind != "comment"][-8:]


async def _list(ctx: Ctx, mine: list[Case]) -> Reply:
    items = [await cases.view(ctx.session, c, ctx.person) for c in mine]
    rows = [[Button("cases.view", f"c1:view:{c.id}", {"id": c.id})] for c in mine[:8]]
    return reply("cases/my_list", rows, cases=items)


@router.command("mycases", menu=("resident",), label="cases.menu_mycases")
async def my_cases(ctx: Ctx):
    if ctx.person is None:
        return reply("errors/not_registered")
    mine = await cases.my_cases(ctx.session, ctx.person)
    if not mine:
        return reply("cases/no_cases")
    return await _list(ctx, mine)


@router.command("case")
async def show_case(ctx: Ctx):
    raw = (ctx.args[0] if ctx.args else "").lstrip("#").strip()
    if not raw.isdigit():
        return reply("cases/which_case")
    return await _show(ctx, int(raw))


@router.action("c1:view")
async def view_case(ctx: Ctx):
    cid = _case_arg(ctx)
    if cid is None:
        return _stale()
    return await _show(ctx, cid)


async def _show(ctx: Ctx, cid: int) -> Reply:
    case = await ctx.session.get(Case, cid)
    # the same answer for "no such case" and "not yours": a number reveals nothing
    if case is None or not await cases.can_view(ctx.session, ctx.person, case):
        return reply("cases/not_found", case_id=cid)
    if ctx.person.id == case.assignee_id or (people.is_staff(ctx.person) and ctx.person.id != case.reporter_id):
        return await cases.worker_card(ctx.session, case, ctx.person, "cases/card")
    buttons = []
    if case.reporter_id == ctx.person.id and cases.can(case, "cancel"):
        buttons.append([Button("cases.cancel_case", f"c1:cancel:{case.id}")])
    if case.reporter_id == ctx.person.id and case.state == "resolved":
        buttons.append([Button("cases.rate", f"c1:rate:{case.id}:{n}", {"n": n}) for n in range(1, 6)])
    if case.reporter_id == ctx.person.id and case.state in ("resolved", "closed"):
        buttons.append([Button("cases.reopen", f"c1:reopen:{case.id}")])
    return reply("cases/status", buttons, case=await cases.view(ctx.session, case, ctx.person),
                 events=await _timeline(ctx, case))


# -- rating, reopening, cancelling -------------------------------------------------------
@router.action("c1:cancel")
async def cancel_case(ctx: Ctx):
    cid = _case_arg(ctx)
    if cid is None or ctx.person is None:
        return _stale()
    case = await cases.cancel(ctx.session, cid, ctx.person, ctx.now)
    return reply("cases/cancelled_ok", case=await cases.view(ctx.session, case, ctx.person))


@router.action("c1:rate")
async def rate(ctx: Ctx):
    cid, stars = _case_arg(ctx), _case_arg(ctx, 1)
    if cid is None or stars is None or ctx.person is None:
        return _stale()
    case = await cases.rate(ctx.session, cid, ctx.person, stars, ctx.now)
    ctx.set_step("rate_comment", case_id=case.id)
    return reply("cases/thanks_rating", [[Button("cases.skip_comment", f"c1:nocomment:{case.id}")]],
                 case=await cases.view(ctx.session, case, ctx.person), stars=stars)


@router.step("rate_comment")
async def rate_comment(ctx: Ctx):
    text = (ctx.incoming.text or "").strip()
    if not text:
        return reply("errors/expected_text")
    await cases.comment(ctx.session, ctx.data["case_id"], ctx.person, text[:1000], ctx.now)
    ctx.clear_step()
    return reply("cases/comment_saved")


@router.action("c1:nocomment")
async def no_comment(ctx: Ctx):
    if ctx.step != "rate_comment":
        return _stale()
    ctx.clear_step()
    return reply("cases/comment_skipped")


@router.action("c1:reopen")
async def reopen_ask(ctx: Ctx):
    cid = _case_arg(ctx)
    case = await ctx.session.get(Case, cid) if cid else None
    if case is None or ctx.person is None or case.reporter_id != ctx.person.id:
        return _stale()
    if not cases.can(case, "reopen"):
        return reply("cases/illegal_transition", case_id=case.id, state=case.state, action="reopen")
    ctx.set_step("reopen", case_id=case.id)
    return reply("cases/ask_reopen_reason", case_id=case.id)


@router.step("reopen")
async def reopen_reason(ctx: Ctx):
    text = (ctx.incoming.text or "").strip()
    if not text:
        return reply("errors/expected_text")
    case = await cases.reopen(ctx.session, ctx.app, ctx.data["case_id"], ctx.person, text[:1000], ctx.now)
    ctx.clear_step()
    return reply("cases/reopened_ok", case=await cases.view(ctx.session, case, ctx.person))
