"""``reelbot worker``: a GPU worker for distributed mode (REELBOT_REDIS_URL), engine loaded once and kept warm."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import sys

import click

from reelbot.cli import cli
from reelbot.config import ConfigError, load_settings


@cli.command("worker")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes, each with its own warm engine (e.g. one per GPU).")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(min=1),
              help="Dramatiq threads per process; pipeline calls still run one at a time per engine.")
@click.option("--queue", "queue_name", default="reelbot", show_default=True, help="Dramatiq queue to consume.")
@click.option("--heartbeat-interval", type=float, default=None, help="Seconds between a running job's heartbeats.")
@click.option("--stale-after", type=float, default=None,
              help="Seconds without a heartbeat before a running job's worker is presumed dead.")
@click.option("--sweep-interval", type=float, default=None, help="Seconds between sweeps for lost jobs.")
@click.option("--broker-heartbeat-timeout", type=float, default=None,
              help="Seconds before Dramatiq redelivers the messages of a silent worker.")
def worker(processes: int, threads: int, queue_name: str, heartbeat_interval: float | None,
           stale_after: float | None, sweep_interval: float | None, broker_heartbeat_timeout: float | None) -> None:
    """Run jobs from the shared queue (needs REELBOT_REDIS_URL and a shared REELBOT_MEDIA_DIR)."""
    settings = load_settings()
    if not settings.redis_url:
        raise click.UsageError("set REELBOT_REDIS_URL: workers take jobs through Redis (local mode needs none)")
    options = dict(processes=processes, threads=threads, queue_name=queue_name,
                   heartbeat_interval=heartbeat_interval, stale_after=stale_after, sweep_interval=sweep_interval,
                   broker_heartbeat_timeout=broker_heartbeat_timeout)
    if processes == 1:
        _serve(options)
        return
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_serve, args=({**options, "index": i},), name=f"reelbot-worker-{i}")
                for i in range(processes)]
    for child in children:
        child.start()

    def forward(signum, _frame):
        for child in children:
            if child.is_alive():
                child.terminate()  # SIGTERM: each child finishes its batch in hand, then exits

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        child.join()
    sys.exit(max((child.exitcode or 0) for child in children))


def _serve(options: dict) -> None:
    """One worker process: load settings and the engine, then consume until told to stop."""
    from engine.queue.settings import queue_settings
    from engine.worker.service import DEFAULT_BROKER_HEARTBEAT_TIMEOUT_MS, WorkerConfig, WorkerService
    from reelbot.logs import configure_from_settings

    settings = load_settings()
    configure_from_settings(settings)  # a spawned child starts with no logging configured
    if settings.worker_metrics_port is not None:
        _serve_metrics(settings.worker_metrics_port + options.get("index", 0))
    overrides = {name: value for name, value in (
        ("heartbeat_interval_s", options["heartbeat_interval"]),
        ("stale_after_s", options["stale_after"]),
        ("sweep_interval_s", options["sweep_interval"]),
    ) if value is not None}
    queue = queue_settings(options=settings.engine, limits=settings.limits, tiers=settings.tiers, **overrides)
    timeout_s = options["broker_heartbeat_timeout"]
    config = WorkerConfig(
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        settings=queue,
        queue_name=options["queue_name"],
        threads=options["threads"],
        broker_heartbeat_timeout_ms=int(timeout_s * 1000) if timeout_s else DEFAULT_BROKER_HEARTBEAT_TIMEOUT_MS,
    )

    def load_engine():
        from engine.runner import Engine

        if settings.log_format == "json":
            from reelbot.logs import quiet_model_loading

            quiet_model_loading()  # every line on stderr stays one JSON object

        return Engine.load(settings.model, device=settings.device, options=settings.engine,
                           media_dir=settings.media_dir, limits=settings.limits, media=settings.media)

    def load_captioner():
        from engine.captioner import default_captioner

        return default_captioner(settings.captioner, settings.device)

    WorkerService(config, load_engine, load_captioner).serve_forever()


def _serve_metrics(port: int) -> None:
    """This process's ``/metrics`` (jobs, render times, batch sizes, pipeline load time, GPU memory)."""
    from prometheus_client import start_http_server

    import engine.metrics  # noqa: F401  (registers the engine's metrics and the GPU memory collector)

    try:
        start_http_server(port)
    except OSError as exc:
        raise ConfigError(f"REELBOT_WORKER_METRICS_PORT: cannot listen on port {port} ({exc.strerror or exc})") from None
    logging.getLogger(__name__).info("worker metrics on port %s", port)
