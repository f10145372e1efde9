"""Is this message for the bot? In private chats always; in groups only when mentioned, replied to, or
addressed by command (``/video`` or ``/video@thisbot``, not ``/video@otherbot``). Returns the text the core
should read, with the bot's own @mention taken out.
"""

from __future__ import annotations

from telegram import Chat, Message, MessageEntity


def addressed_text(message: Message, bot_id: int, bot_username: str) -> str | None:
    """The message's text (or caption) for the core, or ``None`` when the bot should stay quiet."""
    text = message.text or message.caption or ""
    entities = message.parse_entities() if message.text else message.parse_caption_entities()
    mention = f"@{bot_username}".lower()
    addressed = message.chat.type == Chat.PRIVATE
    cleaned = text

    for entity, value in sorted(entities.items(), key=lambda item: -item[0].offset):
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            command, _, target = value.partition("@")
            if target and target.lower() != bot_username.lower():
                return None  # a command for another bot
            addressed = True
            cleaned = command + cleaned[len(value):]
        elif entity.type == MessageEntity.MENTION and value.lower() == mention:
            addressed = True
            cleaned = _cut(cleaned, entity.offset, entity.length)
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            addressed = True

    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        addressed = True
    if not addressed:
        return None
    return " ".join(cleaned.split())


def _cut(text: str, offset: int, length: int) -> str:
    """Remove ``length`` units at ``offset``; Telegram counts both in UTF-16 code units (emoji are two)."""
    units = text.encode("utf-16-le")
    return (units[: offset * 2] + units[(offset + length) * 2 :]).decode("utf-16-le")
