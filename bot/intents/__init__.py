"""Understanding: one chat message (+ whether a clip is in focus, + attachments) -> one ``Command``.

Deterministic, no model, well under a millisecond per message; English and Chinese. ``parse`` never raises.

Precedence, first match wins:

1. Empty text: a photo -> ``animate`` (no prompt); a video -> ``remix`` of it; else ``help``.
2. Slash commands (``/video``, ``/remix@MyBot #12 at night``, ...): the action is the command's; arguments
   are read by the same readers as sentences. ``/video`` with a photo is ``animate``.
3. Storyboards: two or more timed cards ("0s: ...", "第5秒：...", "0:05 ...", one per line or "/"-separated),
   or one card when the message says so ("add a card at 5s: ...").
4. Whole-message utility requests: balance, history, cancel, help (also greetings), buy, share, settings, "show
   the storyboard", also in everyday words ("what have I made so far?", "我的积分够再做一个视频吗？"): a short
   message made only of one request's words (``bot.intents.utility``). A scene that merely contains such a word
   stays a scene.
5. Per-user defaults: a message naming defaults ("make my default vertical 720p", "默认竖屏高清", "always use
   square") -> ``settings``.
6. A photo attached -> ``animate``; its caption (settings and filler taken out) is the prompt.
7. Sentences. A clip is "in focus" when the chat has one (``has_focus``) or a video is attached; ``#N`` and
   "clip N" reference clips explicitly (and work without focus: "remix #123: at night"). Filler ("could you",
   "please", "帮我", "麻烦") is taken out first (``bot.intents.filler``).
   a. "keep the first 2 seconds and ...", "保留前2秒，..." -> ``recut`` (keep_seconds; the rest is the prompt);
      "after 3s ...", "3秒后..." only with a clip in focus or referenced.
   b. a blending verb with at least one ``#N`` -> ``blend`` (the clip in focus first when "it" is said or only
      one other clip is named).
   c. "loop it (endlessly)", "做成循环" -> ``loop``; "continue", "make it longer", "接着拍" -> ``extend``. These need
      no focus: without one, ``clips`` is empty and the dialogue asks which clip.
   d. "do that again (but in 1080p)", "remix ...", "再来一次", "重做" with a clip in focus or referenced ->
      ``remix`` with only the change as its prompt; a full new description after the redo words is a new clip.
   e. Nothing left but settings -> ``settings`` ("vertical please"), even with a clip in focus; with a ``#N``
      it is a ``remix`` of that clip with those settings. Nothing left at all -> ``help``.
   f. Any sentence naming ``#N``, or the caption of an attached video -> ``remix`` of it.
   g. With a clip in focus, new scene or edit by ``bot.intents.scene``'s rule: an edit refers to the clip (a
      pronoun, an edit verb acting on something in it, a change of one attribute) -> ``remix``, prompt = the
      instruction; a full description -> ``generate``.
   h. Without focus -> ``generate``: an edit-like sentence ("make it blue") is generated as written.

Every Command carries a ``confidence``; below ``bot.commands.UNSURE_BELOW`` the rules are unsure (a short phrase
with no cue either way while a clip is in focus), and the dialogue may ask or an optional language model may be
consulted (``bot.intents.llm``).

Settings (aspect, resolution, duration 1-20 s, variations 1/2/4, sound) are read anywhere and removed from the prompt;
``bot.intents.clip_settings`` documents how out-of-range values are clamped.
"""

from __future__ import annotations

from bot.intents.llm import LanguageModel, LLMOptions
from bot.intents.parser import parse, parse_strict

__all__ = ["LLMOptions", "LanguageModel", "parse", "parse_strict"]
