"""Re-cut points: "keep the first 2 seconds (and ...)", "保留前2秒，后面...", "after 3s ...", "从第3秒开始...".

A re-cut keeps the start of a clip and regenerates the rest from a new instruction. "Keep the first N seconds"
and "保留前N秒" / "前N秒不变" say so unambiguously and count even without a clip in focus (the dialogue then asks
which clip). "After 3 seconds ...", "from 3s ...", "3秒后..." also describe scenes ("after 3 seconds the cat
jumps"), so they count only when a clip is in focus or referenced; the caller decides with ``strong_only``.
"""

from __future__ import annotations

import re

from bot.intents import numbers
from bot.intents.text import CUT

_A0, _A1 = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"
_N = rf"(?P<n>{numbers.ANY})"
_SEC_EN = r"\s*-?\s*(?:seconds?|secs?|s)(?![A-Za-z])"
_SEC_ZH = r"\s*(?:秒钟?|s|S|seconds?)"
_THEN = (r"(?:\s*(?:[,，;；:：]\s*)?(?:(?:and|then|and\s+then|but|after\s+that|afterwards|from\s+there)(?![A-Za-z])"
         r"|后面的?|然后|之后|接着|再|剩下的|后边)?)?")

#: (pattern, words one of which must be in the lower-cased text for it to run: a cheap test first).
_STRONG = [
    (re.compile(p, re.IGNORECASE), needs)
    for p, needs in (
        (rf"{_A0}(?:re-?cut\s+(?:it\s+|this\s+)?(?:at|after|from)\s+|(?:keep|keeping|preserve|retain|hold)\s+"
         rf"(?:only\s+)?(?:the\s+)?(?:first|opening|initial)?\s*){_N}{_SEC_EN}(?:\s+(?:of\s+(?:it|this|the\s+clip|{CUT}+))?"
         rf"(?:\s*(?:as\s+is|unchanged|the\s+same))?)?{_THEN}", ("keep", "preserve", "retain", "hold", "cut")),
        (rf"(?:保留|保持|留下|留着)\s*(?:{CUT}+的?)?\s*(?:前面?的?|开头的?|开始的?)?\s*{_N}{_SEC_ZH}(?:的?(?:内容|画面|部分))?(?:不变)?"
         rf"{_THEN}", ("保", "留")),
        (rf"前面?\s*{_N}{_SEC_ZH}\s*(?:的?(?:内容|画面|部分))?\s*(?:保留|保持不变|不变|不动|别动|留着|保持){_THEN}", ("前",)),
    )
]
_WEAK = [
    (re.compile(p, re.IGNORECASE), needs)
    for p, needs in (
        (rf"{_A0}(?:(?:after|from|at)\s+(?:the\s+)?{_N}{_SEC_EN}(?:\s+mark)?(?:\s+on)?){_THEN}",
         ("after", "from", "at")),
        (rf"{_A0}(?:starting|beginning)\s+(?:at|from)\s+{_N}{_SEC_EN}{_THEN}", ("start", "begin")),
        (rf"从\s*第?\s*{_N}{_SEC_ZH}\s*(?:开始|起|以后|之后|处)?\s*(?:重剪|重新剪|剪开|重拍)?(?:[,，:：]\s*)?{_THEN}",
         ("从",)),
        (rf"{_N}{_SEC_ZH}\s*(?:之后|以后|后)(?:[,，]\s*)?{_THEN}", ("后",)),
    )
]


def extract(text: str, *, strong_only: bool) -> tuple[float | None, str]:
    """The seconds to keep, and ``text`` with the re-cut phrase replaced by ``CUT``; (None, text) if none."""
    lowered = text.lower()
    patterns = _STRONG if strong_only else _STRONG + _WEAK
    for pattern, needs in patterns:
        if not any(word in lowered for word in needs):
            continue
        for match in pattern.finditer(text):
            value = numbers.to_number(match.group("n"))
            if value is None or not 0 < value <= 60:
                continue
            cut = text[: match.start()] + CUT * (match.end() - match.start()) + text[match.end():]
            return round(float(value), 2), cut
    return None, text
