"""How a model likes to be called: its native sizes per tier/aspect, pass length, steps and guidance.

A model directory may carry ``reelbot.json`` with these fields (the tiny and toy models do); a model without
one gets the shipped profile of its family (``engine/profiles/``), or the LTX-Video 0.9.x defaults below.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from engine.pipelines.completion import PromptCompletion

PROFILE_FILE = "reelbot.json"

#: LTX-Video's native sizes: multiples of 32 near each tier, aspect kept; the output is resized exactly.
LTX_SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "480p": {"16:9": (832, 480), "9:16": (480, 832), "1:1": (480, 480)},
    "720p": {"16:9": (1280, 704), "9:16": (704, 1280), "1:1": (704, 704)},
    "1080p": {"16:9": (1536, 864), "9:16": (864, 1536), "1:1": (1056, 1056)},
}


class NativeProfile(BaseModel):
    name: str = "ltx-video"
    #: True for the tiny test model: its output is noise, and the logs say so.
    random_weights: bool = False
    #: Longest single pass in frames (8k+1); longer clips are made in chunks.
    max_frames_per_pass: int = Field(default=121, ge=9)
    #: Frames of the previous chunk (8k+1) each new chunk is conditioned on.
    overlap_frames: int = Field(default=17, ge=1)
    #: Frames over which conditioned edges are eased into the generated ones.
    seam_frames: int = Field(default=6, ge=1)
    num_inference_steps: int = Field(default=30, gt=0)
    #: Steps of a pass that continues frames it is given (the later chunks of a long clip, an extension, a
    #: recut): its first ``overlap_frames`` are pinned, so they, not the sampler, decide most of it, and a small
    #: CPU model makes a 5 s clip in fewer steps. None: ``num_inference_steps``.
    continuation_steps: int | None = Field(default=None, gt=0)
    guidance_scale: float = 3.0
    max_sequence_length: int = 128
    decode_timestep: float = 0.05
    decode_noise_scale: float | None = 0.025
    negative_prompt: str = "worst quality, inconsistent motion, blurry, jittery, distorted"
    sizes: dict[str, dict[str, tuple[int, int]]] = Field(default_factory=lambda: LTX_SIZES)
    #: The frame rate the model was trained at, given to it as its ``frame_rate`` whatever the output fps.
    fps: int | None = None
    #: When set below the requested fps, frames are generated at this rate and interpolated up to the output's:
    #: a small CPU model then makes a 5 s clip in a few passes instead of a dozen.
    generation_fps: int | None = Field(default=None, ge=1)
    #: Factorised text-to-video (as Emu Video): a clip that starts from nothing is made in two passes, a short
    #: text-only pass whose frame ``keyframe_index`` becomes the keyframe, then the clip with that frame pinned
    #: at ``keyframe_index``. For models that draw the right things but cannot decide motion from noise alone
    #: (the toy model: its transformer has no sense of absolute position); None: one pass.
    keyframe_index: int | None = Field(default=None, ge=1)
    #: Models that learnt one motion per clip (the embedded toy model, from 17-frame clips): a clip made from
    #: nothing (text, an image at frame 0, a loop's two ends) is one pass of at most this many frames (8k+1)
    #: whose motion spans the whole duration. The model is told a frame rate as many times its own as the pass
    #: is longer than ``max_frames_per_pass``, so LTX's RoPE sees one of its own clips, slowed down; a longer
    #: clip is generated at a lower rate and interpolated up. Without it each chunk continues the one before,
    #: and a model that knows only short moves starts its move again in every chunk. None: chunks.
    stretch_frames: int | None = Field(default=None, ge=9)
    #: Distilled checkpoints: their own noise levels for each pass (LTX-2 distilled: 8), used instead of
    #: ``num_inference_steps``; ``refine_sigmas`` then refine the result in the same pass (LTX-2: 3 more).
    sigmas: list[float] | None = None
    refine_sigmas: list[float] | None = None
    #: LTX-2's guidance beyond CFG: spatio-temporal guidance (0 = off) and modality isolation (1 = off), and
    #: the sound's own CFG scale (None: ``guidance_scale``). Each one on costs a transformer call per step.
    stg_scale: float = 1.0
    modality_scale: float = 3.0
    audio_guidance_scale: float | None = 7.0
    #: MagCache's calibrated magnitude ratios for this checkpoint (``[engine] mag_cache`` needs them).
    mag_ratios: list[float] | None = None
    #: A table that gives prompts naming no background a contrasting one (``engine.pipelines.completion``).
    prompt_completion: PromptCompletion | None = None

    @model_validator(mode="after")
    def _shapes_the_model_accepts(self) -> "NativeProfile":
        lengths = [("max_frames_per_pass", self.max_frames_per_pass), ("overlap_frames", self.overlap_frames)]
        if self.stretch_frames is not None:
            lengths.append(("stretch_frames", self.stretch_frames))
        for name, value in lengths:
            if (value - 1) % 8:
                raise ValueError(f"{name} must be 8k+1 frames, got {value}")
        for tier, shapes in self.sizes.items():
            for aspect, (width, height) in shapes.items():
                if width % 32 or height % 32:
                    raise ValueError(f"sizes.{tier}.{aspect} must be multiples of 32, got {width}x{height}")
        return self

    def generation_rate(self, fps: int, duration_s: float, *, one_pass: bool = False) -> int:
        """The frame rate a clip of ``duration_s`` asked for at ``fps`` is made at: ``generation_fps`` when lower,
        and for a clip made from nothing (``one_pass``) low enough that it fits in one ``stretch_frames`` pass."""
        rate = min(fps, self.generation_fps or fps)
        if one_pass and self.stretch_frames is not None and duration_s > 0:
            rate = min(rate, max(1, int((self.stretch_frames - 1) // duration_s)))
        return rate

    def native_size(self, resolution: str, aspect: str) -> tuple[int, int]:
        return tuple(self.sizes[resolution][aspect])  # type: ignore[return-value]


def load_profile(model_dir: Path | str | None) -> NativeProfile:
    """The profile saved beside a local model, or the LTX defaults (hub ids, or no file)."""
    if model_dir is not None:
        path = Path(model_dir) / PROFILE_FILE
        if path.is_file():
            return NativeProfile.model_validate(json.loads(path.read_text()))
    return NativeProfile()
