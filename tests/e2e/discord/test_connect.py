"""The real discord.py client against the fake Discord: login, gateway, READY, slash-command sync."""

from __future__ import annotations

from tests.e2e.discord.conftest import ScriptedCore, running

COMMANDS = {"video", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard", "balance", "history",
            "settings", "cancel", "help"}


async def test_the_bot_connects_and_syncs_its_slash_commands_to_the_configured_guild(settings, fake):
    async with running(settings, fake, ScriptedCore()) as bot:
        assert bot.user is not None and str(bot.user.id) == fake.bot_user["id"]
        assert fake.identifies == 1
        assert {c["name"] for c in fake.commands[fake.guild_id]} == COMMANDS
        assert bot.get_guild(int(fake.guild_id)) is not None


async def test_video_offers_choices_not_free_text_for_its_settings(settings, fake):
    async with running(settings, fake, ScriptedCore()):
        video = next(c for c in fake.commands[fake.guild_id] if c["name"] == "video")
        options = {o["name"]: o for o in video["options"]}
        assert options["prompt"]["required"] is True
        assert [c["value"] for c in options["aspect"]["choices"]] == ["16:9", "9:16", "1:1"]
        assert [c["value"] for c in options["variations"]["choices"]] == [1, 2, 4]
        assert 5 in [c["value"] for c in options["duration"]["choices"]]


async def test_without_guild_ids_commands_are_synced_globally(settings, fake):
    settings = settings.model_copy(update={"discord_guild_ids": []})
    async with running(settings, fake, ScriptedCore()):
        assert {c["name"] for c in fake.commands["global"]} == COMMANDS


async def test_an_explicit_gateway_url_is_used_without_asking_the_rest_api(settings, fake):
    settings = settings.model_copy(update={"discord_gateway_url": fake.gateway_url})
    async with running(settings, fake, ScriptedCore()):
        assert fake.identifies == 1
        assert not any(r.path == "/gateway/bot" for r in fake.requests)


def test_a_proxy_url_gets_the_api_version_path_discord_py_expects():
    from adapters.discord.app import api_base

    assert api_base("http://nirn:8080/") == "http://nirn:8080/api/v10"
    assert api_base("http://nirn:8080/api/v10") == "http://nirn:8080/api/v10"


def test_running_without_a_token_stops_with_one_readable_line(settings):
    import pytest

    from reelbot.app import check_tokens
    from reelbot.config import ConfigError

    with pytest.raises(ConfigError, match="DISCORD_BOT_TOKEN"):
        check_tokens(settings.model_copy(update={"discord_bot_token": None}), ["discord"])
