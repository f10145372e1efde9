"""What a clip says about itself: container metadata written at the one encode and read back by ``reelbot inspect``.

Why container tags: they travel with the file (a clip forwarded out of the chat still names the tool, the model
and the seed that made it) and cost nothing at encode time. MP4 keeps arbitrary keys only with ffmpeg's
``use_metadata_tags`` flag, which :func:`engine.media.encode.encode_mp4` sets whenever metadata is given.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import av

from engine.errors import MediaError

#: The ``tool`` tag of every clip reelbot makes.
TOOL = "reelbot"
#: Tags reelbot writes, in the order ``reelbot inspect`` shows them.
KEYS = ("tool", "model", "seed", "job_id", "variation", "clip_id", "creation_time")
#: Container tags that are about the file format, not the clip (left out of what a clip "says").
_FORMAT_KEYS = ("major_brand", "minor_version", "compatible_brands", "encoder")


def clip_metadata(
    *,
    model: str,
    seed: int,
    job_id: int | str | None = None,
    variation: int | None = None,
    clip_id: int | str | None = None,
    created: datetime | None = None,
) -> dict[str, str]:
    """The tags for one clip; ``creation_time`` is ISO 8601 UTC (ffmpeg also stores it in the movie header)."""
    created = (created or datetime.now(UTC)).astimezone(UTC)
    tags = {
        "tool": TOOL,
        "model": model,
        "seed": str(seed),
        "job_id": None if job_id is None else str(job_id),
        "variation": None if variation is None else str(variation),
        "clip_id": None if clip_id is None else str(clip_id),
        "creation_time": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    return {key: value for key, value in tags.items() if value is not None}


def read_metadata(path: Path | str) -> dict[str, str]:
    """The clip's own tags (reelbot's first, then any others), without the container's format bookkeeping."""
    try:
        with av.open(str(path)) as container:
            tags = dict(container.metadata)
    except (av.FFmpegError, OSError) as exc:
        raise MediaError("unreadable", f"cannot read {path}: {exc}") from None
    ordered = {key: tags.pop(key) for key in KEYS if key in tags}
    ordered.update({key: value for key, value in tags.items() if key not in _FORMAT_KEYS})
    return ordered
