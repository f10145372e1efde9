"""app.py's configuration: the cloud Bot API's limits, or a self-hosted server's (by URL, and by path in --local mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.constants import FileSizeLimit

from adapters.telegram.app import LIMITS, build_application
from adapters.telegram.handlers import STATE
from bot.messages import Outgoing
from reelbot.config import ConfigError, Settings
from tests.e2e.telegram.conftest import ScriptedCore, running_adapter
from tests.e2e.telegram.fake_bot_api import FakeBotApi


def test_the_cloud_bot_api_keeps_its_50_mb_upload_and_20_mb_download_limits(tmp_path):
    application = build_application(Settings(TELEGRAM_BOT_TOKEN="1:abc", media_dir=tmp_path), ScriptedCore())
    assert application.bot.base_url == "https://api.telegram.org/bot1:abc"
    assert application.bot.local_mode is False
    assert application.bot_data[LIMITS] == (FileSizeLimit.FILESIZE_UPLOAD, FileSizeLimit.FILESIZE_DOWNLOAD)


def test_without_a_token_the_operator_gets_one_clear_line(tmp_path):
    from reelbot.app import check_tokens

    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        check_tokens(Settings(media_dir=tmp_path), ["telegram"])


async def test_a_self_hosted_local_server_exchanges_files_by_path_and_lifts_the_limits(tmp_path):
    async with FakeBotApi(local_dir=tmp_path / "server") as api:
        settings = Settings(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
                            media_dir=tmp_path / "media")
        core = ScriptedCore()
        async with running_adapter(settings, core) as app:
            assert app.bot.local_mode is True
            assert app.bot_data[LIMITS][0] == FileSizeLimit.FILESIZE_UPLOAD_LOCAL_MODE
            api.push(api.document_message(b"\x00\x00\x00\x18ftypmp42", "mine.mp4", "video/mp4"))
            await api.wait_for("getFile")
            clip = tmp_path / "clip.mp4"
            clip.write_bytes(b"\x00\x00\x00\x18ftypmp42 rendered")
            await app.bot_data[STATE].renderer.render(Outgoing(
                kind="clip", chat_id="1001", text="#1", clip_id=1, clip_path=str(clip), width=480, height=832,
                duration_s=2.0))
        upload = api.calls_of("sendVideo")[0]
    assert upload.params["video"] == clip.resolve().as_uri() and upload.files == {}
    (attachment,) = core.received[0].attachments
    assert Path(attachment.path).read_bytes() == b"\x00\x00\x00\x18ftypmp42"
