"""Storyboards: timed cards, one per line ("0s: ...", "5s - ...", "at 5s: ...", "0:05 ...", "第5秒：..."), or on one
line separated by "/", ";" or "|", or run together ("第0秒：… 第5秒：…").

Two cards make a storyboard. One card makes one only when the message says so ("storyboard: 0s: ...",
"add a card at 5s: ...", "在第5秒加一个镜头：..."), which is how a draft grows over several messages. Lines
before the first card are a header (settings, a title); lines after a card continue it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.intents import numbers
from bot.intents.text import tidy

_T = rf"(?P<t>\d{{1,4}}(?:\.\d{{1,2}})?|{numbers.ZH})"
_SEP = r"\s*(?:[:：\-–—=>)\]】|]+|\s)\s*"
_CARD_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^(?:at\s+|@\s*)?(?P<t>\d{{1,4}}(?:\.\d{{1,2}})?)\s*(?:s|sec|secs|seconds?)(?![A-Za-z]){_SEP}(?P<p>.+)$",
        r"^[\[(【]\s*(?P<t>\d{1,4}(?:\.\d{1,2})?)\s*(?:s|sec|秒)?\s*[\])】]\s*(?P<p>.+)$",
        r"^(?P<m>\d{1,2})\s*:\s*(?P<t>\d{2})(?:\.\d{1,2})?(?:\s*[:：\-–—)]+\s*|\s+)(?P<p>.+)$",
        rf"^(?:在\s*)?第\s*{_T}\s*秒钟?\s*(?:时|的时候|处|开始)?\s*[:：,，\-–—]?\s*(?P<p>.+)$",
        rf"^{_T}\s*秒钟?\s*(?:时|的时候|处)?\s*(?:[:：\-–—]+|\s)\s*(?P<p>.+)$",
    )
]
_ADD_CARD = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:please\s+)?(?:add|insert|append|put)\s+(?:a\s+|another\s+)?(?:new\s+)?(?:card|scene|shot|beat)\s+"
        r"(?:at\s+)?(?P<t>\d{1,4}(?:\.\d{1,2})?)\s*(?:s|sec|secs|seconds?)?(?![A-Za-z])\s*[:：,\-–—]?\s*(?P<p>.+)$",
        rf"^(?:请)?(?:在\s*)?第?\s*{_T}\s*秒\s*(?:处|时)?\s*(?:加|添加|插入|增加)(?:一个|一张|一段)?"
        r"(?:卡片|镜头|分镜|场景|画面)?\s*[:：,，]?\s*(?P<p>.+)$",
        rf"^(?:请)?(?:加|添加|插入|增加)(?:一个|一张|一段)?(?:卡片|镜头|分镜|场景|画面)\s*[:：,，]?\s*(?:在\s*)?第?\s*{_T}"
        r"\s*秒\s*(?:处|时)?\s*[:：,，]?\s*(?P<p>.+)$",
    )
]
_KEYWORD = re.compile(r"^\s*(?:storyboard|story\s*board|分镜|故事板)\s*[:：\-–—]?\s*", re.IGNORECASE)
_SPLIT_ONE_LINE = re.compile(r"\s*(?:\s/\s|(?<=\S)/(?=\s*(?:at\s+)?\d|\s*第)|[;；|]|\s{2,}|\s*(?=第\s*\S{1,4}\s*秒))\s*")
_RUN_TOGETHER = re.compile(
    rf"(?:(?<=\s)|(?<=[。.!！?？，,]))(?=(?:at\s+)?\d{{1,4}}(?:\.\d{{1,2}})?\s*(?:s|sec|seconds?)\s*[:：\-–—])"
    rf"|(?=(?:在\s*)?第\s*(?:\d{{1,4}}|{numbers.ZH})\s*秒)"
    rf"|(?<=[。.!！?？；;])\s*(?=\d{{1,4}}(?:\.\d{{1,2}})?\s*秒\s*[:：\-–—])",
    re.IGNORECASE,
)
_MAX_AT = 3600.0
#: Segments read as cards; later ones only extend the last card (a 10,000-line paste stays fast).
_MAX_SEGMENTS = 100


@dataclass
class Draft:
    """What a storyboard message holds: its cards (time, prompt) and the header text outside any card."""

    cards: list[tuple[float, str]] = field(default_factory=list)
    header: str = ""
    explicit: bool = False


def _card(segment: str, patterns: list[re.Pattern[str]] = _CARD_PATTERNS) -> tuple[float, str] | None:
    segment = re.sub(r"^\s*(?:[-*•·>]+|\d{1,2}[.)、])\s+(?=\S)", "", segment.strip())
    for pattern in patterns:
        match = pattern.match(segment)
        if not match:
            continue
        seconds = numbers.to_number(match.group("t"))
        if seconds is None:
            continue
        if "m" in match.groupdict() and match.group("m") is not None:
            seconds += 60 * int(match.group("m"))
        prompt = tidy(match.group("p"))
        if prompt is None or not 0 <= seconds <= _MAX_AT:
            continue
        return float(seconds), prompt
    return None


def one_card(text: str) -> tuple[float, str] | None:
    """``(seconds, prompt)`` when ``text`` is one timed card ("at 5s: a kite", "第5秒：风筝"), else None."""
    return _card(" ".join(text.split()))


def _collect(segments: list[str]) -> Draft:
    draft = Draft()
    header: list[str] = []
    if len(segments) > _MAX_SEGMENTS:
        segments = [*segments[: _MAX_SEGMENTS - 1], " ".join(segments[_MAX_SEGMENTS - 1:])]
    for segment in segments:
        card = _card(segment)
        if card is not None:
            draft.cards.append(card)
        elif draft.cards:
            at, prompt = draft.cards[-1]
            more = tidy(segment)
            if more:
                draft.cards[-1] = (at, f"{prompt} {more}")
        elif segment.strip():
            header.append(segment.strip())
    draft.header = " ".join(header)
    return draft


def read(text: str) -> Draft | None:
    """The storyboard in ``text``, or None when it is not one."""
    if not any(ch.isdigit() or ch in "秒零一二两三四五六七八九十" for ch in text):
        return None
    explicit = _KEYWORD.match(text) is not None
    body = _KEYWORD.sub("", text, count=1) if explicit else text
    one_line = " ".join(body.split())
    for pattern in _ADD_CARD:
        match = pattern.match(one_line)
        if match:
            seconds = numbers.to_number(match.group("t"))
            prompt = tidy(match.group("p"))
            if seconds is not None and prompt and 0 <= seconds <= _MAX_AT:
                return Draft(cards=[(float(seconds), prompt)], explicit=True)
    best = Draft()
    for segments in (body.split("\n"), _SPLIT_ONE_LINE.split(one_line), _RUN_TOGETHER.split(one_line)):
        draft = _collect([s for s in segments if s and s.strip()])
        if len(draft.cards) > len(best.cards):
            best = draft
        if len(best.cards) >= 2:
            break
    if len(best.cards) >= 2 or (explicit and best.cards):
        best.cards.sort(key=lambda card: card[0])
        best.explicit = explicit
        return best
    return None
