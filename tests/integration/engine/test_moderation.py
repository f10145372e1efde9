"""The optional prompt classifier: a tiny random-weight transformers model, saved and loaded from a directory."""

from __future__ import annotations

import pytest

from bot.moderation import ModerationOptions, Moderator
from engine.moderation import TextClassifier


@pytest.fixture(scope="module")
def tiny_classifier_dir(tmp_path_factory):
    """A 2-label BERT text classifier with random weights and a word-level vocabulary, written with save_pretrained."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder = tmp_path_factory.mktemp("classifier")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "red", "ball", "cat", "blood", "storm"]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=2,
                        id2label={0: "safe", 1: "unsafe"}, label2id={"safe": 0, "unsafe": 1})
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def test_the_classifier_loads_from_a_directory_and_scores_every_label(tiny_classifier_dir):
    classifier = TextClassifier(str(tiny_classifier_dir))

    scores = classifier.scores("a red ball")

    assert set(scores) == {"safe", "unsafe"}
    assert scores["safe"] + scores["unsafe"] == pytest.approx(1.0, abs=1e-4)
    assert classifier.unsafe_score("a red ball", ["UNSAFE"]) == ("unsafe", pytest.approx(scores["unsafe"]))


async def test_the_threshold_decides_and_a_refusal_names_the_classifier(tiny_classifier_dir):
    unsafe = TextClassifier(str(tiny_classifier_dir)).scores("blood storm")["unsafe"]
    below = ModerationOptions(classifier=str(tiny_classifier_dir), threshold=max(unsafe - 0.05, 0.01))
    above = ModerationOptions(classifier=str(tiny_classifier_dir), threshold=min(unsafe + 0.05, 1.0))

    refused = await Moderator(below).refusal("blood storm")
    allowed = await Moderator(above).refusal("blood storm")

    assert refused is not None and refused.rule == "classifier" and refused.detail.startswith("unsafe ")
    assert allowed is None


async def test_the_block_list_answers_before_the_classifier_is_loaded(tiny_classifier_dir):
    moderator = Moderator(ModerationOptions(block_words=["blood"], classifier=str(tiny_classifier_dir)))

    refused = await moderator.refusal("blood storm")

    assert refused is not None and refused.rule == "block_list"
    assert moderator._classifier._pipeline is None  # never loaded: the cheap rule answered
