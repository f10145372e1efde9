"""What a storyboard card says about one frame, in English and Chinese, and how to read those words back.

A still frame shows the object's colour, its shape and the background; motion is invisible in one frame, so a
card names only those three: "a red circle on a blue background" / "蓝色背景上的红色圆形". One decoder writes both
languages: the language token after ``<s>`` picks which. ``read_card`` is the evaluation's parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toyworld.world import BACKGROUNDS, BACKGROUNDS_ZH, COLORS, COLORS_ZH, SHAPES, SHAPES_ZH

#: Special tokens in id order: padding, start, end, unknown, then one token per language.
SPECIALS = ("<pad>", "<s>", "</s>", "<unk>")
LANGUAGE_TOKENS = {"en": "<en>", "zh": "<zh>"}
#: Tokens of a card (language token, up to 7 words, ``</s>``) the decoder is sized for, with room to spare.
MAX_TOKENS = 16

_ZH_ON = "背景上的"
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class CardFacts:
    """The three facts a card names; ``None`` where the text does not name one."""

    color: str | None
    shape: str | None
    background: str | None


def card_text(color: str, shape: str, background: str, lang: str) -> str:
    """The card for an object of ``color`` and ``shape`` on ``background``, in ``lang`` (``en`` or ``zh``)."""
    if lang == "zh":
        return f"{BACKGROUNDS_ZH[background]}{_ZH_ON}{COLORS_ZH[color]}{SHAPES_ZH[shape]}"
    article = "an" if color[0] in "aeiou" else "a"
    bg_article = "an" if background[0] in "aeiou" else "a"
    return f"{article} {color} {shape} on {bg_article} {background} background"


def card_words(color: str, shape: str, background: str, lang: str) -> list[str]:
    """The card as the tokenizer's words (Chinese words are whole words: 蓝色 背景上的 红色 圆形)."""
    if lang == "zh":
        return [BACKGROUNDS_ZH[background], _ZH_ON, COLORS_ZH[color], SHAPES_ZH[shape]]
    return card_text(color, shape, background, "en").split()


def join_words(text: str) -> str:
    """Decoded word-level text with the spaces between Chinese words taken out."""
    return _CJK_GAP.sub("", text.strip())


def vocabulary() -> list[str]:
    """Every token, specials and language tokens first, then the words sorted (stable ids across runs)."""
    words = {"a", "an", "on", "background", _ZH_ON}
    words.update(COLORS, BACKGROUNDS, SHAPES, COLORS_ZH.values(), BACKGROUNDS_ZH.values(), SHAPES_ZH.values())
    return list(SPECIALS) + list(LANGUAGE_TOKENS.values()) + sorted(words)


def _zh_lookup(table: dict[str, str]) -> dict[str, str]:
    return {zh: en for en, zh in table.items()}


def read_card(text: str, lang: str) -> CardFacts:
    """The facts a card names: the object's colour and shape, and the background colour (English names)."""
    if lang == "zh":
        background_part, _, object_part = text.partition(_ZH_ON.removesuffix("的"))
        object_part = object_part.removeprefix("的")
        bg = next((en for zh, en in _zh_lookup(BACKGROUNDS_ZH).items() if zh in background_part), None)
        color = next((en for zh, en in _zh_lookup(COLORS_ZH).items() if object_part.startswith(zh)), None)
        shape = next((en for zh, en in _zh_lookup(SHAPES_ZH).items() if zh in object_part), None)
        return CardFacts(color, shape, bg)
    words = re.findall(r"[a-z]+", text.lower())
    before, _, after = " ".join(words).partition(" on ")
    color = next((w for w in before.split() if w in COLORS), None)
    shape = next((w for w in before.split() if w in SHAPES), None)
    bg = next((w for w in after.split() if w in BACKGROUNDS), None)
    return CardFacts(color, shape, bg)
