"""The shipped captioner (``engine/models/captioner``): right about toy frames and plain drawings, fast on a CPU."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from engine.captioner import CaptionJobs, CaptionRequest, caption_image, default_captioner, load_captioner
from toyworld.captioner.frames import held_out_frame
from toyworld.captioner.text import read_card


@pytest.fixture(scope="module")
def captioner():
    return load_captioner("embedded", "cpu")


def red_disc_on_blue(width: int = 256, height: int = 256) -> Image.Image:
    image = Image.new("RGB", (width, height), (0, 0, 255))
    r = min(width, height) // 4
    ImageDraw.Draw(image).ellipse([width // 2 - r, height // 2 - r, width // 2 + r, height // 2 + r], fill=(255, 0, 0))
    return image


def test_the_embedded_captioner_is_trained_not_random(captioner):
    assert captioner.prompting.kind == "profile" and captioner.languages == ("en", "zh")


@pytest.mark.parametrize("size", [(256, 256), (640, 360)])
def test_a_pillow_red_disc_on_blue_is_a_red_circle_on_a_blue_background(captioner, size):
    picture = red_disc_on_blue(*size)
    en, zh = captioner.caption(picture, "en"), captioner.caption(picture, "zh")
    assert (read_card(en.text, "en").color, read_card(en.text, "en").background) == ("red", "blue"), en.text
    assert (read_card(zh.text, "zh").color, read_card(zh.text, "zh").background) == ("red", "blue"), zh.text
    assert read_card(en.text, "en").shape == "circle" and zh.lang == "zh"


def test_held_out_toy_frames_are_named_right_in_both_languages(captioner):
    frames = [held_out_frame(7_000_000 + i) for i in range(20)]
    for lang in ("en", "zh"):
        facts = [read_card(captioner.caption(f.image, lang).text, lang) for f in frames]
        assert sum(p.color == f.color for p, f in zip(facts, frames)) >= 18
        assert sum(p.background == f.background for p, f in zip(facts, frames)) >= 18


def test_a_caption_on_the_cpu_takes_well_under_a_second_once_loaded(captioner):
    picture = red_disc_on_blue()
    captioner.caption(picture, "en")
    seconds = []
    for lang in ("en", "zh") * 3:
        started = time.perf_counter()
        captioner.caption(picture, lang)
        seconds.append(time.perf_counter() - started)
    assert max(seconds) < 1.0, seconds


def test_caption_image_takes_a_path_a_picture_or_a_frame(tmp_path):
    path = tmp_path / "disc.png"
    red_disc_on_blue().save(path)
    from_path = caption_image(path, "en", model="embedded")
    assert from_path == caption_image(Image.open(path), "en", model="embedded")
    assert from_path == caption_image(np.asarray(Image.open(path).convert("RGB")), "en", model="embedded")
    assert default_captioner("embedded") is default_captioner("embedded")  # loaded once, kept warm


def test_caption_jobs_run_in_order_and_a_bad_file_is_a_refusal_code_not_an_exception(tmp_path):
    good, bad = tmp_path / "disc.png", tmp_path / "broken.png"
    red_disc_on_blue().save(good)
    bad.write_bytes(b"\x89PNG not really")
    jobs = CaptionJobs(lambda: load_captioner("embedded", "cpu"))
    try:
        async def both():
            return await asyncio.gather(jobs.caption(CaptionRequest(image_path=str(good), lang="zh")),
                                        jobs.caption(CaptionRequest(image_path=str(bad), lang="zh")))

        ok, refused = asyncio.run(both())
    finally:
        jobs.close()
    assert ok.ok and ok.lang == "zh" and "红色" in ok.caption
    assert not refused.ok and refused.error_code == "unreadable_image" and refused.caption == ""
    assert CaptionRequest.model_validate_json(CaptionRequest(image_path="x.png").model_dump_json()).lang == "en"
