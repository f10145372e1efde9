"""The optional language model, against a fake OpenAI-compatible chat-completions server on 127.0.0.1.

Given a message the rules are unsure about, when the model answers with a tool call, then that Command is used;
when it is slow, down, refuses or answers malformed JSON, then the rules' Command comes back within 3 s.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from bot.intents import LanguageModel, LLMOptions, parse
from bot.intents.llm import ANSWER_CONFIDENCE

#: With a clip in focus, a short phrase with no cue either way: the rules are unsure.
UNSURE = "harbour lights"
Reply = Callable[[dict], Awaitable[web.StreamResponse]]


def _tool_call(arguments: object) -> dict:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": None,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "command", "arguments": text}}]}}]}


def _content(text: str, refusal: str | None = None) -> dict:
    return {"choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text, "refusal": refusal}}]}


class FakeModel:
    """A chat-completions endpoint whose next answers the test sets; it records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.reply: Reply = self._json(_content("{}"))
        self.url = ""
        self._runner: web.AppRunner | None = None

    @staticmethod
    def _json(body: dict, delay_s: float = 0.0) -> Reply:
        async def reply(_request: dict) -> web.StreamResponse:
            await asyncio.sleep(delay_s)
            return web.json_response(body)

        return reply

    def answers(self, body: dict, delay_s: float = 0.0) -> None:
        self.reply = self._json(body, delay_s)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        payload = await request.json()
        self.requests.append(payload)
        self.headers.append(dict(request.headers))
        return await self.reply(payload)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def fake_model():
    model = FakeModel()
    await model.start()
    try:
        yield model
    finally:
        await model.stop()


@pytest.fixture
async def language_model(fake_model):
    model = LanguageModel(LLMOptions(url=fake_model.url, model="tiny", api_key="sk-test"))
    try:
        yield model
    finally:
        await model.aclose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_probe_message_is_one_the_rules_are_unsure_about():
    assert parse(UNSURE, has_focus=True).unsure


async def test_an_unusual_sentence_is_understood_through_the_tool_call(fake_model, language_model):
    fake_model.answers(_tool_call({"action": "remix", "prompt": "harbour lights at night", "clips": ["current"]}))
    command = await language_model.understand(UNSURE, has_focus=True, focus_prompt="a harbour at dusk")
    assert (command.action, command.prompt, command.clips) == ("remix", "harbour lights at night", ["current"])
    assert command.confidence == ANSWER_CONFIDENCE
    sent = fake_model.requests[0]
    assert sent["model"] == "tiny"
    assert sent["tool_choice"]["function"]["name"] == "command"
    assert "action" in sent["tools"][0]["function"]["parameters"]["properties"]
    context = json.loads(sent["messages"][-1]["content"])
    assert context["clip_in_focus"] is True and context["clip_in_focus_prompt"] == "a harbour at dusk"
    assert context["rules_reading"]["action"] in ("generate", "remix")
    assert fake_model.headers[0]["Authorization"] == "Bearer sk-test"


async def test_a_sure_reading_never_asks_the_model(fake_model, language_model):
    command = await language_model.understand("what have I made so far?", has_focus=True)
    assert command.action == "history"
    assert fake_model.requests == []


async def test_settings_the_rules_read_are_kept_when_the_model_leaves_them_out(fake_model, language_model):
    fake_model.answers(_tool_call({"action": "generate", "prompt": "harbour lights"}))
    command = await language_model.understand(UNSURE + ", vertical", has_focus=True)
    assert (command.action, command.aspect) == ("generate", "9:16")


async def test_a_server_without_tools_may_answer_with_json_in_the_content(fake_model, language_model):
    fake_model.answers(_content('Sure: {"action": "generate", "prompt": "harbour lights"}'))
    command = await language_model.understand(UNSURE, has_focus=True)
    assert (command.action, command.prompt) == ("generate", "harbour lights")


@pytest.mark.parametrize("body", [
    _tool_call('{"action": "generate", "prompt": "harbour'),  # malformed JSON
    _tool_call({"action": "dance", "prompt": "harbour lights"}),  # not an action
    _tool_call({"action": "remix", "clips": ["the blue one"]}),  # not a clip reference
    _tool_call({"action": "generate", "duration": 300}),  # out of range
    _content("", refusal="I can't help with that."),  # a refusal
    _content("I am not sure what you mean."),  # no tool call
    {"error": {"message": "model not found"}},  # no choices
], ids=["malformed-json", "unknown-action", "bad-clip", "out-of-range", "refusal", "no-tool-call", "no-choices"])
async def test_a_bad_answer_falls_back_to_the_rules(fake_model, language_model, body):
    fake_model.answers(body)
    command = await language_model.understand(UNSURE, has_focus=True)
    assert command == parse(UNSURE, has_focus=True)
    assert len(fake_model.requests) == 1


async def test_a_current_clip_without_a_clip_in_focus_is_refused(fake_model, language_model):
    fake_model.answers(_tool_call({"action": "remix", "clips": ["current"], "prompt": "at night"}))
    command = await language_model.understand("⛵⛵", has_focus=False, rules=parse(UNSURE, has_focus=True))
    assert command == parse(UNSURE, has_focus=True)


async def test_an_http_error_falls_back_to_the_rules(fake_model, language_model):
    async def fail(_payload: dict) -> web.StreamResponse:
        return web.json_response({"error": "overloaded"}, status=503)

    fake_model.reply = fail
    assert await language_model.understand(UNSURE, has_focus=True) == parse(UNSURE, has_focus=True)


async def test_a_slow_model_gives_the_rules_answer_within_three_seconds(fake_model, language_model):
    fake_model.answers(_tool_call({"action": "generate", "prompt": "too late"}), delay_s=10)
    started = time.perf_counter()
    command = await language_model.understand(UNSURE, has_focus=True)
    elapsed = time.perf_counter() - started
    assert command == parse(UNSURE, has_focus=True)
    assert 1.5 < elapsed < 3.0


async def test_a_model_that_is_down_gives_the_rules_answer_within_three_seconds():
    model = LanguageModel(LLMOptions(url=f"http://127.0.0.1:{_free_port()}/v1", model="tiny"))
    try:
        started = time.perf_counter()
        command = await model.understand(UNSURE, has_focus=True)
        assert time.perf_counter() - started < 3.0
    finally:
        await model.aclose()
    assert command == parse(UNSURE, has_focus=True)


async def test_without_a_url_the_model_is_never_asked():
    model = LanguageModel(LLMOptions())
    assert not model.enabled
    assert await model.understand(UNSURE, has_focus=True) == parse(UNSURE, has_focus=True)
    assert await model.enhance("a cat") == "a cat"


async def test_prompts_are_expanded_only_when_the_operator_asks(fake_model):
    detailed = "A ginger cat naps on a sunny windowsill, its tail twitching, soft morning light, slow dolly-in."
    fake_model.answers(_content(f'"{detailed}"'))
    off = LanguageModel(LLMOptions(url=fake_model.url))
    on = LanguageModel(LLMOptions(url=fake_model.url, enhance_prompts=True))
    try:
        assert await off.enhance("a cat napping") == "a cat napping"
        assert fake_model.requests == []
        assert await on.enhance("a cat napping") == detailed
        fake_model.answers(_content("", refusal="no"))
        assert await on.enhance("a cat napping") == "a cat napping"
    finally:
        await off.aclose()
        await on.aclose()


def test_the_environment_names_the_endpoint_and_the_toml_block_the_rest(monkeypatch, tmp_path):
    from reelbot.config import load_settings

    config = tmp_path / "reelbot.toml"
    config.write_text("[llm]\nenhance_prompts = true\ntimeout_s = 1.5\nmodel = \"from-toml\"\n")
    monkeypatch.setenv("REELBOT_CONFIG", str(config))
    monkeypatch.setenv("REELBOT_LLM_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("REELBOT_LLM_API_KEY", "sk-secret")
    settings = load_settings()
    options = settings.llm_options
    assert (options.url, options.model, options.timeout_s, options.enhance_prompts) == (
        "http://127.0.0.1:11434/v1", "from-toml", 1.5, True)
    assert options.endpoint == "http://127.0.0.1:11434/v1/chat/completions"
    assert "sk-secret" not in json.dumps(settings.masked())


async def test_reelbot_parse_asks_the_model_named_by_the_environment(fake_model):
    import os
    import sys
    from pathlib import Path

    fake_model.answers(_tool_call({"action": "generate", "prompt": "harbour lights over black water"}))
    env = {**os.environ, "REELBOT_LLM_URL": fake_model.url, "REELBOT_LLM_MODEL": "tiny"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from reelbot.cli import main; main()", "parse", "--context", "clip", UNSURE,
        env=env, cwd=Path(__file__).resolve().parents[4], stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    command = json.loads(out)
    assert (command["action"], command["prompt"]) == ("generate", "harbour lights over black water")
    assert fake_model.requests[0]["model"] == "tiny"
