"""Storyboard-draft talk: add a card to the chat's draft, show it, render it, clear it (English and Chinese).

"Add a card at 5s: ..." is read by :mod:`bot.intents.storyboard` (one pattern for it in the whole code base);
this module only tells a single added card apart from a storyboard written out in one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents import storyboard

_KEYWORD = re.compile(r"^\s*(?:storyboard|story\s*board|分镜|故事板)\b", re.I)
_SHOW = re.compile(r"^\s*(show( me)?( the)? storyboard|storyboard\??|显示分镜|查看分镜|看看分镜)\s*[.!?。！？]?\s*$", re.I)
_RENDER = re.compile(r"^\s*(render( it| the storyboard)?|make it now|渲染(分镜)?|生成分镜|开始渲染)\s*[.!?。！？]?\s*$", re.I)
_CLEAR = re.compile(r"^\s*(clear( the)? storyboard|new storyboard|清空分镜|重新分镜)\s*[.!?。！？]?\s*$", re.I)


@dataclass(frozen=True)
class DraftCommand:
    """A storyboard-draft instruction: ``add`` (with ``at`` and ``prompt``), ``show``, ``render`` or ``clear``."""

    kind: str
    at: float | None = None
    prompt: str = ""


def draft_command(text: str, *, has_draft: bool) -> DraftCommand | None:
    """Recognise storyboard-draft talk; ``render`` counts only while a draft exists."""
    text = text or ""
    if _SHOW.match(text):
        return DraftCommand("show")
    if _CLEAR.match(text):
        return DraftCommand("clear")
    if has_draft and _RENDER.match(text):
        return DraftCommand("render")
    if _KEYWORD.match(text):
        return None  # "storyboard: 0s ..." is a whole storyboard, rendered at once
    board = storyboard.read(text)
    if board is not None and board.explicit and len(board.cards) == 1:
        at, prompt = board.cards[0]
        return DraftCommand("add", at=at, prompt=prompt)
    return None
