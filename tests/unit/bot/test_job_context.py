"""The typed record of what the bot remembers about a queued job (bot.job_context)."""

from __future__ import annotations

from types import SimpleNamespace

from bot.job_context import JobContext, board_key


def test_a_context_survives_the_round_trip_through_the_jobs_meta_column():
    context = JobContext(platform="telegram", chat_id="42", user_id=7, reservation="job:telegram:42:ab", cost=30,
                         parents=[3], what="video", op="remix", clip_settings={"variations": 2}, max_bytes=50_000)
    job = SimpleNamespace(meta=context.to_meta(), op="remix", spec={"settings": {"variations": 2}})
    assert JobContext.of(job) == context
    assert context.variations == 2 and "reply_to_message_id" not in context.to_meta()


def test_a_job_the_bot_did_not_queue_has_no_context():
    assert JobContext.of(SimpleNamespace(meta={}, op="generate", spec={})) is None


def test_the_worker_still_finds_the_upload_limit_where_it_reads_it():
    meta = JobContext(platform="discord", chat_id="1", user_id=1, reservation="r", max_bytes=8_000_000).to_meta()
    assert meta["max_bytes"] == 8_000_000


def test_a_jobs_board_key():
    assert board_key(12) == "job:12"
