"""Any transformers image-to-text directory loads as a captioner; each writes a line in the language it can."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from engine.captioner import load_captioner
from engine.errors import ModelLoadError

PICTURE = Image.new("RGB", (48, 40), (0, 0, 255))


def test_the_embedded_architecture_loads_with_its_language_tokens_and_writes_both_languages(tiny_embedded_captioner):
    captioner = load_captioner(str(tiny_embedded_captioner), "cpu")
    assert captioner.prompting.kind == "profile"
    assert captioner.languages == ("en", "zh")
    for lang in ("en", "zh"):
        caption = captioner.caption(PICTURE, lang)
        assert caption.lang == lang and isinstance(caption.text, str) and caption.seconds > 0
        assert "<en>" not in caption.text and "<zh>" not in caption.text


def test_a_video_frame_as_an_array_is_captioned_like_a_picture(tiny_embedded_captioner):
    captioner = load_captioner(str(tiny_embedded_captioner), "cpu")
    frame = np.zeros((64, 96, 3), dtype=np.uint8)
    assert captioner.caption(frame, "en").text == captioner.caption(Image.fromarray(frame), "en").text
    with pytest.raises(ValueError, match="H x W x 3"):
        captioner.caption(np.zeros((4, 4), dtype=np.uint8), "en")


@pytest.mark.parametrize("fixture", ["tiny_blip", "tiny_git"])
def test_blip_and_git_load_through_the_auto_classes_and_answer_in_english(fixture, request):
    captioner = load_captioner(str(request.getfixturevalue(fixture)), "cpu")
    assert captioner.prompting.kind == "plain"
    english = captioner.caption(PICTURE, "en")
    asked_chinese = captioner.caption(PICTURE, "zh")
    assert english.lang == "en" and asked_chinese.lang == "en"  # says what it wrote, never pretends
    assert isinstance(english.text, str) and "[CLS]" not in english.text and "[SEP]" not in english.text


def test_a_profile_can_give_any_model_a_prompt_per_language(tiny_git, tmp_path):
    import shutil

    directory = tmp_path / "git-prompted"
    shutil.copytree(tiny_git, directory)
    (directory / "reelbot.json").write_text(json.dumps({"languages": {"en": "a picture of"}}))
    captioner = load_captioner(str(directory), "cpu")
    assert captioner.prompting.kind == "profile" and captioner.languages == ("en",)
    assert captioner.caption(PICTURE, "zh").lang == "en"


def test_a_directory_that_is_not_a_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="could not load the captioner"):
        load_captioner(str(tmp_path), "cpu")


def test_an_unknown_language_is_refused_by_name(tiny_embedded_captioner):
    captioner = load_captioner(str(tiny_embedded_captioner), "cpu")
    with pytest.raises(ValueError, match="'fr'"):
        captioner.caption(PICTURE, "fr")


def test_a_profile_can_pin_cpu_threads_while_captioning_and_gives_them_back(tiny_embedded_captioner, tmp_path):
    import shutil

    import torch

    directory = tmp_path / "one-thread"
    shutil.copytree(tiny_embedded_captioner, directory)
    profile = json.loads((directory / "reelbot.json").read_text())
    (directory / "reelbot.json").write_text(json.dumps(profile | {"cpu_threads": 1}))
    captioner = load_captioner(str(directory), "cpu")
    assert captioner.cpu_threads == 1
    before = torch.get_num_threads()
    seen = []
    original = captioner.model.generate

    def generate(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(*args, **kwargs)

    captioner.model.generate = generate
    captioner.caption(PICTURE, "en")
    assert seen == [1] and torch.get_num_threads() == before
