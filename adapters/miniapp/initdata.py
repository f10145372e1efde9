"""Telegram Mini App init data: who opened the app, vouched for by Telegram with the bot's token.

Telegram signs the query string it hands the page (``Telegram.WebApp.initData``): every field but ``hash``,
as ``key=value`` lines sorted by key and joined by ``\\n``, is HMAC-SHA256'd with a secret that is itself
HMAC-SHA256(key="WebAppData", msg=bot_token). The page sends the string back verbatim in
``Authorization: tma <initData>``; only a string that verifies and is recent enough identifies anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from bot.errors import ReelbotError

#: Init data older than this is refused unless the operator says otherwise (``[miniapp] max_age_s``).
DEFAULT_MAX_AGE_S = 86_400
#: Seconds an ``auth_date`` may lie in the future (clocks of two machines disagree a little).
CLOCK_SKEW_S = 60


class InvalidInitData(ReelbotError, ValueError):
    """The init data is missing, malformed, forged or stale; ``str()`` says which (for logs, never for users)."""


@dataclass(frozen=True)
class InitData:
    """The verified facts the app may act on."""

    user_id: str
    language_code: str | None
    first_name: str
    #: The chat the app was opened from when Telegram says so (attachment menu in a group); else ``None``.
    chat_id: str | None
    auth_date: int

    @property
    def chat(self) -> str:
        """Where the user's board lives: the chat named in the init data, or their private chat with the bot."""
        return self.chat_id or self.user_id


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The init data string Telegram would hand the page for ``fields`` (tests and local tools use it)."""
    digest = hmac.new(_secret(bot_token), _data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def validate(raw: str, bot_token: str, *, max_age_s: int = DEFAULT_MAX_AGE_S, now: float | None = None) -> InitData:
    """Check ``raw`` as Telegram specifies and return who it names; raises :class:`InvalidInitData`."""
    if not raw:
        raise InvalidInitData("no init data")
    pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("a field appears twice")
    given = fields.get("hash", "")
    expected = hmac.new(_secret(bot_token), _data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(given, expected):
        raise InvalidInitData("hash does not match")
    try:
        auth_date = int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = str(int(user["id"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInitData(f"malformed field: {exc}") from None
    age = (time.time() if now is None else now) - auth_date
    if age > max_age_s or age < -CLOCK_SKEW_S:
        raise InvalidInitData(f"auth_date is {age:.0f} s old (allowed {max_age_s} s)")
    chat_id = None
    if "chat" in fields:
        try:
            chat_id = str(int(json.loads(fields["chat"])["id"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidInitData(f"malformed chat: {exc}") from None
    return InitData(
        user_id=user_id,
        language_code=user.get("language_code"),
        first_name=str(user.get("first_name", "")),
        chat_id=chat_id,
        auth_date=auth_date,
    )
