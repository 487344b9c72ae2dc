"""Telegram end to end: aiogram's real client and our adapter against the fake Bot API, driven like a person."""
from __future__ import annotations

import aiohttp
from sqlalchemy import select

from bot.services.outbox import enqueue
from bot.core import Reply
from models import ChatIdentity, Outbox, Person
from tests.telegram_fixtures import SECRET, TgChat, api, hook_app, tg_app  # noqa: F401  (fixtures)

GROUP = {"id": -1001234567890, "type": "supergroup", "title": "幸福小区邻里群"}


async def _identity(app, chat_id: int) -> ChatIdentity:
    async with app.sessionmaker() as s:
        return await s.scalar(select(ChatIdentity).where(ChatIdentity.platform == "telegram",
                                                         ChatIdentity.chat_id == str(chat_id)))


async def test_new_user_registers_by_buttons_and_gets_help(tg_app, api):
    c = TgChat(api, api.user(5001, "小明", last_name="王", language_code="zh-hans"))
    out = await c.say("/start", until="几号楼")
    assert "登记" in out and "几号楼" in out
    assert api.last_message(5001).parse_mode == "HTML"
    await c.press("6号楼")
    out = await c.press("1单元")
    assert "门牌号" in out
    out = await c.say("302", until="302室")
    assert "6号楼1单元302室" in out
    out = await c.press("同意并保存")
    assert "登记好了" in out and "第二网格" in out
    assert "/help" in out and "/lang" in out  # the help text follows the confirmation
    ident = await _identity(tg_app, 5001)
    async with tg_app.sessionmaker() as s:
        p = await s.get(Person, ident.person_id)
        assert (p.unit, p.room, p.name) == ("1", "302", "小明 王")
    # the registered resident's own menu, in their chat only
    await api.wait_until(lambda: api.commands_for(5001) is not None)
    assert "help" in [cmd["command"] for cmd in api.commands_for(5001)]
    seen = [i for i in tg_app.seen if i.chat_id == "5001"]
    assert all(i.language_code == "zh-hans" and i.display_name == "小明 王" for i in seen)
    for i in (i for i in seen if i.action):  # a press names the message its button sat on
        keyboard = api.message(5001, int(i.message_id))["reply_markup"]["inline_keyboard"]
        assert i.action in [b["callback_data"] for row in keyboard for b in row]


async def test_guest_menu_for_all_private_chats_in_each_language(tg_app, api):
    zh = api.commands_for("all_private_chats")
    en = api.commands_for("all_private_chats", "en")
    assert {"command": "start", "description": "开始 / 登记住址"} in zh
    assert {"command": "start", "description": "Start / register address"} in en
    assert api.commands_for("all_private_chats", "zh") == zh


async def test_staff_joins_by_deep_link_and_gets_a_chat_menu(tg_app, api):
    c = TgChat(api, api.user(5002, "Li", language_code="zh-hans"))
    out = await c.say("/start G1-LI", until="欢迎加入")
    assert "李网格员" in out and "网格员" in out
    await api.wait_until(lambda: api.commands_for(5002) is not None)
    from bot.services.people import active_roles

    async with tg_app.sessionmaker() as s:
        li = await s.get(Person, (await _identity(tg_app, 5002)).person_id)
        expected = [(cmd, tg_app.renderer.label(label, "zh")) for cmd, label in tg_app.router.menu_for(active_roles(li))]
    assert [(x["command"], x["description"]) for x in api.commands_for(5002)] == expected
    assert api.commands_for(5002) != api.commands_for(5001)  # nobody else's menu changed
    out = await TgChat(api, api.user(5012, "Mallory")).say("/start G1-LI", until="已经被使用")
    assert "已经被使用" in out


async def test_stale_and_hand_made_buttons_get_a_polite_toast(tg_app, api):
    c = TgChat(api, api.user(5003, "Wang"))
    await c.say("/start", until="几号楼")
    old = c.messages[-1]
    await c.press("3号楼")
    out = await c.press_data("reg:b:1", old)  # the building question again, answered already
    assert "过期" in out
    out = await c.press_data("zz:frobnicate:99")  # nobody's payload
    assert "过期" in out
    out = await c.press_data("reg:room:skip", 987654)  # under a message that no longer exists, out of turn
    assert "过期" in out
    out = await c.press("2单元")  # the real flow goes on where it was
    assert "门牌号" in out
    assert len(api.callback_answers) == 5


async def test_group_chat_gets_the_private_chat_only_answer(tg_app, api):
    u = api.user(5004, "Zhang")
    await u.send_text("大家好，今晚停水吗？", chat=GROUP)  # other people's conversation: not answered
    await u.send_text("/start@some_other_bot", chat=GROUP)  # a command for another bot in the group
    await u.send_text("/start@gridbot_test_bot", chat=GROUP)
    reply = await api.wait_for(lambda m: "私聊" in (m.plain or ""), chat_id=GROUP["id"])
    assert "/start" in reply.plain
    assert len(api.messages_to(GROUP["id"])) == 1
    assert api.messages_to(5004) == []  # nothing leaked into the private chat


async def test_unreadable_updates_are_answered_or_skipped_and_the_bot_keeps_going(tg_app, api):
    u = api.user(5005, "Amy", language_code="en")
    c = TgChat(api, u)
    chat = u.private_chat
    # aiogram cannot parse this one (no chat_instance): it must not jam the polling offset
    await api.raw_update({"callback_query": {"id": "77", "from": u.to_dict(), "data": "reg:ok",
                                             "message": {"message_id": 1, "date": 1, "chat": chat}}})
    await api.wait_for(lambda m: "could not read" in (m.plain or ""), chat_id=5005)
    await api.raw_update({"message": {"text": "no chat, no date"}})  # nobody to answer: skipped
    await api.raw_update({"poll": {"id": "1", "question": "?", "options": [], "total_voter_count": 0,
                                   "is_closed": False, "is_anonymous": True, "type": "regular",
                                   "allows_multiple_answers": False}})
    await api.raw_update({"message": {"message_id": 9, "date": 1, "chat": chat, "from": u.to_dict(),
                                      "sticker": {"file_id": "CAAC", "file_unique_id": "u", "type": "regular",
                                                  "width": 512, "height": 512, "is_animated": False,
                                                  "is_video": False}}})
    await api.raw_update({"edited_message": {"message_id": 10, "date": 1, "edit_date": 2, "chat": chat,
                                             "from": u.to_dict(), "text": "fixed a typo"}})
    out = await c.say("/help", until="/lang")
    assert "/lang" in out
    texts = [m.plain for m in c.messages]
    assert sum("could not read" in t for t in texts) == 3  # the bad button, the sticker, the edit
    assert not any("something went wrong" in t for t in texts)


async def test_a_bot_api_outage_is_waited_out_by_the_polling_loop(tg_app, api):
    api.fail_next("getUpdates", status=502, times=1)
    c = TgChat(api, api.user(5009, "Gao"))
    out = await c.say("/help", until="/lang")  # the loop backs off and polls again; nothing is lost
    assert "/lang" in out
    assert [x.status for x in api.calls if x.method == "getUpdates"].count(502) == 1


async def test_what_the_adapter_hands_the_core(tg_app, api):
    u = api.user(5006, "Chen", language_code="zh-hans")
    c = TgChat(api, u)
    await u.send_photo(caption="楼道灯坏了", width=2560, height=1920)
    await c._until(1)
    photo = tg_app.seen[-1]
    largest = api.injected[-1]["message"]["photo"][-1]["file_id"]
    assert (photo.photo.platform, photo.photo.file_ref, photo.text) == ("telegram", largest, "楼道灯坏了")
    await u.send_location(31.23, 121.47)
    await c._until(2)
    assert tg_app.seen[-1].location == (31.23, 121.47)
    await u.send_contact("+8613912345678")
    await c._until(3)
    assert tg_app.seen[-1].contact_phone == "+8613912345678"
    await api.send_contact(u, "+8613000000000", first_name="Someone", user_id=42)  # another person's card
    await c._until(4)
    assert tg_app.seen[-1].contact_phone is None and tg_app.seen[-1].malformed
    assert {i.chat_type for i in tg_app.seen} == {"private"}


async def test_sending_photos_edits_and_platform_errors(tg_app, api, tmp_path):
    from bot.core import Blocked, Photo, Rejected, Rendered, RetryAfter, Transient

    tg = tg_app.channels["telegram"]
    api.user(5007, "Sun")
    ref = await tg.send("5007", Rendered(text="<b>第一条</b> &lt;3", html=True,
                                         buttons=[[("详情", "c1:view:1", None), ("地图", None, "https://example.org/m")]]))
    sent = api.last_message(5007)
    assert sent.plain == "第一条 <3" and sent.buttons[0]["callback_data"] == "c1:view:1"
    assert sent.buttons[1]["url"] == "https://example.org/m" and ref.message_id == str(sent.message_id)
    await tg.edit("5007", ref.message_id, Rendered(text="已更新 <plain>"))
    assert api.message(5007, sent.message_id)["text"] == "已更新 <plain>"
    assert "reply_markup" not in api.message(5007, sent.message_id)
    await tg.edit("5007", ref.message_id, Rendered(text="已更新 <plain>"))  # unchanged: not an error
    # a resident's Telegram photo goes back out by file id; a web chat upload is uploaded
    file_id = api.add_file(b"\xff\xd8\xff\xe0jpeg", kind="photo")
    await tg.send("5007", Rendered(text="现场照片", photo=Photo("telegram", file_id)))
    assert (api.last_message(5007).photo, api.last_message(5007).plain) == (file_id, "现场照片")
    uploads = tg_app.settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "abc.jpg").write_bytes(b"\xff\xd8\xff\xe0web-upload")
    await tg.send("5007", Rendered(text="处理结果", photo=Photo("web", "/files/abc.jpg")))
    assert api.files[api.last_message(5007).photo]["data"] == b"\xff\xd8\xff\xe0web-upload"
    # aiogram's errors come out as the core's neutral ones
    cases = [
        (dict(status=429, retry_after=7), RetryAfter),
        (dict(status=403), Blocked),
        (dict(status=400, description="Bad Request: chat not found"), Blocked),
        (dict(status=400, description="Bad Request: can't parse entities"), Rejected),
        (dict(status=502), Transient),
        (dict(status=500, disconnect=True), Transient),
    ]
    for kw, error in cases:
        api.fail_next("sendMessage", chat_id=5007, **kw)
        try:
            await tg.send("5007", Rendered(text="x"))
        except error as e:
            if error is RetryAfter:
                assert e.seconds == 7
        else:
            raise AssertionError(f"{kw} did not raise {error.__name__}")


async def test_webhook_mode_answers_and_refuses_a_wrong_secret(hook_app, api):
    s = hook_app.settings
    assert api.webhook["url"] == s.webhook_url and api.webhook["secret_token"] == SECRET
    c = TgChat(api, api.user(5008, "Ma"))
    out = await c.say("/start", until="几号楼")
    assert "几号楼" in out
    out = await c.press("5号楼")
    assert "单元" in out
    assert [d.status for d in await api.wait_for(2, among="webhook_deliveries")] == [200, 200]
    before = len(api.sent)
    update = {"update_id": 999, "message": {"message_id": 5, "date": 1, "chat": c.user.private_chat,
                                            "from": c.user.to_dict(), "text": "/help"}}
    async with aiohttp.ClientSession() as http:
        for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
            async with http.post(s.webhook_url, json=update, headers=headers) as resp:
                assert resp.status == 403
        assert len(api.sent) == before
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(s.webhook_url, json=update, headers=right) as resp:
            assert resp.status == 200  # handled before the answer: the reply is already out
        assert len(api.sent) == before + 1 and "/lang" in api.sent[-1].plain
        async with http.get(s.webhook_url.rsplit("/", 2)[0] + "/healthz") as resp:  # for the reverse proxy
            assert resp.status == 200
        # an update we cannot parse is taken (200, so Telegram does not send it again and again) and skipped
        async with http.post(s.webhook_url, json={"update_id": 1001, "callback_query": {"id": "5"}},
                             headers=right) as resp:
            assert resp.status == 200
        async with http.post(s.webhook_url, data=b"not json", headers=right) as resp:
            assert resp.status == 400
    assert len(api.sent) == before + 1


async def _join_as_li(app, api, clock) -> TgChat:
    clock.advance(minutes=5)  # li's Telegram chat is now the one used last
    c = TgChat(api, api.user(5010, "Li"))
    await c.say("/start G1-LI", until="欢迎加入")
    return c


async def _notify(app, chat_id: int, clock) -> int:
    ident = await _identity(app, chat_id)
    async with app.sessionmaker() as s, s.begin():
        row = enqueue(s, ident.person_id, Reply("onboarding/staff_joined", {"name": "李网格员", "roles": ["grid_worker"]}),
                      clock.now())
        await s.flush()
        return row.id


async def test_delivery_waits_out_a_429(tg_app, api, clock):
    c = await _join_as_li(tg_app, api, clock)
    api.fail_next("sendMessage", chat_id=5010, status=429, retry_after=1)
    oid = await _notify(tg_app, 5010, clock)
    await tg_app.outbox.drain()
    async with tg_app.sessionmaker() as s:
        row = await s.get(Outbox, oid)
        assert (row.status, row.attempts) == ("pending", 0)
        assert (row.available_at - clock.now()).total_seconds() == 1
    assert len(c.messages) == 1  # only the welcome; the notice waits
    clock.advance(seconds=1)
    await tg_app.outbox.drain()
    assert len(c.messages) == 2 and "欢迎加入" in c.messages[-1].plain
    calls = [x for x in api.calls if x.method == "sendMessage" and str(x.params.get("chat_id")) == "5010"]
    assert [x.status for x in calls] == [200, 429, 200]
    assert calls[2].time - calls[1].time >= 0.9  # the pacer held every send for retry_after
    async with tg_app.sessionmaker() as s:
        assert (await s.get(Outbox, oid)).status == "sent"


async def test_blocked_bot_marks_the_identity_unreachable_until_they_write_again(tg_app, api, clock):
    c = await _join_as_li(tg_app, api, clock)
    api.block(5010)
    oid = await _notify(tg_app, 5010, clock)
    await tg_app.outbox.drain()
    ident = await _identity(tg_app, 5010)
    assert ident.reachable is False and ident.blocked_at is not None
    web = tg_app.channels["web"]
    assert "欢迎加入" in web.messages["li"][-1].text  # the notice reached li's other chat instead
    async with tg_app.sessionmaker() as s:
        assert (await s.get(Outbox, oid)).status == "sent"
    api.unblock(5010)
    clock.advance(minutes=1)
    await c.say("/help", until="/lang")  # writing again ends the block
    assert (await _identity(tg_app, 5010)).reachable is True
    await _notify(tg_app, 5010, clock)
    await tg_app.outbox.drain()
    assert "欢迎加入" in c.messages[-1].plain


async def test_a_token_telegram_refuses_is_a_wrong_setting(settings, clock, api):
    from bot.app import App
    from bot.channels.telegram import TelegramChannel
    from bot.settings import SettingsError

    s = settings.model_copy(update={"telegram_token": "999:NOT-OURS", "telegram_api_base": api.base_url})
    app = App(s, clock=clock)
    tg = TelegramChannel(app)
    app.add_channel(tg)
    try:
        await tg.start()
    except SettingsError as e:
        assert "GRIDBOT_TELEGRAM_TOKEN" in str(e)
    else:
        raise AssertionError("a refused token must stop the start")
    finally:
        await app.stop()
