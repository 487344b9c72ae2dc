"""Onboarding through the web chat: a resident registers by buttons; staff join by invitation; /help, /lang."""
from sqlalchemy import select

from models import ChatIdentity, Person


async def test_new_resident_registers_by_buttons(chat, app):
    c = chat("visitor1")
    out = await c.say("/start")
    assert "登记" in out and "几号楼" in out
    await c.press("6号楼")
    out = await c.press("1单元")
    assert "门牌号" in out
    out = await c.say("302")
    assert "6号楼1单元302室" in out
    out = await c.press("同意并保存")
    assert "登记好了" in out and "第二网格" in out
    async with app.sessionmaker() as s:
        ident = await s.scalar(select(ChatIdentity).where(ChatIdentity.chat_id == "visitor1"))
        p = await s.get(Person, ident.person_id)
        assert (p.unit, p.room) == ("1", "302") and p.consent_at is not None


async def test_restart_halfway_keeps_the_place_and_text_where_buttons_expected(chat):
    c = chat("visitor2")
    await c.say("/start")
    await c.press("3号楼")
    out = await c.say("我不知道")  # typed while a button is expected
    assert "请点击下面的按钮" in out and "单元" in out
    out = await c.say("/start")
    assert "接着上次" in out and "3号楼" in out
    await c.press("2单元")
    await c.press("不填门牌号")
    out = await c.press("同意并保存")
    assert "3号楼2单元" in out


async def test_stale_button_after_finishing_is_refused_politely(chat):
    c = chat("visitor3")
    await c.say("/start")
    await c.press("5号楼")
    await c.press("1单元")
    await c.press("不填门牌号")
    await c.press("同意并保存")
    out = await c.press_data("reg:u:2")  # the old unit button, pressed again
    assert "过期" in out


async def test_staff_join_by_invitation_and_code_cannot_be_reused(chat, app):
    a = chat("newworker")
    out = await a.say("/start G1-LI")
    assert "网格员" in out and "李网格员" in out
    b = chat("impostor")
    out = await b.say("/start G1-LI")
    assert "已经被使用" in out
    out = await chat("x").say("/start NOPE")
    assert "无效" in out


async def test_help_lang_unknown_command_and_english(chat):
    c = chat("amy", lang="en")  # a demo resident with English
    out = await c.say("/help")
    assert "/lang" in out
    out = await c.say("/frobnicate")
    assert "don't know the command /frobnicate" in out
    await c.say("/lang")
    out = await c.press("中文")
    assert "中文" in out
    out = await c.say("/frobnicate")
    assert "不认识命令" in out


async def test_over_long_message_is_refused_and_nothing_is_lost(chat):
    c = chat("visitor4")
    await c.say("/start")
    await c.press("2号楼")
    out = await c.say("长" * 5000)
    assert "5000" in out
    out = await c.press("1单元")  # the registration goes on where it was
    assert "门牌号" in out


async def test_event_qr_deep_link_checks_in_through_start(chat):
    import re

    out = await chat("li").say("/event 清扫楼道 8 2")
    code = re.search(r"(?:签到码)[：:]\s*([A-Z0-9]{6})", out).group(1)
    out = await chat("wang").say(f"/start ev{code}")
    assert "签到成功" in out
    out = await chat("wang").say("/start evNOPE42")
    assert "没有这个签到码" in out
