"""The LTX-Video family on diffusers' ``LTXConditionPipeline``: every operation, through its real ``__call__``."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition, retrieve_latents
from PIL import Image

from engine.media.frames import to_uint8
from engine.pipelines.family import Family, FrameCondition, PassRequest
from engine.pipelines.profile import NativeProfile


def _pil(frames: np.ndarray) -> list[Image.Image]:
    return [Image.fromarray(frame) for frame in frames]


def video_to_video_timesteps(steps: int, strength: float = 1.0) -> list[float]:
    """Evenly spaced noise levels for video-to-video, so ``denoise_strength`` is the noise the source is buried in.

    The pipeline's own schedule (linear-quadratic) spends half its steps between sigma 1 and 0.975, and
    ``denoise_strength`` cuts it by step count: strengths 0.6 and 0.8 both started at sigma 0.98, where nothing
    of the source survives (on the embedded model the two gave the same clip, colour and motion unrelated to
    the source). Evenly spaced, strength 0.6 starts at sigma 0.6: the layout and the motion stay.

    The pipeline keeps ``int(len(schedule) * strength)`` of the steps, so the schedule is made long enough that
    ``steps`` remain: a remix gets as many steps as a generation (measured on the embedded model, a recolour at
    0.8 with 13 steps left took in 2 of 6 clips, with 16 in 5 of 6).
    """
    total = max(steps, math.ceil(steps / strength - 1e-9))
    return [1000.0 * (1.0 - i / total) for i in range(total)]


class LTXFamily(Family):
    """Frame conditions at any index and video-to-video by ``denoise_strength`` cover all eight operations."""

    name = "LTX-Video"
    scales_time = True  # frame_rate only scales RoPE's time axis: a stretched pass is told a higher one
    operations = frozenset({"generate", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard"})

    def can_batch(self, *, late_conditions: bool, video_to_video: bool = False) -> bool:
        # diffusers concatenates conditions placed after frame 0 with a batch of one only, and noises given
        # latents with a per-video sigma that does not broadcast over a batch of several.
        return not (late_conditions or video_to_video)

    def __init__(self, pipe, profile: NativeProfile) -> None:
        super().__init__(profile)
        self.pipe = pipe

    def render(self, request: PassRequest, on_step: Callable[[], None]) -> np.ndarray:
        # diffusers concatenates conditions placed after frame 0 with a batch of one only: run those one by one.
        if len(request.prompts) > 1 and any(c.frame_index != 0 for c in request.conditions):
            return np.concatenate([self.render(request.single(i), on_step) for i in range(len(request.prompts))])

        # 1. Conditions in diffusers' own type.
        conditions = [self._condition(c) for c in request.conditions] or None
        # 2. Video-to-video starts from the source's latents, noised to ``denoise_strength``.
        latents = self._encode(request) if request.init_video is not None else None
        steps = request.num_inference_steps or self.profile.num_inference_steps
        timesteps = video_to_video_timesteps(steps, request.denoise_strength) if latents is not None and request.denoise_strength < 1 else None
        guidance_scale = self.profile.guidance_scale

        def step_end(pipe, step: int, timestep, callback_kwargs: dict) -> dict:
            on_step()  # may raise JobCancelled: the loop stops here, at this step
            return {}

        # 3. The pipeline call.
        self.pipeline_calls += 1
        frames = self.pipe(
            conditions=conditions,
            prompt=request.prompts,
            negative_prompt=request.negative_prompts if guidance_scale > 1.0 else None,
            height=request.height,
            width=request.width,
            num_frames=request.num_frames,
            frame_rate=(self.profile.fps or request.fps) * request.time_scale,
            num_inference_steps=steps,
            timesteps=timesteps,
            guidance_scale=guidance_scale,
            generator=request.generators,
            latents=latents,
            denoise_strength=request.denoise_strength,
            decode_timestep=self.profile.decode_timestep,
            decode_noise_scale=self.profile.decode_noise_scale,
            max_sequence_length=self.profile.max_sequence_length,
            callback_on_step_end=step_end,
            output_type="np",
        ).frames
        # 4. Post-process: floats in 0..1 to uint8 frames.
        return to_uint8(np.asarray(frames))

    @staticmethod
    def _condition(condition: FrameCondition) -> LTXVideoCondition:
        if len(condition.frames) == 1:
            return LTXVideoCondition(
                image=Image.fromarray(condition.frames[0]), frame_index=condition.frame_index, strength=condition.strength
            )
        return LTXVideoCondition(
            video=_pil(condition.frames), frame_index=condition.frame_index, strength=condition.strength
        )

    @torch.no_grad()
    def _encode(self, request: PassRequest) -> torch.Tensor:
        """Normalised VAE latents of ``init_video``, one copy per video in the batch."""
        pipe = self.pipe
        device = pipe._execution_device
        video = pipe.video_processor.preprocess_video(_pil(request.init_video), request.height, request.width)
        video = video.to(device=device, dtype=pipe.vae.dtype)
        latents = retrieve_latents(pipe.vae.encode(video), generator=request.generators[0], sample_mode="argmax")
        latents = pipe._normalize_latents(latents, pipe.vae.latents_mean, pipe.vae.latents_std)
        return latents.to(torch.float32).repeat(len(request.prompts), 1, 1, 1, 1)
