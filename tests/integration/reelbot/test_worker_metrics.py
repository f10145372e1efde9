"""Distributed mode end to end: a ``reelbot worker`` serves its own /metrics and its beats make the bot ready."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from engine.modes import make_queue
from engine.specs import Generate, Settings
from reelbot.config import load_settings
from reelbot.http import start_http
from tests.integration.queue.conftest import collect_until_final, fast_settings

ROOT = Path(__file__).resolve().parents[3]
REELBOT = [sys.executable, "-c", "from reelbot.cli import main; main()"]


def _sample(text: str, name: str, labels: str = "") -> float | None:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else None


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.timeout(300)
async def test_a_worker_serves_its_metrics_its_beats_make_readyz_200_and_after_one_clip_it_counts_one_render(
    sqlite_db, redis_url, tiny_model_dir, tmp_path, unused_tcp_port
):
    # Given one `reelbot worker` with its metrics port, on the tiny model
    env = {**os.environ, "REELBOT_DATABASE_URL": sqlite_db, "REELBOT_REDIS_URL": redis_url,
           "REELBOT_MODEL": str(tiny_model_dir), "REELBOT_DEVICE": "cpu", "REELBOT_MEDIA_DIR": str(tmp_path / "media"),
           "REELBOT_ENGINE__NUM_INFERENCE_STEPS": "1", "REELBOT_ENGINE__BATCH_WINDOW_S": "0",
           "REELBOT_WORKER_METRICS_PORT": str(unused_tcp_port), "REELBOT_LOG_FORMAT": "json",
           "REELBOT_CONFIG": str(tmp_path / "none.toml")}
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen([*REELBOT, "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)
    settings = load_settings(database_url=sqlite_db, redis_url=redis_url, http_port=0)
    queue = make_queue(database_url=sqlite_db, redis_url=redis_url, settings=fast_settings(), reconcile_interval_s=0.5)
    server = None
    try:
        deadline = time.monotonic() + 180
        while "ready on queue" not in log_path.read_text():
            assert worker.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not start"
            await asyncio.sleep(0.2)
        metrics_url = f"http://127.0.0.1:{unused_tcp_port}/metrics"
        status, text = await _get(metrics_url)
        assert status == 200 and _sample(text, "reelbot_pipeline_load_seconds") > 0
        # When the bot side starts beside it: ready, because the worker beat
        await queue.start()
        server = await start_http(settings, queue=queue)
        status, body = await _get(f"{server.url}/readyz")
        assert status == 200, body
        # And one clip is made: the worker's own /metrics counts exactly that one job, batch and render
        events = queue.events()
        job = await queue.submit(Generate(prompt="a ball", settings=Settings(duration_s=1, seed=3)), owner="ann")
        seen = await collect_until_final(events, {job.id}, timeout=120)
        assert seen[job.id][-1].stage == "done"
        _, text = await _get(metrics_url)
        assert _sample(text, "reelbot_jobs_total", '{operation="generate",outcome="succeeded"}') == 1
        assert _sample(text, "reelbot_render_seconds_count", '{operation="generate"}') == 1
        assert _sample(text, "reelbot_batch_size_count") == 1
        # Then a worker that stops leaves the presence set at once: the bot is no longer ready
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        status, body = await _get(f"{server.url}/readyz")
        assert status == 503 and "no worker" in body
        # And every line the worker logged was JSON
        import json

        lines = log_path.read_text().splitlines()
        assert lines and all(json.loads(line) for line in lines)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if server is not None:
            await server.stop()
        await queue.close()
