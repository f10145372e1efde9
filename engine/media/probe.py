"""What a video file is: size, length, rate, codec — read from the container, checked by decoding if needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from engine.errors import MediaError


@dataclass(frozen=True)
class VideoInfo:
    duration_s: float
    width: int
    height: int
    fps: float
    codec: str
    pix_fmt: str
    frames: int
    size_bytes: int


def probe(path: Path | str) -> VideoInfo:
    """Describe the first video stream of ``path``; :class:`MediaError` ``unreadable_video`` if there is none."""
    path = Path(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError("unreadable_video", "the file has no video in it")
            stream = container.streams.video[0]
            context = stream.codec_context
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            frames = stream.frames
            if stream.duration is not None and stream.time_base is not None:
                duration_s = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration_s = container.duration / av.time_base
            else:
                duration_s = frames / fps if fps else 0.0
            pix_fmt = context.format.name if context.format is not None else ""
            return VideoInfo(
                duration_s=duration_s,
                width=context.width,
                height=context.height,
                fps=fps,
                codec=context.name,
                pix_fmt=pix_fmt,
                frames=frames,
                size_bytes=path.stat().st_size,
            )
    except MediaError:
        raise
    except (av.FFmpegError, OSError) as exc:
        raise MediaError("unreadable_video", f"the file could not be read as a video ({exc.__class__.__name__})") from exc
