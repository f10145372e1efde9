"""Clips as the user sees them: references (#12, "current"), who may use which, history pages and lineage."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.errors import UserError
from bot.intents.chat_commands import clip_number
from bot.models import Chat, Clip, ClipMessage

#: Clips per page of /history.
HISTORY_PAGE_SIZE = 5


async def resolve_ref(session: AsyncSession, ref: str, *, user_id: int, chat: Chat, reply_to: int | None) -> Clip:
    """The clip a reference names, if this user may use it.

    ``current`` is the replied-to clip, else the chat's focus. Others' clips are usable only once shared.
    """
    if ref == "current":
        clip_id = reply_to or chat.focus_clip_id
        if clip_id is None:
            raise UserError("need_clip")
        shown = f"#{clip_id}"
    else:
        clip_id = clip_number(ref)
        if clip_id is None:
            raise UserError("no_such_clip", ref=ref)
        shown = f"#{clip_id}"
    clip = await session.get(Clip, clip_id)
    if clip is None:
        raise UserError("no_such_clip", ref=shown)
    if clip.user_id != user_id and not clip.public:
        raise UserError("not_your_clip", ref=shown)
    return clip


async def history_page(session: AsyncSession, user_id: int, page: int) -> tuple[list[Clip], bool]:
    """One page of the user's clips, newest first, and whether there is another page."""
    page = max(page, 1)
    rows = (
        await session.execute(
            select(Clip)
            .where(Clip.user_id == user_id)
            .order_by(Clip.id.desc())
            .offset((page - 1) * HISTORY_PAGE_SIZE)
            .limit(HISTORY_PAGE_SIZE + 1)
        )
    ).scalars().all()
    return list(rows[:HISTORY_PAGE_SIZE]), len(rows) > HISTORY_PAGE_SIZE


async def clips_of_job(session: AsyncSession, job_id: int) -> list[Clip]:
    statement = select(Clip).where(Clip.job_id == job_id).order_by(Clip.variation)
    return list((await session.execute(statement)).scalars().all())


async def clip_count(session: AsyncSession, user_id: int) -> int:
    return (await session.execute(select(func.count()).select_from(Clip).where(Clip.user_id == user_id))).scalar_one()


async def clip_for_message(session: AsyncSession, platform: str, chat_id: str, message_id: str) -> int | None:
    row = (
        await session.execute(
            select(ClipMessage.clip_id).where(
                ClipMessage.platform == platform,
                ClipMessage.chat_external_id == chat_id,
                ClipMessage.message_id == message_id,
            )
        )
    ).scalars().first()
    return row
