"""New video, or change #12? The question the bot asks when the rules are unsure and guessing would cost credits.

With a clip in focus, a short phrase like "harbour lights" may describe a new clip or change the one on screen.
When ``bot.intents`` is unsure (``Command.unsure``) and the choice is between ``generate`` and ``remix``, the
chat gets two buttons. The pressed answer does what it says and is remembered for that chat: the next unsure
message goes the same way without asking (a clear message is always taken as it reads).

State lives in ``Chat.state`` (JSON): ``"unsure_choice"`` (the remembered answer) and ``"unsure_question"``
(the message waiting for an answer, one per chat; a newer question replaces it).
"""

from __future__ import annotations

import secrets
from typing import Literal

from bot.commands import Command
from bot.i18n import t
from bot.intents import parse
from bot.messages import Button
from bot.models import Chat

Choice = Literal["new", "edit"]
CHOICES: tuple[Choice, ...] = ("new", "edit")
#: Button payloads are ``intent:new:<token>`` / ``intent:edit:<token>`` (well under Telegram's 64 bytes).
PAYLOAD = "intent"
_REMEMBERED = "unsure_choice"
_QUESTION = "unsure_question"


def text(key: str, lang: str, **params: object) -> str:
    """The question's words (``question``, ``new``, ``edit``, ``gone``) from the bot's catalogue."""
    return t(f"unsure_{key}", lang, **params)


def needs_choice(command: Command, *, focus_clip_id: int | None) -> bool:
    """Whether ``command`` is an unsure pick between a new clip and an edit of the clip in focus."""
    return focus_clip_id is not None and command.unsure and command.action in ("generate", "remix")


def remembered(chat: Chat) -> Choice | None:
    choice = chat.state.get(_REMEMBERED)
    return choice if choice in CHOICES else None


def remember(chat: Chat, choice: Choice) -> None:
    chat.state = {**chat.state, _REMEMBERED: choice}


def resolve(message: str, choice: Choice, clip_id: int, *, has_image: bool = False) -> Command:
    """The Command ``message`` means once the user said which: a new clip, or a change of ``clip_id``."""
    if choice == "new":
        command = parse(message, has_image=has_image)
        if command.action not in ("generate", "animate"):
            command = command.model_copy(update={"action": "generate", "clips": []})
    else:
        command = parse(message, has_focus=True, replied=True)
        if command.action != "remix":
            command = command.model_copy(update={"action": "remix"})
        command = command.model_copy(update={"clips": [f"#{clip_id}"]})
    return command.model_copy(update={"confidence": 1.0})


def ask(chat: Chat, user_id: int, message: str, clip_id: int, lang: str) -> tuple[str, tuple[Button, Button]]:
    """Store ``message`` until the user answers; the question and its two buttons."""
    token = secrets.token_hex(4)
    chat.state = {**chat.state, _QUESTION: {"token": token, "user": user_id, "text": message, "clip": clip_id}}
    buttons = (Button(text("new", lang), f"{PAYLOAD}:new:{token}"),
               Button(text("edit", lang, clip=clip_id), f"{PAYLOAD}:edit:{token}"))
    return text("question", lang, clip=clip_id), buttons


def answer(chat: Chat, user_id: int, argument: str) -> tuple[Choice, str, int] | None:
    """A pressed button (``argument`` = ``new:<token>``): (choice, message, clip id), remembered for the chat;
    None when the question is gone (answered already, replaced by a newer one) or was someone else's."""
    choice, _, token = argument.partition(":")
    question = chat.state.get(_QUESTION)
    if choice not in CHOICES or not question or question.get("token") != token or question.get("user") != user_id:
        return None
    chat.state = {key: value for key, value in chat.state.items() if key != _QUESTION}
    remember(chat, choice)  # type: ignore[arg-type]
    return choice, str(question["text"]), int(question["clip"])  # type: ignore[return-value]
