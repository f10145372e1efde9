"""Per-chat conversation state that outlives a message: awaited answers, confirmations, storyboard drafts.

State lives in the database (the chat row's JSON and the storyboard table), so a restart forgets nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from bot.intents.numbers import to_number
from bot.models import Chat, Storyboard
from engine.queue.models import utcnow

#: Confirmations kept per chat; older ones expire.
MAX_CONFIRMATIONS = 8

_ADD_CARD = re.compile(
    r"^\s*(?:add\s+(?:a\s+)?card\s+at\s+(?P<en>[\d.]+|[a-z]+)\s*(?:s|sec|secs|seconds?)?"
    r"|在?第?\s*(?P<zh>[\d.]+|[零一二两三四五六七八九十]+)\s*秒\s*(?:处)?(?:加|添加|增加)(?:一张|一个)?(?:卡片|镜头|分镜))"
    r"\s*[:：,，-]?\s*(?P<prompt>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_SHOW = re.compile(r"^\s*(show( me)?( the)? storyboard|storyboard\??|显示分镜|查看分镜|看看分镜)\s*[.!?。！？]?\s*$", re.I)
_RENDER = re.compile(r"^\s*(render( it| the storyboard)?|make it now|渲染(分镜)?|生成分镜|开始渲染)\s*[.!?。！？]?\s*$", re.I)
_CLEAR = re.compile(r"^\s*(clear( the)? storyboard|new storyboard|清空分镜|重新分镜)\s*[.!?。！？]?\s*$", re.I)


@dataclass(frozen=True)
class DraftCommand:
    """A storyboard-draft instruction: ``add`` (with ``at`` and ``prompt``), ``show``, ``render`` or ``clear``."""

    kind: str
    at: float | None = None
    prompt: str = ""


def draft_command(text: str, *, has_draft: bool) -> DraftCommand | None:
    """Recognise storyboard-draft talk; ``render`` and ``show`` count only while a draft exists."""
    match = _ADD_CARD.match(text or "")
    if match:
        raw = match.group("en") or match.group("zh")
        at = to_number(raw)
        if at is not None:
            return DraftCommand("add", at=float(at), prompt=match.group("prompt").strip())
    if _SHOW.match(text or ""):
        return DraftCommand("show")
    if _CLEAR.match(text or ""):
        return DraftCommand("clear")
    if has_draft and _RENDER.match(text or ""):
        return DraftCommand("render")
    return None


async def open_draft(session: AsyncSession, chat: Chat, user_id: int) -> Storyboard | None:
    return (
        await session.execute(
            select(Storyboard).where(
                Storyboard.chat_id == chat.id, Storyboard.user_id == user_id, Storyboard.status == "draft"
            )
        )
    ).scalars().first()


async def add_card(session: AsyncSession, chat: Chat, user_id: int, at: float, prompt: str) -> Storyboard:
    draft = await open_draft(session, chat, user_id)
    if draft is None:
        draft = Storyboard(chat_id=chat.id, user_id=user_id, cards=[])
        session.add(draft)
    cards = [card for card in draft.cards if card["at"] != at] + [{"at": at, "prompt": prompt}]
    draft.cards = sorted(cards, key=lambda card: card["at"])
    draft.updated_at = utcnow()
    flag_modified(draft, "cards")
    return draft


def set_pending(chat: Chat, user_id: int, action: str, clip_id: int) -> None:
    """Remember that this user's next message answers ``action`` on ``clip_id`` (a pressed Remix button)."""
    chat.settings = {**chat.settings, "pending": {"user": user_id, "action": action, "clip": clip_id}}
    flag_modified(chat, "settings")


def take_pending(chat: Chat, user_id: int) -> dict | None:
    pending = chat.settings.get("pending")
    if not pending or pending.get("user") != user_id:
        return None
    chat.settings = {k: v for k, v in chat.settings.items() if k != "pending"}
    flag_modified(chat, "settings")
    return pending


def store_confirmation(chat: Chat, payload: dict) -> str:
    """Keep a quoted job until the user says yes; returns the short token the buttons carry."""
    token = secrets.token_urlsafe(6)
    confirmations = dict(chat.settings.get("confirm", {}))
    confirmations[token] = payload
    while len(confirmations) > MAX_CONFIRMATIONS:
        confirmations.pop(next(iter(confirmations)))
    chat.settings = {**chat.settings, "confirm": confirmations}
    flag_modified(chat, "settings")
    return token


def take_confirmation(chat: Chat, token: str) -> dict | None:
    confirmations = dict(chat.settings.get("confirm", {}))
    payload = confirmations.pop(token, None)
    if payload is not None:
        chat.settings = {**chat.settings, "confirm": confirmations}
        flag_modified(chat, "settings")
    return payload
