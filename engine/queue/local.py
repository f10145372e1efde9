"""Local mode (the default): the queue and one worker thread live in the bot process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.queue.base import BaseQueue
from engine.queue.settings import QueueSettings


class LocalQueue(BaseQueue):
    """Rows in the database, a :class:`~engine.worker.local.LocalWorker` thread running them."""

    def __init__(self, *, database_url: str, settings: QueueSettings, engine_factory: Callable[[], Any],
                 worker_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(database_url=database_url, settings=settings, **kwargs)
        self.engine_factory = engine_factory
        self.worker_id = worker_id
        self.worker = None
        self.executor = None

    async def start(self) -> None:
        from engine.worker.claims import ClaimStore
        from engine.worker.executor import Executor
        from engine.worker.local import LocalWorker

        await super().start()
        self.executor = Executor(ClaimStore(self.database_url), self.engine_factory, self.settings,
                                 self.hub.emit_threadsafe, worker_id=self.worker_id)
        self.worker = LocalWorker(self.executor)
        self.worker.start()

    async def close(self) -> None:
        import asyncio

        if self.worker is not None:
            await asyncio.to_thread(self.worker.stop)
            self.executor.store.close()
        await super().close()

    async def _wake(self, job_id: int) -> None:
        self.worker.wake()

    @property
    def engine(self) -> Any:
        """The warm engine once the first job loaded it (tests read ``pipeline_calls`` from it)."""
        return self.executor.engine if self.executor else None
