"""An optional text classifier for prompts: any transformers text-classification model, a directory or a hub id.

It lives on the engine side because it needs torch and transformers, which the conversation core never imports;
``bot.moderation`` calls :meth:`TextClassifier.unsafe_score` off the event loop. Loading is lazy and happens
once, on the first prompt checked, so a bot without ``[moderation] classifier`` never pays for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

#: Tokens a prompt is cut to before classification (prompts are short; the limit keeps a long one cheap).
MAX_TOKENS = 256


class TextClassifier:
    """A transformers ``text-classification`` pipeline, loaded on first use (thread-safe) and run on the CPU
    unless a device is given."""

    def __init__(self, model: str, *, device: str = "cpu") -> None:
        self.model = model
        self.device = device
        self._pipeline: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._pipeline is None:
                from transformers import pipeline

                self._pipeline = pipeline("text-classification", model=self.model, tokenizer=self.model,
                                          device=self.device)
            return self._pipeline

    def scores(self, text: str) -> dict[str, float]:
        """Every label's probability for ``text`` (blocking: call it from a worker thread)."""
        results = self._load()(text, top_k=None, truncation=True, max_length=MAX_TOKENS)
        if results and isinstance(results[0], list):  # some versions nest one list per input
            results = results[0]
        return {str(item["label"]): float(item["score"]) for item in results}

    def unsafe_score(self, text: str, unsafe_labels: Iterable[str]) -> tuple[str, float]:
        """The most likely of ``unsafe_labels`` (compared case-insensitively) and its probability."""
        wanted = {label.casefold() for label in unsafe_labels}
        scored = [(label, score) for label, score in self.scores(text).items() if label.casefold() in wanted]
        return max(scored, key=lambda item: item[1], default=("", 0.0))
