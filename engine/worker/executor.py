"""Runs claimed jobs on the engine: one pipeline call per batch, progress per step, cancel, timeout, OOM retry.

The same executor serves the local worker thread and the Dramatiq actor. It never raises for a job's failure:
each outcome is written to the job's row (fenced, see ``claims``) and published as a :class:`JobEvent`.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine import metrics
from engine.errors import EngineError, JobCancelled
from engine.events import JobEvent, RenderedClip
from engine.logcontext import log_context
from engine.queue.models import Job
from engine.queue.settings import QueueSettings
from engine.queue.statements import claimable_by
from engine.specs import parse_spec
from engine.worker.claims import Claimed, ClaimStore

log = logging.getLogger(__name__)

Publish = Callable[[JobEvent], None]

#: Weight of the newest measurement in the seconds-per-step average.
STEP_TIME_SMOOTHING = 0.3
#: Seconds between checks for new company while a batch waits for its window to close.
BATCH_POLL_S = 0.05

#: What users read when something broke that they cannot fix; details go to the log only.
INTERNAL_ERROR_MESSAGE = "Something went wrong while making your video. Your credits were returned."


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]


class Executor:
    """Claims batches in fair order and runs them; thread-safe, one pipeline call at a time per executor."""

    def __init__(self, store: ClaimStore, engine_factory: Callable[[], Any], settings: QueueSettings,
                 publish: Publish, *, worker_id: str | None = None, claim_for: str | None = None) -> None:
        self.store = store
        #: Local mode: the queue instance whose jobs this executor runs (plus orphans); ``None``: any job.
        self.claim_for = claim_for
        self.engine_factory = engine_factory
        self.settings = settings
        self.publish = publish
        self.worker_id = worker_id or new_worker_id()
        self.engine: Any = None
        self._engine_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._step_s: dict[str, float] = {}
        self._closing = threading.Event()

    def close(self) -> None:
        """Stop taking jobs; the batch in hand stops at its next step and goes back to the queue untouched.

        For a worker that lives in the bot's process: a restart then loses nothing and holds nothing up (a
        render left running past shutdown would still write to a database that is being closed).
        """
        self._closing.set()

    @property
    def closing(self) -> bool:
        return self._closing.is_set()

    # --- engine -----------------------------------------------------------------------------------------

    def ensure_engine(self, announce: int | None = None) -> Any:
        """Load the engine once (first job), keeping it warm afterwards."""
        with self._engine_lock:
            if self.engine is None:
                if announce is not None:
                    self.publish(JobEvent(job_id=announce, stage="loading"))
                started = time.perf_counter()
                self.engine = self.engine_factory()
                elapsed = time.perf_counter() - started
                metrics.pipeline_loaded(elapsed)
                log.info("engine loaded in %.1f s", elapsed)
            return self.engine

    # --- one turn -------------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Claim the fairest batch (waiting out its batch window) and run it; returns how many jobs ran."""
        with self._run_lock:
            if self.closing or not self.store.has_waiting(self._scope()):
                return 0
            if self.engine is None:
                head = self.store.head(self._scope())
                self.ensure_engine(announce=head.id if head else None)
            engine = self.engine
            while True:
                claim = self.store.claim(
                    worker_id=self.worker_id,
                    max_batch=self.settings.max_batch,
                    batch_window_s=self.settings.batch_window_s,
                    batch_key_of=lambda spec: engine.batch_key(parse_spec(spec)),
                    total_steps_of=lambda spec: engine.total_steps(parse_spec(spec)),
                    scope=self._scope(),
                )
                if claim is None:
                    return 0
                if isinstance(claim, Claimed):
                    break
                time.sleep(min(claim, BATCH_POLL_S))
            if not claim.jobs:
                return 0
            self._run_batch(claim.jobs)
            return len(claim.jobs)

    def _scope(self):
        """Which queued jobs this executor may claim, evaluated now (adoption depends on the time)."""
        return claimable_by(self.claim_for, stale_after_s=self.settings.stale_after_s)

    def recover(self) -> list[int]:
        """Put jobs of dead workers back (or fail them); publishes what changed. Returns requeued ids."""
        recovered = self.store.recover(self.settings.stale_after_s)
        for job_id in recovered.requeued:
            self.publish(JobEvent(job_id=job_id, stage="queued"))
        for job_id in recovered.failed:
            metrics.job_finished("unknown", metrics.FAILED, reason="worker_lost")
            self.publish(JobEvent(job_id=job_id, stage="failed", error_code="worker_lost",
                                  error="the worker running this job stopped"))
        for job_id in recovered.cancelled:
            self.publish(JobEvent(job_id=job_id, stage="cancelled", error_code="cancelled"))
        return recovered.requeued

    # --- a batch --------------------------------------------------------------------------------------

    def _run_batch(self, jobs: list[Job]) -> None:
        try:
            self._attempt(jobs)
        except _OutOfMemory as oom:
            _free_accelerator_memory()
            if len(jobs) > 1:
                log.warning("out of memory on a batch of %s; retrying one at a time", len(jobs))
                for job in jobs:
                    self._run_batch([job])
            else:
                self._fail(jobs, "out_of_memory", "The video did not fit in the GPU's memory. Try a shorter or "
                           "smaller video.", cause=oom.__cause__)

    def _attempt(self, jobs: list[Job]) -> None:
        """One pipeline call for ``jobs``; raises :class:`_OutOfMemory` so the caller can split the batch."""
        with log_context(**_about(jobs)):
            self._attempt_in_context(jobs)

    def _attempt_in_context(self, jobs: list[Job]) -> None:
        run = _BatchRun(self, jobs)
        metrics.batch_started(jobs)
        run.announce()
        heartbeat = threading.Thread(target=run.heartbeat_forever, name="job-heartbeat", daemon=True)
        heartbeat.start()
        try:
            specs = [parse_spec(job.spec) for job in jobs]
            max_bytes = min((job.meta.get("max_bytes") for job in jobs if job.meta.get("max_bytes")), default=None)
            results = self.engine.run(specs, on_step=run.on_step, should_cancel=run.should_cancel,
                                      max_bytes=max_bytes, metadata=[{"job_id": str(job.id)} for job in jobs])
        except JobCancelled:
            run.stopped()
        except Exception as exc:  # noqa: BLE001  (every failure becomes a row and a plain message)
            if _is_out_of_memory(exc):
                run.finish_heartbeat()
                raise _OutOfMemory() from exc
            if isinstance(exc, EngineError):
                run.fail_active(exc.code, str(exc))
            else:
                log.exception("jobs %s failed", [job.id for job in jobs])
                run.fail_active("internal_error", INTERNAL_ERROR_MESSAGE)
        else:
            run.succeeded(results)
        finally:
            run.finish_heartbeat()
            heartbeat.join(timeout=5)

    def _fail(self, jobs: list[Job], code: str, message: str, cause: BaseException | None = None) -> None:
        if cause is not None:
            log.error("jobs %s failed (%s): %r", [job.id for job in jobs], code, cause)
        for job in jobs:
            if self.store.fail(job.id, job.attempts, self.worker_id, error_code=code, error=message):
                metrics.job_finished(job.op, metrics.FAILED, reason=code)
                self.publish(JobEvent(job_id=job.id, stage="failed", error_code=code, error=message))

    def step_seconds(self, batch_key: str) -> float | None:
        return self._step_s.get(batch_key)

    def record_step(self, batch_key: str, seconds: float) -> None:
        old = self._step_s.get(batch_key)
        self._step_s[batch_key] = seconds if old is None else old + STEP_TIME_SMOOTHING * (seconds - old)
        metrics.steps_per_second(batch_key.partition(":")[0], self._step_s[batch_key])


class _BatchRun:
    """The state of one pipeline call: which jobs still want their result, step timing, timeout."""

    def __init__(self, executor: Executor, jobs: list[Job]) -> None:
        self.executor = executor
        self.store = executor.store
        self.jobs = {job.id: job for job in jobs}
        self.active: dict[int, int] = {job.id: job.attempts for job in jobs}  # id -> attempt
        self.batch_key = jobs[0].batch_key
        self.total_steps = max(job.total_steps for job in jobs) or 1
        self.started = time.monotonic()
        self.last_step_at = self.started
        self.timed_out = False
        self.done = threading.Event()
        self.lock = threading.Lock()

    def announce(self) -> None:
        per_step = self.executor.step_seconds(self.batch_key)
        eta = per_step * self.total_steps if per_step else None
        for job_id in self.active:
            self.executor.publish(JobEvent(job_id=job_id, stage="denoising", step=0, total_steps=self.total_steps,
                                           progress=0.0, eta_s=eta))

    # --- callbacks from the engine (its thread) ---------------------------------------------------------

    def on_step(self, step: int, total_steps: int) -> None:
        now = time.monotonic()
        if step > 0:
            self.executor.record_step(self.batch_key, (now - self.last_step_at))
        self.last_step_at = now
        self.total_steps = total_steps or self.total_steps
        per_step = self.executor.step_seconds(self.batch_key)
        eta = max(0.0, (self.total_steps - step) * per_step) if per_step else None
        stage = "encoding" if step >= self.total_steps else "denoising"
        with self.lock:
            active = dict(self.active)
        asked = self.store.progress(active, self.executor.worker_id, step=step, total_steps=self.total_steps,
                                    stage=stage, eta_s=eta)
        self._release(asked)
        progress = min(1.0, step / self.total_steps)
        for job_id in active:
            if job_id in self.active:
                self.executor.publish(JobEvent(job_id=job_id, stage=stage, step=step, total_steps=self.total_steps,
                                               progress=progress, eta_s=eta))

    def should_cancel(self) -> bool:
        if self.executor.closing:
            return True
        if time.monotonic() - self.started > self.executor.settings.job_timeout_s:
            self.timed_out = True
            return True
        with self.lock:
            ids = list(self.active)
        if ids:
            self._release(self.store.cancel_requested(ids))
        return not self.active

    def _release(self, asked: set[int]) -> None:
        """Members whose cancel was requested are cancelled now; the call goes on for the rest of the batch."""
        for job_id in asked:
            with self.lock:
                attempt = self.active.pop(job_id, None)
            if attempt is not None and self.store.cancelled(job_id, attempt, self.executor.worker_id):
                metrics.job_finished(self.jobs[job_id].op, metrics.CANCELLED)
                self.executor.publish(JobEvent(job_id=job_id, stage="cancelled", error_code="cancelled"))

    # --- heartbeat (own thread) -------------------------------------------------------------------------

    def heartbeat_forever(self) -> None:
        interval = self.executor.settings.heartbeat_interval_s
        while not self.done.wait(interval):
            with self.lock:
                active = dict(self.active)
            try:
                self._release(self.store.heartbeat(active, self.executor.worker_id))
            except Exception:  # noqa: BLE001  (a missed beat is retried; a dead DB shows up elsewhere)
                log.exception("heartbeat failed")

    def finish_heartbeat(self) -> None:
        self.done.set()

    # --- outcomes ---------------------------------------------------------------------------------------

    def succeeded(self, results: list[list[RenderedClip]]) -> None:
        for job_id, clips in zip(self.jobs, results, strict=True):
            attempt = self.active.get(job_id)
            payload = [clip.model_dump(mode="json") for clip in clips]
            if attempt is not None and self.store.succeed(job_id, attempt, self.executor.worker_id, payload):
                metrics.job_finished(self.jobs[job_id].op, metrics.SUCCEEDED, render_s=time.monotonic() - self.started)
                self.executor.publish(JobEvent(job_id=job_id, stage="done", progress=1.0, step=self.total_steps,
                                               total_steps=self.total_steps, eta_s=0.0, clips=clips))
            else:
                _discard(clips)  # cancelled meanwhile, or another worker took the job over

    def stopped(self) -> None:
        """The engine stopped at a step: everyone left timed out, asked to cancel, or is handed back."""
        asked = self.store.cancel_requested(list(self.active))
        self._release(asked)
        if self.active and self.executor.closing and not self.timed_out:
            for job_id in self.store.hand_back(dict(self.active), self.executor.worker_id):
                self.executor.publish(JobEvent(job_id=job_id, stage="queued"))
            self.active.clear()
        if self.active:
            code = "timeout" if self.timed_out else "cancelled"
            if code == "timeout":
                limit = self.executor.settings.job_timeout_s
                self.fail_active("timeout", f"The video took longer than the {limit:g} s limit and was stopped.")
            else:
                self._release(set(self.active))

    def fail_active(self, code: str, message: str) -> None:
        for job_id, attempt in list(self.active.items()):
            if self.store.fail(job_id, attempt, self.executor.worker_id, error_code=code, error=message):
                metrics.job_finished(self.jobs[job_id].op, metrics.FAILED, reason=code)
                self.executor.publish(JobEvent(job_id=job_id, stage="failed", error_code=code, error=message))
        self.active.clear()


class _OutOfMemory(Exception):
    """The accelerator ran out of memory; the batch may be retried smaller."""


def _is_out_of_memory(exc: BaseException) -> bool:
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    return getattr(exc, "code", None) == "out_of_memory"


def _free_accelerator_memory() -> None:
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


def _about(jobs: list[Job]) -> dict[str, str | None]:
    """The log context of a batch: its job ids, and its users and chats (several when batched)."""
    chats = {f"{job.meta['platform']}:{job.meta['chat_id']}" for job in jobs if "chat_id" in job.meta
             and "platform" in job.meta}
    return {"job_id": ",".join(str(job.id) for job in jobs),
            "user": ",".join(sorted({job.owner for job in jobs})),
            "chat": ",".join(sorted(chats)) or None}


def _discard(clips: list[RenderedClip]) -> None:
    for clip in clips:
        for path in (clip.path, clip.thumbnail_path):
            if path:
                Path(path).unlink(missing_ok=True)
