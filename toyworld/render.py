"""Draw a ``Scene`` as frames: anti-aliased shapes from signed-distance templates, in plain numpy (~1 ms a clip).

Each shape is a signed-distance field on a fixed grid in unit coordinates (cached once); a frame samples it
through the object's inverse pose (translate, rotate, scale), so edges stay smooth at any size or angle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from toyworld.scene import Scene, eased
from toyworld.world import BACKGROUNDS, COLORS, SIZES

#: The SDF grid covers [-EXTENT, EXTENT]^2 in unit coordinates at this many samples a side.
_EXTENT, _GRID = 1.6, 161
#: How far a bounce lifts the object (fraction of the frame height) and how many hops a clip has.
BOUNCE_HEIGHT, BOUNCE_HOPS = 0.3, 2
#: Degrees a spin turns over one clip; below half of every spinnable shape's symmetry step per frame.
SPIN_DEGREES = 150.0
#: Scale at the start and end of a grow (a shrink is the reverse). Models overshoot the range they are shown
#: (run t1 drew a grow from 0.55 starting as a dot, invisible in 1 clip of 10), so the smallest end stays well
#: above what a blurry decode loses, and the largest inside a 0.3-radius object's frame.
GROW_FROM, GROW_TO = 0.7, 1.25


@dataclass(frozen=True)
class Pose:
    """The object's pose in every frame: centre in pixels, radius in pixels, angle in degrees (arrays of T)."""

    cx: np.ndarray
    cy: np.ndarray
    radius: np.ndarray
    angle: np.ndarray


def _polygon_sdf(px: np.ndarray, py: np.ndarray, verts: np.ndarray) -> np.ndarray:
    """Signed distance to a closed polygon (negative inside), after Inigo Quilez's sdPolygon."""
    d = (px - verts[0, 0]) ** 2 + (py - verts[0, 1]) ** 2
    sign = np.ones_like(px)
    n = len(verts)
    for i in range(n):
        (ax, ay), (bx, by) = verts[i - 1], verts[i]
        ex, ey = ax - bx, ay - by
        wx, wy = px - bx, py - by
        t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0, 1.0)
        d = np.minimum(d, (wx - ex * t) ** 2 + (wy - ey * t) ** 2)
        c1, c2, c3 = py >= by, py < ay, ex * wy > ey * wx
        flip = (c1 & c2 & c3) | (~c1 & ~c2 & ~c3)
        sign = np.where(flip, -sign, sign)
    return sign * np.sqrt(d)


def _regular(n: int, radius: float, start_deg: float = -90.0) -> np.ndarray:
    a = np.deg2rad(start_deg + 360.0 * np.arange(n) / n)
    return np.stack([radius * np.cos(a), radius * np.sin(a)], axis=1)


def _outline(shape: str) -> np.ndarray | None:
    """Polygon vertices of a unit shape (y down, pointing up), or None for the circle."""
    if shape == "circle":
        return None
    if shape == "square":
        return np.array([[-0.8, -0.8], [0.8, -0.8], [0.8, 0.8], [-0.8, 0.8]])
    if shape == "triangle":
        return _regular(3, 1.2) + np.array([0.0, 0.12])
    if shape == "diamond":
        return np.array([[0.0, -1.15], [0.68, 0.0], [0.0, 1.15], [-0.68, 0.0]])
    if shape == "star":
        outer, inner = _regular(5, 1.25), _regular(5, 0.52, -90.0 + 36.0)
        return np.stack([outer, inner], axis=1).reshape(-1, 2)
    if shape == "heart":
        t = np.linspace(0, 2 * np.pi, 72, endpoint=False)
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
        return np.stack([x, y + 2.5], axis=1) / 15.0
    raise ValueError(f"unknown shape {shape!r}")


@cache
def shape_sdf(shape: str) -> np.ndarray:
    """The shape's signed-distance field on the unit grid (float32, _GRID x _GRID, rows are y)."""
    axis = np.linspace(-_EXTENT, _EXTENT, _GRID)
    gx, gy = np.meshgrid(axis, axis)
    verts = _outline(shape)
    sdf = np.hypot(gx, gy) - 0.9 if verts is None else _polygon_sdf(gx, gy, verts)
    return sdf.astype(np.float32)


def pose(scene: Scene) -> Pose:
    """Where the object is in each frame: the motion written as a function of time."""
    width, height = SIZES[scene.aspect]
    s = np.linspace(0.0, 1.0, scene.num_frames)
    x = np.full_like(s, scene.x)
    y = np.full_like(s, scene.y)
    scale = np.ones_like(s)
    angle = np.full_like(s, scene.angle)
    travel = scene.along + scene.travel * s
    if scene.room is not None:
        travel = eased(travel, scene.room)
    if scene.motion == "left":
        x = scene.x - travel
    elif scene.motion == "right":
        x = scene.x + travel
    elif scene.motion == "up":
        y = scene.y - travel
    elif scene.motion == "down":
        y = scene.y + travel
    elif scene.motion == "bounce":
        y = scene.y - BOUNCE_HEIGHT * np.abs(np.sin(np.pi * BOUNCE_HOPS * s))
    elif scene.motion == "spin":
        angle = scene.angle + SPIN_DEGREES * s
    elif scene.motion == "grow":
        scale = GROW_FROM + (GROW_TO - GROW_FROM) * s
    elif scene.motion == "shrink":
        scale = GROW_TO - (GROW_TO - GROW_FROM) * s
    radius = scene.radius * min(width, height) * scale
    return Pose(cx=x * width, cy=y * height, radius=radius, angle=angle)


def coverage(shape: str, p: Pose, width: int, height: int) -> np.ndarray:
    """Anti-aliased object coverage in [0, 1], shape (T, height, width)."""
    sdf = shape_sdf(shape)
    px = (np.arange(width, dtype=np.float32) + 0.5)[None, None, :]
    py = (np.arange(height, dtype=np.float32) + 0.5)[None, :, None]
    cx, cy, r = (v.astype(np.float32)[:, None, None] for v in (p.cx, p.cy, p.radius))
    theta = np.deg2rad(p.angle).astype(np.float32)[:, None, None]
    dx, dy = (px - cx) / r, (py - cy) / r
    cos, sin = np.cos(theta), np.sin(theta)
    ux, uy = cos * dx + sin * dy, -sin * dx + cos * dy  # rotate by -angle into the shape's own frame
    step = (_GRID - 1) / (2 * _EXTENT)
    gx = np.clip((ux + _EXTENT) * step, 0, _GRID - 1.001)
    gy = np.clip((uy + _EXTENT) * step, 0, _GRID - 1.001)
    x0, y0 = gx.astype(np.int32), gy.astype(np.int32)
    fx, fy = gx - x0, gy - y0
    d = (
        sdf[y0, x0] * (1 - fx) * (1 - fy)
        + sdf[y0, x0 + 1] * fx * (1 - fy)
        + sdf[y0 + 1, x0] * (1 - fx) * fy
        + sdf[y0 + 1, x0 + 1] * fx * fy
    )
    outside = (np.abs(ux) > _EXTENT) | (np.abs(uy) > _EXTENT)
    d = np.where(outside, 1.0, d)
    return np.clip(0.5 - d * r, 0.0, 1.0).astype(np.float32)


def render_still(scene: Scene, index: int) -> tuple[np.ndarray, np.ndarray]:
    """Frame ``index`` of the clip alone (uint8, H x W x 3) and its coverage (H x W), without the whole clip."""
    width, height = SIZES[scene.aspect]
    full = pose(scene)
    one = Pose(*(v[index : index + 1] for v in (full.cx, full.cy, full.radius, full.angle)))
    alpha = coverage(scene.shape, one, width, height)
    return _paint(scene, alpha)[0], alpha[0]


def render_frame(scene: Scene, index: int) -> np.ndarray:
    """Frame ``index`` of the clip alone (uint8, H x W x 3): a conditioning frame without drawing the whole clip."""
    return render_still(scene, index)[0]


def _paint(scene: Scene, alpha: np.ndarray) -> np.ndarray:
    background = np.array(BACKGROUNDS[scene.background], dtype=np.float32)
    color = np.array(COLORS[scene.color], dtype=np.float32)
    return np.rint(background + alpha[..., None] * (color - background)).astype(np.uint8)


def render(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """The clip as uint8 frames (T, H, W, 3) and the object's coverage (T, H, W)."""
    width, height = SIZES[scene.aspect]
    alpha = coverage(scene.shape, pose(scene), width, height)
    return _paint(scene, alpha), alpha
