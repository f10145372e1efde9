"""The Wan 2.1 / 2.2 family: one loaded set of weights, every diffusers Wan pipeline that can use them.

A Wan checkpoint loads as the pipeline its ``model_index.json`` names; the other Wan pipelines are built from
the same components with ``from_pipe`` (no weights copied, nothing loaded twice), and each pass goes to the one
that can honour it. What a checkpoint can do follows from its transformer, so it is read off the weights:

========  =====================================  ==================================================
kind      checkpoints                            pipelines used
========  =====================================  ==================================================
``ti2v``  Wan 2.2 TI2V-5B                        text (WanPipeline), first frame (ImageToVideo),
                                                 video-to-video
``t2v``   Wan 2.1 T2V, Wan 2.2 T2V-A14B          text, video-to-video
``i2v``   Wan 2.1 I2V / FLF2V, Wan 2.2 I2V-A14B  first frame, first and last frame (ImageToVideo)
``vace``  Wan 2.1 VACE, Wan 2.2 VACE-Fun         any frames pinned, a whole video repainted (VACE)
========  =====================================  ==================================================

Wan pins whole frames, one at each end (VACE: any), so chunks continue from one frame (``overlap_frames``
is 1). Wan makes no sound. What a checkpoint cannot do is refused with the reason, never approximated.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from engine.errors import UnsupportedOperation
from engine.media.frames import interpolate, to_uint8
from engine.pipelines.family import Family, PassRequest
from engine.pipelines.profile import PROFILE_FILE, NativeProfile

if TYPE_CHECKING:
    from diffusers import DiffusionPipeline

log = logging.getLogger(__name__)

#: What each kind of checkpoint does honestly (see the module docstring).
OPERATIONS: dict[str, frozenset[str]] = {
    "ti2v": frozenset({"generate", "animate", "extend", "recut", "remix", "storyboard"}),
    "t2v": frozenset({"generate", "remix"}),
    "i2v": frozenset({"animate", "extend", "recut", "blend", "loop"}),
    "vace": frozenset({"generate", "animate", "extend", "recut", "blend", "loop", "remix", "storyboard"}),
}

#: Why a checkpoint refuses: ``(code, reason)``. The code is the error's ``code``, which the bot words in the
#: user's language (``bot.i18n.REASONS``); the reason is the English the logs and the CLI show.
_NO_FRAMES = ("unsupported_text_only", "it is a text-to-video checkpoint and cannot be given frames to start or end on")
_NO_TEXT_ONLY = (
    "unsupported_needs_image",
    "it is an image-to-video checkpoint: every clip starts from a frame, so it cannot start from text",
)
_NO_LAST_FRAME = ("unsupported_first_frame_only", "Wan 2.2 TI2V pins only the first frame (diffusers ignores last_image for it)")
_NO_REPAINT = (
    "unsupported_no_remix",
    "its transformer takes frames to pin, not a video to repaint (video-to-video needs a T2V, TI2V or VACE checkpoint)",
)
_PINS_ENDS_ONLY = ("unsupported_pinned_frame", "only a VACE checkpoint pins frames anywhere")
#: Why a kind cannot do an operation.
WHY_NOT: dict[str, dict[str, tuple[str, str]]] = {
    "ti2v": {"blend": _NO_LAST_FRAME, "loop": _NO_LAST_FRAME},
    "t2v": {op: _NO_FRAMES for op in ("animate", "extend", "recut", "blend", "loop", "storyboard")},
    "i2v": {"generate": _NO_TEXT_ONLY, "storyboard": _NO_TEXT_ONLY, "remix": _NO_REPAINT},
    "vace": {},
}
#: Profiles shipped for the Wan 2.2 checkpoints; a ``reelbot.json`` beside a model overrides them.
PROFILES_DIR = Path(__file__).resolve().parents[1] / "profiles"
#: The shipped profile each kind starts from: TI2V-5B's (24 fps, 121 frames) or A14B's (16 fps, 81 frames).
DEFAULT_PROFILES = {"ti2v": "wan2.2-ti2v-5b.json", "t2v": "wan2.2-a14b.json", "i2v": "wan2.2-a14b.json",
                    "vace": "wan2.2-a14b.json"}
#: The grey VACE fills the frames it should generate with (0 in the VAE's -1..1 range).
_VACE_FILL = 127


def wan_kind(pipe: DiffusionPipeline) -> str:
    """``ti2v``, ``t2v``, ``i2v`` or ``vace``: read off the transformer, whatever class loaded it."""
    from diffusers import WanVACETransformer3DModel

    transformer = pipe.transformer if pipe.transformer is not None else pipe.transformer_2
    if isinstance(transformer, WanVACETransformer3DModel):
        return "vace"
    if transformer.config.in_channels > pipe.vae.config.z_dim:  # noise + mask + encoded first/last frames
        return "i2v"
    return "ti2v" if pipe.config.get("expand_timesteps", False) else "t2v"


def wan_profile(model_dir: Path | str, pipe: DiffusionPipeline) -> NativeProfile:
    """The model's own ``reelbot.json``, else the shipped profile for its kind (never LTX's defaults)."""
    own = Path(model_dir) / PROFILE_FILE
    path = own if own.is_file() else PROFILES_DIR / DEFAULT_PROFILES[wan_kind(pipe)]
    return NativeProfile.model_validate(json.loads(path.read_text()))


def video_to_video_schedule(scheduler: object, steps: int, strength: float) -> tuple[int, float]:
    """``(num_inference_steps, strength)`` for diffusers' Wan video-to-video so that it runs ``steps`` steps
    from noise level ``strength``: a remix's strength is the noise the source is buried in, as on LTX-Video.

    ``WanVideoToVideoPipeline`` keeps the last ``int(length * strength)`` steps of Wan's shifted schedule
    (UniPC, which takes no custom timesteps). Taken as a step fraction, strength 0.6 started at sigma 0.88 on
    TI2V-5B (shift 5) and 0.95 on T2V-A14B (shift 12), where little of the source survives; and it ran 60% of
    a generation's steps. Here the schedule is lengthened until the step ``steps`` from its end is at noise
    ``strength`` or just below, and diffusers is asked to keep exactly those ``steps``.
    """
    if strength >= 1.0:
        return steps, 1.0

    def first_sigma(length: int) -> float:
        scheduler.set_timesteps(length)
        return float(scheduler.sigmas[length - steps])

    low, high = steps, steps * 2  # first_sigma falls as the schedule lengthens: double, then bisect
    while first_sigma(high) > strength and high < 2**20:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if first_sigma(middle) > strength else (low, middle)
    return high, min(1.0, (steps + 0.5) / high)  # int(high * strength) == steps


def _pil(frames: np.ndarray) -> list[Image.Image]:
    """RGB frames ``(F, H, W, 3)`` or masks ``(F, H, W)`` as the PIL images diffusers takes."""
    return [Image.fromarray(frame) for frame in frames]


class WanFamily(Family):
    """Wan on diffusers: ``render`` picks the pipeline for each pass from what the pass pins."""

    name = "Wan"

    def __init__(self, pipe: DiffusionPipeline, profile: NativeProfile) -> None:
        self.kind = wan_kind(pipe)
        if self.kind != "vace" and profile.overlap_frames != 1:
            log.info("Wan pins single frames: continuing chunks from 1 frame, not %s", profile.overlap_frames)
            profile = profile.model_copy(update={"overlap_frames": 1})
        super().__init__(profile)
        self.pipe = pipe
        self.operations = OPERATIONS[self.kind]
        self._pipelines = {type(pipe): pipe}

    # --- the Family interface -----------------------------------------------------------------------------

    def require(self, operation: str) -> None:
        if operation not in self.operations:
            code, reason = WHY_NOT[self.kind].get(operation, ("unsupported_operation", "the checkpoint lacks it"))
            raise UnsupportedOperation(
                f"this {self.name} model ({self.kind}) cannot do '{operation}': {reason}; "
                f"it can do: {', '.join(sorted(self.operations))}",
                code=code,
            )

    def can_batch(self, *, late_conditions: bool, video_to_video: bool = False) -> bool:
        """Text and image-to-video share one call across videos; VACE makes one video per call."""
        return self.kind != "vace"

    def render(self, request: PassRequest, on_step: Callable[[], None]) -> np.ndarray:
        if self.kind == "vace":
            # diffusers' VACE encodes one conditioning video per call: one call per video.
            return np.concatenate([self._vace(request.single(i), on_step) for i in range(len(request.prompts))])
        if request.init_video is not None:
            return self._video_to_video(request, on_step)
        first, last, last_index = self._first_and_last(request)
        if first is None:
            return self._text_to_video(request, on_step)
        return self._image_to_video(request, first, last, last_index, on_step)

    # --- one method per pipeline ----------------------------------------------------------------------------

    def _text_to_video(self, request: PassRequest, on_step: Callable[[], None]) -> np.ndarray:
        from diffusers import WanPipeline

        if self.kind == "i2v":
            code, reason = _NO_TEXT_ONLY
            raise UnsupportedOperation(f"this {self.name} model ({self.kind}) cannot make a clip from text: {reason}", code=code)
        return self._call(WanPipeline, request, on_step)

    def _image_to_video(
        self, request: PassRequest, first: np.ndarray, last: np.ndarray | None, last_index: int,
        on_step: Callable[[], None],
    ) -> np.ndarray:
        """First frame (and last, pinned at ``last_index``): Wan pins the call's last frame, so a last frame
        before the pass's end is made by a call that ends there (4k+1 frames), eased to the exact index."""
        from diffusers import WanImageToVideoPipeline

        # 1. How long the call is: the whole pass, or up to the pinned last frame (Wan needs 4k+1 frames).
        num_frames = request.num_frames if last is None else 4 * math.ceil(last_index / 4) + 1
        # 2. The call.
        frames = self._call(
            WanImageToVideoPipeline, request, on_step, num_frames=num_frames,
            image=Image.fromarray(first), last_image=None if last is None else Image.fromarray(last),
        )
        if last is None:
            return frames
        # 3. The pinned last frame lands on ``last_index`` exactly; frames after it (the pass rounds up to
        #    8k+1) are never delivered, so they hold it.
        out = np.empty((len(frames), request.num_frames, *frames.shape[2:]), dtype=np.uint8)
        for index, video in enumerate(frames):
            out[index, : last_index + 1] = interpolate(video, num_frames - 1, last_index, last_index + 1)
            out[index, last_index + 1 :] = video[-1]
        return out

    def _video_to_video(self, request: PassRequest, on_step: Callable[[], None]) -> np.ndarray:
        """diffusers' SDEdit for Wan: the source noised to ``denoise_strength`` (a noise level, see
        :func:`video_to_video_schedule`) and denoised toward the prompt in the profile's steps.

        It pins no frames: a later chunk of a long remix follows its own stretch of the source.
        """
        from diffusers import WanVideoToVideoPipeline

        pipe = self._pipeline(WanVideoToVideoPipeline)
        steps = self._steps(request)
        length, strength = video_to_video_schedule(pipe.scheduler, steps, request.denoise_strength)
        switch = self._experts(pipe, length, steps)
        try:
            return self._call(
                WanVideoToVideoPipeline, request, on_step, video=_pil(request.init_video), strength=strength,
                num_inference_steps=length, on_step_end=switch,
            )
        finally:
            pipe.transformer = self.pipe.transformer if self.pipe.transformer is not None else self.pipe.transformer_2

    def _vace(self, request: PassRequest, on_step: Callable[[], None]) -> np.ndarray:
        """VACE: a video with the known frames in place and a mask that is white where frames are to be made.

        A remix gives the whole source with an all-white mask: VACE repaints every frame guided by it (its
        strength is not a noise level, so ``denoise_strength`` has no say). Pinned frames are black in the mask.
        """
        from diffusers import WanVACEPipeline

        size = (request.num_frames, request.height, request.width)
        if request.init_video is not None:
            video = request.init_video[: request.num_frames].copy()
        else:
            video = np.full((*size, 3), _VACE_FILL, dtype=np.uint8)
        mask = np.full(size, 255, dtype=np.uint8)
        for condition in request.conditions:
            end = min(condition.frame_index + len(condition.frames), request.num_frames)
            video[condition.frame_index : end] = condition.frames[: end - condition.frame_index]
            mask[condition.frame_index : end] = 0
        # diffusers' VACE takes one prompt as a string and one generator.
        negative = request.negative_prompts[0] if self.profile.guidance_scale > 1.0 else None
        return self._call(
            WanVACEPipeline, request, on_step, video=_pil(video), mask=_pil(mask),
            prompt=request.prompts[0], negative_prompt=negative, generator=request.generators[0],
        )

    # --- shared -------------------------------------------------------------------------------------------

    def _first_and_last(self, request: PassRequest) -> tuple[np.ndarray | None, np.ndarray | None, int]:
        """The frames an image-to-video call pins, checked against what Wan can pin: frame 0 and one later."""
        if request.conditions and self.kind == "t2v":
            code, reason = _NO_FRAMES
            raise UnsupportedOperation(f"this {self.name} model ({self.kind}) cannot pin frames: {reason}", code=code)
        first = last = None
        last_index = request.num_frames - 1
        for condition in sorted(request.conditions, key=lambda c: c.frame_index):
            if condition.frame_index == 0 and first is None:
                first = condition.frames[-1] if len(condition.frames) == 1 else None
                if first is None:
                    raise UnsupportedOperation(
                        f"{self.name} continues from one frame, not {len(condition.frames)}", code=_PINS_ENDS_ONLY[0]
                    )
            elif last is None and first is not None and self.kind == "i2v":
                last, last_index = condition.frames[0], condition.frame_index
            else:
                where = "before the first frame is pinned" if first is None else "besides the first frame"
                code, reason = _PINS_ENDS_ONLY
                raise UnsupportedOperation(
                    f"this {self.name} model ({self.kind}) cannot pin a frame at index {condition.frame_index} "
                    f"{where}: {reason}",
                    code=code,
                )
        return first, last, last_index

    def _pipeline(self, cls: type[DiffusionPipeline]) -> DiffusionPipeline:
        """The pipeline of class ``cls`` over the loaded components (built once, sharing every weight)."""
        if cls not in self._pipelines:
            pipe = cls.from_pipe(self.pipe)
            pipe.set_progress_bar_config(disable=True)
            # diffusers' video-to-video and VACE derive the spatial factor from the VAE's downsampling alone;
            # the Wan 2.2 VAE also patchifies 2x2 first (16x, not 8x).
            factor = self.pipe.vae.config.scale_factor_spatial
            if getattr(pipe, "vae_scale_factor_spatial", factor) != factor:
                from diffusers.video_processor import VideoProcessor

                pipe.vae_scale_factor_spatial = factor
                pipe.video_processor = VideoProcessor(vae_scale_factor=factor)
            self._pipelines[cls] = pipe
        return self._pipelines[cls]

    def _steps(self, request: PassRequest) -> int:
        """What the render plan gave this pass (every Wan pass runs the profile's steps, a remix too: see
        :func:`video_to_video_schedule`; VACE never cuts its schedule)."""
        return request.num_inference_steps or self.profile.num_inference_steps

    def _experts(self, pipe: DiffusionPipeline, length: int, kept: int) -> Callable[[int], None] | None:
        """Wan 2.2 A14B's two experts in video-to-video, which diffusers runs with one transformer: the
        high-noise expert above ``boundary_ratio``, the low-noise one below, as WanPipeline switches them.
        Returns what to call after each step (None for a one-transformer checkpoint)."""
        high, low = self.pipe.transformer, getattr(self.pipe, "transformer_2", None)
        ratio = self.pipe.config.get("boundary_ratio")
        if low is None or ratio is None:
            if high is not None:
                pipe.transformer = high
            return None
        pipe.scheduler.set_timesteps(length)
        timesteps = pipe.scheduler.timesteps[length - kept :]
        boundary = ratio * pipe.scheduler.config.num_train_timesteps
        experts = [high if (t >= boundary and high is not None) else low for t in timesteps]
        pipe.transformer = experts[0]

        def switch(step: int) -> None:
            if step + 1 < len(experts):
                pipe.transformer = experts[step + 1]

        return switch

    def _call(
        self,
        cls: type[DiffusionPipeline],
        request: PassRequest,
        on_step: Callable[[], None],
        on_step_end: Callable[[int], None] | None = None,
        **call: object,
    ) -> np.ndarray:
        """One ``__call__`` of the ``cls`` pipeline: the request's prompts, size and generators, ``call`` on top."""
        pipe = self._pipeline(cls)
        guidance_scale = self.profile.guidance_scale

        def step_end(pipe: DiffusionPipeline, step: int, timestep: object, callback_kwargs: dict) -> dict:
            on_step()  # may raise JobCancelled: the loop stops here, at this step
            if on_step_end is not None:
                on_step_end(step)
            return {}

        arguments = {
            "prompt": request.prompts,
            "negative_prompt": request.negative_prompts if guidance_scale > 1.0 else None,
            "height": request.height,
            "width": request.width,
            "num_frames": request.num_frames,
            "num_inference_steps": self._steps(request),
            "guidance_scale": guidance_scale,
            "generator": request.generators,
            "max_sequence_length": self.profile.max_sequence_length,
            "callback_on_step_end": step_end,
            "output_type": "np",
            **call,
        }
        if cls.__name__ == "WanVideoToVideoPipeline":
            del arguments["num_frames"]  # the source video sets the length
        self.pipeline_calls += 1
        return to_uint8(np.asarray(pipe(**arguments).frames))
