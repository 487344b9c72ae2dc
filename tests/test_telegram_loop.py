"""The closed loop through Telegram, against the fake Bot API with aiogram's real client: a resident registers and
files a matter with a photo, the grid worker (joined by invitation) accepts and resolves it with a photo, the
resident rates it, then reopens it; the photos travel as Telegram file ids."""
from sqlalchemy import select

from models import Case, CaseEvent, CasePhoto
from tests.telegram_fixtures import TgChat, api, tg_app  # noqa: F401  (fixtures)


async def _register(c: TgChat) -> None:
    await c.say("/start", until="几号楼")
    await c.press("6号楼")
    await c.press("1单元")
    await c.say("302", until="302室")
    out = await c.press("同意并保存")
    assert "登记好了" in out


async def test_the_whole_loop_over_telegram(tg_app, api):
    resident = TgChat(api, api.user(7001, "秀英", language_code="zh-hans"))
    worker = TgChat(api, api.user(7002, "吴", language_code="zh-hans"))
    out = await worker.say("/start G2-WU", until="欢迎")
    assert "吴网格员" in out
    await _register(resident)

    out = await resident.say("6号楼1单元楼道灯坏了一个星期了", until="我理解的是")
    assert "照明" in out and "6号楼1单元" in out
    resident._mark = len(resident.messages)
    await resident.user.send_photo(caption=None)
    await api.wait_until(lambda: any("照片已添加" in (m.plain or "") for m in resident.messages[resident._mark:]))
    out = await resident.press("提交")
    assert "已提交 #" in out
    case_id = int(out.split("#", 1)[1].split()[0])

    # the worker is told through the outbox, with the resident's photo (a Telegram file id) and buttons
    await tg_app.outbox.drain()
    card = await api.wait_for(lambda m: m.chat_id == 7002 and f"#{case_id}" in (m.plain or ""))
    assert card.method == "sendPhoto" and "楼道灯坏了" in card.plain and "✅ 受理" in card.button_texts
    assert "反映人：秀英" in card.plain and "\n照片：1 张" in card.plain
    out = await worker.press_data(f"c1:acc:{case_id}", card)
    assert "已受理" in out
    await tg_app.outbox.drain()
    await api.wait_for(lambda m: m.chat_id == 7001 and "已受理" in (m.plain or ""))

    out = await worker.press("办结")
    assert "处理结果" in out
    worker._mark = len(worker.messages)
    await worker.user.send_photo(caption="已更换灯泡")
    await api.wait_until(lambda: any("照片：1 张" in (m.plain or "") for m in worker.messages[worker._mark:]))
    out = await worker.press("确认办结")
    assert "已办结" in out
    await tg_app.outbox.drain()
    resolved = await api.wait_for(lambda m: m.chat_id == 7001 and "已更换灯泡" in (m.plain or ""))
    assert resolved.method == "sendPhoto"  # the worker's photo of the result reaches the resident
    out = await resident.press_data(f"c1:rate:{case_id}:5", resolved)
    assert "谢谢您的评价" in out
    await tg_app.outbox.drain()
    await api.wait_for(lambda m: m.chat_id == 7002 and "⭐⭐⭐⭐⭐" in (m.plain or ""))

    out = await resident.press_data(f"c1:reopen:{case_id}", resolved)
    assert "现在是什么情况" in out
    await resident.say("又不亮了", until="已重新办理")
    await tg_app.outbox.drain()
    await api.wait_for(lambda m: m.chat_id == 7002 and "又不亮了" in (m.plain or ""))

    async with tg_app.sessionmaker() as s:
        case = await s.get(Case, case_id)
        assert case.state == "reopened" and case.reopen_count == 1
        stages = sorted((p.platform, p.stage) for p in await s.scalars(select(CasePhoto).where(CasePhoto.case_id == case_id)))
        assert stages == [("telegram", "report"), ("telegram", "resolution")]
        kinds = list(await s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))
        assert kinds == ["submit", "assign", "accept", "resolve", "close", "reopen"]


async def test_a_hand_made_payload_cannot_act_on_someone_elses_case(tg_app, api):
    resident = TgChat(api, api.user(7101, "阿姨", language_code="zh-hans"))
    other = TgChat(api, api.user(7102, "马", language_code="zh-hans"))
    await other.say("/start G3-MA", until="欢迎")  # a worker of grid 3
    await _register(resident)
    await resident.say("6号楼楼道灯坏了", until="我理解的是")
    out = await resident.press("提交")
    case_id = int(out.split("#", 1)[1].split()[0])
    out = await other.press_data(f"c1:acc:{case_id}")
    assert "不是由您办理" in out
    async with tg_app.sessionmaker() as s:
        assert (await s.get(Case, case_id)).state == "assigned"
