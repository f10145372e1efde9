"""Training frames for the captioner, each with the three facts it shows.

Three kinds, so the captioner reads colours by name rather than by the toy palette's exact values:
``toy``, a frame of a toy-world clip with its colours shifted a little; ``video``, the same made soft the way the
embedded video model's decoder leaves it (blur, colour cast, noise); ``drawn``, a shape drawn with Pillow
on a canvas of any size in common named colours (a plain red disc on blue is one of them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from toyworld.render import Pose, _outline, coverage, pose
from toyworld.scene import sample_scene
from toyworld.world import BACKGROUNDS, COLORS, SHAPES, SIZES

#: Pillow colour names that also read as each toy colour, for objects and for backgrounds.
OBJECT_SHADES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "red": ((255, 0, 0), (220, 20, 60), (178, 34, 34), (200, 0, 0)),
    "orange": ((255, 165, 0), (255, 140, 0), (255, 127, 80)),
    "yellow": ((255, 255, 0), (255, 215, 0), (240, 230, 140)),
    "green": ((0, 255, 0), (0, 128, 0), (34, 139, 34), (50, 205, 50)),
    "blue": ((0, 0, 255), (30, 144, 255), (65, 105, 225)),
    "purple": ((128, 0, 128), (148, 0, 211), (138, 43, 226), (160, 32, 240)),
    "pink": ((255, 192, 203), (255, 105, 180), (255, 20, 147)),
    "white": ((255, 255, 255), (255, 250, 250), (240, 240, 240)),
}
BACKGROUND_SHADES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "black": ((0, 0, 0), (30, 30, 30)),
    "gray": ((128, 128, 128), (169, 169, 169), (105, 105, 105), (112, 128, 144)),
    "white": ((255, 255, 255), (245, 245, 245), (230, 230, 230)),
    "blue": ((0, 0, 255), (0, 0, 128), (0, 0, 139), (65, 105, 225)),
    "green": ((0, 128, 0), (0, 100, 0), (34, 139, 34), (0, 255, 0)),
}
#: Share of each kind in a training batch (toy, video, drawn).
KIND_WEIGHTS = {"toy": 0.4, "video": 0.35, "drawn": 0.25}


@dataclass(frozen=True)
class Frame:
    """An RGB image (uint8, H x W x 3) and what it shows."""

    image: np.ndarray
    color: str
    shape: str
    background: str


def _shade(name: str, palette: dict, shades: dict, rng: np.random.Generator) -> np.ndarray:
    """The palette colour (half the time), a named shade, or either jittered by up to 25 per channel."""
    u = rng.random()
    base = palette[name] if u < 0.5 else shades[name][rng.integers(len(shades[name]))]
    rgb = np.array(base, dtype=np.float32)
    if rng.random() < 0.5:
        rgb += rng.uniform(-25, 25, size=3)
    return np.clip(rgb, 0, 255)


def _paint(alpha: np.ndarray, color: np.ndarray, background: np.ndarray) -> np.ndarray:
    return background + alpha[..., None] * (color - background)


def _toy(rng: np.random.Generator, *, soft: bool) -> Frame:
    scene = sample_scene(rng, confusable=0.3)
    width, height = SIZES[scene.aspect]
    full = pose(scene)
    index = int(rng.integers(scene.num_frames))
    one = Pose(*(v[index : index + 1] for v in (full.cx, full.cy, full.radius, full.angle)))
    alpha = coverage(scene.shape, one, width, height)[0]
    color = _shade(scene.color, COLORS, OBJECT_SHADES, rng) if rng.random() < 0.5 else np.array(COLORS[scene.color])
    bg = _shade(scene.background, BACKGROUNDS, BACKGROUND_SHADES, rng) if rng.random() < 0.5 else np.array(
        BACKGROUNDS[scene.background]
    )
    image = _paint(alpha, color.astype(np.float32), bg.astype(np.float32))
    if soft:
        image = _soften(image, rng)
    return Frame(np.clip(np.rint(image), 0, 255).astype(np.uint8), scene.color, scene.shape, scene.background)


def _soften(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Blur, a colour cast and noise: roughly what the video model's decoder does to a clean frame."""
    pil = Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8))
    pil = pil.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.4, 2.0))))
    out = np.asarray(pil, dtype=np.float32)
    out = out * rng.uniform(0.88, 1.12, size=3) + rng.uniform(-15, 15, size=3)
    return out + rng.normal(0.0, rng.uniform(0.0, 8.0), size=out.shape)


def _drawn(rng: np.random.Generator) -> Frame:
    shape = SHAPES[rng.integers(len(SHAPES))]
    background = list(BACKGROUNDS)[rng.integers(len(BACKGROUNDS))]
    colors = [name for name in COLORS if name != background]
    color = colors[rng.integers(len(colors))]
    width, height = (int(v) for v in rng.integers(64, 321, size=2))
    fill = tuple(int(v) for v in _shade(color, COLORS, OBJECT_SHADES, rng))
    canvas = Image.new("RGB", (width, height), tuple(int(v) for v in _shade(background, BACKGROUNDS, BACKGROUND_SHADES, rng)))
    side = min(width, height)
    radius = side * rng.uniform(0.12, 0.38)
    cx = rng.uniform(radius, width - radius)
    cy = rng.uniform(radius, height - radius)
    draw = ImageDraw.Draw(canvas)
    verts = _outline(shape)
    if verts is None:
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=fill)
    else:
        theta = np.deg2rad(rng.uniform(-12, 12))
        rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        points = (verts @ rot.T) * radius / 1.1 + np.array([cx, cy])
        draw.polygon([tuple(p) for p in points], fill=fill)
    return Frame(np.asarray(canvas), color, shape, background)


def sample_frame(rng: np.random.Generator, kind: str | None = None) -> Frame:
    """One training frame of ``kind`` (``toy``, ``video`` or ``drawn``; drawn by ``KIND_WEIGHTS`` when None)."""
    if kind is None:
        kinds = list(KIND_WEIGHTS)
        kind = kinds[rng.choice(len(kinds), p=list(KIND_WEIGHTS.values()))]
    if kind == "drawn":
        return _drawn(rng)
    return _toy(rng, soft=kind == "video")


def held_out_frame(seed: int) -> Frame:
    """A plain toy-world frame (palette colours, no augmentation) from its own seed: the evaluation's frames."""
    from toyworld.render import render_frame

    rng = np.random.default_rng(seed)
    scene = sample_scene(rng)
    index = int(rng.integers(scene.num_frames))
    return Frame(render_frame(scene, index), scene.color, scene.shape, scene.background)
