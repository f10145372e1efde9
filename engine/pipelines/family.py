"""The interface every model family implements: one denoising pass with frame conditions.

Operations (``engine/pipelines/operations.py``) are written against this, so a second family (Wan 2.x) slots
in by implementing :meth:`Family.render` and listing the operations it can really do.

Sound (LTX-2 makes it with the video): :meth:`Family.render` may return a :class:`PassResult` carrying the
pass's audio as well as its frames. That is the whole change for a family without sound: returning the
frames array alone, as before, still works and means "no sound"; ``makes_audio`` stays False.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from engine.errors import UnsupportedOperation
from engine.pipelines.profile import NativeProfile


@dataclass(frozen=True)
class FrameCondition:
    """Frames (``uint8 (F, H, W, 3)`` at the pass's native size; one frame = an image) pinned at ``frame_index``."""

    frames: np.ndarray
    frame_index: int = 0
    strength: float = 1.0


@dataclass(frozen=True)
class PassResult:
    """What one pass made: frames ``uint8 (videos, F, H, W, 3)`` and, from a family with sound, its audio
    ``float32 (videos, channels, samples)`` in -1..1 covering the same ``F / fps`` seconds."""

    frames: np.ndarray
    audio: np.ndarray | None = None
    sample_rate: int | None = None

    @classmethod
    def of(cls, made: "PassResult | np.ndarray") -> "PassResult":
        """A family's return value as a PassResult (a bare frames array is a pass without sound)."""
        return made if isinstance(made, PassResult) else cls(frames=made)


@dataclass(frozen=True)
class PassRequest:
    """One pipeline call: ``len(prompts)`` videos, one generator each (so each is reproducible alone)."""

    prompts: list[str]
    negative_prompts: list[str]
    width: int
    height: int
    num_frames: int
    fps: int
    generators: list  # torch.Generator, one per prompt
    conditions: list[FrameCondition] = field(default_factory=list)
    #: Video-to-video: the frames to start from (``(num_frames, H, W, 3)``) and how much to change them.
    init_video: np.ndarray | None = None
    denoise_strength: float = 1.0
    #: Denoising steps this call runs, as the render plan says (None: the profile's); ``on_step`` runs once each.
    num_inference_steps: int | None = None
    #: How many of the model's own frame intervals one frame of this pass spans (a stretched pass: its motion
    #: slowed to fill the clip); the family tells the model a frame rate this many times its own.
    time_scale: float = 1.0

    def single(self, index: int) -> "PassRequest":
        return replace(
            self,
            prompts=[self.prompts[index]],
            negative_prompts=[self.negative_prompts[index]],
            generators=[self.generators[index]],
        )


class Family(ABC):
    """A loaded model family. ``render`` runs one pass; ``operations`` lists what it can do honestly."""

    name: str = "family"
    operations: frozenset[str] = frozenset()
    #: Whether passes come with sound (``render`` returns a :class:`PassResult` with ``audio``).
    makes_audio: bool = False
    #: Whether ``render`` honours ``PassRequest.time_scale`` (the profile's ``stretch_frames`` needs it).
    scales_time: bool = False

    def __init__(self, profile: NativeProfile) -> None:
        self.profile = profile
        #: Pipeline ``__call__`` invocations so far (tests assert batching with it).
        self.pipeline_calls = 0

    def require(self, operation: str) -> None:
        if operation not in self.operations:
            raise UnsupportedOperation(
                f"the {self.name} model family cannot do '{operation}'; it can do: {', '.join(sorted(self.operations))}"
            )

    def pass_steps(self, *, video_to_video: bool = False, denoise_strength: float = 1.0, continues: bool = False) -> int:
        """Denoising steps one pass runs (the render plan's count; ``render`` must run exactly this many).

        The default is the profile's steps for every pass, video-to-video included (a family whose pipeline
        cuts its schedule by ``denoise_strength`` lengthens the schedule so that many remain, see
        ``ltx.video_to_video_timesteps``), and ``continuation_steps`` for a pass that ``continues`` frames it
        is given.
        """
        if continues and not video_to_video and self.profile.continuation_steps:
            return self.profile.continuation_steps
        return self.profile.num_inference_steps

    def can_batch(self, *, late_conditions: bool, video_to_video: bool = False) -> bool:
        """Whether several shots may share one call; ``late_conditions``: something is pinned after frame 0."""
        return not late_conditions

    @abstractmethod
    def render(self, request: PassRequest, on_step: Callable[[], None]) -> PassResult | np.ndarray:
        """Frames ``uint8 (len(prompts), num_frames, H, W, 3)`` (with audio, as a :class:`PassResult`, from a
        family with sound); ``on_step`` runs after every denoising step, exactly ``num_inference_steps`` times."""
