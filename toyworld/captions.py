"""Captions for a ``Scene`` from several templates in English and Chinese, so the model learns words, not one template.

``caption`` always names all four facts (shape, colour, background, motion). ``training_caption`` sometimes names
fewer, so each word has to carry its own meaning (and "make it green" means something to the model).
"""

from __future__ import annotations

import re

import numpy as np

from toyworld.scene import Scene
from toyworld.world import BACKGROUNDS_ZH, COLORS_ZH, MOTIONS_EN, MOTIONS_ZH, SHAPES_ZH

LANGUAGES = ("en", "zh")

#: {a} is "a"/"an"; {ing} is a participle phrase ("moving left"), {verb} a verb phrase ("moves left").
EN_TEMPLATES = (
    "{a} {color} {shape} {ing} on {b} {bg} background",
    "{a} {color} {shape} {ing} against {b} {bg} background",
    "on {b} {bg} background, {a} {color} {shape} {ing}",
    "the {color} {shape} {verb} on {b} {bg} background",
    "{color} {shape} {ing}, {bg} background",
    "{a} {color} {shape} that {verb}, on {b} {bg} background",
)
ZH_TEMPLATES = (
    "{bg}背景上一个{motion}的{color}{shape}",
    "一个{color}{shape}在{bg}背景上{motion}",
    "{bg}背景上，{color}的{shape}在{motion}",
    "{color}{shape}{motion}，{bg}背景",
    "在{bg}背景上{motion}的{color}{shape}",
)
#: Partial captions (training only): each names a subset of the facts.
EN_PARTIAL = ("{color}", "{a} {color} {shape}", "{shape} {ing}", "{ing}", "{bg} background", "{a} {color} {shape} {ing}")
ZH_PARTIAL = ("{color}", "{color}{shape}", "{shape}{motion}", "{motion}", "{bg}背景", "{color}{shape}{motion}")


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _fill(template: str, scene: Scene, lang: str, rng: np.random.Generator) -> str:
    if lang == "en":
        participles, verbs = MOTIONS_EN[scene.motion]
        return template.format(
            a=_article(scene.color),
            b=_article(scene.background),
            color=scene.color,
            shape=scene.shape,
            bg=scene.background,
            ing=participles[rng.integers(len(participles))],
            verb=verbs[rng.integers(len(verbs))],
        )
    phrases = MOTIONS_ZH[scene.motion]
    return template.format(
        color=COLORS_ZH[scene.color],
        shape=SHAPES_ZH[scene.shape],
        bg=BACKGROUNDS_ZH[scene.background],
        motion=phrases[rng.integers(len(phrases))],
    )


def caption(scene: Scene, lang: str, rng: np.random.Generator) -> str:
    """A full caption naming shape, colour, background and motion, from a random template of ``lang``."""
    templates = EN_TEMPLATES if lang == "en" else ZH_TEMPLATES
    return _fill(templates[rng.integers(len(templates))], scene, lang, rng)


def training_caption(
    scene: Scene, lang: str, rng: np.random.Generator, *, drop: float = 0.1, partial: float = 0.1
) -> str:
    """A caption for training: empty with probability ``drop`` (for classifier-free guidance), partial with
    probability ``partial``, otherwise full."""
    u = rng.random()
    if u < drop:
        return ""
    if u < drop + partial:
        templates = EN_PARTIAL if lang == "en" else ZH_PARTIAL
        return _fill(templates[rng.integers(len(templates))], scene, lang, rng)
    return caption(scene, lang, rng)


def all_phrases() -> list[str]:
    """Every word the captions can use, one template filling per phrase (for building the vocabulary)."""
    from toyworld.world import BACKGROUNDS, COLORS, MOTIONS_EN, SHAPES

    texts = list(EN_TEMPLATES + ZH_TEMPLATES + EN_PARTIAL + ZH_PARTIAL)
    texts += list(COLORS) + list(BACKGROUNDS) + list(SHAPES) + ["a", "an"]
    texts += [p for both in MOTIONS_EN.values() for group in both for p in group]
    texts += list(COLORS_ZH.values()) + list(BACKGROUNDS_ZH.values()) + list(SHAPES_ZH.values())
    texts += [p for group in MOTIONS_ZH.values() for p in group]
    return [re.sub(r"\{\w+\}", " ", text) for text in texts]
