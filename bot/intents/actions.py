"""Which action a message asks for, from its words alone. ``bot.intents.parse`` decides among them (precedence).

Every matcher here works on text in which settings and clip references were already replaced by ``CUT``, so
"loop it in 720p" and "loop #12" both read as "loop it". Whole-message matchers (``utility``) use fullmatch: a
scene that merely contains "cancel" or "history" ("a knight cancelling a duel") stays a scene.
"""

from __future__ import annotations

import re

from bot.intents.text import CUT, is_filler

_I = re.IGNORECASE
_A0, _A1 = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"

_POLITE_START = re.compile(
    r"^(?:(?:please|pls|plz|hey|hi|ok|okay|so|um|uh|now|then|and|can\s+you|could\s+you|would\s+you|will\s+you|"
    r"i\s+want\s+to|i'?d\s+like\s+to|i\s+would\s+like\s+to|let\s+me|i\s+wanna|i\s+want|bot|reelbot)(?![A-Za-z])"
    r"[\s,!.:]*|(?:请|帮我|麻烦你?|我要|我想|给我|能不能|可以|能否)\s*)+",
    _I,
)
_POLITE_END = re.compile(r"(?:[\s,!.?？！。~～…]|please|pls|plz|thanks|thank\s+you|吧|呢|吗|嘛|一下|谢谢|啊|哦)+$", _I)


def core(text: str) -> str:
    """Lower-cased, without removed words, politeness or edge punctuation: what fullmatch patterns see."""
    text = " ".join(text.replace(CUT, " ").split()).lower()
    previous = None
    while previous != text:
        previous = text
        text = _POLITE_START.sub("", text)
        text = _POLITE_END.sub("", text).strip()
    return text


def _full(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", _I)


_MY = r"(?:(?:show\s+(?:me\s+)?|see\s+|view\s+|check\s+|list\s+|open\s+|get\s+)?(?:my\s+|the\s+)?)"
UTILITY: dict[str, re.Pattern[str]] = {
    "balance": _full(
        rf"{_MY}(?:current\s+)?(?:balance|credits?|credit\s+balance|wallet|account|points|tokens)(?:\s+balance)?",
        r"(?:what'?s|what\s+is|how\s+much\s+is)\s+my\s+(?:balance|credit|credits)",
        r"how\s+(?:many|much)\s+(?:credits?|points|tokens|money)\s+(?:do\s+i\s+have|have\s+i\s+got|are\s+left|"
        r"is\s+left|do\s+i\s+have\s+left|left|remain|remaining)(?:\s+left)?",
        r"(?:credits?|points)\s+(?:left|remaining)",
        r"(?:查看?|查询|看看|看一下|显示)?(?:我的|账户)?(?:余额|积分|点数|额度|信用点)(?:还有多少|还剩多少|有多少|剩多少|是多少|多少)?",
        r"我?(?:还(?:有|剩)|剩(?:下|余)?)多少(?:积分|点数|额度|余额|钱|credits)?",
    ),
    "history": _full(
        rf"{_MY}(?:history|past\s+(?:videos|clips)|previous\s+(?:videos|clips)|old\s+(?:videos|clips)|"
        r"recent\s+(?:videos|clips)|videos|clips|creations|gallery|library|generations)",
        r"what\s+(?:have\s+i|did\s+i)\s+(?:made|make|created|create|generated|generate)(?:\s+so\s+far)?",
        r"(?:查看|看看|显示|打开|查)?(?:我的)?(?:历史(?:记录)?|视频|作品|作品集|片段|生成记录|记录)(?:列表)?",
        r"我(?:之前|以前)?(?:做|生成)(?:过|了)?(?:的)?(?:什么|哪些)(?:视频)?",
    ),
    "cancel": _full(
        r"cancel(?:\s+(?:it|that|this|the\s+job|my\s+job|the\s+render|rendering|everything|all|please))?",
        r"stop(?:\s+(?:it|that|this|rendering|the\s+render))?", r"abort", r"never\s*mind", r"forget\s+(?:it|that)",
        r"nvm", r"don'?t\s+(?:do\s+it|render|make\s+it)",
        r"取消(?:掉|了|任务|生成|渲染)?", r"停止(?:生成|渲染)?", r"停下(?:来)?", r"算了", r"不要了", r"别(?:做|生成|渲染)了", r"停",
    ),
    "help": _full(
        r"help(?:\s+me)?", r"\?+", r"what\s+(?:can|do)\s+you\s+do", r"how\s+does\s+(?:this|it)\s+work",
        r"how\s+(?:do\s+i|to)\s+use\s+(?:this|you|it|the\s+bot|reelbot)", r"how\s+to\s+use", r"commands",
        r"usage", r"start", r"menu", r"(?:hi+|hello+|hey+|yo|hiya|howdy)(?:\s+(?:there|bot|reelbot|everyone))?",
        r"greetings",
        r"good\s+(?:morning|afternoon|evening)", r"(?:who|what)\s+are\s+you", r"instructions", r"guide",
        r"帮助", r"救命", r"怎么用", r"如何使用", r"使用说明", r"说明", r"你能做什么", r"你会(?:做)?什么",
        r"你可以做什么", r"你好", r"您好", r"嗨", r"哈喽", r"开始", r"菜单", r"指令", r"命令", r"你是谁", r"教程",
        r"[?？]+",
    ),
    "buy": _full(
        r"buy(?:\s+(?:more\s+)?(?:credits?|points|tokens))?", r"purchase(?:\s+(?:more\s+)?credits?)?",
        r"top\s*-?\s*up(?:\s+(?:my\s+)?(?:credits?|balance|account))?", r"recharge", r"refill",
        r"(?:get|add)\s+(?:more\s+|some\s+)?credits?", r"buy\s+more", r"pay", r"pricing", r"prices?",
        r"i\s+need\s+more\s+credits?", r"how\s+much\s+(?:is|does|do|are)\s+(?:a\s+|one\s+)?(?:video|clip|it|credits?)"
        r"(?:\s+cost)?", r"how\s+(?:do\s+i|can\s+i|to)\s+(?:buy|get)\s+(?:more\s+)?credits?",
        r"充值", r"充钱", r"买(?:点)?积分", r"购买积分", r"购买", r"买点数", r"买额度", r"充点数", r"续费", r"付款", r"支付",
        r"价格", r"怎么充值", r"(?:怎么|如何)(?:买|购买)积分",
    ),
    "storyboard": _full(
        r"(?:show|view|see|open)?\s*(?:me\s+)?(?:the\s+|my\s+)?story\s*board", r"(?:查看|显示|打开)?(?:我的)?(?:分镜|故事板)",
    ),
}
_SHARE = _full(
    r"share(?:\s+(?:to|on|with|in)\s+(?:the\s+)?(?:showcase|feed|channel|everyone|public|world))?",
    r"publish", r"post", r"make\s+public", r"go\s+public", r"feature", r"show\s+off",
    r"(?:分享|发布|发|公开)(?:一下)?(?:到|去|给|在)?(?:频道|群里?|展示区|广场|大家|出去)?",
)


def utility(text: str, text_without_refs_and_pronouns: str) -> str | None:
    """The action of a message that is only a utility request ("balance", "余额", "share it"), else None."""
    said = core(text)
    plain = text.replace(CUT, " ").strip(" \t,.!?，。！？~").lower()
    for action, pattern in UTILITY.items():
        if pattern.fullmatch(said) or pattern.fullmatch(plain):
            return action
    bare = core(text_without_refs_and_pronouns)
    if _SHARE.fullmatch(bare):
        return "share"
    return None


_DEFAULTS = re.compile(rf"{_A0}(?:defaults?|from\s+now\s+on|always\s+(?:use|make|do)|by\s+default){_A1}"
                       r"|默认|以后都|以后全部|以后一律|今后|一直用", _I)


def asks_for_defaults(text: str) -> bool:
    return _DEFAULTS.search(text) is not None


def cut_defaults(text: str) -> str:
    """``text`` with "from now on", "默认" and the like cut out, so that "always use square" reads as "square"."""
    return _DEFAULTS_WORDS.sub(lambda m: CUT * len(m.group(0)), text)


_DEFAULTS_WORDS = re.compile(
    rf"{_A0}(?:(?:set\s+|change\s+|make\s+)?(?:my\s+|the\s+)?defaults?(?:\s+(?:to|is|are|should\s+be))?|from\s+now\s+on|"
    rf"always\s+(?:use|make|do)|by\s+default|i\s+prefer|prefer|everything|all\s+my\s+videos){_A1}"
    r"|(?:把)?默认(?:的)?(?:改成|设成|设为|用|是|出)?|以后都用?|以后全部|以后一律|今后|一直用|我喜欢", _I)


def _start(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(alternatives) + r")", _I)


_IT = r"(?:\s+(?:(?:the|this|that)\s+(?:clip|video|story|scene|one)|it|this|that|" + CUT + r"+))?"
_EXTEND = _start(
    rf"(?:continue|keep\s+going|go\s+on|carry\s+on|extend|lengthen|prolong|keep\s+it\s+going){_IT}",
    rf"make{_IT}\s+longer", r"longer", r"what\s+happens\s+(?:next|after(?:wards)?|then)", r"and\s+then\s+what",
    r"then\s+what", r"what'?s\s+next", r"next\s+scene", r"more\s+please", r"add\s+more", r"make\s+more",
    r"再?(?:接着拍|接着|继续拍|继续|延长|加长|再长一点|长一点|往后拍|续拍|续写|延续|后面呢|然后呢|后来呢|接下来呢|接下来|下一段|再来一段|"
    r"后面(?:会)?(?:发生)?(?:了)?什么|然后(?:会)?(?:发生)?(?:了)?什么)"
    r"(?:下去|一下|一点)?(?:它|这个|这段)?",
)
_LOOP_START = _start(
    rf"(?:make|turn|set){_IT}\s+(?:into\s+)?(?:a\s+)?(?:seamless\s+|perfect\s+|infinite\s+|endless\s+)?"
    r"loop(?:ing|able|ed|s)?",
    rf"loop{_IT}", r"(?:make\s+)?(?:a\s+)?(?:seamless|perfect|infinite|endless)\s+loop",
    rf"(?:make|create)\s+a\s+loop(?:\s+(?:of|from|out\s+of){_IT})?",
    r"(?:把?(?:它|这个|这段)?\s*)?(?:做成|变成|弄成|改成)?(?:一个)?(?:无缝)?循环(?:播放|一下|视频|动画)?",
    r"(?:让它|让这个)?循环(?:播放|起来)?", r"首尾相接",
)
_LOOP_ANY = re.compile(rf"{_A0}loop(?:ing|able|ed)?{_A1}|循环|首尾相接", _I)
_BLEND = re.compile(rf"{_A0}(?:blend|combine|merge|mix|join|stitch|splice|fuse|morph|connect|cross-?fade|"
                    rf"transition\s+(?:from|between)){_A1}(?:\s+(?:it|this|them|together))*"
                    r"|(?:连起来|连接起来|连在一起|连接|合并|拼接|拼起来|接起来|接在一起|融合|混合|合成|串起来|串在一起|合在一起|放在一起|"
                    r"衔接|过渡|淡入淡出|转场)", _I)
_REMIX = _start(
    rf"(?:remix|re-?mix|redo|re-?do|re-?generate|regenerate|re-?roll|re-?make|re-?imagine|vary){_IT}",
    r"(?:try\s+again|again|another\s+(?:one|take|version)|one\s+more)",
    r"(?:重新生成|重做|重来|再来一(?:个|次|遍)|再生成一(?:个|次|遍)|改一下|改改|混剪|remix)(?:它|这个)?",
)
_EDIT_START = _start(
    r"(?:make|change|turn|add|remove|replace|swap|put|give|let|have|recolou?r|paint|colou?r|switch|convert|"
    r"transform|zoom|slow|speed|brighten|darken|more|less|same|redo|fix|edit|modify|update|use|apply|erase|"
    r"delete|increase|decrease|reduce|shorten|without|but|instead|now|as|into|rotate|flip|mirror|reverse|"
    r"crop|tint|stylize|stylise|animate)(?![A-Za-z])",
    r"(?:slower|faster|brighter|darker|bigger|smaller|warmer|colder|cooler|sharper|softer|calmer|happier|scarier)"
    r"(?![A-Za-z])",
    r"(?:in\s+(?:the\s+)?(?:style\s+of|[\w-]+(?:\s+[\w-]+)?\s+style)|at\s+(?:night|dawn|dusk|sunset|sunrise|noon))"
    r"(?![A-Za-z])",
    r"(?:把|换|改|变|加|去掉|删|让|调|弄|更|再|设成|不要|别|增加|减少|放慢|加快|慢|快|亮|暗|保持|改成|换成|变成)",
)
_EDIT_ANY = re.compile(
    rf"{_A0}(?:it|him|her|them|the\s+same|its\s+(?:color|colour|style|background))(?![A-Za-z'])"
    r"|换成|改成|变成|改为|换为|弄成|调成|加上|去掉|删掉|删除|它|他|她|这个|这段",
    _I,
)


def _rest(pattern: re.Pattern[str], text: str) -> str | None:
    """``text`` minus the matched start, or None when the pattern does not match at the start."""
    stripped = _POLITE_START.sub("", text.lstrip(" " + CUT)).lstrip(" " + CUT)
    match = pattern.match(stripped)
    if not match:
        return None
    return stripped[match.end():]


#: Words that only say that a loop loops or that a clip goes on: "loop it endlessly", "carry on with the story".
#: "seamlessly" and "smoothly" stay: they ask for a treatment of the seam.
_LOOP_MODIFIERS = re.compile(
    rf"{_A0}(?:endless(?:ly)?|forever|infinite(?:ly)?|seamless|smooth|continuous(?:ly)?|perfect(?:ly)?|"
    rf"nicely|on\s+repeat|again\s+and\s+again|over\s+and\s+over|out\s+of|(?:a\s+)?loop(?:ing|ed|s)?|into|turn|make|"
    rf"create|have|let|keep){_A1}|无限|一直|无缝|完美的?|不停(?:地)?|反复|播放|首尾相接|循环|让|做成?|变成|弄成|一个|起来", _I)
_EXTEND_MODIFIERS = re.compile(
    rf"{_A0}(?:(?:with\s+)?the\s+story|(?:by\s+)?(?:a\s+few|some|a\s+couple(?:\s+of)?|few)\s+(?:more\s+)?seconds|"
    rf"a\s+(?:bit|little)(?:\s+(?:more|longer))?|more|longer|further|for\s+me){_A1}"
    r"|故事|下去|一点|一些|一会儿?|(?:会|将)?发生(?:了)?什么|怎么样了|呢", _I)
_EXTEND_ANY = re.compile(rf"{_A0}(?:continue|extend|lengthen|prolong|carry\s+on|keep\s+going){_A1}"
                         r"|接着拍|继续拍?|延长|加长|续拍|接下来", _I)


def _bare(text: str, modifiers: re.Pattern[str]) -> bool:
    """Nothing but modifiers, pronouns, politeness and punctuation."""
    from bot.intents.refs import cut_pronouns

    return is_filler(modifiers.sub(" ", cut_pronouns(text).replace(CUT, " ")))


def extend(text: str) -> str | None:
    """The words after "continue" / "接着拍" (maybe empty); None when the message does not ask to extend."""
    rest = _rest(_EXTEND, text)
    if rest is not None:
        return "" if _bare(rest, _EXTEND_MODIFIERS) else rest
    if _EXTEND_ANY.search(text) and _bare(_EXTEND_ANY.sub(" ", text), _EXTEND_MODIFIERS):
        return ""
    return None


def loop(text: str) -> str | None:
    rest = _rest(_LOOP_START, text)
    if rest is not None:
        return "" if _bare(rest, _LOOP_MODIFIERS) else rest
    if _LOOP_ANY.search(text) and _bare(text, _LOOP_MODIFIERS):
        return ""
    return None


def blend(text: str) -> str | None:
    """``text`` with the blending verb cut out; None when there is none."""
    match = _BLEND.search(text)
    if not match:
        return None
    return text[: match.start()] + CUT * (match.end() - match.start()) + text[match.end():]


def remix(text: str) -> str | None:
    return _rest(_REMIX, text)


def looks_like_edit(text: str) -> bool:
    """An instruction about an existing clip ("make the house medieval", "把房子换成中世纪风格", "turn it blue")."""
    stripped = _POLITE_START.sub("", text.lstrip(" " + CUT)).lstrip(" " + CUT)
    return _EDIT_START.match(stripped) is not None or _EDIT_ANY.search(stripped) is not None
