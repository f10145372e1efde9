"""Who a log line is about: the job, user and chat being handled, carried in context variables.

Why here, in the lowest layer: the engine's worker and the bot's handlers both set them, and ``reelbot.logs``
adds them to every record; ``engine`` may import neither ``bot`` nor ``reelbot``. Context variables follow the
code into ``asyncio`` tasks and stay apart per thread, so concurrent messages and batches never mix.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

#: The context fields, as they appear on log records and JSON lines.
FIELDS = ("job_id", "user", "chat")

_VARS: dict[str, ContextVar[str | None]] = {name: ContextVar(f"reelbot_{name}", default=None) for name in FIELDS}


@contextlib.contextmanager
def log_context(*, job_id: object = None, user: object = None, chat: object = None) -> Iterator[None]:
    """Log lines inside the block name this job/user/chat (``None`` keeps what an outer block set)."""
    tokens = [(_VARS[name], _VARS[name].set(str(value))) for name, value in
              (("job_id", job_id), ("user", user), ("chat", chat)) if value is not None]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, str]:
    """The fields set where this code runs now."""
    return {name: value for name, var in _VARS.items() if (value := var.get()) is not None}
