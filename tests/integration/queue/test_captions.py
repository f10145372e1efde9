"""Caption calls through the queue, where the video model runs: the local thread beside the bot, and a
distributed worker's caption actor over Redis.

Given a picture, when the bot asks the queue for its caption, then it gets the text the captioner writes;
a bad image gets the upload refusal code; a captioner that will not load or is too slow gives an empty text
with a reason, never an exception.
"""

from __future__ import annotations

import threading
import time

import pytest
from PIL import Image

from engine.captioner import CaptionRequest, load_captioner
from engine.modes import make_queue
from tests.integration.queue.conftest import fast_settings


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "disc.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path)
    return path


@pytest.fixture(scope="module")
def expected(tiny_captioner_dir, tmp_path_factory):
    """What the tiny captioner writes for the picture, asked directly."""
    captioner = load_captioner(str(tiny_captioner_dir), "cpu")
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    return {lang: captioner.caption(image, lang).text for lang in ("en", "zh")}


def captioner_factory(directory):
    return lambda: load_captioner(str(directory), "cpu")


async def test_the_local_queue_captions_on_its_own_thread_in_the_bot_process(
        sqlite_db, tiny_engine_factory, tiny_captioner_dir, picture, tmp_path, expected):
    threads: list[str] = []

    def load():
        threads.append(threading.current_thread().name)
        return load_captioner(str(tiny_captioner_dir), "cpu")

    queue = make_queue(database_url=sqlite_db, engine_factory=tiny_engine_factory(), captioner_factory=load,
                       settings=fast_settings())
    await queue.start()
    try:
        english = await queue.caption(CaptionRequest(image_path=str(picture)))
        chinese = await queue.caption(CaptionRequest(image_path=str(picture), lang="zh"))
        broken = tmp_path / "broken.png"
        broken.write_bytes(b"not a picture")
        refused = await queue.caption(CaptionRequest(image_path=str(broken)))
    finally:
        await queue.close()
    assert english.ok and english.caption == expected["en"] != ""
    assert chinese.ok and (chinese.caption, chinese.lang) == (expected["zh"], "zh")
    assert threads == ["captioner_0"]  # loaded once, on the caption thread, and kept warm
    assert (refused.caption, refused.error_code) == ("", "unreadable_image")


async def test_a_captioner_that_fails_or_is_slow_leaves_an_empty_text(sqlite_db, tiny_engine_factory, picture):
    def cannot_load():
        raise OSError("no such captioner")

    failing = make_queue(database_url=sqlite_db, engine_factory=tiny_engine_factory(),
                         captioner_factory=cannot_load, settings=fast_settings())
    await failing.start()
    try:
        failed = await failing.caption(CaptionRequest(image_path=str(picture)))
    finally:
        await failing.close()
    assert (failed.caption, failed.error_code) == ("", "caption_failed")

    slow = make_queue(database_url=sqlite_db, engine_factory=tiny_engine_factory(),
                      captioner_factory=lambda: time.sleep(1.5), settings=fast_settings())
    await slow.start()
    try:
        late = await slow.caption(CaptionRequest(image_path=str(picture)), timeout_s=0.3)
    finally:
        await slow.close()
    assert (late.caption, late.error_code) == ("", "caption_timeout")


@pytest.mark.redis
async def test_a_distributed_worker_captions_and_the_reply_comes_back_over_redis(
        sqlite_db, redis_url, tiny_engine_factory, tiny_captioner_dir, picture, expected):
    from engine.worker.service import WorkerConfig, WorkerService

    config = WorkerConfig(database_url=sqlite_db, redis_url=redis_url, settings=fast_settings(),
                          queue_name="captions-test")
    worker = WorkerService(config, tiny_engine_factory(), captioner_factory(tiny_captioner_dir))
    worker.start()
    queue = make_queue(database_url=sqlite_db, redis_url=redis_url, settings=fast_settings(),
                       queue_name="captions-test")
    await queue.start()
    try:
        english = await queue.caption(CaptionRequest(image_path=str(picture)), timeout_s=60)
        chinese = await queue.caption(CaptionRequest(image_path=str(picture), lang="zh"), timeout_s=60)
        missing = await queue.caption(CaptionRequest(image_path=str(picture.with_name("gone.png"))), timeout_s=60)
    finally:
        await queue.close()
        worker.stop()
    assert english.ok and english.caption == expected["en"] != ""
    assert chinese.ok and chinese.caption == expected["zh"]
    assert missing.error_code is not None and missing.caption == ""


@pytest.mark.redis
async def test_with_no_worker_listening_a_distributed_caption_times_out_with_an_empty_text(
        sqlite_db, redis_url, picture):
    queue = make_queue(database_url=sqlite_db, redis_url=redis_url, settings=fast_settings(),
                       queue_name="captions-nobody")
    await queue.start()
    try:
        started = time.monotonic()
        late = await queue.caption(CaptionRequest(image_path=str(picture)), timeout_s=0.5)
    finally:
        await queue.close()
    assert (late.caption, late.error_code) == ("", "caption_timeout")
    assert time.monotonic() - started < 5
