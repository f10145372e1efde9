"""The contract between adapters and the core: every platform event becomes an Incoming, every reply an Outgoing.

Adapters decide *whether* a message is addressed to the bot (mention, reply, DM) and translate; the core decides
what to do. Nothing here knows a chat platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Platform = Literal["telegram", "discord", "console"]


@dataclass(frozen=True)
class Attachment:
    """A file the user sent, already downloaded by the adapter to ``path``."""

    kind: Literal["image", "video", "file"]
    path: str
    size_bytes: int = 0
    mime_type: str | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One user action: a message, a command or a button press."""

    platform: Platform
    chat_id: str
    user_id: str
    text: str = ""
    user_name: str = ""
    language: str | None = None
    is_group: bool = False
    attachments: tuple[Attachment, ...] = ()
    #: The bot's clip this message replies to (the adapter maps its platform message to our clip id).
    reply_to_clip_id: int | None = None
    #: A button's payload, e.g. "remix:12"; set instead of (or with) text.
    button: str | None = None
    #: The platform's id of the message, for replies.
    message_id: str | None = None
    #: The sender administers this chat (group/guild admin): may switch the bot on or off here.
    is_chat_admin: bool = False
    #: The largest file the platform accepts in this chat (bytes); clips ordered here are encoded to fit it.
    upload_limit: int | None = None

    @property
    def user_key(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True)
class Button:
    """A button under a message. ``payload`` is short (Telegram allows 64 bytes) and holds only ids."""

    label: str
    payload: str
    #: Set: the button opens this page inside the chat app (a Telegram Mini App) instead of sending ``payload``;
    #: an adapter that cannot open one leaves the button out.
    web_app_url: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """Something to show. ``kind`` says which of the optional fields matter.

    - ``text``: a message (``text``, ``buttons``).
    - ``progress``: a message to create once and then edit in place, identified by ``progress_key``;
      ``edit_message_id`` names the platform message to edit when the adapter has not shown it in this process
      (the core remembers boards across restarts, so every adapter edits the same message after one).
    - ``clip``: a video file with ``caption`` and ``buttons``; ``clip_id`` lets the adapter store file ids.
    - ``invoice``: a purchase (``pack_id``, ``title``, ``price``, ``credits``).
    - ``toast``: a short answer to a button press, seen only by the presser.
    - ``ask``: a question whose answer is the user's next message (``text``; ``ask_about`` says what for, e.g.
      ``remix:12``). Platforms ask their own way: a Discord modal, a Telegram forced reply, a console prompt.
    """

    kind: Literal["text", "progress", "clip", "invoice", "toast", "ask"]
    chat_id: str
    text: str = ""
    buttons: tuple[Button, ...] = ()
    progress_key: str | None = None
    #: The platform message a ``progress`` update edits, when the core knows it (see above).
    edit_message_id: str | None = None
    #: 0..1 for the bar; ``None`` while queued.
    progress: float | None = None
    done: bool = False
    clip_id: int | None = None
    clip_path: str | None = None
    thumbnail_path: str | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    #: For ``clip``: whether the file has sound (platforms that show it say so).
    has_audio: bool = False
    file_ids: dict[str, str] = field(default_factory=dict)
    pack_id: str | None = None
    title: str | None = None
    price: int | None = None
    credits: int | None = None
    #: The platform message this answers, when the adapter gave one.
    reply_to_message_id: str | None = None
    #: For ``ask``: the button payload the answer completes (``remix:12``).
    ask_about: str | None = None
