"""Clip references: "#12", "clip 12", "video #12", "第3个", "3号视频", and pronouns for the clip in focus.

References come back normalised to ``"#N"`` (ASCII digits) in the order written, without repeats. A pronoun
("it", "this", "这个", "它") means the clip in focus, which the Command calls ``"current"``.
"""

from __future__ import annotations

import re

from bot.intents import numbers
from bot.intents.text import CUT

_A0, _A1 = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"
_REFS = re.compile(
    r"[#＃№]\s?(?P<a>\d{1,9})(?!\d)"
    rf"|{_A0}(?:clip|video|vid|reel)\s*(?:#|no\.?|number|nr\.?)?\s*(?P<b>\d{{1,9}})(?!\d)"
    rf"|第\s*(?P<c>\d{{1,9}}|{numbers.ZH})\s*(?:个|段|条|支)?\s*(?:视频|片段|短片|作品|clip)"
    rf"|第\s*(?P<d>\d{{1,9}}|{numbers.ZH})\s*(?:个|段|条|支)(?!版本|变体|秒|方案)"
    r"|(?:视频|片段|短片|作品)\s*[#＃]?\s*(?P<e>\d{1,9})(?!\d)"
    r"|(?<!\d)(?P<f>\d{1,9})\s*号\s*(?:视频|片段|短片|作品)",
    re.IGNORECASE,
)
_PRONOUNS = re.compile(
    rf"{_A0}(?:it|this|that|this\s+one|that\s+one|(?:this|that|the|my|last|the\s+last|current)\s+"
    rf"(?:clip|video|one|reel)|him|her|them){_A1}"
    r"|这个视频|这段视频|这个片段|这条视频|这个|这段|这条|它|该视频|当前视频|刚才那个|上一个",
    re.IGNORECASE,
)


def _number(match: re.Match[str]) -> int | None:
    raw = next(g for g in match.groups() if g is not None)
    value = numbers.to_number(raw) if not raw.isdigit() else int(raw)
    return None if value is None or value < 1 else int(value)


def extract(text: str) -> tuple[list[str], str]:
    """Explicit clip references in ``text`` and the text with them replaced by ``CUT``."""
    clips: list[str] = []

    def replace(match: re.Match[str]) -> str:
        number = _number(match)
        if number is None:
            return match.group(0)
        ref = f"#{number}"
        if ref not in clips:
            clips.append(ref)
        return CUT * len(match.group(0))

    return clips, _REFS.sub(replace, text)


def has_pronoun(text: str) -> bool:
    return _PRONOUNS.search(text) is not None


def cut_pronouns(text: str) -> str:
    return _PRONOUNS.sub(lambda m: CUT * len(m.group(0)), text)
