"""Engine overhead on the Wan family: ``Engine.run`` vs the raw ``WanPipeline`` call plus encoding, same settings.

As ``bench_engine`` does for LTX-Video: the tiny Wan 2.2 TI2V-5B-shaped pipeline loaded with
``from_pretrained``, one pass (16 frames of a 17-frame call), the same native size, steps and output size on
both sides. The engine adds its plan, the pipeline chosen per pass, resizing, thumbnails and bookkeeping.
Target: <= 1.05. Both sides' clips are decoded and compared before timing (x264 is not byte-stable across
threads, so frames are compared, not files); runs alternate which side goes first and the ratio is taken of
each side's fastest run, the ratio of medians reported too.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from bench.bench_engine import REPEATS, timed_alternately


def run() -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np
    import torch

    from engine.media import encode_mp4, fit_frames, load_video, to_uint8
    from engine.pipelines.wan_tiny import write_tiny_wan_pipeline
    from engine.runner import Engine
    from engine.specs import Generate, Settings

    with tempfile.TemporaryDirectory() as tmp:
        model = write_tiny_wan_pipeline(Path(tmp) / "wan", "ti2v")
        engine = Engine.load(str(model), device="cpu", media_dir=Path(tmp) / "media")
        pipe, profile = engine.family.pipe, engine.family.profile
        settings = Settings(duration_s=2, fps=8, seed=1)  # 16 frames: one pass of 17
        spec = Generate(prompt="a red fox running in the snow", settings=settings)
        width, height = profile.native_size(settings.resolution, settings.aspect)

        def raw() -> Path:
            frames = pipe(
                prompt=[spec.prompt], negative_prompt=None, height=height, width=width, num_frames=17,
                num_inference_steps=profile.num_inference_steps, guidance_scale=profile.guidance_scale,
                generator=[torch.Generator("cpu").manual_seed(1)], max_sequence_length=profile.max_sequence_length,
                output_type="np",
            ).frames
            video = fit_frames(to_uint8(np.asarray(frames)[0][:16]), settings.output_size)
            return encode_mp4(video, Path(tmp) / "raw.mp4", settings.fps)

        def through_engine() -> Path:
            ((clip,),) = engine.run([spec])
            return Path(clip.path)

        # Warm up, and check like is compared with like: the same frames, up to codec noise.
        same = np.abs(load_video(raw()).frames.astype(np.float32) - load_video(through_engine()).frames).mean()
        if same > 1.5:
            raise AssertionError(f"the engine and the raw call made different clips (mean difference {same:.2f})")
        timings = timed_alternately(raw, through_engine)
    raw_best, engine_best = min(timings["raw"]), min(timings["engine"])
    raw_median, engine_median = statistics.median(timings["raw"]), statistics.median(timings["engine"])
    return {
        "operation": "generate 2 s at 8 fps, 480p 16:9 (tiny Wan TI2V pipeline, CPU)",
        "raw_pipeline_plus_encode_s": round(raw_best, 4),
        "engine_run_s": round(engine_best, 4),
        "overhead_ratio": round(engine_best / raw_best, 4),
        "overhead_ratio_of_medians": round(engine_median / raw_median, 4),
        "target_ratio": 1.05,
        "repeats": REPEATS,
    }
