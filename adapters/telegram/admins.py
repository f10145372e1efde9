"""Who administers a group, as Telegram says (``getChatMember``), remembered briefly.

The core lets a chat's admins switch the bot off and on there (``/disable``, ``/enable``); only Telegram knows
who they are. Asking costs one Bot API call, so an answer is kept for :data:`ADMIN_CACHE_S` and only a group's
commands ask at all: a promotion or demotion is seen within that time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Bot, ChatMember
from telegram.error import TelegramError

_LOG = logging.getLogger(__name__)

#: Seconds an answer of ``getChatMember`` is trusted.
ADMIN_CACHE_S = 60.0
#: The member statuses that administer a chat.
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})


class ChatAdmins:
    """``is_admin(bot, chat_id, user_id)``: asked of Telegram at most once per :data:`ADMIN_CACHE_S` per member."""

    def __init__(self, ttl_s: float = ADMIN_CACHE_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._known: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        now = self._clock()
        known = self._known.get((chat_id, user_id))
        if known is not None and now - known[0] < self._ttl_s:
            return known[1]
        try:
            member = await bot.get_chat_member(chat_id=chat_id, user_id=user_id)
        except TelegramError as error:  # unknown: not an admin, and asked again next time
            _LOG.warning("getChatMember for chat %s failed: %s", chat_id, error)
            return False
        answer = member.status in ADMIN_STATUSES
        if len(self._known) > 10_000:  # a long-running bot in many groups: drop what has expired
            self._known = {key: value for key, value in self._known.items() if now - value[0] < self._ttl_s}
        self._known[chat_id, user_id] = (now, answer)
        return answer
