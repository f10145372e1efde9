"""``/refund CHARGE_ID`` from any platform of the process: an operator on Discord refunds a Telegram Stars payment
through Telegram (``refundStarPayment``), then the credits are taken back. Both real clients, one real core."""

from __future__ import annotations

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy import func, select

from adapters.telegram.app import build_application, serving
from bot.models import CreditEntry, Payment, PlatformIdentity
from reelbot.app import running_service
from reelbot.config import Settings
from tests.e2e.discord.conftest import running
from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.reelbot.one_process import DISCORD_TOKEN
from tests.e2e.telegram.fake_bot_api import FakeBotApi

ADA = 1001


@pytest.fixture
async def fake_api():
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def fake():
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY  # build_bot points these at the fake
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
def settings(fake_api, fake, tmp_path, sqlite_url) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=fake_api.token, TELEGRAM_API_BASE_URL=fake_api.base_url,
        TELEGRAM_API_FILE_URL=fake_api.file_url,
        DISCORD_BOT_TOKEN=DISCORD_TOKEN, DISCORD_API_BASE_URL=fake.base, DISCORD_GUILD_IDS=fake.guild_id,
        database_url=sqlite_url, media_dir=tmp_path / "media", admins=[f"discord:{fake.admin['id']}"],
    )


async def credits_of(service, telegram_user_id: int) -> int:
    async with service.sessions() as session:
        user_id = (await session.execute(select(PlatformIdentity.user_id).where(
            PlatformIdentity.platform == "telegram", PlatformIdentity.external_id == str(telegram_user_id)))).scalar_one()
        return (await session.execute(select(func.sum(CreditEntry.amount)).where(
            CreditEntry.user_id == user_id))).scalar_one()


async def said_in_channel(fake: FakeDiscord, text: str, user: dict) -> str:
    """``text`` said to the bot (a mention) in the server's channel; the bot's answer there."""
    after = len(fake.history)
    await fake.dispatch("MESSAGE_CREATE", fake.user_message(text, user=user, mention_bot=True))
    answer = await fake.wait_for_message(lambda m: m["author"]["id"] == fake.bot_user["id"] and m["content"],
                                         after=after, timeout=30)
    return answer["content"]


async def test_an_operator_on_discord_refunds_a_telegram_payment_through_telegram(fake_api, fake, settings):
    async with running_service(settings) as service:
        application = build_application(settings, service)
        async with serving(application, poll_timeout_s=1), running(settings, fake, service):
            # Given Ada bought a pack with Telegram Stars
            fake_api.push(fake_api.message("/start"))
            await fake_api.wait_for("sendMessage")
            before = await credits_of(service, ADA)
            fake_api.push(fake_api.successful_payment("small", 50, "charge-9"))
            await fake_api.wait_for("sendMessage", lambda c: "credits" in fake_api.sent(c)["text"], count=2)
            assert await credits_of(service, ADA) > before

            # A member who is no operator cannot refund it
            assert await said_in_channel(fake, "/refund charge-9", fake.bob) == "Only admins can do that."
            assert not fake_api.calls_of("refundStarPayment")

            # When the operator, on Discord, refunds it
            answer = await said_in_channel(fake, "/refund charge-9", fake.admin)

            # Then Telegram gave Ada her Stars back, and her credits were taken back
            refund = fake_api.calls_of("refundStarPayment")
            assert len(refund) == 1 and refund[0].params["telegram_payment_charge_id"] == "charge-9"
            assert int(refund[0].params["user_id"]) == ADA
            assert "taken back" in answer
            assert await credits_of(service, ADA) == before
            async with service.sessions() as session:
                payment = (await session.execute(select(Payment))).scalars().one()
            assert payment.status == "refunded"

            # A second refund of the same charge is refused without asking Telegram again
            assert "no such payment" in await said_in_channel(fake, "/refund charge-9", fake.admin)
            assert len(fake_api.calls_of("refundStarPayment")) == 1


async def test_telegram_refusing_the_refund_keeps_the_payment_and_the_credits(fake_api, fake, settings):
    async with running_service(settings) as service:
        application = build_application(settings, service)
        async with serving(application, poll_timeout_s=1), running(settings, fake, service):
            fake_api.push(fake_api.message("/start"))
            await fake_api.wait_for("sendMessage")
            fake_api.push(fake_api.successful_payment("small", 50, "charge-7"))
            await fake_api.wait_for("sendMessage", lambda c: "credits" in fake_api.sent(c)["text"], count=2)
            paid = await credits_of(service, ADA)
            fake_api.refuse_next("refundStarPayment", "CHARGE_ALREADY_REFUNDED")

            answer = await said_in_channel(fake, "/refund charge-7", fake.admin)

            assert "telegram refused the refund: charge_already_refunded" in answer.lower()
            assert await credits_of(service, ADA) == paid
