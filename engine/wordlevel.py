"""A T5-shaped word-level fast tokenizer (pad 0, eos 1, unk 2; ``</s>`` appended) for small, closed vocabularies.

The tiny test model and the embedded toy model both need one: ``from_pretrained`` loads it back as a plain
``PreTrainedTokenizerFast``, and any word outside the vocabulary reads as ``<unk>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SPECIALS = ("<pad>", "</s>", "<unk>")


def word_level_tokenizer(words: Sequence[str], *, normalizer: Any, pre_tokenizer: Any, max_length: int):
    """A ``PreTrainedTokenizerFast`` over ``SPECIALS + words`` (ids in that order; duplicates dropped)."""
    from tokenizers import Tokenizer, processors
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    ordered = list(SPECIALS) + [word for word in dict.fromkeys(words) if word not in SPECIALS]
    vocab = {token: index for index, token in enumerate(ordered)}
    backend = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.normalizer = normalizer
    backend.pre_tokenizer = pre_tokenizer
    backend.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", vocab["</s>"])]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=max_length,
        padding_side="right",
    )
