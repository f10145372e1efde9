"""The command menu Telegram shows next to the input field, in English and Chinese."""

from __future__ import annotations

from telegram import Bot, BotCommand

#: (command, English description, Chinese description). The core reads the command text itself.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "Start and get free credits", "开始并领取免费额度"),
    ("video", "Make a video from a sentence", "用一句话生成视频"),
    ("history", "Your recent clips", "我的最近作品"),
    ("balance", "Your credits", "我的额度"),
    ("buy", "Buy credits with Telegram Stars", "用 Telegram Stars 购买额度"),
    ("settings", "Default resolution, aspect and length", "默认分辨率、画幅和时长"),
    ("cancel", "Cancel your queued job", "取消排队中的任务"),
    ("help", "What I can do", "使用帮助"),
)
#: Language codes that get their own menu; everyone else sees the default (English) one.
MENU_LANGUAGES: dict[str | None, int] = {None: 1, "en": 1, "zh": 2}


async def publish_commands(bot: Bot) -> None:
    """Publish the menu once per language; Telegram picks by the user's app language."""
    for language, column in MENU_LANGUAGES.items():
        commands = [BotCommand(row[0], row[column]) for row in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)
