"""Local mode (the default): the queue and one worker thread live in the bot process.

Several processes may share one database in local mode (a console chat beside a Telegram bot): each renders
only the jobs it submitted, so each waits only for its own work and delivers it itself. A job whose submitter
stopped or died is adopted by a process still running (:func:`engine.queue.statements.claimable_by`); its
outcome reaches the chat from the rows (the ``undelivered`` scan). Sharing GPU workers between processes is
what distributed mode is for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement

from engine.captioner.jobs import CaptionJobs, CaptionRequest, CaptionResult
from engine.queue.base import BaseQueue
from engine.queue.captions import CAPTION_TIMEOUT_S, failed, timed_out
from engine.queue.settings import QueueSettings
from engine.queue.statements import claimable_by

log = logging.getLogger(__name__)


class LocalQueue(BaseQueue):
    """Rows in the database, a :class:`~engine.worker.local.LocalWorker` thread running them, and a
    :class:`~engine.captioner.jobs.CaptionJobs` thread beside it for storyboard image cards."""

    def __init__(self, *, database_url: str, settings: QueueSettings, engine_factory: Callable[[], Any],
                 worker_id: str | None = None, captioner_factory: Callable[[], Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(database_url=database_url, settings=settings, **kwargs)
        self.engine_factory = engine_factory
        self.captioner_factory = captioner_factory
        self.captions: CaptionJobs | None = None
        self.worker_id = worker_id or self.instance_id
        self.worker = None
        self.executor = None
        self._keep_alive: asyncio.Task | None = None

    async def start(self) -> None:
        from engine.worker.claims import ClaimStore
        from engine.worker.executor import Executor
        from engine.worker.local import LocalWorker

        await super().start()
        self.executor = Executor(ClaimStore(self.database_url), self.engine_factory, self.settings,
                                 self.hub.emit_threadsafe, worker_id=self.worker_id, claim_for=self.instance_id)
        self.worker = LocalWorker(self.executor)
        self.worker.start()
        if self.captioner_factory is None:
            from engine.captioner.default import default_captioner

            self.captioner_factory = default_captioner
        self.captions = CaptionJobs(self.captioner_factory)
        self._keep_alive = asyncio.create_task(self._keep_alive_forever(), name="queue-keep-alive")
        self._tasks.append(self._keep_alive)

    async def close(self) -> None:
        if self._keep_alive is not None:
            self._keep_alive.cancel()
        if self.worker is not None:
            await asyncio.to_thread(self.worker.stop)
            self.executor.store.close()
        if self.captions is not None:
            await asyncio.to_thread(self.captions.close)
        if self.store is not None:
            with contextlib.suppress(Exception):  # best effort: unreleased jobs are adopted once they go stale
                await self.store.release(self.instance_id)
        await super().close()

    async def _wake(self, job_id: int) -> None:
        self.worker.wake()

    async def caption(self, request: CaptionRequest, *, timeout_s: float = CAPTION_TIMEOUT_S) -> CaptionResult:
        """Caption on this process's caption thread (the captioner loads on the first request)."""
        try:
            return await asyncio.wait_for(self.captions.caption(request), timeout_s)
        except TimeoutError:
            return timed_out(request, timeout_s)
        except Exception as exc:  # noqa: BLE001  (a captioner that will not load leaves the card without text)
            log.exception("captioning %s failed", request.image_path)
            return failed(request, exc)

    def _scope(self) -> ColumnElement[bool] | None:
        return claimable_by(self.instance_id, stale_after_s=self.settings.stale_after_s)

    async def _keep_alive_forever(self) -> None:
        """While this process has jobs waiting, tell other processes it is alive (or they would adopt them)."""
        while True:
            await asyncio.sleep(self.settings.heartbeat_interval_s)
            if not self._inflight:
                continue
            try:
                await self.store.keep_alive(self.instance_id)
            except Exception:  # noqa: BLE001  (a missed beat is retried; stale_after_s allows several)
                log.exception("could not refresh this process's queued jobs")

    @property
    def engine(self) -> Any:
        """The warm engine once the first job loaded it (tests read ``pipeline_calls`` from it)."""
        return self.executor.engine if self.executor else None
