"""Configuration: environment over reelbot.toml over defaults; bad values stop start-up with one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reelbot.config import ConfigError, load_settings

REELBOT = str(Path(sys.executable).with_name("reelbot"))
OUR_VARIABLES = ("REELBOT_", "TELEGRAM_", "DISCORD_")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No setting leaks in from the developer's shell or a reelbot.toml in the working directory."""
    for name in list(os.environ):
        if name.startswith(OUR_VARIABLES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REELBOT_CONFIG", str(tmp_path / "absent.toml"))


def write_toml(tmp_path, monkeypatch, text: str) -> None:
    path = tmp_path / "custom.toml"
    path.write_text(text)
    monkeypatch.setenv("REELBOT_CONFIG", str(path))


def run_reelbot(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([REELBOT, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


def test_the_defaults_are_the_embedded_ones():
    settings = load_settings()

    assert settings.database_url == "sqlite+aiosqlite:///data/reelbot.db"
    assert settings.device == "auto" and settings.redis_url is None
    assert settings.pricing.per_second["720p"] == {"square": 8, "wide": 16}


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("REELBOT_DEVICE", "cpu")
    monkeypatch.setenv("REELBOT_DATABASE_URL", "postgresql+asyncpg://bot@db/reelbot")
    monkeypatch.setenv("REELBOT_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("REELBOT_ADMINS", "telegram:1, discord:2")
    monkeypatch.setenv("REELBOT_CREDITS__DAILY_FREE", "42")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")

    settings = load_settings()

    assert settings.device == "cpu"
    assert settings.database_url == "postgresql+asyncpg://bot@db/reelbot"
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.admins == ["telegram:1", "discord:2"]
    assert settings.credits.daily_free == 42
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"


def test_a_reelbot_toml_named_by_reelbot_config_overrides_pricing_and_limits(tmp_path, monkeypatch):
    write_toml(tmp_path, monkeypatch, """
[pricing.per_second]
480p = { square = 1, wide = 2 }
720p = { square = 3, wide = 4 }
1080p = { square = 5, wide = 6 }

[credits]
daily_free = 50

[limits]
max_queued_per_user = 9
""")
    monkeypatch.setenv("REELBOT_CREDITS__DAILY_CAP", "77")  # the environment still wins, field by field

    settings = load_settings()

    assert settings.pricing.per_second["1080p"] == {"square": 5, "wide": 6}
    assert settings.credits.daily_free == 50 and settings.credits.daily_cap == 77
    assert settings.limits.max_queued_per_user == 9


def test_a_bad_pricing_table_in_the_file_names_the_setting(tmp_path, monkeypatch):
    write_toml(tmp_path, monkeypatch, '[pricing.per_second]\n480p = { square = 1, wide = 2 }\n')

    with pytest.raises(ConfigError, match="PRICING__PER_SECOND.*720p"):
        load_settings()


def test_a_bad_value_stops_start_up_with_one_line_naming_the_setting(monkeypatch):
    monkeypatch.setenv("REELBOT_DEVICE", "gpu")
    with pytest.raises(ConfigError, match="REELBOT_DEVICE"):
        load_settings()

    done = run_reelbot("config", "show")

    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert "REELBOT_DEVICE" in line and "'auto', 'cuda', 'cpu' or 'mps'" in line and "'gpu'" in line


def test_config_show_prints_the_effective_configuration_with_secrets_masked():
    done = run_reelbot(
        "config", "show",
        TELEGRAM_BOT_TOKEN="123456:hidden-tg", DISCORD_BOT_TOKEN="hidden-dc", REELBOT_WEBHOOK_SECRET="hidden-wh",
        REELBOT_DATABASE_URL="postgresql+asyncpg://bot:hidden-pw@db:5432/reelbot",
        REELBOT_REDIS_URL="redis://:hidden-redis@cache:6379/0", REELBOT_DEVICE="cpu",
    )

    assert done.returncode == 0, done.stderr
    assert "hidden" not in done.stdout
    shown = json.loads(done.stdout)
    assert shown["telegram_bot_token"] == shown["discord_bot_token"] == shown["webhook_secret"] == "**********"
    assert shown["database_url"] == "postgresql+asyncpg://bot:**********@db:5432/reelbot"
    assert shown["redis_url"] == "redis://:**********@cache:6379/0"
    assert shown["device"] == "cpu"
    assert shown["pricing"]["per_second"]["480p"] == {"square": 4, "wide": 5}


@pytest.mark.parametrize(("written", "async_form", "sync_form"), [
    ("sqlite:///data/bot.db", "sqlite+aiosqlite:///data/bot.db", "sqlite:///data/bot.db"),
    ("sqlite+aiosqlite:///data/bot.db", "sqlite+aiosqlite:///data/bot.db", "sqlite:///data/bot.db"),
    ("postgresql://bot:p%40ss@db:5432/reelbot", "postgresql+asyncpg://bot:p%40ss@db:5432/reelbot",
     "postgresql+psycopg://bot:p%40ss@db:5432/reelbot"),
    ("postgresql+asyncpg://bot@db/reelbot", "postgresql+asyncpg://bot@db/reelbot", "postgresql+psycopg://bot@db/reelbot"),
    ("postgresql+psycopg://bot@db/reelbot", "postgresql+asyncpg://bot@db/reelbot", "postgresql+psycopg://bot@db/reelbot"),
    ("postgres://bot@db/reelbot", "postgresql+asyncpg://bot@db/reelbot", "postgresql+psycopg://bot@db/reelbot"),
])
def test_every_accepted_database_url_form_is_normalised_once_in_the_settings(monkeypatch, written, async_form,
                                                                             sync_form):
    monkeypatch.setenv("REELBOT_DATABASE_URL", written)

    settings = load_settings()

    assert settings.database_url == async_form
    assert settings.sync_database_url == sync_form


@pytest.mark.parametrize("written", ["mysql://root:hunter2@db/x", "postgresql+pg8000://db/x", "://", "sqlite://host/x.db"])
def test_an_unusable_database_url_is_one_line_naming_the_variable_without_its_password(monkeypatch, written):
    monkeypatch.setenv("REELBOT_DATABASE_URL", written)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    message = str(caught.value)
    assert message.startswith("invalid setting REELBOT_DATABASE_URL: ")
    assert "\n" not in message and "hunter2" not in message


def test_the_public_url_and_the_mini_apps_init_data_age_are_read(monkeypatch):
    monkeypatch.setenv("REELBOT_PUBLIC_URL", "https://bot.example.org/")
    monkeypatch.setenv("REELBOT_MINIAPP__MAX_AGE_S", "600")

    settings = load_settings()

    assert settings.public_url == "https://bot.example.org" and settings.miniapp.max_age_s == 600


def test_a_public_url_telegram_would_not_open_stops_start_up(monkeypatch):
    monkeypatch.setenv("REELBOT_PUBLIC_URL", "http://bot.example.org")

    with pytest.raises(ConfigError, match="REELBOT_PUBLIC_URL: must be an https:// address"):
        load_settings()
