"""Seconds per denoising step, peak GPU memory and the batching gain of each family's full-size transformer.

For ``--family ltx`` (LTX-Video 0.9, 2B), ``ltx2`` (LTX-2, 19B, video and audio streams) or ``wan`` (Wan 2.2
TI2V-5B): one transformer call per step at 480p and 720p for a 5 s clip (with classifier-free guidance: a batch
of two per video), and jobs per minute for 8 compatible 480p jobs run as one batch against one at a time.
The weights are random (speed does not depend on their values) and the configs are written out below, so
nothing is downloaded. Needs CUDA; ``--tiny`` runs the same code with tiny configs on the CPU (a smoke test).

Usage: ``python scripts/gpu_check.py --family ltx2 [--steps 5] [--no-cfg] [--out bench/gpu_check_ltx2.json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: LTX-Video 0.9.x transformer (2B): the numbers from its transformer/config.json.
LTX_09_CONFIG = dict(
    in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, num_attention_heads=32, attention_head_dim=64,
    cross_attention_dim=2048, num_layers=28, caption_channels=4096, qk_norm="rms_norm_across_heads",
)
#: LTX-2 transformer (19B): 48 blocks of a 4096-wide video stream and a 2048-wide audio stream.
LTX2_CONFIG = dict(
    in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, num_attention_heads=32, attention_head_dim=128,
    cross_attention_dim=4096, audio_in_channels=128, audio_out_channels=128, audio_num_attention_heads=32,
    audio_attention_head_dim=64, audio_cross_attention_dim=2048, num_layers=48, caption_channels=3840,
    qk_norm="rms_norm_across_heads", rope_type="split", rope_double_precision=True,
)
#: Wan 2.2 TI2V-5B transformer: 30 blocks, 3072 wide, 48 latent channels (its VAE: 16x in space, 4x in time).
WAN_TI2V_5B_CONFIG = dict(
    patch_size=(1, 2, 2), num_attention_heads=24, attention_head_dim=128, in_channels=48, out_channels=48,
    text_dim=4096, freq_dim=256, ffn_dim=14336, num_layers=30, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
    eps=1e-6, rope_max_seq_len=1024,
)
#: Tiny stand-ins for ``--tiny``: the same classes and code path, small enough for a CPU.
TINY = {
    "ltx": dict(LTX_09_CONFIG, num_attention_heads=2, attention_head_dim=8, cross_attention_dim=16, num_layers=1,
                caption_channels=32),
    "ltx2": dict(LTX2_CONFIG, num_attention_heads=2, attention_head_dim=8, cross_attention_dim=16,
                 audio_num_attention_heads=2, audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2,
                 caption_channels=32, rope_double_precision=False),
    "wan": dict(WAN_TI2V_5B_CONFIG, num_attention_heads=2, attention_head_dim=8, text_dim=32, ffn_dim=32, num_layers=1,
                freq_dim=16),
}
#: Native sizes (width, height) per tier; a 5 s clip at 24 fps.
SIZES = {"ltx": {"480p": (832, 480), "720p": (1280, 704)}, "ltx2": {"480p": (832, 480), "720p": (1280, 704)},
         "wan": {"480p": (832, 480), "720p": (1280, 704)}}
FRAMES, FPS = 121, 24
#: Steps a job runs with each family's shipped profile (the batching gain is in jobs per minute).
PROFILE_STEPS = {"ltx": 30, "ltx2": 40, "wan": 50}
TEXT_TOKENS = 128
BATCH_JOBS = 8


@dataclass
class Model:
    """A transformer and how to make one step's inputs for ``videos`` clips of a size."""

    transformer: object
    inputs: Callable[[int, int, int, int], dict]
    tokens: Callable[[int, int, int], int]


def _ltx(config: dict, device: str, dtype) -> Model:
    import torch
    from diffusers import LTXVideoTransformer3DModel

    transformer = LTXVideoTransformer3DModel(**config).to(device, dtype).eval()

    def shape(width: int, height: int, frames: int) -> tuple[int, int, int]:
        return (frames - 1) // 8 + 1, height // 32, width // 32

    def inputs(batch: int, width: int, height: int, frames: int) -> dict:
        f, h, w = shape(width, height, frames)
        return dict(
            hidden_states=torch.randn(batch, f * h * w, config["in_channels"], device=device, dtype=dtype),
            encoder_hidden_states=torch.randn(batch, TEXT_TOKENS, config["caption_channels"], device=device, dtype=dtype),
            timestep=torch.full((batch,), 500.0, device=device),
            encoder_attention_mask=torch.ones(batch, TEXT_TOKENS, device=device, dtype=torch.long),
            num_frames=f, height=h, width=w, rope_interpolation_scale=(8 / FPS, 32, 32), return_dict=False,
        )

    return Model(transformer, inputs, lambda w, h, f: int(torch.tensor(shape(w, h, f)).prod()))


def _ltx2(config: dict, device: str, dtype) -> Model:
    import torch
    from diffusers import LTX2VideoTransformer3DModel

    transformer = LTX2VideoTransformer3DModel(**config).to(device, dtype).eval()
    audio_per_s = 16000 / 160 / 4  # the audio VAE's latent frames per second (25)

    def shape(width: int, height: int, frames: int) -> tuple[int, int, int]:
        return (frames - 1) // 8 + 1, height // 32, width // 32

    def inputs(batch: int, width: int, height: int, frames: int) -> dict:
        f, h, w = shape(width, height, frames)
        audio = round(frames / FPS * audio_per_s)
        text = lambda: torch.randn(batch, TEXT_TOKENS, config["caption_channels"], device=device, dtype=dtype)  # noqa: E731
        timestep = torch.full((batch,), 500.0, device=device)
        return dict(
            hidden_states=torch.randn(batch, f * h * w, config["in_channels"], device=device, dtype=dtype),
            audio_hidden_states=torch.randn(batch, audio, config["audio_in_channels"], device=device, dtype=dtype),
            encoder_hidden_states=text(), audio_encoder_hidden_states=text(), timestep=timestep,
            audio_timestep=timestep, sigma=timestep / 1000, audio_sigma=timestep / 1000,
            encoder_attention_mask=torch.ones(batch, TEXT_TOKENS, device=device, dtype=torch.long),
            audio_encoder_attention_mask=torch.ones(batch, TEXT_TOKENS, device=device, dtype=torch.long),
            num_frames=f, height=h, width=w, fps=float(FPS), audio_num_frames=audio, return_dict=False,
        )

    return Model(transformer, inputs, lambda w, h, f: int(torch.tensor(shape(w, h, f)).prod()))


def _wan(config: dict, device: str, dtype) -> Model:
    import torch
    from diffusers import WanTransformer3DModel

    transformer = WanTransformer3DModel(**config).to(device, dtype).eval()

    def shape(width: int, height: int, frames: int) -> tuple[int, int, int]:
        return (frames - 1) // 4 + 1, height // 16, width // 16

    def inputs(batch: int, width: int, height: int, frames: int) -> dict:
        f, h, w = shape(width, height, frames)
        return dict(
            hidden_states=torch.randn(batch, config["in_channels"], f, h, w, device=device, dtype=dtype),
            timestep=torch.full((batch,), 500.0, device=device),
            encoder_hidden_states=torch.randn(batch, 512, config["text_dim"], device=device, dtype=dtype),
            return_dict=False,
        )

    return Model(transformer, inputs, lambda w, h, f: shape(w, h, f)[0] * (shape(w, h, f)[1] // 2) * (shape(w, h, f)[2] // 2))


BUILDERS = {"ltx": (_ltx, LTX_09_CONFIG), "ltx2": (_ltx2, LTX2_CONFIG), "wan": (_wan, WAN_TI2V_5B_CONFIG)}


def seconds_per_step(model: Model, batch: int, width: int, height: int, frames: int, steps: int, device: str) -> float:
    import torch

    kwargs = model.inputs(batch, width, height, frames)
    with torch.no_grad():
        model.transformer(**kwargs)  # warm-up (kernels, allocator)
        if device == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        for _ in range(steps):
            model.transformer(**kwargs)
        if device == "cuda":
            torch.cuda.synchronize()
    return (time.perf_counter() - started) / steps


def run(family: str, *, steps: int = 5, cfg: bool = True, tiny: bool = False) -> dict:
    import torch

    device = "cpu" if tiny else "cuda"
    dtype = torch.float32 if tiny else torch.bfloat16
    build, config = BUILDERS[family]
    config = TINY[family] if tiny else config
    sizes = {"480p": (96, 64)} if tiny else SIZES[family]
    frames = 9 if tiny else FRAMES
    default = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # made in bfloat16 directly: LTX-2's 19B would take 76 GB in float32 first
    try:
        with torch.device(device):
            model = build(config, device, dtype)
    finally:
        torch.set_default_dtype(default)
    per_video = 2 if cfg else 1
    report = {
        "family": family, "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu (--tiny)",
        "parameters": sum(p.numel() for p in model.transformer.parameters()), "duration_s": frames / FPS,
        "cfg_batch": per_video, "results": [],
    }
    for tier, (width, height) in sizes.items():
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        per_step = seconds_per_step(model, per_video, width, height, frames, steps, device)
        result = {"tier": tier, "size": f"{width}x{height}", "frames": frames,
                  "tokens": model.tokens(width, height, frames), "seconds_per_step": round(per_step, 4)}
        if device == "cuda":
            result["peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        report["results"].append(result)
        print(json.dumps(result), flush=True)
    # Batching: 8 compatible 480p jobs as one batch against one at a time, in jobs per minute.
    width, height = sizes["480p"]
    one = seconds_per_step(model, per_video, width, height, frames, steps, device)
    batched = seconds_per_step(model, per_video * BATCH_JOBS, width, height, frames, steps, device)
    job_steps = PROFILE_STEPS[family]
    report["batching"] = {
        "jobs": BATCH_JOBS, "steps_per_job": job_steps,
        "sequential_jobs_per_minute": round(60 / (job_steps * one), 3),
        "batched_jobs_per_minute": round(60 * BATCH_JOBS / (job_steps * batched), 3),
        "gain": round(one * BATCH_JOBS / batched, 3),
    }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=sorted(BUILDERS), default="ltx")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--no-cfg", action="store_true", help="measure without classifier-free guidance")
    parser.add_argument("--tiny", action="store_true", help="tiny configs on the CPU: checks the script, not speed")
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args()
    import torch

    if not args.tiny and not torch.cuda.is_available():
        print("gpu_check: no CUDA device here; run it on a machine with an NVIDIA GPU (or --tiny)", file=sys.stderr)
        return 2
    report = run(args.family, steps=args.steps, cfg=not args.no_cfg, tiny=args.tiny)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
