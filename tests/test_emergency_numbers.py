"""An urgent report reminds the resident to call the public emergency services first: a grid worker may be minutes
away. The numbers are a setting (a county outside the mainland has others, or none shown at all)."""
from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.web import WebChannel
from bot.settings import Settings, SettingsError, load_settings
from tests.chat import Chat


async def test_an_urgent_draft_and_its_filing_name_119_120_110(chat):
    wang = chat("wang")
    out = await wang.say("6号楼1单元楼道里在冒烟 越来越浓")
    assert "紧急" in out and "119（火警）" in out and "120（急救）" in out and "110（报警）" in out, out
    assert "不要等我们回复。\n" in out, out  # the reminder stands on its own line, not run into the next sentence
    out = await wang.press("提交")
    assert "已提交 #" in out and "119" in out, out


async def test_an_ordinary_matter_shows_no_emergency_numbers(chat):
    wang = chat("wang")
    out = await wang.say("6号楼1单元楼道灯坏了好几天了")
    assert "119" not in out and "拨打" not in out, out
    out = await wang.press("提交")
    assert "已提交 #" in out and "119" not in out, out


async def test_marking_a_draft_urgent_brings_the_reminder(chat):
    wang = chat("wang")
    out = await wang.say("6号楼1单元三楼楼梯扶手松了 晃得厉害")
    assert "119" not in out
    out = await wang.press("现在有危险")
    assert "已改为紧急" in out and "请先拨打 119" in out, out


async def test_english_reminder(chat):
    amy = chat("amy", lang="en")
    out = await amy.say("there is smoke pouring out of the bin room in block B right now")
    assert "call 119 (fire), 120 (ambulance) or 110 (police) first" in out, out


@pytest.fixture
async def hk_app(db_url, tmp_path):
    s = Settings(_env_file=None, database_url=db_url, data_dir=tmp_path, demo=True, web_enabled=False,
                 telegram_token="", instance_id="test", emergency_numbers={"fire": "999", "ambulance": "999"})
    a = App(s)
    await a.prepare()
    a.add_channel(WebChannel(a))
    yield a
    await a.stop()


async def test_the_numbers_are_a_setting(hk_app):
    amy = Chat(hk_app, hk_app.channels["web"], "amy", "en")
    out = await amy.say("there is smoke pouring out of the bin room in block B right now")
    assert "call 999 (fire) or 999 (ambulance) first" in out and "110" not in out, out


async def test_no_numbers_no_reminder(db_url, tmp_path):
    s = Settings(_env_file=None, database_url=db_url, data_dir=tmp_path, demo=True, web_enabled=False,
                 telegram_token="", instance_id="test", emergency_numbers={})
    a = App(s)
    await a.prepare()
    a.add_channel(WebChannel(a))
    try:
        wang = Chat(a, a.channels["web"], "wang")
        out = await wang.say("6号楼1单元楼道里在冒烟 越来越浓")
        assert "紧急" in out and "拨打" not in out, out
    finally:
        await a.stop()


def test_a_wrong_setting_is_named(tmp_path):
    with pytest.raises(SettingsError, match="GRIDBOT_EMERGENCY_NUMBERS"):
        load_settings(_env_file=None, data_dir=tmp_path, emergency_numbers={"taxi": "123"})
    with pytest.raises(SettingsError, match="not a phone number"):
        load_settings(_env_file=None, data_dir=tmp_path, emergency_numbers={"fire": "call us"})
