"""Orders from buttons (bot.jobs) on the real core: a pressed Remix asks its question as an ``ask`` (each platform
asks its own way), and the next message answers it."""

from __future__ import annotations

from bot.models import Clip


async def _owner_id(service, name: str) -> int:
    from bot.messages import Incoming

    return (await service.turn(Incoming(platform="console", chat_id=f"chat-{name}", user_id=name))).user.id


async def test_a_pressed_remix_asks_for_the_change_and_the_next_message_orders_it(service, listen):
    ann = listen("ann")
    await ann.say("hi")
    async with service.sessions() as session, session.begin():
        clip = Clip(user_id=await _owner_id(service, "ann"), op="generate", prompt="a red car on a road",
                    path="/nowhere.mp4", settings={"aspect": "16:9", "resolution": "480p"}, duration_s=2.0)
        session.add(clip)

    (asked,) = await ann.press(f"remix:{clip.id}")
    assert asked.kind == "ask" and asked.ask_about == f"remix:{clip.id}" and f"#{clip.id}" in asked.text

    (queued,) = await ann.say("make it green")
    assert queued.kind == "progress" and queued.progress_key.startswith("job:")
    job = await service.queue.get(int(queued.progress_key.split(":")[1]))
    assert job.op == "remix" and "green car" in job.spec["prompt"] and job.meta["parents"] == [clip.id]
    await ann.say("cancel")


async def test_a_button_on_a_clip_that_does_not_exist_is_a_private_note_not_a_message(service, listen):
    bob = listen("bob")
    await bob.say("hi")
    (note,) = await bob.press("extend:999999")
    assert note.kind == "toast"
