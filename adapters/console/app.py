"""A terminal chat with reelbot.

Interactive (a terminal): a prompt, replies as they come, a live progress bar per job (rich).
Scripted (stdin is not a terminal): one message per line; it waits for every job it started, prints each clip's
path on a line of its own, and exits at the end of input.

Console-only commands: ``/image PATH [caption]`` and ``/video PATH [text]`` send a file; ``/press PAYLOAD``
presses a button (payloads are shown under messages, e.g. ``remix:12``); ``/reply N TEXT`` or ``#N`` puts a clip
in focus (the core understands both).
"""

from __future__ import annotations

import asyncio
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from bot.messages import Attachment, Incoming, Outgoing

PLATFORM = "console"
_FILE_COMMAND = ("/image", "/video")


class ConsoleChat:
    """Reads messages, hands them to the service, renders what comes back."""

    def __init__(self, service: Any, *, user: str, out_dir: Path, stdout: TextIO | None = None, interactive: bool) -> None:
        self.service = service
        self.user = user
        self.out_dir = out_dir
        self.interactive = interactive
        self.console = Console(file=stdout or sys.stdout, highlight=False, soft_wrap=True)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), console=self.console, transient=True)
        self._tasks: dict[str, int] = {}
        self._open_jobs: set[str] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._rendering = 0

    async def run(self, stdin: TextIO) -> None:
        listener = asyncio.create_task(self._listen())
        try:
            if self.interactive:
                self.progress.start()
            while True:
                line = await asyncio.to_thread(self._read_line, stdin)
                if line is None:
                    break
                if line.strip() in ("/quit", "/exit"):
                    break
                await self.send(line.rstrip("\n"))
                if not self.interactive:  # a script is a conversation: each line sees the clips before it
                    await self._idle.wait()
                    await self._settle()
            await self._idle.wait()
            await self._settle()
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
            if self.interactive:
                self.progress.stop()

    def _read_line(self, stdin: TextIO) -> str | None:
        if self.interactive:
            try:
                return input("you> ") + "\n"
            except EOFError:
                return None
        line = stdin.readline()
        return line or None

    async def send(self, line: str) -> None:
        if not line.strip():
            return
        incoming = self._incoming(line)
        if incoming is None:
            return
        for out in await self.service.handle(incoming):
            await self.render(out)

    def _incoming(self, line: str) -> Incoming | None:
        text, attachments, button = line, (), None
        head = line.split(maxsplit=1)[0].lower()
        if head in _FILE_COMMAND:
            try:
                parts = shlex.split(line)
            except ValueError:
                parts = line.split()
            if len(parts) < 2:
                self.console.print(f"usage: {head} PATH [text]")
                return None
            path = Path(parts[1]).expanduser()
            size = path.stat().st_size if path.exists() else 0
            kind = "image" if head == "/image" else "video"
            attachments = (Attachment(kind=kind, path=str(path), size_bytes=size, filename=path.name),)
            text = " ".join(parts[2:])
        elif head == "/press":
            parts = line.split(maxsplit=1)
            button, text = (parts[1].strip() if len(parts) > 1 else ""), ""
        return Incoming(
            platform=PLATFORM, chat_id=self.user, user_id=self.user, user_name=self.user, text=text,
            attachments=attachments, button=button,
        )

    async def _listen(self) -> None:
        async for out in self.service.subscribe(PLATFORM):
            if str(out.chat_id) != self.user:
                continue  # another console user's job (adopted, or left by a restart): theirs to receive
            self._rendering += 1
            try:
                await self.render(out)
            finally:
                self._rendering -= 1

    async def _settle(self) -> None:
        """Let the listener render what was published with the last final progress (the job's clips)."""
        for _ in range(100):
            await asyncio.sleep(0.02)
            if self._rendering == 0 and self.service.pending(PLATFORM) == 0:
                return

    async def render(self, out: Outgoing) -> None:
        if out.kind == "progress":
            self._show_progress(out)
        elif out.kind == "clip":
            await self._show_clip(out)
        elif out.kind == "ask":
            self.console.print(out.text, markup=False)  # the next line typed is the answer
        elif out.kind == "invoice":
            self.console.print(f"[{out.title}: {out.price} Telegram Stars \u2014 buying works in Telegram]", markup=False)
        else:
            self.console.print(out.text, markup=False)
            self._show_buttons(out)

    def _show_progress(self, out: Outgoing) -> None:
        key = out.progress_key or ""
        if out.done:
            self._open_jobs.discard(key)
            task = self._tasks.pop(key, None)
            if task is not None and self.interactive:
                self.progress.remove_task(task)
            if not self._open_jobs:
                self._idle.set()
            return
        if key not in self._open_jobs:
            self._open_jobs.add(key)
            self._idle.clear()
        if not self.interactive:
            return
        if key not in self._tasks:
            self._tasks[key] = self.progress.add_task(out.text, total=1.0)
        self.progress.update(self._tasks[key], description=out.text, completed=out.progress or 0.0)

    async def _show_clip(self, out: Outgoing) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        target = self.out_dir / f"clip-{out.clip_id}.mp4"
        if out.clip_path and Path(out.clip_path).resolve() != target.resolve():
            await asyncio.to_thread(shutil.copyfile, out.clip_path, target)
        self.console.print(out.text, markup=False)
        self.console.print("\u266a with sound" if out.has_audio else "(silent)", markup=False, style="dim")
        self.console.print(str(target), markup=False, soft_wrap=True)
        self._show_buttons(out)
        if out.clip_id is not None:
            await self.service.remember_message(PLATFORM, out.chat_id, f"clip-{out.clip_id}", out.clip_id)

    def _show_buttons(self, out: Outgoing) -> None:
        pressable = [b for b in out.buttons if b.web_app_url is None]  # a Mini App opens only inside Telegram
        if pressable and self.interactive:
            shown = "  ".join(f"[{b.label}: /press {b.payload}]" for b in pressable)
            self.console.print(shown, markup=False, style="dim")


async def run_console(service: Any, *, user: str, out_dir: Path = Path("out"), stdin: TextIO | None = None) -> None:
    """Chat on a ready ``service`` until the input ends (or ``/quit``)."""
    stdin = stdin or sys.stdin
    chat = ConsoleChat(service, user=user, out_dir=out_dir, interactive=stdin.isatty())
    if chat.interactive:
        chat.console.print("reelbot \u2014 describe a video; /help for more, /quit to leave.", markup=False)
    await chat.run(stdin)
