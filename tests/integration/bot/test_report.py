"""/report on a clip tells every operator, in their own language, through the outbox."""

from __future__ import annotations

import asyncio

from bot.messages import Incoming
from bot.models import Clip
from bot.outbox import Outbox
from bot.report import Reports, report_request
from bot.users import get_or_create_user


def test_report_commands_are_recognised_in_both_languages():
    assert report_request("/report") == (True, None)
    assert report_request("/report@reel_bot #12") == (True, 12)
    assert report_request("/举报 12") == (True, 12)
    assert report_request("report this cat video") == (False, None)


async def test_a_reported_clip_notifies_each_operator_on_their_platform(sessions):
    async with sessions() as session, session.begin():
        owner = await get_or_create_user(session, "telegram", "7")
        await get_or_create_user(session, "telegram", "900", language="zh")  # the operator wrote in Chinese
        clip = Clip(user_id=owner.id, op="generate", prompt="a cat", path="/tmp/c.mp4")
        session.add(clip)
        await session.flush()
    outbox = Outbox()
    reports = Reports(sessions, outbox, ["telegram:900", "discord:901"])
    incoming = Incoming(platform="telegram", chat_id="-100", user_id="8", user_name="Carol", text="/report",
                        reply_to_clip_id=clip.id, is_group=True, message_id="55")

    answer = await reports.report(incoming, "en", None)

    assert [o.text for o in answer] == [f"Thanks, the operators have been told about #{clip.id}."]
    to_telegram, to_discord = await outbox.next("telegram"), await outbox.next("discord")
    assert to_telegram.chat_id == "900" and to_telegram.text.startswith(f"举报：视频 #{clip.id}")
    assert to_discord.chat_id == "901" and f"clip #{clip.id} (by user {owner.id})" in to_discord.text
    assert "telegram:8" in to_discord.text and "telegram:-100" in to_discord.text


async def test_report_without_a_clip_asks_for_one_and_tells_nobody(sessions):
    outbox = Outbox()
    incoming = Incoming(platform="telegram", chat_id="-100", user_id="8", text="/report", is_group=True)

    answer = await Reports(sessions, outbox, ["telegram:900"]).report(incoming, "zh", None)

    assert answer[0].text == "请回复某个视频并发送 /report 来举报。"
    assert outbox.pending("telegram") == 0


async def test_report_in_a_group_conversation_reaches_the_operator(service, listen):
    from bot.users import find_user
    from tests.integration.bot.test_conversation import texts_of

    tom, operator = listen("tom"), listen("admin", chat="admin")
    await tom.say("hi")
    async with service.sessions() as session, session.begin():
        clip = Clip(user_id=(await find_user(session, "console:tom")).id, op="generate", prompt="a cat", path="")
        session.add(clip)
        await session.flush()
    group = Incoming(platform="console", chat_id="group-1", user_id="uma", user_name="uma", text="/report",
                     reply_to_clip_id=clip.id, is_group=True)

    thanks = texts_of(await service.handle(group))

    assert f"told about #{clip.id}" in thanks
    for _ in range(100):
        if operator.later:
            break
        await asyncio.sleep(0.05)
    assert [out.text for out in operator.later] == [
        f"Report: clip #{clip.id} (by user {clip.user_id}) was reported by console:uma in console:group-1."]
