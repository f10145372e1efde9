"""The ground truth of one clip (``Scene``) and a seeded sampler over the toy world."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from toyworld.world import (
    ASPECTS,
    BACKGROUNDS,
    BASE_RADIUS,
    COLORS,
    CONFUSABLE_PAIRS,
    DIRECTIONS,
    MOTIONS,
    NUM_FRAMES,
    SHAPES,
    SIZES,
)


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
    #: How far a move travels over this clip at full speed (fraction of the frame); the default crosses the
    #: middle half in one clip.
    travel: float = 0.46
    #: A window of a long move (``sample_scene(long_moves=...)``): ``x``/``y`` is where the long move began,
    #: ``along`` how far it had gone at full speed before this clip's first frame, ``room`` how far it can go
    #: before it rests at the frame's edge (it eases to a stop over ``EASE``). None: a move that never stops.
    along: float = 0.0
    room: float | None = None
    #: The radius of a circle of scale 1, as a fraction of the frame's shorter side: larger objects keep their
    #: corners through the VAE's 8x8-pixel latent cells.
    radius: float = BASE_RADIUS

    def to_dict(self) -> dict:
        return asdict(self)


#: Where a move starts and ends along its axis; the other axis is jittered around the centre.
MOVE_FROM, MOVE_TO = 0.27, 0.73
#: A long move's speed: the distance one clip (``NUM_FRAMES``) covers. Slow enough that a 5 s clip made of
#: several passes shows one continuous move, fast enough that one pass still reads as a move.
LONG_MOVE_TRAVEL = 0.24
#: The distance over which a long move slows to a stop at the edge (it covers twice this at full speed).
EASE = 0.08
#: Of the long-move windows, the share drawn where it slows down or rests at the edge: what a later pass of a
#: long clip sees, so it carries the stop on instead of restarting the move.
EASING_WINDOWS = 0.4


def eased(distance: np.ndarray, room: float) -> np.ndarray:
    """Distance actually covered after ``distance`` at full speed when the move decelerates evenly to rest
    ``room`` away: unchanged until ``room - EASE``, then a parabola whose slope falls to 0 at ``room``."""
    start = room - EASE
    over = np.clip(distance - start, 0.0, 2 * EASE)
    return np.where(distance <= start, distance, start + over - over**2 / (4 * EASE))


def edge_margin(aspect: str, axis: str, radius: float = BASE_RADIUS) -> float:
    """Where an object's centre may go along ``axis`` ("x"/"y") with all of every shape inside the frame."""
    width, height = SIZES[aspect]
    extent = width if axis == "x" else height
    return 1.3 * radius * min(width, height) / extent + 0.02


def _long_move(rng: np.random.Generator, motion: str, aspect: str, radius: float) -> tuple[float, float, float]:
    """A window of a move that crosses the frame from edge to edge at ``LONG_MOVE_TRAVEL`` per clip and rests
    at the far edge: (start position on its axis, distance gone before the window, room to the stop)."""
    margin = edge_margin(aspect, "x" if motion in ("left", "right") else "y", radius)
    room = 1.0 - 2 * margin
    start = 1.0 - margin if motion in ("left", "up") else margin
    steady = max(0.0, room - EASE - LONG_MOVE_TRAVEL)
    if rng.random() < EASING_WINDOWS:
        along = rng.uniform(steady, room + EASE)
    else:
        along = rng.uniform(0.0, steady)
    return start, float(along), room


def sample_scene(
    rng: np.random.Generator, *, aspect: str | None = None, motion: str | None = None, confusable: float = 0.0,
    long_moves: float = 0.0, radius: float = BASE_RADIUS,
) -> Scene:
    """A random scene; the object's colour is never the background's colour name.

    ``confusable`` is the chance of drawing the colours from ``CONFUSABLE_PAIRS`` instead, the captions whose
    colour words a model most easily swaps or blends; at 0 no extra draw is made, so seeded streams are unchanged.

    ``long_moves`` is the chance that a move is a window of a long move (``_long_move``): slower, and resting
    at the edge it reaches, so a clip made of several passes moves on without leaving the frame and
    restarting; at 0 no extra draw is made.

    ``radius`` sizes the object (``Scene.radius``); it draws nothing, so seeded streams are the same at any size.
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
    travel, along, room = MOVE_TO - MOVE_FROM, 0.0, None
    if motion in DIRECTIONS:
        start = MOVE_TO if motion in ("left", "up") else MOVE_FROM
        start += rng.uniform(-0.03, 0.03)
        if long_moves > 0 and rng.random() < long_moves:
            start, along, room = _long_move(rng, motion, aspect, radius)
            travel = LONG_MOVE_TRAVEL
        if motion in ("left", "right"):
            x = start
        else:
            y = start
    elif motion == "bounce":
        y = 0.68 + rng.uniform(-0.03, 0.03)
    angle = float(rng.uniform(-10, 10)) if motion != "spin" else float(rng.uniform(0, 30))
    return Scene(shape, color, background, motion, aspect, NUM_FRAMES, float(x), float(y), angle, float(travel),
                 along, room, radius)
