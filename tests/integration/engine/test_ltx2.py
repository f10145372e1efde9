"""Every operation on the tiny LTX-2 pipeline (video with sound), checked by decoding the MP4s it writes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.media import load_audio, load_video, probe
from engine.specs import Animate, Blend, Card, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHORT = Settings(duration_s=1, fps=8, seed=7)


@pytest.fixture(scope="module")
def ltx2_dir(tmp_path_factory) -> Path:
    from engine.tiny import write_tiny_pipeline

    return write_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-ltx2", family="ltx2")


@pytest.fixture(scope="module")
def engine(ltx2_dir, tmp_path_factory):
    from engine.runner import Engine

    return Engine.load(str(ltx2_dir), device="cpu", media_dir=tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="module")
def sources(engine, tmp_path_factory) -> dict[str, str]:
    """Two clips with sound, made by the model itself, and a still image."""
    folder = tmp_path_factory.mktemp("sources")
    (a,), (b,) = engine.run([Generate(prompt="a dog barking", settings=Settings(duration_s=2, fps=8, seed=1)),
                             Generate(prompt="a cat", settings=Settings(duration_s=1, fps=8, seed=2))])
    image = folder / "still.png"
    Image.fromarray(np.full((64, 96, 3), 90, np.uint8)).save(image)
    return {"a": a.path, "b": b.path, "image": str(image)}


def with_sound(path: str, *, seconds: float) -> np.ndarray:
    """Assert an H.264 stream and an AAC stream, both ``seconds`` long (within 0.1 s); the decoded samples."""
    info = probe(path)
    assert (info.codec, info.audio_codec, info.audio_sample_rate) == ("h264", "aac", 16000)
    assert abs(info.duration_s - seconds) <= 0.1
    assert abs(info.audio_duration_s - info.duration_s) <= 0.1
    sound = load_audio(path)
    assert sound is not None and abs(sound.duration_s - seconds) <= 0.1
    return sound.samples


def test_the_family_is_chosen_from_model_index_json(engine):
    from engine.pipelines.ltx2 import LTX2Family

    assert isinstance(engine.family, LTX2Family) and engine.family.makes_audio


def test_render_generate_writes_an_mp4_with_h264_and_aac_of_the_same_length(ltx2_dir, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import reelbot.cli.commands  # noqa: F401  (registers every sub-command)
    from reelbot.cli import cli

    monkeypatch.setenv("REELBOT_MEDIA_DIR", str(tmp_path / "media"))
    out = tmp_path / "x.mp4"
    result = CliRunner().invoke(cli, ["render", "generate", "-o", str(out), "--model", str(ltx2_dir), "--prompt",
                                      "a dog barking", "--duration", "1", "--fps", "8", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "with sound" in result.output
    with_sound(str(out), seconds=1.0)


def test_a_silent_request_gives_a_clip_without_an_audio_stream(engine, ltx2_dir, tmp_path, monkeypatch):
    (clip,) = engine.run([Generate(prompt="a dog", settings=SHORT, audio=False)])[0]
    assert not clip.has_audio and probe(clip.path).audio_codec is None
    assert load_audio(clip.path) is None


@pytest.mark.parametrize("op", ["animate", "remix", "extend", "blend", "loop", "storyboard"])
def test_every_operation_delivers_sound_as_long_as_its_video(engine, sources, op):
    spec = {
        "animate": Animate(image=sources["image"], prompt="a dog", settings=SHORT),
        "remix": Remix(source=sources["a"], prompt="a wolf howling", strength=0.7, settings=SHORT),
        "extend": Extend(source=sources["b"], prompt="the cat runs", settings=SHORT),
        "blend": Blend(source=sources["a"], source_b=sources["b"], settings=SHORT),
        "loop": Loop(prompt="a bird singing", settings=SHORT),
        "storyboard": Storyboard(cards=[Card(at_s=0, prompt="a dog"), Card(at_s=0.5, prompt="a cat")], settings=SHORT),
    }[op]
    (clip,) = engine.run([spec])[0]
    seconds = 2.0 if op == "extend" else 1.0  # an extension is the 1 s source plus 1 s more
    assert clip.has_audio
    with_sound(clip.path, seconds=seconds)
    assert load_video(clip.path).frames.shape[0] == round(seconds * 8)


def tone_clip(path: Path, *, seconds: float, hz: float, fps: int = 8) -> str:
    """A clip whose sound is a pure tone: easy to tell from anything the model makes."""
    from engine.media import Sound, encode_mp4

    t = np.arange(round(seconds * 16000)) / 16000
    sound = Sound(np.stack([0.3 * np.sin(2 * np.pi * hz * t)] * 2).astype(np.float32), 16000)
    frames = np.full((round(seconds * fps), 64, 96, 3), 100, np.uint8)
    return str(encode_mp4(frames, path, fps, audio=sound))


def close(samples: np.ndarray, reference: np.ndarray) -> float:
    """Mean difference relative to the reference's level."""
    return float(np.abs(samples - reference).mean() / np.abs(reference).mean())


def test_recut_keeps_the_kept_seconds_audio_samples_and_continues(engine, tmp_path):
    source = tone_clip(tmp_path / "tone.mp4", seconds=2, hz=440)
    (clip,) = engine.run([Recut(source=source, keep_seconds=1, prompt="the dog sits",
                                settings=Settings(duration_s=2, fps=8, seed=4))])[0]
    samples, tone = with_sound(clip.path, seconds=2.0), load_audio(source).samples
    kept = 16000  # the first second: the same samples, through one more AAC generation
    assert close(samples[:, :kept], tone[:, :kept]) < 0.05
    # After the crossfade the sound is the model's own, not the source's.
    assert close(samples[:, kept + 800 :], tone[:, kept + 800 : samples.shape[1]]) > 0.5


def test_extend_keeps_the_sources_sound_then_continues_it(engine, tmp_path):
    source = tone_clip(tmp_path / "tone.mp4", seconds=1, hz=440)
    (clip,) = engine.run([Extend(source=source, settings=SHORT)])[0]
    samples, tone = with_sound(clip.path, seconds=2.0), load_audio(source).samples
    before_seam = 16000 - 800  # the source's sound up to its last 0.05 s, which crossfade into the continuation
    assert close(samples[:, :before_seam], tone[:, :before_seam]) < 0.05
    assert close(samples[:, 16000 + 800 :], np.tile(tone, 2)[:, 16000 + 800 : samples.shape[1]]) > 0.5


def test_blend_crosses_the_sound_over_from_a_to_b(engine, tmp_path):
    a = tone_clip(tmp_path / "a.mp4", seconds=2, hz=440)
    b = tone_clip(tmp_path / "b.mp4", seconds=1, hz=250)
    (clip,) = engine.run([Blend(source=a, source_b=b, settings=SHORT)])[0]
    samples = with_sound(clip.path, seconds=1.0)
    tone_a, tone_b = load_audio(a).samples, load_audio(b).samples
    # Near its start the transition is A's closing sound, near its end B's opening sound.
    assert close(samples[:, :800], tone_a[:, 16000:16800]) < 0.15
    assert close(samples[:, -800:], tone_b[:, 15200:16000]) < 0.15


def test_a_loops_sound_closes_without_a_click(engine):
    from engine.media.audio import Sound, loop_seam

    (clip,) = engine.run([Loop(prompt="a bird singing", settings=SHORT)])[0]
    samples = with_sound(clip.path, seconds=1.0)
    steps = np.abs(np.diff(samples, axis=1))
    seam = np.abs(samples[:, 0] - samples[:, -1])
    assert (seam <= np.percentile(steps, 99.9, axis=1)).all()
    # And the seam itself: a tone cut mid-wave clicks; closed by loop_seam it is as smooth as anywhere else.
    tone = np.sin(2 * np.pi * 440.25 * np.arange(17000) / 16000)[None].astype(np.float32)
    closed = loop_seam(Sound(tone, 16000), 1.0).samples
    assert abs(tone[0, 15999] - tone[0, 0]) > 0.9
    assert abs(closed[0, -1] - closed[0, 0]) <= np.abs(np.diff(closed)).max() + 1e-6


def test_a_distilled_profile_runs_its_eight_steps_and_three_refinement_steps_as_announced(engine, tmp_path):
    from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES, STAGE_2_DISTILLED_SIGMA_VALUES

    from engine.pipelines.ltx2 import LTX2Family
    from engine.runner import Engine

    profile = engine.family.profile.model_copy(update={
        "sigmas": DISTILLED_SIGMA_VALUES, "refine_sigmas": STAGE_2_DISTILLED_SIGMA_VALUES, "guidance_scale": 1.0,
    })
    distilled = Engine(LTX2Family(engine.family.pipe, profile), media_dir=tmp_path)
    spec = Generate(prompt="a dog barking", settings=SHORT)
    steps: list[tuple[int, int]] = []
    (clip,) = distilled.run([spec], on_step=lambda step, total: steps.append((step, total)))[0]
    assert distilled.total_steps(spec) == 8 + 3
    assert steps == [(i, 11) for i in range(1, 12)]
    assert distilled.pipeline_calls == 2  # the main stage, then the refinement of its latents
    with_sound(clip.path, seconds=1.0)


def test_a_remix_asked_to_keep_the_sound_keeps_the_sources(engine, tmp_path):
    source = tone_clip(tmp_path / "tone.mp4", seconds=1, hz=440)
    (clip,) = engine.run([Remix(source=source, prompt="a wolf", strength=0.5, keep_audio=True, settings=SHORT)])[0]
    samples = with_sound(clip.path, seconds=1.0)
    assert close(samples, load_audio(source).samples[:, : samples.shape[1]]) < 0.05
