"""The bot's branch of reelbot's one error family (the root, :class:`ReelbotError`, lives in ``engine.errors``).

``UserError`` is what a person can act on; it carries a ``code`` and ``params`` instead of English text,
because the conversation layer words it in the user's language. Anything else that escapes is wrapped in
:class:`InternalError` (``.original``) and is never shown as a stack trace.
"""

from __future__ import annotations

from typing import Any

from engine.errors import InternalError, ReelbotError


class BotError(ReelbotError):
    """What the bot raises deliberately."""


class UserError(BotError):
    """Something the user can fix or should know; ``code`` + ``params`` become a message in their language."""

    code: str = "user_error"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or type(self).code
        self.params: dict[str, Any] = params
        details = ", ".join(f"{key}={value!r}" for key, value in params.items())
        super().__init__(f"{self.code}({details})" if details else self.code)


class InsufficientCredits(UserError):
    """A reservation would take the balance below zero; ``balance`` and ``price`` say by how much."""

    code = "insufficient_credits"

    def __init__(self, *, balance: int, price: int) -> None:
        super().__init__(self.code, balance=balance, price=price)
        self.balance = balance
        self.price = price

    @property
    def missing(self) -> int:
        """Credits the user still needs for this job."""
        return max(self.price - self.balance, 0)


__all__ = ["BotError", "InsufficientCredits", "InternalError", "ReelbotError", "UserError"]
