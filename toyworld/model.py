"""The toy model's components: the production LTX-Video classes, built small from configs.

A VAE that patchifies 4x4 first and downsamples once in space and time (8x in space, 2x in time: a 64x64x17
clip is 8x8x9 latents), a transformer over those latents, and a small T5 encoder over the world's vocabulary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of the three trained components; the defaults are the embedded model's."""

    latent_channels: int = 16
    vae_channels: tuple[int, int] = (32, 64)
    #: 8 heads over 128 channels: LTX's rotary embedding spreads its frequencies over the channels, and at
    #: 64 channels only one head saw positions at the scale of an 8x8 latent grid (motion needs them).
    heads: int = 8
    head_dim: int = 16
    layers: int = 8
    text_dim: int = 64
    text_layers: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


def build_vae(config: ModelConfig):
    from diffusers import AutoencoderKLLTXVideo

    return AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=config.latent_channels,
        block_out_channels=config.vae_channels,
        decoder_block_out_channels=config.vae_channels,
        down_block_types=("LTXVideoDownBlock3D", "LTXVideoDownBlock3D"),
        layers_per_block=(1, 1, 1),
        decoder_layers_per_block=(1, 1, 1),
        spatio_temporal_scaling=(True, False),
        decoder_spatio_temporal_scaling=(True, False),
        decoder_inject_noise=(False, False, False),
        downsample_type=("conv", "conv"),
        upsample_residual=(False, False),
        upsample_factor=(1, 1),
        timestep_conditioning=False,
        patch_size=4,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )


def build_transformer(config: ModelConfig):
    from diffusers import LTXVideoTransformer3DModel

    return LTXVideoTransformer3DModel(
        in_channels=config.latent_channels,
        out_channels=config.latent_channels,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=config.heads,
        attention_head_dim=config.head_dim,
        cross_attention_dim=config.heads * config.head_dim,
        num_layers=config.layers,
        caption_channels=config.text_dim,
    )


def deepen_from(transformer, smaller) -> None:
    """Start ``transformer`` from a trained one with a fraction of its blocks (depth up-scaling).

    The trained blocks keep their order at every ``k``-th place; each block between them starts as the
    identity (its attention and feed-forward outputs zeroed), so training resumes from the smaller model's
    function and the new blocks learn what the old ones could not reach: a motion is carried from a keyframe
    one latent frame per block.
    """
    import torch

    old, new = smaller.config.num_layers, transformer.config.num_layers
    if new % old:
        raise ValueError(f"cannot deepen {old} blocks to {new}: not a multiple")
    step = new // old
    source = smaller.state_dict()
    state = {}
    for key, value in transformer.state_dict().items():
        if key.startswith("transformer_blocks."):
            _, index, rest = key.split(".", 2)
            if int(index) % step == 0:
                value = source[f"transformer_blocks.{int(index) // step}.{rest}"]
            elif rest.startswith(("attn1.to_out.0.", "attn2.to_out.0.", "ff.net.2.")):
                value = torch.zeros_like(value)
        else:
            value = source[key]
        state[key] = value
    transformer.load_state_dict(state)


def build_text_encoder(config: ModelConfig, vocab_size: int):
    from transformers import T5Config, T5EncoderModel

    return T5EncoderModel(
        T5Config(
            vocab_size=vocab_size,
            d_model=config.text_dim,
            d_kv=config.text_dim // 4,
            d_ff=config.text_dim * 2,
            num_layers=config.text_layers,
            num_heads=4,
            relative_attention_num_buckets=8,
            relative_attention_max_distance=32,
            dropout_rate=0.0,
            pad_token_id=0,
            eos_token_id=1,
            decoder_start_token_id=0,
        )
    )


def build_scheduler():
    from diffusers import FlowMatchEulerDiscreteScheduler

    return FlowMatchEulerDiscreteScheduler()


def assemble_pipeline(vae, transformer, text_encoder, tokenizer):
    """The ``LTXConditionPipeline`` that ``save_pretrained`` writes and ``from_pretrained`` reads back."""
    from diffusers import LTXConditionPipeline

    return LTXConditionPipeline(
        scheduler=build_scheduler(), vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, transformer=transformer
    )


def count_parameters(module) -> int:
    return sum(p.numel() for p in module.parameters())
