"""What a turn means: the rules first, the optional language model when they are unsure, the user when both are.

1. :func:`bot.intents.parse` reads the message (a reply to a clip counts as referring to it).
2. Unsure, and ``REELBOT_LLM_URL`` set: the language model is asked, with the clip in focus and its prompt.
3. Still unsure between a new clip and a change of the clip in focus (both cost credits): the chat's remembered
   answer decides, else the user is asked with two buttons (:mod:`bot.ambiguity`).
"""

from __future__ import annotations

from bot import ambiguity
from bot.commands import Command
from bot.database import Sessions, transaction
from bot.intents import LanguageModel, parse
from bot.messages import Outgoing
from bot.models import Chat, Clip
from bot.turn import Turn


class Understanding:
    def __init__(self, sessions: Sessions, llm: LanguageModel) -> None:
        self._sessions = sessions
        self.llm = llm

    async def aclose(self) -> None:
        await self.llm.aclose()

    async def read(self, turn: Turn, *, has_image: bool = False, has_video: bool = False) -> Command | list[Outgoing]:
        """The Command the turn asks for, or the question to ask first."""
        focus = turn.focus_clip_id
        replied = turn.incoming.reply_to_clip_id is not None
        command = parse(turn.text, has_focus=focus is not None, has_image=has_image, has_video=has_video,
                        replied=replied)
        if not command.unsure:
            return command
        if self.llm.enabled:
            command = await self.llm.understand(turn.text, has_focus=focus is not None, has_image=has_image,
                                                has_video=has_video, replied=replied,
                                                focus_prompt=await self._prompt_of(focus), rules=command)
        if focus is None or not ambiguity.needs_choice(command, focus_clip_id=focus):
            return command
        async with transaction(self._sessions) as session:
            chat = await session.get(Chat, turn.chat.id)
            choice = ambiguity.remembered(chat)
            if choice is None:
                question, buttons = ambiguity.ask(chat, turn.user.id, turn.text, focus, turn.lang)
        if choice is not None:
            return ambiguity.resolve(turn.text, choice, focus, has_image=has_image)
        return [turn.say(question, buttons)]

    async def answer(self, turn: Turn, argument: str) -> tuple[Turn, Command] | list[Outgoing]:
        """A pressed "New video" / "Change #12": the turn as the asked message, and the Command it now means."""
        async with transaction(self._sessions) as session:
            answered = ambiguity.answer(await session.get(Chat, turn.chat.id), turn.user.id, argument)
        if answered is None:
            return [turn.toast(ambiguity.text("gone", turn.lang))]
        choice, message, clip_id = answered
        turn = turn.with_text(message)
        if choice == "edit":
            turn = turn.about_clip(clip_id)
        return turn, ambiguity.resolve(message, choice, clip_id)

    async def enhanced(self, command: Command) -> Command:
        """A generate prompt expanded by the language model when the operator turned that on."""
        if command.action != "generate" or not command.prompt or not self.llm.options.enhance_prompts:
            return command
        return command.model_copy(update={"prompt": await self.llm.enhance(command.prompt)})

    async def _prompt_of(self, clip_id: int | None) -> str | None:
        if clip_id is None:
            return None
        async with self._sessions() as session:
            clip = await session.get(Clip, clip_id)
        return clip.prompt if clip is not None else None
