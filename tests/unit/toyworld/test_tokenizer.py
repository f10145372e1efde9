"""The toy tokenizer knows the world's words in both languages, maps the rest to <unk>, and survives a save."""

from __future__ import annotations

import numpy as np

from toyworld import caption, sample_scene
from toyworld.tokenizer import MAX_TOKENS, build_tokenizer


def test_an_english_caption_round_trips_through_the_tokenizer():
    tokenizer = build_tokenizer()
    ids = tokenizer("a red circle bouncing on a blue background").input_ids
    assert tokenizer.convert_ids_to_tokens(ids) == [
        "a", "red", "circle", "bouncing", "on", "a", "blue", "background", "</s>"
    ]
    assert tokenizer.decode(ids, skip_special_tokens=True) == "a red circle bouncing on a blue background"


def test_a_chinese_caption_splits_into_known_characters():
    tokenizer = build_tokenizer()
    ids = tokenizer("蓝色背景上一个弹跳的红色圆形").input_ids
    assert tokenizer.convert_ids_to_tokens(ids)[:4] == ["蓝", "色", "背", "景"]
    assert tokenizer.unk_token_id not in ids and ids[-1] == tokenizer.eos_token_id


def test_unknown_words_become_unk_and_case_and_full_width_punctuation_do_not_matter():
    tokenizer = build_tokenizer()
    tokens = tokenizer.convert_ids_to_tokens(tokenizer("Make it GREEN，please").input_ids)
    assert tokens == ["<unk>", "<unk>", "green", ",", "<unk>", "</s>"]


def test_every_generated_caption_tokenizes_without_unknowns_within_the_length_limit():
    tokenizer = build_tokenizer()
    rng = np.random.default_rng(0)
    for _ in range(300):
        scene = sample_scene(rng)
        for language in ("en", "zh"):
            ids = tokenizer(caption(scene, language, rng)).input_ids
            assert tokenizer.unk_token_id not in ids and len(ids) <= MAX_TOKENS


def test_the_saved_tokenizer_loads_back_with_the_same_ids(tmp_path):
    from transformers import AutoTokenizer

    tokenizer = build_tokenizer()
    tokenizer.save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    text = "红色圆形向左移动, a pink star spinning"
    assert loaded(text).input_ids == tokenizer(text).input_ids
    padded = loaded([text, ""], padding="max_length", max_length=MAX_TOKENS)
    assert padded.input_ids[1][:2] == [tokenizer.eos_token_id, tokenizer.pad_token_id]
