"""Effective configuration: environment variables over an optional ``reelbot.toml`` over defaults.

Environment variables are the operator's interface (DESIGN.md lists them); the TOML file holds the longer
tables (pricing, limits, credit packs). Any bad value stops start-up with one line naming the setting.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from bot.credits.pricing import CreditPack, Credits, Pricing  # noqa: F401  (the bot owns these models)
from bot.intents.llm import LLMOptions
from bot.moderation import ModerationOptions
from engine.db import BadDatabaseURL, async_url, sync_url
from engine.errors import ReelbotError
from engine.options import EngineOptions, MediaOptions  # noqa: F401  (EngineOptions re-exported: it lived here first)

#: Where the embedded defaults keep their files, relative to the working directory.
DATA_DIR = Path("data")
#: The file read for pricing and limits unless ``REELBOT_CONFIG`` names another.
DEFAULT_CONFIG_FILE = Path("reelbot.toml")


#: ``scheme://user:password@host``: the password part of a URL, hidden by ``config show``.
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


class ConfigError(ReelbotError):
    """A setting has a value reelbot cannot use; ``str()`` is the one line shown to the operator."""


class Limits(BaseModel):
    """Guards against inputs that would hurt the service."""

    max_prompt_chars: int = Field(default=2000, gt=0)
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_image_pixels: int = Field(default=40_000_000, gt=0)
    max_video_seconds: float = Field(default=60.0, gt=0)
    max_video_pixels: int = Field(default=1920 * 1080, gt=0)
    #: Queued (not yet running) jobs one user may have at once.
    max_queued_per_user: int = Field(default=5, gt=0)
    #: Seconds a job may run before it is stopped and refunded.
    job_timeout_s: float = Field(default=1800.0, gt=0)
    max_attempts: int = Field(default=2, gt=0)
    #: Messages one user of a chat platform may send per minute before the bot asks them to slow down (0: no
    #: limit; the console, the operator's own terminal, is never limited).
    messages_per_minute: int = Field(default=20, ge=0)


class Media(MediaOptions):
    """``[media]``: what clips carry (the engine's options) and how long their files are kept."""

    #: Days a clip's file is kept; a daily job deletes older ones (the clip stays in history, expired, and can
    #: be re-rendered). ``None``: kept for ever.
    keep_days: int | None = Field(default=None, gt=0)


class Tier(BaseModel):
    name: str
    #: Lower runs first; within a tier users take turns.
    priority: int = 0


class MiniApp(BaseModel):
    """The Telegram Mini App: the storyboard timeline at ``/app/`` on the bot's HTTP server."""

    #: Init data older than this (seconds since Telegram signed it) gets 401.
    max_age_s: int = Field(default=86_400, gt=0)


class Settings(BaseSettings):
    """Everything reelbot reads at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="REELBOT_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
    )

    database_url: str = Field(default=f"sqlite+aiosqlite:///{DATA_DIR / 'reelbot.db'}")
    model: str = "embedded"
    #: Image-to-text model for storyboard image cards: "embedded" (engine/models/captioner) or a directory / hub id.
    captioner: str = "embedded"
    device: Literal["auto", "cuda", "cpu", "mps"] = "auto"
    media_dir: Path = DATA_DIR / "media"
    redis_url: str | None = None
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: ``json``: one JSON object per line (for log collectors); ``text``: lines for people.
    log_format: Literal["text", "json"] = "text"
    #: Where the bot's HTTP server (health, metrics, webhooks, the Mini App) listens.
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    #: Where each ``reelbot worker`` process serves its own ``/metrics`` (process i of N adds i); unset: off.
    worker_metrics_port: int | None = Field(default=None, ge=0, le=65535)

    telegram_bot_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(default=None, validation_alias="TELEGRAM_API_BASE_URL")
    telegram_api_file_url: str | None = Field(default=None, validation_alias="TELEGRAM_API_FILE_URL")
    discord_bot_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_BOT_TOKEN")
    discord_api_base_url: str | None = Field(default=None, validation_alias="DISCORD_API_BASE_URL")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    #: Whether people may talk to the Discord bot in direct messages (off: only in servers).
    discord_dms_allowed: bool = Field(default=True, validation_alias="DISCORD_DMS_ALLOWED")
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, validation_alias="DISCORD_GUILD_IDS")

    pricing: Pricing = Field(default_factory=Pricing)
    credits: Credits = Field(default_factory=Credits)
    limits: Limits = Field(default_factory=Limits)
    engine: EngineOptions = Field(default_factory=EngineOptions)
    media: Media = Field(default_factory=Media)
    tiers: list[Tier] = Field(default_factory=lambda: [Tier(name="fast", priority=0), Tier(name="relax", priority=1)])
    #: Platform chat ids (e.g. ``telegram:-100123``) where shared clips are posted.
    showcase_channels: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: The bot's HTTP server as the world reaches it (HTTPS); set, storyboards get an "Open timeline" button.
    public_url: str | None = None
    miniapp: MiniApp = Field(default_factory=MiniApp)
    #: The optional language model (any OpenAI-compatible endpoint), asked only when the rules are unsure.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    #: ``[llm]``: ``timeout_s`` (default 2) and ``enhance_prompts``; url/model/api_key may also live here.
    llm: LLMOptions = Field(default_factory=LLMOptions)
    moderation: ModerationOptions = Field(default_factory=ModerationOptions)

    @field_validator("admins", "showcase_channels", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("discord_guild_ids", mode="before")
    @classmethod
    def _comma_ints(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [int(item) for item in value.split(",") if item.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("admins")
    @classmethod
    def _platform_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            platform, _, external = item.partition(":")
            if not platform or not external:
                raise ValueError(f"{item!r} is not platform:user_id (e.g. telegram:12345)")
        return value

    @field_validator("public_url")
    @classmethod
    def _https_public_url(cls, value: str | None) -> str | None:
        """Telegram opens Mini Apps only over HTTPS."""
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https:// address (Telegram opens Mini Apps only over HTTPS)")
        return value.rstrip("/") if value else None

    @field_validator("database_url")
    @classmethod
    def _async_database_url(cls, value: str) -> str:
        """Every accepted URL form becomes its asyncio-driver form here, the one place; sync code derives its own."""
        try:
            return async_url(value)
        except BadDatabaseURL as exc:
            raise ValueError(str(exc)) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("REELBOT_CONFIG", DEFAULT_CONFIG_FILE))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @property
    def llm_options(self) -> LLMOptions:
        """``[llm]`` with ``REELBOT_LLM_URL`` / ``_MODEL`` / ``_API_KEY`` over its url, model and api_key."""
        return self.llm.model_copy(update={
            "url": self.llm_url or self.llm.url, "model": self.llm_model or self.llm.model,
            "api_key": self.llm_api_key or self.llm.api_key,
        })

    @property
    def sync_database_url(self) -> str:
        """``database_url`` through a synchronous driver (Alembic, worker threads)."""
        return sync_url(self.database_url)

    def masked(self) -> dict[str, Any]:
        """The configuration as JSON-ready data, secrets shown as ``***``."""
        data = self.model_dump(mode="json")  # SecretStr dumps as '**********'
        for name in ("database_url", "redis_url"):
            if data.get(name):
                data[name] = _URL_PASSWORD.sub(r"\1**********@", data[name])
        return data


def load_settings(**overrides: Any) -> Settings:
    """Read the configuration, turning a validation error into one readable :class:`ConfigError`."""
    try:
        return Settings(**overrides)
    except SettingsError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "configuration"
        env = _env_name(where)
        message = first["msg"].removeprefix("Value error, ")
        given = first.get("input")
        if isinstance(given, str):
            given = _URL_PASSWORD.sub(r"\1**********@", given)
        raise ConfigError(f"invalid setting {env}: {message} (got {given!r})") from None


def _env_name(location: str) -> str:
    aliases = {
        "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
        "discord_guild_ids": "DISCORD_GUILD_IDS",
    }
    if location.upper().startswith(("TELEGRAM_", "DISCORD_")):
        return location.upper()
    if location in aliases:
        return aliases[location]
    return "REELBOT_" + location.replace(".", "__").upper()
