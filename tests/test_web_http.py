"""The local web chat over real HTTP: the page, the demo people, a visitor registering by buttons, and bad input.

The WebChannel's aiohttp app listens on 127.0.0.1 (an ephemeral port); the tests talk to it with a real HTTP client
and wait for the bot with the long poll (since = the highest version seen), never with sleeps.
"""
from __future__ import annotations

import asyncio
import struct
import zlib

import aiohttp
import pytest
from aiohttp import web as aioweb


def _png() -> bytes:
    """A tiny real PNG (2x2 pixels), so the upload is a genuine image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Page:
    """What the browser page does: HTTP calls, and a per-chat view of messages kept current by long polling."""

    def __init__(self, http: aiohttp.ClientSession, base: str):
        self.http, self.base = http, base
        self.since: dict[str, int] = {}
        self.seen: dict[str, dict[int, dict]] = {}
        self.menu: dict[str, list] = {}

    async def post(self, path: str, body: dict) -> aiohttp.ClientResponse:
        async with self.http.post(self.base + path, json=body) as r:
            await r.read()
            return r

    async def wait_for(self, chat: str, pred, timeout: float = 20) -> dict:
        """Long-poll the chat until pred(message) holds for some message; returns that message."""
        async with asyncio.timeout(timeout):
            while True:
                for m in self.seen.get(chat, {}).values():
                    if pred(m):
                        return m
                async with self.http.get(self.base + "/api/updates",
                                         params={"chat": chat, "since": str(self.since.get(chat, 0))}) as r:
                    assert r.status == 200, await r.text()
                    data = await r.json()
                self.menu[chat] = data["menu"]
                for m in data["messages"]:
                    self.since[chat] = max(self.since.get(chat, 0), m["version"])
                    self.seen.setdefault(chat, {})[m["id"]] = m  # same id again = edited in place

    @staticmethod
    def button(m: dict, label: str) -> dict:
        return next(b for row in m["buttons"] for b in row if label in b["text"])


def has_button(label: str):
    return lambda m: any(label in b["text"] for row in m["buttons"] for b in row)


@pytest.fixture
async def page(app, web):
    runner = aioweb.AppRunner(web.web_app())
    await runner.setup()
    site = aioweb.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    async with aiohttp.ClientSession() as http:
        yield Page(http, f"http://{host}:{port}")
    await runner.cleanup()


async def test_the_page_and_its_files_are_served(page):
    async with page.http.get(page.base + "/") as r:
        assert r.status == 200 and r.content_type == "text/html"
        html = await r.text()
    assert "网页聊天" in html and "Web chat" in html
    for asset in ("/static/app.js", "/static/style.css"):
        assert asset in html
        async with page.http.get(page.base + asset) as r:
            assert r.status == 200 and len(await r.read()) > 1000


async def test_demo_people_are_listed_with_their_roles(page):
    async with page.http.get(page.base + "/api/people") as r:
        assert r.status == 200
        people = {p["chat"]: p for p in await r.json()}
    assert people["wang"]["roles"] == ["resident"] and people["wang"]["name"]
    assert "grid_worker" in people["li"]["roles"]
    assert "grid_leader" in people["chen"]["roles"]
    assert "dept_handler" in people["liu"]["roles"]
    assert "coordinator" in people["zhao"]["roles"]


async def test_a_visitor_registers_by_pressing_buttons_over_http(page):
    chat = "visitor-http1"
    r = await page.post("/api/send", {"chat": chat, "text": "/start", "lang": "zh"})
    assert r.status == 200
    mine = await page.wait_for(chat, lambda m: m["mine"])
    assert mine["text"] == "/start"  # their own words show in their chat
    ask = await page.wait_for(chat, has_button("6号楼"))
    assert "几号楼" in ask["text"] and not ask["mine"]
    assert [len(row) for row in ask["buttons"]][0] > 1  # buttons come in rows, as on Telegram
    assert any(cmd == "start" for cmd, _ in page.menu[chat])  # the "/" menu of this chat

    b6 = page.button(ask, "6号楼")
    r = await page.post("/api/press", {"chat": chat, "message_id": ask["id"], "data": b6["data"], "lang": "zh"})
    assert r.status == 200
    unit = await page.wait_for(chat, has_button("1单元"))
    assert "6号楼" in unit["text"] and "单元" in unit["text"]

    # the old building button again: a short transient note, not a new question
    await page.post("/api/press", {"chat": chat, "message_id": ask["id"], "data": b6["data"], "lang": "zh"})
    toast = await page.wait_for(chat, lambda m: m["toast"])
    assert "过期" in toast["text"] and not toast["buttons"]

    await page.post("/api/press", {"chat": chat, "message_id": unit["id"], "data": page.button(unit, "1单元")["data"]})
    room = await page.wait_for(chat, lambda m: "门牌号" in m["text"])
    await page.post("/api/send", {"chat": chat, "text": "302"})
    confirm = await page.wait_for(chat, has_button("同意并保存"))
    assert "6号楼1单元302室" in confirm["text"]
    await page.post("/api/press", {"chat": chat, "message_id": confirm["id"],
                                   "data": page.button(confirm, "同意并保存")["data"]})
    done = await page.wait_for(chat, lambda m: "登记好了" in m["text"])
    assert done["id"] > room["id"]


async def test_english_visitor_gets_english(page):
    chat = "visitor-http-en"
    await page.post("/api/send", {"chat": chat, "text": "/start", "lang": "en"})
    ask = await page.wait_for(chat, lambda m: m["buttons"] and not m["mine"])
    assert "building" in ask["text"].lower() and "几号楼" not in ask["text"]


async def test_a_photo_and_a_location_show_in_the_persons_own_chat(page):
    blob = _png()
    form = aiohttp.FormData()
    form.add_field("chat", "wang")
    form.add_field("caption", "楼道灯坏了")
    form.add_field("file", blob, filename="lamp.png", content_type="image/png")
    async with page.http.post(page.base + "/api/photo", data=form) as r:
        assert r.status == 200, await r.text()
    mine = await page.wait_for("wang", lambda m: m["mine"] and m["photo"])
    assert mine["text"] == "楼道灯坏了" and mine["photo"].startswith("/files/")
    async with page.http.get(page.base + mine["photo"]) as r:
        assert r.status == 200 and await r.read() == blob
    await page.wait_for("wang", lambda m: not m["mine"] and m["id"] > mine["id"])  # the bot answered it

    r = await page.post("/api/location", {"chat": "wang", "lat": 39.9087, "lon": 116.3975, "lang": "zh"})
    assert r.status == 200
    loc = await page.wait_for("wang", lambda m: m["mine"] and "39.90870" in m["text"])
    await page.wait_for("wang", lambda m: not m["mine"] and m["id"] > loc["id"])

    async with page.http.get(page.base + "/files/..%2Fgridbot.sqlite3") as r:  # nothing outside the uploads
        assert r.status == 404


async def test_bad_input_gets_a_clear_400_and_the_server_keeps_serving(page, web):
    async def status_text(method: str, path: str, **kw) -> tuple[int, str]:
        async with page.http.request(method, page.base + path, **kw) as r:
            return r.status, await r.text()

    assert await status_text("POST", "/api/send", json={"text": "hi"}) == (400, "chat must be 1-64 letters, digits, - or _")
    assert (await status_text("POST", "/api/send", json={"chat": "../etc", "text": "hi"}))[0] == 400
    assert await status_text("GET", "/api/updates") == (400, "chat must be 1-64 letters, digits, - or _")
    assert await status_text("GET", "/api/updates", params={"chat": "wang", "since": "soon"}) == (
        400, "since must be a number")
    assert await status_text("POST", "/api/send", data="not json",
                             headers={"Content-Type": "application/json"}) == (400, "body must be JSON")
    assert await status_text("POST", "/api/send", json=["chat", "wang"]) == (400, "body must be a JSON object")
    assert await status_text("POST", "/api/send", json={"chat": "wang", "text": "   "}) == (400, "text is required")
    assert await status_text("POST", "/api/press", json={"chat": "wang", "data": "x" * 65}) == (
        400, "data must be a button payload")
    assert await status_text("POST", "/api/location", json={"chat": "wang", "lat": "north", "lon": 1}) == (
        400, "lat and lon are required numbers")
    assert (await status_text("POST", "/api/location", json={"chat": "wang", "lat": 91, "lon": 1}))[0] == 400

    form = aiohttp.FormData()
    form.add_field("chat", "wang")
    form.add_field("file", b"MZ\x90\x00 not a picture", filename="evil.exe", content_type="image/png")
    assert await status_text("POST", "/api/photo", data=form) == (400, "only PNG, JPEG, GIF or WebP images")
    form = aiohttp.FormData()
    form.add_field("file", _png(), filename="a.png", content_type="image/png")
    assert await status_text("POST", "/api/photo", data=form) == (400, "chat and file are required")

    assert not web.messages.get("wang")  # none of that was taken as something the person said
    # and the server still serves
    async with page.http.get(page.base + "/api/people") as r:
        assert r.status == 200
    await page.post("/api/send", {"chat": "wang", "text": "/help"})
    helped = await page.wait_for("wang", lambda m: not m["mine"])
    assert "可以这样用我" in helped["text"]
