"""Buttons under the bot's messages and the modal that asks what to change.

Every button carries the core's payload in its ``custom_id`` (``reelbot:remix:12``), matched by one
:class:`~discord.ui.DynamicItem` template. Registered with ``bot.add_dynamic_items`` on start, so a press on a
message sent before a restart still reaches the core: no in-memory view has to survive.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord import ui

from bot.messages import Button

#: Prefix of every custom_id the bot creates; anything else is not ours.
PREFIX = "reelbot:"
#: The core's payloads are ``action:id`` with short ids ("remix:12", "yes:ab12", "buy:starter").
TEMPLATE = re.compile(r"reelbot:(?P<payload>[a-z]+:[A-Za-z0-9_.\-]{1,80})")
#: Discord allows five buttons per row and five rows.
MAX_BUTTONS = 25

#: The core's payload handler, installed by the cog: ``press(interaction, payload)``.
PressHandler = Callable[[discord.Interaction, str], Awaitable[None]]

_STYLES = {
    "yes": discord.ButtonStyle.success,
    "no": discord.ButtonStyle.secondary,
    "cheaper": discord.ButtonStyle.secondary,
    "buy": discord.ButtonStyle.primary,
    "remix": discord.ButtonStyle.primary,
}


class PayloadButton(ui.DynamicItem[ui.Button], template=TEMPLATE):
    """A button whose ``custom_id`` is ``reelbot:<payload>``; pressing it hands the payload to the core."""

    def __init__(self, payload: str, label: str = "\u2026") -> None:
        action = payload.split(":", 1)[0]
        super().__init__(
            ui.Button(label=label[:80], custom_id=PREFIX + payload,
                      style=_STYLES.get(action, discord.ButtonStyle.secondary))
        )
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Button, match: re.Match[str], /
    ) -> PayloadButton:
        return cls(match["payload"], item.label or "\u2026")

    async def callback(self, interaction: discord.Interaction) -> None:
        press: PressHandler | None = getattr(interaction.client, "press_button", None)
        if press is not None:
            await press(interaction, self.payload)


def build_view(buttons: Sequence[Button]) -> ui.View | None:
    """A persistent view (no timeout) with one button per core button; ``None`` when there are none."""
    usable = [b for b in buttons if TEMPLATE.fullmatch(PREFIX + b.payload)][:MAX_BUTTONS]
    if not usable:
        return None
    view = ui.View(timeout=None)
    for button in usable:
        view.add_item(PayloadButton(button.payload, button.label))
    return view


class AskModal(ui.Modal):
    """Asks for the change a Remix/Re-cut needs; the answer goes to the core as the user's next message."""

    def __init__(self, *, title: str, question: str,
                 on_answer: Callable[[discord.Interaction, str], Awaitable[Any]]) -> None:
        super().__init__(title=title[:45], timeout=15 * 60)
        label = question if len(question) <= 45 else question[:44] + "\u2026"
        self.answer: ui.TextInput = ui.TextInput(
            label=label, placeholder=question[:100], style=discord.TextStyle.paragraph, max_length=1000
        )
        self.add_item(self.answer)
        self._on_answer = on_answer

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_answer(interaction, self.answer.value)
