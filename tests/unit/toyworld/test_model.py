"""Depth up-scaling: a deeper transformer started from a trained one computes the same function at first."""

from __future__ import annotations

import pytest
import torch

from toyworld.model import ModelConfig, build_transformer, deepen_from

SMALL = ModelConfig(latent_channels=4, heads=2, head_dim=8, layers=2, text_dim=16)


def _velocity(transformer, seed: int = 0) -> torch.Tensor:
    from diffusers import LTXConditionPipeline as P

    g = torch.Generator().manual_seed(seed)
    ids = P._prepare_video_ids(1, 3, 2, 2, patch_size=1, patch_size_t=1, device="cpu")
    coords = P._scale_video_ids(ids, scale_factor=8, scale_factor_t=2, frame_index=0, device="cpu").float()
    coords[:, 0] /= 24
    with torch.no_grad():
        return transformer(
            hidden_states=torch.randn(1, 12, 4, generator=g),
            encoder_hidden_states=torch.randn(1, 5, 16, generator=g),
            timestep=torch.full((1, 12), 700.0),
            encoder_attention_mask=torch.ones(1, 5),
            video_coords=coords,
            return_dict=False,
        )[0]


def test_a_deepened_transformer_starts_as_the_trained_one_and_can_still_learn():
    torch.manual_seed(0)
    small = build_transformer(SMALL)
    for p in small.parameters():  # a "trained" model: nothing left at its initial zeros
        torch.nn.init.normal_(p, std=0.05)
    deep = build_transformer(ModelConfig(**{**SMALL.to_dict(), "layers": 4}))
    deepen_from(deep, small)
    torch.testing.assert_close(_velocity(deep), _velocity(small))
    new_block = deep.transformer_blocks[1]
    assert torch.count_nonzero(new_block.ff.net[2].weight) == 0
    assert torch.count_nonzero(new_block.attn1.to_q.weight) > 0  # only the outputs start at zero


def test_depth_must_grow_by_a_whole_multiple():
    small = build_transformer(SMALL)
    with pytest.raises(ValueError, match="multiple"):
        deepen_from(build_transformer(ModelConfig(**{**SMALL.to_dict(), "layers": 3})), small)
