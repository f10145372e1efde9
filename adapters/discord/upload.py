"""Make a clip fit the upload limit of the place it goes to.

Discord's limit depends on the server's boost level and the user's subscription, and Discord tells us the
number (an interaction's ``attachment_size_limit``, a guild's ``filesize_limit``), so nothing here hard-codes it.
A clip already small enough goes as it is; a bigger one is re-encoded once with engine.media's size-bounded
encoder and cached next to the original.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

#: Room left for the multipart envelope and the JSON payload around the file.
ENVELOPE_BYTES = 16 * 1024


class UploadTooLarge(Exception):
    """The clip can't be made to fit at a watchable quality."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes > {limit} bytes")
        self.size = size
        self.limit = limit


def fit_to_limit(path: Path, limit: int) -> Path:
    """``path`` itself when it fits ``limit`` bytes, else a re-encoded copy that does (cached per limit)."""
    size = path.stat().st_size
    budget = max(limit - ENVELOPE_BYTES, 1)
    if size <= budget:
        return path
    smaller = path.with_name(f"{path.stem}.fit{limit}{path.suffix}")
    if smaller.exists() and smaller.stat().st_size <= budget:
        return smaller
    # engine.media pulls in PyAV and NumPy only; imported here so the adapter starts without them loaded.
    from engine.errors import MediaError
    from engine.media import encode_mp4, load_video

    log.info("re-encoding %s (%s bytes) to fit %s bytes", path.name, size, budget)
    try:
        video = load_video(path)
        encode_mp4(video.frames, smaller, round(video.fps), max_bytes=budget)
    except MediaError as exc:
        raise UploadTooLarge(size, limit) from exc
    return smaller
