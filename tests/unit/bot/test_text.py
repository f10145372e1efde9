"""One text splitter and trimmer for every platform (bot.text), each with its own limit."""

from __future__ import annotations

from bot.text import split_text, trim


def test_text_is_split_on_paragraphs_then_lines_then_words_within_the_limit():
    text = "first paragraph " * 5 + "\n\n" + "a line\n" * 10 + "word " * 40
    for limit in (50, 100, 2000, 4096):
        chunks = split_text(text, limit)
        assert all(len(chunk) <= limit for chunk in chunks)
        assert " ".join(" ".join(chunks).split()) == " ".join(text.split())


def test_a_text_without_boundaries_is_cut_hard_and_an_empty_text_is_one_empty_chunk():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("", 10) == [""]


def test_a_trimmed_text_ends_on_a_word_with_an_ellipsis():
    assert trim("a" * 10 + " " + "b" * 20, 20) == "a" * 10 + "\u2026"
    assert trim("short", 20) == "short"
