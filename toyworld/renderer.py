"""Rendering many scenes at once, in worker processes where a run asks for them.

On a GPU the transformer's step takes tens of milliseconds while drawing a clip in numpy takes about ten, so a
run that fills a pool of thousands of clips and draws a conditioning frame for each of hundreds of clips per step
waits on one CPU core. Scenes are drawn (from the run's random stream) in the trainer's process and only the
pure rendering is farmed out, so a run's data is the same with any number of workers.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

import numpy as np

from toyworld.render import render, render_frame, render_still
from toyworld.scene import Scene

#: Below this many scenes a batch is rendered in the trainer's own process: shipping it costs more than it saves.
MIN_PARALLEL = 32


def _frame(job: tuple[Scene, int]) -> np.ndarray:
    return render_frame(*job)


def _still(job: tuple[Scene, int]) -> tuple[np.ndarray, np.ndarray]:
    return render_still(*job)


class Renderer:
    """Renders clips and single frames, with ``workers`` processes (0 or 1: in this process)."""

    def __init__(self, workers: int = 0):
        self.workers = workers
        # A fork server, not fork: the trainer's process holds CUDA and torch's threads, which a fork copies badly.
        context = multiprocessing.get_context("forkserver")
        self._executor: Executor | None = ProcessPoolExecutor(workers, mp_context=context) if workers > 1 else None

    def _map(self, fn, jobs: list) -> list:
        if self._executor is None or len(jobs) < MIN_PARALLEL:
            return [fn(job) for job in jobs]
        chunk = max(1, len(jobs) // (4 * self.workers))
        return list(self._executor.map(fn, jobs, chunksize=chunk))

    def clips(self, scenes: list[Scene]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each scene's frames (T, H, W, 3) and the object's coverage (T, H, W), as ``render`` draws them."""
        return self._map(render, scenes)

    def frames(self, scenes: list[Scene], indices: list[int]) -> np.ndarray:
        """Frame ``indices[i]`` of each scene, stacked (N, H, W, 3)."""
        return np.stack(self._map(_frame, list(zip(scenes, indices))))

    def stills(self, scenes: list[Scene], indices: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``indices[i]`` of each scene (N, H, W, 3) and the object's coverage in it (N, H, W)."""
        frames, alphas = zip(*self._map(_still, list(zip(scenes, indices))))
        return np.stack(frames), np.stack(alphas)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
