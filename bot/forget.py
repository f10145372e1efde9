"""Forget me: delete a person's data on request (``/forget`` in a chat, ``reelbot forget USER`` for operators).

Deleted: their clips and clip files, uploads under the media folder, prompts (clips, jobs, storyboard drafts,
awaited answers and quotes in chat state), their private chats, and every platform identity. Kept: the ledger,
so sums stay consistent: the user row stays as a nameless, blocked shell whose balance still equals the sum of
its lines, and each line loses its key and reason (keys name chats). What remains of the identities is one
scrypt hash each (:mod:`bot.forgotten`), so a later message starts afresh without a second welcome grant.

Validate, then mutate: a user with a job still queued or rendering is refused (the job would deliver into a
deleted history); everything else happens in one transaction, and files go only after it commits.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot.errors import UserError
from bot.forgotten import identity_hash
from bot.i18n import t
from bot.messages import Button, Incoming, Outgoing
from bot.models import (
    Chat,
    Clip,
    ClipMessage,
    CreditEntry,
    ForgottenIdentity,
    PlatformIdentity,
    ProgressMessage,
    Storyboard,
    User,
)
from bot.users import find_user
from engine.queue.models import QUEUED, RUNNING, Job

log = logging.getLogger(__name__)

#: Button payloads under the ``/forget`` question: ``forget:yes:{user id}`` (only that user may press it).
FORGET_BUTTON = "forget"
#: ``/forget`` (``/forget@bot`` in groups), "forget me", and the Chinese for both.
_FORGET = re.compile(r"^\s*(?:/forget(?:@\w+)?|/忘记我|forget me|忘记我|删除我的数据)\s*[.!。！]?\s*$", re.IGNORECASE)
#: The chat-state column (``Chat.state``, stored as ``settings``), read by column so it works under either name.
_STATE = Chat.__table__.c["settings"]


@dataclass(frozen=True)
class Forgotten:
    """What ``forget_user`` removed."""

    user_id: int
    clips: int
    jobs: int
    chats: int
    files: int
    ledger_lines: int
    balance: int


async def forget_user(sessions: async_sessionmaker[AsyncSession], user_key: str, *, media_dir: Path | str
                      ) -> Forgotten | None:
    """Delete everything ``user_key`` (``telegram:123``) left with us; ``None`` if they never wrote.

    Raises ``UserError("forget_busy")`` while one of their jobs is queued or rendering.
    """
    media_dir = Path(media_dir)
    # 1. Check: who, and nothing in flight.
    async with sessions() as session:
        user = await find_user(session, user_key)
        if user is None:
            return None
        uid = user.id
        active = (await session.execute(
            select(Job.id).where(Job.owner == str(uid), Job.status.in_((QUEUED, RUNNING)))
        )).all()
        if active:
            raise UserError("forget_busy", jobs=len(active))
        identities = (await session.execute(
            select(PlatformIdentity.platform, PlatformIdentity.external_id).where(PlatformIdentity.user_id == uid)
        )).all()
    hashes = await asyncio.to_thread(lambda: [identity_hash(p, e) for p, e in identities])

    # 2. Delete and anonymise in one transaction.
    async with sessions() as session, session.begin():
        clips = list((await session.execute(select(Clip).where(Clip.user_id == uid))).scalars())
        jobs = list((await session.execute(select(Job).where(Job.owner == str(uid)))).scalars())
        boards = list((await session.execute(select(Storyboard).where(Storyboard.user_id == uid))).scalars())
        clip_ids = [clip.id for clip in clips]
        clip_files = [p for clip in clips for p in (clip.path, clip.thumbnail_path) if p]
        clip_files += [p for job in jobs for p in _result_paths(job.result)]
        uploads = [p for job in jobs for p in _paths_in(job.spec)] + [p for b in boards for p in _paths_in(b.cards)]
        others = set((await session.execute(  # a shared clip this user built on is its owner's, not theirs
            select(Clip.path).where(Clip.user_id != uid, Clip.path.in_(uploads))
        )).scalars()) if uploads else set()
        uploads = [p for p in uploads if p not in others]
        private = await _private_chats(session, uid, identities, jobs, boards, clip_ids)
        chat_ids = [chat.id for chat in private]
        chat_keys = [(chat.platform, chat.external_id) for chat in private]

        if clip_ids:
            for column in (Clip.parent_clip_id, Clip.parent_b_clip_id):
                await session.execute(update(Clip).where(column.in_(clip_ids)).values({column.key: None}))
            await session.execute(update(Chat).where(Chat.focus_clip_id.in_(clip_ids)).values(focus_clip_id=None))
            await session.execute(delete(ClipMessage).where(ClipMessage.clip_id.in_(clip_ids)))
        boards_of_jobs = [f"job:{job.id}" for job in jobs]
        await session.execute(delete(ProgressMessage).where(or_(
            ProgressMessage.progress_key.in_(boards_of_jobs),
            *[(ProgressMessage.platform == p) & (ProgressMessage.chat_external_id == e) for p, e in chat_keys],
        )))
        for platform, external_id in chat_keys:
            await session.execute(delete(ClipMessage).where(ClipMessage.platform == platform,
                                                            ClipMessage.chat_external_id == external_id))
        await session.execute(delete(Storyboard).where(or_(Storyboard.user_id == uid, Storyboard.chat_id.in_(chat_ids))))
        if clip_ids:
            await session.execute(delete(Clip).where(Clip.id.in_(clip_ids)))
        await session.execute(delete(Job).where(Job.owner == str(uid)))
        if chat_ids:
            await session.execute(delete(Chat).where(Chat.id.in_(chat_ids)))
        await _scrub_group_chats(session, uid)
        await session.execute(delete(PlatformIdentity).where(PlatformIdentity.user_id == uid))
        known = set((await session.execute(
            select(ForgottenIdentity.identity_hash).where(ForgottenIdentity.identity_hash.in_(hashes))
        )).scalars())
        session.add_all(ForgottenIdentity(identity_hash=h) for h in dict.fromkeys(hashes) if h not in known)
        lines = list((await session.execute(select(CreditEntry.id).where(CreditEntry.user_id == uid))).scalars())
        for line_id in lines:
            await session.execute(update(CreditEntry).where(CreditEntry.id == line_id).values(
                idempotency_key=f"forgotten:{line_id}", reason="", job_id=None))
        shell = await session.get(User, uid)
        shell.display_name, shell.defaults, shell.language, shell.blocked = "", {}, "en", True
        balance = shell.balance

    # 3. Files, once the rows are gone for good.
    removed = await asyncio.to_thread(_remove_files, clip_files, uploads, media_dir, identities)
    log.info("forgot user %s: %d clips, %d jobs, %d chats, %d files, %d ledger lines anonymised",
             uid, len(clip_ids), len(jobs), len(chat_ids), removed, len(lines))
    return Forgotten(user_id=uid, clips=len(clip_ids), jobs=len(jobs), chats=len(chat_ids), files=removed,
                     ledger_lines=len(lines), balance=balance)


def is_forget_request(text: str) -> bool:
    """The message asks to be forgotten (``/forget``, "forget me", 忘记我, 删除我的数据)."""
    return bool(_FORGET.match(text))


class ForgetMe:
    """``/forget`` in a chat: ask with a confirmation button, then forget the person who pressed it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], media_dir: Path | str) -> None:
        self._sessions = sessions
        self._media_dir = Path(media_dir)

    def ask(self, incoming: Incoming, user_id: int, lang: str) -> list[Outgoing]:
        buttons = (Button(label=t("forget_button", lang), payload=f"{FORGET_BUTTON}:yes:{user_id}"),
                   Button(label=t("forget_keep", lang), payload=f"{FORGET_BUTTON}:no:{user_id}"))
        return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("forget_ask", lang), buttons=buttons,
                         reply_to_message_id=incoming.message_id)]

    async def answer(self, incoming: Incoming, user_id: int, lang: str, argument: str) -> list[Outgoing]:
        """A press on ``forget:{argument}``; someone else's question is not theirs to answer."""
        answer, _, owner = argument.partition(":")
        if owner != str(user_id):
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=t("forget_not_yours", lang))]
        if answer != "yes":
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("forget_kept", lang))]
        await forget_user(self._sessions, incoming.user_key, media_dir=self._media_dir)
        return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("forget_done", lang))]


async def _private_chats(session: AsyncSession, uid: int, identities: Iterable[Any], jobs: list[Job],
                         boards: list[Storyboard], clip_ids: list[int]) -> list[Chat]:
    """The one-to-one chats this user talked in: their own ids, and any non-group chat their jobs,
    drafts or clips were in."""
    keys = {(platform, external_id) for platform, external_id in identities}
    keys |= {(job.meta["platform"], str(job.meta["chat_id"])) for job in jobs
             if isinstance(job.meta, dict) and job.meta.get("platform") and job.meta.get("chat_id") is not None}
    if clip_ids:
        shown = await session.execute(
            select(ClipMessage.platform, ClipMessage.chat_external_id).where(ClipMessage.clip_id.in_(clip_ids)))
        keys |= set(shown.all())
    ids = {board.chat_id for board in boards}
    wanted = [(Chat.platform == p) & (Chat.external_id == e) for p, e in keys]
    if ids:
        wanted.append(Chat.id.in_(ids))
    if not wanted:
        return []
    statement = select(Chat).where(or_(*wanted), Chat.is_group == False)  # noqa: E712  (SQL, not Python)
    return list((await session.execute(statement)).scalars())


async def _scrub_group_chats(session: AsyncSession, uid: int) -> None:
    """Remove the user's awaited answers and quoted jobs (which hold prompts) from every remaining chat."""
    rows = (await session.execute(select(Chat.id, _STATE))).all()
    for chat_id, state in rows:
        cleaned = _without_user(state or {}, uid)
        if cleaned != state:
            await session.execute(update(Chat.__table__).where(_STATE.table.c.id == chat_id).values({_STATE: cleaned}))


def _without_user(value: Any, uid: int) -> Any:
    """``value`` minus every entry that is a dict belonging to ``uid`` (``{"user": uid, ...}``)."""
    if isinstance(value, dict):
        return {key: _without_user(item, uid) for key, item in value.items()
                if not (isinstance(item, dict) and item.get("user") == uid)}
    if isinstance(value, list):
        return [_without_user(item, uid) for item in value if not (isinstance(item, dict) and item.get("user") == uid)]
    return value


def _paths_in(value: Any) -> Iterator[str]:
    """Every string in a spec or card list that looks like a file path (an upload, a source clip)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _paths_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _paths_in(item)
    elif isinstance(value, str) and ("/" in value or "\\" in value):
        yield value


def _result_paths(result: Any) -> Iterator[str]:
    for rendered in result or []:
        if isinstance(rendered, dict):
            yield from (rendered[key] for key in ("path", "thumbnail_path") if isinstance(rendered.get(key), str))


def _remove_files(clip_files: list[str], uploads: list[str], media_dir: Path, identities: Iterable[Any]) -> int:
    """Delete the clips' files wherever they are, and uploads only inside the media folder (a console user's
    ``/image PATH`` names a file of their own that is not ours to delete)."""
    root = media_dir.resolve()
    targets = {Path(p) for p in clip_files}
    targets |= {Path(p) for p in uploads if Path(p).resolve().is_relative_to(root)}
    removed = 0
    for path in targets:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    for platform, external_id in identities:  # the Mini App's per-user upload folder
        folder = (media_dir / "miniapp" / str(external_id)).resolve()
        if platform == "telegram" and folder.is_relative_to(root) and folder.is_dir():
            removed += sum(1 for f in folder.rglob("*") if f.is_file())
            shutil.rmtree(folder, ignore_errors=True)
    return removed
