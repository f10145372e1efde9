"""The Mini App's narrow view of the core: the chat's storyboard draft, its price, and rendering it.

The board is the very draft the chat's "add a card at 5s: ..." edits (``bot.dialogue``: one ``Storyboard`` row
per chat and user with status ``draft``), so either side sees the other's changes. Every edit is the core's
(``bot.storyboards.Storyboards``, as the Discord board's buttons use it): the same rules, the same words for a
mistake; it becomes a job exactly as the chat's "render" does. Cards are identified by their time, as in the
chat, where adding a card at an occupied second replaces it. The HTTP handlers only see :class:`BoardDesk`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from adapters.miniapp.initdata import InitData
from bot.errors import UserError
from bot.i18n import language_of
from bot.messages import Attachment, Incoming, Outgoing
from bot.presenters import error_text
from bot.storyboards import BoardView as CoreBoard
from bot.storyboards import card_time
from bot.turn import Turn
from bot.uploads import check_upload
from engine.specs import ASPECTS, MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS

PLATFORM = "telegram"
#: The ruler's length for a board with no cards and no chosen duration.
EMPTY_BOARD_S = 10


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
        self._boards = service.storyboards

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
        return await self._view(turn, await self._boards.board(turn))

    async def add_card(self, who: InitData, at: float, prompt: str, image: str | None = None) -> BoardView:
        """A card at ``at`` (replacing one there); ``image`` is a picture :meth:`store_image` kept."""
        turn = await self._turn(who)
        picture = None if image is None else _stored_picture(image)
        return await self._view(turn, await self._boards.add_card(turn, card_time(at), prompt, picture))

    async def change_card(self, who: InitData, at: float, *, to: float | None = None, prompt: str | None = None) -> BoardView:
        """Move the card at ``at`` to ``to`` and/or give it new text."""
        turn = await self._turn(who)
        moved_to = None if to is None else card_time(to)
        return await self._view(turn, await self._boards.change_card(turn, card_time(at), to=moved_to, prompt=prompt))

    async def remove_card(self, who: InitData, at: float) -> BoardView:
        turn = await self._turn(who)
        return await self._view(turn, await self._boards.remove_card(turn, card_time(at)))

    async def set_shape(
        self, who: InitData, *, aspect: str | None = None, resolution: str | None = None, duration_s: int | None = None
    ) -> BoardView:
        turn = await self._turn(who)
        board = await self._boards.set_shape(turn, aspect=aspect, resolution=resolution, duration_s=duration_s)
        return await self._view(turn, board)

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
        price = (await self._boards.board(turn)).price or 0
        replies = await self._boards.render(turn, confirm=False)  # Render under the price is the yes
        for out in replies:  # the chat shows the job's progress board, edited as it runs
            self.service.publish(PLATFORM, replace(out, reply_to_message_id=None))
        job_id = next((_job_id(out) for out in replies if _job_id(out) is not None), None)
        return Rendered(job_id=job_id, price=price, balance=await self.service.ledger.balance(turn.user.id))

    # -- helpers -----------------------------------------------------------------------------------------------

    async def _view(self, turn: Turn, board: CoreBoard) -> BoardView:
        return BoardView(
            cards=[{"at": card.at, "prompt": card.prompt, "image": bool(card.image)} for card in board.cards],
            aspect=board.aspect, resolution=board.resolution, duration_s=board.duration_s or EMPTY_BOARD_S,
            duration_chosen=board.duration_chosen, price=board.price,
            balance=await self.service.ledger.balance(turn.user.id), language=turn.lang,
        )


def _job_id(out: Outgoing) -> int | None:
    key = out.progress_key or ""
    return int(key.removeprefix("job:")) if key.startswith("job:") and key[4:].isdigit() else None


def _stored_picture(path: str) -> Attachment:
    """A picture :meth:`BoardDesk.store_image` kept, as the core takes an upload."""
    return Attachment(kind="image", path=path, size_bytes=Path(path).stat().st_size, filename=Path(path).name)


__all__ = ["BoardDesk", "BoardView", "Me", "Rendered"]
