"""Fitting the core's words into a platform's limits: one splitter and one trimmer, each platform its numbers.

Texts are split on paragraph, then line, then word boundaries (never a tiny chunk: a boundary in the first half
of the window is ignored and the text is cut hard instead); a trimmed text ends on a word with an ellipsis.
"""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` characters; at least one (possibly empty)."""
    chunks: list[str] = []
    rest = text.strip() or text
    while len(rest) > limit:
        window = rest[:limit]
        cut = limit
        for boundary in ("\n\n", "\n", " "):
            if (found := window.rfind(boundary)) >= limit // 2:
                cut = found
                break
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(rest)
    return [chunk for chunk in chunks if chunk] or [""]


def trim(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis when it has to be cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"
