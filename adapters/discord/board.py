"""The storyboard board on Discord: ``/storyboard`` draws the chat's draft as a components-v2 layout.

The core says what the board holds (``bot.storyboards.Storyboards.board``: cards, times, texts, picture paths,
buttons); this module only lays it out — a container with the title and price, one section per pictured card
(its picture as the thumbnail; a card without one is its text alone, since Discord requires a section to have an
accessory), each card's Edit/Remove row, and Add card/Render — and turns presses into core calls. Add and Edit
open a modal (time, text, an optional picture upload); every change edits the board's message in place, so the
layout always shows the draft the chat's typed "add a card at 5s: ..." edits too.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import discord
from discord import ui
from PIL import Image, UnidentifiedImageError

from adapters.discord.views import PayloadButton
from bot import i18n
from bot.errors import UserError
from bot.messages import Button
from bot.presenters import error_text
from bot.storyboards import (
    BOARD_ADD,
    BOARD_EDIT,
    BOARD_REMOVE,
    BOARD_RENDER,
    BoardCard,
    BoardPress,
    BoardView,
    card_time,
)

log = logging.getLogger(__name__)

#: Discord's limit on components in one components-v2 message, nested ones included.
MAX_COMPONENTS = 40
#: Discord's limit on the text of all text displays in one message; each card's words are cut well before it.
MAX_CARD_CHARS = 300
#: Thumbnails are drawn small; pictures are shrunk to this before upload, so a board never nears the size limit.
THUMBNAIL_PX = 256
#: What a card with a picture and no words says beside it.
PICTURE_ONLY = "\U0001f5bc"
#: The board's accent (Discord's blurple, as under clips).
BOARD_COLOUR = discord.Colour.blurple()

#: What the modal hands back: the time and words typed, and the picture uploaded (if any).
Submit = Callable[[discord.Interaction, str, str, list[discord.Attachment]], Awaitable[None]]


def _buttons(buttons: Sequence[Button]) -> ui.ActionRow:
    return ui.ActionRow(*(PayloadButton(button.payload, button.label) for button in buttons))


def _thumbnail_file(path: str, name: str) -> discord.File | None:
    """The card's picture, shrunk, as an upload the thumbnail refers to; ``None`` if it is gone or unreadable."""
    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            data = io.BytesIO()
            image.save(data, format="PNG")
    except (OSError, UnidentifiedImageError):
        log.warning("card picture %s could not be read for its thumbnail", path)
        return None
    data.seek(0)
    return discord.File(data, filename=name)


def _card_text(card: BoardCard) -> str:
    words = card.prompt if len(card.prompt) <= MAX_CARD_CHARS else card.prompt[: MAX_CARD_CHARS - 1] + "\u2026"
    return f"**{card.at:g} s** \u00b7 {words or PICTURE_ONLY}"


def card_thumbnails(board: BoardView) -> list[discord.File | None]:
    """Each card's shrunk picture (``None`` for a card without one); decoding is slow, so run it off the loop."""
    return [_thumbnail_file(card.image, f"card-{index}.png") if card.image else None
            for index, card in enumerate(board.cards)]


def board_layout(board: BoardView, thumbnails: Sequence[discord.File | None] | None = None
                 ) -> tuple[ui.LayoutView, list[discord.File]]:
    """The board as a LayoutView and the thumbnails' files it refers to (``attachment://card-N.png``);
    ``thumbnails`` as :func:`card_thumbnails` made them (made here when not given)."""
    if thumbnails is None:
        thumbnails = card_thumbnails(board)
    header = ui.TextDisplay(f"## {board.title}\n{board.summary}")
    footer = _buttons(board.buttons)
    # The container, the header, the footer row and its buttons, and room for the "more cards" line.
    used = 2 + 1 + len(board.buttons) + 1
    items: list[ui.Item[Any]] = [header]
    files: list[discord.File] = []
    shown = 0
    for card, file in zip(board.cards, thumbnails, strict=True):
        cost = (3 if file is not None else 1) + 1 + len(card.buttons)
        if used + cost > MAX_COMPONENTS:
            break
        used += cost
        text = ui.TextDisplay(_card_text(card))
        if file is not None:
            files.append(file)
            items.append(ui.Section(text, accessory=ui.Thumbnail(f"attachment://{file.filename}")))
        else:
            items.append(text)
        items.append(_buttons(card.buttons))
        shown += 1
    if shown < len(board.cards):
        items.append(ui.TextDisplay(i18n.t("board_more", board.language, count=len(board.cards) - shown)))
    items.append(footer)
    view = ui.LayoutView(timeout=None)
    view.add_item(ui.Container(*items, accent_colour=BOARD_COLOUR))
    return view, files


async def _draw(board: BoardView) -> tuple[ui.LayoutView, list[discord.File]]:
    return board_layout(board, await asyncio.to_thread(card_thumbnails, board))


class CardModal(ui.Modal):
    """A card's time, words and (optionally) picture: a new card, or the one being edited, filled in."""

    def __init__(self, *, title: str, lang: str, on_submit: Submit, at: str = "", prompt: str = "") -> None:
        super().__init__(title=title[:45], timeout=15 * 60)
        self.time: ui.TextInput = ui.TextInput(default=at or None, max_length=10, placeholder="5")
        self.words: ui.TextInput = ui.TextInput(style=discord.TextStyle.paragraph, default=prompt or None,
                                                max_length=1000, required=False)
        self.picture: ui.FileUpload = ui.FileUpload(required=False, max_values=1)
        self.add_item(ui.Label(text=i18n.t("board_card_time", lang)[:45], component=self.time))
        self.add_item(ui.Label(text=i18n.t("board_card_text", lang)[:45], component=self.words))
        self.add_item(ui.Label(text=i18n.t("board_card_picture", lang)[:45], component=self.picture))
        self._on_submit = on_submit

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, self.time.value, self.words.value, list(self.picture.values))


class BoardHost(Protocol):
    """What the board needs from the cog: the core, the renderer, and its translations of an interaction."""

    service: Any
    renderer: Any

    def incoming_for(self, interaction: discord.Interaction, text: str) -> Any: ...

    def reply_for(self, interaction: discord.Interaction) -> Any: ...

    async def download(self, upload: discord.Attachment) -> Any: ...


class Boards:
    """``/storyboard`` and the board's buttons and modals, for the cog; every decision is the core's."""

    def __init__(self, cog: BoardHost) -> None:
        self.cog = cog

    @property
    def storyboards(self) -> Any:
        """The core's storyboards (``bot.storyboards.Storyboards``), looked up when a board is used."""
        return self.cog.service.storyboards

    async def show(self, interaction: discord.Interaction) -> None:
        """The chat's draft as a new board message (the answer to ``/storyboard`` without cards)."""
        lang = i18n.language_of("", str(interaction.locale))
        try:
            board = await self.storyboards.board(await self._turn(interaction))
        except Exception as error:  # noqa: BLE001  (the user gets words, never a traceback)
            await self._refuse(interaction, error, lang)
            return
        view, files = await _draw(board)
        await interaction.response.send_message(view=view, files=files)

    async def press(self, interaction: discord.Interaction, press: BoardPress) -> None:
        """A board button: Add and Edit ask in a modal; Remove and Render act, then redraw the board."""
        lang = i18n.language_of("", str(interaction.locale))
        try:
            turn = await self._turn(interaction)
            self.storyboards.check_press(turn, press)
            lang = turn.lang
            if press.action == BOARD_ADD:
                await interaction.response.send_modal(self._modal(press, i18n.t("board_card_add", lang), lang))
            elif press.action == BOARD_EDIT:
                board = await self.storyboards.board(turn)
                card = board.card(press.at)
                if card is None:
                    raise UserError("board_no_card", at=f"{press.at:g}")
                title = i18n.t("board_card_edit", lang, at=f"{card.at:g}")
                await interaction.response.send_modal(self._modal(press, title, lang, card))
            elif press.action == BOARD_REMOVE:
                await interaction.response.defer()  # the board's message is edited once the core answers
                await self._redraw(interaction, await self.storyboards.remove_card(turn, press.at))
            elif press.action == BOARD_RENDER:
                await self._render(interaction, turn)
        except Exception as error:  # noqa: BLE001
            await self._refuse(interaction, error, lang)

    async def submitted(self, interaction: discord.Interaction, press: BoardPress, at: str, prompt: str,
                        pictures: list[discord.Attachment]) -> None:
        """The modal's answer: the card added or changed, and the board redrawn in place."""
        lang = i18n.language_of(prompt, str(interaction.locale))
        try:
            turn = await self._turn(interaction)
            self.storyboards.check_press(turn, press)
            time_s = card_time(at)
            # Downloading the picture and captioning it may take longer than Discord's three seconds.
            await interaction.response.defer()
            picture = await self.cog.download(pictures[0]) if pictures else None
            if pictures and picture is None:
                raise UserError("board_not_a_picture")
            if press.action == BOARD_ADD:
                board = await self.storyboards.add_card(turn, time_s, prompt, picture)
            else:
                board = await self.storyboards.change_card(turn, press.at, to=time_s, prompt=prompt, image=picture)
            await self._redraw(interaction, board)
        except Exception as error:  # noqa: BLE001
            await self._refuse(interaction, error, lang)

    # ---- helpers ------------------------------------------------------------------------------------

    def _modal(self, press: BoardPress, title: str, lang: str, card: BoardCard | None = None) -> CardModal:
        async def on_submit(interaction: discord.Interaction, at: str, prompt: str,
                            pictures: list[discord.Attachment]) -> None:
            await self.submitted(interaction, press, at, prompt, pictures)

        if card is None:
            return CardModal(title=title, lang=lang, on_submit=on_submit)
        return CardModal(title=title, lang=lang, on_submit=on_submit, at=f"{card.at:g}", prompt=card.prompt)

    async def _turn(self, interaction: discord.Interaction) -> Any:
        return await self.cog.service.turn(self.cog.incoming_for(interaction, ""))

    async def _redraw(self, interaction: discord.Interaction, board: BoardView) -> None:
        """Edit the board's message (the one whose button or modal this is, deferred) to show ``board``."""
        view, files = await _draw(board)
        await interaction.edit_original_response(view=view, attachments=files)

    async def _render(self, interaction: discord.Interaction, turn: Any) -> None:
        """Render as the typed "render" does (asking first when dear); the board, now empty, is redrawn and the
        job's progress follows as its own message."""
        reply = self.cog.reply_for(interaction)
        await interaction.response.defer()  # quoting and moderating may take longer than three seconds
        async with self.cog.renderer.lock(reply.chat_id):
            outs = await self.storyboards.render(turn)
            await self._redraw(interaction, await self.storyboards.board(turn))
            reply.original_used = True  # the board is this interaction's message: answers follow it
            await self.cog.renderer.deliver(outs, reply)

    @staticmethod
    async def _refuse(interaction: discord.Interaction, error: Exception, lang: str) -> None:
        """A private note to the presser: the core's words for a user error, the generic apology otherwise."""
        if isinstance(error, UserError):
            text = error_text(error, lang)
        else:
            log.error("the storyboard board failed", exc_info=error)
            text = i18n.t("internal_error", lang)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)


__all__ = ["Boards", "CardModal", "board_layout"]
