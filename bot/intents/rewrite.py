"""A remix instruction turned into the prompt of the clip it asks for: the source's description, changed.

Video models follow descriptions, not instructions. Remixing "a red circle moving right on a blue background"
with the prompt "make it green" denoises towards a green *something*: on the embedded model the object came
back orange and its motion was lost in 6 of 6 clips, while the source's caption with "green" in place of "red"
turned 5 of 6 green and kept the motion. So a remix prompt is the source's prompt with the change made where
it can be read (a new colour for the subject or the background, an adjective or a replacement for a named
thing) and the instruction appended to it otherwise. A message that is itself a description ("a blue square
bouncing", sent as a reply to a clip) is taken as the new prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents.actions import looks_like_edit

#: Colour names by language; a key names one colour in every language.
_EN_COLOURS = {
    "red": "red", "orange": "orange", "yellow": "yellow", "green": "green", "blue": "blue", "purple": "purple",
    "violet": "purple", "pink": "pink", "white": "white", "black": "black", "gray": "gray", "grey": "gray",
    "brown": "brown", "gold": "gold", "silver": "silver", "cyan": "cyan", "teal": "cyan",
}  # not "golden": a golden retriever is a breed, not a colour to change
_ZH_COLOURS = {
    "红": "red", "橙": "orange", "黄": "yellow", "绿": "green", "蓝": "blue", "紫": "purple", "粉": "pink",
    "白": "white", "黑": "black", "灰": "gray", "棕": "brown", "金": "gold", "银": "silver", "青": "cyan",
}
_EN_WORD = {key: word for word, key in reversed(list(_EN_COLOURS.items()))}
_ZH_WORD = {key: f"{char}色" for char, key in _ZH_COLOURS.items()}

_EN_COLOUR = re.compile(rf"\b({'|'.join(_EN_COLOURS)})\b", re.IGNORECASE)
#: In a description a Chinese colour is "X色"; in an instruction also "X的" or a bare "X" at the end ("变成绿的").
_ZH_COLOUR_IN_SOURCE = re.compile(rf"([{''.join(_ZH_COLOURS)}])色")
_ZH_COLOUR_IN_INSTRUCTION = re.compile(rf"([{''.join(_ZH_COLOURS)}])(?:色|的|$)")
_BACKGROUND = re.compile(r"background|backdrop|背景", re.IGNORECASE)
_EN_BACKGROUND_AFTER = re.compile(r"\s+(?:background|backdrop)\b", re.IGNORECASE)
_ZH_BACKGROUND_AFTER = re.compile(r"的?背景")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")

#: "make the house medieval", "turn the dog bigger": an adjective for a thing the source names.
_QUALIFY = re.compile(r"^(?:make|turn|paint)\s+(?:the\s+)?(?P<noun>[a-z]+)\s+(?P<adjective>[a-z-]+)\s*[.!]?$", re.I)
#: "turn the car into a truck", "replace the dog with a cat", "change the circle to a square".
_REPLACE = re.compile(
    r"^(?:turn|change|replace|swap|make)\s+(?:the\s+)?(?P<noun>[a-z]+)\s+(?:into|to|with|for)\s+(?P<new>[a-z][a-z -]*?)"
    r"\s*(?:instead)?\s*[.!]?$",
    re.I,
)
_ARTICLE_BEFORE = re.compile(r"\b(a|an)\s+$", re.IGNORECASE)
#: "make it slower" appended as ", slower": the verb and the pronoun say nothing to a video model.
_MAKE_IT = re.compile(r"^(?:make|turn)\s+(?:it|them|everything|this)\s+(?P<rest>.+)$", re.IGNORECASE)
_PRONOUNS = {"it", "them", "this", "that", "him", "her", "everything", "video", "clip"}


#: Remix strength for a new colour: measured on the embedded model (6 sources, evenly spaced noise levels), the
#: new colour took in 2/6 at 0.6 (the engine's default), 4/6 at 0.75 and 6/6 at 0.9; the motion stayed in 6, 5
#: and 3 of 6. A colour is decided early in denoising, so it needs more noise than a change of detail.
RECOLOUR_STRENGTH = 0.8


@dataclass(frozen=True)
class RemixEdit:
    """What a remix asks the engine for: the target's description and, where the edit needs it, a strength."""

    prompt: str
    strength: float | None = None  # None: the engine's default


@dataclass(frozen=True)
class _Colour:
    key: str
    start: int
    end: int
    chinese: bool
    background: bool


def remix_edit(source: str | None, instruction: str) -> RemixEdit:
    """The prompt (and strength) that make ``source``'s description into what ``instruction`` asks for."""
    instruction = " ".join(instruction.split())
    source = " ".join((source or "").split())
    if not source or not instruction or not looks_like_edit(instruction):
        return RemixEdit(instruction or source)
    recoloured = _recolour(source, instruction)
    if recoloured is not None:
        return RemixEdit(recoloured, RECOLOUR_STRENGTH)
    for change in (_replace, _qualify):
        changed = change(source, instruction)
        if changed is not None:
            return RemixEdit(changed)
    return RemixEdit(_appended(source, instruction))


def remix_prompt(source: str | None, instruction: str) -> str:
    """The prompt alone (see ``remix_edit``)."""
    return remix_edit(source, instruction).prompt


def _colours_in_source(text: str) -> list[_Colour]:
    found = [
        _Colour(_EN_COLOURS[m.group(1).lower()], m.start(), m.end(), False,
                _EN_BACKGROUND_AFTER.match(text, m.end()) is not None)
        for m in _EN_COLOUR.finditer(text)
    ]
    found += [
        _Colour(_ZH_COLOURS[m.group(1)], m.start(), m.end(), True, _ZH_BACKGROUND_AFTER.match(text, m.end()) is not None)
        for m in _ZH_COLOUR_IN_SOURCE.finditer(text)
    ]
    return sorted(found, key=lambda colour: colour.start)


def _colours_in_instruction(text: str) -> list[str]:
    found = [(m.start(), _EN_COLOURS[m.group(1).lower()]) for m in _EN_COLOUR.finditer(text)]
    found += [(m.start(), _ZH_COLOURS[m.group(1)]) for m in _ZH_COLOUR_IN_INSTRUCTION.finditer(text)]
    return [key for _, key in sorted(found)]


def _recolour(source: str, instruction: str) -> str | None:
    """"make it green", "make the background black", "change red to blue", "把它变成绿色", "背景换成白色"."""
    named = _colours_in_instruction(instruction)
    if not named:
        return None
    new, old = named[-1], named[0] if len(named) > 1 else None
    mentions = _colours_in_source(source)
    if old is not None and any(c.key == old for c in mentions):
        chosen = [c for c in mentions if c.key == old]
    else:
        wants_background = _BACKGROUND.search(instruction) is not None
        chosen = [c for c in mentions if c.background == wants_background][:1]
    if not chosen:
        return None
    for colour in reversed(chosen):  # from the end, so earlier offsets stay valid
        word = _ZH_WORD[new] if colour.chinese else _EN_WORD[new]
        source = _with_article(source[: colour.start], word) + source[colour.end :]
    return source


def _named_thing(pattern: re.Pattern[str], source: str, instruction: str) -> tuple[re.Match, re.Match] | None:
    """The instruction's match and where the source names its thing ("the house"), when it does."""
    match = pattern.match(instruction)
    if not match or match.group("noun").lower() in _PRONOUNS:
        return None
    noun = re.search(rf"\b{re.escape(match.group('noun'))}\b", source, re.IGNORECASE)
    return (match, noun) if noun else None


def _replace(source: str, instruction: str) -> str | None:
    found = _named_thing(_REPLACE, source, instruction)
    if found is None:
        return None
    match, noun = found
    new = re.sub(r"^(?:a|an|the)\s+", "", match.group("new").strip(), flags=re.IGNORECASE)
    return _with_article(source[: noun.start()], new) + source[noun.end() :]


def _qualify(source: str, instruction: str) -> str | None:
    found = _named_thing(_QUALIFY, source, instruction)
    if found is None:
        return None
    match, noun = found
    return _with_article(source[: noun.start()], match.group("adjective")) + " " + source[noun.start() :]


def _with_article(before: str, word: str) -> str:
    """``before`` + ``word``, with a trailing "a"/"an" made to agree with the word ("an orange circle")."""
    article = _ARTICLE_BEFORE.search(before)
    if article is not None and not _CHINESE.match(word):
        wanted = "an" if word[:1].lower() in "aeiou" else "a"
        if article.group(1)[0].isupper():
            wanted = wanted.capitalize()
        before = before[: article.start()] + wanted + " "
    return before + word


def _appended(source: str, instruction: str) -> str:
    match = _MAKE_IT.match(instruction)
    extra = match.group("rest") if match else instruction
    separator = "，" if _CHINESE.search(source[-1:]) else ", "
    return f"{source.rstrip('.。!！ ')}{separator}{extra}"
