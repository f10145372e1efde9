"""Storyboard drafts built card by card in the chat ("add a card at 5s: ...") or on the Mini App's timeline,
shown, cleared, rendered.

A draft is one ``Storyboard`` row per chat and user: its cards (``at``, ``prompt``, optionally ``image``) and
the shape chosen for it (``aspect``, ``resolution``, ``duration_s``). :func:`board_order` is the one way a draft
becomes a job, whichever side renders it, so the same board gives the same job.
"""

from __future__ import annotations

from typing import Any

from bot import dialogue
from bot.commands import CardSpec, Command
from bot.database import Sessions, transaction
from bot.errors import UserError
from bot.i18n import t
from bot.intents.drafts import DraftCommand
from bot.jobs import Jobs
from bot.messages import Button, Outgoing
from bot.models import Chat, Storyboard, User
from bot.orders import Order, build_order
from bot.turn import Turn
from engine.specs import Card


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
    def __init__(self, sessions: Sessions, jobs: Jobs, *, timeline_url: str | None = None) -> None:
        self._sessions = sessions
        self._jobs = jobs
        #: The Mini App's page (``REELBOT_PUBLIC_URL`` + ``/app/``); set, draft replies offer "Open timeline".
        self._timeline_url = timeline_url

    def _timeline(self, lang: str) -> tuple[Button, ...]:
        if self._timeline_url is None:
            return ()
        return (Button(label=t("open_timeline", lang), payload="", web_app_url=self._timeline_url),)

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
