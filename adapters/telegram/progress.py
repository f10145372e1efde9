"""Progress messages: one message per job, created once and then edited in place.

The core paces the updates (``bot.pacer``) and names the message to edit after a restart
(``Outgoing.edit_message_id``); this module only keeps each board's message, drops updates identical to what
it shows (Telegram refuses them: "message is not modified"), and lets an update that arrives while the message
is still being sent or edited wait for it, the latest text winning. A new board's message id goes to the core.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

from bot.messages import Outgoing

_LOG = logging.getLogger(__name__)

#: A rendered board: the HTML text and the keyboard shown under it.
View = tuple[str, InlineKeyboardMarkup | None]
PLATFORM = "telegram"


class ProgressMemory(Protocol):
    """Where each board's message is kept across restarts (``BotService`` has it)."""

    async def remember_progress_message(self, platform: str, progress_key: str, chat_id: str, message_id: str) -> None: ...


@dataclass
class _Board:
    chat_id: int
    message_id: int | None = None
    shown: View | None = None
    pending: View | None = None
    done: bool = False
    flusher: asyncio.Task | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class ProgressBoards:
    """All live progress messages, by ``Outgoing.progress_key``."""

    def __init__(
        self,
        bot: Bot,
        view: Callable[[Outgoing], View],
        send: Callable[[Callable[[], Awaitable]], Awaitable],
        memory: ProgressMemory | None = None,
    ) -> None:
        self._bot = bot
        self._memory = memory
        self._view = view
        self._send = send
        self._boards: dict[str, _Board] = {}

    async def show(self, out: Outgoing) -> None:
        """Create the key's message (or adopt the one the core names), else edit it."""
        key = out.progress_key or f"{out.chat_id}:anonymous"
        view = self._view(out)
        board = self._boards.get(key)
        if board is None:
            board = self._boards[key] = _Board(chat_id=int(out.chat_id), done=out.done)
            if out.edit_message_id is not None:  # shown before a restart: edited below, like any board
                board.message_id = int(out.edit_message_id)
            else:
                async with board.lock:
                    text, markup = view
                    message = await self._send(lambda: self._bot.send_message(
                        board.chat_id, text[: MessageLimit.MAX_TEXT_LENGTH], parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                    ))
                    board.message_id, board.shown = message.message_id, view
                    if self._memory and not board.done:
                        await self._memory.remember_progress_message(PLATFORM, key, str(board.chat_id),
                                                                     str(board.message_id))
                self._forget_if_finished(key, board)
                return
        board.pending, board.done = view, board.done or out.done
        if board.flusher is None:  # one flusher per board: it shows the latest view once the message is free
            board.flusher = asyncio.create_task(self._flush(key, board))

    async def close(self) -> None:
        """Cancel edits in flight (on shutdown)."""
        tasks = [board.flusher for board in self._boards.values() if board.flusher is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._boards.clear()

    async def idle(self) -> None:
        """Wait until every scheduled edit was made (tests and orderly shutdown)."""
        while tasks := [board.flusher for board in self._boards.values() if board.flusher is not None]:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _flush(self, key: str, board: _Board) -> None:
        try:
            while board.pending is not None:
                async with board.lock:  # waits for the message to exist
                    try:
                        await self._edit(board)
                    except Exception:  # noqa: BLE001  (a lost progress edit must not stop the next one)
                        _LOG.exception("progress edit failed for %s", key)
        finally:
            board.flusher = None
        self._forget_if_finished(key, board)

    async def _edit(self, board: _Board) -> None:
        view, board.pending = board.pending, None
        if view is not None and view != board.shown and board.message_id is not None:
            text, markup = view
            try:
                await self._send(lambda: self._bot.edit_message_text(
                    text[: MessageLimit.MAX_TEXT_LENGTH], chat_id=board.chat_id, message_id=board.message_id,
                    parse_mode=ParseMode.HTML, reply_markup=markup,
                ))
            except BadRequest as exc:
                if "not modified" not in exc.message.lower():
                    raise
            board.shown = view

    def _forget_if_finished(self, key: str, board: _Board) -> None:
        if board.done and board.pending is None and board.flusher is None:
            self._boards.pop(key, None)
