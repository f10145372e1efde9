"""Read a clip back into toy-world facts: the evaluator of the model (and a check on the renderer).

Everything is measured from pixels only: the background is the median border colour; the object is every pixel
far from it; its colour is the nearest palette colour of its most saturated half; its shape is the nearest
template by the polar profile (rotation-invariant); its motion comes from the centroid trajectory, the area over
time and whether the object's outline turns (centred overlap with the first frame).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from toyworld.world import BACKGROUNDS, COLORS, SHAPES

#: A pixel belongs to the object when its RGB distance from the background exceeds this (0-255 scale).
OBJECT_DISTANCE = 50.0
#: Angle bins of the polar profile used to recognise shapes.
PROFILE_BINS = 36
#: Net centroid travel (fraction of the shorter side) that counts as a move.
MOVE_THRESHOLD = 0.15
#: Vertical range without net travel that counts as a bounce.
BOUNCE_THRESHOLD = 0.12
#: End/start area ratio that counts as growing (its inverse: shrinking).
GROW_RATIO = 1.8
#: Below this centred overlap with the first frame, a still object is turning.
SPIN_IOU = 0.8


@dataclass(frozen=True)
class Measurement:
    """The facts read from a clip, plus the raw series they came from."""

    shape: str | None
    color: str | None
    background: str
    motion: str
    centroids: np.ndarray = field(repr=False)  # (T, 2) x, y in pixels, NaN where the object is missing
    areas: np.ndarray = field(repr=False)  # (T,) pixels

    def facts(self) -> dict[str, str | None]:
        return {"shape": self.shape, "color": self.color, "background": self.background, "motion": self.motion}


def _nearest(rgb: np.ndarray, palette: dict[str, tuple[int, int, int]]) -> str:
    names = list(palette)
    colours = np.array([palette[n] for n in names], dtype=np.float32)
    return names[int(np.argmin(np.linalg.norm(colours - rgb[None], axis=1)))]


def background_colour(frames: np.ndarray) -> np.ndarray:
    """Median RGB of the one-pixel border of every frame."""
    f = frames.astype(np.float32)
    border = np.concatenate(
        [f[:, 0].reshape(-1, 3), f[:, -1].reshape(-1, 3), f[:, :, 0].reshape(-1, 3), f[:, :, -1].reshape(-1, 3)]
    )
    return np.median(border, axis=0)


def object_mask(frames: np.ndarray, background: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean object mask (T, H, W) and each pixel's distance from the background."""
    distance = np.linalg.norm(frames.astype(np.float32) - background, axis=-1)
    return distance > OBJECT_DISTANCE, distance


def _profile(mask: np.ndarray) -> np.ndarray | None:
    """Farthest object pixel from the centroid in each angle bin, normalised to mean 1."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 12:
        return None
    dx, dy = xs - xs.mean(), ys - ys.mean()
    bins = ((np.arctan2(dy, dx) + np.pi) / (2 * np.pi) * PROFILE_BINS).astype(int) % PROFILE_BINS
    radius = np.zeros(PROFILE_BINS)
    np.maximum.at(radius, bins, np.hypot(dx, dy) + 0.5)
    if (radius == 0).any():  # a tiny object leaves bins empty: fill them from their neighbours
        idx = np.nonzero(radius)[0]
        radius = np.interp(np.arange(PROFILE_BINS), idx, radius[idx], period=PROFILE_BINS)
    return radius / radius.mean()


@cache
def _templates() -> dict[str, np.ndarray]:
    """Each shape's profile from the renderer itself, drawn large and upright."""
    from toyworld.render import Pose, coverage

    one = np.ones(1)
    return {
        shape: _profile(coverage(shape, Pose(one * 64, one * 64, one * 40, one * 0), 128, 128)[0] > 0.5)
        for shape in SHAPES
    }


def shape_of(mask: np.ndarray, shapes: tuple[str, ...] = SHAPES) -> str | None:
    """The template shape among ``shapes`` nearest to this mask's profile, over all rotations."""
    profile = _profile(mask)
    if profile is None:
        return None
    best, best_error = None, np.inf
    for shape, template in _templates().items():
        if shape not in shapes:
            continue
        shifts = np.stack([np.roll(template, k) for k in range(PROFILE_BINS)])
        error = float(np.min(np.mean((shifts - profile[None]) ** 2, axis=1)))
        if error < best_error:
            best, best_error = shape, error
    return best


def _centred_iou(a: np.ndarray, b: np.ndarray, ca: np.ndarray, cb: np.ndarray) -> float:
    shift = np.rint(ca - cb).astype(int)
    b = np.roll(b, (shift[1], shift[0]), axis=(0, 1))
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def motion_of(mask: np.ndarray, width: int, height: int) -> tuple[str, np.ndarray, np.ndarray]:
    """Classify the motion from the mask series; returns (motion, centroids, areas)."""
    areas = mask.sum(axis=(1, 2)).astype(np.float64)
    ys, xs = np.mgrid[0:height, 0:width]
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = (mask * xs).sum(axis=(1, 2)) / areas
        cy = (mask * ys).sum(axis=(1, 2)) / areas
    centroids = np.stack([cx, cy], axis=1)
    present = areas > 0
    if present.sum() < 2:
        return "stay", centroids, areas
    idx = np.nonzero(present)[0]
    k = max(1, min(3, len(idx) // 4))
    first, last = idx[:k], idx[-k:]
    side = float(min(width, height))
    ratio = areas[last].mean() / max(areas[first].mean(), 1.0)
    if ratio > GROW_RATIO:
        return "grow", centroids, areas
    if ratio < 1.0 / GROW_RATIO:
        return "shrink", centroids, areas
    net = (centroids[last].mean(axis=0) - centroids[first].mean(axis=0)) / side
    if np.abs(net).max() > MOVE_THRESHOLD:
        if abs(net[0]) >= abs(net[1]):
            return ("right" if net[0] > 0 else "left"), centroids, areas
        return ("down" if net[1] > 0 else "up"), centroids, areas
    y_range = (np.nanmax(cy[present]) - np.nanmin(cy[present])) / side
    if y_range > BOUNCE_THRESHOLD:
        return "bounce", centroids, areas
    start = idx[0]
    overlap = min(_centred_iou(mask[start], mask[i], centroids[start], centroids[i]) for i in idx[1:])
    return ("spin" if overlap < SPIN_IOU else "stay"), centroids, areas


def classify(frames: np.ndarray, shapes: tuple[str, ...] = SHAPES) -> Measurement:
    """Measure a clip given as uint8 frames (T, H, W, 3); its shape is read as one of ``shapes``."""
    frames = np.asarray(frames)
    _, height, width, _ = frames.shape
    bg = background_colour(frames)
    mask, distance = object_mask(frames, bg)
    motion, centroids, areas = motion_of(mask, width, height)
    if not mask.any():
        return Measurement(None, None, _nearest(bg, BACKGROUNDS), motion, centroids, areas)
    far = distance[mask]
    pixels = frames[mask].astype(np.float32)[far >= np.median(far)]
    color = _nearest(np.median(pixels, axis=0), COLORS)
    big = np.nonzero(areas >= 0.6 * areas.max())[0]
    votes = Counter(shape_of(mask[i], shapes) for i in big)
    shape = votes.most_common(1)[0][0]
    return Measurement(shape, color, _nearest(bg, BACKGROUNDS), motion, centroids, areas)


#: A centroid step below this many pixels is measurement noise of a still object, not motion.
STILL_STEP = 0.3
#: A frame's worth of motion is taken as at least this many pixels: below it the mask's own wobble (a few
#: tenths of a pixel, and the VAE decodes frames in pairs, so a slow move's steps alternate short and long) is
#: as large as the motion, and a step of under two pixels between frames is no jump anyone can see.
MIN_FRAME_MOTION = 1.0


def largest_jump(centroids: np.ndarray) -> float:
    """The largest frame-to-frame centroid step in frames' worth of motion: over the median step of the frames
    where the object moves (a move that eases to rest at the edge is judged by its moving speed, not diluted by
    its rest), taken as at least ``MIN_FRAME_MOTION``. A steady move gives about 1, a motion that restarts at a
    pass boundary gives many; inf where the object goes missing between frames (it left the frame), 0 for a
    clip that never moves."""
    if not np.isfinite(centroids).all():
        return float("inf")
    steps = np.linalg.norm(np.diff(centroids, axis=0), axis=1)
    moving = steps[steps > STILL_STEP]
    if not len(moving):
        return 0.0
    return float(steps.max() / max(float(np.median(moving)), MIN_FRAME_MOTION))


#: A path that goes back along its move by no more than this many pixels is monotone (the centroid of a
#: still object wanders by a few tenths of a pixel).
BACK_PX = 1.0


def backtrack(centroids: np.ndarray) -> float:
    """How far (pixels) the path ever goes back along its overall move, from the farthest point it had reached:
    0 for a monotone move; a move that overshoots and returns, or restarts, goes back by its whole way."""
    if not np.isfinite(centroids).all() or len(centroids) < 2:
        return float("inf") if len(centroids) and not np.isfinite(centroids).all() else 0.0
    travel = centroids[-1] - centroids[0]
    axis = int(np.argmax(np.abs(travel)))
    along = centroids[:, axis] * (1.0 if travel[axis] >= 0 else -1.0)
    return float(np.max(np.maximum.accumulate(along) - along))


def seam_jump(frames: np.ndarray, seam: int | None = None) -> float:
    """How much bigger the change across a seam is than the clip's usual frame-to-frame change, in frames' worth:
    the larger of the centroid's step and the mean pixel change, each over its mean elsewhere in the clip.

    ``seam`` is the first frame after a cut (a recut's first new frame); None is a loop's wrap from the last
    frame back to the first. Floors of one pixel of motion and 1/255 of pixel change keep a still clip from
    dividing by nothing. inf where the object is missing at the seam.
    """
    frames = np.asarray(frames)
    centroids = classify(frames).centroids
    if seam is None:
        frames, centroids = np.concatenate([frames, frames[:1]]), np.concatenate([centroids, centroids[:1]])
        seam = len(frames) - 1
    moves = np.linalg.norm(np.diff(centroids, axis=0), axis=1)
    changes = np.abs(np.diff(frames.astype(np.float32), axis=0)).mean(axis=(1, 2, 3)) / 255.0
    if not np.isfinite(moves[seam - 1]):
        return float("inf")
    others = np.delete(np.arange(len(moves)), seam - 1)
    usual_move = max(float(np.nanmean(moves[others])) if len(others) else 0.0, 1.0)
    usual_change = max(float(np.mean(changes[others])) if len(others) else 0.0, 1.0 / 255.0)
    return max(moves[seam - 1] / usual_move, changes[seam - 1] / usual_change)
