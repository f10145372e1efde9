"""compose.yaml and the Dockerfile, checked without a container engine: structure, commands, settings.

No container runs on the project's machines; what can go wrong without one is checked here: every service
has a health check, the commands exist in the ``reelbot`` CLI, and the environment the bot and the worker get
is a configuration reelbot accepts (distributed mode on PostgreSQL, one shared media folder).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import click
import pytest
import yaml

from reelbot.cli import _register, cli
from reelbot.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("bot", "worker", "redis", "postgres")
_DEFAULTED = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def environment_of(service: dict) -> dict[str, str]:
    """The service's variables as compose sets them with an empty shell (``${X:-d}`` -> d; bare names unset)."""
    values = {}
    for name, value in (service.get("environment") or {}).items():
        if value is not None:
            values[name] = _DEFAULTED.sub(lambda match: match.group(2) or "", str(value))
    return values


def reelbot_command_exists(words: list[str]) -> bool:
    _register()
    command: click.Command | None = cli
    for word in words:
        if not isinstance(command, click.Group):
            return False
        command = command.commands.get(word)
        if command is None:
            return False
    return True


def test_the_bot_worker_redis_and_postgres_each_have_a_health_check(compose):
    services = compose["services"]

    for name in LONG_RUNNING:
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1, name
        assert not check.get("disable"), name


def test_the_bot_is_started_by_reelbot_run_and_every_reelbot_command_exists(compose):
    services = compose["services"]

    assert services["bot"]["command"] == ["run"]
    for name in ("bot", "worker", "migrate"):
        assert reelbot_command_exists(services[name]["command"]), services[name]["command"]


def test_the_schema_is_upgraded_before_the_bot_and_the_worker_start(compose):
    services = compose["services"]

    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("bot", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_bot_and_the_worker_get_a_configuration_reelbot_accepts_for_distributed_mode(compose, monkeypatch,
                                                                                         tmp_path):
    services = compose["services"]
    monkeypatch.setenv("REELBOT_CONFIG", str(tmp_path / "absent.toml"))
    seen = {}
    for name in ("bot", "worker"):
        for variable in [variable for variable in os.environ if variable.startswith(("REELBOT_", "TELEGRAM_",
                                                                                       "DISCORD_"))]:
            if variable != "REELBOT_CONFIG":
                monkeypatch.delenv(variable)
        for variable, value in environment_of(services[name]).items():
            monkeypatch.setenv(variable, value)
        seen[name] = load_settings()

    bot, worker = seen["bot"], seen["worker"]
    assert bot.database_url == worker.database_url
    assert bot.database_url.startswith("postgresql+asyncpg://reelbot:") and bot.database_url.endswith("@postgres:5432/reelbot")
    assert bot.redis_url == worker.redis_url == "redis://redis:6379/0"
    assert bot.media_dir == worker.media_dir
    # The health checks ask the ports the processes listen on
    assert f":{bot.http_port}/healthz" in " ".join(services["bot"]["healthcheck"]["test"])
    assert f":{worker.worker_metrics_port}/metrics" in " ".join(services["worker"]["healthcheck"]["test"])
    assert bot.http_host == "0.0.0.0"


def test_media_and_the_database_live_on_named_volumes_shared_where_needed(compose):
    services, volumes = compose["services"], compose["volumes"]

    def mounts(name: str) -> dict[str, str]:
        return dict(entry.split(":")[:2] for entry in services[name]["volumes"])

    media_dir = environment_of(services["bot"])["REELBOT_MEDIA_DIR"]
    assert mounts("bot")["media"] == mounts("worker")["media"] == media_dir
    assert mounts("postgres")["database"] == "/var/lib/postgresql/data"
    assert {"media", "database"} <= set(volumes)


def test_the_dockerfile_builds_cpu_by_default_with_a_cuda_option_and_runs_reelbot():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^ARG TORCH=cpu$", dockerfile, re.M)
    assert "cuda)" in dockerfile and "download.pytorch.org/whl/cpu" in dockerfile
    assert re.search(r"^HEALTHCHECK ", dockerfile, re.M) and "/healthz" in dockerfile
    assert 'ENTRYPOINT ["reelbot"]' in dockerfile and 'CMD ["run"]' in dockerfile
    assert "-c constraints.txt" in dockerfile


def test_the_build_context_keeps_everything_the_package_needs():
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [pattern.rstrip("*") for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]]

    needed = {"pyproject.toml", "constraints.txt", project["project"]["readme"], *packages}
    assert not needed & ignored
    assert {".git", ".venv", "data", "tests"} <= ignored
