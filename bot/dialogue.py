"""Per-chat conversation state that outlives a message: awaited answers, confirmations, storyboard drafts.

State lives in the database (``Chat.state`` and the storyboard table), so a restart forgets nothing. Reading
what the user wrote is :mod:`bot.intents`' job (``bot.intents.drafts`` for storyboard-draft talk).
"""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from bot.models import Chat, Storyboard
from engine.queue.models import utcnow

#: Confirmations kept per chat; older ones expire.
MAX_CONFIRMATIONS = 8


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
    chat.state = {**chat.state, "pending": {"user": user_id, "action": action, "clip": clip_id}}
    flag_modified(chat, "state")


def is_disabled(chat: Chat) -> bool:
    """A chat admin switched the bot off here (``/disable``)."""
    return bool(chat.state.get("disabled"))


def set_disabled(chat: Chat, disabled: bool) -> None:
    chat.state = {**chat.state, "disabled": disabled}
    flag_modified(chat, "state")


def take_pending(chat: Chat, user_id: int) -> dict | None:
    pending = chat.state.get("pending")
    if not pending or pending.get("user") != user_id:
        return None
    chat.state = {k: v for k, v in chat.state.items() if k != "pending"}
    flag_modified(chat, "state")
    return pending


def store_confirmation(chat: Chat, payload: dict) -> str:
    """Keep a quoted job until the user says yes; returns the short token the buttons carry."""
    token = secrets.token_urlsafe(6)
    confirmations = dict(chat.state.get("confirm", {}))
    confirmations[token] = payload
    while len(confirmations) > MAX_CONFIRMATIONS:
        confirmations.pop(next(iter(confirmations)))
    chat.state = {**chat.state, "confirm": confirmations}
    flag_modified(chat, "state")
    return token


def take_confirmation(chat: Chat, token: str) -> dict | None:
    confirmations = dict(chat.state.get("confirm", {}))
    payload = confirmations.pop(token, None)
    if payload is not None:
        chat.state = {**chat.state, "confirm": confirmations}
        flag_modified(chat, "state")
    return payload
