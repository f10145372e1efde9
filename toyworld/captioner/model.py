"""The embedded captioner's architecture: a SegFormer (Mix Transformer) encoder and a small GPT-2 decoder.

A ``VisionEncoderDecoderModel`` (SegFormer encoder, GPT-2 decoder) with a ``ViTImageProcessor`` and a word-level fast tokenizer, so the saved
directory loads with plain ``from_pretrained`` (and ``AutoModelForImageTextToText``). The same builder at smaller
sizes makes the random-weight captioners the tests use.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from toyworld.captioner.text import LANGUAGE_TOKENS, MAX_TOKENS, SPECIALS, vocabulary

#: The image side the processor resizes every picture to (the toy world's native frame side).
IMAGE_SIZE = 64
#: The file in a captioner directory that tells the engine how to ask for each language.
PROFILE_FILE = "reelbot.json"


@dataclass(frozen=True)
class CaptionerSize:
    """Widths and depths of the encoder's three stages and of the decoder; the defaults are the embedded captioner."""

    encoder_widths: tuple[int, ...] = (32, 64, 128)
    encoder_depths: tuple[int, ...] = (1, 2, 2)
    encoder_heads: tuple[int, ...] = (1, 2, 4)
    decoder_width: int = 64
    decoder_layers: int = 2
    decoder_heads: int = 4


#: The random-weight captioner the tests build (same architecture, a few thousand parameters per layer).
TINY_SIZE = CaptionerSize(encoder_widths=(8, 16, 32), encoder_depths=(1, 1, 1), encoder_heads=(1, 1, 2),
                          decoder_width=32, decoder_layers=1, decoder_heads=2)


def build_tokenizer():
    """A ``PreTrainedTokenizerFast``: whitespace-split words, ``<s>``/``</s>``, ``<en>``/``<zh>`` as specials."""
    from tokenizers import Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    vocab = {token: index for index, token in enumerate(vocabulary())}
    backend = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    pad, bos, eos, unk = SPECIALS
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token=pad,
        bos_token=bos,
        eos_token=eos,
        unk_token=unk,
        extra_special_tokens=list(LANGUAGE_TOKENS.values()),
        model_max_length=MAX_TOKENS,
    )


def build_image_processor():
    """Resize to ``IMAGE_SIZE`` square (bilinear), scale to [-1, 1]."""
    from transformers import ViTImageProcessor

    return ViTImageProcessor(
        size={"height": IMAGE_SIZE, "width": IMAGE_SIZE},
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
        resample=2,  # PIL bilinear
    )


def build_model(size: CaptionerSize = CaptionerSize(), *, seed: int = 0):
    """A randomly initialised ``VisionEncoderDecoderModel`` of ``size`` over the card vocabulary.

    The encoder is SegFormer's Mix Transformer: overlapping convolutional patch embeddings and a depthwise
    convolution in every feed-forward layer. With a plain ViT (linear 8x8 patches, absolute positions) shape stayed
    at chance for 2000 steps while colour was learned in 100; the convolutions make shape learnable on a CPU budget.
    ``reshape_last_stage=False`` keeps its output a token sequence, which the decoder's cross-attention reads.
    """
    import torch
    from transformers import GPT2Config, SegformerConfig, VisionEncoderDecoderConfig, VisionEncoderDecoderModel

    torch.manual_seed(seed)
    vocab = vocabulary()
    pad, bos, eos = (vocab.index(token) for token in SPECIALS[:3])
    encoder = SegformerConfig(
        num_channels=3,
        num_encoder_blocks=len(size.encoder_widths),
        depths=list(size.encoder_depths),
        sr_ratios=[4, 2, 1][: len(size.encoder_widths)],
        hidden_sizes=list(size.encoder_widths),
        patch_sizes=[7, 3, 3][: len(size.encoder_widths)],
        strides=[4, 2, 2][: len(size.encoder_widths)],
        num_attention_heads=list(size.encoder_heads),
        mlp_ratios=[2] * len(size.encoder_widths),
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        drop_path_rate=0.0,
        reshape_last_stage=False,
    )
    encoder.hidden_size = size.encoder_widths[-1]  # what the encoder-decoder projects from
    decoder = GPT2Config(
        vocab_size=len(vocab),
        n_positions=MAX_TOKENS + 2,
        n_embd=size.decoder_width,
        n_layer=size.decoder_layers,
        n_head=size.decoder_heads,
        n_inner=size.decoder_width * 3,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=bos,
        eos_token_id=eos,
        pad_token_id=pad,
        is_decoder=True,
        add_cross_attention=True,
    )
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)
    config.decoder_start_token_id, config.pad_token_id, config.eos_token_id = bos, pad, eos
    model = VisionEncoderDecoderModel(config=config)
    model.generation_config.decoder_start_token_id = bos
    model.generation_config.bos_token_id = bos
    model.generation_config.eos_token_id = eos
    model.generation_config.pad_token_id = pad
    model.generation_config.max_new_tokens = MAX_TOKENS
    return model


def profile(size: CaptionerSize) -> dict:
    """What the engine reads from ``reelbot.json``: the decoder prompt per language, the torch threads to caption
    with on a CPU, and (for people) the architecture."""
    return {"kind": "captioner", "languages": dict(LANGUAGE_TOKENS), "cpu_threads": 1, "size": asdict(size)}


def save_captioner(directory: Path | str, model, size: CaptionerSize, extra: dict | None = None) -> Path:
    """Write model, image processor, tokenizer and ``reelbot.json`` so ``from_pretrained`` reads them back."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    build_image_processor().save_pretrained(directory)
    build_tokenizer().save_pretrained(directory)
    data = profile(size) | (extra or {})
    (directory / PROFILE_FILE).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return directory


def write_tiny_captioner(directory: Path | str, *, seed: int = 0) -> Path:
    """A random-weight captioner of the embedded architecture at test size (for tests; it writes noise)."""
    return save_captioner(directory, build_model(TINY_SIZE, seed=seed), TINY_SIZE, {"random_weights": True})


def pixels(images: list[np.ndarray]) -> np.ndarray:
    """Images as the processor prepares them (N x 3 x IMAGE_SIZE x IMAGE_SIZE float32), without its overhead."""
    from PIL import Image

    out = np.empty((len(images), 3, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    for i, image in enumerate(images):
        resized = Image.fromarray(image).resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR)
        out[i] = (np.asarray(resized, dtype=np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    return out
