"""Optional third stage: ask an OpenAI-compatible chat-completions endpoint when the offline answer is unsure.
Off unless an LLMConfig is passed. Its answer is validated against the taxonomy; any failure keeps the offline
answer; it may raise an urgency flag but never lower one. Phone numbers are masked before anything is sent."""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from dataclasses import dataclass

from .core import INTENTS, LOW_CONFIDENCE, ParseResult
from .taxonomy import Taxonomy
from .text import MAX_CHARS, mask_phones

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LLMConfig:
    url: str  # base URL (…/v1) or the full …/chat/completions URL
    model: str
    timeout: float = 5.0
    api_key: str | None = None
    threshold: float = LOW_CONFIDENCE  # ask only below this confidence

    @property
    def endpoint(self) -> str:
        u = self.url.rstrip("/")
        return u if u.endswith("/chat/completions") else u + "/chat/completions"


def should_ask(result: ParseResult, cfg: LLMConfig) -> bool:
    return result.confidence < cfg.threshold


def build_request(text: str, tax: Taxonomy, cfg: LLMConfig) -> dict:
    cats = "\n".join(f"- {c.id}: {c.names.get('zh', '')} / {c.names.get('en', '')}" for c in tax.categories.values())
    system = (
        "You classify messages that residents send to a Chinese community grid-governance chat bot. "
        "Answer with one JSON object only: {\"intent\": one of " + ", ".join(INTENTS) + ", "
        "\"category\": a category id if intent is report else null, \"urgent\": true if someone may be hurt or "
        "property lost unless somebody comes now}.\nCategories:\n" + cats
    )
    return {
        "model": cfg.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": system},
                     {"role": "user", "content": mask_phones(text[:MAX_CHARS])}],
    }


def _extract_json(content: str) -> dict | None:
    content = content.strip()
    m = re.search(r"\{.*\}", content, re.S)
    if not m:
        return None
    try:
        obj = json.loads(m.group(0))
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def merge(result: ParseResult, response: object, tax: Taxonomy) -> ParseResult:
    """The offline result improved by a validated model answer; the offline result itself if the answer is unusable."""
    try:
        content = response["choices"][0]["message"]["content"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return result
    obj = _extract_json(content) if isinstance(content, str) else None
    if not obj:
        return result
    intent = obj.get("intent")
    category = obj.get("category")
    urgent = obj.get("urgent")
    if intent not in INTENTS or not isinstance(urgent, (bool, type(None))):
        return result
    if intent == "report" and category not in tax.categories:
        return result
    urgent = bool(result.urgent or urgent)  # the model may add a flag, never remove one
    if urgent:
        intent = "report"
        if category not in tax.categories:
            category = result.category
    if intent == "report":
        if category is None:
            return result
        rest = [(c, s) for c, s in result.candidates if c != category]
        candidates = [(category, max(result.confidence, 0.7))] + rest[:2]
    else:
        category, candidates = None, []
    evidence = list(result.evidence) + ["llm"]
    dept = tax.categories[category].department_hint if category in tax.categories else None
    changes = dict(intent=intent, category=category, urgent=urgent, confidence=max(result.confidence, 0.7),
                   candidates=candidates, evidence=evidence, department_hint=dept)
    if intent != result.intent and intent != "volunteer_claim":
        changes.update(hours=None, when=None, activity=None)
    return dataclasses.replace(result, **changes)


def ask_sync(text: str, result: ParseResult, tax: Taxonomy, cfg: LLMConfig) -> ParseResult:
    import urllib.error  # imported here: most deployments never use this stage, and it costs start-up time
    import urllib.request

    body = json.dumps(build_request(text, tax, cfg)).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if cfg.api_key:
        headers["Authorization"] = f"Bearer {cfg.api_key}"
    req = urllib.request.Request(cfg.endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:
            data = json.loads(resp.read(1_000_000).decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.warning("llm stage unavailable, keeping the offline answer: %s", type(exc).__name__)
        return result
    return merge(result, data, tax)


async def ask_async(text: str, result: ParseResult, tax: Taxonomy, cfg: LLMConfig) -> ParseResult:
    import asyncio

    import aiohttp

    headers = {"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {}
    try:
        timeout = aiohttp.ClientTimeout(total=cfg.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(cfg.endpoint, json=build_request(text, tax, cfg), headers=headers) as resp:
                if resp.status != 200:
                    log.warning("llm stage answered HTTP %s, keeping the offline answer", resp.status)
                    return result
                data = json.loads(await resp.text())
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, OSError) as exc:
        log.warning("llm stage unavailable, keeping the offline answer: %s", type(exc).__name__)
        return result
    return merge(result, data, tax)
