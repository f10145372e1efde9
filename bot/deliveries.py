"""From job events to what users see: progress edits, delivered clips (recorded, charged) and failures (refunded).

Every outcome is idempotent: clips are recorded once per job, the ledger settles or refunds once per
reservation, so a job seen twice (an event and, after a restart, the undelivered scan) never charges twice.
Its collaborators are narrow on purpose: the queue's events, the ledger, the clip tables and the outbox.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select

from bot import clips as clip_store
from bot.credits import Ledger
from bot.database import Sessions, transaction
from bot.i18n import button_label, reason, t
from bot.job_context import JobContext, board_key
from bot.messages import Button, Outgoing
from bot.models import Chat, Clip, User
from bot.outbox import Outbox
from bot.pacer import ProgressPacer
from bot.presenters import clip_message, progress_text
from bot.shown import ShownMessages
from engine.events import JobEvent, RenderedClip

log = logging.getLogger(__name__)

_RUNNING_STAGES = ("queued", "loading", "denoising", "decoding", "encoding", "uploading")


class Deliveries:
    """Consumes the queue's events: paces progress, records clips, settles or refunds, publishes the result."""

    def __init__(self, queue: Any, ledger: Ledger, sessions: Sessions, outbox: Outbox, shown: ShownMessages) -> None:
        self._queue = queue
        self._ledger = ledger
        self._sessions = sessions
        self._outbox = outbox
        self._shown = shown
        self.pacer = ProgressPacer(outbox.publish)
        self._contexts: dict[int, JobContext | None] = {}
        #: Jobs whose outcome this process already published (the restart scan skips them).
        self._published: set[int] = set()

    def submitted(self, job_id: int, context: JobContext) -> None:
        """A job the bot just queued; its queued reply is the board's first view."""
        self._contexts[job_id] = context
        self.pacer.shown(board_key(job_id))

    async def pump(self) -> None:
        async for event in self._queue.events():
            try:
                await self.on_event(event)
            except Exception:  # noqa: BLE001  (one bad event must not stop deliveries)
                log.exception("delivering event %s of job %s failed", event.stage, event.job_id)

    def close(self) -> None:
        self.pacer.close()

    async def on_event(self, event: JobEvent) -> None:
        context, job = await self._context(event.job_id)
        if context is None:
            return
        if event.stage in _RUNNING_STAGES:
            await self._progress(event, context)
        elif event.stage == "done":
            if event.clips:
                await self._succeeded(event.job_id, context, list(event.clips))
            else:
                job = job or await self._queue.get(event.job_id)
                await self._succeeded(event.job_id, context, _rendered(job))
        elif event.stage in ("failed", "cancelled"):
            await self._ended(event.job_id, context, event.stage, event.error_code)

    async def redeliver(self, platform: str) -> None:
        """Publish the outcome of every finished job of ``platform`` that never reached its user: after a restart,
        or rendered by another local process (the subscription rescans every few seconds)."""
        for job in await self._queue.undelivered():
            context = JobContext.of(job)
            if context is None or context.platform != platform or job.id in self._published:
                continue
            try:
                if job.status == "succeeded":
                    await self._succeeded(job.id, context, _rendered(job))
                else:
                    await self._ended(job.id, context, job.status, job.error_code)
            except Exception:  # noqa: BLE001
                log.exception("re-delivering job %s failed", job.id)

    async def _context(self, job_id: int) -> tuple[JobContext | None, Any]:
        """The job's context, read from its row only the first time this process hears of it."""
        if job_id in self._contexts:
            return self._contexts[job_id], None
        job = await self._queue.get(job_id)
        context = JobContext.of(job) if job is not None else None
        self._contexts[job_id] = context
        return context, job

    async def _progress(self, event: JobEvent, context: JobContext) -> None:
        key = board_key(event.job_id)
        out = Outgoing(
            kind="progress",
            chat_id=context.chat_id,
            progress_key=key,
            edit_message_id=await self._shown.progress_message(context.platform, key),
            progress=event.progress if event.stage != "queued" else None,
            text=progress_text(stage=event.stage, what=context.what, lang=context.lang, position=event.position,
                               fraction=event.progress, eta_s=event.eta_s),
            buttons=(Button(label=button_label("cancel", context.lang), payload=f"cancel:{event.job_id}"),),
        )
        self.pacer.update(context.platform, out)

    async def _final_progress(self, job_id: int, context: JobContext, text: str) -> None:
        """The board's last words; then its message is forgotten (nothing edits it again)."""
        self._contexts.pop(job_id, None)
        key = board_key(job_id)
        edits = await self._shown.progress_message(context.platform, key)
        self.pacer.final(context.platform, Outgoing(kind="progress", chat_id=context.chat_id, progress_key=key,
                                                    edit_message_id=edits, text=text, progress=1.0, done=True))
        await self._shown.forget_progress_message(context.platform, key)

    async def _succeeded(self, job_id: int, context: JobContext, rendered: list[RenderedClip]) -> None:
        if not rendered:
            await self._ended(job_id, context, "failed", "no_output")
            return
        if job_id in self._published:  # the event and a rescan may both see it: the first one delivers
            return
        self._published.add(job_id)
        try:
            clips = await self._record_clips(job_id, context, rendered)
            await self._ledger.settle(context.reservation, delivered=len(clips),
                                      total=max(context.variations, len(clips)))
        except BaseException:
            self._published.discard(job_id)  # not shown: the next rescan tries again
            raise
        await self._final_progress(job_id, context, t("done", context.lang, what=context.what))
        for clip in clips:
            self._outbox.publish(context.platform, clip_message(context.chat_id, clip, context.lang))

    async def _record_clips(self, job_id: int, context: JobContext, rendered: list[RenderedClip]) -> list[Clip]:
        """Clip rows for a job's files, created once; the chat's focus moves to the newest."""
        parents = context.parents
        async with transaction(self._sessions) as session:
            clips = await clip_store.clips_of_job(session, job_id)
            if not clips:
                settings = dict(context.clip_settings)
                credit = await _parent_author(session, parents[0] if parents else None, context.user_id)
                if credit:
                    settings["credit"] = credit
                for index, item in enumerate(rendered):
                    clip = Clip(
                        user_id=context.user_id, job_id=job_id, variation=index, op=context.op, prompt=context.prompt,
                        settings=settings, path=item.path, thumbnail_path=item.thumbnail_path,
                        size_bytes=item.size_bytes, width=item.width, height=item.height, duration_s=item.duration_s,
                        fps=item.fps, has_audio=item.has_audio, model_prompt=item.prompt, seed=item.seed,
                        cost=context.cost // context.variations,
                        parent_clip_id=parents[0] if parents else None,
                        parent_b_clip_id=parents[1] if len(parents) > 1 else None,
                    )
                    session.add(clip)
                    clips.append(clip)
                await session.flush()
            statement = select(Chat).where(Chat.platform == context.platform, Chat.external_id == context.chat_id)
            chat = (await session.execute(statement)).scalars().first()
            if chat is not None:
                chat.focus_clip_id = clips[-1].id
        return clips

    async def _ended(self, job_id: int, context: JobContext, status: str, error_code: str | None) -> None:
        """A failed or cancelled job: give the credits back and say why, once."""
        if job_id in self._published:
            return
        self._published.add(job_id)
        lang = context.lang
        try:
            await self._ledger.refund(context.reservation)
        except BaseException:
            self._published.discard(job_id)
            raise
        if status == "cancelled":
            text = t("cancelled", lang, refund=context.cost)
        else:
            text = t("failed", lang, reason=reason(error_code, lang), refund=context.cost)
        await self._final_progress(job_id, context, text)
        self._outbox.publish(context.platform, Outgoing(kind="text", chat_id=context.chat_id, text=text))
        if self._outbox.subscribed(context.platform):
            await self._queue.mark_delivered(job_id)
        # else rendered here for a platform another process serves: its rescan tells the chat (refunds are idempotent)


def _rendered(job: Any) -> list[RenderedClip]:
    return [RenderedClip.model_validate(item) for item in (job.result or [])] if job is not None else []


async def _parent_author(session: Any, parent_id: int | None, user_id: int) -> str | None:
    """The display name of a shared clip's author, when this job built on someone else's clip."""
    if parent_id is None:
        return None
    parent = await session.get(Clip, parent_id)
    if parent is None or parent.user_id == user_id:
        return None
    author = await session.get(User, parent.user_id)
    return (author.display_name or f"user {author.id}") if author is not None else None
