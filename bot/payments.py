"""Credit packs: invoices, the payment's last check, crediting once per provider charge, and refunds.

The platform moves the money (Telegram Stars today); the core keeps the ``Payment`` rows and the ledger.
A platform that can give money back registers a refunder (:meth:`Payments.add_refunder`), so an operator's
``/refund CHARGE_ID`` on any platform of the process returns it through the platform that took it, then takes
the credits back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.credits import Ledger
from bot.database import Sessions, transaction
from bot.i18n import language_of, t
from bot.messages import Outgoing
from bot.models import Payment, PlatformIdentity
from bot.turn import Turn
from bot.users import find_user, get_or_create_user, user_key
from engine.queue.models import utcnow

log = logging.getLogger(__name__)

#: A platform's own refund: ``(payer's platform user id, provider charge id)``; raises :class:`RefundRefused`.
Refunder = Callable[[str, str], Awaitable[None]]


#: Providers whose money only the platform can give back: their payments are never refunded in the ledger alone.
REFUNDED_BY_PLATFORM = frozenset({"telegram"})


class RefundRefused(Exception):
    """The platform would not give the money back; the message is the platform's reason."""


class Payments:
    def __init__(self, config: Any, sessions: Sessions, ledger: Ledger) -> None:
        self._config = config
        self._sessions = sessions
        self._ledger = ledger
        self._refunders: dict[str, Refunder] = {}

    def add_refunder(self, provider: str, refunder: Refunder) -> None:
        """``provider``'s adapter gives money back with ``refunder`` (it runs in this process)."""
        self._refunders[provider] = refunder

    def is_admin(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self._config.admins

    def invoices(self, turn: Turn, only: str = "") -> list[Outgoing]:
        packs = [pack for pack in self._config.credits.packs if not only or pack.id == only]
        intro = [turn.say(t("buy_intro", turn.lang))] if not only else []
        return intro + [
            Outgoing(kind="invoice", chat_id=turn.chat_id, pack_id=pack.id, title=pack.title, price=pack.stars,
                     credits=pack.credits, text=pack.title)
            for pack in packs
        ]

    async def precheckout(self, platform: str, user_id: str, pack_id: str, language: str | None = None) -> str | None:
        """Answer a payment's last check fast (never behind the GPU queue): ``None`` means go ahead."""
        lang = language_of("", language)
        if not any(pack.id == pack_id for pack in self._config.credits.packs):
            return t("payment_unknown_pack", lang)
        async with self._sessions() as session:
            user = await find_user(session, user_key(platform, user_id))
        if user is not None and user.blocked:
            return t("blocked", lang)
        return None

    async def received(
        self, platform: str, chat_id: str, user_id: str, charge_id: str, pack_id: str, amount: int, currency: str,
        language: str | None = None,
    ) -> list[Outgoing]:
        """Credit a pack once per provider charge id, however often the platform repeats the update."""
        lang = language_of("", language)
        pack = next((p for p in self._config.credits.packs if p.id == pack_id), None)
        if pack is None:
            log.error("payment %s for unknown pack %s", charge_id, pack_id)
            return [Outgoing(kind="text", chat_id=chat_id, text=t("payment_unknown_pack", lang))]
        async with transaction(self._sessions) as session:
            user = await get_or_create_user(session, platform, user_id)
            seen = await _payment(session, charge_id)
            if seen is None:
                session.add(Payment(user_id=user.id, provider=platform, charge_id=charge_id, pack_id=pack.id,
                                    credits=pack.credits, amount=amount, currency=currency))
        if seen is not None:
            return []
        balance = await self._ledger.grant(user.id, pack.credits, key=f"payment:{charge_id}", kind="purchase",
                                           reason=f"{pack.id} via {platform}")
        return [Outgoing(kind="text", chat_id=chat_id,
                         text=t("payment_thanks", lang, credits=pack.credits, balance=balance))]

    async def refund(self, platform: str, admin_user_id: str, charge_id: str, *, chat_id: str = "") -> list[Outgoing]:
        """Admins only, from any platform: the provider's platform gives the money back first, then the payment is
        marked refunded and its credits taken back (as far as the balance allows)."""
        lang = "en"
        if not self.is_admin(platform, admin_user_id):
            return [Outgoing(kind="text", chat_id=chat_id, text=t("admin_only", lang))]
        charge_id = charge_id.strip()

        def refused(reason: str) -> list[Outgoing]:
            return [Outgoing(kind="text", chat_id=chat_id, text=t("invalid_request", lang, reason=reason))]

        async with self._sessions() as session:
            payment = await _payment(session, charge_id) if charge_id else None
            if payment is None or payment.status == "refunded":
                return refused("no such payment")
            statement = select(PlatformIdentity.external_id).where(
                PlatformIdentity.user_id == payment.user_id, PlatformIdentity.platform == payment.provider)
            payer = (await session.execute(statement)).scalars().first()
        refunder = self._refunders.get(payment.provider)
        if refunder is None and payment.provider in REFUNDED_BY_PLATFORM:
            return refused(f"{payment.provider} does not run in this process, so it cannot give the money back")
        if refunder is not None:
            if payer is None:
                return refused(f"the payer's {payment.provider} account is no longer known")
            try:
                await refunder(payer, charge_id)
            except RefundRefused as error:
                return refused(f"{payment.provider} refused the refund: {error}")
        async with transaction(self._sessions) as session:
            payment = await _payment(session, charge_id)
            payment.status = "refunded"
            payment.refunded_at = utcnow()
            owner, credits = payment.user_id, payment.credits
        log.info("payment %s refunded through %s by %s:%s", charge_id, payment.provider, platform, admin_user_id)
        taken = await self._ledger.take_back(owner, credits, key=f"payment-refund:{charge_id}",
                                             reason="payment refunded")
        return [Outgoing(kind="text", chat_id=chat_id, text=t("refunded_payment", lang, credits=taken))]


async def _payment(session: AsyncSession, charge_id: str) -> Payment | None:
    return (await session.execute(select(Payment).where(Payment.charge_id == charge_id))).scalars().first()
