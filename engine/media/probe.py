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
    #: The first audio stream, when the file has sound: its codec, length and rate.
    audio_codec: str | None = None
    audio_duration_s: float | None = None
    audio_sample_rate: int | None = None


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
            sound = _audio(container)
            return VideoInfo(
                duration_s=duration_s,
                width=context.width,
                height=context.height,
                fps=fps,
                codec=context.name,
                pix_fmt=pix_fmt,
                frames=frames,
                size_bytes=path.stat().st_size,
                **sound,
            )
    except MediaError:
        raise
    except (av.FFmpegError, OSError) as exc:
        raise MediaError("unreadable_video", f"the file could not be read as a video ({exc.__class__.__name__})") from exc


def _audio(container) -> dict:
    if not container.streams.audio:
        return {}
    stream = container.streams.audio[0]
    duration = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
    return {
        "audio_codec": stream.codec_context.name,
        "audio_duration_s": duration,
        "audio_sample_rate": stream.codec_context.sample_rate,
    }
