"""What adapters raise on purpose (the root is reelbot's one error root)."""

from __future__ import annotations

from bot.errors import ReelbotError


class TokenRefused(ReelbotError):
    """The platform rejected the bot's token; the message names the variable to fix."""

    code = "token_refused"
