"""Photos on a storyboard draft: a photo sent while a draft is open becomes a picture card, and the bot writes
its text from what the picture shows.

The caption runs where the video model runs, as a small job of its own (``queue.caption``): in the bot's process
in local mode, on a worker in distributed mode. Words the user typed with the photo are the card's text instead;
"at 5s" in them places the card, else it goes after the board's last card. A captioner that fails or is slow
leaves the card without words and says so kindly: the picture still pins its frame at render time.
"""

from __future__ import annotations

from dataclasses import replace

from bot import dialogue
from bot.database import Sessions
from bot.errors import UserError
from bot.i18n import t
from bot.intents.drafts import DraftCommand, picture_card
from bot.messages import Attachment, Outgoing
from bot.storyboards import Storyboards, card_time
from bot.turn import Turn

#: A photo sent without a time goes this many seconds after the board's last card.
NEXT_CARD_S = 3.0


def photo_of(turn: Turn) -> Attachment | None:
    """The image this message carries, if any."""
    return next((each for each in turn.incoming.attachments if each.kind == "image"), None)


class PictureCards:
    def __init__(self, sessions: Sessions, storyboards: Storyboards) -> None:
        self._sessions = sessions
        self._storyboards = storyboards

    async def add(self, turn: Turn, photo: Attachment) -> list[Outgoing]:
        """Put ``photo`` on the chat's draft and answer with the card's text (typed, or written from the photo)."""
        if not turn.text:  # a bare photo carries no words: answer in the user's last language
            turn = replace(turn, lang=turn.user.language or turn.lang)
        at, typed = picture_card(turn.text)
        at = card_time(at if at is not None else await self._after_last(turn))
        # The upload checks run first (a bad image is refused before any caption), then the captioner if no words.
        board = await self._storyboards.add_card(turn, at, typed, image=photo)
        number, card = next((index, card) for index, card in enumerate(board.cards, 1) if abs(card.at - at) < 0.05)
        if not card.prompt:
            return [turn.say(t("picture_card_no_text", turn.lang, number=number, at=f"{at:g}"))]
        return [turn.say(t("picture_card_added", turn.lang, number=number, at=f"{at:g}", text=card.prompt))]

    async def edit(self, turn: Turn, draft: DraftCommand) -> list[Outgoing]:
        """"card 2: a red kite over the beach": card 2 (in time order) gets these words."""
        async with self._sessions() as session:
            board = await dialogue.open_draft(session, turn.chat, turn.user.id)
            cards = list(board.cards) if board is not None else []
        if not 1 <= (draft.number or 0) <= len(cards):
            raise UserError("storyboard_no_card_number", number=draft.number, count=len(cards))
        at = cards[draft.number - 1]["at"]
        await self._storyboards.change_card(turn, at, prompt=draft.prompt)
        return [turn.say(t("storyboard_card_changed", turn.lang, number=draft.number, at=f"{at:g}",
                           text=draft.prompt.strip()))]

    async def _after_last(self, turn: Turn) -> float:
        async with self._sessions() as session:
            board = await dialogue.open_draft(session, turn.chat, turn.user.id)
            cards = list(board.cards) if board is not None else []
        return max(card["at"] for card in cards) + NEXT_CARD_S if cards else 0.0
