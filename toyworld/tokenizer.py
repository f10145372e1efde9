"""A word-level tokenizer over the toy world's vocabulary, English and Chinese, saved as a plain fast tokenizer.

English splits on spaces and punctuation; Chinese splits into single characters (BERT's CJK handling), so
"红色圆形" is 红 色 圆 形 and a new phrasing built from known characters still means something. Anything
else is ``<unk>``. Special tokens follow T5 (pad 0, eos 1, unk 2) and every sequence ends with ``</s>``.
"""

from __future__ import annotations

from engine.wordlevel import SPECIALS
from toyworld.captions import all_phrases

#: Longest caption in tokens (with ``</s>``) the model is trained on; longer prompts are truncated.
MAX_TOKENS = 32


def _backend_parts():
    from tokenizers import normalizers, pre_tokenizers

    normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, lowercase=True)]
    )
    return normalizer, pre_tokenizers.BertPreTokenizer()


def vocabulary() -> list[str]:
    """Every token the captions can produce, specials first, the rest sorted (stable ids across runs)."""
    normalizer, pre_tokenizer = _backend_parts()
    words: set[str] = set()
    for text in all_phrases():
        words.update(piece for piece, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text)))
    return list(SPECIALS) + sorted(words - set(SPECIALS))


def build_tokenizer():
    """The ``PreTrainedTokenizerFast`` the pipeline saves and ``from_pretrained`` loads back."""
    from engine.wordlevel import word_level_tokenizer

    normalizer, pre_tokenizer = _backend_parts()
    return word_level_tokenizer(
        vocabulary()[len(SPECIALS):], normalizer=normalizer, pre_tokenizer=pre_tokenizer, max_length=MAX_TOKENS
    )
