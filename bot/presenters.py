"""Turning clips, quotes and job progress into platform-neutral words and buttons."""

from __future__ import annotations

from bot.errors import InsufficientCredits, UserError
from bot.i18n import button_label, op_name, reason, t
from bot.messages import Button, Outgoing
from bot.models import Clip

#: Width of the text progress bar, in cells.
BAR_CELLS = 12
#: Actions offered under every delivered clip, in order.
CLIP_ACTIONS = ("remix", "recut", "extend", "loop", "var", "share")


def progress_bar(fraction: float) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    filled = round(fraction * BAR_CELLS)
    return "\u2588" * filled + "\u2591" * (BAR_CELLS - filled)


def describe_settings(settings: dict) -> str:
    """``16:9 480p 5s`` (+ ``x2`` for variations): the short form used in captions and quotes."""
    parts = [settings.get("aspect", "16:9"), settings.get("resolution", "480p"), f"{settings.get('duration_s', 5)}s"]
    if settings.get("variations", 1) > 1:
        parts.append(f"\u00d7{settings['variations']}")
    return " ".join(parts)


def describe_job(op: str, prompt: str, settings: dict, lang: str, *, limit: int = 80) -> str:
    """What a job makes, in a line: ``video \u201ca corgi surfing\u201d (16:9 480p 5s)``."""
    shown = prompt if len(prompt) <= limit else prompt[: limit - 1] + "\u2026"
    name = op_name(op, lang)
    return f"{name} \u201c{shown}\u201d ({describe_settings(settings)})" if shown else f"{name} ({describe_settings(settings)})"


def progress_text(
    *, stage: str, what: str, lang: str, position: int | None = None, fraction: float = 0.0, eta_s: float | None = None
) -> str:
    if stage == "queued":
        return t("queued", lang, position=position or 1, what=what)
    if stage in ("encoding", "uploading", "decoding"):
        return t("encoding", lang, what=what)
    if stage == "done":
        return t("done", lang, what=what)
    if stage in ("loading",) or fraction <= 0:
        return t("starting", lang, what=what)
    eta = t("eta", lang, seconds=max(1, round(eta_s))) if eta_s else ""
    return t("rendering", lang, bar=progress_bar(fraction), percent=round(fraction * 100), eta=eta, what=what)


def clip_caption(*, clip_id: int, op: str, prompt: str, settings: dict, cost: int, lang: str, parent: int | None) -> str:
    shown = prompt if len(prompt) <= 600 else prompt[:599] + "\u2026"
    what = f"{op_name(op, lang)} \u201c{shown}\u201d" if shown else op_name(op, lang)
    caption = t("clip_caption", lang, clip=clip_id, what=what, settings=describe_settings(settings), cost=cost)
    if parent is not None and op not in ("generate", "animate", "storyboard"):
        caption += "\n" + t("lineage", lang, op=op_name(op, lang), parent=parent)
        if settings.get("credit"):  # the parent was someone else's shared clip: its author is named
            caption += t("credit", lang, author=settings["credit"])
    return caption


def clip_buttons(clip_id: int, lang: str) -> tuple[Button, ...]:
    return tuple(Button(label=button_label(action, lang), payload=f"{action}:{clip_id}") for action in CLIP_ACTIONS)


def confirm_buttons(token: str, lang: str) -> tuple[Button, ...]:
    return tuple(Button(label=button_label(action, lang), payload=f"{action}:{token}") for action in ("yes", "cheaper", "no"))


def clip_message(chat_id: str, clip: Clip, lang: str, *, author: str | None = None) -> Outgoing:
    """A clip with its caption and buttons; ``author`` names who shared it (showcase posts)."""
    caption = clip_caption(clip_id=clip.id, op=clip.op, prompt=clip.prompt, settings=clip.settings, cost=clip.cost,
                           lang=lang, parent=clip.parent_clip_id)
    if author:
        caption = t("showcase_post", lang, clip=clip.id, author=author, prompt=clip.prompt) + "\n" + caption
    return Outgoing(
        kind="clip", chat_id=chat_id, text=caption, buttons=clip_buttons(clip.id, lang), clip_id=clip.id,
        clip_path=clip.path, thumbnail_path=clip.thumbnail_path, width=clip.width, height=clip.height,
        duration_s=clip.duration_s, has_audio=clip.has_audio, file_ids=dict(clip.file_ids),
    )


def error_text(error: UserError, lang: str) -> str:
    """A user error in the user's language (an unknown code still says something useful)."""
    if isinstance(error, InsufficientCredits):
        return t("insufficient_credits", lang, **error.params)
    params = dict(error.params)
    if "reason_code" in params:
        params["reason"] = reason(params.pop("reason_code"), lang)
    try:
        return t(error.code, lang, **params)
    except (KeyError, IndexError):
        return t("invalid_request", lang, reason=error.code)
