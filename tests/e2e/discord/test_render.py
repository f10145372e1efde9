"""Rendering the core's answers on Discord, with a scripted core: deferral, progress, clips, limits, buttons."""

from __future__ import annotations

from pathlib import Path

from adapters.discord import render
from bot.messages import Button, Outgoing
from tests.e2e.discord.conftest import ScriptedCore, running
from tests.e2e.discord.fake_discord import CALLBACK_DEFERRED, CALLBACK_MESSAGE, CALLBACK_MODAL, EPHEMERAL

CLIP_BUTTONS = tuple(Button(label=label, payload=f"{action}:7") for action, label in
                     [("remix", "Remix"), ("recut", "Re-cut"), ("extend", "Extend"), ("loop", "Loop"),
                      ("var", "Variations"), ("share", "Share")])


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def clip_out(chat_id: str, path: Path, clip_id: int = 7) -> Outgoing:
    return Outgoing(kind="clip", chat_id=chat_id, text=f"#{clip_id} \u00b7 video: a cat \u00b7 9:16 5 s \u00b7 3 credits",
                    clip_id=clip_id, clip_path=str(path), buttons=CLIP_BUTTONS, width=128, height=128,
                    duration_s=1.0)


async def test_a_slash_command_is_deferred_then_progress_edits_the_original_response_then_the_clip_follows(
    settings, fake, noisy_clip
):
    core = ScriptedCore(lambda i: [Outgoing(kind="progress", chat_id=i.chat_id, progress_key="job:1",
                                            text="Queued #1 \u2014 video",
                                            buttons=(Button("Cancel", "cancel:1"),))])
    async with running(settings, fake, core):
        command = fake.slash_command("video", {"prompt": "a cat", "aspect": "9:16", "duration": 5},
                                     user=fake.alice, size_limit=5 * 1024 * 1024)
        await fake.dispatch("INTERACTION_CREATE", command)
        original = await fake.wait_until(lambda: fake.interactions[command["id"]].original_message_id)
        await fake.wait_until(lambda: len(fake.versions(original)) >= 2)
        assert fake.callbacks(command)[0]["type"] == CALLBACK_DEFERRED
        assert core.received[0].text == "/video a cat, 9:16, 5 s"
        assert fake.messages[original]["content"] == "Queued #1 \u2014 video"
        assert custom_ids(fake.messages[original]) == ["reelbot:cancel:1"]

        for text in ("\u2593\u2591 40% \u2014 video", "\u2593\u2591 40% \u2014 video", "\u2593\u2593 90% \u2014 video"):
            core.publish(Outgoing(kind="progress", chat_id=str(fake.channel_id), progress_key="job:1", text=text,
                                  buttons=(Button("Cancel", "cancel:1"),)))
        core.publish(Outgoing(kind="progress", chat_id=str(fake.channel_id), progress_key="job:1",
                              text="Done \u2014 video", done=True))
        core.publish(clip_out(fake.channel_id, noisy_clip))
        clip = await fake.wait_for_message(lambda m: m["attachments"])

        contents = [m["content"] for m in fake.versions(original)]
        assert contents[-3:] == ["\u2593\u2591 40% \u2014 video", "\u2593\u2593 90% \u2014 video", "Done \u2014 video"]
        assert fake.messages[original]["components"] == []  # no Cancel once done
        assert clip["id"] != original and clip["attachments"][0]["filename"] == "reelbot-7.mp4"
        assert clip["embeds"][0]["title"] == "#7" and "3 credits" in clip["embeds"][0]["description"]
        assert custom_ids(clip) == [f"reelbot:{b.payload}" for b in CLIP_BUTTONS]
        assert ("discord", fake.channel_id, clip["id"], 7) in core.remembered


async def test_a_clip_over_the_interactions_upload_limit_is_refused_in_words_never_re_encoded(settings, fake, noisy_clip):
    limit = noisy_clip.stat().st_size // 3  # the worker encodes to the order's limit; this clip broke it
    core = ScriptedCore(lambda i: [clip_out(i.chat_id, noisy_clip)])
    async with running(settings, fake, core):
        command = fake.slash_command("history", user=fake.alice, size_limit=limit)
        await fake.dispatch("INTERACTION_CREATE", command)
        await fake.wait_until(lambda: any("the limit is" in (m.get("content") or "") for m in fake.messages.values()))
        assert not [m for m in fake.messages.values() if m["attachments"]]
        assert not list(noisy_clip.parent.glob("*.fit*"))


async def test_long_text_is_split_into_messages_of_at_most_2000_characters(settings, fake):
    text = "\n".join(f"#{n} \u00b7 a clip about a very patient cat number {n}" for n in range(120))
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text=text)])
    async with running(settings, fake, core):
        command = fake.slash_command("history", user=fake.alice)
        await fake.dispatch("INTERACTION_CREATE", command)
        await fake.wait_until(lambda: sum(len(m["content"]) for m in fake.messages.values()) >= len(text) - 200)
        parts = [m["content"] for m in fake.messages.values()]
        assert len(parts) >= 3 and all(len(p) <= 2000 for p in parts)
        assert "\n".join(parts) == text


async def test_a_refusal_to_a_slash_command_is_ephemeral(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="toast", chat_id=i.chat_id, text="That's not your clip.")])
    async with running(settings, fake, core):
        command = fake.slash_command("loop", {"clip": 3}, user=fake.bob)
        await fake.dispatch("INTERACTION_CREATE", command)
        note = await fake.wait_for_message(lambda m: m["content"] == "That's not your clip.")
        assert note["flags"] & EPHEMERAL
        await fake.wait_until(lambda: fake.interactions[command["id"]].original_message_id not in fake.messages)


async def test_a_button_press_reaches_the_core_and_a_toast_answers_only_the_presser(settings, fake, noisy_clip):
    core = ScriptedCore(lambda i: [clip_out(i.chat_id, noisy_clip)] if not i.button else
                        [Outgoing(kind="toast", chat_id=i.chat_id, text="That's not your clip.")])
    async with running(settings, fake, core):
        await fake.dispatch("INTERACTION_CREATE", fake.slash_command("history", user=fake.alice))
        clip = await fake.wait_for_message(lambda m: m["attachments"])
        press = fake.button_press(clip, "reelbot:extend:7", user=fake.bob)
        await fake.dispatch("INTERACTION_CREATE", press)
        await fake.wait_until(lambda: fake.callbacks(press))
        answer = fake.callbacks(press)[0]
        assert answer["type"] == CALLBACK_MESSAGE and answer["data"]["flags"] & EPHEMERAL
        assert core.received[-1].button == "extend:7" and core.received[-1].user_id == fake.bob["id"]


async def test_remix_asks_for_the_change_in_a_modal_whose_answer_goes_to_the_core(settings, fake, noisy_clip):
    def answer(incoming):
        if incoming.button:
            return [Outgoing(kind="ask", chat_id=incoming.chat_id, text="What should change in #7?",
                             ask_about="remix:7")]
        return [Outgoing(kind="text", chat_id=incoming.chat_id, text=f"ok: {incoming.text}")]

    core = ScriptedCore(answer)
    async with running(settings, fake, core):
        button = {"type": 2, "style": 1, "label": "Remix", "custom_id": "reelbot:remix:7"}
        message = fake._create(fake.channel_id, {"content": "clip", "components": [{"type": 1, "components": [button]}]},
                               {})
        press = fake.button_press(message, "reelbot:remix:7", user=fake.alice)
        await fake.dispatch("INTERACTION_CREATE", press)
        await fake.wait_until(lambda: fake.callbacks(press))
        modal = fake.callbacks(press)[0]
        assert modal["type"] == CALLBACK_MODAL and "#7" in modal["data"]["title"]
        field = modal["data"]["components"][0]["components"][0]
        submit = fake.modal_submit(modal["data"], {field["custom_id"]: "make it night"}, user=fake.alice)
        await fake.dispatch("INTERACTION_CREATE", submit)
        await fake.wait_for_message(lambda m: m["content"] == "ok: make it night")
        assert core.received[-1].text == "make it night" and core.received[-1].button is None


async def test_a_mention_reaches_the_core_but_chatter_without_one_does_not(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text="on it",
                                            reply_to_message_id=i.message_id)])
    async with running(settings, fake, core):
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("nice weather today", user=fake.bob))
        mention = fake.user_message("a fox in the snow, vertical", user=fake.alice, mention_bot=True)
        await fake.dispatch("MESSAGE_CREATE", mention)
        reply = await fake.wait_for_message(lambda m: m["content"] == "on it")
        assert [i.text for i in core.received] == ["a fox in the snow, vertical"]
        sent = next(r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages"))
        assert str(sent.json["message_reference"]["message_id"]) == mention["id"]
        assert reply["channel_id"] == fake.channel_id


async def test_a_direct_message_needs_no_mention(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text="hello")])
    async with running(settings, fake, core):
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a cat", user=fake.alice, dm=True))
        await fake.wait_for_message(lambda m: m["content"] == "hello")
        assert core.received[0].is_group is False


async def test_direct_messages_are_ignored_when_the_operator_keeps_the_bot_to_servers(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text="hello")])
    settings = settings.model_copy(update={"discord_dms_allowed": False})
    async with running(settings, fake, core):
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a cat", user=fake.alice, dm=True))
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a dog", user=fake.alice, mention_bot=True))
        await fake.wait_for_message(lambda m: m["content"] == "hello")
        assert [i.text for i in core.received] == ["a dog"]


async def test_after_the_interaction_token_expires_results_arrive_as_channel_messages(
    settings, fake, noisy_clip, monkeypatch
):
    core = ScriptedCore(lambda i: [Outgoing(kind="progress", chat_id=i.chat_id, progress_key="job:2", text="Queued")])
    async with running(settings, fake, core):
        command = fake.slash_command("video", {"prompt": "a cat"}, user=fake.alice)
        await fake.dispatch("INTERACTION_CREATE", command)
        original = await fake.wait_until(lambda: fake.interactions[command["id"]].original_message_id)
        await fake.wait_until(lambda: fake.messages[original]["content"] == "Queued")
        monkeypatch.setattr(render, "TOKEN_LIFETIME_S", 0)
        core.publish(Outgoing(kind="progress", chat_id=fake.channel_id, progress_key="job:2", text="Done", done=True))
        core.publish(clip_out(fake.channel_id, noisy_clip))
        await fake.wait_for_message(lambda m: m["attachments"])
        late = [r for r in fake.requests if r.at and "/webhooks/" in r.path and r.method != "GET"]
        channel_calls = [(r.method, r.path) for r in fake.requests if r.path.startswith("/channels/")]
        assert ("PATCH", f"/channels/{fake.channel_id}/messages/{original}") in channel_calls
        assert ("POST", f"/channels/{fake.channel_id}/messages") in channel_calls
        assert all(r.method == "PATCH" for r in late)  # only the early edit used the token


async def test_progress_after_a_restart_edits_the_board_sent_before_it_instead_of_posting_another(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="progress", chat_id=i.chat_id, progress_key="job:3", text="Queued")])
    async with running(settings, fake, core):
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a cat", user=fake.alice, mention_bot=True))
        board = await fake.wait_for_message(lambda m: m["content"] == "Queued")
    assert core.boards == {("discord", "job:3"): board["id"]}

    async with running(settings, fake, core):
        after = len(fake.history)
        for text, done in (("\u2593\u2591 50%", False), ("Done", True)):
            core.publish(Outgoing(kind="progress", chat_id=fake.channel_id, progress_key="job:3", text=text,
                                  done=done))
        await fake.wait_until(lambda: fake.messages[board["id"]]["content"] == "Done")
        assert [m["content"] for m in fake.versions(board["id"])][-2:] == ["\u2593\u2591 50%", "Done"]
        assert not [m for _, m in fake.history[after:] if m["id"] != board["id"]], "a second board was posted"
        await fake.wait_until(lambda: not core.boards)  # final: nothing will edit it again


async def test_a_board_deleted_before_a_restart_is_posted_anew(settings, fake):
    core = ScriptedCore()
    core.boards["discord", "job:4"] = "999999"  # a message that no longer exists
    async with running(settings, fake, core):
        core.publish(Outgoing(kind="progress", chat_id=fake.channel_id, progress_key="job:4", text="40%"))
        fresh = await fake.wait_for_message(lambda m: m["content"] == "40%")
        await fake.wait_until(lambda: core.boards.get(("discord", "job:4")) == fresh["id"])


async def test_server_rules_in_settings_are_refused_to_members_who_cannot_manage_the_server(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text="OK")])
    async with running(settings, fake, core):
        member = fake.slash_command("settings", {"channel_allowed": False}, user=fake.bob)
        await fake.dispatch("INTERACTION_CREATE", member)
        await fake.wait_until(lambda: fake.callbacks(member))
        refusal = fake.callbacks(member)[0]
        assert refusal["data"]["flags"] & EPHEMERAL and "admins" in refusal["data"]["content"]
        assert core.received == []

        admin = fake.slash_command("settings", {"channel_allowed": False}, user=fake.admin, admin=True)
        await fake.dispatch("INTERACTION_CREATE", admin)
        await fake.wait_for_message(lambda m: m["content"] == "OK")
        assert core.received[-1].text == "/disable" and core.received[-1].user_id == fake.admin["id"]
        assert core.received[-1].is_chat_admin is True


async def test_animate_downloads_the_picture_and_hands_it_to_the_core_as_an_image(settings, fake):
    core = ScriptedCore(lambda i: [Outgoing(kind="text", chat_id=i.chat_id, text="got it")])
    picture = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    aid = fake.new_id()
    fake.files[aid] = picture
    attachment = {"id": aid, "filename": "cat photo.png", "size": len(picture), "content_type": "image/png",
                  "url": f"{fake.base}/attachments/{aid}/cat.png", "proxy_url": f"{fake.base}/attachments/{aid}/cat.png"}
    async with running(settings, fake, core):
        command = fake.slash_command("animate", {"image": aid, "prompt": "it waves"}, user=fake.alice,
                                     attachments={"image": attachment})
        await fake.dispatch("INTERACTION_CREATE", command)
        await fake.wait_for_message(lambda m: m["content"] == "got it")
        incoming = core.received[0]
        assert incoming.text == "/animate it waves"
        assert incoming.attachments[0].kind == "image"
        assert Path(incoming.attachments[0].path).read_bytes() == picture
