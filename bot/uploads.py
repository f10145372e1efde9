"""Checking what users upload before anything is queued: readable, within limits, and what shape it has."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot.database import Sessions, transaction
from bot.errors import UserError
from bot.messages import Attachment
from bot.models import Chat, Clip
from bot.turn import Turn

#: Width x height used only to prove every frame of an uploaded video decodes (cheap, small).
_CHECK_SIZE = (64, 36)


@dataclass(frozen=True)
class CheckedUpload:
    path: str
    kind: str
    width: int
    height: int
    size_bytes: int
    duration_s: float = 0.0
    fps: int = 24

    @property
    def aspect(self) -> str:
        ratio = self.width / max(self.height, 1)
        return "1:1" if 0.8 <= ratio <= 1.25 else ("16:9" if ratio > 1 else "9:16")

    @property
    def resolution(self) -> str:
        short = min(self.width, self.height)
        return "1080p" if short >= 1000 else ("720p" if short >= 700 else "480p")


def check_upload(attachment: Attachment, limits: Any) -> CheckedUpload:
    """Refuse with a friendly UserError anything unreadable or too big; runs in a thread (it decodes)."""
    from engine.errors import MediaError
    from engine.media import load_image, load_video, probe

    if attachment.size_bytes and attachment.size_bytes > limits.max_upload_bytes:
        raise UserError(
            "upload_too_large",
            size_mb=round(attachment.size_bytes / 2**20),
            limit_mb=round(limits.max_upload_bytes / 2**20),
        )
    if not attachment.path:  # the platform would not hand the file over (over its download limit)
        raise UserError("upload_too_large_here", size_mb=round(attachment.size_bytes / 2**20))
    try:
        if attachment.kind == "image":
            image = load_image(attachment.path, limits)
            return CheckedUpload(attachment.path, "image", image.width, image.height, attachment.size_bytes)
        if attachment.kind == "video":
            load_video(attachment.path, limits, size=_CHECK_SIZE)
            info = probe(attachment.path)
            return CheckedUpload(
                attachment.path, "video", info.width, info.height, info.size_bytes, info.duration_s,
                round(info.fps) or 24,
            )
    except MediaError as error:
        raise UserError("bad_upload", reason_code=error.code) from None
    raise UserError("bad_upload", reason_code="unreadable_image")


async def accept_uploads(turn: Turn, sessions: Sessions, limits: Any) -> str | Clip | None:
    """A valid photo -> its path (to animate); a valid video -> a Clip row in focus; bad files -> UserError."""
    for attachment in turn.incoming.attachments:
        checked = await asyncio.to_thread(check_upload, attachment, limits)
        if attachment.kind == "image":
            return checked.path
        if attachment.kind == "video":
            async with transaction(sessions) as session:
                clip = Clip(
                    user_id=turn.user.id, op="upload", prompt="",
                    settings={"aspect": checked.aspect, "resolution": checked.resolution,
                              "duration_s": checked.duration_s},
                    path=checked.path, width=checked.width, height=checked.height, duration_s=checked.duration_s,
                    fps=checked.fps, size_bytes=checked.size_bytes,
                )
                session.add(clip)
                await session.flush()
                chat = await session.get(Chat, turn.chat.id)
                chat.focus_clip_id = clip.id
            return clip
    return None
