"""A visible mark in a corner of every frame, drawn into the pixels before the clip's one encode.

Drawing before encoding (not an overlay filter on the finished file) keeps each clip to a single H.264 pass: no
second generation of compression artefacts and no second size-limit fight.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
#: Where Debian/Ubuntu (fonts-wqy-zenhei, fonts-noto-cjk), Fedora and Arch install a font with CJK glyphs; Pillow's
#: own font has none, so a Chinese mark would be a row of boxes.
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
)
#: Code points from here on (CJK radicals, kana, ideographs, hangul...) are outside Pillow's own font.
_FIRST_CJK = 0x2E80


def draw_watermark(
    frames: np.ndarray, text: str, *, corner: str = "bottom-right", font: str | Path | None = None
) -> np.ndarray:
    """``frames`` (``(F, H, W, 3)``) with ``text`` drawn in ``corner`` in ``font`` (a font file; None: see
    :func:`font_for`); the same mark on every frame."""
    frames = to_uint8(np.asarray(frames))
    height, width = frames.shape[1:3]
    mark, mask = _mark(text, height, width, corner, None if font is None else str(font))
    alpha = mask[None, :, :, None].astype(np.float32) / 255.0
    blended = frames.astype(np.float32) * (1.0 - alpha) + mark[None].astype(np.float32) * alpha
    return (blended + 0.5).astype(np.uint8)


def font_for(text: str, size: int, path: str | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """``path``'s font; else, for text with CJK characters, the first of :data:`CJK_FONTS` installed; else
    Pillow's own."""
    if path is None and any(ord(char) >= _FIRST_CJK for char in text):
        path = next((candidate for candidate in CJK_FONTS if Path(candidate).is_file()), None)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


@lru_cache(maxsize=16)
def _mark(text: str, height: int, width: int, corner: str, font_path: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The mark's colours and coverage for one frame size (cached: every frame and clip of a size shares it)."""
    size = max(MIN_TEXT_PX, round(min(height, width) * TEXT_SHARE))
    font = font_for(text, size, font_path)
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
