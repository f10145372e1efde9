"""The toy world's alphabet: shapes, colours, backgrounds, motions, sizes, each named in English and Chinese.

One table is the source of truth for the renderer (what to draw), the captions (what to say), the tokenizer
(which words exist) and the measurements (which palette colour a pixel is nearest to).
"""

from __future__ import annotations

#: Object colours (RGB 0-255); far apart so the nearest-colour measurement is unambiguous.
COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 40, 40),
    "orange": (245, 140, 30),
    "yellow": (240, 225, 40),
    "green": (40, 190, 70),
    "blue": (40, 90, 230),
    "purple": (140, 60, 200),
    "pink": (250, 130, 200),
    "white": (245, 245, 245),
}
COLORS_ZH = {
    "red": "红色",
    "orange": "橙色",
    "yellow": "黄色",
    "green": "绿色",
    "blue": "蓝色",
    "purple": "紫色",
    "pink": "粉色",
    "white": "白色",
}

#: Background colours: darker or greyer than the objects of the same name, so a "blue circle on a blue
#: background" is never drawn (the sampler forbids equal names) and the measurement never confuses the two.
BACKGROUNDS: dict[str, tuple[int, int, int]] = {
    "black": (15, 15, 20),
    "gray": (120, 120, 120),
    "white": (250, 250, 250),
    "blue": (20, 35, 110),
    "green": (20, 80, 40),
}
BACKGROUNDS_ZH = {"black": "黑色", "gray": "灰色", "white": "白色", "blue": "蓝色", "green": "绿色"}

#: RGB distance below which an object reads as close to its background.
CLOSE_COLOURS = 150.0


def _confusable(color: str, background: str) -> bool:
    """A caption that can be misread: both colour words name both an object and a background colour (the model
    may swap them), or the background's word also names an object colour close to this object's (it bleeds in)."""
    if color == background or background not in COLORS:
        return False
    distance = sum((a - b) ** 2 for a, b in zip(COLORS[color], BACKGROUNDS[background])) ** 0.5
    return color in BACKGROUNDS or distance < CLOSE_COLOURS


#: (colour, background) pairs the trainer can draw more often (``sample_scene(confusable=...)``); measured, these
#: were the held-out colour misses of run 4 (15 of 16 such prompts missed, 0 of 84 others).
CONFUSABLE_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (color, background) for color in COLORS for background in BACKGROUNDS if _confusable(color, background)
)

SHAPES = ("circle", "square", "triangle", "star", "heart", "diamond")
#: The shapes a newcomer names first; the evaluation scores telling these three apart on their own.
CORE_SHAPES = ("circle", "square", "triangle")
SHAPES_ZH = {
    "circle": "圆形",
    "square": "正方形",
    "triangle": "三角形",
    "star": "星形",
    "heart": "心形",
    "diamond": "菱形",
}

#: Motions; the four moves are the "direction" the evaluation scores separately.
MOTIONS = ("left", "right", "up", "down", "bounce", "spin", "grow", "shrink", "stay")
DIRECTIONS = ("left", "right", "up", "down")
#: Motions that return to where they began, so a clip of them can close as a loop.
PERIODIC = ("bounce", "spin")

#: English phrases per motion, as participles ("a red circle moving left") and as verbs ("the circle moves left").
MOTIONS_EN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "left": (("moving left", "sliding left", "going left"), ("moves left", "slides left", "goes left")),
    "right": (("moving right", "sliding right", "going right"), ("moves right", "slides right", "goes right")),
    "up": (("moving up", "rising", "going up"), ("moves up", "rises", "goes up")),
    "down": (("moving down", "falling", "going down"), ("moves down", "falls", "goes down")),
    "bounce": (("bouncing", "hopping"), ("bounces", "hops")),
    "spin": (("spinning", "rotating", "turning"), ("spins", "rotates", "turns")),
    "grow": (("growing", "getting bigger"), ("grows", "gets bigger")),
    "shrink": (("shrinking", "getting smaller"), ("shrinks", "gets smaller")),
    "stay": (("standing still", "staying still"), ("stays still", "stands still")),
}
MOTIONS_ZH: dict[str, tuple[str, ...]] = {
    "left": ("向左移动", "往左移动", "向左滑动"),
    "right": ("向右移动", "往右移动", "向右滑动"),
    "up": ("向上移动", "往上移动", "上升"),
    "down": ("向下移动", "往下移动", "下落"),
    "bounce": ("弹跳", "跳动"),
    "spin": ("旋转", "转动"),
    "grow": ("变大", "长大"),
    "shrink": ("变小", "缩小"),
    "stay": ("静止不动", "一动不动"),
}

#: Native (width, height) per aspect: multiples of 32 (LTXConditionPipeline requires it); the engine resizes.
SIZES: dict[str, tuple[int, int]] = {"1:1": (64, 64), "16:9": (96, 64), "9:16": (64, 96)}
ASPECTS = tuple(SIZES)

#: Frames per clip: 8k+1 for the VAE's 2x temporal compression (k=8 -> 9 latent frames).
NUM_FRAMES = 17
#: The frame rate the engine generates at (``Settings.fps``): a pass of 17 frames is about 0.7 s, in which a
#: move crosses half the frame.
FPS = 24

#: A circle of scale 1 has this radius, as a fraction of the frame's shorter side: the default of
#: ``Scene.radius`` (a training run can draw larger objects, ``--object-radius``).
BASE_RADIUS = 0.2
