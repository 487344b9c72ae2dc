"""The optional LLM stage against a fake OpenAI-compatible endpoint on 127.0.0.1: used only when unsure,
validated against the taxonomy, falls back on any failure, never lowers an urgency flag, never sees a phone number."""
import asyncio
import json
import threading
import time

import pytest
from aiohttp import web

from bot.services.nlu import LLMConfig, parse, parse_async


class FakeEndpoint:
    """A chat-completions server in a thread; `reply` decides what it answers (a dict, a status code, or a delay)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply: object = {"intent": "report", "category": "other", "urgent": False}
        self.loop = asyncio.new_event_loop()
        self.port = None
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        assert started.wait(10)

    async def _handle(self, request):
        self.requests.append(await request.json())
        r = self.reply
        if isinstance(r, int):
            return web.Response(status=r, text="no")
        if isinstance(r, float):
            await asyncio.sleep(r)
            r = {"intent": "report", "category": "noise", "urgent": False}
        content = r if isinstance(r, str) else json.dumps(r)
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": content}}]})

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    def close(self):
        fut = asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop)
        fut.result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def config(self, **kw):
        return LLMConfig(url=f"http://127.0.0.1:{self.port}/v1", model="fake", timeout=kw.pop("timeout", 2.0), **kw)


@pytest.fixture
def endpoint():
    e = FakeEndpoint()
    yield e
    e.close()


UNSURE = "有个事想跟你们说一下"  # no category in it: the offline stage is unsure


def test_unsure_answer_is_improved_by_a_valid_reply(endpoint):
    offline = parse(UNSURE)
    assert offline.confidence < 0.6
    endpoint.reply = {"intent": "report", "category": "noise", "urgent": False}
    r = parse(UNSURE, llm=endpoint.config())
    assert (r.intent, r.category, r.candidates[0][0]) == ("report", "noise", "noise")
    assert "llm" in r.evidence and len(endpoint.requests) == 1
    assert endpoint.requests[0]["model"] == "fake"


def test_confident_answers_do_not_call_the_endpoint(endpoint):
    r = parse("3号楼2单元楼道灯坏了好几天了", llm=endpoint.config())
    assert r.category == "lighting" and endpoint.requests == []


@pytest.mark.parametrize("reply", [
    {"intent": "report", "category": "aliens", "urgent": False},  # not in the taxonomy
    {"intent": "complain", "category": "noise"},                   # not an intent
    "sorry, I cannot help with that",                              # not JSON
    {"intent": "report", "category": "noise", "urgent": "yes"},    # wrong type
    500,                                                           # server error
    2.0,                                                           # slower than the timeout
])
def test_any_failure_keeps_the_offline_answer(endpoint, reply):
    endpoint.reply = reply
    offline = parse(UNSURE)
    t0 = time.perf_counter()
    r = parse(UNSURE, llm=endpoint.config(timeout=0.5))
    assert time.perf_counter() - t0 < 3
    assert (r.intent, r.category, r.urgent, r.confidence) == (offline.intent, offline.category, offline.urgent, offline.confidence)


def test_unreachable_endpoint_keeps_the_offline_answer():
    cfg = LLMConfig(url="http://127.0.0.1:9/v1", model="fake", timeout=0.5)
    assert parse(UNSURE, llm=cfg).category == parse(UNSURE).category


def test_the_model_can_raise_urgency_but_never_lower_it(endpoint):
    endpoint.reply = {"intent": "report", "category": "noise", "urgent": False}
    r = parse("楼道里冒烟了", llm=endpoint.config(threshold=1.01))  # force a call
    assert r.urgent and len(endpoint.requests) == 1
    endpoint.reply = {"intent": "help", "category": None, "urgent": False}
    r = parse("楼道里冒烟了", llm=endpoint.config(threshold=1.01))
    assert r.urgent and r.intent == "report"
    endpoint.reply = {"intent": "report", "category": "care", "urgent": True}
    r = parse(UNSURE, llm=endpoint.config())
    assert r.urgent and r.category == "care"


def test_phone_numbers_are_masked_before_sending(endpoint):
    parse("有个事想说一下，打我电话13912345678", llm=endpoint.config(threshold=1.01))
    sent = json.dumps(endpoint.requests[0], ensure_ascii=False)
    assert "13912345678" not in sent and "139****5678" in sent


def test_async_parse_uses_the_endpoint_without_blocking(endpoint):
    endpoint.reply = {"intent": "report", "category": "pets", "urgent": False}

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        t = asyncio.ensure_future(ticker())
        endpoint.reply = 0.3  # a slow answer: the event loop must keep running meanwhile
        r = await parse_async(UNSURE, llm=endpoint.config())
        t.cancel()
        return r, ticks

    r, ticks = asyncio.run(main())
    assert r.category == "noise" and ticks >= 5
