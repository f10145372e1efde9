"""New scene or edit: does a sentence, said while a clip is in focus, describe a new clip or change that one?

The rule, not a keyword list:

- An edit refers to the clip. Through a pronoun ("make it snow", "put a hat on him", "让它下雪"), through an edit
  verb acting on something already there ("turn the sky purple", "remove the people", "把房子改成中世纪风格",
  "给猫戴上墨镜"), or by changing one attribute and naming nothing new ("more dramatic lighting", "slower",
  "now in anime style", "same but at night", "颜色暖一点", "一样的但是换成晚上").
- A new scene is a full description: it brings its own subject ("a bear catching salmon", "一只熊在瀑布里抓鲑鱼"),
  or asks for a new clip in so many words ("make a short film of ...", "new video: ...", "做一个...的短片",
  "换个题材：...").

Each decision carries a confidence; a sentence with no cue either way is decided by its length (a description
is long, an instruction short) with a confidence below ``bot.commands.UNSURE_BELOW``, so the chat can ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents.text import CUT

_I = re.IGNORECASE
_W = r"(?![A-Za-z'])"
_MEDIA = r"(?:video|clip|film|movie|animation|reel|short(?:\s+film)?|scene|shot|gif)s?"

#: Asking for a new clip in so many words.
_NEW_EN = re.compile(
    rf"(?:^|[\s,;:.!])(?:(?:a\s+)?(?:brand\s+)?(?:new|different|fresh|separate)\s+(?:one|{_MEDIA}|idea|subject|topic|thing)"
    rf"|something\s+(?:else|different|new)|another\s+(?:one|idea|subject|topic|scene)\s*[,:;]\s*\S"
    rf"|(?:^|\s)(?:next|now|then)\s*[,:]\s*(?:a|an|some|the)\s)"
    rf"|{_MEDIA}\s+(?:of|about|showing|where|in\s+which|featuring)\s",
    _I,
)
_NEW_ZH = re.compile(
    r"新视频|新的|新片|换个(?:题材|主题|场景|话题|内容)|另一个(?:视频|场景|故事)|另外一个"
    r"|(?<!再)(?:做|生成|制作|拍|来|画|创作)(?:一)?(?:个|段|条|部|支|则)[^，,。；;]*?(?:视频|短片|动画|影片|片子|电影)"
    r"|^(?:现在|接下来|然后|下面|给我|帮我|请)*(?<!再)来(?:一)?(?:个|段|条|部)"
    r"|^(?:生成|制作|创作|拍摄?)(?!.*(?:它|这个|这段))",
)
#: An instruction about something already in the clip.
_EDIT_START_EN = re.compile(
    r"^(?:(?:now|but|and|then|also|maybe|actually|instead)\s*,?\s+)?(?:"
    r"(?:make|turn|change|switch|convert|transform|recolou?r|paint|colou?r|tint|stylize|stylise|fix|edit|modify|"
    r"adjust|tweak|update)\s+(?:it|him|her|them|this|that|these|those|everything|the|his|her|its|their|all)" + _W +
    r"|(?:add|remove|replace|swap|put|give|erase|delete|drop|get\s+rid\s+of|take\s+out|take\s+away|without|"
    r"zoom|pan|tilt|rotate|flip|mirror|reverse|crop|slow|speed|brighten|darken|lighten|blur|sharpen|increase|"
    r"decrease|reduce|raise|lower|keep|let|have|use|apply|less|more|same|instead|again)" + _W +
    r"|(?:it|he|she|they|this|that|everything)\s+(?:should|must|could|needs?|has\s+to|have\s+to|is|are|looks?|"
    r"would|seems?)" + _W +
    r"|(?:in|as|with|at|during|into)\s+(?!the\s+(?:middle|center|centre)\s+of\s+a)"
    r"|(?:a\s+(?:bit|little|lot)|much|slightly|way|even|way\s+more|somewhat)\s+"
    r")",
    _I,
)
_COMPARATIVE = (
    r"slower|faster|quicker|brighter|darker|bigger|larger|smaller|warmer|colder|cooler|calmer|happier|sadder|"
    r"scarier|louder|quieter|sharper|softer|smoother|shakier|closer|further|farther|wider|narrower|taller|shorter|"
    r"lighter|heavier|stronger|weaker|busier|emptier|cleaner|dirtier|older|younger|funnier|creepier|cozier|"
    r"moodier|sunnier|cloudier|rainier|snowier|greener|bluer|redder|more|less"
)
_EDIT_ANY_EN = re.compile(
    rf"(?<![A-Za-z'])(?:(?:make|turn|give|put|have|let|get|keep|render|show)\s+(?:it|him|her|them|this|that|everything)"
    rf"|(?:on|to|at|onto|from|of)\s+(?:it|him|her|them)|(?:{_COMPARATIVE})(?:\s+\w+)?\s*$|instead(?:\s+of)?|"
    rf"the\s+same|same\s+(?:but|thing|again|scene|one|shot))" + _W,
    _I,
)
_EDIT_START_ZH = re.compile(
    r"^(?:(?:现在|但是|然后|再|还是|那就|就)\s*)?(?:把|将|给(?!我)|让(?!我)|替|帮它|为它|一样|同样|还是一样|应该|"
    r"别(?:那么|太)|不要(?:那么|太)|加(?!快)|添|去掉|去除|删|拿掉|换|改|变|调|放大|缩小|放慢|加快|镜头|颜色|色调|"
    r"光线|背景|季节|天气|风格|画风|多(?:点|一点|些|一些)|少(?:点|一点|些|一些)|更)"
)
_EDIT_ANY_ZH = re.compile(
    r"改成|换成|变成|改为|换为|弄成|调成|变为|加上|加点|加个|去掉|删掉|删除|拿掉|换掉|它|这个|这段|"
    r"(?:一点|一些|点儿)$|更[^\s，,。]|别那么|不要那么|一样的?|而不是"
)
#: A description that brings its own subject.
_SUBJECT_EN = re.compile(
    r"^(?:a|an|two|three|four|five|several|many|some|few|a\s+few|one|dozens?|hundreds?|close-?up|timelapse|"
    r"time-?lapse|aerial|drone|slow[\s-]motion|pov|wide\s+shot|tracking\s+shot)" + _W,
    _I,
)
_SUBJECT_ZH = re.compile(
    r"^(?:[一两二三四五六七八九十几数]+(?:只|个|条|群|杯|位|辆|艘|片|朵|座|头|匹|棵|张|对|双|名|架|排|队|盏|轮|道|块|本|首|把|间)"
    r"|(?:凌晨|清晨|早上|黄昏|傍晚|夜晚|夜里|深夜|白天|日出|日落|雨中|雪中|春天|夏天|秋天|冬天)"
    r")"
)


@dataclass(frozen=True)
class Reading:
    """``edit`` True for a change of the clip in focus, False for a new scene; how sure the rule is."""

    edit: bool
    confidence: float
    why: str
    #: The sentence asks for a new clip in so many words ("make a video of ...", "新视频：...").
    asks_new: bool = False


def read(text: str) -> Reading:
    """New scene or edit, for ``text`` with settings, clip references and filler already cut out."""
    said = " ".join(text.replace(CUT, " ").split()).lstrip(" ,;:.!-–—，：；。！、")
    if _NEW_EN.search(said) or _NEW_ZH.search(said):
        return Reading(False, 0.9, "asks for a new clip", asks_new=True)
    if _EDIT_START_EN.match(said) or _EDIT_START_ZH.match(said):
        return Reading(True, 0.9, "starts as an edit")
    if _SUBJECT_EN.match(said) or _SUBJECT_ZH.match(said):
        return Reading(False, 0.85, "brings its own subject")
    if _EDIT_ANY_EN.search(said) or _EDIT_ANY_ZH.search(said):
        return Reading(True, 0.75, "refers to the clip")
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in said)
    size = cjk / 1.5 if cjk else len(said.split())
    if size >= 6:
        return Reading(False, 0.7, "a long description")
    return Reading(size < 4, 0.6, "a short phrase" if size < 4 else "a description")


#: Asking for the same clip once more ("do that again", "one more time", "再来一次", "重做一遍").
_REDO = re.compile(
    r"(?<![A-Za-z])(?:(?:do|make|render|run)\s+(?:it|that|this|the\s+same)\s+(?:again|over|once\s+more)"
    r"|try\s+(?:it\s+|that\s+|this\s+)?again|one\s+more\s+time|once\s+more|another\s+(?:take|version|go|try|attempt|"
    r"variation|shot)|re-?do(?:\s+(?:it|that|this))?|re-?generate(?:\s+(?:it|that|this))?|re-?roll(?:\s+(?:it|that))?|"
    r"re-?make(?:\s+(?:it|that|this))?|re-?render(?:\s+(?:it|that|this))?|again)(?![A-Za-z])"
    r"|再来一(?:次|遍|版|个)?|再(?:做|生成|试|拍|弄|跑|渲染)一(?:次|遍|版|个|下)|重新(?:做|来|拍|生成|渲染)(?:一(?:次|遍|版|个|下))?"
    r"|重(?:做|来|拍)(?:一(?:次|遍|版|个|下))?|再试一次",
    _I,
)


def redo(text: str) -> str | None:
    """``text`` with its redo phrase cut out, or None when it asks for no redo."""
    match = _REDO.search(text)
    if not match:
        return None
    return text[: match.start()] + CUT * (match.end() - match.start()) + text[match.end():]
