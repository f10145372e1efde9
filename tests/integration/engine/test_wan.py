"""The Wan family on tiny random Wan checkpoints of each kind, loaded as a user's would be (``Engine.load``).

Every operation either renders (the MP4 is decoded: frames, size, rate, no sound) or is refused with the
reason; nothing is approximated.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from engine.errors import UnsupportedOperation
from engine.media import load_video, probe
from engine.specs import Animate, Blend, Card, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard

#: 1 s at 8 fps: 8 frames, one pass of the tiny profile; the output is 480p 16:9.
SETTINGS = Settings(duration_s=1, fps=8, seed=3)
SIZE = (854, 480)


@pytest.fixture(scope="session")
def wan_dirs(tmp_path_factory):
    """The tiny Wan checkpoint of each kind, written (``save_pretrained``) the first time a test asks for it."""
    from engine.pipelines.wan_tiny import write_tiny_wan_pipeline

    root, written = tmp_path_factory.mktemp("wan"), {}

    def get(kind: str) -> Path:
        if kind not in written:
            written[kind] = write_tiny_wan_pipeline(root / kind, kind)
        return written[kind]

    return get


@pytest.fixture(scope="session")
def wan_engines(wan_dirs, tmp_path_factory):
    """One warm engine per kind, loaded like a user's model (``Engine.load``) the first time a test asks."""
    from engine.runner import Engine

    media, loaded = tmp_path_factory.mktemp("wan-media"), {}

    def get(kind: str) -> Engine:
        if kind not in loaded:
            loaded[kind] = Engine.load(str(wan_dirs(kind)), device="cpu", media_dir=media)
        return loaded[kind]

    return get


@pytest.fixture(scope="session")
def sources(tmp_path_factory) -> dict[str, str]:
    from tests.integration.engine.conftest import smooth_clip

    root = tmp_path_factory.mktemp("wan-sources")
    image = root / "still.png"
    Image.new("RGB", (96, 64), (200, 40, 30)).save(image)
    return {
        "a": str(smooth_clip(root / "a.mp4", seconds=1, fps=8, size=SIZE)),
        "b": str(smooth_clip(root / "b.mp4", seconds=1, fps=8, size=SIZE, hue=0.5)),
        "image": str(image),
    }


def spec_for(op: str, sources: dict[str, str]):
    return {
        "generate": lambda: Generate(prompt="a red fox running", settings=SETTINGS),
        "animate": lambda: Animate(image=sources["image"], prompt="a cat", settings=SETTINGS),
        "remix": lambda: Remix(source=sources["a"], prompt="a blue sea", strength=0.8, settings=SETTINGS),
        "recut": lambda: Recut(source=sources["a"], keep_seconds=0.5, prompt="a dog", settings=SETTINGS),
        "extend": lambda: Extend(source=sources["a"], prompt="a dog", settings=SETTINGS),
        "blend": lambda: Blend(source=sources["a"], source_b=sources["b"], settings=SETTINGS),
        "loop": lambda: Loop(source=sources["a"], settings=SETTINGS),
        "storyboard": lambda: Storyboard(
            cards=[Card(at_s=0, prompt="a cat"), Card(at_s=0.5, prompt="a dog")], settings=SETTINGS
        ),
    }[op]()


def rendered(engine, spec) -> tuple[np.ndarray, int]:
    """Run ``spec``; check the MP4 is what was asked (H.264, size, rate, no audio); its frames and steps seen."""
    steps: list[tuple[int, int]] = []
    (clips,) = engine.run([spec], on_step=lambda done, total: steps.append((done, total)))
    clip = clips[0]
    info = probe(clip.path)
    frames = SETTINGS.fps * (2 if spec.op == "extend" else 1)  # an extension is the source plus 1 s
    assert (info.codec, info.width, info.height, info.frames, info.fps) == ("h264", *SIZE, frames, SETTINGS.fps)
    with av.open(clip.path) as container:
        assert not container.streams.audio  # Wan makes no sound, and the clip claims none
    assert steps and steps[-1][0] == steps[-1][1] == len(steps)  # every planned step ran, no more
    return load_video(clip.path).frames, len(steps)


#: What the default tiny model (Wan 2.2 TI2V-5B's kind) does; the rest must be refused with this reason.
TI2V_REFUSALS = {"blend": "pins only the first frame", "loop": "pins only the first frame"}


@pytest.mark.parametrize("op", ["generate", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard"])
def test_every_operation_on_the_tiny_wan_model_renders_or_is_refused_with_the_reason(wan_engines, sources, op):
    engine = wan_engines("ti2v")
    if op in TI2V_REFUSALS:
        with pytest.raises(UnsupportedOperation, match=f"cannot do '{op}'.*{TI2V_REFUSALS[op]}"):
            engine.run([spec_for(op, sources)])
        return
    rendered(engine, spec_for(op, sources))


def test_each_kind_of_wan_checkpoint_is_read_off_its_weights_and_states_what_it_can_do(wan_engines):
    assert {kind: sorted(wan_engines(kind).family.operations) for kind in ("ti2v", "t2v", "i2v", "vace")} == {
        "ti2v": ["animate", "extend", "generate", "recut", "remix", "storyboard"],
        "t2v": ["generate", "remix"],
        "i2v": ["animate", "blend", "extend", "loop", "recut"],
        "vace": ["animate", "blend", "extend", "generate", "loop", "recut", "remix", "storyboard"],
    }
    assert type(wan_engines("i2v").family.pipe).__name__ == "WanImageToVideoPipeline"
    assert type(wan_engines("vace").family.pipe).__name__ == "WanVACEPipeline"


def test_the_other_wan_pipelines_are_built_on_the_loaded_weights_not_loaded_again(wan_engines):
    from diffusers import WanImageToVideoPipeline, WanVideoToVideoPipeline

    family = wan_engines("ti2v").family
    for cls in (WanImageToVideoPipeline, WanVideoToVideoPipeline):
        pipe = family._pipeline(cls)
        assert pipe.transformer is family.pipe.transformer
        assert pipe.vae is family.pipe.vae and pipe.text_encoder is family.pipe.text_encoder
        assert family._pipeline(cls) is pipe  # built once


@pytest.mark.parametrize("op", ["blend", "loop"])
def test_an_image_to_video_checkpoint_pins_the_first_and_last_frames_of_blend_and_loop(wan_engines, sources, op):
    rendered(wan_engines("i2v"), spec_for(op, sources))


@pytest.mark.parametrize(
    ("kind", "op", "reason", "code"),
    [
        ("i2v", "generate", "cannot start from text", "unsupported_needs_image"),
        ("i2v", "remix", "not a video to repaint", "unsupported_no_remix"),
        ("t2v", "animate", "text-to-video checkpoint", "unsupported_text_only"),
        ("t2v", "extend", "text-to-video checkpoint", "unsupported_text_only"),
        ("ti2v", "loop", "pins only the first frame", "unsupported_first_frame_only"),
    ],
)
def test_what_a_wan_checkpoint_cannot_do_is_refused_with_the_reason_in_the_users_language(
    wan_engines, sources, kind, op, reason, code
):
    from bot.i18n import DEFAULT_REASON
    from bot.i18n import reason as reason_words

    engine = wan_engines(kind)
    calls = engine.pipeline_calls
    with pytest.raises(UnsupportedOperation, match=f"cannot do '{op}'.*{reason}") as caught:
        engine.run([spec_for(op, sources)])
    assert engine.pipeline_calls == calls  # refused before anything ran
    assert caught.value.code == code
    for lang in ("en", "zh"):  # the words a failed job's message gives, not "an unexpected error"
        assert reason_words(code, lang) != DEFAULT_REASON[lang]
    assert reason_words(code, "zh") != reason_words(code, "en")


def test_every_reason_a_wan_checkpoint_refuses_for_has_words_in_english_and_chinese():
    from bot.i18n import REASONS
    from engine.pipelines.wan import _PINS_ENDS_ONLY, WHY_NOT

    codes = {code for refusals in WHY_NOT.values() for code, _ in refusals.values()}
    for code in codes | {_PINS_ENDS_ONLY[0], "unsupported_operation"}:
        assert REASONS[code]["en"] and REASONS[code]["zh"]


def test_a_loop_made_from_a_prompt_is_refused_by_an_image_to_video_checkpoint(wan_engines):
    with pytest.raises(UnsupportedOperation, match="cannot make a clip from text"):
        wan_engines("i2v").run([Loop(prompt="waves on a beach", settings=SETTINGS)])


def test_a_storyboard_image_card_inside_a_clip_needs_a_vace_checkpoint(wan_engines, sources):
    cards = [Card(at_s=0, prompt="a cat"), Card(at_s=0.5, image=sources["image"])]
    with pytest.raises(UnsupportedOperation, match="only a VACE checkpoint pins frames anywhere") as caught:
        wan_engines("ti2v").run([Storyboard(cards=cards, settings=SETTINGS)])
    assert caught.value.code == "unsupported_pinned_frame"


@pytest.mark.parametrize("op", ["recut", "remix", "storyboard"])
def test_vace_recuts_from_the_kept_frames_repaints_a_remix_and_pins_storyboard_images(wan_engines, sources, op):
    if op == "storyboard":
        spec = Storyboard(cards=[Card(at_s=0, prompt="a cat"), Card(at_s=0.5, image=sources["image"])], settings=SETTINGS)
    else:
        spec = spec_for(op, sources)
    frames, _ = rendered(wan_engines("vace"), spec)
    if op == "recut":  # the kept half second is the source's own frames; the rest is new
        source = load_video(sources["a"]).frames.astype(np.float32)
        assert float(np.abs(frames[:4] - source[:4]).mean()) < 3 < 10 < float(np.abs(frames[6:] - source[6:]).mean())


def test_a_two_expert_remix_hands_the_low_noise_steps_to_the_low_noise_expert(wan_engines, sources):
    """diffusers' video-to-video runs one transformer; A14B's experts split the schedule at boundary_ratio."""
    family = wan_engines("t2v").family
    used: list[str] = []
    hooks = [
        family.pipe.transformer.register_forward_hook(lambda *_: used.append("high")),
        family.pipe.transformer_2.register_forward_hook(lambda *_: used.append("low")),
    ]
    try:
        rendered(wan_engines("t2v"), Remix(source=sources["a"], prompt="a cat", strength=1.0, settings=SETTINGS))
        assert used == ["high", "low"]  # 2 steps from pure noise: one above the boundary, one below
        used.clear()
        rendered(wan_engines("t2v"), Remix(source=sources["a"], prompt="a cat", strength=0.3, settings=SETTINGS))
        assert used == ["low", "low"]  # a light touch stays below the boundary, and still runs every step
    finally:
        for hook in hooks:
            hook.remove()


def test_a_wan_model_without_its_own_profile_gets_the_shipped_one_for_its_kind(wan_engines, wan_dirs):
    from engine.pipelines.wan import wan_profile

    assert wan_profile(wan_dirs("ti2v"), wan_engines("ti2v").family.pipe).name == "tiny-wan-ti2v"
    bare = wan_dirs("ti2v").parent / "bare"
    bare.mkdir(exist_ok=True)
    assert wan_profile(bare, wan_engines("ti2v").family.pipe).name == "wan2.2-ti2v-5b"
    a14b = wan_profile(bare, wan_engines("t2v").family.pipe)
    assert (a14b.name, a14b.generation_fps, a14b.max_frames_per_pass, a14b.overlap_frames) == ("wan2.2-a14b", 16, 81, 1)


@pytest.mark.slow
def test_reelbot_writes_a_tiny_wan_model_and_renders_with_it(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "REELBOT_MEDIA_DIR": str(tmp_path / "media")}
    reelbot = Path(sys.executable).with_name("reelbot")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(reelbot), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    written = run("model", "tiny", "wan", "--family", "wan")
    assert written.returncode == 0 and "tiny Wan (ti2v)" in written.stdout, written.stderr
    made = run("render", "generate", "-o", "x.mp4", "--model", "wan", "--duration", "1", "--fps", "8", "--prompt", "a fox")
    assert made.returncode == 0, made.stderr
    info = probe(tmp_path / "x.mp4")
    assert (info.width, info.height, info.frames) == (*SIZE, 8)


def test_a_last_frame_pinned_before_the_end_of_a_pass_lands_where_asked_and_what_follows_holds_it(wan_engines):
    """Wan pins a call's last frame; the pass (8k+1 frames) may need it earlier, at index 10 of 17 here."""
    import torch

    from engine.pipelines.family import FrameCondition, PassRequest

    family = wan_engines("i2v").family
    width, height = family.profile.native_size("480p", "16:9")
    red, blue = (np.full((1, height, width, 3), colour, dtype=np.uint8) for colour in ((220, 20, 20), (20, 20, 220)))
    steps: list[int] = []
    request = PassRequest(
        prompts=["a boat"], negative_prompts=[""], width=width, height=height, num_frames=17, fps=8,
        generators=[torch.Generator("cpu").manual_seed(1)],
        conditions=[FrameCondition(red, 0), FrameCondition(blue, 10)],
    )
    frames = family.render(request, lambda: steps.append(1))
    assert frames.shape == (1, 17, height, width, 3) and frames.dtype == np.uint8
    assert (frames[0, 11:] == frames[0, 10]).all()  # never delivered: they hold the pinned frame
    assert len(steps) == family.profile.num_inference_steps
    with pytest.raises(UnsupportedOperation, match="cannot pin a frame at index 10 besides the first") as caught:
        family.render(replace(request, conditions=[*request.conditions, FrameCondition(red, 5)]), lambda: None)
    assert caught.value.code == "unsupported_pinned_frame"


@pytest.mark.parametrize(("kind", "calls"), [("ti2v", 1), ("vace", 2)])
def test_two_variations_share_a_call_where_the_pipeline_batches_and_progress_counts_every_step(
    wan_engines, sources, kind, calls
):
    engine = wan_engines(kind)
    spec = Remix(source=sources["a"], prompt="a cat", strength=0.8, settings=SETTINGS.model_copy(update={"variations": 2}))
    steps: list[tuple[int, int]] = []
    before = engine.pipeline_calls
    (clips,) = engine.run([spec], on_step=lambda done, total: steps.append((done, total)))
    assert engine.pipeline_calls - before == calls  # diffusers' VACE takes one video per call
    assert len(steps) == steps[-1][1] == engine.plan([spec]).steps == calls * engine.family.profile.num_inference_steps
    one, two = (load_video(clip.path).frames.astype(np.float32) for clip in clips)
    assert float(np.abs(one - two).mean()) > 2  # each variation has its own noise


@pytest.mark.parametrize(("flow_shift", "steps"), [(5.0, 50), (12.0, 40)])  # TI2V-5B, T2V-A14B
def test_a_wan_remix_strength_is_the_noise_the_source_is_buried_in_and_every_step_runs(flow_shift, steps):
    from diffusers import UniPCMultistepScheduler

    from engine.pipelines.wan import video_to_video_schedule

    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=flow_shift)
    for strength in (0.3, 0.6, 0.8):
        length, diffusers_strength = video_to_video_schedule(scheduler, steps, strength)
        kept = min(int(length * diffusers_strength), length)  # what WanVideoToVideoPipeline keeps
        scheduler.set_timesteps(length)
        assert kept == steps
        assert strength - 0.01 < float(scheduler.sigmas[length - kept]) <= strength



def test_wan_makes_no_sound_so_asking_for_it_is_refused_and_silence_is_granted(wan_engines):
    from bot.i18n import reason as reason_words

    engine = wan_engines("ti2v")
    with pytest.raises(UnsupportedOperation, match="without sound") as caught:
        engine.run([Generate(prompt="a dog barking", audio=True, settings=SETTINGS)])
    assert caught.value.code == "unsupported_sound"
    assert reason_words("unsupported_sound", "zh") == "当前模型生成的视频没有声音"
    rendered(engine, Generate(prompt="a dog barking", audio=False, settings=SETTINGS))


def test_a_vace_loop_from_a_prompt_draws_each_variations_still_in_its_own_call_and_counts_it(wan_engines):
    engine = wan_engines("vace")
    spec = Loop(prompt="waves on a beach", settings=SETTINGS.model_copy(update={"variations": 2}))
    steps: list[tuple[int, int]] = []
    before = engine.pipeline_calls
    (clips,) = engine.run([spec], on_step=lambda done, total: steps.append((done, total)))
    assert len(clips) == 2
    assert engine.pipeline_calls - before == 4  # two stills, two loops: one video per VACE call
    assert len(steps) == steps[-1][1] == engine.plan([spec]).steps == 4 * engine.family.profile.num_inference_steps
