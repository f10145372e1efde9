"""Outgoing -> Discord: messages, progress edited in place, clips as attachments with an embed and buttons.

Where a reply goes depends on how the user asked. A slash command or button press has an interaction: its
first answer fills the deferred ("thinking") response, later ones are follow-ups while the token lives
(15 minutes; we stop at 14). After that, and for mentions and DMs, answers are ordinary channel messages.
Jobs report later through ``service.subscribe``; their progress key leads back to the reply that started them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord

from adapters.discord.views import build_view
from bot import i18n
from bot import text as text_limits
from bot.messages import Outgoing

log = logging.getLogger(__name__)

#: Discord's limit on a message's content.
MAX_MESSAGE_CHARS = 2000
#: Discord's limit on an embed description.
MAX_EMBED_CHARS = 4096
#: An interaction token works for 15 minutes; stop using it a minute early.
TOKEN_LIFETIME_S = 14 * 60
#: The core's name for this platform (its progress and clip bookkeeping is kept per platform).
PLATFORM = "discord"
#: Room left for the multipart envelope and the JSON payload around an uploaded file.
ENVELOPE_BYTES = 16 * 1024
#: Embed colour for clips.
CLIP_COLOUR = discord.Colour.blurple()


@dataclass
class Reply:
    """Where the answers to one user action go, and how much that place accepts."""

    channel: discord.abc.Messageable
    chat_id: str
    size_limit: int
    language: str = "en"
    interaction: discord.Interaction | None = None
    #: The user's message to reply to (mentions and DMs).
    reference: discord.Message | None = None
    #: Whether the deferred response already shows something.
    original_used: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def fresh(self) -> bool:
        """Whether the interaction token can still be used."""
        return self.interaction is not None and time.monotonic() - self.started < TOKEN_LIFETIME_S


@dataclass
class Tracked:
    """A progress message being edited in place."""

    message: discord.Message | discord.PartialMessage
    text: str
    #: The payloads of the buttons shown, to skip edits that change nothing.
    buttons: tuple[str, ...]
    reply: Reply | None


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """The core's splitter at Discord's 2000 characters."""
    return text_limits.split_text(text, limit)


def clip_embed(out: Outgoing) -> discord.Embed:
    """The card under a clip: the core's caption (prompt, settings, cost, #id) and the clip's size."""
    caption = out.text or ""
    title = f"#{out.clip_id}" if out.clip_id is not None else None
    embed = discord.Embed(title=title, description=caption[:MAX_EMBED_CHARS], colour=CLIP_COLOUR)
    if out.width and out.height:
        details = f"{out.width}\u00d7{out.height}"
        if out.duration_s:
            details += f" \u00b7 {out.duration_s:g} s"
        embed.set_footer(text=details)
    return embed


class Renderer:
    """Turns the core's Outgoing into Discord messages; remembers progress messages and upload limits."""

    def __init__(self, client: discord.Client, service: Any) -> None:
        self.client = client
        self.service = service
        self.progress: dict[str, Tracked] = {}
        #: The last upload limit seen per chat (from interactions or the guild), for clips that arrive later.
        self.limits: dict[str, int] = {}
        #: The reply of the job that finished last in each chat: its clips follow its final progress.
        self.finished: dict[str, Reply] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, chat_id: str) -> asyncio.Lock:
        """One user action or job update per chat at a time, so a job's first progress can't overtake its reply."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    # ---- entry points ---------------------------------------------------------------------------------

    async def deliver(self, outs: Iterable[Outgoing], reply: Reply) -> None:
        """Show the answers to one user action."""
        self.limits[reply.chat_id] = reply.size_limit
        outs = list(outs)
        if reply.interaction is not None and not reply.original_used:
            # A job's progress belongs in the deferred response (it is edited there); greetings follow it.
            outs.sort(key=lambda out: out.kind != "progress")
        for out in outs:
            await self._render(out, reply)
        if reply.interaction is not None and not reply.original_used and reply.interaction.response.is_done():
            # A deferred response with nothing to show would spin forever.
            await self._safe(reply.interaction.delete_original_response())

    async def deliver_later(self, out: Outgoing) -> None:
        """Show something a job reported after the user's action was answered."""
        async with self.lock(out.chat_id):
            tracked = self.progress.get(out.progress_key or "")
            reply = tracked.reply if tracked is not None else None
            if reply is None and out.kind != "progress":
                reply = self.finished.get(out.chat_id)
            if reply is None:
                reply = Reply(channel=self._channel(out.chat_id), chat_id=out.chat_id,
                              size_limit=self._limit_for(out.chat_id), original_used=True)
            await self._render(out, reply)

    # ---- one Outgoing -------------------------------------------------------------------------------

    async def _render(self, out: Outgoing, reply: Reply) -> None:
        try:
            if out.kind == "progress":
                await self._progress(out, reply)
            elif out.kind == "clip":
                await self._clip(out, reply)
            elif out.kind == "toast":
                await self._toast(out.text, reply)
            elif out.kind == "invoice":
                await self._text(self._invoice_text(out), out, reply)
            else:
                await self._text(out.text, out, reply)
        except discord.HTTPException:
            log.exception("Discord refused a %s message for chat %s", out.kind, out.chat_id)

    async def _text(self, text: str, out: Outgoing, reply: Reply) -> None:
        chunks = split_text(text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            view = build_view(out.buttons) if last else None
            await self._send(reply, content=chunk, view=view, reply_to=out.reply_to_message_id)

    async def _toast(self, text: str, reply: Reply) -> None:
        """A note only the presser sees: ephemeral for interactions, an ordinary reply otherwise."""
        interaction = reply.interaction
        if interaction is None or not reply.fresh:
            await self._send(reply, content=text)
            return
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True)
            reply.original_used = True
            return
        if not reply.original_used:
            # The public "thinking" placeholder would stay; replace it by the private note.
            await self._safe(interaction.delete_original_response())
            reply.original_used = True
        await interaction.followup.send(text, ephemeral=True)

    async def _progress(self, out: Outgoing, reply: Reply) -> None:
        key = out.progress_key or f"chat:{out.chat_id}"
        text = split_text(out.text)[0]
        buttons = tuple(button.payload for button in out.buttons)
        tracked = self.progress.get(key) or self._from_before_restart(out)
        if tracked is not None and (tracked.text, tracked.buttons) != (text, buttons):
            try:
                tracked.message = await self._edit(tracked, content=text, view=build_view(out.buttons))
                tracked.text, tracked.buttons = text, buttons
            except discord.NotFound:  # deleted by someone: show the board anew
                tracked = None
        if tracked is None:
            message = await self._send(reply, content=text, view=build_view(out.buttons),
                                       reply_to=out.reply_to_message_id)
            if message is not None:
                tracked = Tracked(message=message, text=text, buttons=buttons, reply=reply)
                if not out.done:
                    await self.service.remember_progress_message(PLATFORM, key, out.chat_id, str(message.id))
        if tracked is not None:
            self.progress[key] = tracked
        if out.done:  # the core forgets the board's message itself
            self.progress.pop(key, None)
            if tracked is not None and tracked.reply is not None:
                self.finished[out.chat_id] = tracked.reply

    def _from_before_restart(self, out: Outgoing) -> Tracked | None:
        """The board's message as an earlier process left it (the core names it), edited through the channel."""
        if out.edit_message_id is None:
            return None
        message = self._channel(out.chat_id).get_partial_message(int(out.edit_message_id))
        return Tracked(message=message, text="", buttons=(), reply=None)

    async def _clip(self, out: Outgoing, reply: Reply) -> None:
        if not out.clip_path:
            await self._text(out.text, out, reply)
            return
        path = Path(out.clip_path)
        size = path.stat().st_size
        if size > reply.size_limit - ENVELOPE_BYTES:
            # The worker encodes to the limit the order carried; a clip that still does not fit is not re-encoded
            # here (a second, worse encode): the user is told, and may ask for it somewhere that accepts it.
            log.warning("clip %s is %d bytes, over this chat's %d byte limit", out.clip_id, size, reply.size_limit)
            await self._toast(i18n.t("upload_too_large", reply.language, size_mb=f"{size / 2**20:.1f}",
                                     limit_mb=f"{reply.size_limit / 2**20:.1f}"), reply)
            return
        file = discord.File(path, filename=f"reelbot-{out.clip_id or 'clip'}.mp4")
        view = build_view(out.buttons)
        message = await self._send(reply, embed=clip_embed(out), file=file, view=view,
                                   reply_to=out.reply_to_message_id)
        if message is not None and out.clip_id is not None:
            await self.service.remember_message(PLATFORM, out.chat_id, str(message.id), out.clip_id)

    # ---- transport ----------------------------------------------------------------------------------

    async def _send(self, reply: Reply, *, content: str | None = None, embed: discord.Embed | None = None,
                    file: discord.File | None = None, view: discord.ui.View | None = None,
                    reply_to: str | None = None) -> discord.Message | None:
        """Fill the deferred response, else follow up while the token lives, else post to the channel."""
        interaction = reply.interaction
        extra: dict[str, Any] = {}
        if view is not None:
            extra["view"] = view
        if embed is not None:
            extra["embed"] = embed
        if interaction is not None and reply.fresh:
            if not interaction.response.is_done():
                await interaction.response.send_message(content, file=file or discord.utils.MISSING, **extra)
                reply.original_used = True
                return await interaction.original_response()
            if not reply.original_used and file is None:
                reply.original_used = True
                return await interaction.edit_original_response(content=content, **extra)
            if not reply.original_used:
                reply.original_used = True
                await self._safe(interaction.delete_original_response())
            return await interaction.followup.send(content or discord.utils.MISSING,
                                                   file=file or discord.utils.MISSING, wait=True, **extra)
        reference = None
        if reply_to is not None:
            reference = discord.MessageReference(message_id=int(reply_to), channel_id=int(reply.chat_id),
                                                 fail_if_not_exists=False)
        elif reply.reference is not None:
            reference = reply.reference.to_reference(fail_if_not_exists=False)
        kwargs: dict[str, Any] = dict(extra)
        if file is not None:
            kwargs["file"] = file
        if reference is not None:
            kwargs["reference"] = reference
            kwargs["mention_author"] = False
        return await reply.channel.send(content, **kwargs)

    async def _edit(self, tracked: Tracked, *, content: str, view: discord.ui.View | None) -> discord.Message:
        """Edit through the interaction while its token lives, else as an ordinary bot message."""
        reply = tracked.reply
        if reply is not None and reply.fresh:
            try:
                return await tracked.message.edit(content=content, view=view)
            except discord.HTTPException:
                log.info("interaction edit failed; editing through the channel instead")
        partial = self._channel(str(tracked.message.channel.id)).get_partial_message(tracked.message.id)
        return await partial.edit(content=content, view=view)

    def _channel(self, chat_id: str) -> Any:
        channel = self.client.get_channel(int(chat_id))
        return channel if channel is not None else self.client.get_partial_messageable(int(chat_id))

    def _limit_for(self, chat_id: str) -> int:
        """The upload limit for a chat: the last one an interaction told us, else the guild's, else Discord's."""
        if chat_id in self.limits:
            return self.limits[chat_id]
        channel = self.client.get_channel(int(chat_id))
        guild = getattr(channel, "guild", None)
        return guild.filesize_limit if guild is not None else discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES

    @staticmethod
    def _invoice_text(out: Outgoing) -> str:
        parts = [out.title or "", out.text or ""]
        return "\n".join(part for part in parts if part)

    @staticmethod
    async def _safe(coro: Any) -> None:
        try:
            await coro
        except discord.HTTPException:
            log.debug("ignored a failed clean-up call", exc_info=True)


def upload_limit_of(interaction: discord.Interaction | None, guild: discord.Guild | None) -> int:
    """What this place accepts: the interaction's ``attachment_size_limit``, else the guild's, else Discord's."""
    if interaction is not None and getattr(interaction, "filesize_limit", None):
        return int(interaction.filesize_limit)
    if guild is not None:
        return guild.filesize_limit
    return discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES

