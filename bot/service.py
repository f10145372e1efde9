"""BotService: the platform-neutral conversation core. ``handle(Incoming) -> list[Outgoing]``, plus a stream of
Outgoing per platform for what jobs report later (progress, clips, failures).

Each incoming message runs the same short pipeline: who and where (user, chat, language) -> what was meant
(intents, storyboard drafts, awaited answers, buttons) -> validate -> quote -> reserve credits -> queue. Job
events come back through :mod:`bot.deliveries`, which records clips, settles or refunds, and words the result.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import delete, select

from bot import clips as clip_store
from bot import dialogue
from bot.commands import CardSpec, Command
from bot.credits import Ledger, quote
from bot.deliveries import Deliveries
from bot.errors import InsufficientCredits, UserError
from bot.i18n import language_of, op_name, reason, t
from bot.intents import parse
from bot.messages import Incoming, Outgoing
from bot.models import Chat, Clip, ClipMessage, Payment, PlatformIdentity, ProgressMessage, User
from bot.orders import Order, build_order, cheaper
from bot.presenters import clip_buttons, clip_caption, confirm_buttons, describe_job, describe_settings, progress_text
from bot.scheduler import BotScheduler
from bot.uploads import check_upload
from bot.users import find_user, get_or_create_user, user_key
from engine.queue.errors import QueueFull
from engine.queue.models import QUEUED, RUNNING, Job, utcnow
from engine.specs import parse_spec

log = logging.getLogger(__name__)

#: How long a progress message waits between edits (platforms throttle edits; people can't read faster).
PROGRESS_INTERVAL_S = 2.5
_ADMIN = re.compile(r"^/(grant|block|unblock|disable|enable|refund)(?:@\w+)?\b\s*(.*)$", re.I | re.S)
_OPEN_CLIP = re.compile(r"^\s*(?:/reply(?:@\w+)?\s+|/open(?:@\w+)?\s+)?#?\s*(\d{1,9})\s*$")
_HISTORY_PAGE = re.compile(
    r"^\s*(?:/history(?:@\w+)?|history|my (?:videos|clips)|历史(?:记录)?)\s*(?:page|第)?\s*(\d{1,5})\s*页?\s*$", re.I
)
_START = re.compile(r"^/start(?:@\w+)?\b", re.I)


class BotService:
    """One instance per process; adapters call it, the job queue feeds it."""

    def __init__(self, settings: Any, sessions: async_sessionmaker[AsyncSession], queue: Any) -> None:
        self.settings = settings
        self.sessions = sessions
        self.queue = queue
        self.ledger = Ledger(sessions)
        self._outboxes: dict[str, asyncio.Queue[Outgoing]] = defaultdict(asyncio.Queue)
        self.deliveries = Deliveries(self)
        self._pump: asyncio.Task | None = None
        self.scheduler: BotScheduler | None = None

    # -- life cycle -------------------------------------------------------------------------------------------

    @classmethod
    async def create(cls, settings: Any, *, queue: Any = None) -> "BotService":
        """Migrate the database, start the job queue (in-process, or Dramatiq when ``redis_url`` is set)."""
        from engine.db import make_engine
        from engine.queue import make_queue
        from reelbot.migrate import ensure_database  # composition-root helper; imported lazily

        await asyncio.to_thread(ensure_database, settings)
        db = make_engine(settings.database_url)
        sessions = async_sessionmaker(db, expire_on_commit=False)
        if queue is None:
            queue = make_queue(
                database_url=settings.database_url,
                redis_url=settings.redis_url,
                engine_factory=None if settings.redis_url else _engine_factory(settings),
                options=settings.engine,
                limits=settings.limits,
                tiers=settings.tiers,
            )
        service = cls(settings, sessions, queue)
        await service.start()
        return service

    async def start(self) -> None:
        await self.queue.start()
        self._pump = asyncio.create_task(self.deliveries.pump(), name="reelbot-deliveries")
        if self.settings.credits.daily_free > 0:
            self.scheduler = BotScheduler(self.sessions, self.settings.credits)
            self.scheduler.start(catch_up=True)

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        await self.deliveries.close()
        await self.queue.close()

    # -- the outgoing stream ----------------------------------------------------------------------------------

    async def subscribe(self, platform: str) -> AsyncIterator[Outgoing]:
        """Messages from jobs for ``platform``; subscribing also re-sends what a restart left undelivered."""
        await self.deliveries.redeliver(platform)
        outbox = self._outboxes[platform]
        while True:
            yield await outbox.get()

    def pending(self, platform: str) -> int:
        """Messages published for ``platform`` and not yet taken by its subscriber."""
        return self._outboxes[platform].qsize()

    def publish(self, platform: str, out: Outgoing) -> None:
        self._outboxes[platform].put_nowait(out)

    # -- adapters' bookkeeping --------------------------------------------------------------------------------

    async def remember_message(self, platform: str, chat_id: str, message_id: str, clip_id: int) -> None:
        """A platform message now shows ``clip_id``: replies to it refer to that clip. Also confirms delivery."""
        async with self._tx() as session:
            clip = await session.get(Clip, clip_id)
            if clip is None:
                return
            exists = await clip_store.clip_for_message(session, platform, str(chat_id), str(message_id))
            if exists is None:
                session.add(
                    ClipMessage(platform=platform, chat_external_id=str(chat_id), message_id=str(message_id), clip_id=clip_id)
                )
            job_id = clip.job_id
        if job_id is not None:
            await self.queue.mark_delivered(job_id)

    async def remember_progress_message(self, platform: str, progress_key: str, chat_id: str, message_id: str) -> None:
        """The platform message showing ``progress_key`` (a job's board): edited in place even after a restart."""
        async with self._tx() as session:
            row = (await session.execute(select(ProgressMessage).where(
                ProgressMessage.platform == platform, ProgressMessage.progress_key == progress_key))).scalar_one_or_none()
            if row is None:
                session.add(ProgressMessage(platform=platform, progress_key=progress_key,
                                            chat_external_id=str(chat_id), message_id=str(message_id)))
            else:
                row.chat_external_id, row.message_id = str(chat_id), str(message_id)

    async def progress_message(self, platform: str, progress_key: str) -> str | None:
        async with self.sessions() as session:
            return (await session.execute(select(ProgressMessage.message_id).where(
                ProgressMessage.platform == platform, ProgressMessage.progress_key == progress_key))).scalar_one_or_none()

    async def forget_progress_message(self, platform: str, progress_key: str) -> None:
        """The board is final (done, failed, cancelled): nothing will edit it again."""
        async with self._tx() as session:
            await session.execute(delete(ProgressMessage).where(
                ProgressMessage.platform == platform, ProgressMessage.progress_key == progress_key))

    async def clip_for_message(self, platform: str, chat_id: str, message_id: str) -> int | None:
        async with self.sessions() as session:
            return await clip_store.clip_for_message(session, platform, str(chat_id), str(message_id))

    async def remember_file_id(self, clip_id: int, platform: str, file_id: str) -> None:
        async with self._tx() as session:
            clip = await session.get(Clip, clip_id)
            if clip is not None and clip.file_ids.get(platform) != file_id:
                clip.file_ids = {**clip.file_ids, platform: file_id}
                flag_modified(clip, "file_ids")

    # -- messages ---------------------------------------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Everything the user should see right now in answer to ``incoming``; never raises."""
        lang = language_of(incoming.text, incoming.language)
        try:
            return await self._handle(incoming, lang)
        except UserError as error:
            return [self._error_text(incoming.chat_id, error, lang)]
        except Exception:  # noqa: BLE001  (nothing reaches the user as a stack trace)
            log.exception("handling a message from %s failed", incoming.user_key)
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text=t("internal_error", lang))]

    async def _handle(self, incoming: Incoming, lang: str) -> list[Outgoing]:
        user, chat, is_new = await self._who_and_where(incoming, lang)
        if incoming.button is None and not incoming.text.strip() and not incoming.attachments:
            return []
        if not incoming.text.strip() and incoming.button is not None:
            lang = user.language or lang
        if user.blocked:
            return [self._text(incoming, t("blocked", lang))]
        admin = _ADMIN.match(incoming.text.strip()) if incoming.button is None else None
        if admin:
            return await self._admin(incoming, lang, admin.group(1).lower(), admin.group(2).strip())
        if chat.settings.get("disabled"):
            return []
        if is_new or _START.match(incoming.text.strip()):
            balance = await self.ledger.balance(user.id)
            welcome = [self._text(incoming, t("welcome", lang, name=incoming.user_name or "there", balance=balance))]
            rest = _START.sub("", incoming.text.strip()).strip()
            if incoming.button is not None:  # a newcomer's first act was a press: do it too
                return welcome + await self._button(incoming, user, chat, lang)
            if not rest and not incoming.attachments:
                return welcome
            incoming = _with_text(incoming, rest)
            return welcome + await self._understand(incoming, user, chat, lang)
        if incoming.button is not None:
            return await self._button(incoming, user, chat, lang)
        return await self._understand(incoming, user, chat, lang)

    async def _who_and_where(self, incoming: Incoming, lang: str) -> tuple[User, Chat, bool]:
        """The user and chat rows (created on first contact, with the welcome credits)."""
        async with self._tx() as session:
            is_new = await find_user(session, incoming.user_key) is None
            user = await get_or_create_user(
                session, incoming.platform, incoming.user_id, display_name=incoming.user_name, language=lang
            )
            chat = await _get_or_create_chat(session, incoming)
            if incoming.text.strip() and user.language != lang:
                user.language = lang
        if is_new and self.settings.credits.welcome:
            await self.ledger.grant(
                user.id, self.settings.credits.welcome, key=f"welcome:{user.id}", kind="welcome", reason="welcome"
            )
        return user, chat, is_new

    async def _understand(self, incoming: Incoming, user: User, chat: Chat, lang: str) -> list[Outgoing]:
        text = incoming.text.strip()
        if len(text) > self.settings.limits.max_prompt_chars:
            raise UserError("prompt_too_long", length=len(text), limit=self.settings.limits.max_prompt_chars)
        image = await self._accept_uploads(incoming, user, chat)
        if isinstance(image, Clip):  # an uploaded video is now the clip in focus
            incoming = _with_reply(incoming, image.id)
            if not text:
                return [self._text(incoming, t("ask_remix", lang, clip=image.id))]
        paged = _HISTORY_PAGE.match(text)
        if paged and not incoming.attachments:
            return await self._history(incoming, user, lang, Command(action="history", prompt=paged.group(1)))
        opened = _OPEN_CLIP.match(text)
        if opened and not incoming.attachments:
            return await self._open_clip(incoming, user, chat, lang, int(opened.group(1)))
        if text.lower().startswith("/reply"):
            match = re.match(r"^/reply(?:@\w+)?\s+#?(\d+)\s+(.*)$", text, re.S)
            if match:
                incoming = _with_reply(_with_text(incoming, match.group(2)), int(match.group(1)))
                text = incoming.text.strip()
        async with self._tx() as session:
            chat = await session.get(Chat, chat.id)
            pending = dialogue.take_pending(chat, user.id)
            has_draft = await dialogue.open_draft(session, chat, user.id) is not None
        if pending and text:
            return await self._answer_pending(incoming, user, chat, lang, pending)
        draft = dialogue.draft_command(text, has_draft=has_draft)
        if draft is not None:
            return await self._storyboard_draft(incoming, user, chat, lang, draft)
        has_focus = incoming.reply_to_clip_id is not None or chat.focus_clip_id is not None
        command = parse(
            text,
            has_focus=has_focus,
            has_image=isinstance(image, str),
            has_video=isinstance(image, Clip),
        )
        return await self._act(incoming, user, chat, lang, command, image=image if isinstance(image, str) else None)

    async def _act(
        self, incoming: Incoming, user: User, chat: Chat, lang: str, command: Command, *, image: str | None = None
    ) -> list[Outgoing]:
        action = command.action
        if action == "help":
            return [self._text(incoming, t("help", lang))]
        if action == "balance":
            return [self._text(incoming, t("balance", lang, balance=await self.ledger.balance(user.id)))]
        if action == "history":
            return await self._history(incoming, user, lang, command)
        if action == "settings":
            return await self._settings(incoming, user, lang, command)
        if action == "buy":
            return self._invoices(incoming, lang)
        if action == "cancel":
            return await self._cancel(incoming, user, lang)
        if action == "share":
            return await self._share(incoming, user, chat, lang, command.clips or ["current"])
        return await self._order(incoming, user, chat, lang, command, image=image)

    # -- video jobs -------------------------------------------------------------------------------------------

    async def _order(
        self, incoming: Incoming, user: User, chat: Chat, lang: str, command: Command, *, image: str | None
    ) -> list[Outgoing]:
        async with self.sessions() as session:
            refs = command.clips or (["current"] if command.action in ("remix", "recut", "extend", "loop") else [])
            if command.action == "loop" and not command.clips and incoming.reply_to_clip_id is None and chat.focus_clip_id is None:
                refs = []
            if command.action == "blend" and len(refs) == 1 and refs[0] != "current":
                refs = ["current", *refs]
            sources = [
                await clip_store.resolve_ref(session, ref, user_id=user.id, chat=chat, reply_to=incoming.reply_to_clip_id)
                for ref in refs
            ]
        order = build_order(command, defaults=user.defaults, clips=sources, image_path=image)
        price = quote(order.spec, self.settings.pricing)
        if price > self.settings.pricing.confirm_above:
            return await self._ask_confirmation(incoming, user, chat, lang, order, price)
        return await self._submit(incoming, user, lang, order, price)

    async def _submit(self, incoming: Incoming, user: User, lang: str, order: Order, price: int) -> list[Outgoing]:
        """Reserve the credits, then queue; a refused queue gives the credits straight back."""
        reservation = f"job:{incoming.platform}:{incoming.chat_id}:{_nonce()}"
        await self.ledger.reserve(user.id, price, key=reservation)
        what = describe_job(order.op, order.prompt, _settings_dict(order), lang)
        meta = {
            "platform": incoming.platform,
            "chat_id": incoming.chat_id,
            "user_id": user.id,
            "user_key": incoming.user_key,
            "user_name": incoming.user_name,
            "lang": lang,
            "reservation": reservation,
            "cost": price,
            "prompt": order.prompt,
            "parents": order.parents,
            "what": what,
            "reply_to_message_id": incoming.message_id,
        }
        if incoming.upload_limit:
            meta["max_bytes"] = incoming.upload_limit  # the worker encodes to fit (engine.media.encode_mp4)
        try:
            job = await self.queue.submit(order.spec, owner=str(user.id), tier=user.tier, meta=meta)
        except QueueFull as full:
            await self.ledger.refund(reservation)
            raise UserError("queue_full", limit=full.limit) from None
        except Exception:
            await self.ledger.refund(reservation)
            raise
        position = await self.queue.position(job.id)
        self.deliveries.note_sent(f"job:{job.id}")
        return [
            Outgoing(
                kind="progress",
                chat_id=incoming.chat_id,
                progress_key=f"job:{job.id}",
                text=progress_text(stage="queued", what=what, lang=lang, position=position),
                reply_to_message_id=incoming.message_id,
            )
        ]

    async def _ask_confirmation(
        self, incoming: Incoming, user: User, chat: Chat, lang: str, order: Order, price: int
    ) -> list[Outgoing]:
        balance = await self.ledger.balance(user.id)
        payload = {"user": user.id, "spec": order.spec.model_dump(mode="json"), "prompt": order.prompt, "parents": order.parents}
        async with self._tx() as session:
            chat = await session.get(Chat, chat.id)
            token = dialogue.store_confirmation(chat, payload)
        what = describe_job(order.op, order.prompt, _settings_dict(order), lang)
        return [
            Outgoing(
                kind="text",
                chat_id=incoming.chat_id,
                text=t("confirm", lang, what=what, price=price, balance=balance),
                buttons=confirm_buttons(token, lang),
            )
        ]

    # -- buttons and awaited answers --------------------------------------------------------------------------

    async def _button(self, incoming: Incoming, user: User, chat: Chat, lang: str) -> list[Outgoing]:
        action, _, argument = (incoming.button or "").partition(":")
        if action in ("yes", "cheaper", "no"):
            return await self._confirmation(incoming, user, chat, lang, action, argument)
        if action == "buy":
            return self._invoices(incoming, lang, only=argument)
        if action == "cancel":
            return await self._cancel(incoming, user, lang, job_id=int(argument) if argument.isdigit() else None)
        if not argument.isdigit():
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=t("expired", lang))]
        clip_id = int(argument)
        async with self.sessions() as session:
            clip = await session.get(Clip, clip_id)
        if clip is None:
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=t("expired", lang))]
        if clip.user_id != user.id and not (clip.public and action in ("remix", "recut", "extend", "loop", "var")):
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=t("not_yours_toast", lang))]
        incoming = _with_reply(incoming, clip_id)
        if action in ("remix", "recut") and not incoming.text.strip():
            async with self._tx() as session:
                chat = await session.get(Chat, chat.id)
                dialogue.set_pending(chat, user.id, action, clip_id)
            return [self._text(incoming, t("ask_" + action, lang, clip=clip_id))]
        if action == "share":
            return await self._share(incoming, user, chat, lang, [f"#{clip_id}"])
        if action == "var":
            command = Command(action="generate", prompt=clip.prompt or "", variations=2)
            defaults = {k: clip.settings[k] for k in ("aspect", "resolution", "duration_s") if k in clip.settings}
            user = user.model_copy(update={"defaults": {**user.defaults, **defaults}})
            return await self._order(incoming, user, chat, lang, command, image=None)
        if action in ("remix", "recut"):
            pending = {"action": action, "clip": clip_id}
            return await self._answer_pending(incoming, user, chat, lang, pending)
        if action in ("extend", "loop"):
            return await self._order(incoming, user, chat, lang, Command(action=action, clips=[f"#{clip_id}"]), image=None)
        return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=t("expired", lang))]

    async def _answer_pending(
        self, incoming: Incoming, user: User, chat: Chat, lang: str, pending: dict
    ) -> list[Outgoing]:
        """The user's message completes a pressed Remix / Re-cut button."""
        command = parse(incoming.text, has_focus=True)
        ref = [f"#{pending['clip']}"]
        if pending["action"] == "recut":
            command = command.model_copy(update={"action": "recut", "clips": ref})
        else:
            prompt = command.prompt if command.action in ("remix", "generate") and command.prompt else incoming.text.strip()
            command = command.model_copy(update={"action": "remix", "clips": ref, "prompt": prompt})
        return await self._order(_with_reply(incoming, pending["clip"]), user, chat, lang, command, image=None)

    async def _confirmation(
        self, incoming: Incoming, user: User, chat: Chat, lang: str, answer: str, token: str
    ) -> list[Outgoing]:
        async with self._tx() as session:
            chat = await session.get(Chat, chat.id)
            payload = dialogue.take_confirmation(chat, token)
        if payload is None or payload["user"] != user.id:
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=t("expired", lang))]
        if answer == "no":
            return [self._text(incoming, t("cancelled_confirm", lang))]
        order = Order(spec=parse_spec(payload["spec"]), prompt=payload["prompt"], parents=payload["parents"])
        if answer == "cheaper":
            order = cheaper(order)
        price = quote(order.spec, self.settings.pricing)
        return await self._submit(incoming, user, lang, order, price)

    # -- everything else ---------------------------------------------------------------------------------------

    async def _accept_uploads(self, incoming: Incoming, user: User, chat: Chat) -> str | Clip | None:
        """A valid photo -> its path (to animate); a valid video -> a Clip row in focus; bad files -> UserError."""
        for attachment in incoming.attachments:
            checked = await asyncio.to_thread(check_upload, attachment, self.settings.limits)
            if attachment.kind == "image":
                return checked.path
            if attachment.kind == "video":
                async with self._tx() as session:
                    clip = Clip(
                        user_id=user.id,
                        op="upload",
                        prompt="",
                        settings={"aspect": checked.aspect, "resolution": checked.resolution, "duration_s": checked.duration_s},
                        path=checked.path,
                        width=checked.width,
                        height=checked.height,
                        duration_s=checked.duration_s,
                        fps=checked.fps,
                        size_bytes=checked.size_bytes,
                    )
                    session.add(clip)
                    await session.flush()
                    db_chat = await session.get(Chat, chat.id)
                    db_chat.focus_clip_id = clip.id
                return clip
        return None

    async def _open_clip(self, incoming: Incoming, user: User, chat: Chat, lang: str, clip_id: int) -> list[Outgoing]:
        """``#12`` alone re-sends clip 12 (by platform file id when known) and puts it in focus."""
        async with self._tx() as session:
            db_chat = await session.get(Chat, chat.id)
            clip = await clip_store.resolve_ref(session, f"#{clip_id}", user_id=user.id, chat=db_chat, reply_to=None)
            db_chat.focus_clip_id = clip.id
        return [self.clip_message(incoming.chat_id, clip, lang)]

    def clip_message(self, chat_id: str, clip: Clip, lang: str, *, author: str | None = None) -> Outgoing:
        caption = clip_caption(
            clip_id=clip.id, op=clip.op, prompt=clip.prompt, settings=clip.settings, cost=clip.cost, lang=lang,
            parent=clip.parent_clip_id,
        )
        if author:
            caption = t("showcase_post", lang, clip=clip.id, author=author, prompt=clip.prompt) + "\n" + caption
        return Outgoing(
            kind="clip",
            chat_id=chat_id,
            text=caption,
            buttons=clip_buttons(clip.id, lang),
            clip_id=clip.id,
            clip_path=clip.path,
            thumbnail_path=clip.thumbnail_path,
            width=clip.width,
            height=clip.height,
            duration_s=clip.duration_s,
            file_ids=dict(clip.file_ids),
        )

    async def _history(self, incoming: Incoming, user: User, lang: str, command: Command) -> list[Outgoing]:
        digits = re.findall(r"\d+", command.prompt or "")
        page = int(digits[0]) if digits and len(digits[0]) < 6 else 1
        async with self.sessions() as session:
            rows, more = await clip_store.history_page(session, user.id, page)
        if not rows:
            return [self._text(incoming, t("history_empty", lang))]
        lines = [t("history_header", lang, page=page)]
        for clip in rows:
            line = f"#{clip.id} \u00b7 {describe_job(clip.op, clip.prompt, clip.settings, lang, limit=60)}"
            if clip.parent_clip_id:
                line += " \u00b7 " + t("lineage", lang, op=op_name(clip.op, lang), parent=clip.parent_clip_id)
            lines.append(line)
        if more:
            lines.append(t("history_more", lang, next=page + 1))
        return [self._text(incoming, "\n".join(lines))]

    async def _settings(self, incoming: Incoming, user: User, lang: str, command: Command) -> list[Outgoing]:
        changes = {
            key: value
            for key, value in (
                ("aspect", command.aspect),
                ("resolution", command.resolution),
                ("duration_s", command.duration),
                ("variations", command.variations),
            )
            if value is not None
        }
        async with self._tx() as session:
            db_user = await session.get(User, user.id)
            if changes:
                db_user.defaults = {**db_user.defaults, **changes}
                flag_modified(db_user, "defaults")
            shown = describe_settings({"aspect": "16:9", "resolution": "480p", "duration_s": 5, **db_user.defaults})
        key = "settings_saved" if changes else "settings_show"
        return [self._text(incoming, t(key, lang, settings=shown))]

    def _invoices(self, incoming: Incoming, lang: str, only: str = "") -> list[Outgoing]:
        packs = [pack for pack in self.settings.credits.packs if not only or pack.id == only]
        intro = [self._text(incoming, t("buy_intro", lang))] if not only else []
        return intro + [
            Outgoing(
                kind="invoice", chat_id=incoming.chat_id, pack_id=pack.id, title=pack.title, price=pack.stars,
                credits=pack.credits, text=pack.title,
            )
            for pack in packs
        ]

    async def _cancel(self, incoming: Incoming, user: User, lang: str, job_id: int | None = None) -> list[Outgoing]:
        """Cancel the given job, else the user's newest waiting or running one; the refund comes with the event."""
        target = await self._latest_active_job(user.id) if job_id is None else await self.queue.get(job_id)
        if target is None or target.owner != str(user.id) or not await self.queue.cancel(target.id):
            return [self._text(incoming, t("nothing_to_cancel", lang))]
        return []

    async def _latest_active_job(self, user_id: int) -> Any:
        async with self.sessions() as session:
            statement = (
                select(Job)
                .where(Job.owner == str(user_id), Job.status.in_((QUEUED, RUNNING)))
                .order_by(Job.id.desc())
            )
            return (await session.execute(statement)).scalars().first()

    async def _share(self, incoming: Incoming, user: User, chat: Chat, lang: str, refs: list[str]) -> list[Outgoing]:
        async with self._tx() as session:
            db_chat = await session.get(Chat, chat.id)
            clip = await clip_store.resolve_ref(
                session, refs[0], user_id=user.id, chat=db_chat, reply_to=incoming.reply_to_clip_id
            )
            if clip.user_id != user.id:
                raise UserError("not_your_clip", ref=f"#{clip.id}")
            clip.public = True
        author = incoming.user_name or incoming.user_key
        for channel in self.settings.showcase_channels:
            platform, _, channel_id = channel.partition(":")
            self.publish(platform, self.clip_message(channel_id, clip, lang, author=author))
        return [self._text(incoming, t("shared", lang, clip=clip.id))]

    async def _storyboard_draft(
        self, incoming: Incoming, user: User, chat: Chat, lang: str, draft: dialogue.DraftCommand
    ) -> list[Outgoing]:
        async with self._tx() as session:
            db_chat = await session.get(Chat, chat.id)
            board = await dialogue.open_draft(session, db_chat, user.id)
            if draft.kind == "add":
                board = await dialogue.add_card(session, db_chat, user.id, draft.at, draft.prompt)
                return [self._text(incoming, t("storyboard_added", lang, at=f"{draft.at:g}", count=len(board.cards)))]
            if board is None or not board.cards:
                return [self._text(incoming, t("storyboard_empty", lang))]
            if draft.kind == "show":
                lines = "\n".join(f"{card['at']:g}s: {card['prompt']}" for card in board.cards)
                return [self._text(incoming, t("storyboard_show", lang, cards=lines))]
            if draft.kind == "clear":
                board.status = "discarded"
                return [self._text(incoming, t("storyboard_cleared", lang))]
            cards = [CardSpec(at=card["at"], prompt=card["prompt"]) for card in board.cards]
        command = Command(action="storyboard", cards=cards)
        replies = await self._order(incoming, user, chat, lang, command, image=None)
        async with self._tx() as session:
            board = await session.get(type(board), board.id)
            board.status = "rendered"
        return replies

    # -- admins and payments -----------------------------------------------------------------------------------

    def is_admin(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.settings.admins

    async def _admin(self, incoming: Incoming, lang: str, verb: str, args: str) -> list[Outgoing]:
        chat_rule = verb in ("disable", "enable") and incoming.is_chat_admin
        if not self.is_admin(incoming.platform, incoming.user_id) and not chat_rule:
            return [self._text(incoming, t("admin_only", lang))]
        if verb in ("disable", "enable"):
            async with self._tx() as session:
                chat = await _get_or_create_chat(session, incoming)
                chat.settings = {**chat.settings, "disabled": verb == "disable"}
                flag_modified(chat, "settings")
            return [self._text(incoming, "OK")]
        if verb == "refund":
            return await self.refund_payment(incoming.platform, incoming.user_id, args, chat_id=incoming.chat_id)
        parts = args.split(maxsplit=2)
        if not parts:
            return [self._text(incoming, t("unknown_user", lang, user="?"))]
        async with self._tx() as session:
            target = await find_user(session, parts[0])
            if target is None:
                return [self._text(incoming, t("unknown_user", lang, user=parts[0]))]
            if verb in ("block", "unblock"):
                target.blocked = verb == "block"
                return [self._text(incoming, t("user_blocked", lang, user=parts[0]) if target.blocked else "OK")]
        if len(parts) < 2 or not parts[1].lstrip("-").isdigit():
            return [self._text(incoming, "/grant USER AMOUNT [reason]")]
        amount = int(parts[1])
        balance = await self.ledger.grant(
            target.id, amount, key=f"admin:{incoming.user_key}:{incoming.message_id or _nonce()}", kind="admin",
            reason=parts[2] if len(parts) > 2 else f"granted by {incoming.user_key}",
        )
        return [self._text(incoming, t("granted", lang, amount=amount, user=parts[0], balance=balance))]

    async def precheckout(self, platform: str, user_id: str, pack_id: str, language: str | None = None) -> str | None:
        """Answer a payment's last check fast (never behind the GPU queue): ``None`` means go ahead."""
        lang = language_of("", language)
        if not any(pack.id == pack_id for pack in self.settings.credits.packs):
            return t("payment_unknown_pack", lang)
        async with self.sessions() as session:
            user = await find_user(session, user_key(platform, user_id))
        if user is not None and user.blocked:
            return t("blocked", lang)
        return None

    async def payment_received(
        self, platform: str, chat_id: str, user_id: str, charge_id: str, pack_id: str, amount: int, currency: str,
        language: str | None = None,
    ) -> list[Outgoing]:
        """Credit a pack once per provider charge id, however often the platform repeats the update."""
        lang = language_of("", language)
        pack = next((p for p in self.settings.credits.packs if p.id == pack_id), None)
        if pack is None:
            log.error("payment %s for unknown pack %s", charge_id, pack_id)
            return [Outgoing(kind="text", chat_id=chat_id, text=t("payment_unknown_pack", lang))]
        async with self._tx() as session:
            user = await get_or_create_user(session, platform, user_id)
            seen = await _payment(session, charge_id)
            if seen is None:
                session.add(
                    Payment(
                        user_id=user.id, provider=platform, charge_id=charge_id, pack_id=pack.id, credits=pack.credits,
                        amount=amount, currency=currency,
                    )
                )
        if seen is not None:
            return []
        balance = await self.ledger.grant(
            user.id, pack.credits, key=f"payment:{charge_id}", kind="purchase", reason=f"{pack.id} via {platform}"
        )
        return [Outgoing(kind="text", chat_id=chat_id, text=t("payment_thanks", lang, credits=pack.credits, balance=balance))]

    async def payment_payer(self, platform: str, admin_user_id: str, charge_id: str) -> str | None:
        """For an admin: the payer's platform id of a refundable payment (the platform refunds it first)."""
        if not self.is_admin(platform, admin_user_id):
            return None
        async with self.sessions() as session:
            payment = await _payment(session, charge_id.strip())
            if payment is None or payment.status == "refunded" or payment.provider != platform:
                return None
            statement = select(PlatformIdentity.external_id).where(
                PlatformIdentity.user_id == payment.user_id, PlatformIdentity.platform == platform
            )
            return (await session.execute(statement)).scalars().first()

    async def refund_payment(
        self, platform: str, admin_user_id: str, charge_id: str, *, chat_id: str = ""
    ) -> list[Outgoing]:
        """Admins only: mark a payment refunded and take its credits back (as far as the balance allows)."""
        lang = "en"
        if not self.is_admin(platform, admin_user_id):
            return [Outgoing(kind="text", chat_id=chat_id, text=t("admin_only", lang))]
        async with self._tx() as session:
            payment = await _payment(session, charge_id.strip())
            if payment is None or payment.status == "refunded":
                return [Outgoing(kind="text", chat_id=chat_id, text=t("invalid_request", lang, reason="no such payment"))]
            payment.status = "refunded"
            payment.refunded_at = utcnow()
            owner, credits = payment.user_id, payment.credits
        taken = await self.ledger.take_back(owner, credits, key=f"payment-refund:{charge_id}", reason="payment refunded")
        return [Outgoing(kind="text", chat_id=chat_id, text=t("refunded_payment", lang, credits=taken))]

    # -- helpers -----------------------------------------------------------------------------------------------

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        """A short write transaction; keep them short: SQLite serialises writers."""
        async with self.sessions() as session:
            async with session.begin():
                yield session

    def _text(self, incoming: Incoming, text: str) -> Outgoing:
        return Outgoing(kind="text", chat_id=incoming.chat_id, text=text, reply_to_message_id=incoming.message_id)

    def _error_text(self, chat_id: str, error: UserError, lang: str) -> Outgoing:
        if isinstance(error, InsufficientCredits):
            return Outgoing(kind="text", chat_id=chat_id, text=t("insufficient_credits", lang, **error.params))
        params = dict(error.params)
        if "reason_code" in params:
            params["reason"] = reason(params.pop("reason_code"), lang)
        try:
            text = t(error.code, lang, **params)
        except (KeyError, IndexError):
            text = t("invalid_request", lang, reason=error.code)
        return Outgoing(kind="text", chat_id=chat_id, text=text)


def _engine_factory(settings: Any):
    """Loads the pipeline on the worker thread when the first job arrives (local mode only)."""

    def load() -> Any:
        from engine.runner import Engine

        return Engine.load(
            settings.model, device=settings.device, options=settings.engine, media_dir=settings.media_dir,
            limits=settings.limits,
        )

    return load


async def _get_or_create_chat(session: AsyncSession, incoming: Incoming) -> Chat:
    statement = select(Chat).where(Chat.platform == incoming.platform, Chat.external_id == str(incoming.chat_id))
    chat = (await session.execute(statement)).scalars().first()
    if chat is None:
        chat = Chat(platform=incoming.platform, external_id=str(incoming.chat_id), is_group=incoming.is_group)
        session.add(chat)
        await session.flush()
    return chat


async def _payment(session: AsyncSession, charge_id: str) -> Payment | None:
    return (await session.execute(select(Payment).where(Payment.charge_id == charge_id))).scalars().first()


def _settings_dict(order: Order) -> dict:
    return order.spec.settings.model_dump()


def _nonce() -> str:
    return secrets.token_hex(8)


def _with_text(incoming: Incoming, text: str) -> Incoming:
    return replace(incoming, text=text)


def _with_reply(incoming: Incoming, clip_id: int) -> Incoming:
    return replace(incoming, reply_to_clip_id=clip_id)


__all__ = ["BotService"]
