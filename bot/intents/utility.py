"""Account and chat requests said in everyday words: "what have I made so far?", "am I out of credits?",
"我的积分够再做一个视频吗？", "stop, I changed my mind".

A message is such a request when it is short, names the request (a key word: "credits", "made", "cancel",
"积分", "做过", "取消") and says nothing else: every other word is a function word or belongs to the same
request's vocabulary. A scene always brings words of its own ("a knight cancelling a duel" has "knight" and
"duel"), so it is never mistaken for one, however many request words it contains. When two requests fit,
the first in ``ORDER`` wins ("I ran out of credits, how can I buy some?" buys rather than asks the balance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents.text import CUT

#: Longer messages are scenes or edits, not requests.
MAX_WORDS = 14
MAX_CHARS = 60

_GENERIC_EN = frozenset("""
i me my mine myself you your the a an is are am was were be been do does did have has had got get can could would
will should shall may might please pls plz what whats how much many any some to for of in on at with it this that
there here so far now just still yet again hey hi ok okay well um uh oh and or but also tell show see view check
list look let know want wanna need like id im ive ill dont not no yes thanks thank really currently right all
""".split())
_GENERIC_ZH = (
    "到目前为止", "可不可以", "能不能", "给我看看", "看一下", "查一下", "一下", "我的", "什么", "多少", "怎么", "怎样",
    "如何", "哪些", "哪里", "在哪", "哪儿", "可以", "帮我", "给我", "麻烦", "看看", "查看", "显示", "列出", "所有",
    "东西", "目前", "为止", "现在", "以前", "之前", "昨天", "今天", "最近", "刚才", "那个", "这个", "等等", "谢谢",
    "一个", "我", "的", "了", "吗", "呢", "吧", "啊", "呀", "哦", "嘛", "还", "都", "能", "请", "看", "查", "个", "些",
    "是", "有", "在", "过", "把", "掉", "好", "你", "您", "该", "要", "想", "再",
)


@dataclass(frozen=True)
class _Request:
    action: str
    keys_en: frozenset[str]
    vocab_en: frozenset[str]
    keys_zh: tuple[str, ...]
    vocab_zh: tuple[str, ...]
    #: Word pairs that together name the request ("did" + "make": "what did I make yesterday?").
    pairs_en: tuple[tuple[str, str], ...] = ()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_REQUESTS = (
    _Request(
        "cancel",
        _words("cancel cancelled canceled stop abort halt nevermind nvm"),
        _words("changed mind wait job render rendering generation video clip last one forget dont make do bother it"),
        ("取消", "停止", "中止", "终止", "停下", "停", "算了", "不用了", "不要了", "别做了", "别渲染了", "别生成了",
         "改主意"),
        ("渲染", "任务", "视频", "生成", "做", "别"),
        pairs_en=(("forget", "it"), ("forget", "that"), ("dont", "render"), ("dont", "make"), ("changed", "mind")),
    ),
    _Request(
        "buy",
        _words("buy purchase purchasing topup recharge refill pay paying payment pack packs price prices pricing "
               "cost costs subscribe subscription"),
        _words("credit credits point points token tokens more extra videos video account where get ran run out of "
               "need does a how can i some top up"),
        ("购买", "充值", "充钱", "付费", "付款", "支付", "续费", "积分包", "价格", "多少钱", "更多积分", "套餐", "买"),
        ("积分", "点数", "额度", "更多", "获得", "得到", "哪里", "账户", "多做", "几个", "视频", "用完", "需要", "一些", "点",
         "包", "给", "充"),
        pairs_en=(("more", "credits"), ("more", "credit"), ("extra", "credits"), ("more", "points")),
    ),
    _Request(
        "balance",
        _words("balance credit credits point points token tokens wallet left remaining enough"),
        _words("account current money remain another video videos clip one more make out run ran used up"),
        ("余额", "积分", "点数", "额度", "钱包", "信用点", "剩"),
        ("还剩", "剩下", "剩余", "够", "不够", "用完", "没了", "账户", "视频", "做", "里"),
    ),
    _Request(
        "history",
        _words("history made created generated creations gallery library past previous old earlier recent works "
               "archive"),
        _words("videos video clips clip everything things stuff yesterday today before ever last week lately where "
               "which ive make create generate did so far"),
        ("做过", "做了", "生成过", "生成的", "历史", "作品", "记录", "以前的视频", "过去的", "片段", "我的视频", "创作"),
        ("视频", "列出", "过去", "哪里", "在哪里"),
        pairs_en=(("did", "make"), ("did", "create"), ("my", "videos"), ("my", "clips"), ("where", "videos")),
    ),
    _Request(
        "share",
        _words("share post publish showcase publicly public"),
        _words("it this that one to the channel feed everyone with on group send make clip video"),
        ("分享", "发布", "公开", "发到", "发给"),
        ("它", "到", "给", "大家", "频道", "展示区", "广场", "群里", "群", "视频", "出去"),
    ),
    _Request(
        "storyboard",
        _words("storyboard"),
        _words("current draft my"),
        ("分镜", "故事板"),
        ("打开",),
    ),
    _Request(
        "settings",
        _words("settings setting preferences preference defaults default config configuration options"),
        _words("current change open"),
        ("设置", "偏好", "配置", "默认"),
        ("是什么",),
    ),
    _Request(
        "help",
        _words("help confused commands command usage instructions guide tutorial menu how hello hi hiya howdy yo "
               "greetings lost"),
        _words("work works use make a video do you bot start get started type say write should there are"),
        ("帮助", "怎么用", "怎么使用", "如何使用", "怎么做", "你能做什么", "能做什么", "命令", "指令", "不懂", "不太懂",
         "不会用", "说明", "教程", "你好", "您好", "嗨", "哈喽", "在吗", "输入什么", "菜单"),
        ("机器人", "视频", "不太", "太", "输入", "使用"),
    ),
)
ORDER = tuple(request.action for request in _REQUESTS)

_PUNCT = re.compile(r"[\s" + CUT + r"!?.,;:'\"()\[\]…~～，。！？、；：“”‘’（）《》-]+")
_JOIN = (
    (re.compile(r"\bnever\s*mind\b"), "nevermind"), (re.compile(r"\btop[\s-]*up\b"), "topup"),
    (re.compile(r"\bstory\s+board\b"), "storyboard"), (re.compile(r"\b(\w+)'(s|ve|m|d|ll|t)\b"), r"\1\2"),
    (re.compile(r"\bdon'?t\b"), "dont"), (re.compile(r"\bdoesn'?t\b"), "dont"),
)
_ZH_CACHE: dict[str, re.Pattern[str]] = {}


def _zh_remover(request: _Request) -> re.Pattern[str]:
    pattern = _ZH_CACHE.get(request.action)
    if pattern is None:
        words = sorted({*_GENERIC_ZH, *request.keys_zh, *request.vocab_zh}, key=len, reverse=True)
        pattern = _ZH_CACHE[request.action] = re.compile("|".join(map(re.escape, words)))
    return pattern


def _named(request: _Request, lowered: str, said: set[str]) -> bool:
    """Whether the message names ``request`` (a key word, or a pair of words that together do)."""
    return (bool(said & request.keys_en) or any(key in lowered for key in request.keys_zh)
            or any(a in said and b in said for a, b in request.pairs_en))


def _only_its_words(request: _Request, lowered: str) -> bool:
    rest = _zh_remover(request).sub(" ", lowered)
    if _NON_ASCII.search(rest):
        return False  # a Chinese word outside the request's vocabulary
    allowed = _GENERIC_EN | request.keys_en | request.vocab_en
    return all(word in allowed for word in rest.split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")


def classify(text: str) -> str | None:
    """The request ``text`` is, or None when it says anything else. ``text`` has clip references cut out."""
    lowered = text.lower()
    if len(lowered) > 4 * MAX_CHARS or _DIGIT.search(lowered):
        return None  # numbers are settings, times or clips: never part of these requests
    for pattern, joined in _JOIN:
        lowered = pattern.sub(joined, lowered)
    lowered = _PUNCT.sub(" ", lowered).strip()
    words = lowered.split()
    if not words or len(words) > MAX_WORDS or (_CJK.search(lowered) and len(lowered) > MAX_CHARS):
        return None
    said = set(words)
    for request in _REQUESTS:
        if _named(request, lowered, said) and _only_its_words(request, lowered):
            return request.action
    return None
