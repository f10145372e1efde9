"""Decode user uploads safely: every limit is checked from the header before pixels are decoded.

Anything unreadable (a text file named .jpg, a truncated MP4) becomes a :class:`MediaError` with a code the
bot turns into words; nothing here lets a bad file crash the process.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, UnidentifiedImageError

from engine.errors import MediaError
from engine.media.limits import MediaLimits


@dataclass(frozen=True)
class LoadedVideo:
    """Decoded RGB frames ``(F, H, W, 3)`` and their rate."""

    frames: np.ndarray
    fps: float

    @property
    def duration_s(self) -> float:
        return len(self.frames) / self.fps


def _check_bytes(path: Path, limits: MediaLimits, kind: str) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError(f"unreadable_{kind}", f"the {kind} file could not be opened") from exc
    if size > limits.max_upload_bytes:
        raise MediaError(
            "too_large", f"the {kind} is {size / 1e6:.1f} MB; the limit is {limits.max_upload_bytes / 1e6:.0f} MB"
        )


def load_image(path: Path | str, limits: object | None = None) -> Image.Image:
    """An RGB image from ``path``, refused if unreadable or bigger than ``max_image_pixels``."""
    path, limits = Path(path), MediaLimits.of(limits)
    _check_bytes(path, limits, "image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only
                width, height = image.size
                if width * height > limits.max_image_pixels:
                    raise MediaError(
                        "too_large",
                        f"the image is {width}x{height} pixels; the limit is {limits.max_image_pixels:,} pixels",
                    )
                return image.convert("RGB")
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(
            "too_large", f"the image has too many pixels to open safely; the limit is {limits.max_image_pixels:,} pixels"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise MediaError("unreadable_image", "the file is not an image that can be read (JPEG, PNG, WebP...)") from exc


def load_video(
    path: Path | str,
    limits: object | None = None,
    *,
    size: tuple[int, int] | None = None,
) -> LoadedVideo:
    """All frames of ``path`` as RGB (optionally scaled to ``size`` = (width, height) while decoding).

    Refused before decoding when the file, its pixel count or its duration is over the limits; refused after
    when it turns out to be truncated (fewer frames than the container promised) or has no decodable frame.
    """
    path, limits = Path(path), MediaLimits.of(limits)
    _check_bytes(path, limits, "video")
    frames: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError("unreadable_video", "the file has no video in it")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if width * height > limits.max_video_pixels:
                raise MediaError(
                    "too_large",
                    f"the video is {width}x{height}; the limit is {limits.max_video_pixels:,} pixels per frame",
                )
            fps = float(stream.average_rate or stream.guessed_rate or 0) or 24.0
            duration_s = _duration(container, stream)
            if duration_s is not None and duration_s > limits.max_video_seconds:
                raise MediaError(
                    "too_long", f"the video is {duration_s:.0f} s long; the limit is {limits.max_video_seconds:.0f} s"
                )
            max_frames = int(limits.max_video_seconds * fps) + 1
            for frame in container.decode(stream):
                if size is None:
                    frames.append(frame.to_ndarray(format="rgb24"))
                else:
                    frames.append(frame.to_ndarray(format="rgb24", width=size[0], height=size[1]))
                if len(frames) > max_frames:
                    raise MediaError("too_long", f"the video is longer than {limits.max_video_seconds:.0f} s")
            expected = stream.frames
    except MediaError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError("unreadable_video", "the video could not be decoded; it may be damaged or incomplete") from exc
    if not frames:
        raise MediaError("unreadable_video", "the video has no frames that can be decoded")
    if expected and len(frames) < expected:
        raise MediaError(
            "unreadable_video", f"the video is incomplete: {len(frames)} of {expected} frames could be decoded"
        )
    return LoadedVideo(frames=np.stack(frames), fps=fps)


def _duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None
