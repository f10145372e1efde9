"""Understanding: one chat message (+ whether a clip is in focus, + attachments) -> one ``Command``.

Deterministic, no model, well under a millisecond per message; English and Chinese. ``parse`` never raises.

Precedence, first match wins:

1. Empty text: a photo -> ``animate`` (no prompt); a video -> ``remix`` of it; else ``help``.
2. Slash commands (``/video``, ``/remix@MyBot #12 at night``, ...): the action is the command's; arguments
   are read by the same readers as sentences. ``/video`` with a photo is ``animate``.
3. Storyboards: two or more timed cards ("0s: ...", "第5秒：...", "0:05 ...", one per line or "/"-separated),
   or one card when the message says so ("add a card at 5s: ...").
4. Whole-message utility requests: balance, history, cancel, help (also greetings), buy, share, "show the
   storyboard". A scene that merely contains such a word stays a scene.
5. Per-user defaults: a message naming defaults ("make my default vertical 720p", "默认竖屏高清") -> ``settings``.
6. A photo attached -> ``animate``; its caption (settings taken out) is the prompt.
7. Sentences. A clip is "in focus" when the chat has one (``has_focus``) or a video is attached; ``#N`` and
   "clip N" reference clips explicitly (and work without focus: "remix #123: at night").
   a. "keep the first 2 seconds and ...", "保留前2秒，..." -> ``recut`` (keep_seconds; the rest is the prompt);
      "after 3s ...", "3秒后..." only with a clip in focus or referenced.
   b. a blending verb with at least one ``#N`` -> ``blend`` (the clip in focus first when "it" is said or only
      one other clip is named).
   c. "loop it", "做成循环" -> ``loop``; "continue", "make it longer", "接着拍" -> ``extend``. These need no focus:
      without one, ``clips`` is empty and the dialogue asks which clip.
   d. "remix ...", "redo", "重做" with a clip in focus or referenced -> ``remix``.
   e. Nothing left but settings -> ``settings`` ("vertical please"), even with a clip in focus; with a ``#N``
      it is a ``remix`` of that clip with those settings. Nothing left at all -> ``help``.
   f. With a clip in focus, an edit ("make the house medieval", "turn it blue", "把房子换成中世纪风格") ->
      ``remix``, prompt = the instruction; any sentence naming ``#N`` -> ``remix`` of it.
   g. Everything else -> ``generate``: a new description is a new clip even while another is in focus, and
      without focus an edit-like sentence ("make it blue") is generated as written. The exception is an
      attached video: people send one to change it, so its caption remixes it.

Settings (aspect, resolution, duration 1-20 s, variations 1/2/4) are read anywhere and removed from the prompt;
``bot.intents.settings`` documents how out-of-range values are clamped.
"""

from __future__ import annotations

from bot.intents.parser import parse, parse_strict

__all__ = ["parse", "parse_strict"]
