"""Conversational filler: the words that ask politely but say nothing about the video ("could you", "please",
"帮我", "麻烦"). They never reach a prompt or an edit instruction.

Only the edges of a clause are trimmed (and "please" anywhere), so a scene keeps words that merely look polite
in the middle ("a dog that can you know, dance" is left alone).
"""

from __future__ import annotations

import re

from bot.intents.text import CUT

_I = re.IGNORECASE
_EN_START = re.compile(
    r"^(?:(?:please|pls|plz|kindly|hey|hi|hello|ok|okay|so|um+|uh+|er+|well|alright|oh|yes|yeah|hmm+|"
    r"bot|reelbot|can\s+you(?:\s+please)?|could\s+you(?:\s+please)?|would\s+you(?:\s+please)?|will\s+you|"
    r"would\s+you\s+mind|can\s+i\s+(?:get|have)|could\s+i\s+(?:get|have)|i'?d\s+like\s+(?:you\s+)?to|"
    r"i\s+want\s+you\s+to|i\s+need\s+you\s+to|just)(?![A-Za-z'])[\s,!.:;-]*)+",
    _I,
)
_EN_END = re.compile(
    r"(?:[\s,!.?~]*(?<![A-Za-z])(?:please|pls|plz|thanks|thank\s+you|thx|for\s+me|if\s+you\s+can|if\s+possible|"
    r"ok|okay)(?![A-Za-z]))+[\s,!.?~]*$",
    _I,
)
_EN_ANYWHERE = re.compile(r"(?<![A-Za-z])(?:please|pls|plz)(?![A-Za-z])\s*,?", _I)
_ZH_START = re.compile(r"^(?:请你?|帮我|帮忙|麻烦你?|麻烦帮我|能不能|能否|可不可以|可以|你能|你可以|拜托|那个|嗯+|好的?|哎)[\s,，、]*")
_ZH_END = re.compile(r"(?:[\s,，。！!？?~～…]*(?:好吗|好不好|可以吗|行吗|行不行|谢谢你?|一下|吧|吗|嘛|啊|呀|哦|哈))+"
                     r"[\s,，。！!？?~～…]*$")


def _trim_end(pattern: re.Pattern[str], text: str, window: int = 64) -> str:
    """The pattern removed from the end, looking only at a window so that a huge message stays linear."""
    return text[:-window] + pattern.sub("", text[-window:])


def strip(text: str) -> str:
    """``text`` without politeness at either end of it and without "please" anywhere.

    CUT marks at the edges stay where they are: ``tidy`` needs them to drop the joiner of a removed setting."""
    text = _EN_ANYWHERE.sub(lambda m: CUT * len(m.group(0)), text)
    lead = _EDGE_START.match(text).group(0)
    trail_at = _EDGE_END.search(text, len(lead)).start()
    body, trail = text[len(lead):trail_at], text[trail_at:]
    previous = None
    while previous != body:
        previous = body
        body = _ZH_START.sub("", _EN_START.sub("", body, count=1), count=1)
        body = _trim_end(_ZH_END, _trim_end(_EN_END, body))
    return lead + body + trail


_EDGE_START = re.compile(rf"[\s{CUT}]*")
_EDGE_END = re.compile(rf"[\s{CUT}]*$")
