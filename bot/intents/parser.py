"""From one message to one Command: the precedence described in ``bot.intents``' docstring, step by step."""

from __future__ import annotations

import logging
import re

from bot.commands import CardSpec, Command
from bot.intents import actions, clip_settings, filler, recut, refs, request, slash, storyboard, utility
from bot.intents import scene as scene_or_edit
from bot.intents.text import CUT, is_filler, one_line, sanitize, tidy

log = logging.getLogger(__name__)

#: Past this length a message is a prompt: no utility phrase or settings-only message is that long.
_UTILITY_MAX_CHARS = 160
#: The confidence of a reading with an unmistakable cue (a slash command, a storyboard card, "keep the first 2s").
_SURE = 0.95


def parse(text: object, *, has_focus: bool = False, has_image: bool = False, has_video: bool = False,
          replied: bool = False) -> Command:
    """What ``text`` asks for. Never raises: a reader's bug degrades to a plain generate (or help).

    ``replied``: the message replies to the clip in focus, which makes it about that clip unless it asks for a
    new one in so many words ("make a video of ...")."""
    try:
        return parse_strict(text, has_focus=has_focus, has_image=has_image, has_video=has_video, replied=replied)
    except Exception:  # noqa: BLE001  (a chat message must never crash the bot; tests run parse_strict)
        log.exception("intent parser failed; falling back to generate")
        prompt = sanitize(text)[:4000] or None
        return Command(action="animate" if has_image else "generate" if prompt else "help", prompt=prompt)


def parse_strict(text: object, *, has_focus: bool = False, has_image: bool = False,
                 has_video: bool = False, replied: bool = False) -> Command:
    """``parse`` without the safety net, so tests see a reader's exception."""
    message = sanitize(text)
    focus = bool(has_focus or has_video or replied)
    # 1. nothing said
    if not message:
        if has_image:
            return Command(action="animate")
        return Command(action="remix", clips=["current"]) if has_video else Command(action="help")
    # 2. slash commands
    command = slash.split(message)
    if command is not None:
        action, args = command
        if action == "generate" and has_image:
            action = "animate"
        return _with_action(action, sanitize(args), focus=focus)
    # 3. storyboards
    draft = storyboard.read(message)
    if draft is not None:
        return _storyboard(draft)
    line = one_line(message)
    # 4. utility requests that are the whole message
    if len(line) <= _UTILITY_MAX_CHARS:
        clips, without_refs = refs.extract(line)
        action = actions.utility(line, refs.cut_pronouns(without_refs)) or utility.classify(without_refs)
        if action is not None:
            if action == "share":
                return Command(action="share", clips=clips or (["current"] if focus else []), confidence=_SURE)
            if action == "settings":
                found, _ = clip_settings.extract(actions.cut_defaults(line))
                return Command(action="settings", confidence=_SURE, **found.fields())
            return Command(action=action, confidence=_SURE)
        # 5. per-user defaults ("make my default vertical 720p", "默认竖屏高清", "always use square")
        if actions.asks_for_defaults(line):
            found, _ = clip_settings.extract(actions.cut_defaults(line))
            if found.any():
                return Command(action="settings", confidence=_SURE, **found.fields())
    # 6. a photo: animate it, the caption is the prompt
    if has_image:
        return _generate("animate", line)
    return _sentence(line, focus=focus, has_video=has_video, replied=replied)


def _sentence(line: str, *, focus: bool, has_video: bool = False, replied: bool = False) -> Command:
    """Plain sentences: re-cut, blend, loop, extend, redo, remix, settings, else a new scene or an edit."""
    clips, text = refs.extract(line)
    keep, text = recut.extract(text, strong_only=not (focus or clips))
    found, text = clip_settings.extract(text)
    text = filler.strip(text)
    fields = found.fields()
    target = clips or (["current"] if focus else [])
    if keep is not None:
        return Command(action="recut", clips=target, keep_seconds=keep, prompt=_instruction(text), confidence=_SURE,
                       **fields)
    blended = actions.blend(text)
    if blended is not None and not clips and is_filler(refs.cut_pronouns(blended).replace(CUT, " ")):
        return Command(action="blend", clips=target, **fields)  # "blend it": the dialogue asks with what
    if blended is not None and clips:
        with_current = focus and (refs.has_pronoun(text) or len(clips) == 1)
        members = (["current"] if with_current else []) + clips
        return Command(action="blend", clips=members, prompt=tidy(refs.cut_pronouns(blended)), confidence=_SURE,
                       **fields)
    rest = actions.loop(text)
    if rest is not None:
        return Command(action="loop", clips=target, prompt=tidy(refs.cut_pronouns(rest)), confidence=_SURE, **fields)
    rest = actions.extend(text)
    if rest is not None:
        return Command(action="extend", clips=target, prompt=tidy(refs.cut_pronouns(rest)), confidence=_SURE,
                       **fields)
    if focus or clips:
        rest = scene_or_edit.redo(text)
        if rest is None:
            rest = actions.remix(text)
        if rest is not None:
            return _redo(rest, clips=clips, target=target, fields=fields)
    prompt = tidy(text)
    scene = _scene(text)
    if prompt is None or scene is None or _only_pronouns(text):
        if clips or (focus and refs.has_pronoun(line) and not found.any()):
            return Command(action="remix", clips=target, prompt=None, confidence=0.8, **fields)
        if found.any():
            return Command(action="settings", confidence=0.8, **fields)
        return Command(action="help", confidence=0.8)
    if clips or has_video:
        return Command(action="remix", clips=target, prompt=prompt, confidence=0.9 if clips else 0.8, **fields)
    if focus:
        reading = scene_or_edit.read(text)
        if reading.edit:
            return Command(action="remix", clips=target, prompt=prompt, confidence=reading.confidence, **fields)
        if replied and not reading.asks_new:  # a description sent as a reply to a clip is that clip's new prompt
            return Command(action="remix", clips=target, prompt=prompt, confidence=0.8, **fields)
        return Command(action="generate", prompt=scene, confidence=reading.confidence, **fields)
    return Command(action="generate", prompt=scene, confidence=_SURE, **fields)


def _redo(rest: str, *, clips: list[str], target: list[str], fields: dict) -> Command:
    """"do that again but in 1080p", "再来一次", "remix it at night": the clip in focus once more, maybe changed
    (``rest`` is what follows the redo words); a full new description after them ("another one: a red kite")
    is a new clip instead."""
    if _only_pronouns(rest):
        return Command(action="remix", clips=target, prompt=None, confidence=_SURE, **fields)
    reading = scene_or_edit.read(rest)
    if not clips and not reading.edit and reading.confidence >= 0.85:
        return Command(action="generate", prompt=_scene(rest), confidence=reading.confidence, **fields)
    return Command(action="remix", clips=target, prompt=_instruction(rest), confidence=0.85, **fields)


def _instruction(text: str) -> str | None:
    """An edit instruction: tidied, without the joiner that tied it to a removed phrase ("but slower")."""
    tidied = tidy(text)
    if tidied is None:
        return None
    return tidy(_LEADING_JOINER.sub("", tidied)) or tidied


_LEADING_JOINER = re.compile(r"^(?:(?:but|and|with|then|just|also|so|,)\s+|(?:但是|但|而且|并且|然后|再|，))+", re.IGNORECASE)


def _only_pronouns(text: str) -> bool:
    return is_filler(refs.cut_pronouns(text).replace(CUT, " "))


def _generate(action: str, line: str) -> Command:
    found, text = clip_settings.extract(line)
    return Command(action=action, prompt=_scene(filler.strip(text)), confidence=_SURE, **found.fields())


def _scene(text: str) -> str | None:
    """The prompt of a new clip: tidied, then unwrapped from "make me a video of ..." and tidied again."""
    first = tidy(text)
    return tidy(request.strip(first)) if first else None


def _storyboard(draft: storyboard.Draft) -> Command:
    found, header = clip_settings.extract(draft.header)
    cards = []
    for at, prompt in draft.cards:
        card_settings, card_text = clip_settings.extract(prompt)
        for name, value in card_settings.fields().items():
            if value is not None:
                setattr(found, name, value)
        cards.append(CardSpec(at=at, prompt=tidy(card_text) or prompt))
    return Command(action="storyboard", cards=cards, prompt=tidy(header), **found.fields())


def _with_action(action: str, args: str, *, focus: bool) -> Command:
    """A slash command's arguments, read by the same rules as sentences but with the action fixed."""
    line = one_line(args)
    if action in ("balance", "history", "buy", "cancel", "help"):
        return Command(action=action)
    if action in ("generate", "animate"):
        return _generate(action, line)
    if action == "storyboard":
        draft = storyboard.read("storyboard: " + args) if args else None
        if draft is not None:
            return _storyboard(draft)
        found, text = clip_settings.extract(line)
        return Command(action="storyboard", prompt=tidy(text), **found.fields())
    clips, text = refs.extract(line)
    target = clips or (["current"] if focus else [])
    if action == "share":
        return Command(action="share", clips=target)
    keep = None
    if action == "recut":
        keep, text = recut.extract(text, strong_only=False)
        if keep is None:
            keep, text = _leading_seconds(text)
    found, text = clip_settings.extract(text)
    fields = found.fields()
    if action == "settings":
        return Command(action="settings", **fields)
    if action == "blend":
        with_current = focus and (refs.has_pronoun(text) or len(clips) < 2)
        target = (["current"] if with_current else []) + clips
        blended = actions.blend(text)
        text = blended if blended is not None else text
    if action in ("blend", "loop", "extend"):
        text = refs.cut_pronouns(text)
        if action == "loop":
            text = actions.loop(text) or text
        if action == "extend":
            text = actions.extend(text) or text
    if action == "remix":
        rest = actions.remix(text)
        text = rest if rest is not None else text
    return Command(action=action, clips=target, prompt=tidy(text), keep_seconds=keep, **fields)


def _leading_seconds(text: str) -> tuple[float | None, str]:
    """"/recut 2 make him jump": a bare number first is the seconds to keep."""
    import re

    match = re.match(r"^[\s\x00]*(\d{1,2}(?:\.\d{1,2})?)\s*(?:s|sec|secs|seconds?|秒)?(?![A-Za-z0-9])", text)
    if not match:
        return None, text
    return float(match.group(1)), CUT * match.end() + text[match.end():]
