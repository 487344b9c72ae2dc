"""Keeping time with a controlled clock: working-time deadlines with holidays, 调休 and quiet hours; reminders and
snooze; the escalation ladder in order, across a restart and a crash mid-sweep; rate reminder, follow-up, digests."""
import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.services import timekeeping
from models import Case, CaseEvent, Outbox
from models.timekeeping import DueItem

SH = ZoneInfo("Asia/Shanghai")


def local(*a) -> datetime:
    return datetime(*a, tzinfo=SH).astimezone(timezone.utc)


async def tick(app, clock=None, **delta) -> int:
    """Move time on (if asked) and let the sweep fire everything due, as the scheduler would."""
    if clock is not None and delta:
        clock.advance(**delta)
    total = 0
    while n := await timekeeping.sweep(app):
        total += n
    return total


async def _file(c, text: str) -> int:
    await c.say(text)
    out = await c.press("提交")
    assert "已提交 #" in out, out
    return int(out.split("#", 1)[1].split()[0])


async def _case(app, case_id) -> Case:
    async with app.sessionmaker() as s:
        return await s.get(Case, case_id)


# -- deadlines --------------------------------------------------------------------------------
async def test_quiet_hours_and_a_make_up_day_shift_a_green_deadline_but_not_a_red_one(app, chat, clock):
    cfg = app.routing
    # Friday 13 Feb 2026, 22:30: quiet hours, the eve of a 调休 Saturday before the Spring Festival (15-23 Feb)
    start = local(2026, 2, 13, 22, 30)
    red = timekeeping.deadlines(cfg, "red", start)
    assert red == (local(2026, 2, 13, 23, 0), local(2026, 2, 14, 2, 30))  # the wall clock, night or not
    green = timekeeping.deadlines(cfg, "green", start)
    # the clock starts on Saturday 14 Feb 09:00 (a make-up working day); one working day later is after the holiday
    assert green[0] == local(2026, 2, 24, 9, 0)
    # seven working days: 24, 25, 26, 27, Sat 28 (调休), Mon 2 Mar, Tue 3 Mar
    assert green[1] == local(2026, 3, 3, 9, 0)
    yellow = timekeeping.deadlines(cfg, "yellow", local(2026, 2, 14, 16, 0))  # 4 working hours from Sat 16:00
    assert yellow[0] == local(2026, 2, 24, 11, 0)  # 2 h on the make-up Saturday, 2 h after the holiday

    # and the resident is told the promise in those terms
    clock.set(start)
    wang = chat("wang")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    assert "2026-02-24 09:00 前受理" in wang.last_text and "2026-03-03 09:00 前办结" in wang.last_text
    case = await _case(app, case_id)
    assert case.colour == "green" and case.accept_due_at == local(2026, 2, 24, 9, 0)


# -- reminders, snooze, quiet hours ---------------------------------------------------------------
async def test_reminders_at_half_and_ninety_percent_and_snooze(app, chat, clock):
    wang, wu = chat("wang"), chat("wu")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")  # green, Monday 10:00: accept by Tuesday 10:00
    await wu.inbox()
    await tick(app)
    assert await wu.inbox() == ""
    await tick(app, clock, hours=3)  # 13:00: under half of the accept clock's working time has run
    assert await wu.inbox() == ""
    await tick(app, clock, hours=2)  # 15:00: half of 7.5 working hours (Mon 10:00-Tue 10:00) is reached at 15:15
    assert await wu.inbox() == ""
    await tick(app, clock, minutes=16)
    out = await wu.inbox()
    assert "⏰ 提醒" in out and "前受理" in out and f"#{case_id}" in out
    assert "1小时后提醒" in out or "1小时后提醒" in " ".join(wu.buttons())
    out = await wu.press("1小时后提醒")
    assert "再提醒您" in out
    await tick(app, clock, minutes=59)
    assert await wu.inbox() == ""
    await tick(app, clock, minutes=2)
    out = await wu.inbox()
    assert "您设定的提醒到了" in out and f"#{case_id}" in out

    # a time in plain words; at night the reminder waits for the end of quiet hours (a green case is not urgent)
    await wu.press("其他时间")
    out = await wu.say("今晚11点")
    assert "23:00 再提醒您" in out
    await tick(app, clock, hours=10)  # Monday 01:00 local + … : well past 23:00
    assert "您设定的提醒到了" not in await wu.inbox()
    clock.set(local(2026, 11, 24, 8, 1))
    await tick(app)
    assert "您设定的提醒到了" in await wu.inbox()

    # only whoever handles the case may snooze it, whatever the payload says
    out = await wang.press_data(f"t1:sn:{case_id}:1h")
    assert "不是由您办理" in out
    out = await wu.press("其他时间")
    out = await wu.say("随便什么时候")
    assert "没看懂这个时间" in out


# -- the ladder ----------------------------------------------------------------------------------
async def _kinds(app, case_id):
    async with app.sessionmaker() as s:
        evs = list(await s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))
    return [(e.kind, (e.data or {}).get("step")) for e in evs]


async def test_ladder_fires_in_order_with_a_controlled_clock(app, chat, clock):
    wang, wu, zhou, zhao, liu = chat("wang"), chat("wu"), chat("zhou"), chat("zhao"), chat("liu")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")  # green lighting in grid 2: wu; accept by Tue 10:00
    for c in (wang, wu, zhou, zhao, liu):
        await c.inbox()
    clock.set(local(2026, 11, 24, 9, 59))
    await tick(app)
    assert await zhou.inbox() == ""
    await tick(app, clock, minutes=2)  # the accept deadline passes
    out = await zhou.inbox()
    assert "超时督办（网格长）" in out and f"#{case_id}" in out and "王阿姨" in out and "派单" in out
    assert "受理" in " ".join(zhou.buttons())
    assert "没能在承诺的" in await wang.inbox()
    assert "已提请网格长督办" in await wu.inbox()
    assert await zhao.inbox() == "" and await liu.inbox() == ""

    await tick(app, clock, hours=23)
    assert await zhao.inbox() == ""
    await tick(app, clock, hours=1, minutes=1)  # a green ladder climbs once a day
    out = await zhao.inbox()
    assert "超时督办（社区）" in out and f"#{case_id}" in out

    await tick(app, clock, hours=24, minutes=1)
    out = await liu.inbox()  # lighting is taken by the property company: 吹哨报到
    assert "超时督办（职能部门）" in out and f"#{case_id}" in out
    case = await _case(app, case_id)
    assert case.state == "escalated" and case.supervised and case.escalation_level == 1
    assert "已转交物业公司办理" in await wang.inbox()
    assert [k for k in await _kinds(app, case_id) if k[0] in ("overdue", "escalate")] == [
        ("overdue", "grid_leader"), ("overdue", "coordinator"), ("escalate", None), ("overdue", "department")]

    # the top of the ladder: nothing more fires, however long it waits
    await tick(app, clock, days=5)
    assert [k for k in await _kinds(app, case_id) if k[0] == "overdue"].__len__() == 3

    # the department accepts from the card it got: the accept ladder is over for good
    await liu.press("受理")
    assert "已受理" in liu.last_text  # the card is edited in place
    assert (await _case(app, case_id)).state == "accepted"


async def test_acting_in_time_stops_the_clock(app, chat, clock):
    wang, wu, zhou = chat("wang"), chat("wu"), chat("zhou")
    await _file(wang, "6号楼1单元楼道灯坏了")
    await wu.inbox()
    await wu.press("受理")
    await tick(app, clock, days=1, hours=1)  # past the accept deadline, but it was accepted
    assert await zhou.inbox() == ""
    async with app.sessionmaker() as s:
        kinds = list(await s.scalars(select(DueItem.payload).where(DueItem.state == "pending")))
    assert kinds and all(p["clock"] == "resolve" for p in kinds)


async def test_a_restart_in_the_middle_of_the_ladder_continues_it(app, chat, clock, settings):
    wang, zhou = chat("wang"), chat("zhou")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    clock.set(local(2026, 11, 24, 10, 1))
    await tick(app)
    assert "超时督办（网格长）" in await zhou.inbox()
    await app.stop()

    # a new process on the same database, a day later
    clock.advance(hours=24, minutes=1)
    again = App(settings, clock=clock)
    try:
        await tick(again)
        assert [k for k in await _kinds(again, case_id) if k[0] == "overdue"] == [
            ("overdue", "grid_leader"), ("overdue", "coordinator")]

        # a process killed in the middle of a sweep: its transaction rolls back, nothing is lost or doubled
        clock.advance(hours=24, minutes=1)
        real = timekeeping.FIRE["ladder"]

        async def dies(f, item, case):
            await real(f, item, case)
            raise asyncio.CancelledError  # not an error the sweep handles: the process is going away

        timekeeping.FIRE["ladder"] = dies
        try:
            with pytest.raises(asyncio.CancelledError):
                await timekeeping.sweep(again)
        finally:
            timekeeping.FIRE["ladder"] = real
        assert len([k for k in await _kinds(again, case_id) if k[0] == "overdue"]) == 2
        await tick(again)
        assert [k for k in await _kinds(again, case_id) if k[0] in ("overdue", "escalate")][-2:] == [
            ("escalate", None), ("overdue", "department")]
        async with again.sessionmaker() as s:
            cards = await s.scalar(select(func.count(Outbox.id)).where(Outbox.template == "timekeeping/ladder"))
        assert cards == 3  # grid leader, coordinator, department: once each
    finally:
        await again.stop()


# -- after resolution ---------------------------------------------------------------------------------
async def test_rate_reminder_once_then_follow_up_whose_no_reopens(app, chat, clock):
    wang, wu = chat("wang"), chat("wu")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    await wu.inbox()
    await wu.press("受理")
    await wu.press("办结")
    await wu.say("已更换灯泡")
    await wu.press("确认办结")
    await wang.inbox()
    await tick(app, clock, hours=23)
    assert await wang.inbox() == ""
    await tick(app, clock, hours=1, minutes=1)
    out = await wang.inbox()
    assert "已经办结一天了" in out and "已更换灯泡" in out
    await tick(app, clock, days=3)
    assert await wang.inbox() == ""  # once

    await wang.press("5⭐")
    await tick(app, clock, days=6)
    assert "回访" not in await wang.inbox()
    await tick(app, clock, days=1, hours=1)
    out = await wang.inbox()
    assert "回访" in out and f"#{case_id}" in out
    out = await wang.press("又坏了")
    assert "已重新办理" in out
    case = await _case(app, case_id)
    assert case.state == "reopened" and case.reopen_count == 1
    assert "问题又出现了" in await wu.inbox()
    out = await wang.press_data(f"t1:fu:{case_id}:n")
    assert "已经回复过了" in out
    assert (await _case(app, case_id)).reopen_count == 1
    # and the reopened case has its clocks again
    async with app.sessionmaker() as s:
        await tick(app)
        assert await s.scalar(select(func.count(DueItem.id)).where(DueItem.case_id == case_id,
                                                                  DueItem.state == "pending")) >= 3


async def test_follow_up_yes_is_recorded_and_other_residents_cannot_answer(app, chat, clock):
    wang, wu, amy = chat("wang"), chat("wu"), chat("amy", lang="en")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    await wu.inbox()
    await wu.press("受理")
    await wu.press("办结")
    await wu.say("修好了")
    await wu.press("确认办结")
    await wang.inbox()
    await wang.press("4⭐")
    await tick(app, clock, days=8)
    await wang.inbox()
    out = await amy.press_data(f"t1:fu:{case_id}:n")
    assert "found no case" in out
    out = await wang.press("还好")
    assert "谢谢您的回复" in out
    assert (await _case(app, case_id)).state == "closed"
    assert ("follow_up", None) in await _kinds(app, case_id)


# -- digests ---------------------------------------------------------------------------------------------
async def test_morning_digest_and_coordinator_summaries_once(app, chat, clock):
    wang, wu, zheng, zhao = chat("wang"), chat("wu"), chat("zheng"), chat("zhao")
    await _file(wang, "6号楼1单元楼道灯坏了")  # to wu
    await _file(wang, "6号楼门口垃圾桶满了好几天没人清运")  # to zheng, who has less on his plate
    await wu.inbox()
    await zheng.inbox()
    await zhao.inbox()
    clock.set(local(2026, 11, 30, 7, 0))  # the next Monday
    await timekeeping.plan_digests(app)
    await tick(app)
    assert await wu.inbox() == ""
    clock.set(local(2026, 11, 30, 8, 0))
    await tick(app)
    out = await wu.inbox()
    assert "早上好" in out and "1 件待办" in out and "🟢 1" in out and "照明" in out and "已 6 天" in out
    assert "前受理（" not in out  # reminders for a deadline already past are not sent late: the ladder has it
    out = await zheng.inbox()
    assert "早上好" in out and "环境卫生" in out
    out = await zhao.inbox()
    assert "昨日小结" in out
    clock.set(local(2026, 11, 30, 8, 31))
    await timekeeping.plan_digests(app)  # a second process, or a restart, plans again: nothing doubles
    await tick(app)
    out = await zhao.inbox()
    assert "上周小结" in out and "新受理 2 件" in out and "昨日" not in out
    assert await wu.inbox() == ""


async def test_a_restart_late_in_the_day_sends_no_morning_digest(app, chat, clock):
    wang, wu = chat("wang"), chat("wu")
    await _file(wang, "6号楼1单元楼道灯坏了")
    await wu.inbox()
    clock.set(local(2026, 11, 25, 20, 0))
    await timekeeping.plan_digests(app)
    await tick(app)
    assert "早上好" not in await wu.inbox()
    clock.set(local(2026, 11, 26, 8, 0))
    await tick(app)
    assert "早上好" in await wu.inbox()


def test_snooze_words():
    now = local(2026, 11, 23, 16, 0)
    assert timekeeping.parse_snooze("2小时后", now, SH) == now + timedelta(hours=2)
    assert timekeeping.parse_snooze("半小时", now, SH) == now + timedelta(minutes=30)
    assert timekeeping.parse_snooze("in 3 hours", now, SH) == now + timedelta(hours=3)
    assert timekeeping.parse_snooze("明天下午三点", now, SH) == local(2026, 11, 24, 15, 0)
    assert timekeeping.parse_snooze("明天", now, SH) == local(2026, 11, 24, 9, 0)
    assert timekeeping.parse_snooze("三点", now, SH) == local(2026, 11, 24, 3, 0) or \
        timekeeping.parse_snooze("下午三点", now, SH) == local(2026, 11, 24, 15, 0)
    assert timekeeping.parse_snooze("tomorrow 9am", now, SH) == local(2026, 11, 24, 9, 0)
    assert timekeeping.parse_snooze("不知道", now, SH) is None


async def test_the_scheduler_only_wakes_the_sweep_and_plans(app, chat, clock):
    from scheduler import build_scheduler, jobs

    sched = build_scheduler(app)
    ids = {j.id for j in sched.get_jobs()}
    assert {"timekeeping.sweep", "timekeeping.plan_digests", "points.expire_vouchers",
            "notices.release_scheduled", "notices.care_sweep"} <= ids
    assert sched.get_job("timekeeping.sweep").trigger.interval == timedelta(seconds=5)
    wang, zhou = chat("wang"), chat("zhou")
    await _file(wang, "6号楼1单元楼道灯坏了")
    clock.set(local(2026, 11, 24, 10, 1))
    await jobs.sweep(app)  # what the interval trigger runs: plan, then the breach, from the database alone
    await jobs.sweep(app)
    assert "超时督办（网格长）" in await zhou.inbox()


async def test_the_sweep_wakes_when_the_next_item_falls_due_not_only_on_its_interval(app, clock):
    """A reminder due 2 s after a sweep goes out then, not at the next 5-second tick; one due after the tick leaves
    the tick as it is; one already due but held (another process has it) does not make the sweep spin."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from scheduler import jobs

    sched = AsyncIOScheduler(timezone=app.settings.tz)
    jobs.add_sweep(sched, app)
    job = sched.get_job(jobs.SWEEP)

    async def after_a_sweep(*due_in: float) -> float:
        """Seconds until the sweep wakes next, after a sweep that found items due in due_in seconds pending."""
        tick = datetime.now(timezone.utc) + timedelta(seconds=5)
        job.modify(next_run_time=tick)  # as after a run: the next interval tick
        async with app.sessionmaker() as s, s.begin():
            await s.execute(DueItem.__table__.update().where(DueItem.state == "pending").values(state="cancelled"))
            for n, d in enumerate(due_in):
                s.add(DueItem(kind="digest_workers", ref=f"wake-test:{d}:{n}:{clock.now()}", state="pending",
                              due_at=clock.now() + timedelta(seconds=d), attempts=0, payload={},
                              created_at=clock.now()))
        if any(d <= 0 for d in due_in):  # a sweep that left it pending: another process holds it (SKIP LOCKED)
            await jobs.wake_when_due(sched, app, clock.now())
        else:
            await jobs.sweep(app, sched)
        return (job.next_run_time - datetime.now(timezone.utc)).total_seconds()

    assert 1.0 < await after_a_sweep(2) < 2.5
    assert 4.0 < await after_a_sweep(60) <= 5
    assert 4.0 < await after_a_sweep(-1, 60) <= 5


async def test_an_english_resident_hears_the_slip_in_english(app, chat, clock):
    amy = chat("amy", lang="en")
    await amy.say("The corridor light in building B is broken")
    out = await amy.press("Submit")
    assert "Promised: accepted by" in out, out
    await tick(app)
    clock.set(local(2026, 11, 24, 10, 1))
    await tick(app)
    out = await amy.inbox()
    assert "was not accepted by 2026-11-24 10:00 as promised" in out


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_timekeeping_message_renders(locale):
    from bot.core import Reply
    from bot.render import Renderer
    from bot.settings import ROOT

    r = Renderer(ROOT / "templates", SH)
    t = local(2026, 11, 24, 10, 0)
    case = {"id": 7, "colour": "green", "category": "lighting", "state": "assigned", "text": "灯坏了", "building": "6",
            "unit": "1", "room": None, "accept_due_at": t, "resolve_due_at": t, "created_at": t, "age_days": 2,
            "age_hours": 50, "overdue": True, "assignee": "吴网格员", "department": None, "department_en": None,
            "grid": "第二网格", "grid_en": "Grid 2", "has_location": False, "photos": 0, "followers": 0}
    left = {"days": 0, "hours": 3, "minutes": 5}
    summary = {"new": 3, "closed": 1, "overdue": 2, "open": 4, "reopened": 1, "rating": 4.5, "escalations": 2,
               "start": t, "end": t, "last_day": t}
    contexts = {
        "remind": {"case": case, "clock": "accept", "due": t, "left": left},
        "snoozed_remind": {"case": case},
        "ladder": {"case": case, "step": "coordinator", "clock": "resolve", "events": [
            {"kind": "assign", "at": t, "note": None}, {"kind": "overdue", "at": t, "note": None}]},
        "ladder_assignee": {"case": case, "step": "department", "clock": "resolve", "department": "物业公司",
                            "department_en": "Property"},
        "slipped": {"case": case, "clock": "resolve", "own": False},
        "rate_reminder": {"case": case, "note": "换了灯泡"},
        "follow_up": {"case": case}, "follow_up_thanks": {}, "follow_up_reopened": {"case": case},
        "follow_up_done": {}, "snooze_ask": {"case_id": 7}, "snooze_ok": {"case": case, "until": t, "deadline": t},
        "snooze_bad": {}, "snooze_closed": {"case_id": 7},
        "digest_worker": {"total": 1, "counts": {"red": 0, "yellow": 0, "green": 1}, "cases": [case], "more": 2,
                          "overdue": 1},
        "digest_summary": {**summary, "weekly": True},
    }
    for name, ctx in contexts.items():
        for html in (False, True):
            text = r.render(Reply(f"timekeeping/{name}", ctx), locale, html)[0].text
            assert text.strip() and "{{" not in text, name


async def test_an_item_that_fails_holds_back_nothing_else_and_is_tried_again(app, chat, clock):
    from sqlalchemy import insert

    from models import Person

    now = clock.now()
    due = now + timedelta(hours=4)
    iso = due.isoformat(timespec="seconds")
    async with app.sessionmaker() as s, s.begin():
        wang = await s.scalar(select(Person.id).where(Person.key == "res-wang"))
        wu = await s.scalar(select(Person.id).where(Person.key == "g2-wu"))
        await s.execute(insert(Case), [dict(
            category="lighting", urgent=False, colour="green", state="accepted", text=f"{n}号楼道灯坏了",
            reporter_id=wang, assignee_id=wu, accept_due_at=now, resolve_due_at=due, reopen_count=0,
            escalation_level=0, supervised=False, parse={}, created_at=now, updated_at=now) for n in (1, 2, 3)])
        ids = list(await s.scalars(select(Case.id).order_by(Case.id.desc()).limit(3)))
        await s.execute(insert(DueItem), [dict(
            kind="remind", case_id=cid, due_at=now, state="pending", attempts=0, created_at=now,
            payload={"key": f"remind:resolve:0.5:{iso}", "clock": "resolve", "fraction": 0.5, "due": iso})
            for cid in ids])
    bad_case = ids[1]
    real = timekeeping.FIRE["remind"]

    async def fails_for_one(f, item, case):
        if case.id == bad_case:
            raise RuntimeError("a bug in one firing")
        await real(f, item, case)

    timekeeping.FIRE["remind"] = fails_for_one
    try:
        st = await timekeeping.sweep_once(app)
    finally:
        timekeeping.FIRE["remind"] = real
    assert (st.fired, st.failed) == (2, 1)
    wu = chat("wu")
    out = await wu.inbox()
    assert f"#{ids[0]}" in out and f"#{ids[2]}" in out and f"#{bad_case}" not in out
    async with app.sessionmaker() as s:
        item = await s.scalar(select(DueItem).where(DueItem.case_id == bad_case))
    assert item.state == "pending" and item.attempts == 1 and "a bug in one firing" in item.last_error
    assert item.due_at > now  # tried again a little later, not at once
    await tick(app, clock, minutes=2)
    out = await wu.inbox()
    assert f"#{bad_case}" in out and f"#{ids[0]}" not in out
