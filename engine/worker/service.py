"""A ``reelbot worker`` process: a Dramatiq worker on Redis whose one actor runs the fairest queued batch.

Why the message is only a wake-up: claiming from the database in fair order keeps round-robin and batching
true across many workers, and makes a redelivered message harmless (a finished job is never claimed again).

Delivery guarantees, in layers:
- Dramatiq acks a message after the actor returns; messages held by a worker whose broker heartbeat stops
  (``kill -9``) go back to the queue after ``heartbeat_timeout_ms``.
- Each worker also sweeps the database: a ``running`` row whose heartbeat is older than ``stale_after_s`` is
  requeued (attempts left) or failed ``worker_lost``, and a wake-up is sent for it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
import redis
from dramatiq import Message, Middleware
from dramatiq.brokers.redis import RedisBroker

from engine.events import JobEvent
from engine.queue import presence
from engine.queue.channels import DEFAULT_QUEUE_NAME, DRAMATIQ_NAMESPACE, WAKE_ACTOR, events_channel
from engine.queue.settings import QueueSettings
from engine.worker.captions import CaptionService
from engine.worker.claims import ClaimStore
from engine.worker.executor import Executor

log = logging.getLogger(__name__)

#: Milliseconds without a broker heartbeat before Dramatiq hands a worker's messages to others (its default: 60 s).
DEFAULT_BROKER_HEARTBEAT_TIMEOUT_MS = 30_000
#: Chance in a million that a broker command also runs maintenance (requeueing dead workers' messages).
DEFAULT_MAINTENANCE_CHANCE = 10_000
#: Retries of a wake-up whose handling raised (database unreachable...); the job itself is retried by its row.
WAKE_MAX_RETRIES = 3


@dataclass(frozen=True)
class WorkerConfig:
    database_url: str
    redis_url: str
    settings: QueueSettings
    queue_name: str = DEFAULT_QUEUE_NAME
    threads: int = 1
    broker_heartbeat_timeout_ms: int = DEFAULT_BROKER_HEARTBEAT_TIMEOUT_MS
    maintenance_chance: int = DEFAULT_MAINTENANCE_CHANCE


class RedisPublisher:
    """Publishes JobEvents on the queue's channel; a failed publish is logged, never fatal (rows are the truth)."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self.client = redis.Redis.from_url(redis_url)
        self.channel = events_channel(queue_name)

    def __call__(self, event: JobEvent) -> None:
        try:
            self.client.publish(self.channel, event.model_dump_json())
        except redis.RedisError:
            log.warning("could not publish %s event of job %s", event.stage, event.job_id)

    def close(self) -> None:
        self.client.close()


class BrokerHeartbeat(Middleware):
    """Keeps this worker's Dramatiq heartbeat fresh while its threads are busy with long jobs.

    The Redis broker only beats when it fetches; a worker busy with a long batch would look dead and its
    message would run twice (harmless here, but wasteful).
    """

    def __init__(self, queue_name: str, interval_s: float) -> None:
        self.queue_name = queue_name
        self.interval_s = interval_s
        self._stop = threading.Event()

    def after_worker_boot(self, broker, worker) -> None:
        threading.Thread(target=self._beat, args=(broker,), name="broker-heartbeat", daemon=True).start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self._stop.set()

    def _beat(self, broker) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                broker.do_qsize(self.queue_name)  # any broker command records a heartbeat
            except redis.RedisError:
                log.warning("broker heartbeat failed")


def build_broker(config: WorkerConfig) -> RedisBroker:
    from dramatiq.middleware import default_middleware

    broker = RedisBroker(
        url=config.redis_url,
        namespace=DRAMATIQ_NAMESPACE,
        heartbeat_timeout=config.broker_heartbeat_timeout_ms,
        maintenance_chance=config.maintenance_chance,
        middleware=[m() for m in default_middleware],
    )
    broker.add_middleware(BrokerHeartbeat(config.queue_name, config.broker_heartbeat_timeout_ms / 3000))
    return broker


def wake_message(queue_name: str, job_id: int) -> Message:
    return Message(queue_name=queue_name, actor_name=WAKE_ACTOR, args=(job_id,), kwargs={}, options={})


class WorkerService:
    """Holds the warm engine, the Dramatiq worker and the sweeper for one process."""

    def __init__(self, config: WorkerConfig, engine_factory: Callable[[], Any],
                 captioner_factory: Callable[[], Any] | None = None) -> None:
        from engine.captioner.default import default_captioner

        self.config = config
        self.publish = RedisPublisher(config.redis_url, config.queue_name)
        self.store = ClaimStore(config.database_url)
        self.executor = Executor(self.store, engine_factory, config.settings, self.publish)
        self.broker = build_broker(config)
        settings = config.settings
        # A backstop only: the executor stops a job at its own timeout. One wake-up may run a batch and,
        # after an out-of-memory error, each of its jobs alone.
        time_limit_ms = int((settings.job_timeout_s * (settings.max_batch + 1) + 300) * 1000)
        dramatiq.actor(self._render_job, actor_name=WAKE_ACTOR, queue_name=config.queue_name, broker=self.broker,
                       time_limit=time_limit_ms, max_retries=WAKE_MAX_RETRIES, min_backoff=1000, max_backoff=10_000)
        # Storyboard image cards are captioned here too, on a queue and thread of their own.
        self.captions = CaptionService(self.broker, self.publish.client, config.queue_name,
                                       captioner_factory or default_captioner)
        self.worker: dramatiq.Worker | None = None
        self._stop = threading.Event()

    def _render_job(self, job_id: int) -> None:
        """Wake-up for ``job_id``: run the fairest batch, whichever job that is (it may be none)."""
        ran = self.executor.run_once()
        log.debug("wake-up for job %s ran %s job(s)", job_id, ran)

    def start(self) -> None:
        self.executor.ensure_engine()
        self.worker = dramatiq.Worker(self.broker, queues={self.config.queue_name}, worker_threads=self.config.threads)
        # Hold no more messages than we can run: spare ones would wait here while another worker idles.
        self.worker.queue_prefetch = self.config.threads
        self.worker.start()
        self.captions.start()
        threading.Thread(target=self._sweep_forever, name="sweeper", daemon=True).start()
        threading.Thread(target=self._beat_forever, name="presence", daemon=True).start()
        log.info("worker %s ready on queue %r", self.executor.worker_id, self.config.queue_name)

    def _sweep_forever(self) -> None:
        while not self._stop.wait(self.config.settings.sweep_interval_s):
            try:
                self.sweep()
            except Exception:  # noqa: BLE001  (the next sweep tries again)
                log.exception("sweep failed")

    def _beat_forever(self) -> None:
        """Tell the bot's ``/readyz`` this worker is alive (see :mod:`engine.queue.presence`)."""
        while True:
            try:
                presence.beat(self.publish.client, self.config.queue_name, self.executor.worker_id)
            except redis.RedisError:
                log.warning("presence beat failed")
            if self._stop.wait(presence.BEAT_INTERVAL_S):
                return

    def sweep(self) -> None:
        """Requeue jobs of dead workers (sending them wake-ups); nudge the queue if waiting jobs have none."""
        for job_id in self.executor.recover():
            self.broker.enqueue(wake_message(self.config.queue_name, job_id))
        if self.store.has_waiting() and self.broker.do_qsize(self.config.queue_name) == 0:
            head = self.store.head()
            if head is not None:
                self.broker.enqueue(wake_message(self.config.queue_name, head.id))

    def stop(self) -> None:
        self._stop.set()
        try:
            presence.leave(self.publish.client, self.config.queue_name, self.executor.worker_id)
        except redis.RedisError:
            log.warning("could not leave the worker presence set")
        if self.worker is not None:
            self.worker.stop()
        self.captions.stop()
        self.broker.close()
        self.publish.close()
        self.store.close()

    def serve_forever(self) -> None:
        """Run until SIGTERM/SIGINT; the batch in hand finishes first."""
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.start()
        try:
            stop.wait()
        finally:
            self.stop()
