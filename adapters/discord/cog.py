"""The one cog: slash commands, mentions and DMs, button presses -> ``Incoming``; answers via the renderer.

Every slash command becomes the same text a person could type (``/video a cat, 9:16, 5 s``), so Discord's
choices and the core's parser never disagree about what a setting means. Interactions are deferred at once
(Discord gives three seconds); what to do about the request is the core's decision.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.board import Boards
from adapters.discord.render import Renderer, Reply, upload_limit_of
from adapters.discord.views import AskModal
from bot import i18n
from bot.messages import Attachment, Incoming, Outgoing
from bot.storyboards import board_press

log = logging.getLogger(__name__)

#: Seconds a button press may take before we defer it (Discord allows three).
ACK_WITHIN_S = 2.0
#: Files users attach are kept here, under the media directory.
UPLOADS = Path("uploads") / "discord"

Choice = app_commands.Choice
ASPECTS = [Choice(name="16:9 landscape", value="16:9"), Choice(name="9:16 vertical", value="9:16"),
           Choice(name="1:1 square", value="1:1")]
RESOLUTIONS = [Choice(name=r, value=r) for r in ("480p", "720p", "1080p")]
DURATIONS = [Choice(name=f"{s} s", value=s) for s in (3, 5, 10, 15, 20)]
VARIATIONS = [Choice(name=str(n), value=n) for n in (1, 2, 4)]
_MENTION = re.compile(r"<@!?(\d+)>")


def command_text(verb: str, *parts: str | None, clips: tuple[int | None, ...] = (), **settings: Any) -> str:
    """``/verb #12 prompt, 9:16, 720p, 5 s, 2 variations``: what a person would type for these options."""
    words = [f"/{verb}"] + [f"#{clip}" for clip in clips if clip is not None]
    words += [part.strip() for part in parts if part and part.strip()]
    text = " ".join(words)
    extras = []
    if settings.get("aspect"):
        extras.append(settings["aspect"])
    if settings.get("resolution"):
        extras.append(settings["resolution"])
    if settings.get("duration"):
        extras.append(f"{settings['duration']} s")
    if settings.get("variations"):
        extras.append(f"{settings['variations']} variations" if settings["variations"] > 1 else "1 variation")
    return ", ".join([text, *extras]) if extras else text


class ReelCog(commands.Cog):
    """Translates Discord events for the core and hands its answers to the renderer."""

    def __init__(self, bot: commands.Bot, service: Any, renderer: Renderer) -> None:
        self.bot = bot
        self.service = service
        self.renderer = renderer
        self.media_dir = Path(getattr(getattr(bot, "settings", None), "media_dir", "data/media"))
        self.dms_allowed = bool(getattr(getattr(bot, "settings", None), "discord_dms_allowed", True))
        self.boards = Boards(self)

    # ---- slash commands -----------------------------------------------------------------------------

    @app_commands.command(name="video", description="Make a video from a description")
    @app_commands.describe(prompt="What should happen", aspect="Frame shape", resolution="Quality",
                           duration="Length in seconds", variations="How many versions")
    @app_commands.choices(aspect=ASPECTS, resolution=RESOLUTIONS, duration=DURATIONS, variations=VARIATIONS)
    async def video(self, interaction: discord.Interaction, prompt: str, aspect: Choice[str] | None = None,
                    resolution: Choice[str] | None = None, duration: Choice[int] | None = None,
                    variations: Choice[int] | None = None) -> None:
        text = command_text("video", prompt, aspect=_v(aspect), resolution=_v(resolution), duration=_v(duration),
                            variations=_v(variations))
        await self.run(interaction, text)

    @app_commands.command(name="animate", description="Bring a picture to life")
    @app_commands.describe(image="The picture", prompt="What should happen in it")
    async def animate(self, interaction: discord.Interaction, image: discord.Attachment, prompt: str = "") -> None:
        await self.run(interaction, command_text("animate", prompt), uploads=(image,))

    @app_commands.command(name="remix", description="Change a clip with a sentence")
    @app_commands.describe(change="What should change", clip="Clip number (default: the latest)")
    async def remix(self, interaction: discord.Interaction, change: str, clip: int | None = None) -> None:
        await self.run(interaction, command_text("remix", change, clips=(clip,)))

    @app_commands.command(name="recut", description="Keep the start of a clip and remake the rest")
    @app_commands.describe(keep_seconds="Seconds to keep", change="What happens after", clip="Clip number")
    async def recut(self, interaction: discord.Interaction, keep_seconds: float, change: str,
                    clip: int | None = None) -> None:
        await self.run(interaction, command_text("recut", f"keep the first {keep_seconds:g} s and {change}",
                                                 clips=(clip,)))

    @app_commands.command(name="extend", description="Continue a clip")
    @app_commands.describe(clip="Clip number", prompt="What happens next", duration="Seconds to add")
    @app_commands.choices(duration=DURATIONS)
    async def extend(self, interaction: discord.Interaction, clip: int | None = None, prompt: str = "",
                     duration: Choice[int] | None = None) -> None:
        await self.run(interaction, command_text("extend", prompt, clips=(clip,), duration=_v(duration)))

    @app_commands.command(name="blend", description="Join one clip into another")
    @app_commands.describe(first="First clip number", second="Second clip number", prompt="How to join them")
    async def blend(self, interaction: discord.Interaction, first: int, second: int, prompt: str = "") -> None:
        await self.run(interaction, command_text("blend", prompt, clips=(first, second)))

    @app_commands.command(name="loop", description="Make a clip loop seamlessly")
    @app_commands.describe(clip="Clip number (default: the latest)")
    async def loop(self, interaction: discord.Interaction, clip: int | None = None) -> None:
        await self.run(interaction, command_text("loop", clips=(clip,)))

    @app_commands.command(name="storyboard", description="Cards on a timeline, e.g. 0s: a seed / 5s: a tree")
    @app_commands.describe(cards="Cards like '0s: a seed / 5s: a tree', or 'render'; none: show the board")
    async def storyboard(self, interaction: discord.Interaction, cards: str = "") -> None:
        if cards.strip() or (interaction.guild_id is None and not self.dms_allowed):
            await self.run(interaction, command_text("storyboard", cards))
            return
        await self.boards.show(interaction)  # the draft as a board to edit with buttons

    @app_commands.command(name="balance", description="Your credits")
    async def balance(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, "/balance")

    @app_commands.command(name="history", description="Your clips")
    async def history(self, interaction: discord.Interaction, page: int = 1) -> None:
        await self.run(interaction, "/history" if page <= 1 else f"/history {page}")

    @app_commands.command(name="settings", description="Your default settings (admins: this server's rules)")
    @app_commands.describe(aspect="Default frame shape", resolution="Default quality", duration="Default length",
                           channel_allowed="Admins: may the bot answer in this channel?",
                           dms_allowed="Admins: may members use the bot in DMs?")
    @app_commands.choices(aspect=ASPECTS, resolution=RESOLUTIONS, duration=DURATIONS)
    async def settings(self, interaction: discord.Interaction, aspect: Choice[str] | None = None,
                       resolution: Choice[str] | None = None, duration: Choice[int] | None = None,
                       channel_allowed: bool | None = None, dms_allowed: bool | None = None) -> None:
        if channel_allowed is not None or dms_allowed is not None:
            await self.guild_settings(interaction, channel_allowed, dms_allowed)
            return
        await self.run(interaction, command_text("settings", aspect=_v(aspect), resolution=_v(resolution),
                                                 duration=_v(duration)))

    @app_commands.command(name="cancel", description="Stop your running or queued video")
    async def cancel(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, "/cancel")

    @app_commands.command(name="help", description="What the bot can do")
    async def help(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, "/help")

    # ---- the shared path ----------------------------------------------------------------------------

    async def run(self, interaction: discord.Interaction, text: str, *, button: str | None = None,
                  uploads: tuple[discord.Attachment, ...] = ()) -> None:
        """Defer (Discord wants an answer in 3 s), ask the core, show its answers."""
        if interaction.guild_id is None and not self.dms_allowed:
            lang = i18n.language_of("", str(interaction.locale))
            await interaction.response.send_message(i18n.t("dms_off", lang), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        reply = self.reply_for(interaction)
        attachments = [a for a in [await self.download(upload) for upload in uploads] if a is not None]
        incoming = self.incoming_for(interaction, text, button=button, attachments=tuple(attachments))
        async with self.renderer.lock(reply.chat_id):
            outs = await self.ask(incoming)
            await self.renderer.deliver(outs, reply)

    async def ask(self, incoming: Incoming) -> list[Outgoing]:
        """The core never raises by contract; if it does anyway, the user still gets a friendly line."""
        try:
            return await self.service.handle(incoming)
        except Exception:  # noqa: BLE001
            log.exception("the core failed on a Discord message")
            lang = i18n.language_of(incoming.text, incoming.language)
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text=i18n.t("internal_error", lang))]

    def reply_for(self, interaction: discord.Interaction) -> Reply:
        channel = interaction.channel or self.bot.get_partial_messageable(interaction.channel_id or 0)
        return Reply(channel=channel, chat_id=str(interaction.channel_id), interaction=interaction,
                     size_limit=upload_limit_of(interaction, interaction.guild),
                     language=i18n.language_of("", str(interaction.locale)))

    def incoming_for(self, interaction: discord.Interaction, text: str, *, button: str | None = None,
                     attachments: tuple[Attachment, ...] = ()) -> Incoming:
        user = interaction.user
        return Incoming(platform="discord", chat_id=str(interaction.channel_id), user_id=str(user.id), text=text,
                        user_name=user.display_name, language=str(interaction.locale),
                        is_group=interaction.guild_id is not None, attachments=attachments, button=button,
                        is_chat_admin=_manages_guild(user),
                        upload_limit=upload_limit_of(interaction, interaction.guild))

    async def download(self, upload: discord.Attachment) -> Attachment | None:
        """Save a user's file under the media directory; the core checks what it is."""
        kind = "image" if (upload.content_type or "").startswith("image/") else (
            "video" if (upload.content_type or "").startswith("video/") else "file")
        folder = self.media_dir / UPLOADS
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{upload.id}-{re.sub(r'[^A-Za-z0-9_.-]', '_', upload.filename)[-80:]}"
        try:
            await upload.save(path)
        except (discord.HTTPException, OSError):
            log.warning("could not download attachment %s", upload.id)
            return None
        return Attachment(kind=kind, path=str(path), size_bytes=upload.size, mime_type=upload.content_type,
                          filename=upload.filename)

    # ---- buttons and modals -------------------------------------------------------------------------

    async def press(self, interaction: discord.Interaction, payload: str) -> None:
        """A button under one of our messages: the core decides (ownership included)."""
        if (pressed := board_press(payload)) is not None:  # the storyboard board's own buttons
            await self.boards.press(interaction, pressed)
            return
        reply = self.reply_for(interaction)
        reply.original_used = True  # a component's "original" is the message with the button: never overwrite it
        incoming = self.incoming_for(interaction, "", button=payload)
        async with self.renderer.lock(reply.chat_id):
            task = asyncio.ensure_future(self.ask(incoming))
            done, _ = await asyncio.wait({task}, timeout=ACK_WITHIN_S)
            if not done:
                await interaction.response.defer()
            outs = await task
            question = next((out for out in outs if out.kind == "ask"), None)
            if question is not None and not interaction.response.is_done():  # ask in a modal
                action, _, about = (question.ask_about or payload).partition(":")
                title = f"{i18n.button_label(action, reply.language)} #{about}"
                await interaction.response.send_modal(
                    AskModal(title=title, question=question.text, on_answer=self.answered)
                )
                return
            await self.renderer.deliver(outs, reply)

    async def answered(self, interaction: discord.Interaction, text: str) -> None:
        """The modal's answer is the user's next message: it completes the Remix / Re-cut the core asked for."""
        await self.run(interaction, text)

    async def guild_settings(self, interaction: discord.Interaction, channel_allowed: bool | None,
                             dms_allowed: bool | None) -> None:
        """Server rules: only members who may manage the server change them; the core stores and applies them."""
        member = interaction.user
        lang = i18n.language_of("", str(interaction.locale))
        permissions = getattr(member, "guild_permissions", None)
        if interaction.guild_id is None or permissions is None or not permissions.manage_guild:
            await interaction.response.send_message(i18n.t("admin_only", lang), ephemeral=True)
            return
        words = []
        if channel_allowed is not None:
            words.append("/enable" if channel_allowed else "/disable")
        if dms_allowed is not None:  # direct messages belong to no server: the operator decides them
            await interaction.response.send_message(i18n.t("dms_operator", lang), ephemeral=True)
            return
        await self.run(interaction, " ".join(words) if words else "/settings")

    # ---- plain messages -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """DMs and messages that mention (or reply to) the bot are for us; other chatter is not."""
        me = self.bot.user
        if message.author.bot or me is None:
            return
        if message.guild is None and not self.dms_allowed:
            return  # the operator keeps the bot to servers (DISCORD_DMS_ALLOWED=false)
        replied = await self._replied_clip(message)
        addressed = message.guild is None or me in message.mentions or replied is not None
        if not addressed:
            return
        text = _MENTION.sub(lambda m: "" if int(m.group(1)) == me.id else m.group(0), message.content).strip()
        attachments = tuple(a for a in [await self.download(upload) for upload in message.attachments] if a)
        limit = upload_limit_of(None, message.guild)
        incoming = Incoming(
            platform="discord", chat_id=str(message.channel.id), user_id=str(message.author.id), text=text,
            user_name=message.author.display_name, is_group=message.guild is not None, attachments=attachments,
            reply_to_clip_id=replied, message_id=str(message.id), upload_limit=limit,
        )
        reply = Reply(channel=message.channel, chat_id=str(message.channel.id), reference=message,
                      size_limit=limit,
                      language=i18n.language_of(text))
        async with self.renderer.lock(reply.chat_id):
            async with message.channel.typing():
                outs = await self.ask(incoming)
            await self.renderer.deliver(outs, reply)

    async def _replied_clip(self, message: discord.Message) -> int | None:
        """The clip shown by the bot message this one replies to, if any."""
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        return await self.service.clip_for_message("discord", str(message.channel.id), str(reference.message_id))


def _v(choice: Choice[Any] | None) -> Any:
    return None if choice is None else choice.value


def _manages_guild(user: object) -> bool:
    """Members who may manage the server may switch the bot off and on in its channels."""
    permissions = getattr(user, "guild_permissions", None)
    return bool(permissions is not None and permissions.manage_guild)
