"""Memory and speed options for the pipeline loader and the worker (``[engine]`` in reelbot.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator


class EngineOptions(BaseModel):
    """Memory and speed options passed to the pipeline loader."""

    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    #: A shipped profile (``engine/profiles/NAME.json``, e.g. ``ltx2-distilled``) instead of the model's own.
    profile: str | None = None
    #: Keep only the running component on the GPU (diffusers ``enable_model_cpu_offload``).
    cpu_offload: bool = False
    #: Decode the video in tiles so 720p/1080p fit smaller GPUs.
    vae_tiling: bool = False
    #: Stream transformer blocks to the GPU in groups (lowest memory, slower).
    group_offload: bool = False
    #: ``torch.compile`` the transformer's repeated blocks (slow first call, faster after).
    compile: bool = False
    #: First Block Cache threshold; 0 turns it off, ~0.05-0.2 skips work between similar steps.
    first_block_cache: float = Field(default=0.0, ge=0.0, le=1.0)
    #: MagCache threshold (0 off, ~0.06 typical): skips steps whose residual magnitude barely changes; needs the
    #: checkpoint's calibrated ``mag_ratios`` in its profile. Use one cache at a time.
    mag_cache: float = Field(default=0.0, ge=0.0, le=1.0)
    #: Store the transformer's weights in float8 and compute in ``dtype`` (about half the memory, small cost).
    layerwise_casting: bool = False
    #: Denoising steps per pass; the embedded tiny model needs few.
    num_inference_steps: int | None = Field(default=None, gt=0)
    guidance_scale: float | None = None
    #: Compatible jobs run as one pipeline call, up to this many videos.
    max_batch: int = Field(default=4, gt=0)
    #: Seconds a worker waits for more compatible jobs before it starts a batch.
    batch_window_s: float = Field(default=0.5, ge=0)


class MediaOptions(BaseModel):
    """What every delivered clip carries (``[media]`` in reelbot.toml)."""

    #: Text drawn into a corner of every frame before the one encode (``None``: no visible mark).
    watermark: str | None = Field(default=None, max_length=80)
    watermark_corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = "bottom-right"
    #: A TrueType/OpenType font file for the mark (None: Pillow's own, or for Chinese, Japanese or Korean text
    #: the first CJK font installed in a usual place, ``watermark.CJK_FONTS``).
    watermark_font: Path | None = None

    @field_validator("watermark_font")
    @classmethod
    def _font_exists(cls, path: Path | None) -> Path | None:
        if path is not None and not path.expanduser().is_file():
            raise ValueError(f"no font file at {path}")
        return None if path is None else path.expanduser()
