"""Storyboard drafts built card by card in the chat ("add a card at 5s: ...") or on the Mini App's timeline,
shown, cleared, rendered.

A draft is one ``Storyboard`` row per chat and user: its cards (``at``, ``prompt``, optionally ``image``) and
the shape chosen for it (``aspect``, ``resolution``, ``duration_s``). :func:`board_order` is the one way a draft
becomes a job, whichever side renders it, so the same board gives the same job. :meth:`Storyboards.board` is
the draft as a board a platform draws (a typed :class:`BoardView`: cards, times, texts, picture paths, buttons),
and ``add_card`` / ``change_card`` / ``remove_card`` edit it card by card, so no adapter reads the rows itself.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from bot import dialogue
from bot.commands import CardSpec, Command
from bot.credits import quote
from bot.database import Sessions, transaction
from bot.errors import UserError
from bot.i18n import t
from bot.intents.drafts import DraftCommand
from bot.jobs import Jobs
from bot.messages import Attachment, Button, Outgoing
from bot.models import Chat, Storyboard, User
from bot.orders import Order, build_order
from bot.turn import Turn
from bot.uploads import check_upload
from engine.captioner.jobs import CaptionRequest
from engine.queue.models import utcnow
from engine.specs import ASPECTS, MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS, Card

log = logging.getLogger(__name__)

#: Card times are kept to a tenth of a second: neither a finger on a ruler nor a typed time is finer.
TIME_STEP_S = 0.1
#: Cards one board may hold (the engine's storyboard limit).
MAX_CARDS = 20
#: Board button payloads: ``<action>:<owner user id>`` and, for one card, ``_<its time>`` ("sbedit:3_2.5").
BOARD_ADD, BOARD_EDIT, BOARD_REMOVE, BOARD_RENDER = "sbadd", "sbedit", "sbdel", "sbrender"
_PAYLOAD = re.compile(r"(?P<action>sbadd|sbedit|sbdel|sbrender):(?P<owner>\d+)(?:_(?P<at>\d+(?:\.\d+)?))?")
#: A typed card time: "5", "2.5 s", "5秒".
_TIME = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(?:s|sec|secs|seconds?|秒)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class BoardCard:
    """One card as a board shows it; ``image`` is the picture's path on this machine, if it has one."""

    at: float
    prompt: str
    image: str | None
    #: Edit and Remove, with their payloads and labels in the user's language.
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class BoardView:
    """A chat's storyboard draft as any platform draws it: what the core says, the adapter only lays out."""

    owner_id: int
    language: str
    title: str
    #: The shape and price ("16:9 · 480p · 10 s · 30 credits"), or how to start when there are no cards.
    summary: str
    cards: tuple[BoardCard, ...]
    #: Add card, and Render once there are cards.
    buttons: tuple[Button, ...]
    aspect: str
    resolution: str
    duration_s: int
    price: int | None
    #: Whether ``duration_s`` was chosen (else it follows the last card; 0 on an empty board).
    duration_chosen: bool = False

    def card(self, at: float | None) -> BoardCard | None:
        """The card at ``at`` (a pressed button's time), if it is still there."""
        return next((card for card in self.cards if at is not None and abs(card.at - at) < TIME_STEP_S / 2), None)


@dataclass(frozen=True)
class BoardPress:
    """A pressed board button: what to do, whose board it is, and which card (by its time)."""

    action: str
    owner_id: int
    at: float | None = None


def board_press(payload: str) -> BoardPress | None:
    """The board button behind ``payload``, or ``None`` when it is some other button."""
    match = _PAYLOAD.fullmatch(payload or "")
    if match is None:
        return None
    at = float(match["at"]) if match["at"] is not None else None
    return BoardPress(action=match["action"], owner_id=int(match["owner"]), at=at)


def card_time(text: str | float) -> float:
    """A card's time in seconds from what the user gave ("5", "2.5 s", "5秒"), on the board's 0.1 s grid."""
    if isinstance(text, str):
        match = _TIME.fullmatch(text)
        if match is None:
            raise UserError("board_bad_time")
        text = float(match.group(1).replace(",", "."))
    if isinstance(text, bool) or math.isnan(text) or text < 0:
        raise UserError("board_bad_time")
    return round(round(float(text) / TIME_STEP_S) * TIME_STEP_S, 1)


def _check_usable(turn: Turn) -> None:
    """A blocked user, or a chat where an admin switched the bot off, gets no board (as they get no answers)."""
    if turn.user.blocked:
        raise UserError("blocked")
    if dialogue.is_disabled(turn.chat):
        raise UserError("board_chat_disabled")


def _find(cards: list[dict[str, Any]], at: float) -> dict[str, Any]:
    for card in cards:
        if abs(card["at"] - at) < TIME_STEP_S / 2:
            return card
    raise UserError("board_no_card", at=f"{at:g}")


def board_order(user: User, cards: list[dict[str, Any]], shape: dict[str, Any]) -> Order:
    """The job for a draft: its cards at their times with the chosen shape (else the user's defaults, and a
    length of the last card plus a tail). Raises UserError for a board the engine could not render."""
    command = Command(
        action="storyboard",
        # A picture card may have no words; the Command's cards carry no picture, so words stand in until below.
        cards=[CardSpec(at=card["at"], prompt=card["prompt"] or "(picture)") for card in cards],
        aspect=shape.get("aspect"),
        resolution=shape.get("resolution"),
        duration=shape.get("duration_s"),
    )
    order = build_order(command, defaults=user.defaults, clips=[])
    if any(card.get("image") for card in cards):  # picture cards pin their image at the card's time
        pictured = [Card(at_s=card["at"], prompt=card["prompt"], image=card.get("image")).model_dump() for card in cards]
        spec = type(order.spec).model_validate({**order.spec.model_dump(), "cards": pictured})
        order = Order(spec=spec, prompt=order.prompt, parents=order.parents)
    return order


class Storyboards:
    def __init__(self, sessions: Sessions, jobs: Jobs, *, timeline_url: str | None = None, config: Any = None,
                 queue: Any = None) -> None:
        self._sessions = sessions
        self._jobs = jobs
        #: Captions a picture card left without words, where the video model runs (``None``: cards keep no text).
        self._queue = queue
        #: Pricing (a board shows its price) and upload limits (a card's picture); ``None``: no price shown.
        self._config = config
        #: The Mini App's page (``REELBOT_PUBLIC_URL`` + ``/app/``); set, draft replies offer "Open timeline".
        self._timeline_url = timeline_url

    def _timeline(self, lang: str) -> tuple[Button, ...]:
        if self._timeline_url is None:
            return ()
        return (Button(label=t("open_timeline", lang), payload="", web_app_url=self._timeline_url),)

    async def describe(self, image: str, lang: str) -> str:
        """The words the captioner writes for a card's picture in ``lang``; empty when it could not write any."""
        if self._queue is None:
            return ""
        result = await self._queue.caption(CaptionRequest(image_path=image, lang="zh" if lang == "zh" else "en"))
        if not result.ok:
            log.warning("no caption for %s: %s (%s)", image, result.error_code, result.error_message)
        return result.caption

    async def has_draft(self, turn: Turn) -> bool:
        async with self._sessions() as session:
            return await dialogue.open_draft(session, turn.chat, turn.user.id) is not None

    async def draft(self, turn: Turn, draft: DraftCommand) -> list[Outgoing]:
        lang = turn.lang
        async with transaction(self._sessions) as session:
            chat = await session.get(Chat, turn.chat.id)
            board = await dialogue.open_draft(session, chat, turn.user.id)
            if draft.kind == "add":
                board = await dialogue.add_card(session, chat, turn.user.id, draft.at, draft.prompt)
                added = t("storyboard_added", lang, at=f"{draft.at:g}", count=len(board.cards))
                return [turn.say(added, self._timeline(lang))]
            if board is None or not board.cards:
                return [turn.say(t("storyboard_empty", lang), self._timeline(lang))]
            if draft.kind == "show":
                lines = "\n".join(f"{card['at']:g}s: {card['prompt']}" for card in board.cards)
                return [turn.say(t("storyboard_show", lang, cards=lines), self._timeline(lang))]
            if draft.kind == "clear":
                board.status = "discarded"
                return [turn.say(t("storyboard_cleared", lang))]
        return await self.render(turn)

    async def render(self, turn: Turn, *, confirm: bool = True) -> list[Outgoing]:
        """Queue the draft as a storyboard: the chat's "render" (asks first above the price threshold) or the
        Mini App's Render button (``confirm=False``: the user pressed it under the price)."""
        async with self._sessions() as session:
            board = await dialogue.open_draft(session, turn.chat, turn.user.id)
            if board is None or not board.cards:
                raise UserError("storyboard_empty")
            cards, shape, board_id = list(board.cards), dict(board.settings), board.id
        replies = await self._jobs.place(turn, board_order(turn.user, cards, shape), confirm=confirm)
        async with transaction(self._sessions) as session:
            (await session.get(Storyboard, board_id)).status = "rendered"
        return replies

    # -- the board, card by card (Discord's components-v2 board; any platform that draws one) ---------------------

    async def board(self, turn: Turn) -> BoardView:
        """The chat's draft for this user as a board to draw (an empty board when there is none)."""
        _check_usable(turn)
        async with self._sessions() as session:
            draft = await dialogue.open_draft(session, turn.chat, turn.user.id)
            cards, shape = (list(draft.cards), dict(draft.settings)) if draft else ([], {})
        return self._view(turn, cards, shape)

    def check_press(self, turn: Turn, press: BoardPress) -> None:
        """Only the board's owner may press its buttons (a board is one user's draft in a shared channel)."""
        _check_usable(turn)
        if press.owner_id != turn.user.id:
            raise UserError("board_not_yours")

    async def add_card(self, turn: Turn, at: float, prompt: str, image: Attachment | None = None) -> BoardView:
        """A card at ``at`` (replacing one already there, as the typed "add a card at 5s" does); a picture without
        words gets the words the captioner writes from it."""
        prompt = prompt.strip()
        if not prompt and image is None:
            raise UserError("need_prompt")
        picture = await self._picture(image)
        if picture is not None and not prompt:
            _check_usable(turn)  # before the captioner runs for someone who gets no board
            prompt = await self.describe(picture, turn.lang)

        def change(cards: list[dict[str, Any]], shape: dict[str, Any]) -> list[dict[str, Any]]:
            card: dict[str, Any] = {"at": at, "prompt": prompt}
            if picture is not None:
                card["image"] = picture
            kept = [existing for existing in cards if abs(existing["at"] - at) >= TIME_STEP_S / 2]
            if len(kept) >= MAX_CARDS:
                raise UserError("board_full", limit=MAX_CARDS)
            return kept + [card]

        return await self._edit(turn, change)

    async def change_card(self, turn: Turn, at: float, *, to: float | None = None, prompt: str | None = None,
                          image: Attachment | None = None) -> BoardView:
        """Move the card at ``at`` to ``to``, give it new words, and/or a new picture."""
        picture = await self._picture(image)

        def change(cards: list[dict[str, Any]], shape: dict[str, Any]) -> list[dict[str, Any]]:
            card = _find(cards, at)
            moved = dict(card)
            if to is not None and abs(to - card["at"]) >= TIME_STEP_S / 2:
                if any(abs(other["at"] - to) < TIME_STEP_S / 2 for other in cards):
                    raise UserError("board_time_taken", at=f"{to:g}")
                moved["at"] = to
            if picture is not None:
                moved["image"] = picture
            if prompt is not None:
                if not prompt.strip() and not moved.get("image"):
                    raise UserError("need_prompt")
                moved["prompt"] = prompt.strip()
            return [other for other in cards if other is not card] + [moved]

        return await self._edit(turn, change)

    async def remove_card(self, turn: Turn, at: float) -> BoardView:
        def change(cards: list[dict[str, Any]], shape: dict[str, Any]) -> list[dict[str, Any]]:
            card = _find(cards, at)
            return [other for other in cards if other is not card]

        return await self._edit(turn, change)

    async def set_shape(self, turn: Turn, *, aspect: str | None = None, resolution: str | None = None,
                        duration_s: int | None = None) -> BoardView:
        """Choose the rendered clip's aspect, tier and length (unset: the user's defaults, and the last card's time
        plus a tail)."""
        if aspect is not None and aspect not in ASPECTS:
            raise UserError("invalid_request", reason=f"aspect must be one of {', '.join(ASPECTS)}")
        if resolution is not None and resolution not in RESOLUTIONS:
            raise UserError("invalid_request", reason=f"tier must be one of {', '.join(RESOLUTIONS)}")
        if duration_s is not None and not MIN_DURATION_S <= duration_s <= MAX_DURATION_S:
            raise UserError("invalid_request", reason=f"duration must be {MIN_DURATION_S} to {MAX_DURATION_S} s")
        chosen = {"aspect": aspect, "resolution": resolution, "duration_s": duration_s}

        def change(cards: list[dict[str, Any]], shape: dict[str, Any]) -> list[dict[str, Any]]:
            shape.update({key: value for key, value in chosen.items() if value is not None})
            return cards

        return await self._edit(turn, change)

    async def _picture(self, image: Attachment | None) -> str | None:
        """The path of an uploaded picture once the core's upload checks passed (readable, within limits)."""
        if image is None:
            return None
        if image.kind != "image":
            raise UserError("board_not_a_picture")
        await asyncio.to_thread(check_upload, image, self._config.limits)
        return image.path

    async def _edit(self, turn: Turn, change: Callable[[list[dict[str, Any]], dict[str, Any]], list[dict[str, Any]]],
                    ) -> BoardView:
        """Apply ``change(cards, shape) -> cards`` (it may also change the shape in place) to the draft (made if
        absent): validated before anything is written."""
        _check_usable(turn)
        async with transaction(self._sessions) as session:
            draft = await dialogue.open_draft(session, turn.chat, turn.user.id)
            shape = dict(draft.settings) if draft else {}
            cards = [dict(card) for card in draft.cards] if draft else []
            cards = sorted(change(cards, shape), key=lambda c: c["at"])
            if cards:
                board_order(turn.user, cards, shape)  # raises (nothing written) for a board the engine refuses
            if draft is None:
                draft = Storyboard(chat_id=turn.chat.id, user_id=turn.user.id, cards=[])
                session.add(draft)
            draft.cards, draft.settings, draft.updated_at = cards, shape, utcnow()
            flag_modified(draft, "cards")
            flag_modified(draft, "settings")
        return self._view(turn, cards, shape)

    def _view(self, turn: Turn, cards: list[dict[str, Any]], shape: dict[str, Any]) -> BoardView:
        lang, owner = turn.lang, turn.user.id
        if cards:
            order = board_order(turn.user, cards, shape)
            settings = order.spec.settings
            aspect, resolution, duration_s = settings.aspect, settings.resolution, settings.duration_s
            price = quote(order.spec, self._config.pricing) if self._config is not None else None
            summary = t("board_summary", lang, aspect=aspect, resolution=resolution, duration=duration_s,
                        count=len(cards))
            if price is not None:
                summary += t("board_price", lang, price=price)
        else:
            chosen = {"aspect": "16:9", "resolution": "480p", **turn.user.defaults, **shape}
            aspect, resolution, price = chosen["aspect"], chosen["resolution"], None
            duration_s = int(shape.get("duration_s") or 0)
            summary = t("storyboard_empty", lang)
        board_cards = tuple(
            BoardCard(at=card["at"], prompt=card["prompt"], image=card.get("image"), buttons=(
                Button(t("board_edit", lang), f"{BOARD_EDIT}:{owner}_{card['at']:g}"),
                Button(t("board_remove", lang), f"{BOARD_REMOVE}:{owner}_{card['at']:g}"),
            ))
            for card in cards
        )
        buttons = (Button(t("board_add", lang), f"{BOARD_ADD}:{owner}"),)
        if cards:
            buttons += (Button(t("board_render", lang), f"{BOARD_RENDER}:{owner}"),)
        return BoardView(owner_id=owner, language=lang, title=t("board_title", lang), summary=summary,
                         cards=board_cards, buttons=buttons, aspect=aspect, resolution=resolution,
                         duration_s=duration_s, price=price, duration_chosen="duration_s" in shape)
