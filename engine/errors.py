"""reelbot's one error root, and the engine's branch of it.

It lives here, in the lowest layer, because the engine may import neither ``bot`` nor ``adapters``; ``bot.errors``
re-exports it. Two audiences, as in discord.py's ``ext.commands.errors``: errors a person can act on carry a
``code`` (and the bot's ``params``) that the conversation layer words in the user's language; an unexpected
error is wrapped in :class:`InternalError`, which keeps the cause in ``.original`` and is never shown as a trace.
``str(error)`` is plain English for logs and the CLI; ``code`` is the stable, machine-readable kind.
"""

from __future__ import annotations


class ReelbotError(Exception):
    """Root of every error reelbot raises on purpose."""

    code: str = "reelbot_error"


class InternalError(ReelbotError):
    """Something unexpected failed; ``original`` is the exception that did (users only hear "try again")."""

    code = "internal_error"

    def __init__(self, message: str, original: BaseException) -> None:
        super().__init__(f"{message}: {type(original).__name__}: {original}")
        self.original = original


class EngineError(ReelbotError):
    """Root of every error the engine raises on purpose."""

    code: str = "engine_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)


class MediaError(EngineError):
    """An input file cannot be used (unreadable, too large, too long) or an output cannot be made."""

    code = "media_error"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


class UnsupportedOperation(EngineError):
    """The loaded model family cannot do this operation; refused, never faked."""

    code = "unsupported_operation"


class JobCancelled(EngineError):
    """The job was cancelled; raised at the next denoising step."""

    code = "cancelled"

    def __init__(self, message: str = "the job was cancelled") -> None:
        super().__init__(message)


class ModelLoadError(EngineError):
    """The model named by ``REELBOT_MODEL`` could not be loaded."""

    code = "model_load_failed"
