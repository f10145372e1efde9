"""The caption actor of a ``reelbot worker``: storyboard image cards are captioned where the video model runs.

A request arrives on the queue's own caption queue (:func:`engine.queue.channels.caption_queue`), served by one
thread of its own, so a caption never waits behind a long render. The result goes back on a Redis list named
after the request, which the bot pops (a reply pushed before the bot listens is not lost, unlike pub/sub).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import dramatiq
import redis

from engine.captioner.jobs import CaptionJobs, CaptionRequest, CaptionResult
from engine.queue.captions import CAPTION_TIMEOUT_S, failed
from engine.queue.channels import CAPTION_ACTOR, caption_queue, caption_reply_key

log = logging.getLogger(__name__)

#: Seconds a reply waits in Redis for the bot to take it (the bot stops waiting after its own timeout).
REPLY_TTL_S = int(CAPTION_TIMEOUT_S * 2)
#: Milliseconds one caption may take on the worker, loading the captioner included.
CAPTION_TIME_LIMIT_MS = 300_000


class CaptionService:
    """One warm captioner (:class:`CaptionJobs`), the actor that feeds it, and the Dramatiq worker of its queue."""

    def __init__(self, broker: Any, client: redis.Redis, queue_name: str,
                 captioner_factory: Callable[[], Any], *, limits: object | None = None) -> None:
        self.client = client
        self.queue_name = queue_name
        self.jobs = CaptionJobs(captioner_factory, limits=limits)
        self.broker = broker
        # A caption is asked for once, by a person waiting: retrying after the bot gave up helps nobody.
        dramatiq.actor(self._caption, actor_name=CAPTION_ACTOR, queue_name=caption_queue(queue_name), broker=broker,
                       time_limit=CAPTION_TIME_LIMIT_MS, max_retries=0)
        self.worker: dramatiq.Worker | None = None

    def _caption(self, request_id: str, request: dict) -> None:
        parsed = CaptionRequest.model_validate(request)
        try:
            result: CaptionResult = self.jobs.submit(parsed).result()
        except Exception as exc:  # noqa: BLE001  (a captioner that will not load is an answer too: no text)
            log.exception("caption %s failed", request_id)
            result = failed(parsed, exc)
        key = caption_reply_key(self.queue_name, request_id)
        with self.client.pipeline() as pipe:
            pipe.rpush(key, result.model_dump_json())
            pipe.expire(key, REPLY_TTL_S)
            pipe.execute()

    def start(self) -> None:
        self.worker = dramatiq.Worker(self.broker, queues={caption_queue(self.queue_name)}, worker_threads=1)
        self.worker.queue_prefetch = 1
        self.worker.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        self.jobs.close()
