"""Engine overhead: an operation through ``Engine.run`` vs the raw pipeline call plus encoding, same settings.

Both sides use the tiny pipeline loaded with ``from_pretrained``, the same native size, frames and steps, and
encode the same output size; the ratio shows what the engine adds (chunk logic, seams, resizing, thumbnails,
bookkeeping). Target: <= 1.05.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

REPEATS = 5


def run() -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from engine.media import encode_mp4, fit_frames, to_uint8
    from engine.runner import Engine
    from engine.specs import Generate, Settings
    from engine.tiny import write_tiny_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        model = write_tiny_pipeline(Path(tmp) / "tiny")
        engine = Engine.load(str(model), device="cpu", media_dir=Path(tmp) / "media")
        pipe, profile = engine.family.pipe, engine.family.profile
        settings = Settings(duration_s=2, seed=1)  # 48 frames: one pass of 49
        spec = Generate(prompt="a red fox running through the snow", settings=settings)
        width, height = profile.native_size(settings.resolution, settings.aspect)

        def raw() -> None:
            frames = pipe(
                prompt=[spec.prompt], negative_prompt=None, height=height, width=width, num_frames=49,
                frame_rate=settings.fps, num_inference_steps=profile.num_inference_steps,
                guidance_scale=profile.guidance_scale, generator=[torch.Generator().manual_seed(1)],
                max_sequence_length=profile.max_sequence_length, decode_timestep=profile.decode_timestep,
                decode_noise_scale=profile.decode_noise_scale, output_type="np",
            ).frames
            video = fit_frames(to_uint8(frames[0][:48]), settings.output_size)
            encode_mp4(video, Path(tmp) / "raw.mp4", settings.fps)

        def through_engine() -> None:
            engine.run([spec])

        raw(), through_engine()  # warm up
        raw_s, engine_s = [], []
        for _ in range(REPEATS):  # interleaved so machine load hits both alike
            started = time.perf_counter()
            raw()
            raw_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            through_engine()
            engine_s.append(time.perf_counter() - started)
    raw_median, engine_median = statistics.median(raw_s), statistics.median(engine_s)
    return {
        "operation": "generate 2 s 480p 16:9 (tiny pipeline, CPU)",
        "raw_pipeline_plus_encode_s": round(raw_median, 4),
        "engine_run_s": round(engine_median, 4),
        "overhead_ratio": round(engine_median / raw_median, 4),
        "target_ratio": 1.05,
        "repeats": REPEATS,
    }
