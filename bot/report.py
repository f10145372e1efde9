"""``/report`` on a clip in a group: tell the operators (``REELBOT_ADMINS``) so they can look and ``/block``.

The notice goes through the outbox to each operator's private chat on their own platform (a Telegram or
Discord user id is also the id of the one-to-one chat with them), in the operator's own language when they
have written to the bot. Each report is counted and logged. Reports name the clip and its owner's internal user
number, not their name or identity: an operator who needs more looks the clip up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from bot.messages import Incoming, Outgoing
from bot.metrics import REPORTS
from bot.models import Clip
from bot.outbox import Outbox
from bot.users import BadUserKey, find_user

log = logging.getLogger(__name__)

#: ``/report`` (``/report@bot`` in groups) and its Chinese, ``/举报``.
_REPORT = re.compile(r"^\s*(?:/report(?:@\w+)?|/举报|举报)(?:\s+#?(\d+))?\s*$", re.IGNORECASE)


def report_request(text: str) -> tuple[bool, int | None]:
    """``(True, clip id or None)`` for ``/report [#N]``; ``(False, None)`` for anything else."""
    match = _REPORT.match(text)
    if not match:
        return False, None
    return True, int(match.group(1)) if match.group(1) else None


class Reports:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox: Outbox, admins: Iterable[str]) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._admins = list(admins)

    async def report(self, incoming: Incoming, lang: str, clip_id: int | None) -> list[Outgoing]:
        """Report ``clip_id`` (else the clip replied to); the reporter gets a thank-you, operators a notice."""
        clip_id = clip_id or incoming.reply_to_clip_id
        clip = None
        if clip_id is not None:
            async with self._sessions() as session:
                clip = await session.get(Clip, clip_id)
        if clip is None:
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("report_need_clip", lang),
                             reply_to_message_id=incoming.message_id)]
        REPORTS.inc()
        log.warning("clip %s (user %s) reported by %s in %s:%s", clip.id, clip.user_id, incoming.user_key,
                    incoming.platform, incoming.chat_id)
        where = f"{incoming.platform}:{incoming.chat_id}"
        for admin in self._admins:
            platform, _, admin_id = admin.partition(":")
            text = t("report_notice", await self._language_of(admin), clip=clip.id, owner=clip.user_id,
                     reporter=incoming.user_key, chat=where)
            self._outbox.publish(platform, Outgoing(kind="text", chat_id=admin_id, text=text))
        return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("report_thanks", lang, clip=clip.id),
                         reply_to_message_id=incoming.message_id)]

    async def _language_of(self, admin: str) -> str:
        try:
            async with self._sessions() as session:
                user = await find_user(session, admin)
        except BadUserKey:
            return "en"
        return user.language if user is not None else "en"
