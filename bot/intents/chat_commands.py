"""Whole-message chat commands the conversation reads before a message is parsed as a video request:
``/start``, operator verbs (``/grant``, ``/block``...), ``#12`` to open a clip, ``/reply 12 ...``, history pages.

Pure text in, plain values out; no I/O. Commands may carry Telegram's ``@botname`` suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_START = re.compile(r"^/start(?:@\w+)?\b", re.I)
_ADMIN = re.compile(r"^/(grant|block|unblock|disable|enable|refund)(?:@\w+)?\b\s*(.*)$", re.I | re.S)
_OPEN_CLIP = re.compile(r"^\s*(?:/reply(?:@\w+)?\s+|/open(?:@\w+)?\s+)?#?\s*(\d{1,9})\s*$")
_REPLY = re.compile(r"^/reply(?:@\w+)?\s+#?(\d+)\s+(.*)$", re.S)
_HISTORY_PAGE = re.compile(
    r"^\s*(?:/history(?:@\w+)?|history|my (?:videos|clips)|历史(?:记录)?)\s*(?:page|第)?\s*(\d{1,5})\s*页?\s*$", re.I
)
_DIGITS = re.compile(r"\d+")
_CLIP_REF = re.compile(r"#?\s*(\d+)")


@dataclass(frozen=True)
class AdminCommand:
    """An operator's or chat admin's verb and the rest of the line."""

    verb: str
    args: str

    @property
    def parts(self) -> list[str]:
        """``USER [AMOUNT [reason]]``."""
        return self.args.split(maxsplit=2)


def start(text: str) -> str | None:
    """For ``/start [rest]``, the rest (possibly empty); None when the message is not ``/start``."""
    text = text.strip()
    return _START.sub("", text).strip() if _START.match(text) else None


def admin_command(text: str) -> AdminCommand | None:
    match = _ADMIN.match(text.strip())
    return AdminCommand(match.group(1).lower(), match.group(2).strip()) if match else None


def opened_clip(text: str) -> int | None:
    """``#12``, ``12``, ``/open 12`` or ``/reply 12`` alone: re-send clip 12 and put it in focus."""
    match = _OPEN_CLIP.match(text)
    return int(match.group(1)) if match else None


def reply_to_clip(text: str) -> tuple[int, str] | None:
    """``/reply 12 make it blue`` -> (12, "make it blue"): the console's way to reply to a clip."""
    match = _REPLY.match(text.strip())
    return (int(match.group(1)), match.group(2)) if match else None


def history_page(text: str) -> int | None:
    """``/history 2``, ``history page 2``, ``历史第2页`` -> 2."""
    match = _HISTORY_PAGE.match(text)
    return int(match.group(1)) if match else None


def clip_number(ref: str) -> int | None:
    """A Command's clip reference (``"#12"``, ``"12"``) as a clip id; None for anything else."""
    match = _CLIP_REF.fullmatch(ref.strip())
    return int(match.group(1)) if match else None


def page_number(words: str | None) -> int:
    """The page a history command names (``Command.prompt``), 1 when none."""
    digits = _DIGITS.findall(words or "")
    return int(digits[0]) if digits and len(digits[0]) < 6 else 1
