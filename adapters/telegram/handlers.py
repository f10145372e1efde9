"""PTB callbacks: each turns one Telegram update into a ``bot.Incoming``, asks the core, and renders the answer.

Nothing here decides what to do: addressing (is this for me?) is the only judgement, and it is Telegram's own
(mention, reply, command). Uploads are downloaded into the media directory so that a queued job can still
read them after a restart; a file over what the Bot API lets us download is passed on undownloaded (empty
``path``, real ``size_bytes``) so that the core refuses it in the user's language.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from telegram import Bot, Message, Update
from telegram.constants import FileSizeLimit
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.telegram.addressing import addressed_text
from adapters.telegram.admins import ChatAdmins
from adapters.telegram.render import PLATFORM, Renderer
from bot.messages import Attachment, Incoming
from bot.payments import RefundRefused

_LOG = logging.getLogger(__name__)


@dataclass
class AdapterState:
    """What the callbacks share, kept in ``application.bot_data[STATE]``."""

    service: Any  # bot.service.BotService (imported lazily: the core starts the engine)
    renderer: Renderer
    media_dir: Path
    download_limit_bytes: int
    admins: ChatAdmins = field(default_factory=ChatAdmins)


STATE = "reelbot"


def state_of(context: ContextTypes.DEFAULT_TYPE) -> AdapterState:
    return context.bot_data[STATE]


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, commands, photos, videos and documents addressed to the bot."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or user.is_bot:
        return
    text = addressed_text(message, context.bot.id, context.bot.username)
    if text is None:
        return  # group chatter
    state = state_of(context)
    is_group = chat.type != chat.PRIVATE
    # Only a group's commands can need it (/disable, /enable): plain messages never cost a getChatMember.
    is_chat_admin = is_group and text.startswith("/") and await state.admins.is_admin(context.bot, chat.id, user.id)
    reply_to_clip_id = None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        reply_to_clip_id = await state.service.clip_for_message(PLATFORM, str(chat.id), str(replied.message_id))
    incoming = Incoming(
        platform=PLATFORM,
        chat_id=str(chat.id),
        user_id=str(user.id),
        text=text,
        user_name=user.full_name,
        language=user.language_code,
        is_group=is_group,
        is_chat_admin=is_chat_admin,
        attachments=await _attachments(message, state),
        reply_to_clip_id=reply_to_clip_id,
        message_id=str(message.message_id),
        upload_limit=upload_limit(context.bot),
    )
    await state.renderer.render_all(await state.service.handle(incoming))


def upload_limit(bot: Bot) -> int:
    """What a bot may send: 50 MB through Telegram's servers, 2000 MB through a local Bot API server."""
    return int(FileSizeLimit.FILESIZE_UPLOAD_LOCAL_MODE if bot.local_mode else FileSizeLimit.FILESIZE_UPLOAD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: always answered (Telegram shows a spinner until then); a toast becomes the answer."""
    query = update.callback_query
    if query is None:
        return
    state = state_of(context)
    outs = []
    try:
        message = query.message
        chat_id = str(message.chat.id) if message is not None else str(query.from_user.id)
        incoming = Incoming(
            platform=PLATFORM,
            chat_id=chat_id,
            user_id=str(query.from_user.id),
            user_name=query.from_user.full_name,
            language=query.from_user.language_code,
            is_group=message is not None and message.chat.type != message.chat.PRIVATE,
            button=query.data,
            reply_to_clip_id=await _shown_clip(state, message),
            message_id=str(message.message_id) if message is not None else None,
            upload_limit=upload_limit(context.bot),
        )
        outs = await state.service.handle(incoming)
    finally:
        toast = next((out.text for out in outs if out.kind == "toast"), None)
        await query.answer(text=toast[:200] if toast else None, show_alert=False)
    await state.renderer.render_all(out for out in outs if out.kind != "toast")


async def on_pre_checkout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram waits 10 s for this answer: ask the core (a database read) and answer at once."""
    query = update.pre_checkout_query
    if query is None:
        return
    state = state_of(context)
    error = "Sorry, something went wrong. Please try again."
    try:
        error = await state.service.precheckout(
            PLATFORM, str(query.from_user.id), query.invoice_payload, query.from_user.language_code
        )
    finally:
        await query.answer(ok=error is None, error_message=error)


async def on_successful_payment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Credit the pack; the core ignores a second delivery of the same charge id."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.successful_payment is None:
        return
    payment = message.successful_payment
    state = state_of(context)
    outs = await state.service.payment_received(
        PLATFORM, str(message.chat.id), str(user.id), payment.telegram_payment_charge_id,
        payment.invoice_payload, payment.total_amount, payment.currency,
    )
    await state.renderer.render_all(outs)


async def refund_stars(bot: Bot, payer: str, charge_id: str) -> None:
    """The core's refunder for Telegram payments (``/refund CHARGE_ID`` from any platform): Stars go back first."""
    try:
        await bot.refund_star_payment(user_id=int(payer), telegram_payment_charge_id=charge_id)
    except TelegramError as error:
        raise RefundRefused(error.message) from None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what escaped a callback (the core already turned user mistakes into replies)."""
    _LOG.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)


async def _shown_clip(state: AdapterState, message: Any) -> int | None:
    if not isinstance(message, Message):
        return None
    return await state.service.clip_for_message(PLATFORM, str(message.chat.id), str(message.message_id))


async def _attachments(message: Message, state: AdapterState) -> tuple[Attachment, ...]:
    """Download what the user sent: the largest photo size, a video, an animation or a document."""
    if message.photo:
        medium, kind, mime, name = message.photo[-1], "image", "image/jpeg", None
    elif message.video is not None:
        medium, kind, mime, name = message.video, "video", message.video.mime_type, message.video.file_name
    elif message.animation is not None:
        medium, kind = message.animation, "video"
        mime, name = message.animation.mime_type, message.animation.file_name
    elif message.video_note is not None:
        medium, kind, mime, name = message.video_note, "video", "video/mp4", None
    elif message.document is not None:
        medium, mime, name = message.document, message.document.mime_type, message.document.file_name
        kind = "image" if (mime or "").startswith("image/") else "video" if (mime or "").startswith("video/") else "file"
    else:
        return ()
    size = medium.file_size or 0
    if size > state.download_limit_bytes:
        return (Attachment(kind=kind, path="", size_bytes=size, mime_type=mime, filename=name),)
    telegram_file = await medium.get_file()
    suffix = PurePosixPath(name or telegram_file.file_path or "").suffix[:10]
    folder = state.media_dir / "incoming" / PLATFORM
    folder.mkdir(parents=True, exist_ok=True)
    path = await telegram_file.download_to_drive(folder / f"{message.chat.id}-{message.message_id}-{uuid.uuid4().hex[:8]}{suffix}")
    return (Attachment(kind=kind, path=str(path), size_bytes=path.stat().st_size or size, mime_type=mime,
                       filename=name),)
