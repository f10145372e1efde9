"""A real BotService on SQLite with the in-process queue and the tiny pipeline, and a chat harness around it."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.messages import Attachment, Incoming, Outgoing

os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: Seconds a test waits for one job on the tiny model (generous: CI machines are slow and shared).
JOB_TIMEOUT_S = 180


@pytest.fixture
def bot_settings(tmp_path, tiny_model_dir):
    from reelbot.config import load_settings

    return load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        model=str(tiny_model_dir),
        device="cpu",
        media_dir=tmp_path / "media",
        credits={"daily_free": 0},  # no midnight top-up racing the balances these tests check
        admins=["console:admin"],
    )


@pytest.fixture
async def service(bot_settings):
    from reelbot.app import build_service

    service = await build_service(bot_settings)
    try:
        yield service
    finally:
        await service.close()


@dataclass
class Chat:
    """One person talking to the service, collecting everything the service says later too."""

    service: object
    user: str = "alice"
    chat: str = "chat-1"
    platform: str = "console"
    upload_limit: int | None = None
    later: list[Outgoing] = field(default_factory=list)

    async def say(self, text: str = "", *, reply_to: int | None = None, attachments=(), button: str | None = None,
                  language: str | None = None) -> list[Outgoing]:
        incoming = Incoming(
            platform=self.platform, chat_id=self.chat, user_id=self.user, user_name=self.user, text=text,
            reply_to_clip_id=reply_to, attachments=tuple(attachments), button=button, language=language,
            upload_limit=self.upload_limit,
        )
        return await self.service.handle(incoming)

    async def press(self, payload: str) -> list[Outgoing]:
        return await self.say(button=payload)

    async def outcome(self, timeout: float = JOB_TIMEOUT_S) -> list[Outgoing]:
        """What the next job to finish in this chat says: its last progress edit, then its clips or failure."""
        async def wait() -> list[Outgoing]:
            while True:
                for index, out in enumerate(self.later):
                    if out.kind == "progress" and out.done and out.chat_id == self.chat:
                        await asyncio.sleep(0.05)  # its clips are published right after
                        taken = self.later[: index + 1]
                        rest = self.later[index + 1 :]
                        follow = [o for o in rest if o.kind in ("clip", "text") and o.chat_id == self.chat]
                        self.later[:] = [o for o in rest if o not in follow]
                        return taken + follow
                await asyncio.sleep(0.05)

        return await asyncio.wait_for(wait(), timeout)


@pytest.fixture
async def listen(service):
    """Start collecting the service's later messages for the console platform into each Chat made."""
    chats: list[Chat] = []

    async def pump() -> None:
        async for out in service.subscribe("console"):
            for chat in chats:
                if chat.chat == out.chat_id:
                    chat.later.append(out)
            if out.kind == "clip" and out.clip_id is not None:
                await service.remember_message("console", out.chat_id, f"m{out.clip_id}", out.clip_id)

    task = asyncio.create_task(pump())

    def make(user: str = "alice", chat: str | None = None) -> Chat:
        made = Chat(service=service, user=user, chat=chat or f"chat-{user}")
        chats.append(made)
        return made

    try:
        yield make
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def image_attachment(path: Path) -> Attachment:
    return Attachment(kind="image", path=str(path), size_bytes=path.stat().st_size, filename=path.name)
