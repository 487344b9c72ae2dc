"""The fake Bot API, driven through aiogram's real HTTP client, bot and dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.fakebotapi import FakeBotAPI, WaitTimeout

TOKEN = "123456:TEST"
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "Grid 7"}


@pytest.fixture
async def api():
    server = FakeBotAPI(token=TOKEN, bot_username="gridbot_test_bot")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(api):
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    b = Bot(TOKEN, session=session)
    yield b
    await b.session.close()


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Again", callback_data=data)]]
    )


def echo_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"welcome {message.from_user.first_name}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(
            f"echo: <b>{html.quote(message.text)}</b>",
            parse_mode="HTML",
            reply_markup=keyboard(f"again:{message.message_id}"),
        )

    @router.callback_query(F.data.startswith("again:"))
    async def again(callback: CallbackQuery) -> None:
        await callback.answer("done")
        await callback.message.edit_text(f"pressed {callback.data}")

    return router


@contextlib.asynccontextmanager
async def polling(bot: Bot, router: Router):
    dp = Dispatcher()
    dp.include_router(router)
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    try:
        yield dp
    finally:
        if not task.done():
            with contextlib.suppress(RuntimeError):  # "Polling is not started" on early failure
                await dp.stop_polling()
        await asyncio.wait_for(task, 5)


async def test_get_me_through_aiogram(bot):
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot is True
    assert me.username == "gridbot_test_bot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False


async def test_echo_button_press_answers_and_edits(api, bot):
    user = api.user(1001, first_name="Mei", language_code="zh-hans")
    async with polling(bot, echo_router()):
        await user.send_text("lamp <broken> & dark")
        echo = await api.wait_for(lambda s: s.chat_id == 1001)
        assert echo.text == "echo: <b>lamp &lt;broken&gt; &amp; dark</b>"
        assert echo.plain == "echo: lamp <broken> & dark"
        assert echo.message["entities"] == [{"type": "bold", "offset": 6, "length": 20}]
        assert echo.button_texts == ["Again"]
        assert echo.message_id == 2  # the user's message took id 1 in the same chat

        callback_id = await api.press_button(user, echo, "Again")
        answer = await api.wait_for(lambda a: a.callback_query_id == callback_id,
                                    among="callback_answers")
        assert answer.text == "done"
        edit = await api.wait_for(1, among="edits")
        assert edit[0].text == "pressed again:1"
        assert edit[0].message_id == echo.message_id
        current = api.message(1001, echo.message_id)
        assert current["text"] == "pressed again:1"
        assert "reply_markup" not in current  # edit without markup drops the keyboard
        assert "edit_date" in current


async def test_command_in_group_gets_entity_and_reply(api, bot):
    user = api.user(1002, first_name="Lin")
    async with polling(bot, echo_router()):
        await api.send_text(user, "/start", chat=GROUP)
        reply = await api.wait_for(1, chat_id=GROUP["id"])
    assert reply[0].text == "welcome Lin"
    assert reply[0].message["chat"]["type"] == "supergroup"
    update = api.injected[-1]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_long_poll_offset_limit_timeout(api, bot):
    user = api.user(1003)
    ids = [await api.send_text(user, f"m{i}") for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == ids[:2]
    rest = await bot.get_updates(offset=ids[1] + 1)
    assert [u.message.text for u in rest] == ["m2"]
    assert (await bot.get_webhook_info()).pending_update_count == 1

    # Parked long poll returns as soon as an update arrives.
    poll = asyncio.create_task(bot.get_updates(offset=ids[2] + 1, timeout=10))
    await api.wait_until(lambda: api.polls_waiting == 1)
    started = time.monotonic()
    new_id = await user.send_text("late")
    got = await asyncio.wait_for(poll, 5)
    assert [u.update_id for u in got] == [new_id]
    assert time.monotonic() - started < 2
    assert (await bot.get_webhook_info()).pending_update_count == 1  # not yet confirmed

    # Nothing queued: the poll lasts its timeout, then answers [].
    started = time.monotonic()
    assert await bot.get_updates(offset=new_id + 1, timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_retry_after_from_fail_next(api, bot):
    api.fail_next("sendMessage", chat_id=1004, status=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as err:
        await bot.send_message(1004, "hi")
    assert err.value.retry_after == 3
    await bot.send_message(1004, "hi")  # the failure was for one call only
    assert api.stats.rate_limited == 1
    assert [s.text for s in api.messages_to(1004)] == ["hi"]


async def test_forbidden_and_server_errors(api, bot):
    api.block(1005)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1005, "hi")
    api.unblock(1005)
    await bot.send_message(1005, "hi")
    api.fail_next("sendMessage", status=403, times=2)
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(1005, "again")
    api.fail_next("sendMessage", status=500)
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.send_message(1005, "again")
    api.fail_next("sendMessage", disconnect=True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1005, "again")
    await bot.send_message(1005, "again")
    assert api.stats.forbidden == 3 and api.stats.server_errors == 1
    assert [s.text for s in api.messages_to(1005)] == ["hi", "again"]


async def test_bad_requests(api, bot):
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1006, "x" * 4097)
    await bot.send_message(1006, "x" * 4096)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1006, "pick", reply_markup=keyboard("d" * 65))
    await bot.send_message(1006, "pick", reply_markup=keyboard("d" * 64))
    for bad in ("<b>open", "</i>", "<script>x</script>", "a & b", "1 > 0",
                '<span class="x">s</span>'):
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1006, bad, parse_mode="HTML")
    ok = await bot.send_message(
        1006, '<b>a</b> &lt;<a href="https://x.org/?a=1&amp;b=2">link</a>', parse_mode="HTML"
    )
    assert ok.text == "a <link"
    assert [(e.type, e.offset, e.length) for e in ok.entities] == [
        ("bold", 0, 1), ("text_link", 3, 4)]
    assert ok.entities[1].url == "https://x.org/?a=1&b=2"
    await bot.send_message(1006, "a & b")  # no parse_mode: nothing to escape
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("a & b", chat_id=1006, message_id=ok.message_id + 1)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("new", chat_id=1006, message_id=999)


async def test_callback_answered_twice_is_rejected(api, bot):
    user = api.user(1007)
    sent = await bot.send_message(1007, "choose", reply_markup=keyboard("c:1"))
    callback_id = await api.press(user, sent, "c:1")
    [update] = await bot.get_updates()
    assert update.callback_query.message.message_id == sent.message_id
    assert update.callback_query.message.reply_markup.inline_keyboard[0][0].text == "Again"
    assert update.callback_query.chat_instance
    await bot.answer_callback_query(callback_id, text="ok")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(callback_id)
    assert [a.text for a in api.callback_answers] == ["ok"]


async def test_commands_recorded_per_scope(api, bot):
    private = [BotCommand(command="report", description="Report a problem")]
    default = [BotCommand(command="start", description="Start")]
    await bot.set_my_commands(private, scope=BotCommandScopeChat(chat_id=42))
    await bot.set_my_commands(default, scope=BotCommandScopeDefault(), language_code="zh")
    assert api.commands_for(42) == [{"command": "report", "description": "Report a problem"}]
    assert api.commands[("chat:42", "")] == api.commands_for(BotCommandScopeChat(chat_id=42))
    assert api.commands_for(language_code="zh") == [{"command": "start", "description": "Start"}]
    assert api.commands_for() is None
    got = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=42))
    assert [c.command for c in got] == ["report"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=42))
    assert await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=42)) == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])


async def test_webhook_posts_update_with_secret(api, bot):
    received: asyncio.Queue = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        await received.put((request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                            await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        await bot.set_webhook(url, secret_token="s3cret-Token_1", drop_pending_updates=True)
        assert (await bot.get_webhook_info()).url == url
        user = api.user(1008)
        update_id = await user.send_text("via hook")
        secret, body = await asyncio.wait_for(received.get(), 5)
        assert secret == "s3cret-Token_1"
        assert body["update_id"] == update_id
        assert body["message"]["text"] == "via hook"
        assert body["message"]["from"]["id"] == 1008
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()

        await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        later = await user.send_text("polled")
        assert [u.update_id for u in await bot.get_updates()] == [later]
        assert received.empty()
    finally:
        await runner.cleanup()


async def test_webhook_reply_in_response_is_executed(api, bot):
    router = Router()

    @router.message(F.text)
    async def reply(message: Message):
        return message.answer(f"got {message.text}")  # returned, not awaited: webhook reply

    dp = Dispatcher()
    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="abc").register(
        app, path="/wh")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/wh", secret_token="abc")
        await api.user(1009).send_text("ping")
        sent = await api.wait_for(1, chat_id=1009)
        assert sent[0].text == "got ping"
        assert api.webhook_deliveries[0].status == 200
    finally:
        await runner.cleanup()


async def test_photos_upload_and_download(api, bot):
    user = api.user(1010)
    await api.send_photo(user, caption="broken lamp")
    [update] = await bot.get_updates()
    photo = update.message.photo[-1]
    assert update.message.caption == "broken lamp"
    file = await bot.get_file(photo.file_id)
    data = await bot.download_file(file.file_path)
    assert data.read() == api.files[photo.file_id]["data"]
    assert api.files[photo.file_id]["data"][:2] == b"\xff\xd8"

    sent = await bot.send_photo(1010, BufferedInputFile(b"PNGDATA", "x.png"), caption="fixed")
    file_id = sent.photo[-1].file_id
    assert api.sent[-1].photo == file_id and api.sent[-1].text == "fixed"
    assert (await bot.download_file((await bot.get_file(file_id)).file_path)).read() == b"PNGDATA"
    await bot.send_photo(1010, file_id)  # re-send by file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(1010, "no-such-file")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(1010, file_id, caption="c" * 1025)


async def test_rate_limiter_and_stats(api, bot):
    api.limit(global_per_s=3, per_chat_per_s=1, group_per_min=20)
    await bot.send_message(2001, "a")
    with pytest.raises(TelegramRetryAfter) as err:
        await bot.send_message(2001, "b")  # per chat: one a second
    assert err.value.retry_after >= 1
    await bot.send_message(2002, "c")
    await bot.send_message(2003, "d")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(2004, "e")  # global: three a second
    assert api.stats.sent_ok == 3 and api.stats.rate_limited == 2
    assert api.stats.max_per_second == 3
    api.unlimit()
    await bot.send_message(2001, "a")
    assert api.stats.duplicates == 1


async def test_unknown_method_wrong_token_and_raw_update(api, bot):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}/bot{TOKEN}/fooBar") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404,
                                         "description": "Not Found"}
        async with http.post(f"{api.base_url}/bot1:WRONG/getMe") as resp:
            assert resp.status == 401
    update_id = await api.raw_update({"odd_kind": {"x": 1}})
    [update] = await bot.get_updates()
    assert update.update_id == update_id


async def test_wait_for_times_out_with_assertion(api, bot):
    await bot.send_message(3001, "only this")
    with pytest.raises(WaitTimeout, match="only this"):
        await api.wait_for(lambda s: s.text == "something else", timeout=0.2)
    assert isinstance(await api.wait_for(1), list)


async def test_other_updates_have_shapes_aiogram_accepts(api, bot):
    user = api.user(1011, first_name="Ana", username="ana", last_name="Li")
    await user.send_location(31.23, 121.47)
    await user.send_contact("+8613912345678")
    await api.send_text(user, "notice", chat={"id": -1009, "type": "channel", "title": "News"})
    sent = await bot.send_message(1011, "old", reply_markup=keyboard("x"))
    await bot.delete_message(1011, sent.message_id)
    await api.press(user, sent, "x")
    api.block(1011, notify=True)
    location, contact, post, press, member = await bot.get_updates(
        allowed_updates=["message", "channel_post", "callback_query", "my_chat_member"])
    assert (location.message.location.latitude, location.message.location.longitude) == (
        31.23, 121.47)
    assert contact.message.contact.user_id == 1011
    assert contact.message.contact.phone_number == "+8613912345678"
    assert post.channel_post.sender_chat.id == -1009 and post.channel_post.from_user is None
    assert isinstance(press.callback_query.message, InaccessibleMessage)
    assert member.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(1011, "typing")
    api.unblock(1011)
    await bot.send_chat_action(1011, "typing")
    assert api.actions == [(1011, "typing")]
