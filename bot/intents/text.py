"""Text plumbing shared by the readers: sanitising input, marking removed spans, and tidying what is left.

Readers never delete text outright: they replace what they understood with ``CUT`` so that ``tidy`` can later
drop the connector that only served the removed words ("in 720p", "，竖屏，") and join the rest with a space
in English or with nothing between Chinese characters.
"""

from __future__ import annotations

import re
import unicodedata

#: Stands where a reader removed words. Control characters are stripped from input, so it cannot collide.
CUT = "\x00"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")

#: Words that only join or soften; a prompt made of nothing else is no prompt.
FILLERS_EN = (
    "and", "in", "with", "at", "as", "of", "for", "to", "into", "on", "using", "then", "also", "but", "now",
    "please", "pls", "plz", "thanks", "thank you", "make", "set", "it", "this", "that", "one", "the", "a", "an",
    "me", "my", "be", "is", "should", "would", "could", "can", "you", "i", "want", "like", "video", "clip",
    "format", "mode", "resolution", "quality", "orientation", "aspect", "ratio", "long", "version", "versions",
    "only", "just", "so", "ok", "okay", "use", "change", "switch", "turn", "do", "let's", "lets", "give",
)
FILLERS_ZH = (
    "请", "帮我", "给我", "麻烦", "我要", "我想", "要", "用", "以", "做成", "改成", "换成", "设置成", "设为",
    "设置", "调成", "弄成", "的", "和", "并且", "然后", "还有", "吧", "呢", "啊", "一下", "视频", "格式",
    "模式", "分辨率", "画质", "时长", "长", "把", "它", "这个", "改为", "就", "好", "谢谢", "是", "都", "个",
)
#: At the start only pure joiners go: "at night" and "in anime style" are whole edit instructions.
_EDGE_EN_START = re.compile(r"^(?:(?:(?:and|then|also|please|pls|plz|or|so|and\s+then)(?![A-Za-z0-9])"
                            r"|[,;:.!?\-–—/|&+])\s*)+", re.IGNORECASE)
#: At the end only joiners too: "zoom in" and "log on" end in prepositions ("in 720p" is taken out whole).
_EDGE_EN_END = re.compile(r"\s*(?:(?<![A-Za-z0-9])(?:and|or|then|also|please|pls|plz|so|but)|[,;:\-–—/|&+])$",
                          re.IGNORECASE)
_EDGE_ZH_START = re.compile(r"^(?:[，、；：。！？,;:]|然后|并且|而且|还有|同时|接着|后面|之后|以后|再|和|及|用|以|并|请|的)+")
_EDGE_ZH_END = re.compile(r"(?:[，、；：,;:]|和|及|并且|然后|的|用|以)+$")
_EDGE_WINDOW = 48
_JOINER_AT_CUT = re.compile(
    r"(?:\b(?:in|at|with|as|and|using|on|for|to|into|of|by)\s*|[,，、;；]\s*|用|以|采用|设置?为?|做成|调成|把)?"
    rf"{CUT}+"
    r"(?:\s*(?:\b(?:format|mode|orientation|resolution|quality|aspect(?:\s+ratio)?|ratio|long|res)\b"
    r"|of(?![A-Za-z])|的?(?:格式|模式|分辨率|画质|比例|尺寸)|的)?)",
    re.IGNORECASE,
)
_FILLER_RE = re.compile(
    r"(?:\b(?:" + "|".join(sorted((re.escape(w) for w in FILLERS_EN), key=len, reverse=True)) + r")\b"
    r"|" + "|".join(sorted((re.escape(w) for w in FILLERS_ZH), key=len, reverse=True))
    + r"|[\s\W_])+",
    re.IGNORECASE,
)


def sanitize(text: object) -> str:
    """Any object to a clean single-spaced string: NFC, no control or invisible characters, tabs as spaces."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    return " ".join(text.split())


def is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\uffef")


def _join_cut(match: re.Match[str]) -> str:
    """A removed span between two Chinese characters leaves nothing; elsewhere it leaves one space."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if (is_cjk(before) or is_cjk(after)) and not (before.isascii() and after.isascii()) else " "


def _strip_edges(text: str) -> str:
    """Trims connectors at both ends. Works on short windows so that a run of 10,000 commas stays linear."""
    previous = None
    while previous != text:
        previous = text
        text = _EDGE_ZH_START.sub("", _EDGE_EN_START.sub("", text, count=1), count=1).lstrip()
        head, tail = text[:-_EDGE_WINDOW], text[-_EDGE_WINDOW:]
        tail = _EDGE_ZH_END.sub("", _EDGE_EN_END.sub("", tail)).rstrip()
        text = (head + tail).strip()
    return text


def is_filler(text: str) -> bool:
    """True when nothing but connectors, pronouns, politeness and punctuation is left."""
    if not text:
        return True
    return not _FILLER_RE.sub("", text[:200]) and not _FILLER_RE.sub("", text)


def tidy(text: str) -> str | None:
    """What a reader left of a message, as a prompt: connectors of removed words dropped, edges trimmed."""
    if CUT in text:
        text = _JOINER_AT_CUT.sub(_join_cut, text).replace(CUT, " ")
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = re.sub(r"\s+([,，、。！？!?;；:：.])", r"\1", one_line(text))
    text = re.sub(r"([,，、;；])(?:\s*[,，、;；])+", r"\1", text)
    text = re.sub(r"\s*[(\[（【]\s*[)\]）】]", "", text)
    text = _strip_edges(text)
    if is_filler(text):
        return None
    return text
