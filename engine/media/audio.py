"""A clip's sound: float32 samples ``(channels, samples)`` in -1..1, and the seams edits make in it.

Sound is kept in step with the frames by time: frame ``f`` at ``fps`` starts at sample ``round(f * rate / fps)``.
Every seam is an equal-power crossfade of ``SEAM_S`` (or less where less sound is there), so joins never click.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from engine.errors import MediaError

#: Length of every audio crossfade (joins, continuations, the loop seam): long enough not to click, short
#: enough not to smear a beat.
SEAM_S = 0.05


@dataclass(frozen=True)
class Sound:
    """Samples ``float32 (channels, samples)`` at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    def at(self, seconds: float) -> int:
        """The sample index at ``seconds``."""
        return round(seconds * self.sample_rate)

    def span(self, start_s: float, end_s: float) -> "Sound":
        """The samples between two times, the edges held where the sound is shorter."""
        return Sound(_take(self.samples, self.at(start_s), self.at(end_s)), self.sample_rate)

    def fitted(self, seconds: float) -> "Sound":
        """Exactly ``seconds`` long (trimmed, or its last sample held)."""
        return self.span(0.0, seconds)

    def then(self, other: "Sound") -> "Sound":
        return Sound(np.concatenate([self.samples, _channels(other, self).samples], axis=1), self.sample_rate)


def _take(samples: np.ndarray, start: int, end: int) -> np.ndarray:
    """``samples[:, start:end]`` with indexes outside clamped to the edges (held, never wrapped)."""
    if end <= start:
        return samples[:, :0]
    index = np.clip(np.arange(start, end), 0, max(samples.shape[1] - 1, 0))
    if samples.shape[1] == 0:
        return np.zeros((samples.shape[0], end - start), np.float32)
    return samples[:, index]


def _channels(sound: Sound, like: Sound) -> Sound:
    """``sound`` with as many channels as ``like`` (mono doubled, extra channels averaged)."""
    have, want = sound.samples.shape[0], like.samples.shape[0]
    if have == want:
        return sound
    mono = sound.samples.mean(axis=0, keepdims=True)
    return Sound(np.repeat(mono, want, axis=0).astype(np.float32), sound.sample_rate)


def _ramps(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Equal-power fade-out and fade-in gains over ``count`` samples."""
    t = (np.arange(count, dtype=np.float32) + 0.5) / max(count, 1)
    return np.cos(t * np.pi / 2), np.sin(t * np.pi / 2)


def crossfade(outgoing: np.ndarray, incoming: np.ndarray) -> np.ndarray:
    """``outgoing`` fading out while ``incoming`` (same shape) fades in."""
    fade_out, fade_in = _ramps(outgoing.shape[1])
    return (outgoing * fade_out + incoming * fade_in).astype(np.float32)


def join_into(before: Sound, lead: Sound, after: Sound) -> Sound:
    """``before`` then ``after``; ``lead`` is the sound that came just before ``after`` (made with it), so the
    last ``SEAM_S`` of ``before`` crossfade into ``lead``'s last samples and the join has no jump."""
    lead = _channels(lead, before)
    count = min(before.at(SEAM_S), before.samples.shape[1], lead.samples.shape[1])
    samples = before.samples.copy()
    if count:
        samples[:, -count:] = crossfade(samples[:, -count:], lead.samples[:, -count:])
    return Sound(samples, before.sample_rate).then(after)


def continue_from(kept: Sound, continuation: Sound | None, new: Sound) -> Sound:
    """``kept`` unchanged, then ``new`` whose first ``SEAM_S`` crossfade out of ``continuation`` (what followed
    ``kept`` in its source), so the kept samples stay exactly as they were and the join still has no jump."""
    new = _channels(new, kept)
    samples = new.samples.copy()
    if continuation is not None:
        continuation = _channels(continuation, kept)
        count = min(new.at(SEAM_S), samples.shape[1], continuation.samples.shape[1])
        if count:
            samples[:, :count] = crossfade(continuation.samples[:, :count], samples[:, :count])
    return kept.then(Sound(samples, kept.sample_rate))


def cross_over(first: Sound, second: Sound) -> Sound:
    """One sound turning into another over its whole length (equal power), as long as ``first``."""
    second = _channels(second, first)
    length = first.samples.shape[1]
    return Sound(crossfade(first.samples, _take(second.samples, 0, length)), first.sample_rate)


def loop_seam(sound: Sound, seconds: float) -> Sound:
    """``seconds`` of ``sound`` that loop without a click: its start crossfades in from what followed the end
    (``sound`` must run on past ``seconds``; the seam is as long as the extra allows, up to ``SEAM_S``)."""
    length = sound.at(seconds)
    extra = sound.samples.shape[1] - length
    count = min(sound.at(SEAM_S), max(extra, 0), length)
    samples = _take(sound.samples, 0, length).copy()
    if count:
        # Sample ``length + k`` is what would follow the end; the start becomes it, fading to the real start.
        samples[:, :count] = crossfade(sound.samples[:, length : length + count], samples[:, :count])
    return Sound(samples, sound.sample_rate)


def load_audio(path: Path | str) -> Sound | None:
    """The first audio stream of ``path`` decoded to float32, or None when the file has no sound."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate
            # The encoder pads its last frame; the stream's duration says where the sound really ends.
            length = round(float(stream.duration * stream.time_base) * rate) if stream.duration else None
            chunks = [frame.to_ndarray() for frame in container.decode(stream)]
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError("unreadable_video", "the clip's sound could not be decoded") from exc
    if not chunks:
        return None
    planes = []
    for chunk in chunks:
        scale = float(np.iinfo(chunk.dtype).max + 1) if chunk.dtype.kind in "iu" else 1.0
        planes.append(chunk.astype(np.float32) / scale)
    samples = np.concatenate(planes, axis=1)
    channels = stream.codec_context.layout.nb_channels if stream.codec_context.layout else 1
    if samples.shape[0] == 1 and channels > 1:  # packed formats decode as one interleaved plane
        samples = samples.reshape(-1, channels).T
    return Sound(np.ascontiguousarray(samples[:, :length], dtype=np.float32), int(rate))
