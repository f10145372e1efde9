"""The prompt-completion table of the toy model, made from the toy world's vocabulary.

    python -m toyworld.completion --model engine/models/toy

For every object colour: the background farthest from it in RGB among those whose caption the model does not
confuse with it (``CONFUSABLE_PAIRS``: both words naming both, or too close), phrased as the training captions
phrase it. The engine (``engine.pipelines.completion``) appends it to prompts that name no background, so the
object never lands on a background of its own colour.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from toyworld.world import BACKGROUNDS, BACKGROUNDS_ZH, COLORS, COLORS_ZH, CONFUSABLE_PAIRS

#: Words that, in a prompt, already name a background (plus "黑底"-style words made from the background names).
BACKGROUND_WORDS = ("background", "backdrop", "背景")


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def contrasting_background(color: str) -> str:
    """The background farthest from ``color`` among those that are neither its name nor a confusable pair."""
    candidates = [b for b in BACKGROUNDS if b != color and (color, b) not in CONFUSABLE_PAIRS]
    return max(candidates, key=lambda b: _distance(COLORS[color], BACKGROUNDS[b]))


def _phrases(background: str) -> dict[str, str]:
    article = "an" if background[0] in "aeiou" else "a"
    # As the captions say it: "... on a black background" and "...，黑色背景".
    return {"en": f" on {article} {background} background", "zh": f"，{BACKGROUNDS_ZH[background]}背景"}


def completion_table() -> dict:
    """The ``prompt_completion`` entry of the model's ``reelbot.json``."""
    short_zh = [f"{name[0]}底" for name in BACKGROUNDS_ZH.values()]  # 黑底, 白底: "on black" in Chinese
    short_en = [f"on {a}{name}" for name in BACKGROUNDS for a in ("", "a ", "an ")]  # "a blue star on black"
    return {
        "background_words": [*BACKGROUND_WORDS, *short_en, *short_zh],
        "colours": {
            color: {
                "words": [color, COLORS_ZH[color], COLORS_ZH[color][0]],
                "background": _phrases(contrasting_background(color)),
            }
            for color in COLORS
        },
    }


def write_table(model: Path) -> None:
    """Set ``prompt_completion`` in ``model/reelbot.json``, every other field kept."""
    path = model / "reelbot.json"
    profile = json.loads(path.read_text())
    profile["prompt_completion"] = completion_table()
    path.write_text(json.dumps(profile, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m toyworld.completion", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="engine/models/toy")
    write_table(Path(parser.parse_args(argv).model))


if __name__ == "__main__":
    main()
