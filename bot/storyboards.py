"""Storyboard drafts built card by card in the chat ("add a card at 5s: ..."), shown, cleared, rendered."""

from __future__ import annotations

from bot import dialogue
from bot.commands import CardSpec, Command
from bot.database import Sessions, transaction
from bot.i18n import t
from bot.intents.drafts import DraftCommand
from bot.jobs import Jobs
from bot.messages import Outgoing
from bot.models import Chat, Storyboard
from bot.turn import Turn


class Storyboards:
    def __init__(self, sessions: Sessions, jobs: Jobs) -> None:
        self._sessions = sessions
        self._jobs = jobs

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
                return [turn.say(t("storyboard_added", lang, at=f"{draft.at:g}", count=len(board.cards)))]
            if board is None or not board.cards:
                return [turn.say(t("storyboard_empty", lang))]
            if draft.kind == "show":
                lines = "\n".join(f"{card['at']:g}s: {card['prompt']}" for card in board.cards)
                return [turn.say(t("storyboard_show", lang, cards=lines))]
            if draft.kind == "clear":
                board.status = "discarded"
                return [turn.say(t("storyboard_cleared", lang))]
            cards = [CardSpec(at=card["at"], prompt=card["prompt"]) for card in board.cards]
        replies = await self._jobs.order(turn, Command(action="storyboard", cards=cards))
        async with transaction(self._sessions) as session:
            (await session.get(Storyboard, board.id)).status = "rendered"
        return replies
