"""What adapters raise on purpose while starting (the root is reelbot's one error root); the composition root
turns each into one line for the operator."""

from __future__ import annotations

from bot.errors import ReelbotError


class StartupRefused(ReelbotError):
    """A platform cannot be served as configured; the message says what to fix."""

    code = "startup_refused"


class TokenRefused(StartupRefused):
    """The platform rejected the bot's token; the message names the variable to fix."""

    code = "token_refused"


class PlatformUnreachable(StartupRefused):
    """The platform's API (or the configured proxy / self-hosted server) could not be reached."""

    code = "platform_unreachable"
