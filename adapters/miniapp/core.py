"""The Mini App's narrow view of the core: the chat's storyboard draft, its price, and rendering it.

The board is the very draft the chat's "add a card at 5s: ..." edits (``bot.dialogue``: one ``Storyboard`` row
per chat and user with status ``draft``), so either side sees the other's changes; it becomes a job through
``bot.storyboards`` exactly as the chat's "render" does. Cards are identified by their time, as in the chat,
where adding a card at an occupied second replaces it. The HTTP handlers only see :class:`BoardDesk`.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from adapters.miniapp.initdata import InitData
from bot import dialogue
from bot.credits import quote
from bot.database import transaction
from bot.errors import UserError
from bot.i18n import language_of
from bot.messages import Attachment, Incoming, Outgoing
from bot.models import Storyboard
from bot.presenters import error_text
from bot.storyboards import board_order
from bot.turn import Turn
from bot.uploads import check_upload
from engine.specs import MAX_DURATION_S, MIN_DURATION_S

PLATFORM = "telegram"
#: The choices the editor offers (the engine's vocabulary).
ASPECTS = ("16:9", "9:16", "1:1")
RESOLUTIONS = ("480p", "720p", "1080p")
#: Card times are kept to a tenth of a second: a finger cannot place them finer.
TIME_STEP_S = 0.1
#: The ruler's length for a board with no cards and no chosen duration.
EMPTY_BOARD_S = 10
#: Cards one board may hold (the engine's storyboard limit).
MAX_CARDS = 20


@dataclass(frozen=True)
class Me:
    user_id: str
    language: str
    balance: int
    name: str


@dataclass
class BoardView:
    """What the editor draws: the cards, the chosen shape, the ruler's length and the price of rendering."""

    cards: list[dict[str, Any]]
    aspect: str
    resolution: str
    duration_s: int
    #: Whether ``duration_s`` was chosen (else it follows the last card, as in the chat).
    duration_chosen: bool
    price: int | None
    balance: int
    language: str
    options: dict[str, Any] = field(default_factory=lambda: {
        "aspects": list(ASPECTS), "resolutions": list(RESOLUTIONS),
        "min_duration_s": MIN_DURATION_S, "max_duration_s": MAX_DURATION_S,
    })

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Rendered:
    """Render's answer: the job queued for the chat, and its price."""

    job_id: int | None
    price: int
    balance: int


class BoardDesk:
    """The storyboard draft of the person named by verified init data, over ``service`` (a ``BotService``)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # -- who ---------------------------------------------------------------------------------------------------

    async def _turn(self, who: InitData) -> Turn:
        """The user and chat rows, made on first contact with the welcome credits, as a first message would."""
        incoming = Incoming(
            platform=PLATFORM, chat_id=who.chat, user_id=who.user_id, user_name=who.first_name,
            language=who.language_code, is_group=who.chat_id is not None and who.chat_id != who.user_id,
        )
        turn = await self.service.turn(incoming)
        if turn.user.blocked:
            raise UserError("blocked")
        return turn

    async def me(self, who: InitData) -> Me:
        turn = await self._turn(who)
        balance = await self.service.ledger.balance(turn.user.id)
        return Me(user_id=who.user_id, language=turn.lang, balance=balance, name=who.first_name)

    def error_text(self, error: UserError, who: InitData | None) -> str:
        """The user's words for ``error``, as the chat would say them."""
        return error_text(error, language_of("", who.language_code if who else None))

    # -- the board ---------------------------------------------------------------------------------------------

    async def board(self, who: InitData) -> BoardView:
        turn = await self._turn(who)
        cards, shape = await self._draft(turn)
        return await self._view(turn, cards, shape)

    async def add_card(self, who: InitData, at: float, prompt: str, image: str | None = None) -> BoardView:
        at = _time(at)
        prompt = prompt.strip()
        if not prompt and image is None:
            raise UserError("need_prompt")
        if not prompt:  # a picture without words gets the words the core's captioner writes from it
            prompt = await self.service.storyboards.describe(image, (await self._turn(who)).lang)

        def change(cards: list[dict], shape: dict) -> list[dict]:
            card: dict[str, Any] = {"at": at, "prompt": prompt}
            if image is not None:
                card["image"] = image
            kept = [existing for existing in cards if existing["at"] != at]
            if len(kept) >= MAX_CARDS:
                raise UserError("invalid_request", reason=f"a storyboard holds at most {MAX_CARDS} cards")
            return kept + [card]

        return await self._edit(who, change)

    async def change_card(self, who: InitData, at: float, *, to: float | None = None, prompt: str | None = None) -> BoardView:
        """Move the card at ``at`` to ``to`` and/or give it new text."""
        at = _time(at)

        def change(cards: list[dict], shape: dict) -> list[dict]:
            card = _find(cards, at)
            moved = dict(card)
            if to is not None:
                moved["at"] = _time(to)
                if moved["at"] != card["at"] and any(other["at"] == moved["at"] for other in cards):
                    raise UserError("invalid_request", reason=f"there is already a card at {moved['at']:g} s")
            if prompt is not None:
                if not prompt.strip() and not card.get("image"):
                    raise UserError("need_prompt")
                moved["prompt"] = prompt.strip()
            return [other for other in cards if other is not card] + [moved]

        return await self._edit(who, change)

    async def remove_card(self, who: InitData, at: float) -> BoardView:
        at = _time(at)

        def change(cards: list[dict], shape: dict) -> list[dict]:
            card = _find(cards, at)
            return [other for other in cards if other is not card]

        return await self._edit(who, change)

    async def set_shape(
        self, who: InitData, *, aspect: str | None = None, resolution: str | None = None, duration_s: int | None = None
    ) -> BoardView:
        if aspect is not None and aspect not in ASPECTS:
            raise UserError("invalid_request", reason=f"aspect must be one of {', '.join(ASPECTS)}")
        if resolution is not None and resolution not in RESOLUTIONS:
            raise UserError("invalid_request", reason=f"tier must be one of {', '.join(RESOLUTIONS)}")
        if duration_s is not None and not MIN_DURATION_S <= duration_s <= MAX_DURATION_S:
            raise UserError("invalid_request", reason=f"duration must be {MIN_DURATION_S} to {MAX_DURATION_S} s")
        chosen = {"aspect": aspect, "resolution": resolution, "duration_s": duration_s}

        def change(cards: list[dict], shape: dict) -> list[dict]:
            shape.update({key: value for key, value in chosen.items() if value is not None})
            return cards

        return await self._edit(who, change)

    async def store_image(self, who: InitData, data: bytes, filename: str) -> str:
        """Keep an uploaded picture under the media directory after the core's upload checks; its path."""
        folder = Path(self.service.config.media_dir) / "miniapp" / who.user_id
        folder.mkdir(parents=True, exist_ok=True)
        suffix = Path(filename).suffix.lower()[:8] or ".img"
        path = folder / f"{uuid.uuid4().hex}{suffix}"
        path.write_bytes(data)
        attachment = Attachment(kind="image", path=str(path), size_bytes=len(data), filename=filename)
        try:
            await asyncio.to_thread(check_upload, attachment, self.service.config.limits)
        except UserError:
            path.unlink(missing_ok=True)
            raise
        return str(path)

    # -- rendering ---------------------------------------------------------------------------------------------

    async def render(self, who: InitData) -> Rendered:
        """Queue the board as the chat's storyboard; its progress board and clip appear in the chat."""
        turn = await self._turn(who)
        cards, shape = await self._draft(turn)
        price = quote(board_order(turn.user, cards, shape).spec, self.service.config.pricing) if cards else 0
        replies = await self.service.storyboards.render(turn, confirm=False)  # Render under the price is the yes
        for out in replies:  # the chat shows the job's progress board, edited as it runs
            self.service.publish(PLATFORM, replace(out, reply_to_message_id=None))
        job_id = next((_job_id(out) for out in replies if _job_id(out) is not None), None)
        return Rendered(job_id=job_id, price=price, balance=await self.service.ledger.balance(turn.user.id))

    # -- helpers -----------------------------------------------------------------------------------------------

    async def _draft(self, turn: Turn) -> tuple[list[dict], dict]:
        async with self.service.sessions() as session:
            draft = await dialogue.open_draft(session, turn.chat, turn.user.id)
            return (list(draft.cards), dict(draft.settings)) if draft else ([], {})

    async def _edit(self, who: InitData, change: Callable[[list[dict], dict], list[dict]]) -> BoardView:
        """Apply ``change(cards, shape) -> cards`` to the draft (made if absent), validating before writing."""
        turn = await self._turn(who)
        async with transaction(self.service.sessions) as session:
            draft = await dialogue.open_draft(session, turn.chat, turn.user.id)
            cards = [dict(card) for card in draft.cards] if draft else []
            shape = dict(draft.settings) if draft else {}
            cards = sorted(change(cards, shape), key=lambda card: card["at"])
            if cards:
                board_order(turn.user, cards, shape)  # raises (nothing written) when the board would be invalid
            if draft is None:
                draft = Storyboard(chat_id=turn.chat.id, user_id=turn.user.id, cards=[])
                session.add(draft)
            draft.cards, draft.settings = cards, shape
            flag_modified(draft, "cards")
            flag_modified(draft, "settings")
        return await self._view(turn, cards, shape)

    async def _view(self, turn: Turn, cards: list[dict], shape: dict) -> BoardView:
        balance = await self.service.ledger.balance(turn.user.id)
        if cards:
            order = board_order(turn.user, cards, shape)
            settings, price = order.spec.settings, quote(order.spec, self.service.config.pricing)
            aspect, resolution, duration_s = settings.aspect, settings.resolution, settings.duration_s
        else:
            chosen = {"aspect": "16:9", "resolution": "480p", **turn.user.defaults, **shape}
            price, aspect, resolution = None, chosen["aspect"], chosen["resolution"]
            duration_s = int(shape.get("duration_s") or EMPTY_BOARD_S)
        return BoardView(
            cards=[{"at": card["at"], "prompt": card["prompt"], "image": bool(card.get("image"))} for card in cards],
            aspect=aspect, resolution=resolution, duration_s=duration_s, duration_chosen="duration_s" in shape,
            price=price, balance=balance, language=turn.lang,
        )


def _job_id(out: Outgoing) -> int | None:
    key = out.progress_key or ""
    return int(key.removeprefix("job:")) if key.startswith("job:") and key[4:].isdigit() else None


def _time(at: float) -> float:
    if not isinstance(at, int | float) or math.isnan(at) or at < 0:
        raise UserError("invalid_request", reason="a card's time must be a number of seconds from 0")
    return round(round(float(at) / TIME_STEP_S) * TIME_STEP_S, 1)


def _find(cards: list[dict], at: float) -> dict:
    for card in cards:
        if abs(card["at"] - at) < TIME_STEP_S / 2:
            return card
    raise UserError("invalid_request", reason=f"there is no card at {at:g} s")


__all__ = ["BoardDesk", "BoardView", "Me", "Rendered"]
