"""The whole bot over HTTP: the real PTB Application, the real BotService on SQLite, the tiny engine on CPU, and
the fake Bot API server playing Telegram. Each test is a conversation a person could have."""

from __future__ import annotations

import asyncio
import io

import pytest
from sqlalchemy import func, select

from adapters.telegram.handlers import STATE
from bot.models import Clip, CreditEntry, PlatformIdentity, ProgressMessage
from tests.e2e.telegram.conftest import running_bot

pytestmark = pytest.mark.slow

ADA, BEN = 1001, 1002


def service_of(application):
    return application.bot_data[STATE].service


async def ledger_sum(application, telegram_user_id: int) -> int:
    async with service_of(application).sessions() as session:
        user_id = (await session.execute(select(PlatformIdentity.user_id).where(
            PlatformIdentity.platform == "telegram", PlatformIdentity.external_id == str(telegram_user_id)))).scalar_one()
        return (await session.execute(select(func.sum(CreditEntry.amount)).where(
            CreditEntry.user_id == user_id))).scalar_one()


async def clip_row(application, clip_id: int) -> Clip:
    async with service_of(application).sessions() as session:
        return await session.get(Clip, clip_id)


async def shown_clip(application, message: dict) -> Clip:
    """The clip a sent message shows (the adapter tells the core right after Telegram answers the upload)."""
    for _ in range(100):
        clip_id = await service_of(application).clip_for_message(
            "telegram", str(message["chat"]["id"]), str(message["message_id"]))
        if clip_id is not None:
            return await clip_row(application, clip_id)
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message['message_id']} shows no clip")


def jpeg(color: str = "orange") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def texts_to(api, chat_id: int) -> list[str]:
    return [api.sent(call)["text"] for call in api.calls_of("sendMessage") if int(call.params["chat_id"]) == chat_id]


async def test_a_private_chat_from_start_to_a_vertical_clip_a_remix_a_loop_history_and_balance(fake_api, settings):
    async with running_bot(settings) as app:
        # /start -> greeting and free credits
        fake_api.push(fake_api.message("/start"))
        greeting = await fake_api.wait_for("sendMessage")
        assert "credits" in fake_api.sent(greeting)["text"]
        commands = fake_api.calls_of("setMyCommands")
        assert {call.params.get("language_code") for call in commands} >= {"en", "zh"}

        # a sentence -> a progress message edited in place, then one vertical 5 s video (a 429 on the way)
        fake_api.fail_next("sendVideo", retry_after=1)
        fake_api.push(fake_api.message("a cat on a sofa, vertical, 5 s"))
        video = await fake_api.wait_for("sendVideo", timeout=120)
        progress = fake_api.calls_of("sendMessage")[1]
        progress_id = progress.params["__result__"]["message_id"]
        edits = [c for c in fake_api.calls_of("editMessageText") if c.params["message_id"] == progress_id]
        assert edits, "the progress message was never edited"
        assert [c.status for c in fake_api.calls if c.method == "sendVideo"] == [429, 200]
        assert video.params["width"] < video.params["height"] and video.params["duration"] == 5
        assert all(c.status != 400 for c in fake_api.calls)  # never "message is not modified"
        first = fake_api.sent(video)

        # a reply "make it blue" to that video -> a remix of that clip
        fake_api.push(fake_api.message("make it blue", reply_to=first))
        remix = fake_api.sent(await fake_api.wait_for("sendVideo", count=2, timeout=120))
        first_clip = (await shown_clip(app, first)).id
        remix_clip = await shown_clip(app, remix)
        assert remix_clip.op == "remix" and remix_clip.parent_clip_id == first_clip

        # the Loop button under the remix -> a loop of it
        loop_payload = next(b["callback_data"] for row in remix["reply_markup"]["inline_keyboard"] for b in row
                            if b["callback_data"].startswith("loop:"))
        fake_api.push(fake_api.callback_query(loop_payload, remix))
        await fake_api.wait_for("answerCallbackQuery")
        looped = fake_api.sent(await fake_api.wait_for("sendVideo", count=3, timeout=120))
        loop_clip = await shown_clip(app, looped)
        assert loop_clip.op == "loop" and loop_clip.parent_clip_id == remix_clip.id
        assert len(fake_api.calls_of("sendVideo")) == 3  # each clip delivered exactly once

        # "#<first>" shows the first clip again: by Telegram's file id, without a second upload
        fake_api.push(fake_api.message(f"#{first_clip}"))
        again = await fake_api.wait_for("sendVideo", count=4)
        assert again.files == {} and again.params["video"] == first["video"]["file_id"]

        # /history lists the clips; /balance matches the ledger
        fake_api.push(fake_api.message("/history"))
        fake_api.push(fake_api.message("/balance"))
        await fake_api.wait_for("sendMessage", lambda c: "balance" in fake_api.sent(c)["text"].lower())
        history = next(t for t in texts_to(fake_api, ADA) if f"#{loop_clip.id}" in t and "#" in t)
        assert f"#{first_clip}" in history
        balance = texts_to(fake_api, ADA)[-1]
        assert str(await ledger_sum(app, ADA)) in balance


async def test_a_photo_with_a_caption_is_animated(fake_api, settings):
    async with running_bot(settings) as app:
        fake_api.push(fake_api.photo_message(jpeg(), caption="the sun rising over the sea, 2 s"))
        video = fake_api.sent(await fake_api.wait_for("sendVideo", timeout=120))
        clip = await shown_clip(app, video)
        assert clip.op == "animate"
        assert fake_api.calls_of("getFile"), "the photo was never downloaded"


@pytest.mark.parametrize("as_photo", [False, True], ids=["document", "photo"])
async def test_a_file_named_jpg_that_is_not_an_image_is_refused_clearly(fake_api, settings, as_photo):
    fake = b"%PDF-1.4 this is not a picture at all" * 20
    async with running_bot(settings):
        if as_photo:
            fake_api.push(fake_api.photo_message(fake, caption="animate this"))
        else:
            fake_api.push(fake_api.document_message(fake, "holiday.jpg", "image/jpeg", caption="animate this"))
        answer = fake_api.sent(await fake_api.wait_for(
            "sendMessage", lambda c: "image" in fake_api.sent(c)["text"].lower()))
        assert "not an image" in answer["text"]
        assert not fake_api.calls_of("sendVideo")


async def test_in_a_group_chatter_is_ignored_a_mention_answered_and_buttons_work_only_for_their_owner(
    fake_api, settings
):
    group = fake_api.chat(-100500, group=True)
    ada, ben = fake_api.user(ADA, "Ada"), fake_api.user(BEN, "Ben")
    bot_name = fake_api.bot["username"]
    async with running_bot(settings):
        fake_api.push(fake_api.message("/start", user=ben))  # Ben knows the bot from a private chat
        await fake_api.wait_for("sendMessage")
        fake_api.push(fake_api.message("what a lovely day", chat=group, user=ben))
        fake_api.push(fake_api.message(f"@{bot_name} a red car on a street, square, 2 s", chat=group, user=ada))
        video = fake_api.sent(await fake_api.wait_for("sendVideo", timeout=120))
        handled = [c for c in fake_api.calls_of("sendMessage") if int(c.params["chat_id"]) != BEN]
        assert all(int(c.params["chat_id"]) == group["id"] for c in handled)
        assert not any("lovely" in fake_api.sent(c)["text"] for c in handled)

        loop_payload = next(b["callback_data"] for row in video["reply_markup"]["inline_keyboard"] for b in row
                            if b["callback_data"].startswith("loop:"))
        before = len(fake_api.calls_of("sendMessage"))
        fake_api.push(fake_api.callback_query(loop_payload, video, user=ben))
        answer = await fake_api.wait_for("answerCallbackQuery")
        assert "not your" in answer.params["text"].lower()
        assert answer.params.get("show_alert") in (None, False)
        assert len(fake_api.calls_of("sendMessage")) == before  # nothing said in the group


async def test_stars_buy_precheckout_and_a_payment_delivered_twice_credits_once(fake_api, settings):
    async with running_bot(settings) as app:
        fake_api.push(fake_api.message("/start"))
        await fake_api.wait_for("sendMessage")
        fake_api.push(fake_api.message("/buy"))
        invoice = await fake_api.wait_for("sendInvoice")
        assert invoice.params["currency"] == "XTR" and invoice.params.get("provider_token", "") == ""
        pack, stars = invoice.params["payload"], invoice.params["prices"][0]["amount"]

        fake_api.push(fake_api.pre_checkout_query(pack, stars))
        precheckout = await fake_api.wait_for("answerPreCheckoutQuery")
        assert precheckout.params["ok"] is True

        before = await ledger_sum(app, ADA)
        paid = fake_api.push(fake_api.successful_payment(pack, stars, "charge-1"))
        fake_api.push({**paid, "update_id": paid["update_id"] + 1000})  # Telegram delivers it again
        await _drained(fake_api)
        pack_credits = next(p.credits for p in settings.credits.packs if p.id == pack)
        assert await ledger_sum(app, ADA) == before + pack_credits


async def test_an_admin_refund_returns_the_stars_through_telegram_and_takes_the_credits_back(fake_api, settings):
    settings = settings.model_copy(update={"admins": [f"telegram:{BEN}"]})
    async with running_bot(settings) as app:
        fake_api.push(fake_api.message("/start"))
        await fake_api.wait_for("sendMessage")
        before = await ledger_sum(app, ADA)
        fake_api.push(fake_api.successful_payment("small", 50, "charge-9"))
        await _drained(fake_api)
        assert await ledger_sum(app, ADA) == before + 500

        fake_api.push(fake_api.message("/refund charge-9"))  # Ada is no admin: nothing happens
        await _drained(fake_api)
        assert not fake_api.calls_of("refundStarPayment")

        fake_api.push(fake_api.message("/refund charge-9", user=fake_api.user(BEN, "Ben")))
        refund = await fake_api.wait_for("refundStarPayment")
        assert refund.params["user_id"] in (ADA, str(ADA)) and refund.params["telegram_payment_charge_id"] == "charge-9"
        await fake_api.wait_for("sendMessage", lambda c: "taken back" in fake_api.sent(c)["text"])
        assert await ledger_sum(app, ADA) == before


async def test_a_clip_requested_before_a_restart_arrives_after_it(fake_api, settings):
    async with running_bot(settings):
        fake_api.push(fake_api.message("a dog running on the beach, 2 s"))
        board = await fake_api.wait_for("sendMessage", lambda c: "#" in fake_api.sent(c)["text"])  # queued
        queued_text = fake_api.sent(board)["text"]
    assert not fake_api.calls_of("sendVideo")
    sent_before = len(fake_api.calls_of("sendMessage"))

    async with running_bot(settings):
        video = await fake_api.wait_for("sendVideo", timeout=120)
        await _drained(fake_api)
        await _boards_forgotten(settings.database_url, timeout_s=15)  # the final edit may wait its interval
    assert len(fake_api.calls_of("sendVideo")) == 1
    assert video.params["duration"] == 2
    # The progress board from before the restart was edited to its end, not replaced by a second one.
    after = [fake_api.sent(c)["text"] for c in fake_api.calls_of("sendMessage")[sent_before:]]
    assert not any("dog" in text for text in after), after
    assert fake_api.sent(board)["text"] != queued_text
    # The engine was told what a bot may upload, and encoded to fit it.
    from telegram.constants import FileSizeLimit

    from engine.queue.models import Job
    from engine.queue.store import JobStore

    store = JobStore(settings.database_url)
    async with store.sessions() as session:
        (job,) = (await session.execute(select(Job))).scalars().all()
    await store.close()
    assert job.meta["max_bytes"] == FileSizeLimit.FILESIZE_UPLOAD


async def _boards_forgotten(database_url: str, timeout_s: float) -> None:
    """Wait until every progress board was finished and forgotten by the adapter (fails on timeout)."""
    from engine.queue.store import JobStore

    store = JobStore(database_url)
    try:
        for _ in range(int(timeout_s / 0.2)):
            async with store.sessions() as session:
                if not (await session.execute(select(ProgressMessage))).scalars().all():
                    return
            await asyncio.sleep(0.2)
        raise AssertionError("a finished progress board was never forgotten")
    finally:
        await store.close()


async def _drained(api, quiet_s: float = 1.0) -> None:
    """Wait until the bot has been quiet for ``quiet_s`` (every update handled, nothing more sent)."""
    import asyncio

    def made() -> int:
        return sum(1 for call in api.calls if call.method != "getUpdates")

    seen = -1
    while seen != made():
        seen = made()
        await asyncio.sleep(quiet_s)
