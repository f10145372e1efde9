"""Frame arrays (``uint8``, shape ``(frames, height, width, 3)``): resize, retime and seam helpers."""

from __future__ import annotations

import numpy as np
from PIL import Image


def to_uint8(frames: np.ndarray) -> np.ndarray:
    """Pipeline output (floats in 0..1) as ``uint8`` frames; ``uint8`` input passes through."""
    if frames.dtype == np.uint8:
        return frames
    return (np.clip(frames, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def fit_frame(frame: np.ndarray | Image.Image, size: tuple[int, int]) -> np.ndarray:
    """One frame cropped to the aspect of ``size`` (centre) and resized to exactly ``size`` = (width, height)."""
    image = frame if isinstance(frame, Image.Image) else Image.fromarray(frame)
    image = image.convert("RGB")
    width, height = size
    if image.size == (width, height):
        return np.asarray(image)
    src_w, src_h = image.size
    scale = max(width / src_w, height / src_h)
    crop_w, crop_h = min(src_w, round(width / scale)), min(src_h, round(height / scale))
    left, top = (src_w - crop_w) // 2, (src_h - crop_h) // 2
    box = (left, top, left + crop_w, top + crop_h)
    return np.asarray(image.resize((width, height), Image.Resampling.BICUBIC, box=box))


def fit_frames(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Every frame through :func:`fit_frame`; a no-op when the size already matches."""
    if frames.shape[2] == size[0] and frames.shape[1] == size[1]:
        return frames
    return np.stack([fit_frame(frame, size) for frame in frames])


def retime(frames: np.ndarray, src_fps: float, dst_fps: float, num_frames: int) -> np.ndarray:
    """``num_frames`` frames at ``dst_fps`` sampled (nearest) from ``frames`` at ``src_fps``; holds the last frame."""
    if len(frames) == 0:
        raise ValueError("retime needs at least one frame")
    times = np.arange(num_frames) / float(dst_fps)
    index = np.minimum(np.round(times * src_fps).astype(int), len(frames) - 1)
    return frames[index]


def interpolate(frames: np.ndarray, src_fps: float, dst_fps: float, num_frames: int) -> np.ndarray:
    """``num_frames`` frames at ``dst_fps`` blended linearly from ``frames`` at ``src_fps`` (smoother than
    repeating frames when the rate goes up); holds the last frame. Frames that land on a source frame are
    copied; only the in-between ones are blended, one frame at a time to stay in cache."""
    if len(frames) == 0:
        raise ValueError("interpolate needs at least one frame")
    out = np.empty((num_frames, *frames.shape[1:]), dtype=np.uint8)
    times = np.minimum(np.arange(num_frames) * (src_fps / float(dst_fps)), len(frames) - 1)
    for index, time in enumerate(times):
        lower = int(time)
        weight = float(time - lower)
        if weight < 1e-6 or lower + 1 >= len(frames):
            out[index] = frames[lower]
            continue
        blended = frames[lower].astype(np.float32)
        blended *= 1.0 - weight
        blended += frames[lower + 1].astype(np.float32) * weight
        np.rint(blended, out=blended)
        out[index] = blended.astype(np.uint8)
    return out


def crossfade_into(
    frames: np.ndarray, anchor: np.ndarray, ramp: int, *, at_end: bool, include_edge: bool = True
) -> np.ndarray:
    """Ease the first (or last) ``ramp`` frames toward ``anchor``.

    With ``include_edge`` the edge frame becomes the anchor exactly; without, the ramp starts one step in
    (for continuing a clip whose last frame *is* the anchor, so no frame is shown twice).

    This is the seam treatment for conditioned edges: the model was asked to keep the anchor there, and
    the pixels of the anchor itself are the best version of it (no VAE round trip).
    """
    out = frames.astype(np.float32)
    ramp = max(1, min(ramp, len(frames)))
    weights = np.linspace(1.0, 0.0, ramp + 1, dtype=np.float32)[:-1]  # 1 at the edge, fading inward
    if not include_edge:
        weights = np.linspace(1.0, 0.0, ramp + 2, dtype=np.float32)[1:-1]
    for offset, weight in enumerate(weights):
        index = len(frames) - 1 - offset if at_end else offset
        out[index] = weight * anchor.astype(np.float32) + (1.0 - weight) * out[index]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
