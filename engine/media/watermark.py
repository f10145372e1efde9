"""A visible mark in a corner of every frame, drawn into the pixels before the clip's one encode.

Drawing before encoding (not an overlay filter on the finished file) keeps each clip to a single H.264 pass: no
second generation of compression artefacts and no second size-limit fight.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.media.frames import to_uint8

#: Text height as a share of the frame's shorter side (readable on a phone, small enough not to cover the scene).
TEXT_SHARE = 0.05
#: Never draw text smaller than this many pixels (tiny test clips still show a mark).
MIN_TEXT_PX = 8
#: Gap to the frame's edges as a share of the text height.
MARGIN_SHARE = 0.6
#: Opacity of the text (0-255); a dark outline keeps it readable on bright scenes.
TEXT_ALPHA = 200


def draw_watermark(frames: np.ndarray, text: str, *, corner: str = "bottom-right") -> np.ndarray:
    """``frames`` (``(F, H, W, 3)``) with ``text`` drawn in ``corner``; the same mark on every frame."""
    frames = to_uint8(np.asarray(frames))
    height, width = frames.shape[1:3]
    mark, mask = _mark(text, height, width, corner)
    alpha = mask[None, :, :, None].astype(np.float32) / 255.0
    blended = frames.astype(np.float32) * (1.0 - alpha) + mark[None].astype(np.float32) * alpha
    return (blended + 0.5).astype(np.uint8)


@lru_cache(maxsize=16)
def _mark(text: str, height: int, width: int, corner: str) -> tuple[np.ndarray, np.ndarray]:
    """The mark's colours and coverage for one frame size (cached: every frame and clip of a size shares it)."""
    size = max(MIN_TEXT_PX, round(min(height, width) * TEXT_SHARE))
    font = ImageFont.load_default(size=size)
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    stroke = max(1, size // 12)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, stroke_width=stroke)
    margin = round(size * MARGIN_SHARE)
    x = margin - left if corner.endswith("left") else width - margin - right
    y = margin - top if corner.startswith("top") else height - margin - bottom
    outline = Image.new("L", (width, height), 0)
    ImageDraw.Draw(outline).text((x, y), text, font=font, fill=TEXT_ALPHA, stroke_width=stroke, stroke_fill=TEXT_ALPHA)
    draw.text((x, y), text, font=font, fill=255)
    fill = np.asarray(canvas)
    colour = np.where(fill[..., None] > 0, 255, 0).astype(np.uint8).repeat(3, axis=2)  # white text, black outline
    return colour, np.maximum(np.asarray(outline), (fill.astype(np.uint16) * TEXT_ALPHA // 255).astype(np.uint8))
