"""Seconds per denoising step and peak GPU memory of a full-size LTX-Video transformer, at 480p and 720p, 5 s.

The weights are random (speed does not depend on their values), so nothing is downloaded. Runs only where
CUDA exists. Usage: ``python scripts/gpu_check.py [--steps 5] [--no-cfg]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

#: LTX-Video 0.9.x transformer (2B): the numbers from its transformer/config.json.
LTX_09_CONFIG = dict(
    in_channels=128,
    out_channels=128,
    patch_size=1,
    patch_size_t=1,
    num_attention_heads=32,
    attention_head_dim=64,
    cross_attention_dim=2048,
    num_layers=28,
    caption_channels=4096,
    qk_norm="rms_norm_across_heads",
)
#: VAE compression of LTX-Video: 32x in space, 8x in time.
SPATIAL, TEMPORAL = 32, 8
SIZES = {"480p": (832, 480), "720p": (1280, 704)}


def measure(transformer, width: int, height: int, frames: int, steps: int, cfg: bool, fps: int = 24) -> dict:
    import torch

    batch = 2 if cfg else 1
    latent_frames, latent_h, latent_w = (frames - 1) // TEMPORAL + 1, height // SPATIAL, width // SPATIAL
    tokens = latent_frames * latent_h * latent_w
    device, dtype = "cuda", torch.bfloat16
    hidden = torch.randn(batch, tokens, 128, device=device, dtype=dtype)
    text = torch.randn(batch, 128, 4096, device=device, dtype=dtype)
    mask = torch.ones(batch, 128, device=device, dtype=torch.long)
    timestep = torch.full((batch,), 500.0, device=device)
    kwargs = dict(
        hidden_states=hidden, encoder_hidden_states=text, timestep=timestep, encoder_attention_mask=mask,
        num_frames=latent_frames, height=latent_h, width=latent_w, rope_interpolation_scale=(TEMPORAL / fps, SPATIAL, SPATIAL),
        return_dict=False,
    )
    torch.cuda.reset_peak_memory_stats()
    with torch.no_grad():
        transformer(**kwargs)  # warm-up (kernels, allocator)
        torch.cuda.synchronize()
        started = time.perf_counter()
        for _ in range(steps):
            transformer(**kwargs)
        torch.cuda.synchronize()
    per_step = (time.perf_counter() - started) / steps
    return {
        "size": f"{width}x{height}",
        "frames": frames,
        "tokens": tokens,
        "cfg_batch": batch,
        "seconds_per_step": round(per_step, 4),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--no-cfg", action="store_true", help="measure without classifier-free guidance")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("gpu_check: no CUDA device here; run it on a machine with an NVIDIA GPU", file=sys.stderr)
        return 2
    from diffusers import LTXVideoTransformer3DModel

    with torch.device("cuda"):
        transformer = LTXVideoTransformer3DModel(**LTX_09_CONFIG).to(torch.bfloat16).eval()
    params = sum(p.numel() for p in transformer.parameters())
    report = {"device": torch.cuda.get_device_name(0), "parameters": params, "duration_s": 5, "results": []}
    for tier, (width, height) in SIZES.items():
        result = measure(transformer, width, height, frames=121, steps=args.steps, cfg=not args.no_cfg)
        report["results"].append({"tier": tier, **result})
        print(json.dumps(report["results"][-1]), flush=True)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
