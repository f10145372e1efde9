"""Chat-ready MP4: H.264, yuv420p, AAC sound when there is any, moov atom first (plays while downloading),
within a size limit."""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from engine.errors import MediaError
from engine.media.audio import Sound
from engine.media.frames import to_uint8

log = logging.getLogger(__name__)

#: x264 quality when no size limit binds (lower is better; 18-23 is visually good).
DEFAULT_CRF = 20
#: Speed/size trade-off; "veryfast" keeps encoding a small share of a job's time.
PRESET = "veryfast"
#: Share of the byte budget given to video; the rest covers MP4 headers and rate-control overshoot.
BUDGET_SHARE = 0.90
#: Attempts at lower bitrates before giving up on a size limit.
MAX_ATTEMPTS = 4
#: Never go below this bitrate (bits/s): under it the clip is mush, better to refuse.
MIN_BITRATE = 50_000
#: AAC bitrate (bits/s) per channel: transparent enough for generated sound, small beside the video.
AUDIO_BITRATE_PER_CHANNEL = 64_000


def encode_mp4(
    frames: np.ndarray,
    path: Path | str,
    fps: int,
    *,
    max_bytes: int | None = None,
    crf: int = DEFAULT_CRF,
    metadata: dict[str, str] | None = None,
    audio: Sound | None = None,
) -> Path:
    """Write ``frames`` (``(F, H, W, 3)``, uint8 or 0..1 floats) as an MP4 that fits ``max_bytes``.

    ``audio`` is muxed as AAC, fitted to exactly the video's duration (no audio stream when None).

    With a limit, the bitrate is capped at what the limit allows for this duration; if the file still comes
    out too big (rate control overshoots on short clips), it is re-encoded at a proportionally lower cap.
    ``metadata`` becomes the container's tags (see :mod:`engine.media.provenance`).
    """
    frames = to_uint8(np.asarray(frames))
    if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
        raise MediaError("encode_failed", f"expected frames shaped (frames, height, width, 3), got {frames.shape}")
    if frames.shape[1] % 2 or frames.shape[2] % 2:
        raise MediaError("encode_failed", f"yuv420p needs even sizes, got {frames.shape[2]}x{frames.shape[1]}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    duration_s = len(frames) / fps
    audio = audio.fitted(duration_s) if audio is not None else None
    if max_bytes is None:
        _encode(frames, path, fps, crf=crf, max_bitrate=None, metadata=metadata, audio=audio)
        return path

    audio_bits = _audio_bitrate(audio) * duration_s if audio is not None else 0
    bitrate = int((max_bytes * 8 * BUDGET_SHARE - audio_bits) / duration_s)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if bitrate < MIN_BITRATE:
            break
        _encode(frames, path, fps, crf=crf, max_bitrate=bitrate, metadata=metadata, audio=audio)
        size = path.stat().st_size
        if size <= max_bytes:
            return path
        log.info("encode attempt %s: %s bytes > limit %s at %s bit/s; lowering", attempt, size, max_bytes, bitrate)
        bitrate = int(bitrate * max_bytes / size * 0.85)
    path.unlink(missing_ok=True)
    raise MediaError(
        "too_large", f"the clip cannot be made smaller than {max_bytes} bytes at a watchable quality"
    )


def _audio_bitrate(audio: Sound) -> int:
    return AUDIO_BITRATE_PER_CHANNEL * min(audio.samples.shape[0], 2)


def _encode(frames: np.ndarray, path: Path, fps: int, *, crf: int, max_bitrate: int | None,
            metadata: dict[str, str] | None = None, audio: Sound | None = None) -> None:
    height, width = frames.shape[1:3]
    options = {"crf": str(crf), "preset": PRESET}
    if max_bitrate is not None:
        # Capped CRF: quality mode unless the cap binds; the buffer keeps bursts short.
        options.update(maxrate=str(max_bitrate), bufsize=str(max_bitrate))
    # use_metadata_tags: MP4 keeps only a few standard tags unless told to write every key given.
    movflags = "+faststart+use_metadata_tags" if metadata else "+faststart"
    with av.open(str(path), mode="w", format="mp4", options={"movflags": movflags}) as container:
        container.metadata.update(metadata or {})
        stream = container.add_stream("libx264", rate=Fraction(fps), options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        sound = _audio_stream(container, audio) if audio is not None else None  # every stream before the first mux
        for index, frame in enumerate(frames):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            video_frame.pts = index
            video_frame.time_base = Fraction(1, fps)
            container.mux(stream.encode(video_frame))
        container.mux(stream.encode(None))
        if sound is not None:
            _mux_audio(container, sound, audio)


def _audio_stream(container, audio: Sound):
    stream = container.add_stream("aac", rate=audio.sample_rate)
    stream.layout = "mono" if audio.samples.shape[0] == 1 else "stereo"
    stream.bit_rate = _audio_bitrate(audio)
    return stream


def _mux_audio(container, stream, audio: Sound) -> None:
    """All samples as one frame; the AAC encoder cuts its own frames and PyAV keeps them in time."""
    layout = "mono" if audio.samples.shape[0] == 1 else "stereo"
    samples = np.ascontiguousarray(np.clip(audio.samples[:2], -1.0, 1.0), dtype=np.float32)
    frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout=layout)
    frame.sample_rate, frame.pts, frame.time_base = audio.sample_rate, 0, Fraction(1, audio.sample_rate)
    for packet in stream.encode(frame):
        container.mux(packet)
    container.mux(stream.encode(None))


def thumbnail(source: np.ndarray | Path | str, path: Path | str, *, max_side: int = 480, quality: int = 85) -> Path:
    """A JPEG preview: of a frame array, or of the first frame of a video file."""
    if isinstance(source, (str, Path)):
        with av.open(str(source)) as container:
            frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    else:
        frame = to_uint8(np.asarray(source))
        if frame.ndim == 4:
            frame = frame[0]
    image = Image.fromarray(frame)
    image.thumbnail((max_side, max_side))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="JPEG", quality=quality)
    return path
