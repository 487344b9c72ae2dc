"""Notices through the web chat: compose with the exact count, targeting by each audience, who may send where,
acknowledgements, quiet hours, mute, scheduled notices, the care list, and resuming without duplicates."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.services import notices as svc
from models import Building, ChatIdentity, Person
from models.notices import Notice, NoticeDelivery

DEMO_RESIDENTS = {"wang", "zhang", "amy"}


async def deliver(app) -> int:
    n = await svc.sender(app).drain()
    await app.outbox.drain()
    return n


async def compose(c, text: str, audience: str, *, urgent: bool = False, extra: list[str] | None = None) -> str:
    """Drive /notice to the preview; returns the preview text."""
    await c.say("/notice")
    await c.say(text)
    out = await c.press(audience)
    for step in extra or []:
        out = await (c.say(step[4:]) if step.startswith("say:") else c.press(step))
    await c.press("紧急" if urgent else "普通")
    return await c.press("立即发送")


def got(chat, text: str) -> bool:
    return any(text in m.text for m in chat.messages)


async def test_coordinator_sends_to_everyone_with_exact_count_and_progress(chat, app):
    z = chat("zhao")
    out = await compose(z, "明天上午9点到11点停水，请提前储水。", "全体居民")
    assert "收件人：3人" in out and "停水" in out
    preview, _ = z.find_button("确认发送")
    assert await z.press("确认发送") == ""  # the preview itself turns into the progress message
    assert "正在发送" in preview.text and "待发 3" in preview.text
    await deliver(app)
    for name in DEMO_RESIDENTS:
        assert got(chat(name), "停水"), name
    assert "Notice" in chat("amy").messages[-1].text  # Amy reads English
    assert not got(chat("li"), "停水")  # a grid worker without a home here is not a resident
    assert "发送完毕" in preview.text and "已送达 3" in preview.text and "待发 0" in preview.text
    assert "发送报告" in z.last_text and "送达 3人" in z.last_text


async def _preview_count(c, audience: str, extra=None, urgent=False) -> str:
    out = await compose(c, "测试通知", audience, urgent=urgent, extra=extra)
    await c.press("取消")
    return out


async def test_targeting_by_each_audience_kind(chat, app):
    z = chat("zhao")
    assert "收件人：3人" in await _preview_count(z, "全体居民")
    await z.say("/notice")
    await z.say("社区通知")
    await z.press("某个社区")
    await z.press("幸福社区")
    await z.press("普通")
    assert "收件人：3人" in await z.press("立即发送")
    await z.press("取消")
    # grids are toggled on and off; grid 1 (zhang) and grid 3 (amy)
    out = await _preview_count(z, "选网格", extra=["第一网格", "第三网格", "第二网格", "第二网格", "选好了"])
    assert "收件人：2人" in out and "第一网格" in out and "第三网格" in out and "第二网格" not in out
    out = await _preview_count(z, "选楼栋", extra=["say:6, B"])
    assert "收件人：2人" in out and "6号楼" in out
    out = await _preview_count(z, "某类工作人员", extra=["网格员"])
    assert "收件人：4人" in out  # li, wu, zheng, ma
    out = await _preview_count(z, "需要关照的居民")
    assert "收件人：1人" in out
    # and the one to the care residents reaches exactly zhang
    await compose(z, "降温了，注意保暖。", "需要关照的居民")
    await z.press("确认发送")
    await deliver(app)
    assert got(chat("zhang"), "注意保暖") and not got(chat("wang"), "注意保暖") and not got(chat("amy"), "保暖")
    await compose(z, "网格员例会改到周五。", "某类工作人员", extra=["网格员"])
    await z.press("确认发送")
    await deliver(app)
    assert all(got(chat(w), "例会") for w in ("li", "wu", "zheng", "ma"))
    assert not got(chat("chen"), "例会") and not got(chat("wang"), "例会")


async def test_unknown_buildings_are_named_and_nothing_is_lost(chat):
    z = chat("zhao")
    await z.say("/notice")
    await z.say("电梯检修")
    await z.press("选楼栋")
    out = await z.say("6, 99")
    assert "99" in out and "没有找到" in out
    out = await z.say("6号楼")
    assert "普通还是紧急" in out


async def test_grid_leader_sends_to_own_grid_only(chat, app):
    c = chat("chen")  # grid 1: buildings 1-4, zhang lives in 2
    await c.say("/notice")
    await c.say("本周六网格大扫除")
    assert c.buttons() == ["本网格全体居民", "选楼栋", "需要关照的居民"]
    out = await c.press_data("n1:aud:all")
    assert "只能给本网格" in out
    out = await c.press("选楼栋")
    assert out.endswith("可选楼栋：1、2、3、4")
    out = await c.say("6")
    assert "没有找到这些楼栋：6" in out
    await c.say("/cancel")
    out = await compose(c, "本周六网格大扫除", "本网格全体居民")
    assert "收件人：1人" in out
    await c.press("确认发送")
    await deliver(app)
    assert got(chat("zhang"), "大扫除") and not got(chat("wang"), "大扫除")
    # a forged audience never passes the service, whatever a button says
    async with app.sessionmaker() as s:
        chen = await s.get(Person, (await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "chen"))).person_id)
        scope = await svc.scope_of(s, chen)
        b6 = await s.scalar(select(Building.id).where(Building.code == "6"))
        for aud in ({"kind": "buildings", "ids": [b6]}, {"kind": "all"}, {"kind": "role", "role": "grid_worker"}):
            try:
                await svc.check_audience(s, scope, aud)
            except svc.Refused as r:
                assert r.template == "notices/own_grid_only"
            else:
                raise AssertionError(f"grid leader allowed {aud}")


async def test_residents_and_workers_cannot_send(chat):
    out = await chat("wang").say("/notice")
    assert "没有办理这件事的权限" in out
    out = await chat("li").say("/notice")
    assert "没有办理这件事的权限" in out


async def test_too_long_and_photo_without_text(chat):
    z = chat("zhao")
    await z.say("/notice")
    out = await z.say("长" * 2500)
    assert "2500" in out and "2000" in out
    out = await z.photo("/files/pic.jpg")
    assert "图片收到了" in out
    out = await z.say("小区门口施工，请绕行。")
    assert "发给谁" in out
    await z.press("全体居民")
    await z.press("普通")
    out = await z.press("立即发送")
    assert "附图片一张" in out and "施工" in out


async def test_urgent_ack_and_care_list_to_the_grid_worker(chat, app, clock):
    z = chat("zhao")
    out = await compose(z, "燃气泄漏抢修，请勿使用明火！", "全体居民", urgent=True)
    assert "🚨 紧急" in out
    await z.press("确认发送")
    await deliver(app)
    w, zh = chat("wang"), chat("zhang")
    assert "紧急通知" in w.last_text and "收到" in w.buttons()[0]
    out = await w.press("收到")
    assert "已确认收到" in out
    out = await w.press_data(w.find_button("收到")[1]["data"])
    assert "已经确认过" in out
    out = await chat("li").press_data("n1:ack:1")  # not a recipient: refused
    assert "失效" in out
    # zhang (needs care, grid 1) does not press: after the acknowledgement time, li (grid 1's worker) gets a visit list
    assert await svc.care_sweep(app, clock.now()) == 0
    clock.advance(minutes=121)
    assert await svc.care_sweep(app, clock.now()) == 1
    await app.outbox.drain()
    li = chat("li")
    assert "请上门看看" in li.last_text and "2号楼" in li.last_text and "张大爷" in li.last_text and "1单元101室" in li.last_text
    assert not got(chat("wu"), "请上门看看")
    assert await svc.care_sweep(app, clock.now() + timedelta(hours=1)) == 0  # once per notice
    async with app.sessionmaker() as s:
        c = await svc.counts(s, 1)
    assert c["acked"] == 1 and c["sent"] == 3


async def test_care_list_skips_those_who_acknowledged(chat, app, clock):
    z = chat("zhao")
    await compose(z, "暴雨预警，请关好门窗。", "需要关照的居民", urgent=True)
    await z.press("确认发送")
    await deliver(app)
    await chat("zhang").press("收到")
    clock.advance(hours=3)
    assert await svc.care_sweep(app, clock.now()) == 0
    await app.outbox.drain()
    assert not got(chat("li"), "请上门看看")


async def test_quiet_hours_hold_normal_notices_until_morning_but_not_urgent(chat, app, clock):
    clock.set(clock.now().replace(hour=15, minute=0))  # 23:00 in Shanghai
    z = chat("zhao")
    out = await compose(z, "明天小区健身器材维护。", "全体居民")
    assert "夜间免打扰" in out and "07:00" in out
    preview, _ = z.find_button("确认发送")
    await z.press("确认发送")
    await deliver(app)
    assert not got(chat("wang"), "健身器材")
    assert "07:00继续发送" in preview.text
    await compose(z, "3号楼起火，请立即撤离！", "全体居民", urgent=True)
    await z.press("确认发送")
    await deliver(app)
    assert got(chat("wang"), "起火") and not got(chat("wang"), "健身器材")
    clock.set(clock.now().replace(hour=23, minute=1))  # 07:01 in Shanghai
    await deliver(app)
    assert got(chat("wang"), "健身器材")
    w = [m.text for m in chat("wang").messages]
    assert w.index(next(t for t in w if "起火" in t)) < w.index(next(t for t in w if "健身器材" in t))


async def test_urgent_goes_before_normal(chat, app):
    async with app.sessionmaker() as s, s.begin():
        zhao = await s.get(Person, (await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "zhao"))).person_id)
        scope = await svc.scope_of(s, zhao)
        now = app.clock.now()
        await svc.create(s, author=zhao, scope=scope, text="普通通知甲", audience={"kind": "all"}, urgent=False, now=now)
        await svc.create(s, author=zhao, scope=scope, text="紧急通知乙", audience={"kind": "all"}, urgent=True, now=now)
    await deliver(app)
    w = [m.text for m in chat("wang").messages]
    assert "紧急通知乙" in w[0] and "普通通知甲" in w[1]


async def test_mute_normal_notices_never_urgent_and_recent_notices(chat, app):
    w = chat("wang")
    out = await w.say("/notices")
    assert "最近没有" in out
    out = await w.press("不再接收普通通知")
    assert "已关闭普通通知" in out
    z = chat("zhao")
    out = await compose(z, "垃圾分类宣传周。", "全体居民")
    assert "收件人：2人" in out and "1人关闭了普通通知" in out
    await z.press("确认发送")
    await compose(z, "停电抢修，电梯停用。", "全体居民", urgent=True)
    await z.press("确认发送")
    await deliver(app)
    assert not got(w, "垃圾分类") and got(w, "停电抢修")
    out = await w.say("/notices")
    assert "停电抢修" in out and "垃圾分类" in out and "已静音" in out and "关闭普通通知" in out
    out = await w.press("恢复接收普通通知")
    assert "已恢复" in out
    async with app.sessionmaker() as s:
        p = await s.get(Person, (await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "wang"))).person_id)
        assert p.muted_notices is False


async def test_scheduled_notice_goes_out_at_its_time(chat, app, clock):
    z = chat("zhao")
    await z.say("/notice")
    await z.say("今晚7点社区电影放映。")
    await z.press("全体居民")
    await z.press("普通")
    await z.press("定时发送")
    out = await z.say("昨天")
    assert "没看懂" in out
    out = await z.say("18:30")  # 10:00 now
    assert "18:30" in out and "收件人：3人" in out
    preview, _ = z.find_button("确认发送")
    await z.press("确认发送")
    assert "已安排" in preview.text
    await deliver(app)
    assert not got(chat("wang"), "电影")
    clock.advance(hours=8, minutes=31)
    await deliver(app)
    assert got(chat("wang"), "电影") and got(chat("amy"), "电影")
    assert "发送完毕" in preview.text


async def test_blocked_recipient_is_marked_and_reported(chat, app, web):
    web.blocked.add("wang")
    z = chat("zhao")
    await compose(z, "核酸检测通知。", "全体居民")
    await z.press("确认发送")
    await deliver(app)
    async with app.sessionmaker() as s:
        ident = await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "wang"))
        assert ident.reachable is False and ident.blocked_at is not None
        c = await svc.counts(s, 1)
    assert (c["sent"], c["blocked"]) == (2, 1)
    assert "送达 2人，失败 1人（其中屏蔽了机器人 1人" in z.last_text


async def _many_residents(app, n: int) -> list[str]:
    """n more residents in building 10, each with a web chat."""
    async with app.sessionmaker() as s, s.begin():
        b = await s.scalar(select(Building).where(Building.code == "10"))
        now = app.clock.now()
        chats = []
        for i in range(n):
            p = Person(name=f"居民{i}", community_id=b.community_id, building_id=b.id, unit="1", room=str(100 + i),
                       consent_at=now, created_at=now)
            s.add(p)
            await s.flush()
            s.add(ChatIdentity(platform="web", chat_id=f"r{i}", person_id=p.id, language_code="zh",
                               last_seen_at=now, created_at=now))
            chats.append(f"r{i}")
    return chats


class Killed(BaseException):
    """Like SIGKILL for the sender's task: no handler of ours catches it."""


async def _crash_half_way(app, web, text: str, accepted_then_killed: bool) -> None:
    """Send a notice and 'kill' the sender at the 20th message: the task dies inside channel.send, after the
    message reached the chat (accepted_then_killed) or before it did."""
    real = web.send
    calls = {"n": 0}

    async def dying(chat_id, message):
        calls["n"] += 1
        if calls["n"] == 20:
            if accepted_then_killed:
                await real(chat_id, message)
            raise Killed()  # not a channel error: the worker dies here, the others are cancelled where they are
        return await real(chat_id, message)

    web.send = dying
    try:
        await svc.sender(app).drain()
    except BaseExceptionGroup as eg:
        assert eg.subgroup(Killed) is not None
    finally:
        web.send = real
    app.notices = svc.NoticeSender(app)  # the restarted process: a new run


async def _sent_counts(app, web, chats, text):
    return {c: sum(1 for m in web.messages.get(c, []) if text in m.text) for c in chats}


async def _in_flight(app) -> int:
    async with app.sessionmaker() as s:
        return await s.scalar(select(func.count()).where(NoticeDelivery.status == "sending"))


async def test_kill_half_way_then_resume_sends_nobody_twice(chat, app, web):
    chats = await _many_residents(app, 40)
    z = chat("zhao")
    await compose(z, "楼道消防通道清理。", "选楼栋", extra=["say:10"])
    await z.press("确认发送")
    await _crash_half_way(app, web, "消防通道", accepted_then_killed=True)
    before = await _sent_counts(app, web, chats, "消防通道")
    assert 0 < sum(before.values()) < 40
    in_flight = await _in_flight(app)
    assert 1 <= in_flight <= svc.config(app).workers  # the killed one and the others cut short
    await deliver(app)
    counts = await _sent_counts(app, web, chats, "消防通道")
    assert max(counts.values()) == 1  # nobody twice
    async with app.sessionmaker() as s:
        c = await svc.counts(s, 1)
        doubt = set(await s.scalars(select(ChatIdentity.chat_id).join(
            NoticeDelivery, NoticeDelivery.person_id == ChatIdentity.person_id).where(NoticeDelivery.status == "in_doubt")))
    assert c["in_doubt"] == in_flight and c["sent"] + c["in_doubt"] == 40 and c["remaining"] == 0
    assert {ch for ch, n in counts.items() if n == 0} <= doubt  # only a row in flight at the kill can miss out
    assert sum(counts.values()) >= 40 - in_flight + 1  # the killed one had reached its chat
    assert "可能已送达" in z.last_text


async def test_resend_in_doubt_trades_a_duplicate_for_no_loss(chat, app, web):
    app.notices_config = svc.config(app).with_(resend_in_doubt=True)
    chats = await _many_residents(app, 30)
    z = chat("zhao")
    await compose(z, "水箱清洗。", "选楼栋", extra=["say:10"])
    await z.press("确认发送")
    await _crash_half_way(app, web, "水箱清洗", accepted_then_killed=False)  # killed before the platform had it
    in_flight = await _in_flight(app)
    await deliver(app)
    counts = await _sent_counts(app, web, chats, "水箱清洗")
    assert min(counts.values()) == 1  # nobody lost
    assert sum(counts.values()) - 30 <= in_flight - 1  # a duplicate only where a send in flight had got through
    async with app.sessionmaker() as s:
        assert (await svc.counts(s, 1))["sent"] == 30


async def test_cli_send_and_list(app, settings, capsys, clock):
    import asyncio
    from datetime import datetime, timezone

    clock.set(datetime.now(timezone.utc))  # the CLI runs on the real clock

    from bot.services.notices_cli import main

    errors = []

    async def cli(*argv: str) -> tuple[int, str]:  # the CLI runs its own event loop: give it a thread
        rc = await asyncio.to_thread(main, list(argv), settings)
        got = capsys.readouterr()
        errors.append(got.err)
        return rc, got.out

    rc, out = await cli("send", "--text", "系统维护通知", "--audience", "building:6,B", "--dry-run")
    assert rc == 0 and "recipients: 2" in out
    rc, out = await cli("send", "--text", "系统维护通知", "--audience", "care", "--urgent", "--as", "coord-zhao")
    assert rc == 0 and "#1 queued for 1 recipients" in out
    rc, _ = await cli("send", "--text", "x", "--audience", "grid:nope")
    assert rc == 2 and "unknown grid" in errors[-1]
    rc, out = await cli("send", "--text", "周末停车场划线", "--audience", "all", "--at", "20:00")
    assert rc == 0 and "#2 scheduled for" in out and "20:00" in out
    async with app.sessionmaker() as s:
        n = await s.get(Notice, 1)
        assert n.urgent and n.status == "sending" and n.total == 1
    clock.set(datetime.now(timezone.utc))
    await deliver(app)
    rc, out = await cli("list")
    assert "#1 done" in out and "sent=1" in out and "#2 scheduled" in out
    rc, out = await cli("cancel", "2")
    assert rc == 0 and "cancelled" in out


async def test_only_the_lease_holder_sends(chat, app):
    z = chat("zhao")
    await compose(z, "二号进程不应发送。", "全体居民")
    await z.press("确认发送")
    await app.outbox.drain()  # this process takes the "delivery" lease
    other = svc.NoticeSender(app)
    other.holder = "another-process"
    assert await other.run_once() == 0 and not got(chat("wang"), "二号进程")
    assert await svc.sender(app).run_once() == 3 and got(chat("wang"), "二号进程")


async def test_english_coordinator_composes_in_english(chat, app):
    z = chat("zhao", lang="en")
    await z.say("/lang")
    await z.press("English")
    await z.say("/notice")
    out = await z.say("Water off tomorrow 9-11.")
    assert "Who should get it?" in out
    await z.press("Residents needing care")
    await z.press("Urgent")
    out = await z.press("Send now")
    assert "Recipients: 1" in out and "to: residents needing care" in out and "🚨 Urgent" in out
    preview, _ = z.find_button("Send")
    await z.press("✅ Send")
    await deliver(app)
    assert "Notice #1 sent" in preview.text and "sent 1 | failed 0 | remaining 0" in preview.text
    assert "紧急通知" in chat("zhang").last_text
