"""Request wrappers around a scene: "make me a video of ...", "generate ...", "生成一段...的视频", "animate this:".

The model wants the scene, not the request, so a generate or animate prompt loses these wrappers.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_MEDIA = r"(?:short\s+|quick\s+|little\s+|cool\s+|new\s+)?(?:video|clip|animation|movie|film|reel|gif|scene|shot)"
_EN_START = re.compile(
    r"^(?:(?:please|pls|can\s+you|could\s+you|would\s+you|i\s+want|i'?d\s+like|i\s+would\s+like|let'?s)\s+)*"
    r"(?:(?:make|create|generate|render|produce|show|give|draw|film|shoot|do)\s+(?:me\s+|us\s+)?"
    rf"(?:(?:(?:a|an|one|some)\s+)?(?:{_MEDIA}\s+(?:of|about|showing|where|with|in\s+which)\s+|{_MEDIA}[:,]\s*)"
    r"|(?=(?:a|an|some|two|three|four)\s))|"
    rf"(?:(?:a|an|one)\s+)?{_MEDIA}\s+(?:of|about|showing)\s+|"
    r"animate\s+(?:this|it|the|my)?\s*(?:photo|picture|image|pic|one)?\s*[:,]?\s*(?:so\s+that\s+|where\s+|with\s+)?|"
    r"(?:make|bring)\s+(?:it|this|the\s+(?:photo|picture|image))\s+(?:move|alive|to\s+life)\s*[:,]?\s*)",
    _I,
)
_ZH_START = re.compile(
    r"^(?:请|帮我|给我|麻烦|我要|我想|能不能|可以)*(?:生成|制作|做|创建|创作|来|拍|画|渲染)(?:一下)?"
    r"(?:一(?:个|段|条|支|部))?(?:视频|短片|动画)?[:：，,]?\s*"
    r"|^(?:请|帮我)*(?:让)?(?:这张|这个)?(?:图片?|照片)?(?:动起来)[:：，,]?\s*"
    r"|^的?(?:视频|短片|动画)\s*[:：，,]\s*",
)
#: "new video: ...", "something different: ...", "next, ...", "换个题材：...": saying that a new clip follows.
_NEW_START = re.compile(
    r"^(?:(?:ok|okay|so|now|next|then|and|let'?s\s+(?:do|make|try)|i\s+want|i'?d\s+like|give\s+me|how\s+about)\s*,?\s*)*"
    r"(?:(?:a|an|another|one)\s+)?(?:(?:brand\s+)?(?:new|different|fresh|separate|another)\s+(?:one|video|clip|idea|scene|"
    r"subject|topic|thing)|something\s+(?:else|different|new)|another\s+one)(?:\s+please)?\s*[:,;.!-]+\s*"
    r"|^(?:next|now|then)\s*[:,]\s*|^(?:next|now|then)\s+(?=(?:a|an|one)\s+(?:short\s+)?(?:video|clip|film|movie|reel)\b)"
    r"|^(?:现在|接下来|然后|下面)?(?:再来一个|来一个|我想要个?|给我来个?|换个|做个|再做个?)?(?:新的?|新视频|题材|主题|场景|"
    r"别的|不一样的|不同的)(?:视频)?[:：，,。]\s*"
    r"|^(?:现在|接下来|下面)(?=来)",
    _I,
)
_ZH_END = re.compile(r"(?:的)?(?:视频|短片|动画|画面)$")


def strip(text: str) -> str:
    """The scene inside a request (unchanged when there is no wrapper; empty when it is all wrapper)."""
    text = _NEW_START.sub("", text, count=1)
    stripped = _EN_START.sub("", text, count=1)
    if stripped == text:
        stripped = _ZH_START.sub("", text, count=1)
        if stripped != text or text.endswith(("视频", "短片", "动画")):
            stripped = _ZH_END.sub("", stripped)
    return stripped.strip()
