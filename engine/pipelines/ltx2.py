"""The LTX-2 family on diffusers' ``LTX2ConditionPipeline``: video and its sound made together, every operation.

Frames are pinned at any index (``LTX2VideoCondition``), so the eight operations work as on LTX-Video. Each
pass returns its audio too (audio VAE + vocoder), covering the same seconds as its frames. Video-to-video
starts from the source's VAE latents noised to ``denoise_strength`` (the sigma schedule starts there). The
distilled checkpoints run their own short sigma schedule (``profile.sigmas``: 8 steps at guidance 1), then
optionally a refinement of the result (``profile.refine_sigmas``: 3 steps) in the same pass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from PIL import Image

from engine.media.frames import to_uint8
from engine.pipelines.family import Family, FrameCondition, PassRequest, PassResult
from engine.pipelines.profile import NativeProfile


def _pil(frames: np.ndarray) -> list[Image.Image]:
    return [Image.fromarray(frame) for frame in frames]


def video_to_video_sigmas(steps: int, strength: float) -> list[float]:
    """``steps`` evenly spaced noise levels from ``strength`` down: the source buried that deep, then denoised."""
    return [strength * (1.0 - i / steps) for i in range(steps)]


def register_block_for_caches() -> None:
    """Let diffusers' First Block Cache and MagCache skip LTX-2's blocks (diffusers 0.42 lists no metadata for
    them): a block returns ``(video, audio)``, and the audio stream takes the slot the caches keep for encoder
    states, so both streams' residuals are cached and reapplied together."""
    from diffusers.hooks._helpers import TransformerBlockMetadata, TransformerBlockRegistry
    from diffusers.models.transformers.transformer_ltx2 import LTX2VideoTransformerBlock

    TransformerBlockRegistry.register(LTX2VideoTransformerBlock, TransformerBlockMetadata(
        return_hidden_states_index=0, return_encoder_hidden_states_index=1,
        encoder_hidden_states_argument_name="audio_hidden_states",
    ))


class LTX2Family(Family):
    """LTX-2 (with sound): all eight operations through ``LTX2ConditionPipeline.__call__``."""

    name = "LTX-2"
    operations = frozenset({"generate", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard"})
    makes_audio = True

    def __init__(self, pipe, profile: NativeProfile) -> None:
        super().__init__(profile)
        self.pipe = pipe

    def can_batch(self, *, late_conditions: bool, video_to_video: bool = False) -> bool:
        # The pipeline draws every video's noise from one generator: alone, each video is its seed's clip.
        return False

    def pass_steps(self, *, video_to_video: bool = False, denoise_strength: float = 1.0, continues: bool = False) -> int:
        # A distilled checkpoint's noise levels are fixed: a continuation runs them all, whatever continuation_steps.
        steps = super().pass_steps(video_to_video=video_to_video, continues=continues and not self.profile.sigmas)
        sigmas = self._sigmas(steps, video_to_video, denoise_strength)
        return (steps if sigmas is None else len(sigmas)) + len(self.profile.refine_sigmas or [])

    def _sigmas(self, steps: int, video_to_video: bool, strength: float) -> list[float] | None:
        """The noise levels of the main stage (None: the pipeline's own schedule of ``steps``)."""
        distilled = self.profile.sigmas
        if video_to_video and strength < 1.0:
            if distilled:
                return [s for s in distilled if s <= strength] or [distilled[-1]]
            return video_to_video_sigmas(steps, strength)
        return list(distilled) if distilled else None

    def render(self, request: PassRequest, on_step: Callable[[], None]) -> PassResult:
        if len(request.prompts) > 1:
            results = [self.render(request.single(i), on_step) for i in range(len(request.prompts))]
            return PassResult(
                frames=np.concatenate([r.frames for r in results]),
                audio=np.concatenate([r.audio for r in results]),
                sample_rate=results[0].sample_rate,
            )
        profile = self.profile
        # 1. Conditions in diffusers' own type.
        conditions = [self._condition(c) for c in request.conditions] or None
        # 2. Video-to-video starts from the source's latents; the schedule starts at ``denoise_strength``.
        video_to_video = request.init_video is not None and request.denoise_strength < 1.0
        latents = self._encode(request) if video_to_video else None
        steps = request.num_inference_steps or self.pass_steps(
            video_to_video=video_to_video, denoise_strength=request.denoise_strength
        )
        refine = list(profile.refine_sigmas or [])
        sigmas = self._sigmas(steps - len(refine), video_to_video, request.denoise_strength)
        main_steps = steps - len(refine) if sigmas is None else len(sigmas)

        def step_end(pipe, step: int, timestep, callback_kwargs: dict) -> dict:
            on_step()  # may raise JobCancelled: the loop stops here, at this step
            return {}

        call = dict(
            conditions=conditions,
            prompt=request.prompts,
            negative_prompt=request.negative_prompts if profile.guidance_scale > 1.0 else None,
            height=request.height,
            width=request.width,
            num_frames=request.num_frames,
            frame_rate=float(request.fps),  # the sound lasts num_frames / fps: exactly the frames' seconds
            guidance_scale=profile.guidance_scale,
            stg_scale=profile.stg_scale,
            modality_scale=profile.modality_scale,
            audio_guidance_scale=profile.audio_guidance_scale,
            audio_stg_scale=profile.stg_scale,
            audio_modality_scale=profile.modality_scale,
            generator=request.generators[0],
            decode_timestep=profile.decode_timestep,
            decode_noise_scale=profile.decode_noise_scale,
            max_sequence_length=profile.max_sequence_length,
            callback_on_step_end=step_end,
        )
        # 3. The main stage (and 4. the refinement of its latents, for distilled checkpoints).
        self.pipeline_calls += 1
        if refine:
            video, audio = self.pipe(**call, num_inference_steps=main_steps, sigmas=sigmas, latents=latents,
                                     output_type="latent", return_dict=False)
            self.pipeline_calls += 1
            video, audio = self.pipe(**call, num_inference_steps=len(refine),
                                     sigmas=refine, latents=video, audio_latents=audio, output_type="np",
                                     return_dict=False)
        else:
            video, audio = self.pipe(**call, num_inference_steps=main_steps, sigmas=sigmas, latents=latents,
                                     output_type="np", return_dict=False)
        # 5. Post-process: uint8 frames, float32 sound at the vocoder's rate.
        return PassResult(
            frames=to_uint8(np.asarray(video)),
            audio=audio.detach().to(torch.float32).cpu().numpy(),
            sample_rate=int(self.pipe.vocoder.config.output_sampling_rate),
        )

    def _condition(self, condition: FrameCondition):
        """LTX-2 places conditions by latent frame: latent 0 is frame 0, latent ``k`` starts at frame
        ``8(k-1)+1``; a frame index lands in the latent frame that holds it."""
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        ratio = self.pipe.vae_temporal_compression_ratio
        index = 0 if condition.frame_index == 0 else (condition.frame_index - 1) // ratio + 1
        frames = Image.fromarray(condition.frames[0]) if len(condition.frames) == 1 else _pil(condition.frames)
        return LTX2VideoCondition(frames=frames, index=index, strength=condition.strength)

    @torch.no_grad()
    def _encode(self, request: PassRequest) -> torch.Tensor:
        """The source's VAE latents (unnormalised, as the pipeline's ``latents`` argument takes them)."""
        pipe = self.pipe
        video = pipe.video_processor.preprocess_video(_pil(request.init_video), request.height, request.width)
        video = video.to(device=pipe._execution_device, dtype=pipe.vae.dtype)
        return pipe.vae.encode(video).latent_dist.mode().to(torch.float32)
