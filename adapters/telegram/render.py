"""Outgoing -> Telegram: texts, clips, progress boards, invoices, within Telegram's limits.

Texts are HTML-escaped and split at 4096 characters on line or word boundaries; captions are trimmed to 1024;
button payloads (at most 64 bytes) are short ids the core made. A clip is uploaded once with its size, duration
and thumbnail so it plays inline, and re-sent by ``file_id`` afterwards. Flood control is PTB's
``AIORateLimiter``; a ``RetryAfter`` that still escapes is waited out and the call made once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    ReplyParameters,
    WebAppInfo,
)
from telegram.constants import ChatAction, FileSizeLimit, InlineKeyboardButtonLimit, MessageLimit, ParseMode
from telegram.error import BadRequest, RetryAfter

from adapters.telegram.progress import ProgressBoards, ProgressMemory, View
from bot import text as text_limits
from bot.messages import Button, Outgoing
from bot.text import trim

_LOG = logging.getLogger(__name__)
_T = TypeVar("_T")

PLATFORM = "telegram"
#: Buttons per keyboard row (six clip buttons make two tidy rows).
BUTTONS_PER_ROW = 3
#: Telegram shows a chat action for about 5 s; renew it a little sooner while an upload runs.
CHAT_ACTION_RENEW_S = 4.5


class ClipMemory(ProgressMemory, Protocol):
    """What rendering needs from the core: where clips and progress boards were shown, clips' file ids
    (BotService has all of it)."""

    async def remember_message(self, platform: str, chat_id: str, message_id: str, clip_id: int) -> None: ...

    async def remember_file_id(self, clip_id: int, platform: str, file_id: str) -> None: ...


class Renderer:
    """Shows the core's Outgoing messages in Telegram chats."""

    def __init__(self, bot: Bot, memory: ClipMemory, *, upload_limit_bytes: int = FileSizeLimit.FILESIZE_UPLOAD) -> None:
        self.bot = bot
        self.memory = memory
        self.upload_limit_bytes = upload_limit_bytes
        self.progress = ProgressBoards(bot, progress_view, retry_once, memory=memory)

    async def render_all(self, outs: Iterable[Outgoing]) -> None:
        for out in outs:
            await self.render(out)

    async def render(self, out: Outgoing) -> None:
        """Show one Outgoing; a toast that reaches here (no button press to answer) is shown as text."""
        if out.kind == "progress":
            await self.progress.show(out)
        elif out.kind == "clip":
            await self.send_clip(out)
        elif out.kind == "invoice":
            await self.send_invoice(out)
        else:
            await self.send_text(out)

    async def close(self) -> None:
        await self.progress.close()

    async def send_text(self, out: Outgoing) -> list[Message]:
        if not out.text.strip():
            return []
        chunks = split_text(out.text)
        sent: list[Message] = []
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent.append(await retry_once(lambda chunk=chunk, last=last, index=index: self.bot.send_message(
                int(out.chat_id), html.escape(chunk, quote=False), parse_mode=ParseMode.HTML,
                reply_markup=_markup(out) if last else None,
                reply_parameters=_reply(out) if index == 0 else None,
            )))
        return sent

    async def send_clip(self, out: Outgoing) -> Message | None:
        """Send by file id when Telegram has the clip already, else upload it; then tell the core where it is."""
        chat_id = int(out.chat_id)
        options: dict[str, Any] = {
            "width": out.width, "height": out.height,
            "duration": round(out.duration_s) if out.duration_s is not None else None,
            "supports_streaming": True,
            "caption": html.escape(trim(out.text, MessageLimit.CAPTION_LENGTH), quote=False) or None,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard(out.buttons),
            "reply_parameters": _reply(out),
        }
        message: Message | None = None
        file_id = out.file_ids.get(PLATFORM)
        if file_id:
            try:
                message = await retry_once(lambda: self.bot.send_video(chat_id, file_id, **options))
            except BadRequest as exc:  # an id from another bot token or an expired one: upload instead
                _LOG.warning("re-sending clip %s by file id failed (%s); uploading", out.clip_id, exc.message)
        if message is None:
            message = await self._upload_clip(chat_id, out, options)
        if message is not None and out.clip_id is not None:
            await self.memory.remember_message(PLATFORM, out.chat_id, str(message.message_id), out.clip_id)
            if message.video is not None and message.video.file_id != file_id:
                await self.memory.remember_file_id(out.clip_id, PLATFORM, message.video.file_id)
        return message

    async def _upload_clip(self, chat_id: int, out: Outgoing, options: dict[str, Any]) -> Message | None:
        if not out.clip_path or not os.path.exists(out.clip_path):
            _LOG.error("clip %s has no file to upload (%s)", out.clip_id, out.clip_path)
            return None
        size = os.path.getsize(out.clip_path)
        if size > self.upload_limit_bytes:
            # The engine encodes to fit; reaching this means a misconfigured limit, not a user mistake.
            _LOG.error("clip %s is %d bytes, over Telegram's %d byte upload limit", out.clip_id, size,
                       self.upload_limit_bytes)
            return None
        # Paths, not bytes: in local mode PTB hands the server a file:// URI instead of uploading.
        thumbnail = Path(out.thumbnail_path) if out.thumbnail_path and os.path.exists(out.thumbnail_path) else None
        async with chat_action(self.bot, chat_id, ChatAction.UPLOAD_VIDEO):
            return await retry_once(lambda: self.bot.send_video(
                chat_id, Path(out.clip_path), thumbnail=thumbnail, **options
            ))

    async def send_invoice(self, out: Outgoing) -> Message:
        """A Telegram Stars invoice: currency XTR, no provider token, the pack id as payload."""
        title = trim(out.title or out.pack_id or "Credits", 32)
        return await retry_once(lambda: self.bot.send_invoice(
            int(out.chat_id), title=title, description=trim(out.text or title, 255), payload=out.pack_id or "",
            currency="XTR", prices=[LabeledPrice(title, int(out.price or 0))], provider_token="",
        ))


async def retry_once(call: Callable[[], Awaitable[_T]]) -> _T:
    """Make a Bot API call; if Telegram still says "retry after N s", wait N s and make it once more."""
    try:
        return await call()
    except RetryAfter as exc:
        _LOG.info("flood control: retrying in %s", exc.retry_after)
        await asyncio.sleep(_seconds(exc.retry_after))
        return await call()


@contextlib.asynccontextmanager
async def chat_action(bot: Bot, chat_id: int, action: str) -> AsyncIterator[None]:
    """Show "sending video..." for as long as the block runs."""

    async def keep_showing() -> None:
        while True:
            with contextlib.suppress(Exception):  # a lost chat action is cosmetic
                await bot.send_chat_action(chat_id, action)
            await asyncio.sleep(CHAT_ACTION_RENEW_S)

    task = asyncio.create_task(keep_showing())
    try:
        await asyncio.sleep(0)  # let the first chat action go out before the upload starts
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def progress_view(out: Outgoing) -> View:
    """The progress message as the core words it (position, bar, ETA) with its buttons (Cancel)."""
    return html.escape(out.text, quote=False), keyboard(out.buttons)


def keyboard(buttons: Iterable[Button], *, private: bool = False) -> InlineKeyboardMarkup | None:
    """Inline keyboard rows; a payload over Telegram's 64 bytes is a core bug, logged and left out. A button
    that opens a page becomes a Mini App button, which Telegram allows only in private chats (left out elsewhere)."""
    usable = []
    for button in buttons:
        if button.web_app_url is not None:
            if private:
                usable.append(InlineKeyboardButton(button.label, web_app=WebAppInfo(button.web_app_url)))
            continue
        if len(button.payload.encode()) > InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
            _LOG.error("button payload too long for Telegram: %r", button.payload)
            continue
        usable.append(InlineKeyboardButton(button.label, callback_data=button.payload))
    if not usable:
        return None
    return InlineKeyboardMarkup([usable[i : i + BUTTONS_PER_ROW] for i in range(0, len(usable), BUTTONS_PER_ROW)])


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """The core's splitter at Telegram's 4096 characters."""
    return text_limits.split_text(text, limit)


def _markup(out: Outgoing) -> InlineKeyboardMarkup | ForceReply | None:
    """Buttons; or, when the core asks a question, a forced reply (the user's answer is their next message)."""
    if out.kind == "ask":
        return ForceReply(selective=True)
    return keyboard(out.buttons, private=int(out.chat_id) > 0)  # Telegram's private chats have positive ids


def _reply(out: Outgoing) -> ReplyParameters | None:
    if not out.reply_to_message_id:
        return None
    return ReplyParameters(int(out.reply_to_message_id), allow_sending_without_reply=True)


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
