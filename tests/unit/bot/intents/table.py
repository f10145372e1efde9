"""Reads utterances.tsv, the table of what people say and what the bot must understand (shared with the bench)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).with_name("utterances.tsv")
SETTINGS = ("aspect", "resolution", "duration", "variations")


@dataclass(frozen=True)
class Utterance:
    lang: str
    flags: dict[str, bool]
    action: str
    expected: dict
    text: str

    @property
    def id(self) -> str:
        context = "+".join(k.removeprefix("has_") for k, v in self.flags.items() if v)
        return f"{self.lang}:{self.text[:40]}" + (f" [{context}]" if context else "")


def load() -> list[Utterance]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, context, action, expected, text = line.split("\t")
        names = set() if context == "-" else set(context.split(","))
        flags = {"has_focus": "clip" in names, "has_image": "image" in names, "has_video": "video" in names}
        rows.append(Utterance(lang, flags, action, json.loads(expected), text.replace("\\n", "\n")))
    return rows
