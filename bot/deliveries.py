"""From job events to what users see: progress edits, delivered clips (recorded, charged) and failures (refunded).

Every outcome is idempotent: clips are recorded once per job, the ledger settles or refunds once per
reservation, so a job seen twice (an event and, after a restart, the undelivered scan) never charges twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from bot import clips as clip_store
from bot.i18n import button_label, reason, t
from bot.messages import Button, Outgoing
from bot.models import Chat, Clip, User
from bot.presenters import progress_text
from engine.events import JobEvent, RenderedClip

if TYPE_CHECKING:
    from bot.service import BotService

log = logging.getLogger(__name__)

#: Seconds between two edits of one progress message.
PROGRESS_INTERVAL_S = 2.5
_RUNNING_STAGES = ("queued", "loading", "denoising", "decoding", "encoding", "uploading")


class Deliveries:
    """Consumes the queue's events for one BotService."""

    def __init__(self, service: "BotService") -> None:
        self.service = service
        self._last_sent: dict[str, float] = {}
        self._waiting: dict[str, Outgoing] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        #: Jobs whose outcome this process already published (the restart scan skips them).
        self._published: set[int] = set()

    async def pump(self) -> None:
        async for event in self.service.queue.events():
            try:
                await self.on_event(event)
            except Exception:  # noqa: BLE001  (one bad event must not stop deliveries)
                log.exception("delivering event %s of job %s failed", event.stage, event.job_id)

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def note_sent(self, progress_key: str) -> None:
        """The adapter just showed this progress message (the queued reply): pace edits from now."""
        self._last_sent[progress_key] = time.monotonic()

    async def on_event(self, event: JobEvent) -> None:
        job = await self.service.queue.get(event.job_id)
        if job is None or not job.meta.get("platform"):
            return
        if event.stage in _RUNNING_STAGES:
            self._progress(job, event)
        elif event.stage == "done":
            clips = event.clips or [RenderedClip.model_validate(item) for item in job.result or []]
            await self._succeeded(job, clips)
        elif event.stage in ("failed", "cancelled"):
            await self._ended(job, event.stage, event.error_code)

    async def redeliver(self, platform: str) -> None:
        """Publish the outcome of every finished job of ``platform`` that never reached its user."""
        for job in await self.service.queue.undelivered():
            if job.meta.get("platform") != platform or job.id in self._published:
                continue
            try:
                if job.status == "succeeded":
                    await self._succeeded(job, [RenderedClip.model_validate(item) for item in job.result or []])
                else:
                    await self._ended(job, job.status, job.error_code)
            except Exception:  # noqa: BLE001
                log.exception("re-delivering job %s failed", job.id)

    # -- progress ---------------------------------------------------------------------------------------------

    def _progress(self, job: Any, event: JobEvent) -> None:
        meta = job.meta
        key = f"job:{job.id}"
        out = Outgoing(
            kind="progress",
            chat_id=meta["chat_id"],
            progress_key=key,
            progress=event.progress if event.stage != "queued" else None,
            text=progress_text(
                stage=event.stage, what=meta.get("what", ""), lang=meta.get("lang", "en"), position=event.position,
                fraction=event.progress, eta_s=event.eta_s,
            ),
            buttons=(Button(label=button_label("cancel", meta.get("lang", "en")), payload=f"cancel:{job.id}"),),
        )
        wait = self._last_sent.get(key, 0.0) + PROGRESS_INTERVAL_S - time.monotonic()
        if wait <= 0:
            self._send_progress(meta["platform"], key, out)
            return
        self._waiting[key] = out
        if key not in self._timers:
            loop = asyncio.get_running_loop()
            self._timers[key] = loop.call_later(wait, self._flush, meta["platform"], key)

    def _flush(self, platform: str, key: str) -> None:
        self._timers.pop(key, None)
        out = self._waiting.pop(key, None)
        if out is not None:
            self._send_progress(platform, key, out)

    def _send_progress(self, platform: str, key: str, out: Outgoing) -> None:
        self._last_sent[key] = time.monotonic()
        self.service.publish(platform, out)

    def _final_progress(self, job: Any, text: str) -> None:
        key = f"job:{job.id}"
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._waiting.pop(key, None)
        self._last_sent.pop(key, None)
        meta = job.meta
        self.service.publish(
            meta["platform"],
            Outgoing(kind="progress", chat_id=meta["chat_id"], progress_key=key, text=text, progress=1.0, done=True),
        )

    # -- outcomes ---------------------------------------------------------------------------------------------

    async def _succeeded(self, job: Any, rendered: list[RenderedClip]) -> None:
        meta = job.meta
        lang = meta.get("lang", "en")
        if not rendered:
            await self._ended(job, "failed", "no_output")
            return
        clips = await self._record_clips(job, rendered)
        variations = int(job.spec.get("settings", {}).get("variations", 1))
        await self.service.ledger.settle(meta["reservation"], delivered=len(clips), total=max(variations, len(clips)))
        self._published.add(job.id)
        self._final_progress(job, t("done", lang, what=meta.get("what", "")))
        for clip in clips:
            self.service.publish(meta["platform"], self.service.clip_message(meta["chat_id"], clip, lang))

    async def _record_clips(self, job: Any, rendered: list[RenderedClip]) -> list[Clip]:
        """Clip rows for a job's files, created once; the chat's focus moves to the newest."""
        meta = job.meta
        parents = meta.get("parents") or []
        variations = max(int(job.spec.get("settings", {}).get("variations", 1)), 1)
        async with self.service.sessions() as session:
            async with session.begin():
                clips = await clip_store.clips_of_job(session, job.id)
                if not clips:
                    settings = dict(job.spec.get("settings", {}))
                    credit = await _parent_author(session, parents[0] if parents else None, meta["user_id"])
                    if credit:
                        settings["credit"] = credit
                    for index, item in enumerate(rendered):
                        clip = Clip(
                            user_id=meta["user_id"],
                            job_id=job.id,
                            variation=index,
                            op=job.op,
                            prompt=meta.get("prompt", ""),
                            settings=settings,
                            path=item.path,
                            thumbnail_path=item.thumbnail_path,
                            size_bytes=item.size_bytes,
                            width=item.width,
                            height=item.height,
                            duration_s=item.duration_s,
                            fps=item.fps,
                            seed=item.seed,
                            cost=int(meta.get("cost", 0)) // variations,
                            parent_clip_id=parents[0] if parents else None,
                            parent_b_clip_id=parents[1] if len(parents) > 1 else None,
                        )
                        session.add(clip)
                        clips.append(clip)
                    await session.flush()
                chat = await _chat(session, meta)
                if chat is not None:
                    chat.focus_clip_id = clips[-1].id
        return clips

    async def _ended(self, job: Any, status: str, error_code: str | None) -> None:
        """A failed or cancelled job: give the credits back and say why, once."""
        meta = job.meta
        lang = meta.get("lang", "en")
        await self.service.ledger.refund(meta["reservation"])
        refund = int(meta.get("cost", 0))
        if status == "cancelled":
            text = t("cancelled", lang, refund=refund)
        else:
            text = t("failed", lang, reason=reason(error_code, lang), refund=refund)
        self._published.add(job.id)
        self._final_progress(job, text)
        self.service.publish(meta["platform"], Outgoing(kind="text", chat_id=meta["chat_id"], text=text))
        await self.service.queue.mark_delivered(job.id)


async def _parent_author(session: Any, parent_id: int | None, user_id: int) -> str | None:
    """The display name of a shared clip's author, when this job built on someone else's clip."""
    if parent_id is None:
        return None
    parent = await session.get(Clip, parent_id)
    if parent is None or parent.user_id == user_id:
        return None
    author = await session.get(User, parent.user_id)
    return (author.display_name or f"user {author.id}") if author is not None else None


async def _chat(session: Any, meta: dict) -> Chat | None:
    from sqlmodel import select

    statement = select(Chat).where(Chat.platform == meta["platform"], Chat.external_id == str(meta["chat_id"]))
    return (await session.execute(statement)).scalars().first()
