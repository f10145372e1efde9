"""BotService: the platform-neutral conversation core, a small router over one :class:`~bot.turn.Turn`.

``handle(Incoming) -> list[Outgoing]`` answers a message now; ``subscribe(platform)`` streams what jobs say
later. Each message: who and where (user, chat, language: the Turn) -> what was meant (chat commands, awaited
answers, storyboard drafts, buttons, then :func:`bot.intents.parse`) -> the feature module named after it:
:mod:`bot.jobs` (order, quote, confirm, reserve, queue), :mod:`bot.account`, :mod:`bot.storyboards`,
:mod:`bot.payments`, :mod:`bot.admin`. Job events come back through :mod:`bot.deliveries` into :mod:`bot.outbox`.
The composition (database, queue, engine) is the composition root's: ``reelbot.app.build_service``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from bot import ambiguity, dialogue
from bot.account import Account
from bot.admin import Admin
from bot.commands import Command
from bot.credits import Ledger
from bot.database import Sessions, transaction
from bot.deliveries import Deliveries
from bot.errors import InternalError, UserError
from bot.forget import FORGET_BUTTON, ForgetMe, is_forget_request
from bot.forgotten import was_forgotten
from bot.i18n import language_of, t
from bot.intents import LanguageModel, chat_commands
from bot.intents.drafts import draft_command
from bot.jobs import Jobs
from bot.messages import Incoming, Outgoing
from bot.models import Chat, Clip
from bot.outbox import Outbox
from bot.payments import Payments
from bot.picture_cards import PictureCards, photo_of
from bot.presenters import error_text
from bot.ratelimit import RateLimiter
from bot.report import Reports, report_request
from bot.retention import schedule_retention
from bot.scheduler import BotScheduler
from bot.shown import ShownMessages
from bot.storyboards import Storyboards
from bot.turn import Turn
from bot.understanding import Understanding
from bot.uploads import accept_uploads
from bot.users import find_user, get_or_create_chat, get_or_create_user

log = logging.getLogger(__name__)


class BotService:
    """One instance per process, shared by every adapter in it; the job queue feeds it."""

    def __init__(self, config: Any, sessions: Sessions, queue: Any) -> None:
        self.config = config
        self.sessions = sessions
        self.queue = queue
        self.ledger = Ledger(sessions)
        self.outbox = Outbox()
        self.shown = ShownMessages(sessions, queue.mark_delivered)
        self.deliveries = Deliveries(queue, self.ledger, sessions, self.outbox, self.shown)
        self.account = Account(config, sessions, self.ledger, self.outbox)
        self.payments = Payments(config, sessions, self.ledger)
        self.admin = Admin(sessions, self.ledger, self.payments)
        self.jobs = Jobs(config, sessions, self.ledger, queue, self.deliveries, share=self.account.share)
        timeline_url = f"{config.public_url}/app/" if getattr(config, "public_url", None) else None
        self.storyboards = Storyboards(sessions, self.jobs, timeline_url=timeline_url, config=config, queue=queue)
        self.pictures = PictureCards(sessions, self.storyboards)
        self.understanding = Understanding(sessions, LanguageModel(config.llm_options))
        self.forget = ForgetMe(sessions, config.media_dir)
        self.reports = Reports(sessions, self.outbox, config.admins)
        self.rate_limit = RateLimiter(config.limits.messages_per_minute)
        # What adapters tell the core and ask it, by the names they use.
        self.remember_message = self.shown.remember_message
        self.clip_for_message = self.shown.clip_for_message
        self.remember_file_id = self.shown.remember_file_id
        self.remember_progress_message = self.shown.remember_progress_message
        self.precheckout = self.payments.precheckout
        self.payment_received = self.payments.received
        self.refund_payment = self.payments.refund
        self.publish, self.pending = self.outbox.publish, self.outbox.pending
        self._pump: asyncio.Task | None = None
        self.scheduler: BotScheduler | None = None

    async def start(self) -> None:
        await self.queue.start()
        self._pump = asyncio.create_task(self.deliveries.pump(), name="reelbot-deliveries")
        if self.config.credits.daily_free > 0 or self.config.media.keep_days:
            self.scheduler = BotScheduler(self.sessions, self.config.credits)
            schedule_retention(self.scheduler.scheduler, self.sessions, self.config.media.keep_days)
            self.scheduler.start(catch_up=self.config.credits.daily_free > 0)

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        self.deliveries.close()
        await self.understanding.aclose()
        await self.queue.close()

    async def subscribe(self, platform: str) -> AsyncIterator[Outgoing]:
        """Messages from jobs for ``platform``; subscribing also re-sends what a restart left undelivered."""
        async for out in self.outbox.stream(platform, before_first=self.deliveries.redeliver):
            yield out

    # -- one message ------------------------------------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Everything the user should see right now in answer to ``incoming``; never raises."""
        lang = language_of(incoming.text, incoming.language)
        # The console is the operator's own terminal (and scripts): only chat platforms are rate limited.
        verdict = self.rate_limit.hit(incoming.user_key) if incoming.platform != "console" else None
        if verdict is not None and not verdict.allowed:
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("rate_limited", lang, seconds=verdict.wait_s))
                    ] if verdict.tell else []
        try:
            return await self._route(await self.turn(incoming))
        except UserError as error:
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text=error_text(error, lang))]
        except Exception as exc:  # noqa: BLE001  (nothing reaches the user as a stack trace)
            error = InternalError(f"handling a message from {incoming.user_key} failed", exc)
            log.error("%s", error, exc_info=exc)
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("internal_error", lang))]

    async def turn(self, incoming: Incoming) -> Turn:
        """Who and where: the user and chat rows (created on first contact, with the welcome credits)."""
        lang = language_of(incoming.text, incoming.language)
        async with transaction(self.sessions) as session:
            is_new = await find_user(session, incoming.user_key) is None
            user = await get_or_create_user(session, incoming.platform, incoming.user_id,
                                            display_name=incoming.user_name, language=lang)
            chat = await get_or_create_chat(session, incoming.platform, incoming.chat_id, is_group=incoming.is_group)
            if incoming.text.strip() and user.language != lang:
                user.language = lang
            grant_welcome = is_new and not await was_forgotten(session, incoming.platform, incoming.user_id)
        if grant_welcome and self.config.credits.welcome:
            await self.ledger.grant(user.id, self.config.credits.welcome, key=f"welcome:{user.id}", kind="welcome",
                                    reason="welcome")
        if not incoming.text.strip() and incoming.button is not None:
            lang = user.language or lang  # a press carries no words: answer in the user's last language
        return Turn(incoming=incoming, user=user, chat=chat, lang=lang, is_new=is_new)

    async def _route(self, turn: Turn) -> list[Outgoing]:
        incoming = turn.incoming
        if incoming.button is None and not turn.text and not incoming.attachments:
            return []
        if turn.user.blocked:
            return [turn.say(t("blocked", turn.lang))]
        admin = chat_commands.admin_command(turn.text) if incoming.button is None else None
        if admin is not None:
            return await self.admin.run(turn, admin)
        if dialogue.is_disabled(turn.chat):
            return []
        if incoming.button is None and is_forget_request(turn.text):
            return self.forget.ask(incoming, turn.user.id, turn.lang)
        if incoming.button is None and (report := report_request(turn.text))[0]:
            return await self.reports.report(incoming, turn.lang, report[1])
        rest = chat_commands.start(turn.text)
        if turn.is_new or rest is not None:
            welcome = [turn.say(t("welcome", turn.lang, name=incoming.user_name or "there",
                                  balance=await self.ledger.balance(turn.user.id)))]
            if incoming.button is not None:  # a newcomer's first act was a press: do it too
                pressed = await self._button(turn)
                if pressed and all(out.kind == "toast" for out in pressed):
                    return pressed  # refused (someone else's button): only the presser hears why, nothing public
                return welcome + pressed
            turn = turn.with_text(rest if rest is not None else turn.text)
            if not turn.text and not incoming.attachments:
                return welcome
            return welcome + await self._understand(turn)
        if incoming.button is not None:
            return await self._button(turn)
        return await self._understand(turn)

    async def _understand(self, turn: Turn) -> list[Outgoing]:
        limit = self.config.limits.max_prompt_chars
        if len(turn.text) > limit:
            raise UserError("prompt_too_long", length=len(turn.text), limit=limit)
        if (photo := photo_of(turn)) is not None and await self.storyboards.has_draft(turn):
            return await self.pictures.add(turn, photo)  # a photo sent to an open draft is a picture card
        upload = await accept_uploads(turn, self.sessions, self.config.limits)
        if isinstance(upload, Clip):  # an uploaded video is now the clip in focus
            turn = turn.about_clip(upload.id)
            if not turn.text:
                return [turn.ask(t("ask_remix", turn.lang, clip=upload.id), about=f"remix:{upload.id}")]
        if not turn.incoming.attachments:
            if (page := chat_commands.history_page(turn.text)) is not None:
                return await self.account.history(turn, page)
            if (clip_id := chat_commands.opened_clip(turn.text)) is not None:
                return await self.account.open_clip(turn, clip_id)
        if (reply := chat_commands.reply_to_clip(turn.text)) is not None:
            turn = turn.with_text(reply[1]).about_clip(reply[0])
        async with transaction(self.sessions) as session:
            chat = await session.get(Chat, turn.chat.id)
            pending = dialogue.take_pending(chat, turn.user.id)
        if pending and turn.text:
            return await self.jobs.answer_pending(turn, pending)
        draft = draft_command(turn.text, has_draft=await self.storyboards.has_draft(turn))
        if draft is not None and draft.kind == "edit":
            return await self.pictures.edit(turn, draft)
        if draft is not None:
            return await self.storyboards.draft(turn, draft)
        command = await self.understanding.read(turn, has_image=isinstance(upload, str),
                                                has_video=isinstance(upload, Clip))
        if isinstance(command, list):  # unsure whether a new clip or a change: the user is asked
            return command
        return await self._act(turn, command, image=upload if isinstance(upload, str) else None)

    async def _act(self, turn: Turn, command: Command, *, image: str | None = None) -> list[Outgoing]:
        action = command.action
        if action == "help":
            return [turn.say(t("help", turn.lang))]
        if action == "balance":
            return await self.account.balance(turn)
        if action == "history":
            return await self.account.history(turn, command.prompt)
        if action == "settings":
            return await self.account.defaults(turn, command)
        if action == "buy":
            return self.payments.invoices(turn)
        if action == "cancel":
            return await self.jobs.cancel(turn)
        if action == "share":
            return await self.account.share(turn, command.clips or ["current"])
        command = await self.understanding.enhanced(command)
        return await self.jobs.order(turn, command, image=image)

    async def _button(self, turn: Turn) -> list[Outgoing]:
        action, _, argument = (turn.incoming.button or "").partition(":")
        if action in ("yes", "cheaper", "no"):
            return await self.jobs.confirmation(turn, action, argument)
        if action == "buy":
            return self.payments.invoices(turn, only=argument)
        if action == "cancel":
            return await self.jobs.cancel(turn, int(argument) if argument.isdigit() else None)
        if action == ambiguity.PAYLOAD:  # "New video" / "Change #12"
            answered = await self.understanding.answer(turn, argument)
            return answered if isinstance(answered, list) else await self._act(*answered)
        if action == FORGET_BUTTON:
            return await self.forget.answer(turn.incoming, turn.user.id, turn.lang, argument)
        return await self.jobs.clip_button(turn, action, argument)


__all__ = ["BotService"]
