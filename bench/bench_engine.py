"""Engine overhead per family: an operation through ``Engine.run`` vs the raw pipeline call plus encode (and, for
LTX-2, muxing its sound), same settings. Wan has its own benchmark (``bench_engine_wan.py``).

Both sides use the family's tiny pipeline loaded with ``from_pretrained``, the same native size, frames and
steps, and encode the same output size; the ratio shows what the engine adds (render plan, seams, resizing,
sound seams, thumbnails, bookkeeping). Target: <= 1.05.

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
FAMILIES = ("ltx", "ltx2")


def timed_alternately(raw, engine, repeats: int = REPEATS) -> dict[str, list[float]]:
    """Seconds of each call of ``raw`` and ``engine``, alternating which goes first so machine load hits both alike."""
    timings: dict[str, list[float]] = {"raw": [], "engine": []}
    sides = [("raw", raw), ("engine", engine)]
    for repeat in range(repeats):
        for name, side in sides if repeat % 2 == 0 else sides[::-1]:
            started = time.perf_counter()
            side()
            timings[name].append(time.perf_counter() - started)
    return timings


def _raw_call(engine, spec, width: int, height: int):
    """The family's pipeline called directly, as its ``render`` calls it: ``(frames, audio or None, rate)``."""
    import numpy as np
    import torch

    family, settings = engine.family, spec.settings
    pipe, profile = family.pipe, family.profile
    common = dict(
        prompt=[spec.prompt], negative_prompt=None, height=height, width=width, num_frames=49,
        guidance_scale=profile.guidance_scale, max_sequence_length=profile.max_sequence_length,
        decode_timestep=profile.decode_timestep, decode_noise_scale=profile.decode_noise_scale, output_type="np",
    )
    generator = torch.Generator("cpu").manual_seed(1)
    if not family.makes_audio:
        frames = pipe(**common, frame_rate=profile.fps or settings.fps, num_inference_steps=profile.num_inference_steps,
                      generator=[generator]).frames
        return np.asarray(frames), None, None
    video, audio = pipe(
        **common, frame_rate=float(settings.fps), num_inference_steps=profile.num_inference_steps, sigmas=None,
        stg_scale=profile.stg_scale, modality_scale=profile.modality_scale,
        audio_guidance_scale=profile.audio_guidance_scale, audio_stg_scale=profile.stg_scale,
        audio_modality_scale=profile.modality_scale, generator=generator, return_dict=False,
    )
    return np.asarray(video), audio.float().numpy(), int(pipe.vocoder.config.output_sampling_rate)


def measure(family: str, folder: Path) -> dict:
    import numpy as np

    from engine.media import Sound, encode_mp4, fit_frames, to_uint8
    from engine.pipelines import operations
    from engine.runner import Engine
    from engine.specs import Generate, Settings
    from engine.tiny import write_tiny_pipeline

    model = write_tiny_pipeline(folder / family, family=family)
    engine = Engine.load(str(model), device="cpu", media_dir=folder / "media")
    settings = Settings(duration_s=2, seed=1)  # 48 frames: one pass of 49
    spec = Generate(prompt="a red fox running through the snow", settings=settings)
    width, height = engine.family.profile.native_size(settings.resolution, settings.aspect)

    def raw():
        frames, audio, rate = _raw_call(engine, spec, width, height)
        video = fit_frames(to_uint8(frames[0][:48]), settings.output_size)
        sound = None if audio is None else Sound(audio[0], rate).span(0, 48 / settings.fps)
        encode_mp4(video, folder / "raw.mp4", settings.fps, audio=sound)
        return video

    def through_engine():
        return engine.run([spec])

    # Warm up, and check like is compared with like: the frames the engine encodes are the raw side's.
    through_engine()
    ctx = operations.OpContext(family=engine.family, limits=engine.limits, on_step=lambda: None)
    ((made,),) = operations.generate(ctx, [spec], [[1]], engine.plan([spec]))
    if not np.array_equal(raw(), made.frames):
        raise AssertionError(f"{family}: the engine and the raw call did not produce the same frames")
    timings = timed_alternately(raw, through_engine)
    raw_best, engine_best = min(timings["raw"]), min(timings["engine"])
    return {
        "operation": f"generate 2 s 480p 16:9 (tiny {family} pipeline, CPU{', with sound' if made.sound else ''})",
        "raw_pipeline_plus_encode_s": round(raw_best, 4),
        "engine_run_s": round(engine_best, 4),
        "overhead_ratio": round(engine_best / raw_best, 4),
        "overhead_ratio_of_medians": round(statistics.median(timings["engine"]) / statistics.median(timings["raw"]), 4),
    }


def run() -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        families = {family: measure(family, Path(tmp)) for family in FAMILIES}
    return {"families": families, "target_ratio": 1.05, "repeats": REPEATS}
