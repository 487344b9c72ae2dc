"""Residents' own category choices leave the database as labelled lines the trainer reads (`gridbot labels export`)."""
import asyncio
import json

from bot.cli import main
from bot.services.nlu.train import read_jsonl


async def test_export_gives_the_residents_choices_in_the_contract_format(chat, app, tmp_path, monkeypatch, capsys):
    wang = chat("wang")
    await wang.say("这个又出问题了，麻烦看看，电话13812345678")  # the parser is unsure: it asks
    await wang.press("其他类别")
    await wang.press("设施维修")
    await wang.press("提交")
    await wang.say("门口那个东西又不行了")
    await wang.press("其他类别")
    await wang.press("治安")  # changes her mind before submitting: the later choice is the label
    await wang.press("改类别")
    await wang.press("设施维修")
    await wang.press("提交")

    out = tmp_path / "choices.jsonl"
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", app.settings.database_url)
    assert await asyncio.to_thread(main, ["labels", "export", "--out", str(out)]) == 0
    assert "exported 2 labelled lines" in capsys.readouterr().err
    rows = read_jsonl(out)  # what `python -m bot.services.nlu.train --extra FILE` reads
    assert [r["category"] for r in rows] == ["facilities", "facilities"]
    assert all(r["intent"] == "report" for r in rows)
    assert "出问题" in rows[0]["text"] and "13812345678" not in rows[0]["text"] and "138****5678" in rows[0]["text"]
    assert rows[1]["text"] == "门口那个东西又不行了"

    # only what was chosen since a date; a wrong date is refused with the option's name
    assert await asyncio.to_thread(main, ["labels", "export", "--since", "2999-01-01", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == ""
    assert await asyncio.to_thread(main, ["labels", "export", "--since", "last week"]) == 2
    assert "--since" in capsys.readouterr().err
