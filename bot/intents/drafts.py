"""Storyboard-draft talk: add a card to the chat's draft, change a card's text, show it, render it, clear it
(English and Chinese), and where a photo sent to the draft goes (:func:`picture_card`).

"Add a card at 5s: ..." is read by :mod:`bot.intents.storyboard` (one pattern for it in the whole code base);
this module only tells a single added card apart from a storyboard written out in one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents import numbers, storyboard

_KEYWORD = re.compile(r"^\s*(?:storyboard|story\s*board|分镜|故事板)\b", re.I)
_SHOW = re.compile(r"^\s*(show( me)?( the)? storyboard|storyboard\??|显示分镜|查看分镜|看看分镜)\s*[.!?。！？]?\s*$", re.I)
_RENDER = re.compile(r"^\s*(render( it| the storyboard)?|make it now|渲染(分镜)?|生成分镜|开始渲染)\s*[.!?。！？]?\s*$", re.I)
_SECONDS = rf"(?P<t>\d{{1,4}}(?:\.\d{{1,2}})?|{numbers.ZH})"
#: "card 2: a red kite over the beach", "change card 2 to ...", "卡片2：...", "把第二张卡片改成..."
_EDIT = [
    re.compile(p, re.I)
    for p in (
        r"^\s*(?:(?:change|set|make|edit)\s+)?card\s*#?\s*(?P<n>\d{1,2})(?:'s)?(?:\s+text)?\s*"
        r"(?:[:：\-–—=]|\s+(?:to|says?|reads?|is)\b)\s*(?P<p>.+)$",
        rf"^\s*(?:把|将)?\s*(?:第\s*(?P<z>\d{{1,2}}|{numbers.ZH})\s*张\s*卡片?|卡片\s*(?P<d>\d{{1,2}}))"
        r"\s*(?:的文字|的内容)?\s*(?:[:：\-–—=]|改成|改为|换成)\s*(?P<p>.+)$",
    )
]
#: A photo's caption that only places it: "at 5s", "5 s", "第5秒", "在5秒处".
_AT_ONLY = re.compile(
    rf"^\s*(?:(?:at|@)\s*)?(?:在\s*)?第?\s*{_SECONDS}\s*(?:s|sec|secs|seconds?|秒钟?)\s*(?:处|时)?\s*[.!。！]?\s*$", re.I)
#: "a red kite, at 5s": the time after the words.
_AT_END = re.compile(
    r"^(?P<p>.+?)[\s,，;；]+(?:at|@)\s*(?P<t>\d{1,4}(?:\.\d{1,2})?)\s*(?:s|sec|secs|seconds?)\s*[.!]?\s*$", re.I)
_CLEAR = re.compile(r"^\s*(clear( the)? storyboard|new storyboard|清空分镜|重新分镜)\s*[.!?。！？]?\s*$", re.I)


@dataclass(frozen=True)
class DraftCommand:
    """A storyboard-draft instruction: ``add`` (with ``at`` and ``prompt``), ``edit`` (card ``number``, counted
    from 1 in time order, gets ``prompt``), ``show``, ``render`` or ``clear``."""

    kind: str
    at: float | None = None
    prompt: str = ""
    number: int | None = None


def picture_card(caption: str) -> tuple[float | None, str]:
    """Where a photo sent to a draft goes and its typed text: ``(seconds or None for the end, words)``."""
    caption = " ".join((caption or "").split())
    if not caption:
        return None, ""
    if (match := _AT_ONLY.match(caption)) is not None:
        return numbers.to_number(match.group("t")), ""
    if (card := storyboard.one_card(caption)) is not None:
        return card
    if (match := _AT_END.match(caption)) is not None:
        return float(match.group("t")), match.group("p").strip()
    return None, caption


def _edit(text: str) -> DraftCommand | None:
    for pattern in _EDIT:
        match = pattern.match(text)
        if match is None:
            continue
        named = next(group for group in (match.groupdict().get(k) for k in ("n", "z", "d")) if group)
        number = numbers.to_number(named)
        prompt = match.group("p").strip()
        if number and prompt:
            return DraftCommand("edit", number=int(number), prompt=prompt)
    return None


def draft_command(text: str, *, has_draft: bool) -> DraftCommand | None:
    """Recognise storyboard-draft talk; ``render`` counts only while a draft exists."""
    text = text or ""
    if _SHOW.match(text):
        return DraftCommand("show")
    if _CLEAR.match(text):
        return DraftCommand("clear")
    if has_draft and _RENDER.match(text):
        return DraftCommand("render")
    if has_draft and (edit := _edit(text)) is not None:
        return edit
    if _KEYWORD.match(text):
        return None  # "storyboard: 0s ..." is a whole storyboard, rendered at once
    board = storyboard.read(text)
    if board is not None and board.explicit and len(board.cards) == 1:
        at, prompt = board.cards[0]
        return DraftCommand("add", at=at, prompt=prompt)
    return None
