"""Engine overhead: an operation through ``Engine.run`` vs the raw pipeline call plus encoding, same settings.

Both sides use the tiny pipeline loaded with ``from_pretrained``, the same native size, frames and steps, and
encode the same output size; the ratio shows what the engine adds (chunk logic, seams, resizing, thumbnails,
bookkeeping). Target: <= 1.05.

The two sides produce the same frames (checked before timing) with the same encoder settings. x264 output is
not byte-identical run to run (threaded encoding), so frames are compared, not files. The machine is shared,
and load only ever adds time: runs alternate which side goes first, and the ratio is taken of each side's
fastest run (its cost with the least interference, as ``timeit`` advises); the ratio of medians is reported too.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

REPEATS = 7


def run() -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np
    import torch

    from engine.media import encode_mp4, fit_frames, to_uint8
    from engine.pipelines import operations
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

        def raw():
            frames = pipe(
                prompt=[spec.prompt], negative_prompt=None, height=height, width=width, num_frames=49,
                frame_rate=settings.fps, num_inference_steps=profile.num_inference_steps,
                guidance_scale=profile.guidance_scale, generator=[torch.Generator().manual_seed(1)],
                max_sequence_length=profile.max_sequence_length, decode_timestep=profile.decode_timestep,
                decode_noise_scale=profile.decode_noise_scale, output_type="np",
            ).frames
            video = fit_frames(to_uint8(frames[0][:48]), settings.output_size)
            encode_mp4(video, Path(tmp) / "raw.mp4", settings.fps)
            return video

        def through_engine():
            return engine.run([spec])

        # Warm up, and check like is compared with like: the frames the engine encodes are the raw side's.
        through_engine()
        ctx = operations.OpContext(family=engine.family, limits=engine.limits, on_step=lambda: None)
        ((engine_frames,),) = operations.generate(ctx, [spec], [[1]])
        if not np.array_equal(raw(), engine_frames):
            raise AssertionError("the engine and the raw call did not produce the same frames")
        timings: dict[str, list[float]] = {"raw": [], "engine": []}
        sides = [("raw", raw), ("engine", through_engine)]
        for repeat in range(REPEATS):  # alternating order so machine load hits both alike
            for name, side in sides if repeat % 2 == 0 else sides[::-1]:
                started = time.perf_counter()
                side()
                timings[name].append(time.perf_counter() - started)
    raw_best, engine_best = min(timings["raw"]), min(timings["engine"])
    raw_median, engine_median = statistics.median(timings["raw"]), statistics.median(timings["engine"])
    return {
        "operation": "generate 2 s 480p 16:9 (tiny pipeline, CPU)",
        "raw_pipeline_plus_encode_s": round(raw_best, 4),
        "engine_run_s": round(engine_best, 4),
        "overhead_ratio": round(engine_best / raw_best, 4),
        "overhead_ratio_of_medians": round(engine_median / raw_median, 4),
        "target_ratio": 1.05,
        "repeats": REPEATS,
    }
