"""A person's own things: balance, history of clips (and re-opening one), default clip settings, sharing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from bot import clips as clip_store
from bot.credits import Ledger, quote
from bot.database import Sessions, transaction
from bot.errors import UserError
from bot.i18n import button_label, op_name, t
from bot.intents.chat_commands import page_number
from bot.messages import Button, Outgoing
from bot.models import Chat, User
from bot.orders import DEFAULT_CLIP_SETTINGS, said_settings
from bot.outbox import Outbox
from bot.presenters import clip_message, describe_job, describe_settings
from bot.retention import is_expired, rerender_spec
from bot.turn import Turn


class Account:
    def __init__(self, config: Any, sessions: Sessions, ledger: Ledger, outbox: Outbox) -> None:
        self._config = config
        self._sessions = sessions
        self._ledger = ledger
        self._outbox = outbox

    async def balance(self, turn: Turn) -> list[Outgoing]:
        return [turn.say(t("balance", turn.lang, balance=await self._ledger.balance(turn.user.id)))]

    async def history(self, turn: Turn, page: int | str | None = None) -> list[Outgoing]:
        """One page of the user's clips, newest first, with their lineage."""
        page = page if isinstance(page, int) else page_number(page)
        async with self._sessions() as session:
            rows, more = await clip_store.history_page(session, turn.user.id, page)
        if not rows:
            return [turn.say(t("history_empty", turn.lang))]
        lines = [t("history_header", turn.lang, page=page)]
        for clip in rows:
            line = f"#{clip.id} \u00b7 {describe_job(clip.op, clip.prompt, clip.settings, turn.lang, limit=60)}"
            if clip.parent_clip_id:
                line += " \u00b7 " + t("lineage", turn.lang, op=op_name(clip.op, turn.lang), parent=clip.parent_clip_id)
            if is_expired(clip):
                line += " \u00b7 " + t("clip_expired", turn.lang)
            lines.append(line)
        if more:
            lines.append(t("history_more", turn.lang, next=page + 1))
        return [turn.say("\n".join(lines))]

    async def defaults(self, turn: Turn, said: Any) -> list[Outgoing]:
        """Show the user's default clip settings, or change those the message named."""
        changes = said_settings(said)
        async with transaction(self._sessions) as session:
            user = await session.get(User, turn.user.id)
            if changes:
                user.defaults = {**user.defaults, **changes}
                flag_modified(user, "defaults")
            shown = describe_settings({**DEFAULT_CLIP_SETTINGS, **user.defaults})
        return [turn.say(t("settings_saved" if changes else "settings_show", turn.lang, settings=shown))]

    async def open_clip(self, turn: Turn, clip_id: int) -> list[Outgoing]:
        """``#12`` alone re-sends clip 12 (by platform file id when known) and puts it in focus."""
        async with transaction(self._sessions) as session:
            chat = await session.get(Chat, turn.chat.id)
            clip = await clip_store.resolve_ref(session, f"#{clip_id}", user_id=turn.user.id, chat=chat, reply_to=None)
            chat.focus_clip_id = clip.id
            if is_expired(clip) and turn.incoming.platform not in clip.file_ids:
                price = quote(await rerender_spec(session, clip), self._config.pricing)
                rerender = Button(label=button_label("rerender", turn.lang), payload=f"rerender:{clip.id}")
                return [turn.say(t("clip_expired_rerender", turn.lang, clip=clip.id, price=price), (rerender,))]
        return [clip_message(turn.chat_id, clip, turn.lang)]

    async def share(self, turn: Turn, refs: list[str]) -> list[Outgoing]:
        """Make a clip public (others may build on it) and post it to the showcase channels."""
        async with transaction(self._sessions) as session:
            chat = await session.get(Chat, turn.chat.id)
            clip = await clip_store.resolve_ref(session, refs[0], user_id=turn.user.id, chat=chat,
                                                reply_to=turn.incoming.reply_to_clip_id)
            if clip.user_id != turn.user.id:
                raise UserError("not_your_clip", ref=f"#{clip.id}")
            clip.public = True
        author = turn.incoming.user_name or turn.incoming.user_key
        for channel in self._config.showcase_channels:
            platform, _, channel_id = channel.partition(":")
            self._outbox.publish(platform, clip_message(channel_id, clip, turn.lang, author=author))
        return [turn.say(t("shared", turn.lang, clip=clip.id))]
