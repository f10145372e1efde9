"""render.py over HTTP: the real PTB bot sends hand-made Outgoing messages to the fake Bot API server."""

from __future__ import annotations

import pytest

from adapters.telegram.render import Renderer, keyboard, split_text, trim
from bot.messages import Button, Outgoing

CLIP_BUTTONS = tuple(
    Button(label, f"{payload}:12")
    for label, payload in [("Remix", "remix"), ("Re-cut", "recut"), ("Extend", "extend"), ("Loop", "loop"),
                           ("Variations", "var"), ("Share", "share")]
)


@pytest.fixture
def clip_files(tmp_path):
    video, thumb = tmp_path / "clip.mp4", tmp_path / "clip.jpg"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"v" * 4000)
    thumb.write_bytes(b"\xff\xd8\xff\xe0" + b"t" * 500)
    return str(video), str(thumb)


def clip_out(paths, **overrides) -> Outgoing:
    video, thumb = paths
    fields = dict(kind="clip", chat_id="1001", text="a cat on a sofa · 480p 9:16 5 s · 25 credits · #12",
                  buttons=CLIP_BUTTONS, clip_id=12, clip_path=video, thumbnail_path=thumb, width=480, height=832,
                  duration_s=5.04)
    fields.update(overrides)
    return Outgoing(**fields)


async def test_a_long_text_is_escaped_and_split_into_messages_of_at_most_4096_characters(fake_api, bot, memory):
    words = [f"<word{i}>&" for i in range(700)]
    text = " ".join(words)
    await Renderer(bot, memory).render(Outgoing(kind="text", chat_id="1001", text=text))

    sent = [fake_api.sent(call)["text"] for call in fake_api.calls_of("sendMessage")]
    assert len(sent) == 2
    assert all(len(chunk) <= 4096 for chunk in sent)
    assert " ".join(sent).split() == words  # cut between words, nothing lost, HTML shown literally


async def test_a_clip_is_uploaded_once_inline_with_buttons_and_resent_by_file_id(fake_api, bot, memory, clip_files):
    renderer = Renderer(bot, memory)
    await renderer.render(clip_out(clip_files, text="x" * 2000))

    upload = await fake_api.wait_for("sendVideo")
    assert upload.params["width"] == 480 and upload.params["height"] == 832 and upload.params["duration"] == 5
    assert upload.params["supports_streaming"] is True
    assert len(fake_api.sent(upload)["caption"]) <= 1024
    assert upload.files["video"] == open(clip_files[0], "rb").read()
    assert upload.params["thumbnail"].startswith("attach://")
    rows = upload.params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in rows for b in row] == [b.payload for b in CLIP_BUTTONS]
    assert any(c.params["action"] == "upload_video" for c in fake_api.calls_of("sendChatAction"))
    message = fake_api.sent(upload)
    file_id = message["video"]["file_id"]
    assert memory.messages == [("telegram", "1001", str(message["message_id"]), 12)]
    assert memory.file_ids == [(12, "telegram", file_id)]

    await renderer.render(clip_out(clip_files, clip_id=12, file_ids={"telegram": file_id}))
    resend = await fake_api.wait_for("sendVideo", count=2)
    assert resend.files == {} and resend.params["video"] == file_id
    assert len(memory.file_ids) == 1  # nothing new to remember


async def test_a_429_on_send_video_is_retried_after_retry_after_and_the_clip_arrives_once(
    fake_api, bot, memory, clip_files
):
    fake_api.fail_next("sendVideo", retry_after=1)
    await Renderer(bot, memory).render(clip_out(clip_files))

    attempts = [call for call in fake_api.calls if call.method == "sendVideo"]
    assert [call.status for call in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert len(memory.messages) == 1


async def test_a_429_the_rate_limiter_gave_up_on_is_waited_out_once_more(fake_api, bot, memory):
    fake_api.fail_next("sendMessage", retry_after=1, times=2)
    await Renderer(bot, memory).render(Outgoing(kind="text", chat_id="1001", text="hello"))
    assert [call.status for call in fake_api.calls if call.method == "sendMessage"] == [429, 429, 200]


async def test_progress_is_one_message_edited_in_place_never_with_identical_text(fake_api, bot, memory):
    """(How often is the core's business: bot.pacer, tested in tests/unit/bot/test_pacer.py.)"""
    renderer = Renderer(bot, memory)

    def step(text: str, progress: float | None, done: bool = False) -> Outgoing:
        return Outgoing(kind="progress", chat_id="1001", text=text, progress=progress, progress_key="job:7",
                        done=done)

    for out in [step("Queued: position 2", None), step("Queued: position 2", None), step("Queued: position 1", None),
                step("Rendering 10%", 0.1), step("Rendering 10%", 0.1), step("Rendering 50%", 0.5), step("Rendering 90%", 0.9)]:
        await renderer.render(out)
    await renderer.progress.idle()
    await renderer.render(step("Rendering 90%", 0.9))  # identical to what is shown: no edit at all
    await renderer.render(step("Done in 3 s", 1.0, done=True))
    await renderer.progress.idle()

    created = fake_api.calls_of("sendMessage")
    edits = fake_api.calls_of("editMessageText")
    assert len(created) == 1
    assert all(call.status == 200 for call in fake_api.calls)  # no "message is not modified"
    texts = [call.params["text"] for call in edits]
    assert all(a != b for a, b in zip(["Queued: position 2", *texts], texts, strict=False))
    assert 1 <= len(edits) <= 5 and texts[-1] == "Done in 3 s"
    assert fake_api.sent(created[0])["text"] == "Done in 3 s"
    assert memory.progress_messages == {"job:7": str(fake_api.sent(created[0])["message_id"])}


async def test_message_is_not_modified_from_telegram_is_not_an_error(fake_api, bot, memory):
    renderer = Renderer(bot, memory)
    await renderer.render(Outgoing(kind="progress", chat_id="1001", text="Queued", progress_key="k"))
    shown = fake_api.sent(fake_api.calls_of("sendMessage")[0])
    shown["text"] = "Rendering"  # Telegram already shows it (e.g. an edit whose answer was lost)
    await renderer.render(Outgoing(kind="progress", chat_id="1001", text="Rendering", progress_key="k", done=True))
    await renderer.progress.idle()
    assert [call.status for call in fake_api.calls if call.method == "editMessageText"] == [400]


async def test_an_invoice_asks_for_telegram_stars_without_a_provider_token(fake_api, bot, memory):
    await Renderer(bot, memory).render(Outgoing(kind="invoice", chat_id="1001", text="500 credits for reelbot",
                                                 pack_id="small", title="500 credits", price=50, credits=500))
    call = await fake_api.wait_for("sendInvoice")
    assert call.params["currency"] == "XTR"
    assert call.params.get("provider_token", "") == ""
    assert call.params["payload"] == "small"
    assert call.params["prices"] == [{"label": "500 credits", "amount": 50}]


def test_a_payload_over_64_bytes_never_reaches_telegram():
    markup = keyboard([Button("ok", "loop:12"), Button("too long", "x" * 65)])
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["loop:12"]


def test_text_is_split_on_lines_before_words_and_captions_are_trimmed_on_words():
    text = ("line one is here\n" * 300).strip()
    chunks = split_text(text, limit=100)
    assert all(len(c) <= 100 and c.endswith("here") for c in chunks)
    assert "\n".join(chunks) == text
    assert trim("a" * 10 + " " + "b" * 20, 20) == "a" * 10 + "…"
    assert trim("short", 20) == "short"


async def test_a_toast_outside_a_button_press_is_shown_as_a_message(fake_api, bot, memory):
    await Renderer(bot, memory).render(Outgoing(kind="toast", chat_id="1001", text="not yours"))
    assert fake_api.sent(fake_api.calls_of("sendMessage")[0])["text"] == "not yours"


async def test_a_page_button_is_a_mini_app_button_in_a_private_chat_and_left_out_in_a_group(fake_api, bot, memory):
    buttons = (Button("Open timeline", "", web_app_url="https://bot.example.org/app/"), Button("Help", "help"))
    renderer = Renderer(bot, memory)
    await renderer.render(Outgoing(kind="text", chat_id="1001", text="Card added", buttons=buttons))
    await renderer.render(Outgoing(kind="text", chat_id="-100555", text="Card added", buttons=buttons))

    private, group = fake_api.calls_of("sendMessage")
    [[timeline, helper]] = private.params["reply_markup"]["inline_keyboard"]
    assert timeline == {"text": "Open timeline", "web_app": {"url": "https://bot.example.org/app/"}}
    assert helper["callback_data"] == "help"
    assert [[b["text"] for b in row] for row in group.params["reply_markup"]["inline_keyboard"]] == [["Help"]]
