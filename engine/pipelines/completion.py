"""Prompt completion: a prompt that names no background gets one that keeps the object visible.

A small model draws what its captions named; asked for "a green square moving down" it may put the square on a
green background and nothing shows. The model's own ``reelbot.json`` may carry a ``prompt_completion`` table
(made from its training world's vocabulary, e.g. ``python -m toyworld.completion``): per object colour, its
words (English and Chinese) and a contrasting background phrase per language, plus the words that mean the
prompt already names a background. The engine only applies the table; a background the user names is honoured.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

#: Any CJK ideograph: the prompt is Chinese, so the completion is too.
_CJK = re.compile(r"[\u4e00-\u9fff]")


class ColourCompletion(BaseModel):
    #: Words naming this object colour, in any language ("green", "绿色", "绿").
    words: list[str] = Field(min_length=1)
    #: The background phrase appended per language ("en", "zh"), in the model's caption style.
    background: dict[str, str] = Field(min_length=1)


class PromptCompletion(BaseModel):
    #: Words that mean the prompt already names a background ("background", "背景", "黑底").
    background_words: list[str] = Field(min_length=1)
    colours: dict[str, ColourCompletion] = Field(min_length=1)

    def names_background(self, prompt: str) -> bool:
        text = prompt.lower()
        return any(_contains(text, word.lower()) for word in self.background_words)

    def first_colour(self, prompt: str) -> ColourCompletion | None:
        """The colour the prompt names first (the object's, in "a green square" and "绿色的正方形" alike)."""
        text = prompt.lower()
        found = [(position, colour) for colour in self.colours.values() for word in colour.words
                 if (position := _find(text, word.lower())) >= 0]
        return min(found, key=lambda item: item[0])[1] if found else None

    def complete(self, prompt: str) -> str:
        """``prompt`` with a contrasting background appended when it names a colour and no background."""
        return self.complete_together([prompt])[0]

    def complete_together(self, prompts: list[str]) -> list[str]:
        """The prompts of one clip (a storyboard's cards) completed alike: one background for all, the one that
        contrasts with the first colour named, so it does not change from card to card; none where any names one."""
        if any(self.names_background(prompt) for prompt in prompts):
            return prompts
        colour = next((found for prompt in prompts if (found := self.first_colour(prompt)) is not None), None)
        if colour is None:
            return prompts
        return [_with_background(prompt, colour) if prompt else prompt for prompt in prompts]


def _with_background(prompt: str, colour: ColourCompletion) -> str:
    language = "zh" if _CJK.search(prompt) else "en"
    phrase = colour.background.get(language) or next(iter(colour.background.values()))
    return f"{prompt.rstrip().rstrip(',.，。')}{phrase}"


def _find(text: str, word: str) -> int:
    """Where ``word`` starts in ``text``: whole words for Latin script ("red" is not in "tired"), any position
    for CJK (Chinese has no spaces); -1 if absent."""
    if _CJK.search(word):
        return text.find(word)
    match = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text)
    return match.start() if match else -1


def _contains(text: str, word: str) -> bool:
    return _find(text, word) >= 0


def complete_prompt(prompt: str, completion: PromptCompletion | None) -> str:
    """The prompt the model is given: completed by the model's table, unchanged when it has none."""
    return completion.complete(prompt) if completion is not None else prompt


def complete_cards(cards: list, completion: PromptCompletion | None) -> list:
    """A storyboard's cards as the model is given them: completed together (``complete_together``) when they are
    text alone; a card's picture already shows a background, so cards with one are left as they are."""
    if completion is None or any(card.image for card in cards):
        return cards
    prompts = completion.complete_together([card.prompt for card in cards])
    return [card.model_copy(update={"prompt": prompt}) for card, prompt in zip(cards, prompts)]
