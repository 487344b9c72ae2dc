"""Points over the real Telegram adapter (aiogram against the fake Bot API): the event's QR code is uploaded
as a photo, and its caption names the bot's deep link (/start ev<code>)."""
import re

from tests.telegram_fixtures import TgChat, api, tg_app  # noqa: F401  (fixtures)


async def test_event_qr_is_uploaded_with_the_deep_link(tg_app, api):
    li = TgChat(api, api.user(6001, "Li", language_code="zh-hans"))
    await li.say("/start G1-LI", until="欢迎加入")
    out = await li.say("/event 楼道清扫 5 2", until="签到码")
    code = re.search(r"签到码：([A-Z0-9]{6})", out).group(1)
    assert f"https://t.me/gridbot_test_bot?start=ev{code}" in out and "扫描二维码" in out
    sent = api.last_message(6001)
    assert sent.photo and api.files[sent.photo]["data"][:4] == b"\x89PNG"
    assert any("确认名单" in b.get("text", "") for b in sent.buttons)
