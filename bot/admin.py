"""Operators' verbs (``REELBOT_ADMINS``): grant credits, block and unblock users, refund a payment; and chat
admins' ``/disable`` and ``/enable`` for their own group.
"""

from __future__ import annotations

import secrets

from bot import dialogue
from bot.credits import Ledger
from bot.database import Sessions, transaction
from bot.i18n import t
from bot.intents.chat_commands import AdminCommand
from bot.messages import Outgoing
from bot.models import Chat
from bot.payments import Payments
from bot.turn import Turn
from bot.users import find_user


class Admin:
    def __init__(self, sessions: Sessions, ledger: Ledger, payments: Payments) -> None:
        self._sessions = sessions
        self._ledger = ledger
        self._payments = payments

    async def run(self, turn: Turn, command: AdminCommand) -> list[Outgoing]:
        incoming, lang, verb = turn.incoming, turn.lang, command.verb
        chat_rule = verb in ("disable", "enable") and incoming.is_chat_admin
        if not self._payments.is_admin(incoming.platform, incoming.user_id) and not chat_rule:
            return [turn.say(t("admin_only", lang))]
        if verb in ("disable", "enable"):
            async with transaction(self._sessions) as session:
                dialogue.set_disabled(await session.get(Chat, turn.chat.id), verb == "disable")
            return [turn.say("OK")]
        if verb == "refund":
            return await self._payments.refund(incoming.platform, incoming.user_id, command.args,
                                               chat_id=incoming.chat_id)
        parts = command.parts
        if not parts:
            return [turn.say(t("unknown_user", lang, user="?"))]
        async with transaction(self._sessions) as session:
            target = await find_user(session, parts[0])
            if target is None:
                return [turn.say(t("unknown_user", lang, user=parts[0]))]
            if verb in ("block", "unblock"):
                target.blocked = verb == "block"
                return [turn.say(t("user_blocked", lang, user=parts[0]) if target.blocked else "OK")]
        if len(parts) < 2 or not parts[1].lstrip("-").isdigit():
            return [turn.say("/grant USER AMOUNT [reason]")]
        amount = int(parts[1])
        balance = await self._ledger.grant(
            target.id, amount, key=f"admin:{incoming.user_key}:{incoming.message_id or secrets.token_hex(8)}",
            kind="admin", reason=parts[2] if len(parts) > 2 else f"granted by {incoming.user_key}",
        )
        return [turn.say(t("granted", lang, amount=amount, user=parts[0], balance=balance))]
