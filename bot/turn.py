"""One user action as the core sees it: the incoming message with its user, chat and language resolved once.

Every feature module takes a ``Turn`` instead of the four values separately, and answers with ``Turn.say`` so
a reply always goes to the chat (and message) it answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.messages import Button, Incoming, Outgoing
from bot.models import Chat, User


@dataclass(frozen=True)
class Turn:
    incoming: Incoming
    user: User
    chat: Chat
    lang: str
    #: The user wrote for the first time (and got the welcome credits).
    is_new: bool = False

    @property
    def text(self) -> str:
        return self.incoming.text.strip()

    @property
    def chat_id(self) -> str:
        return self.incoming.chat_id

    @property
    def focus_clip_id(self) -> int | None:
        """The clip replied to, else the chat's current one."""
        return self.incoming.reply_to_clip_id or self.chat.focus_clip_id

    def say(self, text: str, buttons: tuple[Button, ...] = ()) -> Outgoing:
        """A text reply to this turn's message."""
        return Outgoing(kind="text", chat_id=self.chat_id, text=text, buttons=buttons,
                        reply_to_message_id=self.incoming.message_id)

    def toast(self, text: str) -> Outgoing:
        """A short note only the presser of a button sees."""
        return Outgoing(kind="toast", chat_id=self.chat_id, text=text)

    def ask(self, text: str, about: str) -> Outgoing:
        """A question whose answer is the user's next message (a modal on Discord, a forced reply on Telegram)."""
        return Outgoing(kind="ask", chat_id=self.chat_id, text=text, ask_about=about,
                        reply_to_message_id=self.incoming.message_id)

    def with_text(self, text: str) -> Turn:
        return replace(self, incoming=replace(self.incoming, text=text))

    def about_clip(self, clip_id: int) -> Turn:
        """The same turn, now replying to ``clip_id`` (a pressed button, an upload, ``/reply N``)."""
        return replace(self, incoming=replace(self.incoming, reply_to_clip_id=clip_id))

    def as_user(self, user: User) -> Turn:
        return replace(self, user=user)
