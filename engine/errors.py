"""The engine's error family: one root, with codes the bot maps to words in the user's language.

``str(error)`` is plain English for logs and the CLI; ``code`` is the stable, machine-readable kind.
"""

from __future__ import annotations


class EngineError(Exception):
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
