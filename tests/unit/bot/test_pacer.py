"""The one progress pacer (bot.pacer): at most one edit per board per interval, the latest text winning."""

from __future__ import annotations

import asyncio
import time

from bot.messages import Outgoing
from bot.pacer import ProgressPacer


def step(text: str, key: str = "job:1", done: bool = False) -> Outgoing:
    return Outgoing(kind="progress", chat_id="c", progress_key=key, text=text, done=done)


async def test_updates_faster_than_the_interval_are_coalesced_and_the_latest_text_is_shown_when_it_is_over():
    sent: list[tuple[float, str]] = []
    pacer = ProgressPacer(lambda platform, out: sent.append((time.monotonic(), out.text)), interval_s=0.3)
    start = time.monotonic()
    pacer.shown("job:1")  # the queued reply showed the board just now
    for text in ("10%", "20%", "30%"):
        pacer.update("console", step(text))
    assert sent == []
    await asyncio.sleep(0.5)
    assert [text for _, text in sent] == ["30%"]
    assert sent[0][0] - start >= 0.3


async def test_a_final_update_goes_at_once_and_drops_what_was_waiting():
    sent: list[str] = []
    pacer = ProgressPacer(lambda platform, out: sent.append(out.text), interval_s=0.3)
    pacer.shown("job:1")
    pacer.update("console", step("50%"))
    pacer.final("console", step("Done", done=True))
    await asyncio.sleep(0.4)
    assert sent == ["Done"]


async def test_boards_are_paced_each_on_their_own_clock():
    sent: list[str] = []
    pacer = ProgressPacer(lambda platform, out: sent.append(out.text), interval_s=10)
    pacer.update("console", step("a 10%", key="job:1"))
    pacer.update("console", step("b 10%", key="job:2"))
    pacer.update("console", step("a 20%", key="job:1"))
    assert sent == ["a 10%", "b 10%"]
    pacer.close()
