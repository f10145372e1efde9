"""Video jobs: order (what the message asks for, validated) -> quote -> confirm when dear -> reserve -> queue.

Also the buttons under clips (remix, re-cut, extend, loop, more versions), answers to a pressed button's
question, and cancelling. Validate, then mutate: the order is built and checked before credits are reserved,
and a queue that refuses the job gives the credits straight back.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import select

from bot import clips as clip_store
from bot import dialogue
from bot.commands import Command
from bot.credits import Ledger, quote
from bot.database import Sessions, transaction
from bot.deliveries import Deliveries
from bot.errors import UserError
from bot.i18n import t
from bot.intents import parse
from bot.job_context import JobContext, board_key
from bot.messages import Outgoing
from bot.models import Chat, Clip
from bot.moderation import Moderator
from bot.orders import Order, build_order, cheaper
from bot.presenters import confirm_buttons, describe_job, progress_text
from bot.retention import rerender_spec
from bot.turn import Turn
from engine.queue.errors import QueueFull
from engine.queue.models import QUEUED, RUNNING, Job
from engine.specs import parse_spec

#: Operations that work on the clip in focus when the message names none.
ON_FOCUS = ("remix", "recut", "extend", "loop")
#: Clip buttons that others may press on a shared clip.
SHARED_ACTIONS = ("remix", "recut", "extend", "loop", "var")

Share = Callable[[Turn, list[str]], Awaitable[list[Outgoing]]]


class Jobs:
    def __init__(self, config: Any, sessions: Sessions, ledger: Ledger, queue: Any, deliveries: Deliveries,
                 share: Share) -> None:
        self._config = config
        self._sessions = sessions
        self._ledger = ledger
        self._queue = queue
        self._deliveries = deliveries
        self._share = share
        self._moderator = Moderator(config.moderation)

    async def order(self, turn: Turn, command: Command, *, image: str | None = None) -> list[Outgoing]:
        """Build the job ``command`` asks for; submit it, or ask first when it costs more than the threshold."""
        said = " \n".join([command.prompt or "", *(card.prompt for card in command.cards or [])])
        await self._moderator.check(said, platform=turn.incoming.platform, user_key=turn.incoming.user_key)
        refs = command.clips or (["current"] if command.action in ON_FOCUS else [])
        if command.action == "loop" and not command.clips and turn.focus_clip_id is None:
            refs = []  # "loop a candle flame": a new looping clip
        if command.action == "blend" and len(refs) == 1 and refs[0] != "current":
            refs = ["current", *refs]
        async with self._sessions() as session:
            sources = [
                await clip_store.resolve_ref(session, ref, user_id=turn.user.id, chat=turn.chat,
                                             reply_to=turn.incoming.reply_to_clip_id)
                for ref in refs
            ]
        order = build_order(command, defaults=turn.user.defaults, clips=sources, image_path=image)
        return await self.place(turn, order, checked=True)

    async def place(self, turn: Turn, order: Order, *, confirm: bool = True, checked: bool = False) -> list[Outgoing]:
        """Moderate (unless ``checked``), quote, then ask first above the threshold (unless the user already saw
        the price: ``confirm=False``) or submit. For jobs built elsewhere too, such as a storyboard draft."""
        if not checked:
            said = " \n".join([order.prompt, *(card.prompt for card in getattr(order.spec, "cards", []))])
            await self._moderator.check(said, platform=turn.incoming.platform, user_key=turn.incoming.user_key)
        price = quote(order.spec, self._config.pricing)
        if confirm and price > self._config.pricing.confirm_above:
            return await self._ask_confirmation(turn, order, price)
        return await self.submit(turn, order, price)

    async def submit(self, turn: Turn, order: Order, price: int) -> list[Outgoing]:
        """Reserve the credits, then queue; the answer is the job's progress board (queue position)."""
        incoming = turn.incoming
        reservation = f"job:{incoming.platform}:{incoming.chat_id}:{secrets.token_hex(8)}"
        await self._ledger.reserve(turn.user.id, price, key=reservation)
        what = describe_job(order.op, order.prompt, order.clip_settings, turn.lang)
        context = JobContext(
            platform=incoming.platform, chat_id=incoming.chat_id, user_id=turn.user.id, user_key=incoming.user_key,
            user_name=incoming.user_name, lang=turn.lang, reservation=reservation, cost=price, prompt=order.prompt,
            parents=order.parents, what=what, op=order.op, clip_settings=order.clip_settings,
            reply_to_message_id=incoming.message_id, max_bytes=incoming.upload_limit or None,
        )
        try:
            job = await self._queue.submit(order.spec, owner=str(turn.user.id), tier=turn.user.tier,
                                           meta=context.to_meta())
        except QueueFull as full:
            await self._ledger.refund(reservation)
            raise UserError("queue_full", limit=full.limit) from None
        except Exception:
            await self._ledger.refund(reservation)
            raise
        self._deliveries.submitted(job.id, context)
        position = await self._queue.position(job.id)
        return [Outgoing(kind="progress", chat_id=incoming.chat_id, progress_key=board_key(job.id),
                         text=progress_text(stage="queued", what=what, lang=turn.lang, position=position),
                         reply_to_message_id=incoming.message_id)]

    async def _ask_confirmation(self, turn: Turn, order: Order, price: int) -> list[Outgoing]:
        balance = await self._ledger.balance(turn.user.id)
        payload = {"user": turn.user.id, "spec": order.spec.model_dump(mode="json"), "prompt": order.prompt,
                   "parents": order.parents}
        async with transaction(self._sessions) as session:
            token = dialogue.store_confirmation(await session.get(Chat, turn.chat.id), payload)
        what = describe_job(order.op, order.prompt, order.clip_settings, turn.lang)
        return [Outgoing(kind="text", chat_id=turn.chat_id, buttons=confirm_buttons(token, turn.lang),
                         text=t("confirm", turn.lang, what=what, price=price, balance=balance))]

    async def confirmation(self, turn: Turn, answer: str, token: str) -> list[Outgoing]:
        """Yes, Cheaper or No under a quote."""
        async with transaction(self._sessions) as session:
            payload = dialogue.take_confirmation(await session.get(Chat, turn.chat.id), token)
        if payload is None or payload["user"] != turn.user.id:
            return [turn.toast(t("expired", turn.lang))]
        if answer == "no":
            return [turn.say(t("cancelled_confirm", turn.lang))]
        order = Order(spec=parse_spec(payload["spec"]), prompt=payload["prompt"], parents=payload["parents"])
        if answer == "cheaper":
            order = cheaper(order)
        return await self.submit(turn, order, quote(order.spec, self._config.pricing))

    async def clip_button(self, turn: Turn, action: str, argument: str) -> list[Outgoing]:
        """A button under a clip: others may use a shared clip, but only its owner shares it."""
        clip = None
        if argument.isdigit():
            async with self._sessions() as session:
                clip = await session.get(Clip, int(argument))
        if clip is None:
            return [turn.toast(t("expired", turn.lang))]
        if clip.user_id != turn.user.id and not (clip.public and action in SHARED_ACTIONS):
            return [turn.toast(t("not_yours_toast", turn.lang))]
        turn = turn.about_clip(clip.id)
        if action in ("remix", "recut") and not turn.text:
            async with transaction(self._sessions) as session:
                dialogue.set_pending(await session.get(Chat, turn.chat.id), turn.user.id, action, clip.id)
            return [turn.ask(t("ask_" + action, turn.lang, clip=clip.id), about=f"{action}:{clip.id}")]
        if action == "share":
            return await self._share(turn, [f"#{clip.id}"])
        if action == "var":
            shape = {k: clip.settings[k] for k in ("aspect", "resolution", "duration_s") if k in clip.settings}
            turn = turn.as_user(turn.user.model_copy(update={"defaults": {**turn.user.defaults, **shape}}))
            return await self.order(turn, Command(action="generate", prompt=clip.prompt or "", variations=2))
        if action in ("remix", "recut"):
            return await self.answer_pending(turn, {"action": action, "clip": clip.id})
        if action in ("extend", "loop"):
            return await self.order(turn, Command(action=action, clips=[f"#{clip.id}"]))
        if action == "rerender":  # an expired clip, made again from its recipe with its own seed
            async with self._sessions() as session:
                spec = await rerender_spec(session, clip)
            parents = [p for p in (clip.parent_clip_id, clip.parent_b_clip_id) if p is not None]
            return await self.submit(turn, Order(spec=spec, prompt=clip.prompt, parents=parents),
                                     quote(spec, self._config.pricing))
        return [turn.toast(t("expired", turn.lang))]

    async def answer_pending(self, turn: Turn, pending: dict) -> list[Outgoing]:
        """The user's message completes a pressed Remix / Re-cut button."""
        command = parse(turn.incoming.text, has_focus=True)
        ref = [f"#{pending['clip']}"]
        if pending["action"] == "recut":
            command = command.model_copy(update={"action": "recut", "clips": ref})
        else:
            prompt = command.prompt if command.action in ("remix", "generate") and command.prompt else turn.text
            command = command.model_copy(update={"action": "remix", "clips": ref, "prompt": prompt})
        return await self.order(turn.about_clip(pending["clip"]), command)

    async def cancel(self, turn: Turn, job_id: int | None = None) -> list[Outgoing]:
        """Cancel the given job, else the user's newest waiting or running one; the refund comes with the event."""
        target = await self._latest_active_job(turn.user.id) if job_id is None else await self._queue.get(job_id)
        if target is None or target.owner != str(turn.user.id) or not await self._queue.cancel(target.id):
            return [turn.say(t("nothing_to_cancel", turn.lang))]
        return []

    async def _latest_active_job(self, user_id: int) -> Any:
        async with self._sessions() as session:
            statement = (select(Job).where(Job.owner == str(user_id), Job.status.in_((QUEUED, RUNNING)))
                         .order_by(Job.id.desc()))
            return (await session.execute(statement)).scalars().first()
