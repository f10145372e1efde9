"""Tiny random-weight captioners of several architectures, built from configs and saved like hub checkpoints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WORDS = ["a", "red", "blue", "circle", "on", "background", "the", "of", "picture"]


def _bert_tokenizer(directory: Path):
    from transformers import BertTokenizerFast

    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    return BertTokenizerFast(vocab_file=str(vocab))


@pytest.fixture(scope="session")
def tiny_embedded_captioner(tmp_path_factory) -> Path:
    """The embedded captioner's architecture (ViT + GPT-2 decoder, language tokens) at test size."""
    from toyworld.captioner.model import write_tiny_captioner

    return write_tiny_captioner(tmp_path_factory.mktemp("captioners") / "embedded-arch")


@pytest.fixture(scope="session")
def tiny_blip(tmp_path_factory) -> Path:
    """BLIP (``BlipForConditionalGeneration`` + ``BlipProcessor``), random weights."""
    from transformers import BlipConfig, BlipForConditionalGeneration, BlipImageProcessor, BlipProcessor

    directory = tmp_path_factory.mktemp("captioners") / "blip"
    directory.mkdir(exist_ok=True)
    tokenizer = _bert_tokenizer(directory)
    config = BlipConfig(
        vision_config={"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 1, "num_attention_heads": 2,
                       "image_size": 32, "patch_size": 8},
        text_config={"vocab_size": len(tokenizer), "hidden_size": 32, "intermediate_size": 37,
                     "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 64,
                     "bos_token_id": tokenizer.cls_token_id, "sep_token_id": tokenizer.sep_token_id,
                     "pad_token_id": tokenizer.pad_token_id},
    )
    BlipForConditionalGeneration(config).save_pretrained(directory)
    processor = BlipProcessor(BlipImageProcessor(size={"height": 32, "width": 32}), tokenizer)
    processor.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_git(tmp_path_factory) -> Path:
    """GIT (``GitForCausalLM`` + ``GitProcessor``), random weights."""
    from transformers import CLIPImageProcessor, GitConfig, GitForCausalLM, GitProcessor

    directory = tmp_path_factory.mktemp("captioners") / "git"
    directory.mkdir(exist_ok=True)
    tokenizer = _bert_tokenizer(directory)
    config = GitConfig(
        vision_config={"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 1, "num_attention_heads": 2,
                       "image_size": 32, "patch_size": 8},
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2,
        max_position_embeddings=64, bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    GitForCausalLM(config).save_pretrained(directory)
    image_processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    GitProcessor(image_processor, tokenizer).save_pretrained(directory)
    return directory
