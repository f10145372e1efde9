"""Settings said anywhere in a message: aspect, resolution, duration, number of variations, sound.

Each reader finds its words, records the value and blanks the words out (``CUT`` of the same length, so
positions stay comparable: when a message names a field twice, the later mention wins, as in "vertical...
no, square").

Decisions:
- duration: whole seconds 1-20. Longer asks are clamped to 20 ("30 seconds", "1 minute" -> 20); fractions are
  rounded; zero is ignored. A bare "Ns" counts only for 1-20, so "90s style" and "the 1980s" stay in the scene.
  "at 5s", "first 2 seconds", "after 3s", "第5秒", "前2秒", "3秒后" are moments, not durations, and are left alone.
- variations: 1, 2 or 4. Other counts are rounded down to the nearest of these (3 -> 2, 6 -> 4); zero is ignored.
- resolution: 4K, 1440p, UHD and "超清" ask for more than we render and are read as 1080p.
- "portrait", "landscape" and "square" are also scene words ("a portrait of a queen", "a town square"), so they
  count only with a qualifier ("in portrait", "landscape mode", "square format"), when they stand as a clause of
  their own ("square, 10s: koi in a pond", "..., square") or when the message is little else ("square please",
  "make it landscape"). "vertical", "widescreen", "9:16", "竖屏", "横屏" always count.
- sound (``audio``): "no sound", "without audio", "静音", "不要声音" -> False; "with sound", "有声音" -> True.
  "silent" and "muted" describe scenes too ("a silent forest"), so they count only as a clause of their own
  ("a dog barking, silent") or before "video"/"clip"/"version".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.intents import numbers
from bot.intents.text import CUT, is_filler

_A0, _A1 = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"


@dataclass
class Settings:
    """The settings one message asked for; None where it said nothing."""

    aspect: str | None = None
    resolution: str | None = None
    duration: int | None = None
    variations: int | None = None
    audio: bool | None = None
    _at: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def set(self, name: str, value: object, position: int) -> None:
        if position >= self._at.get(name, -1):
            setattr(self, name, value)
            self._at[name] = position

    def any(self) -> bool:
        return any(v is not None for v in (self.aspect, self.resolution, self.duration, self.variations, self.audio))

    def fields(self) -> dict[str, object]:
        return {"aspect": self.aspect, "resolution": self.resolution, "duration": self.duration,
                "variations": self.variations, "audio": self.audio}


def clamp_duration(seconds: float | None) -> int | None:
    if seconds is None or seconds != seconds or seconds < 0.5:
        return None
    return max(1, min(20, round(seconds)))


def round_variations(count: float | None) -> int | None:
    if count is None or count < 1:
        return None
    return 4 if count >= 4 else 2 if count >= 2 else 1


_QUAL_BEFORE = r"(?:(?:in|as|to|into|for|make\s+it|made)\s+)"
_QUAL_AFTER = r"(?:[\s-]+(?:mode|format|orientation|aspect(?:\s+ratio)?|ratio|crop|frame|view|shape|size))"
#: "a portrait video of ..." is a setting; the word "video" stays in the scene.
_VIDEO_AFTER = r"(?=[\s-]+(?:video|clip|movie|shot)s?(?![A-Za-z]))"


def _ambiguous(word: str) -> str:
    """"portrait" with a qualifier before or after it, but never "portrait of"."""
    return rf"{_A0}(?:{_QUAL_BEFORE}{word}{_QUAL_AFTER}?|{word}{_QUAL_AFTER}|{word}{_VIDEO_AFTER}){_A1}(?!\s+of\b)"


def _ratio(a: str, b: str) -> str:
    return rf"(?<![\d:.]){a}\s*(?:[:：x×/比]|\s+by\s+)\s*{b}(?![\d:])"


#: A word standing as a clause of its own: after the start or a comma, before a comma or the end.
_CLAUSE_START = r"(?:^|(?<=[,，;；:：(（]))\s*"
_CLAUSE_END = r"(?=\s*(?:[,，;；:：.。!！)）]|$))"

_I = re.IGNORECASE
_BARE_VALUES = {"portrait": "9:16", "landscape": "16:9", "square": "1:1"}
_Reader = tuple[re.Pattern[str], str, Callable[[re.Match[str]], object], tuple[str, ...]]


def _const(value: object) -> Callable[[re.Match[str]], object]:
    return lambda _m: value


def _num(group: str = "n") -> Callable[[re.Match[str]], float | None]:
    return lambda m: numbers.to_number(m.group(group))


_MOMENT_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])(?:at|first|last|after|from|every|until|till|before|within|around the|the first|"
    r"the last|each)\s*|[前第后在到从每])$",
    _I,
)
_MOMENT_AFTER = re.compile(r"\s*(?:后|之后|以后|开始|起|时|处|的时候|内|之内|之前|以前|前|mark|in\b|into\b|later|after)", _I)


#: "延长到15秒", "extend it to 15 seconds": a length asked for, not a moment.
_LENGTH_TO = re.compile(r"(?:延长|加长|拉长|增加|变成|改成|剪成|做成)到?\s*$|(?:extend|lengthen|stretch)\w*\s+(?:it\s+)?to\s*$", _I)


def _duration(multiplier: float, bare_s: bool = False) -> Callable[[re.Match[str]], int | None]:
    def read(m: re.Match[str]) -> int | None:
        before = m.string[max(0, m.start() - 16): m.start()]
        moment = _MOMENT_BEFORE.search(before) and not _LENGTH_TO.search(before)
        if moment or _MOMENT_AFTER.match(m.string, m.end()):
            return None
        value = numbers.to_number(m.group("n"))
        if value is None:
            return None
        if bare_s and not 1 <= value <= 20:
            return None
        return clamp_duration(value * multiplier)

    return read


_N_EN = rf"(?P<n>{numbers.EN_OR_DIGITS})"
_N_ANY = rf"(?P<n>{numbers.ANY})"
_N_ZH = rf"(?P<n>{numbers.DIGITS}|{numbers.ZH})"

#: Order matters only where one pattern contains another ("full HD" before "HD"). The last item of each reader
#: lists words one of which must be in the lower-cased message for the pattern to run: a cheap test first, so that
#: most patterns are skipped and a 10,000-character prompt stays fast.
_READERS: list[_Reader] = [
    # aspect
    (re.compile(_ratio("9", "16")), "aspect", _const("9:16"), ("16",)),
    (re.compile(_ratio("16", "9")), "aspect", _const("16:9"), ("16",)),
    (re.compile(_ratio("1", "1")), "aspect", _const("1:1"), ("1",)),
    (re.compile(r"(?<![零一二两三四五六七八九十])九比十六"), "aspect", _const("9:16"), ("比",)),
    (re.compile(r"(?<![零一二两三四五六七八九十])十六比九(?![零一二两三四五六七八九十])"), "aspect", _const("16:9"), ("比",)),
    (re.compile(r"(?<![零一二两三四五六七八九十])一比一(?![零一二两三四五六七八九十])"), "aspect", _const("1:1"), ("比",)),
    (re.compile(rf"{_A0}(?:vertical(?:ly)?|upright){_QUAL_AFTER}?{_A1}", _I), "aspect", _const("9:16"),
     ("vertical", "upright")),
    (re.compile(rf"{_A0}for\s+(?:tiktok|reels|instagram\s+reels|(?:youtube\s+)?shorts|(?:instagram\s+)?stories)"
                rf"{_A1}", _I), "aspect", _const("9:16"), ("tiktok", "reels", "shorts", "stories")),
    (re.compile(_ambiguous("portrait"), _I), "aspect", _const("9:16"), ("portrait",)),
    (re.compile(rf"{_A0}(?:wide[\s-]?screen|horizontal(?:ly)?){_QUAL_AFTER}?{_A1}", _I), "aspect", _const("16:9"),
     ("wide", "horizontal")),
    (re.compile(_ambiguous("landscape"), _I), "aspect", _const("16:9"), ("landscape",)),
    (re.compile(_ambiguous("square"), _I), "aspect", _const("1:1"), ("square",)),
    (re.compile(r"竖屏|竖版|竖向|竖幅|竖构图|竖着的?"), "aspect", _const("9:16"), ("竖",)),
    (re.compile(r"横屏|横版|横向|横幅|宽屏|横构图|横着的?"), "aspect", _const("16:9"), ("横", "宽屏")),
    (re.compile(r"(?<!长)(?:正方形|方形|方屏|方版)(?!的[^\s，,。视画])"), "aspect", _const("1:1"), ("方",)),
    (re.compile(rf"{_CLAUSE_START}(?:square|portrait|landscape){_CLAUSE_END}", _I), "aspect",
     lambda m: _BARE_VALUES[m.group(0).strip(" ,，;；:：(（").lower()], ("square", "portrait", "landscape")),
    # resolution (the longer names first)
    (re.compile(rf"(?<!\d)(?:1080|1440|2160)\s*[pP]{_A1}|{_A0}(?:full[\s-]*hd|fhd|uhd|4k|8k|ultra[\s-]*hd|"
                rf"high[\s-]*res(?:olution)?|max(?:imum)?\s+(?:quality|resolution)){_A1}", _I),
     "resolution", _const("1080p"), ("1080", "1440", "2160", "hd", "4k", "8k", "res", "max")),
    (re.compile(r"全高清|超高清|超清|蓝光|最高画质|最高清"), "resolution", _const("1080p"), ("清", "蓝光", "画质")),
    (re.compile(rf"(?<!\d)720\s*[pP]{_A1}|{_A0}(?:hd|high[\s-]*definition){_A1}", _I), "resolution", _const("720p"),
     ("720", "hd", "high")),
    (re.compile(r"高清|高画质"), "resolution", _const("720p"), ("高",)),
    (re.compile(rf"(?<!\d)480\s*[pP]{_A1}|{_A0}(?:sd|standard[\s-]*definition|low[\s-]*res(?:olution)?){_A1}", _I),
     "resolution", _const("480p"), ("480", "sd", "standard", "low")),
    (re.compile(r"标清|低清|流畅画质|低画质"), "resolution", _const("480p"), ("清", "画质")),
    # variations
    (re.compile(rf"{_A0}(?:give\s+me\s+)?{_N_EN}\s+(?:different\s+|more\s+|alternative\s+|distinct\s+)?"
                rf"(?:versions?|variations?|variants?|takes?|options?|alternatives?|outputs?){_A1}", _I),
     "variations", lambda m: round_variations(numbers.to_number(m.group("n"))),
     ("version", "variation", "variant", "take", "option", "alternative", "output")),
    (re.compile(rf"(?:出|来|做|生成|给我)?{_N_ZH}\s*(?:个|种|款|条|段)?\s*(?:不同的?)?\s*(?:版本|变体|方案|选项|变化|版(?!本))"),
     "variations", lambda m: round_variations(numbers.to_number(m.group("n"))), ("版", "变体", "方案", "选项", "变化")),
    # sound: "off" before "on", so that "不要声音" is read before the "要声音" inside it
    (re.compile(rf"{_A0}(?:(?:with\s+)?no\s+(?:sound|audio)(?:\s+effects)?|without\s+(?:any\s+)?(?:sound|audio)"
                rf"(?:\s+effects)?|(?:sound|audio)\s+off|mute\s+(?:it|the\s+(?:sound|audio))){_A1}"
                rf"|{_CLAUSE_START}(?:silent(?:ly)?|muted?|in\s+silence){_CLAUSE_END}"
                rf"|{_A0}(?:silent|muted){_VIDEO_AFTER}", _I), "audio", _const(False),
     ("sound", "audio", "silen", "mute")),
    (re.compile(r"静音|无声(?!的)|(?:不要|没有|去掉|关掉|关闭|不带|不用|别要?|无)(?:任何)?(?:声音|音频|音效|配乐)"), "audio",
     _const(False), ("静", "无", "不", "没", "去", "关", "别")),
    (re.compile(rf"{_A0}(?:with\s+(?:the\s+)?(?:sound|audio)(?:\s+effects)?|(?:sound|audio)\s+on|add\s+(?:some\s+)?"
                rf"(?:sound|audio)(?:\s+effects)?|with\s+sfx){_A1}", _I), "audio", _const(True),
     ("sound", "audio", "sfx")),
    (re.compile(r"(?:有|带|加上?|配上?|要|开)(?:声音|音频|音效)|声音(?:开着|打开)"), "audio", _const(True), ("声", "音")),
    # duration
    (re.compile(rf"{_A0}(?:(?:for|lasting|about|around|of)\s+)?{_N_EN}\s*-?\s*(?:seconds?|secs?)(?:\s+long)?{_A1}",
                _I), "duration", _duration(1), ("sec",)),
    (re.compile(rf"{_A0}(?:for\s+)?(?P<n>{numbers.DIGITS})\s*s(?:\s+long)?{_A1}", _I), "duration",
     _duration(1, bare_s=True), ("s",)),
    (re.compile(rf"{_A0}(?:(?:for|lasting|about|around|of)\s+)?{_N_EN}\s*-?\s*(?:minutes?|mins?)(?:\s+long)?{_A1}",
                _I), "duration", _duration(60), ("min",)),
    (re.compile(rf"(?:(?:时长|长度)\s*(?:为|是)?\s*)?{_N_ZH}\s*秒钟?(?:长|左右)?"), "duration", _duration(1), ("秒",)),
    (re.compile(rf"(?:(?:时长|长度)\s*(?:为|是)?\s*)?(?P<n>{numbers.DIGITS}|{numbers.ZH}|半)\s*分钟(?:长|左右)?"),
     "duration", lambda m: 20 if m.group("n") == "半" else _duration(60)(m), ("分钟",)),
]

_BARE_AMBIGUOUS = re.compile(rf"{_A0}(portrait|landscape|square){_A1}", _I)


def extract(text: str) -> tuple[Settings, str]:
    """The settings in ``text`` and the text with their words replaced by ``CUT``."""
    found = Settings()
    lowered = text.lower()
    for pattern, name, read, needs in _READERS:
        if not any(word in lowered for word in needs):
            continue
        def replace(m: re.Match[str], name: str = name, read=read) -> str:
            value = read(m)
            if value is None:
                return m.group(0)
            found.set(name, value, m.start())
            return CUT * len(m.group(0))

        text = pattern.sub(replace, text)
    if found.aspect is None:
        words = list(_BARE_AMBIGUOUS.finditer(text))
        if len(words) == 1:
            m = words[0]
            rest = text[: m.start()] + text[m.end():]
            if is_filler(rest.replace(CUT, " ")):
                found.set("aspect", _BARE_VALUES[m.group(1).lower()], m.start())
                text = text[: m.start()] + CUT * len(m.group(0)) + text[m.end():]
    return found, text
