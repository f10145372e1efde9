"""The memory of what each platform message shows: clips (so replies and buttons on them still work), progress
boards (so a restart edits the same message), and platforms' file ids (so a clip is re-sent, not re-uploaded).

All of it is in the database: a restart forgets nothing. Adapters tell the core after they send something.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import delete, select

from bot.database import Sessions, transaction
from bot.models import Clip, ClipMessage, ProgressMessage


class ShownMessages:
    """Platform message ids <-> clips and progress boards; ``delivered(job_id)`` hears that a clip arrived."""

    def __init__(self, sessions: Sessions, delivered: Callable[[int], Awaitable[None]]) -> None:
        self._sessions = sessions
        self._delivered = delivered
        #: Boards' message ids as this process last knew them (None: none); progress events read this, not rows.
        self._boards: dict[tuple[str, str], str | None] = {}

    async def remember_message(self, platform: str, chat_id: str, message_id: str, clip_id: int) -> None:
        """A platform message now shows ``clip_id``: replies to it refer to that clip. Also confirms delivery."""
        async with transaction(self._sessions) as session:
            clip = await session.get(Clip, clip_id)
            if clip is None:
                return
            if await _clip_for_message(session, platform, str(chat_id), str(message_id)) is None:
                session.add(ClipMessage(platform=platform, chat_external_id=str(chat_id), message_id=str(message_id),
                                        clip_id=clip_id))
            job_id = clip.job_id
        if job_id is not None:
            await self._delivered(job_id)

    async def clip_for_message(self, platform: str, chat_id: str, message_id: str) -> int | None:
        async with self._sessions() as session:
            return await _clip_for_message(session, platform, str(chat_id), str(message_id))

    async def remember_file_id(self, clip_id: int, platform: str, file_id: str) -> None:
        async with transaction(self._sessions) as session:
            clip = await session.get(Clip, clip_id)
            if clip is not None and clip.file_ids.get(platform) != file_id:
                clip.file_ids = {**clip.file_ids, platform: file_id}
                flag_modified(clip, "file_ids")

    async def remember_progress_message(self, platform: str, progress_key: str, chat_id: str, message_id: str) -> None:
        """The platform message showing ``progress_key`` (a job's board): edited in place even after a restart."""
        self._boards[platform, progress_key] = str(message_id)
        async with transaction(self._sessions) as session:
            row = (await session.execute(_board(platform, progress_key))).scalar_one_or_none()
            if row is None:
                session.add(ProgressMessage(platform=platform, progress_key=progress_key,
                                            chat_external_id=str(chat_id), message_id=str(message_id)))
            else:
                row.chat_external_id, row.message_id = str(chat_id), str(message_id)

    async def progress_message(self, platform: str, progress_key: str) -> str | None:
        """The board's message id: read from its row the first time, then from memory."""
        if (platform, progress_key) not in self._boards:
            async with self._sessions() as session:
                row = (await session.execute(_board(platform, progress_key))).scalar_one_or_none()
            self._boards.setdefault((platform, progress_key), row.message_id if row is not None else None)
        return self._boards[platform, progress_key]

    async def forget_progress_message(self, platform: str, progress_key: str) -> None:
        """The board is final (done, failed, cancelled): nothing will edit it again."""
        self._boards.pop((platform, progress_key), None)
        async with transaction(self._sessions) as session:
            await session.execute(delete(ProgressMessage).where(
                ProgressMessage.platform == platform, ProgressMessage.progress_key == progress_key))


def _board(platform: str, progress_key: str):
    return select(ProgressMessage).where(ProgressMessage.platform == platform,
                                         ProgressMessage.progress_key == progress_key)


async def _clip_for_message(session, platform: str, chat_id: str, message_id: str) -> int | None:
    statement = select(ClipMessage.clip_id).where(
        ClipMessage.platform == platform, ClipMessage.chat_external_id == chat_id, ClipMessage.message_id == message_id
    )
    return (await session.execute(statement)).scalars().first()
