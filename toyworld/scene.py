"""The ground truth of one clip (``Scene``) and a seeded sampler over the toy world."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from toyworld.world import ASPECTS, BACKGROUNDS, COLORS, CONFUSABLE_PAIRS, MOTIONS, NUM_FRAMES, SHAPES


@dataclass(frozen=True)
class Scene:
    """What a clip shows: the four captioned facts plus the geometry that makes them visible.

    Positions are fractions of the frame (0..1, y down); ``scale`` multiplies the base radius; ``angle`` is degrees.
    """

    shape: str
    color: str
    background: str
    motion: str
    aspect: str = "1:1"
    num_frames: int = NUM_FRAMES
    x: float = 0.5
    y: float = 0.5
    angle: float = 0.0
    #: How far a move travels over this clip (fraction of the frame); the default crosses the middle half, a
    #: window of a longer move (``sample_scene(clip_frames=...)``) travels its share of it.
    travel: float = 0.46

    def to_dict(self) -> dict:
        return asdict(self)


#: Where a move starts and ends along its axis; the other axis is jittered around the centre.
MOVE_FROM, MOVE_TO = 0.27, 0.73


def sample_scene(
    rng: np.random.Generator, *, aspect: str | None = None, motion: str | None = None, confusable: float = 0.0,
    clip_frames: int | None = None,
) -> Scene:
    """A random scene; the object's colour is never the background's colour name.

    ``confusable`` is the chance of drawing the colours from ``CONFUSABLE_PAIRS`` instead, the captions whose
    colour words a model most easily swaps or blends; at 0 no extra draw is made, so seeded streams are unchanged.

    ``clip_frames`` (the longest clip the engine makes, in generated frames): a move then crosses the middle
    half of the frame over that many frames, and the scene is a random ``num_frames`` window of it, so a
    model trained on it moves at a speed that keeps the object inside the frame for the whole clip instead of
    leaving it in the first pass (and reappearing at the start side in the next). None: one window is the
    whole move, as before (no extra draw).
    """
    shape = SHAPES[rng.integers(len(SHAPES))]
    background = list(BACKGROUNDS)[rng.integers(len(BACKGROUNDS))]
    colors = [name for name in COLORS if name != background]
    color = colors[rng.integers(len(colors))]
    if confusable > 0 and rng.random() < confusable:
        color, background = CONFUSABLE_PAIRS[rng.integers(len(CONFUSABLE_PAIRS))]
    motions = [m for m in MOTIONS if not (m == "spin" and shape == "circle")]  # a spinning circle looks still
    motion = motion or motions[rng.integers(len(motions))]
    if motion == "spin" and shape == "circle":
        shape = SHAPES[1 + rng.integers(len(SHAPES) - 1)]
    aspect = aspect or ASPECTS[rng.integers(len(ASPECTS))]
    x, y = 0.5 + rng.uniform(-0.08, 0.08), 0.5 + rng.uniform(-0.08, 0.08)
    if motion in ("left", "right", "up", "down"):
        start = MOVE_TO if motion in ("left", "up") else MOVE_FROM
        start += rng.uniform(-0.03, 0.03)
        if clip_frames is not None and clip_frames > NUM_FRAMES:
            window = (MOVE_TO - MOVE_FROM) * (NUM_FRAMES - 1) / (clip_frames - 1)
            offset = rng.uniform(0.0, MOVE_TO - MOVE_FROM - window)
            start += -offset if motion in ("left", "up") else offset
        if motion in ("left", "right"):
            x = start
        else:
            y = start
    elif motion == "bounce":
        y = 0.68 + rng.uniform(-0.03, 0.03)
    angle = float(rng.uniform(-10, 10)) if motion != "spin" else float(rng.uniform(0, 30))
    travel = MOVE_TO - MOVE_FROM
    if clip_frames is not None and clip_frames > NUM_FRAMES and motion in ("left", "right", "up", "down"):
        travel *= (NUM_FRAMES - 1) / (clip_frames - 1)
    return Scene(shape, color, background, motion, aspect, NUM_FRAMES, float(x), float(y), angle, float(travel))
