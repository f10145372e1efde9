"""An optional language model for the long tail: asked only when the rules are unsure, never required.

Any OpenAI-compatible chat-completions endpoint works (Ollama, vLLM, llama.cpp's server, a hosted API):
``REELBOT_LLM_URL`` (the API base, e.g. ``http://127.0.0.1:11434/v1``, or the full ``.../chat/completions``
address), ``REELBOT_LLM_MODEL`` and ``REELBOT_LLM_API_KEY``. The model is asked for the Command as a call of one
tool whose parameters are the Command's JSON schema, with the chat's context (is a clip in focus, and its
prompt) and the rules' own reading. Its answer is validated against the schema; a timeout (2 s by default), an
error, a refusal or an answer that does not validate falls back to the rules' answer, so the bot never waits
longer than the timeout and never depends on the model.

With ``[llm] enhance_prompts = true`` a short prompt is also expanded into the detailed description video
models follow best; any failure keeps the prompt as written.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, SecretStr, ValidationError

from bot.commands import ACTIONS, UNSURE_BELOW, Command
from bot.intents.parser import parse

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

#: The confidence given to a validated answer of the model: sure enough that the dialogue does not ask again.
ANSWER_CONFIDENCE = 0.8
#: Expanded prompts longer than this are cut off at a sentence end (video models read about 200 tokens).
MAX_ENHANCED_CHARS = 1200
_TOOL = "command"
_SETTINGS = ("aspect", "resolution", "duration", "variations", "audio")
_CLIP_REF = re.compile(r"^(?:current|#[1-9]\d{0,8})$")

_SYSTEM = (
    "You read one chat message sent to a video-making bot and answer with the command it asks for, by calling the "
    "`command` tool once. Actions: generate (a new clip from a description), animate (a photo is attached), remix "
    "(change the clip in focus or a named clip #N; prompt = the change), recut (keep the first keep_seconds of a "
    "clip, regenerate the rest), extend (continue a clip), blend (join clips), loop, storyboard, settings (the "
    "user's defaults), balance, history, buy (credits), share, cancel, help. A description of a new scene is "
    "generate even while a clip is in focus; an instruction that refers to that clip is remix with clips "
    '["current"]. Settings (aspect 16:9/9:16/1:1, resolution 480p/720p/1080p, duration 1-20 seconds, variations '
    "1/2/4, audio true/false) go in their fields and never in the prompt; politeness never goes in the prompt. "
    "Keep the user's language in the prompt."
)
_ENHANCE = (
    "Rewrite the user's short video idea as one detailed description a text-to-video model follows well: the "
    "subject, its motion, the setting, the light and the camera, in at most 80 words, in the same language as "
    "the idea, keeping every detail it gives. Answer with the description only."
)


class LLMOptions(BaseModel):
    """How to reach the optional language model (``reelbot.config`` fills it from the environment and ``[llm]``)."""

    url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    #: Seconds the bot waits for an answer before it goes with the rules.
    timeout_s: float = Field(default=2.0, gt=0, le=60)
    #: Expand short generate prompts into detailed descriptions (the caption shows the expanded prompt).
    enhance_prompts: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def endpoint(self) -> str:
        url = (self.url or "").rstrip("/")
        return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


class BadAnswer(Exception):
    """The model answered, but not with a Command we can use (refusal, malformed JSON, invalid fields)."""


def command_schema() -> dict[str, Any]:
    """The tool's parameters: DESIGN.md's Command JSON as a JSON schema (no confidence: that is ours to give)."""
    number_or_null = {"type": ["number", "null"]}
    return {
        "type": "object",
        "properties": {
            "action": {"type": "string", "enum": list(ACTIONS)},
            "prompt": {"type": ["string", "null"], "description": "the scene, or the change for an edit"},
            "aspect": {"enum": ["16:9", "9:16", "1:1", None]},
            "resolution": {"enum": ["480p", "720p", "1080p", None]},
            "duration": {"type": ["integer", "null"], "minimum": 1, "maximum": 20},
            "variations": {"enum": [1, 2, 4, None]},
            "clips": {"type": "array", "items": {"type": "string", "pattern": _CLIP_REF.pattern},
                      "description": '"current" for the clip in focus, "#12" for clip 12'},
            "keep_seconds": number_or_null,
            "audio": {"type": ["boolean", "null"]},
            "cards": {"type": ["array", "null"], "items": {
                "type": "object", "properties": {"at": {"type": "number"}, "prompt": {"type": "string"}},
                "required": ["at", "prompt"]}},
        },
        "required": ["action"],
    }


def validate_answer(arguments: object, rules: Command, *, has_focus: bool) -> Command:
    """The model's tool arguments as a Command, or ``BadAnswer``. Settings the rules read and the model left out
    are kept: the setting readers are exact, the model is there for the action and the prompt."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError as exc:
            raise BadAnswer(f"arguments are not JSON: {exc}") from None
    if not isinstance(arguments, dict):
        raise BadAnswer("arguments are not an object")
    data = {key: value for key, value in arguments.items() if key in Command.model_fields and key != "confidence"}
    try:
        command = Command.model_validate(data)
    except ValidationError as exc:
        raise BadAnswer(f"not a Command: {exc.errors()[0]['msg']}") from None
    if any(not _CLIP_REF.match(ref) for ref in command.clips):
        raise BadAnswer(f"bad clip reference in {command.clips!r}")
    if command.duration is not None and not 1 <= command.duration <= 20:
        raise BadAnswer(f"duration {command.duration} is not 1-20 seconds")
    if command.keep_seconds is not None and not 0 < command.keep_seconds <= 60:
        raise BadAnswer(f"keep_seconds {command.keep_seconds} is not in (0, 60]")
    if "current" in command.clips and not has_focus:
        raise BadAnswer("refers to a clip in focus, but none is")
    if command.prompt is not None and not command.prompt.strip():
        command.prompt = None
    for name in _SETTINGS:
        if getattr(command, name) is None and getattr(rules, name) is not None:
            setattr(command, name, getattr(rules, name))
    command.confidence = ANSWER_CONFIDENCE
    return command


def _tool_arguments(body: object) -> object:
    """The ``command`` tool's arguments from a chat-completions response (or a JSON object in its content)."""
    try:
        message = body["choices"][0]["message"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        raise BadAnswer("no choices[0].message in the response") from None
    if not isinstance(message, dict):
        raise BadAnswer("message is not an object")
    if message.get("refusal"):
        raise BadAnswer(f"refused: {str(message['refusal'])[:200]}")
    for call in message.get("tool_calls") or []:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict) and function.get("name") == _TOOL:
            return function.get("arguments")
    content = message.get("content")
    if isinstance(content, str):
        match = re.search(r"\{.*\}", content, re.DOTALL)  # servers without tool support answer in the content
        if match:
            return match.group(0)
        raise BadAnswer(f"no tool call; said: {content[:200]!r}")
    raise BadAnswer("no tool call and no content")


class LanguageModel:
    """The optional model behind the rules. ``understand`` always returns a Command, within ``timeout_s``."""

    def __init__(self, options: LLMOptions, client: httpx.AsyncClient | None = None) -> None:
        self.options = options
        self._client = client

    @property
    def enabled(self) -> bool:
        return self.options.enabled

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            headers = {}
            if self.options.api_key is not None:
                headers["Authorization"] = f"Bearer {self.options.api_key.get_secret_value()}"
            self._client = httpx.AsyncClient(headers=headers, timeout=self.options.timeout_s)
        return self._client

    async def _complete(self, payload: dict[str, Any]) -> object:
        response = await self._http().post(self.options.endpoint, json={"model": self.options.model or "default",
                                                                       "temperature": 0, **payload})
        response.raise_for_status()
        try:
            return response.json()
        except ValueError as exc:
            raise BadAnswer(f"response is not JSON: {exc}") from None

    async def understand(self, text: str, *, has_focus: bool = False, has_image: bool = False,
                         has_video: bool = False, replied: bool = False, focus_prompt: str | None = None,
                         rules: Command | None = None) -> Command:
        """The rules' Command, or the model's when the rules are unsure and the model answers well in time."""
        rules = rules or parse(text, has_focus=has_focus, has_image=has_image, has_video=has_video, replied=replied)
        has_focus = bool(has_focus or replied)
        if not self.enabled or rules.confidence >= UNSURE_BELOW:
            return rules
        context = {
            "message": text,
            "clip_in_focus": bool(has_focus or has_video),
            "clip_in_focus_prompt": focus_prompt if has_focus else None,
            "photo_attached": has_image,
            "video_attached": has_video,
            "rules_reading": rules.model_dump(mode="json", exclude={"confidence", "cards"}),
        }
        payload = {
            "messages": [{"role": "system", "content": _SYSTEM},
                         {"role": "user", "content": json.dumps(context, ensure_ascii=False)}],
            "tools": [{"type": "function", "function": {
                "name": _TOOL, "description": "The command the message asks the video bot for.",
                "parameters": command_schema()}}],
            "tool_choice": {"type": "function", "function": {"name": _TOOL}},
        }
        try:
            body = await asyncio.wait_for(self._complete(payload), self.options.timeout_s)
            return validate_answer(_tool_arguments(body), rules, has_focus=bool(has_focus or has_video))
        except (TimeoutError, BadAnswer) as exc:
            log.info("language model not used for %r: %s", text[:80], exc or "timed out")
        except Exception as exc:  # noqa: BLE001  (connection refused, HTTP errors: the rules answer instead)
            log.warning("language model unreachable (%s); the rules answer", type(exc).__name__)
        return rules

    async def enhance(self, prompt: str) -> str:
        """``prompt`` expanded into a detailed description, or ``prompt`` itself when off, slow or odd."""
        if not (self.enabled and self.options.enhance_prompts) or not prompt.strip():
            return prompt
        payload = {"messages": [{"role": "system", "content": _ENHANCE}, {"role": "user", "content": prompt}]}
        try:
            body = await asyncio.wait_for(self._complete(payload), self.options.timeout_s)
            message = body["choices"][0]["message"]  # type: ignore[index]
            if message.get("refusal"):
                raise BadAnswer("refused")
            text = " ".join(str(message.get("content") or "").split()).strip("\"'“”「」 ")
        except Exception as exc:  # noqa: BLE001  (an expansion is a nicety: any failure keeps the prompt)
            log.info("prompt not enhanced: %s", type(exc).__name__)
            return prompt
        if len(text) < len(prompt) or text.startswith("{"):
            return prompt
        if len(text) > MAX_ENHANCED_CHARS:
            cut = max(text.rfind(mark, 0, MAX_ENHANCED_CHARS) for mark in (".", "。", "!", "！"))
            text = text[: cut + 1] if cut > 0 else text[:MAX_ENHANCED_CHARS]
        return text
