"""Tiny random-weight Wan pipelines, one per kind of Wan checkpoint, so every Wan code path runs in seconds on a CPU.

Like the tiny LTX pipeline (``engine/tiny.py``) the output is coloured noise, but every tensor goes through
diffusers' own Wan code and the same ``save_pretrained`` / ``from_pretrained`` path a real checkpoint takes.
Nothing is downloaded: the tokenizer is a word-level vocabulary made with the ``tokenizers`` library and the
UMT5 text encoder comes from a config. The kinds mirror the checkpoints people run (``engine/pipelines/wan.py``):

- ``ti2v``: Wan 2.2 TI2V-5B — one transformer for text and first-frame, the 2.2 VAE (16x spatial, 48 channels);
- ``t2v``: Wan 2.2 T2V-A14B — two experts (high and low noise) split at ``boundary_ratio``;
- ``i2v``: Wan 2.2 I2V-A14B / 2.1 FLF2V — image-conditioned transformer (first and last frame), two experts;
- ``vace``: Wan 2.1 VACE — a control branch that pins any frames and repaints a whole video.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diffusers import DiffusionPipeline, ModelMixin
    from transformers import PreTrainedTokenizerFast

from engine.pipelines.profile import PROFILE_FILE

KINDS = ("ti2v", "t2v", "i2v", "vace")

#: Words the tiny tokenizer knows; anything else is ``<unk>`` (enough for prompts in tests and demos to differ).
_WORDS = """
a an the and of in on at to from with over under into through near is are
cat dog bird fish horse fox bear whale dolphin robot person car train boat city street forest beach ocean sea
river lake mountain snow rain sun moon sky cloud fire water night day sunset running flying swimming dancing
red orange yellow green blue purple pink black white golden bright dark slow fast calm wild
""".split()

#: The engine's profile for the tiny models: tiny sizes and two steps keep CPU runs fast; passes of 17 frames
#: so a 2 s clip already takes two chunks; Wan conditions on one frame, so each chunk continues from one.
TINY_WAN_PROFILE = {
    "name": "tiny-wan",
    "random_weights": True,
    "max_frames_per_pass": 17,
    "overlap_frames": 1,
    "seam_frames": 2,
    "num_inference_steps": 2,
    "guidance_scale": 1.0,
    "max_sequence_length": 16,
    "negative_prompt": "",
    "sizes": {tier: {"16:9": [64, 32], "9:16": [32, 64], "1:1": [32, 32]} for tier in ("480p", "720p", "1080p")},
}


def build_tokenizer() -> PreTrainedTokenizerFast:
    """A word-level fast tokenizer that appends ``</s>`` like UMT5's; ``from_pretrained`` loads it back."""
    from tokenizers import normalizers, pre_tokenizers

    from engine.wordlevel import word_level_tokenizer

    return word_level_tokenizer(
        sorted(set(_WORDS)),
        normalizer=normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()]),
        pre_tokenizer=pre_tokenizers.Whitespace(),
        max_length=int(TINY_WAN_PROFILE["max_sequence_length"]),
    )


def _transformer(cls: type[ModelMixin], seed: int, in_channels: int, out_channels: int, **extra: object) -> ModelMixin:
    import torch

    torch.manual_seed(seed)
    return cls(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=in_channels,
        out_channels=out_channels,
        text_dim=32,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
        **extra,
    )


def build_tiny_wan_pipeline(kind: str = "ti2v", seed: int = 0) -> DiffusionPipeline:
    """The tiny Wan pipeline of ``kind`` in memory, as the class a real checkpoint of that kind loads as."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        UniPCMultistepScheduler,
        WanImageToVideoPipeline,
        WanPipeline,
        WanTransformer3DModel,
        WanVACEPipeline,
        WanVACETransformer3DModel,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    tokenizer = build_tokenizer()
    torch.manual_seed(seed)
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=4,
            relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        )
    )
    torch.manual_seed(seed)
    if kind == "ti2v":  # the Wan 2.2 VAE: 2x2 patches in and out, so 16x in space and 48 latent channels
        vae = AutoencoderKLWan(
            base_dim=4, z_dim=48, in_channels=12, out_channels=12, is_residual=True, patch_size=2,
            latents_mean=[0.0] * 48, latents_std=[1.0] * 48, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
            scale_factor_spatial=16, scale_factor_temporal=4, temperal_downsample=[False, True, True],
        )
    else:
        vae = AutoencoderKLWan(base_dim=4, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                               temperal_downsample=[False, True, True])
    z = vae.config.z_dim
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    common = {"tokenizer": tokenizer, "text_encoder": text_encoder, "vae": vae, "scheduler": scheduler}
    if kind == "ti2v":
        return WanPipeline(**common, transformer=_transformer(WanTransformer3DModel, seed, z, z), expand_timesteps=True)
    if kind == "t2v":
        return WanPipeline(
            **common,
            transformer=_transformer(WanTransformer3DModel, seed, z, z),
            transformer_2=_transformer(WanTransformer3DModel, seed + 1, z, z),
            boundary_ratio=0.875,
        )
    if kind == "i2v":  # noise + (4 mask channels + the encoded first/last frames), as Wan's I2V transformers take
        return WanImageToVideoPipeline(
            **common,
            transformer=_transformer(WanTransformer3DModel, seed, 2 * z + 4, z),
            transformer_2=_transformer(WanTransformer3DModel, seed + 1, 2 * z + 4, z),
            boundary_ratio=0.9,
        )
    return WanVACEPipeline(
        **common,
        transformer=_transformer(WanVACETransformer3DModel, seed, z, z, vace_layers=[0, 1], vace_in_channels=96),
    )


def write_tiny_wan_pipeline(directory: Path | str, kind: str = "ti2v", seed: int = 0) -> Path:
    """Build the tiny Wan pipeline of ``kind`` and ``save_pretrained`` it (plus the engine profile) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    build_tiny_wan_pipeline(kind, seed).save_pretrained(directory)
    profile = {**TINY_WAN_PROFILE, "name": f"tiny-wan-{kind}"}
    (directory / PROFILE_FILE).write_text(json.dumps(profile, indent=2) + "\n")
    return directory
