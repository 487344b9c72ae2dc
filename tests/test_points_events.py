"""Events with check-in codes (during their window only, awarded in one go), the opt-in grid leaderboard,
monthly statements, and the points section of /help."""
import re
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from bot.services import points as svc
from models import Person
from models.points import EventCheckin, PointsAccount
from scheduler import points_jobs


async def _balance(app, key) -> int:
    async with app.sessionmaker() as s:
        p = await s.scalar(select(Person).where(Person.key == key))
        acct = await s.get(PointsAccount, p.id)
        derived = await svc.ledger_sum(s, p.id)
    assert ((acct.balance, acct.held) if acct else (0, 0)) == derived
    return derived[0]


def _event_code(text: str) -> str:
    return re.search(r"(?:签到码|Check-in code)[：:]\s*([A-Z0-9]{6})", text).group(1)


async def test_event_check_in_window_and_award_in_one_go(chat, app, clock, settings):
    li, zhang, wang, amy = chat("li"), chat("zhang"), chat("wang"), chat("amy", "en")
    out = await li.say("/event 垃圾分类宣传 10 2")
    code = _event_code(out)
    assert "每人 10 分" in out and "10:00–12:00" in out and f"/checkin {code}" in out and "扫描二维码" in out
    assert li.messages[-1].photo == f"/files/event-{code}.png"
    assert (Path(settings.data_dir) / "uploads" / f"event-{code}.png").exists()
    out = await zhang.say(f"/checkin {code}")
    assert "签到成功" in out and "10 分" in out
    out = await zhang.say(f"/checkin {code.lower()}")
    assert "已经签到过" in out
    out = await wang.say(f"/start ev{code}")  # what the QR's deep link sends
    assert "签到成功" in out
    out = await wang.say("/checkin NOPE42")
    assert "没有这个签到码" in out
    out = await chat("stranger").say(f"/checkin {code}")
    assert "登记" in out
    clock.advance(hours=2, minutes=1)
    out = await amy.say(f"/checkin {code}")
    assert "not open now" in out
    async with app.sessionmaker() as s:
        assert len(list(await s.scalars(select(EventCheckin)))) == 2
    assert await _balance(app, "res-zhang") == 0  # nothing until the organiser confirms
    out = await chat("wu").press_data("p1:evc:1")  # another grid's worker
    assert "没有办理这件事的权限" in out
    out = await li.say("/event")
    assert "垃圾分类宣传" in out and code in out
    out = await li.press("确认名单")
    assert "已签到 2 人\n" in out and "\n· 张大爷\n" in out and "\n· 王阿姨\n" in out
    out = await li.press("发放积分（2人）")
    assert "已为 2 人发放共 20 分" in out
    out = await zhang.inbox()
    assert "感谢参加" in out and "10 分已到账" in out
    await wang.inbox()
    assert await _balance(app, "res-zhang") == 10 and await _balance(app, "res-wang") == 10
    out = await li.press_data("p1:eva:1")  # a second tap awards nothing more
    assert "不会重复发放" in out
    assert await _balance(app, "res-zhang") == 10
    out = await zhang.say(f"/checkin {code}")
    assert "现在不能签到" in out


async def test_event_needs_staff_and_sane_arguments(chat):
    out = await chat("wang").say("/event 跳广场舞 10")
    assert "没有办理这件事的权限" in out
    out = await chat("li").say("/event 跳广场舞 500")
    assert "1 到 100" in out
    out = await chat("li").say("/event 跳广场舞")
    assert "用法" in out


async def test_leaderboard_is_opt_in_and_shows_first_names_only(chat, app):
    zhao = chat("zhao")
    await zhao.say("/adjust res-wang +30 测试")
    wang, zhang = chat("wang"), chat("zhang")
    async with app.sessionmaker() as s, s.begin():
        w = await s.scalar(select(Person).where(Person.key == "res-wang"))
        await svc.earn(s, svc.rules_of(app), w, 25, app.clock.now().date(), key="t:w", now=app.clock.now())
    out = await wang.say("/leaderboard")
    assert "还没有人上榜" in out and "您没有上榜" in out
    out = await wang.press("加入积分榜")
    assert "1. 王*（我）　25 分" in out and "王阿姨" not in out
    out = await zhang.say("/leaderboard")  # zhang lives in grid 1: a different board
    assert "第一网格" in out and "王*" not in out
    out = await wang.press("退出积分榜")
    assert "还没有人上榜" in out


async def test_monthly_statement_once_to_each_who_earned_or_spent(chat, app, clock):
    await chat("zhao").say("/adjust res-wang +50 补录")
    wang = chat("wang")
    await wang.inbox()
    await wang.say("/claim 今天打扫卫生2小时")
    await wang.press("提交申报")
    await chat("wu").inbox()
    await chat("wu").press("通过")
    await wang.inbox()
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))  # 09:00 on the 1st in Shanghai
    assert await points_jobs.monthly_statements(app, clock.now()) == 1
    out = await wang.inbox()
    assert "2026-11 积分月报" in out and "获得：20 分" in out and "调整：+50 分" in out and "目前可用：70 分" in out
    assert await points_jobs.monthly_statements(app, clock.now()) == 0  # not twice
    assert await chat("zhang").inbox() == ""


async def test_help_has_the_points_section(chat):
    out = await chat("wang").say("/help")
    assert "/points" in out and "/redeem" in out and "/adjust" not in out
    out = await chat("zhao").say("/help")
    assert "/voucher" in out and "/adjust" in out
