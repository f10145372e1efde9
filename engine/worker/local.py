"""The embedded worker: one thread beside the bot, nothing to start, engine loaded on the first job."""

from __future__ import annotations

import logging
import threading
import time

from engine.worker.executor import Executor

log = logging.getLogger(__name__)

#: Seconds an idle worker sleeps before looking at the queue again if nobody woke it.
IDLE_POLL_S = 1.0


class LocalWorker:
    """Loops: recover lost jobs now and then, run the fairest batch, sleep until woken when idle."""

    def __init__(self, executor: Executor, *, idle_poll_s: float = IDLE_POLL_S) -> None:
        self.executor = executor
        self.idle_poll_s = idle_poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reelbot-local-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def alive(self) -> bool:
        """The worker thread is running (``/readyz`` reports a local worker that died)."""
        return self._thread.is_alive()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Hand the batch in hand back to the queue at its next step (the next start runs it), then stop."""
        self.executor.close()
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_sweep:
                    self.executor.recover()
                    next_sweep = time.monotonic() + self.executor.settings.sweep_interval_s
                self._wake.clear()
                if self.executor.run_once():
                    continue
            except Exception:  # noqa: BLE001  (the worker outlives a failed turn; the rows say what happened)
                log.exception("local worker turn failed")
            self._wake.wait(self.idle_poll_s)
