"""A tiny LTX-Video pipeline built from configs, so tests and newcomers can run every operation in seconds.

The weights are random: the output is coloured noise, but every tensor goes through the same diffusers code
(``LTXConditionPipeline``: T5 text encoder, transformer, causal video VAE, flow-matching scheduler) and the
same ``save_pretrained`` / ``from_pretrained`` path a real model takes. Nothing is downloaded: the tokenizer is
a word-level vocabulary made with the ``tokenizers`` library and the text encoder comes from a ``T5Config``.
"""

from __future__ import annotations

import json
from pathlib import Path

#: Words the tiny tokenizer knows; anything else becomes ``<unk>``. Enough for tests and demos to differ.
_WORDS = """
a an the and or of in on at to from with by for over under into through near behind above below
is are was be walking running flying swimming dancing jumping sitting standing falling rising moving
cat dog bird fish horse fox bear lion tiger wolf owl whale dolphin dragon robot person man woman child
car train boat ship plane bike rocket city street forest beach ocean sea river lake mountain hill desert
snow rain storm sun moon star sky cloud clouds fire water light night day morning evening sunset sunrise
red orange yellow green blue purple pink black white gray golden silver bright dark neon soft warm cold
big small tiny giant old new fast slow calm wild happy sad quiet loud beautiful cinematic slowly quickly
camera pan zoom close up wide shot view aerial drone tracking portrait landscape scene style film anime
painting watercolor cartoon realistic photo sketch pixel retro futuristic vintage
make it more less turn change into add remove keep continue loop blend cut extend then after before end
""".split()

#: The special tokens, in T5's order.

#: Profile the engine reads beside the model (native sizes, steps): tiny sizes keep CPU runs fast.
TINY_PROFILE = {
    "name": "tiny-ltx",
    "random_weights": True,
    "fps": 24,
    "max_frames_per_pass": 49,
    "overlap_frames": 9,
    "num_inference_steps": 2,
    "guidance_scale": 1.0,
    "max_sequence_length": 32,
    "decode_timestep": 0.0,
    "sizes": {
        tier: {"16:9": [96, 64], "9:16": [64, 96], "1:1": [64, 64]} for tier in ("480p", "720p", "1080p")
    },
}

PROFILE_FILE = "reelbot.json"


def build_tokenizer():
    """A word-level fast tokenizer that appends ``</s>`` like T5's, wrapped so ``from_pretrained`` loads it."""
    from tokenizers import normalizers, pre_tokenizers

    from engine.wordlevel import word_level_tokenizer

    return word_level_tokenizer(
        sorted(set(_WORDS)),
        normalizer=normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()]),
        pre_tokenizer=pre_tokenizers.Whitespace(),
        max_length=int(TINY_PROFILE["max_sequence_length"]),
    )


def build_tiny_pipeline(seed: int = 0):
    """The tiny ``LTXConditionPipeline`` in memory (random weights, reproducible from ``seed``)."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXConditionPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    tokenizer = build_tokenizer()
    torch.manual_seed(seed)
    text_encoder = T5EncoderModel(
        T5Config(
            vocab_size=len(tokenizer),
            d_model=32,
            d_kv=8,
            d_ff=64,
            num_layers=1,
            num_heads=4,
            relative_attention_num_buckets=8,
            pad_token_id=0,
            eos_token_id=1,
            decoder_start_token_id=0,
        )
    )
    torch.manual_seed(seed)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=2,
        attention_head_dim=8,
        cross_attention_dim=16,
        num_layers=1,
        caption_channels=32,
    )
    torch.manual_seed(seed)
    # patch_size 4 and three 2x space-time downsamplings give LTX's real ratios: 32x in space, 8x in time.
    vae = AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True, False),
        decoder_spatio_temporal_scaling=(True, True, True, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False,
        patch_size=4,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    scheduler = FlowMatchEulerDiscreteScheduler()
    return LTXConditionPipeline(
        scheduler=scheduler, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, transformer=transformer
    )


#: The tiny LTX-2's profile: like the tiny LTX's, without LTX-2's extra guidance passes (one call a step).
TINY_LTX2_PROFILE = {
    **TINY_PROFILE,
    "name": "tiny-ltx2",
    "stg_scale": 0.0,
    "modality_scale": 1.0,
    "audio_guidance_scale": None,
}


def build_tiny_ltx2_pipeline(seed: int = 0):
    """The tiny ``LTX2ConditionPipeline`` in memory: diffusers' own test components, made a little more real
    (two transformer blocks, as there: First Block Cache needs a first block and a rest).

    As in diffusers' ``tests/pipelines/ltx2/test_ltx2_condition.py``, plus: a Gemma-3 text model from a config
    (no download) over the word-level tokenizer, a video VAE with LTX's real ratios (32x in space, 8x in time),
    and a vocoder whose upsampling equals the mel hop, so its sound lasts exactly as long as the frames.
    """
    import torch
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2ConditionPipeline,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3TextConfig, Gemma3TextModel

    tokenizer = build_tokenizer()
    hidden, layers = 32, 1
    torch.manual_seed(seed)
    text_encoder = Gemma3TextModel(Gemma3TextConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=64, num_hidden_layers=layers,
        num_attention_heads=2, num_key_value_heads=1, head_dim=8, max_position_embeddings=64, sliding_window=16,
        pad_token_id=0, eos_token_id=1, bos_token_id=1,
    ))
    torch.manual_seed(seed)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=2, attention_head_dim=8,
        cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4, audio_num_attention_heads=2,
        audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2, qk_norm="rms_norm_across_heads",
        caption_channels=hidden, rope_double_precision=False, rope_type="split",
    )
    torch.manual_seed(seed)
    connectors = LTX2TextConnectors(
        caption_channels=hidden, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8, video_connector_num_layers=1,
        video_connector_num_learnable_registers=None, audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None, connector_rope_base_seq_len=32, rope_theta=10000.0,
        rope_double_precision=False, causal_temporal_positioning=False, rope_type="split",
    )
    torch.manual_seed(seed)
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8), layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True, True), decoder_spatio_temporal_scaling=(True, True, True),
        decoder_inject_noise=(False, False, False, False), upsample_residual=(False, False, False),
        upsample_factor=(1, 1, 1), timestep_conditioning=False, patch_size=4, patch_size_t=1,
        encoder_causal=True, decoder_causal=False, spatial_compression_ratio=32, temporal_compression_ratio=8,
    )
    torch.manual_seed(seed)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1, attn_resolutions=None, in_channels=2,
        resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height", dropout=0.0,
        mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8,
    )
    torch.manual_seed(seed)
    vocoder = LTX2Vocoder(  # upsampling 4 * 4 * 10 = the mel hop of 160 samples: 16 kHz out
        in_channels=2 * 8, hidden_channels=32, out_channels=2, upsample_kernel_sizes=[8, 8, 20],
        upsample_factors=[4, 4, 10], resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]],
        leaky_relu_negative_slope=0.1, output_sampling_rate=16000,
    )
    return LTX2ConditionPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, audio_vae=audio_vae, text_encoder=text_encoder,
        tokenizer=tokenizer, connectors=connectors, transformer=transformer, vocoder=vocoder, audio_scheduler=None,
    )


#: ``reelbot model tiny --family``: the families a tiny pipeline can be written for.
FAMILIES = ("ltx", "ltx2", "wan")


def write_tiny_pipeline(directory: Path | str, seed: int = 0, family: str = "ltx") -> Path:
    """Build the tiny pipeline of ``family`` and ``save_pretrained`` it (plus the engine profile) into
    ``directory``. ``wan`` is the Wan engineer's builder (``engine/pipelines/wan_tiny.py``)."""
    directory = Path(directory)
    if family == "wan":
        from engine.pipelines.wan_tiny import write_tiny_wan_pipeline

        return write_tiny_wan_pipeline(directory, seed=seed)
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    directory.mkdir(parents=True, exist_ok=True)
    pipe, profile = (build_tiny_ltx2_pipeline(seed), TINY_LTX2_PROFILE) if family == "ltx2" else (
        build_tiny_pipeline(seed), TINY_PROFILE)
    pipe.save_pretrained(directory)
    (directory / PROFILE_FILE).write_text(json.dumps(profile, indent=2) + "\n")
    return directory
