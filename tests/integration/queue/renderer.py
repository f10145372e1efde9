"""A fast renderer implementing the Engine API, for scheduling tests where the tiny pipeline would be too slow.

It is a real object with the same methods and contract as :class:`engine.runner.Engine` (batch keys, steps,
``on_step``/``should_cancel`` at every step, one call per batch, files written to the media directory); it
only skips the diffusion maths. The scheduling test runs 200 jobs: ~0.7 s each on the tiny model on two shared
CPU cores would take minutes.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

from engine.errors import JobCancelled
from engine.events import RenderedClip


class QuickRenderer:
    def __init__(self, media_dir: Path, *, steps: int = 1, step_s: float = 0.0, oom_above: int | None = None,
                 gate: threading.Event | None = None):
        self.media_dir = Path(media_dir)
        #: When given, every pipeline call waits for it: a test fills the queue while the "GPU" is busy.
        self.gate = gate
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self.steps = steps
        self.step_s = step_s
        self.oom_above = oom_above
        self.pipeline_calls = 0
        self.batch_sizes: list[int] = []
        self._lock = threading.Lock()

    def batch_key(self, spec) -> str:
        s = spec.settings
        return f"{spec.op}:{s.resolution}:{s.aspect}:{s.duration_s}"

    def total_steps(self, spec) -> int:
        return self.steps

    def run(self, specs, *, on_step=None, should_cancel=None, max_bytes=None, metadata=None):
        with self._lock:  # like a GPU: one pipeline call at a time
            if self.gate is not None:
                self.gate.wait(60)
            self.pipeline_calls += 1
            self.batch_sizes.append(len(specs))
            if self.oom_above is not None and len(specs) > self.oom_above:
                import torch

                raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated by the test renderer)")
            for step in range(1, self.steps + 1):
                if should_cancel is not None and should_cancel():
                    raise JobCancelled()
                if self.step_s:
                    time.sleep(self.step_s)
                if on_step is not None:
                    on_step(step, self.steps)
            return [[self._clip(spec)] for spec in specs]

    def _clip(self, spec) -> RenderedClip:
        path = self.media_dir / f"{uuid.uuid4().hex}.mp4"
        path.write_bytes(spec.prompt.encode() if getattr(spec, "prompt", None) else b"clip")
        seed = spec.settings.seed or 0
        return RenderedClip(path=str(path), width=64, height=64, num_frames=9, fps=24, duration_s=9 / 24,
                            size_bytes=path.stat().st_size, seed=seed)
