"""Moderation: what this community does not allow, checked on the prompt and the edit instruction before a quote.

Two layers, both optional (``[moderation]`` in reelbot.toml): a block list of words and regular expressions
(English and Chinese alike: text is NFKC-normalised and case-folded, so full-width letters and capitals do not
slip through; a Latin word matches as a whole word, a Chinese one anywhere, as Chinese has no spaces), and a
transformers text-classification model with a threshold, run by :mod:`engine.moderation` off the event loop.
A refused prompt costs nothing: the check comes before any credits are reserved. Each refusal is counted
(``reelbot_prompts_refused_total`` by rule) and logged for the operator with the rule that matched.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, field_validator

from bot.errors import UserError
from bot.metrics import prompt_refused

log = logging.getLogger(__name__)

#: Labels a classifier may use for "not allowed" (compared case-insensitively); ``LABEL_1`` is the usual
#: name of the positive class of a binary model that was not given label names.
DEFAULT_UNSAFE_LABELS = ("unsafe", "toxic", "nsfw", "harmful", "LABEL_1")


class ModerationOptions(BaseModel):
    """``[moderation]``: the block list and the optional classifier."""

    #: Words and phrases refused anywhere in a prompt (whole words for Latin script, substrings for Chinese).
    block_words: list[str] = Field(default_factory=list)
    #: Regular expressions refused (searched, case-insensitive).
    block_patterns: list[str] = Field(default_factory=list)
    #: A transformers text-classification model: a directory or a hub id (``None``: no classifier).
    classifier: str | None = None
    #: Refuse when an unsafe label's probability reaches this.
    threshold: float = Field(default=0.8, gt=0, le=1)
    unsafe_labels: list[str] = Field(default_factory=lambda: list(DEFAULT_UNSAFE_LABELS))

    @field_validator("block_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"block pattern {pattern!r} is not a regular expression: {exc}") from None
        return patterns


@dataclass(frozen=True)
class Refusal:
    """Why a prompt was refused: ``rule`` is ``block_list`` or ``classifier``; ``detail`` is for the operator."""

    rule: str
    detail: str


def normalise(text: str) -> str:
    """Full-width to half-width, compatibility forms folded, case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _is_latin_word(word: str) -> bool:
    return bool(re.fullmatch(r"[\w\s'-]+", word, re.ASCII))


class BlockList:
    """The configured words and patterns, compiled once."""

    def __init__(self, words: list[str], patterns: list[str]) -> None:
        self._rules: list[tuple[str, re.Pattern[str]]] = []
        for word in (normalise(w).strip() for w in words):
            if word:
                body = re.escape(word)
                self._rules.append((word, re.compile(rf"(?<!\w){body}(?!\w)" if _is_latin_word(word) else body)))
        for pattern in patterns:
            self._rules.append((pattern, re.compile(pattern, re.IGNORECASE)))

    def __bool__(self) -> bool:
        return bool(self._rules)

    def match(self, text: str) -> str | None:
        """The first word or pattern found in ``text``, or ``None``."""
        folded = normalise(text)
        for name, rule in self._rules:
            if rule.search(folded):
                return name
        return None


class Moderator:
    """Checks prompts against the block list, then (if configured) the classifier."""

    def __init__(self, options: ModerationOptions, classifier: Any = None) -> None:
        self.options = options
        self._blocks = BlockList(options.block_words, options.block_patterns)
        if classifier is None and options.classifier:
            from engine.moderation import TextClassifier

            classifier = TextClassifier(options.classifier)
        self._classifier = classifier

    async def refusal(self, text: str) -> Refusal | None:
        """Why ``text`` is not allowed, or ``None`` when it is."""
        if not text.strip():
            return None
        if (found := self._blocks.match(text)) is not None:
            return Refusal("block_list", found)
        if self._classifier is not None:
            label, score = await asyncio.to_thread(self._classifier.unsafe_score, text, self.options.unsafe_labels)
            if label and score >= self.options.threshold:
                return Refusal("classifier", f"{label} {score:.2f}")
        return None

    async def check(self, text: str, *, platform: str, user_key: str) -> None:
        """Raise ``UserError("moderation_refused")`` for a prompt that is not allowed (counted and logged)."""
        refused = await self.refusal(text)
        if refused is None:
            return
        prompt_refused(refused.rule)
        log.warning("refused a prompt from %s on %s by the %s (%s): %r", user_key, platform, refused.rule,
                    refused.detail, text[:200])
        raise UserError("moderation_refused")
