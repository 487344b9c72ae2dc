"""The closed loop through the web chat: a resident files, the worker accepts and resolves with a photo,
the resident rates; a reopen goes back to the same worker; +1 on a duplicate; privacy and authorisation."""
from sqlalchemy import func, select

from models import Case, CaseEvent, LabelledExample, Outbox


async def _file(c, text: str) -> int:
    out = await c.say(text)
    assert "提交" in out, out
    out = await c.press("提交")
    assert "已提交 #" in out, out
    async with c.app.sessionmaker() as s:
        return await s.scalar(select(func.max(Case.id)))


async def test_whole_loop_with_photo_rating_and_reopen(chat, app):
    wang, wu = chat("wang"), chat("wu")
    out = await wang.say("6号楼1单元楼道灯坏了一个星期了")
    assert "照明" in out and "6号楼1单元" in out
    await wang.photo("/files/lamp.jpg")
    out = await wang.press("提交")
    assert "已提交 #" in out and "吴网格员" in out  # building 6 is in grid 2; wu and zheng share it, wu is first
    case_id = int(out.split("#", 1)[1].split()[0])

    out = await wu.inbox()
    assert f"#{case_id}" in out and "楼道灯坏了" in out and "王阿姨" in out and "13800000001" in out
    out = await wu.press("受理")
    assert "已受理" in out
    out = await wang.inbox()
    assert f"#{case_id} 已受理" in out and "吴网格员" in out

    await wu.press("办结")
    out = await wu.photo("/files/fixed.jpg", caption="已更换灯泡")
    assert "已更换灯泡" in out and "照片：1 张" in out
    out = await wu.press("确认办结")
    assert "已办结" in out
    out = await wang.inbox()
    assert "已更换灯泡" in out and "1 张照片" in out
    out = await wang.press("4⭐")
    assert "谢谢您的评价" in out
    await wang.say("很快，谢谢")
    out = await wu.inbox()
    assert "⭐⭐⭐⭐" in out

    # a reopen goes back to the same worker and is counted
    out = await wang.press_data(f"c1:reopen:{case_id}")
    assert "现在是什么情况" in out
    out = await wang.say("又不亮了")
    assert "已重新办理" in out
    out = await wu.inbox()
    assert "又不亮了" in out and f"#{case_id}" in out
    async with app.sessionmaker() as s:
        case = await s.get(Case, case_id)
        assert case.state == "reopened" and case.reopen_count == 1 and case.rating is None
        kinds = list(await s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))
        assert kinds == ["submit", "assign", "accept", "resolve", "close", "comment", "reopen"]


async def test_department_matter_goes_to_police_and_grid_worker_is_informed(chat):
    wang, luo, wu = chat("wang"), chat("luo"), chat("wu")
    out = await wang.say("小区有人卖假药给老人，骗了好几个人")
    assert "治安" in out or "公共" in out or "public" in out.lower() or "秩序" in out
    out = await wang.press("提交")
    assert "派出所" in out
    assert "假药" in await luo.inbox()
    assert "直接派给派出所" in await wu.inbox()


async def test_duplicate_offers_join_and_joiner_hears_of_changes(chat):
    wang, neighbour, wu = chat("wang"), chat("visitor-dup"), chat("wu")
    case_id = await _file(wang, "6号楼门口垃圾桶满了好几天没人清运")
    # a new neighbour in the same building
    await neighbour.say("/start")
    await neighbour.press("6号楼")
    await neighbour.press("2单元")
    await neighbour.press("不填门牌号")
    await neighbour.press("同意并保存")
    await neighbour.say("垃圾桶满了，臭死了")
    out = await neighbour.press("提交")
    assert f"#{case_id}" in out and "加入" in out
    out = await neighbour.press("加入这件事")
    assert "已加入" in out
    await wu.inbox()
    await wu.press("受理")
    assert f"#{case_id} 已受理" in await neighbour.inbox()


async def test_worker_cannot_act_on_another_workers_case_even_by_hand(chat, app):
    wang, ma, li = chat("wang"), chat("ma"), chat("li")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    out = await ma.press_data(f"c1:acc:{case_id}")  # grid 3's worker, a hand-made payload
    assert "不是由您办理" in out
    out = await li.press_data(f"c1:escd:{case_id}:1")
    assert "不是由您办理" in out
    out = await wang.press_data(f"c1:acc:{case_id}")  # the resident herself
    assert "不是由您办理" in out
    async with app.sessionmaker() as s:
        assert (await s.get(Case, case_id)).state == "assigned"


async def test_resident_cannot_read_someone_elses_case_by_number(chat):
    wang, amy = chat("wang"), chat("amy", lang="en")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    out = await amy.say(f"/case {case_id}")
    assert "found no case" in out and "楼道灯" not in out
    out = await amy.say("/case 99999")
    assert "found no case" in out
    out = await wang.say(f"/case {case_id}")
    assert "楼道灯坏了" in out



async def test_a_typed_case_number_shows_that_case_to_those_who_may_see_it(chat, app):
    wang, amy, wu, ma = chat("wang"), chat("amy", lang="en"), chat("wu"), chat("ma")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    out = await wang.say(f"#{case_id}")  # the number alone, as people type it in a chat
    assert f"#{case_id}" in out and "楼道灯坏了" in out and "已派单" in out
    out = await wang.say(f"＃{case_id}？")  # full-width, with a question mark
    assert "楼道灯坏了" in out
    out = await wang.say(f"我报的#{case_id}修了没")  # a question naming the case answers about that case
    assert "楼道灯坏了" in out and "已派单" in out
    out = await amy.say(f"#{case_id}")  # someone else's case: the same answer as no such case
    assert "found no case" in out and "楼道灯" not in out
    out = await amy.say(f"is #{case_id} fixed yet?")
    assert "楼道灯" not in out
    out = await wu.say(f"#{case_id}")  # the assignee gets the worker's card with its buttons
    assert "楼道灯坏了" in out and "受理" in out
    out = await ma.say(f"#{case_id}")  # a worker of another grid does not
    assert "没有找到" in out and "楼道灯" not in out
    async with app.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Case)) == 1  # no number was filed as a new matter

async def test_double_press_and_illegal_transition(chat):
    wang, wu = chat("wang"), chat("wu")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    await wu.inbox()
    await wu.press("受理")
    out = await wu.press_data(f"c1:acc:{case_id}")
    assert "已经受理过" in out
    out = await wang.press_data(f"c1:cancel:{case_id}")  # too late to withdraw once accepted
    assert "不能撤回" in out
    out = await wang.press_data(f"c1:rate:{case_id}:5")  # not resolved yet
    assert "不能再评价" in out


async def test_resident_withdraws_before_acceptance_and_worker_is_told(chat):
    wang, wu = chat("wang"), chat("wu")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    await wu.inbox()
    out = await wang.press("撤回")
    assert f"已撤回 #{case_id}" in out
    assert "撤回" in await wu.inbox()


async def test_status_question_answers_with_the_matching_case(chat):
    wang = chat("wang")
    await _file(wang, "6号楼1单元楼道灯坏了")
    await _file(wang, "楼下装修噪音太大了")
    out = await wang.say("我报的楼道灯修了没")
    assert "照明" in out and "已派单" in out and "噪音" not in out
    out = await wang.say("/mycases")
    assert out.count("#") >= 2


async def test_low_confidence_offers_categories_and_stores_the_choice(chat, app):
    wang = chat("wang")
    out = await wang.say("这个又出问题了，麻烦看看")
    assert "最贴切" in out and "提交" not in out  # it asks rather than guesses
    out = await wang.press("其他类别")
    assert len(wang.buttons()) == 15  # every category of the taxonomy
    await wang.press("设施维修")
    out = await wang.press("提交")
    assert "已提交" in out
    async with app.sessionmaker() as s:
        ex = await s.scalar(select(LabelledExample))
        assert ex is not None and ex.category == "facilities" and "出问题" in ex.text


async def test_unregistered_visitor_is_asked_to_register_and_photo_alone_asks_for_words(chat):
    out = await chat("stranger").say("楼道灯坏了")
    assert "登记" in out
    wang = chat("wang")
    out = await wang.photo("/files/x.jpg")
    assert "一句话" in out
    out = await wang.say("6号楼门口的路灯不亮")
    assert "照片：1 张" in out


async def test_rolled_back_change_sends_nothing(chat, app):
    """A refused action rolls back its savepoint: no outbox row for a change that did not happen."""
    wang, ma = chat("wang"), chat("ma")
    case_id = await _file(wang, "6号楼1单元楼道灯坏了")
    async with app.sessionmaker() as s:
        before = await s.scalar(select(func.count(Outbox.id)))
    await ma.press_data(f"c1:acc:{case_id}")
    async with app.sessionmaker() as s:
        assert await s.scalar(select(func.count(Outbox.id))) == before


async def test_a_matter_longer_than_the_parser_reads_is_refused_and_the_draft_kept(chat):
    wang = chat("wang")
    out = await wang.say("楼" * 1500)
    assert "1500" in out and "1000" in out and "提交" not in out
    await wang.say("6号楼1单元楼道灯坏了")
    out = await wang.say("灯" * 1200)  # during a draft: refused, and the draft stays as it was
    assert "1200" in out
    out = await wang.press("提交")
    assert "已提交" in out


async def test_resident_marks_a_missed_danger_urgent_in_one_tap(chat, app):
    wang = chat("wang")
    out = await wang.say("6号楼1单元三楼楼梯扶手松了 晃得厉害")
    assert "紧急" not in out.split("内容")[0] and any("现在有危险" in b for b in wang.buttons())
    out = await wang.press("现在有危险")
    assert "已改为紧急" in out and "🔴" in out
    assert not any("现在有危险" in b for b in wang.buttons())  # the button goes once pressed
    out = await wang.press("提交")
    assert "已提交 #" in out
    async with app.sessionmaker() as s:
        case = await s.scalar(select(Case).order_by(Case.id.desc()).limit(1))
    assert case.urgent and case.colour == "red" and case.parse.get("urgent_by_resident") is True
    # a stale press of the same button after filing changes nothing and says so
    out = await wang.press_data("c1:durg")
    assert "过期" in out or "失效" in out, out
