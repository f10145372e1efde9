"""Concurrent update processing that keeps each chat's messages in order.

Updates of one chat run one after another (a reply must see the clip its predecessor asked for), different
chats run side by side, and updates without a chat (``pre_checkout_query``) never wait behind anything:
Telegram gives a pre-checkout answer only 10 seconds.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Updates handled at once across all chats.
MAX_CONCURRENT_UPDATES = 64


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """One lock per chat; chat-less updates run at once."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.get(chat.id)
        if lock is None:
            lock = self._locks[chat.id] = asyncio.Lock()
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
