"""handlers.py and app.py over HTTP with a scripted core: what each Telegram update becomes, and how answers go
back. (test_conversation.py runs the same adapter against the real core.)"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from adapters.telegram.handlers import STATE
from bot.messages import Button, Outgoing
from tests.e2e.telegram.conftest import ScriptedCore, running_adapter

ADA = 1001


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.02)


async def test_start_publishes_the_command_menu_in_english_and_chinese(fake_api, adapter_settings):
    async with running_adapter(adapter_settings, ScriptedCore()):
        calls = fake_api.calls_of("setMyCommands")
    by_language = {call.params.get("language_code"): call.params["commands"] for call in calls}
    assert {"en", "zh"} <= set(by_language)
    assert [c["command"] for c in by_language["en"]] == [c["command"] for c in by_language["zh"]]
    assert by_language["zh"][0]["description"] != by_language["en"][0]["description"]


async def test_a_text_becomes_an_incoming_and_the_answer_is_sent(fake_api, adapter_settings):
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text=f"you said <{i.text}>")])
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.message("a cat on a sofa", user=fake_api.user(ADA, "Ada", "zh")))
        answer = await fake_api.wait_for("sendMessage")
    incoming = core.received[0]
    assert (incoming.platform, incoming.chat_id, incoming.user_id) == ("telegram", str(ADA), str(ADA))
    assert (incoming.text, incoming.language, incoming.user_name, incoming.is_group) == (
        "a cat on a sofa", "zh", "Ada", False)
    assert fake_api.sent(answer)["text"] == "you said <a cat on a sofa>"


async def test_a_photo_is_downloaded_in_its_largest_size_and_its_caption_is_the_text(fake_api, adapter_settings):
    core = ScriptedCore()
    picture = b"\xff\xd8\xff" + bytes(range(256)) * 40
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.photo_message(picture, caption="animate this"))
        await until(lambda: core.received)
    (attachment,) = core.received[0].attachments
    assert attachment.kind == "image" and core.received[0].text == "animate this"
    assert Path(attachment.path).read_bytes() == picture
    assert Path(attachment.path).is_relative_to(adapter_settings.media_dir)


@pytest.mark.parametrize(("name", "mime", "kind"), [
    ("clip.mp4", "video/mp4", "video"), ("me.png", "image/png", "image"), ("notes.pdf", "application/pdf", "file"),
])
async def test_a_document_becomes_an_attachment_of_its_kind(fake_api, adapter_settings, name, mime, kind):
    core = ScriptedCore()
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.document_message(b"content", name, mime))
        await until(lambda: core.received)
    (attachment,) = core.received[0].attachments
    assert (attachment.kind, attachment.filename, attachment.mime_type) == (kind, name, mime)
    assert Path(attachment.path).read_bytes() == b"content"


async def test_a_file_over_the_download_limit_is_not_downloaded_and_the_core_sees_its_size(
    fake_api, adapter_settings
):
    core = ScriptedCore()
    async with running_adapter(adapter_settings, core) as app:
        app.bot_data[STATE].download_limit_bytes = 20_000_000  # the cloud Bot API's limit
        fake_api.push(fake_api.document_message(b"x", "big.mp4", "video/mp4", size=2_000_000_000))
        await until(lambda: core.received)
    (attachment,) = core.received[0].attachments
    assert (attachment.path, attachment.size_bytes) == ("", 2_000_000_000)
    assert not fake_api.calls_of("getFile")


async def test_a_reply_to_a_clip_message_puts_that_clip_in_focus(fake_api, adapter_settings):
    core = ScriptedCore()
    clip_message = {"message_id": 77, "date": 0, "chat": fake_api.chat(ADA), "from": fake_api.bot}
    core.clips_by_message[(str(ADA), "77")] = 12
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.message("make it blue", reply_to=clip_message))
        await until(lambda: core.received)
    assert core.received[0].reply_to_clip_id == 12 and core.received[0].text == "make it blue"


async def test_group_chatter_never_reaches_the_core_but_a_mention_does(fake_api, adapter_settings):
    core = ScriptedCore()
    group = fake_api.chat(-100500, group=True)
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.message("lovely day", chat=group))
        fake_api.push(fake_api.message(f"@{fake_api.bot['username']} a red car", chat=group))
        await until(lambda: core.received)
        await asyncio.sleep(0.2)
    assert [(i.text, i.is_group, i.chat_id) for i in core.received] == [("a red car", True, "-100500")]


async def test_a_button_press_is_always_answered_and_a_toast_is_the_answer(fake_api, adapter_settings):
    def answer(incoming):
        if incoming.button == "loop:12":
            return [Outgoing(kind="toast", chat_id=incoming.chat_id, text="That's not your clip.")]
        if incoming.button == "remix:12":
            return [Outgoing(kind="text", chat_id=incoming.chat_id, text="How should I change it?")]
        raise RuntimeError("the core fell over")

    core = ScriptedCore(answer)
    shown = {"message_id": 5, "date": 0, "chat": fake_api.chat(ADA), "from": fake_api.bot}
    async with running_adapter(adapter_settings, core):
        for payload in ("loop:12", "remix:12", "boom:1"):
            fake_api.push(fake_api.callback_query(payload, shown))
        await fake_api.wait_for("answerCallbackQuery", count=3)
        await fake_api.wait_for("sendMessage")
    answers = [call.params.get("text") for call in fake_api.calls_of("answerCallbackQuery")]
    assert answers == ["That's not your clip.", None, None]
    assert [i.button for i in core.received] == ["loop:12", "remix:12", "boom:1"]
    assert [fake_api.sent(c)["text"] for c in fake_api.calls_of("sendMessage")] == ["How should I change it?"]


async def test_pre_checkout_is_answered_at_once_even_while_the_same_user_waits_for_the_core(
    fake_api, adapter_settings
):
    async def slow(incoming):
        await asyncio.sleep(2)
        return []

    core = ScriptedCore(slow)
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.message("a long thought"))
        await until(lambda: core.received)
        started = time.monotonic()
        fake_api.push(fake_api.pre_checkout_query("small", 50))
        fake_api.push(fake_api.pre_checkout_query("gone", 50))
        ok, refused = [await fake_api.wait_for("answerPreCheckoutQuery", count=n) for n in (1, 2)]
        assert time.monotonic() - started < 1.0
    assert ok.params["ok"] is True and refused.params["ok"] is False
    assert refused.params["error_message"] == "That pack is no longer sold."
    assert core.precheckouts[0][:3] == ("telegram", str(ADA), "small")


async def test_a_successful_payment_goes_to_the_core_with_its_charge_id(fake_api, adapter_settings):
    core = ScriptedCore()
    async with running_adapter(adapter_settings, core):
        fake_api.push(fake_api.successful_payment("small", 50, "charge-9"))
        await fake_api.wait_for("sendMessage")
    assert core.payments.received == [(str(ADA), str(ADA), "charge-9", "small", 50, "XTR")]
    assert core.received == []  # a payment is not a chat message


async def test_results_published_later_are_rendered_from_the_subscription(fake_api, adapter_settings):
    core = ScriptedCore()
    async with running_adapter(adapter_settings, core):
        core.outbox.put_nowait(Outgoing(kind="progress", chat_id=str(ADA), text="Queued #1", progress_key="job:1",
                                        buttons=(Button("Cancel", "cancel:1"),)))
        core.outbox.put_nowait(Outgoing(kind="progress", chat_id=str(ADA), text="Done", progress_key="job:1",
                                        done=True))
        edit = await fake_api.wait_for("editMessageText", timeout=10)
    assert edit.params["text"] == "Done" and "reply_markup" not in edit.params


async def test_a_core_passed_in_is_left_open_for_its_owner(fake_api, adapter_settings):
    core = ScriptedCore()
    async with running_adapter(adapter_settings, core):
        pass
    assert core.closed is False  # the caller owns a core it passed in


async def test_in_webhook_mode_every_request_must_carry_the_secret_token(fake_api, adapter_settings, unused_tcp_port):
    core = ScriptedCore()
    webhook = {"listen": "127.0.0.1", "port": unused_tcp_port, "url_path": "tg/hook",
               "webhook_url": "https://bot.example/tg/hook", "secret_token": "s3cret-Token_1"}
    update = {"update_id": 1, **fake_api.message("hello over a webhook")}
    url = f"http://127.0.0.1:{unused_tcp_port}/tg/hook"
    async with running_adapter(adapter_settings, core, webhook=webhook), aiohttp.ClientSession() as http:
        set_webhook = fake_api.calls_of("setWebhook")[0]
        assert set_webhook.params["secret_token"] == "s3cret-Token_1"
        async with http.post(url, json=update) as missing:
            assert missing.status == 403
        headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        async with http.post(url, json=update, headers=headers) as wrong:
            assert wrong.status == 403
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
        async with http.post(url, json=update, headers=headers) as right:
            assert right.status == 200
        await until(lambda: core.received)
    assert [i.text for i in core.received] == ["hello over a webhook"]
