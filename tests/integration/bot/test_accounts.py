"""Defaults, admins, payments and opening clips: the parts of the core that need no GPU work."""

from __future__ import annotations

from tests.integration.bot.test_conversation import texts_of


async def test_my_defaults_are_remembered_and_used_for_the_next_video(service, listen):
    gina = listen("gina")
    assert "9:16 720p" in texts_of(await gina.say("make my default vertical 720p"))
    assert "9:16 720p" in texts_of(await gina.say("settings"))
    queued = texts_of(await gina.say("a fox in the snow"))
    assert "9:16 720p 5s" in queued


async def test_only_admins_grant_credits_and_block_users(service, listen):
    hank, admin = listen("hank"), listen("admin")
    await hank.say("hi")
    assert "Only admins" in texts_of(await hank.say("/grant console:hank 1000"))

    granted = texts_of(await admin.say("/grant console:hank 300 contest prize"))
    assert "Granted 300" in granted
    assert "500 credits" in texts_of(await hank.say("balance"))

    assert "blocked" in texts_of(await admin.say("/block console:hank"))
    assert "can't use this bot" in texts_of(await hank.say("a boat"))
    assert "No such user" in texts_of(await admin.say("/grant console:nobody 5"))


async def test_a_payment_credits_once_however_often_it_is_reported_and_an_admin_refund_takes_it_back(service, listen):
    ivy = listen("ivy")
    await ivy.say("hello")
    assert await service.precheckout("console", "ivy", "small") is None
    assert await service.precheckout("console", "ivy", "no-such-pack") is not None

    first = await service.payment_received("console", "chat-ivy", "ivy", "charge-1", "small", 50, "XTR")
    again = await service.payment_received("console", "chat-ivy", "ivy", "charge-1", "small", 50, "XTR")
    assert "700" in texts_of(first) and again == []

    refused = await service.refund_payment("console", "ivy", "charge-1")
    assert "Only admins" in texts_of(refused)
    refunded = await service.refund_payment("console", "admin", "charge-1")
    assert "500 credits taken back" in texts_of(refunded)
    assert "200 credits" in texts_of(await ivy.say("balance"))
    user_id = (await _ids(service, "ivy"))
    assert await service.ledger.ledger_sum(user_id) == await service.ledger.balance(user_id) == 200


async def test_buy_offers_every_configured_pack_as_an_invoice(service, listen):
    jay = listen("jay")
    invoices = [out for out in await jay.say("buy credits") if out.kind == "invoice"]
    assert [(i.pack_id, i.price, i.credits) for i in invoices] == [
        (p.id, p.stars, p.credits) for p in service.config.credits.packs
    ]


async def test_cancel_with_nothing_running_says_so(service, listen):
    kim = listen("kim")
    assert "Nothing of yours" in texts_of(await kim.say("cancel"))
    assert "Nothing of yours" in texts_of(await kim.say("取消")) or "没有" in texts_of(await kim.say("取消"))


async def _ids(service, name: str) -> int:
    from bot.users import find_user

    async with service.sessions() as session:
        return (await find_user(session, f"console:{name}")).id


async def test_history_pages_through_every_clip_and_a_clip_reopens_by_its_number(service, listen):
    from bot.models import Clip

    lena = listen("lena")
    await lena.say("hi")
    user_id = await _ids(service, "lena")
    async with service.sessions() as session, session.begin():
        for n in range(7):
            session.add(Clip(user_id=user_id, op="generate", prompt=f"scene {n}", path=f"/nowhere/{n}.mp4",
                             settings={"aspect": "16:9", "resolution": "480p", "duration_s": 5}))
    first = texts_of(await lena.say("history"))
    assert "scene 6" in first and "scene 2" in first and "scene 1" not in first and "history 2" in first
    second = texts_of(await lena.say("history 2"))
    assert "scene 1" in second and "scene 0" in second and "scene 2" not in second
    reopened = await lena.say("#3")
    assert reopened[0].kind == "clip" and reopened[0].clip_id == 3 and "scene 2" in reopened[0].text


async def test_a_newcomers_first_press_on_someone_elses_clip_gets_only_the_private_refusal(service, listen):
    from bot.models import Clip

    owner, stranger = listen("owner"), listen("stranger")
    await owner.say("hi")
    async with service.sessions() as session, session.begin():
        clip = Clip(user_id=await _ids(service, "owner"), op="generate", prompt="x", path="/nowhere.mp4")
        session.add(clip)
    outs = await stranger.press(f"remix:{clip.id}")
    assert [out.kind for out in outs] == ["toast"] and "not your clip" in outs[0].text  # no public welcome


async def test_a_chat_admin_can_switch_the_bot_off_and_on_in_their_group(service):
    from bot.messages import Incoming

    def message(text: str, *, admin: bool) -> Incoming:
        return Incoming(platform="console", chat_id="group-1", user_id="mod" if admin else "member", text=text,
                        is_group=True, is_chat_admin=admin)

    assert "Only admins" in texts_of(await service.handle(message("/disable", admin=False)))
    assert texts_of(await service.handle(message("/disable", admin=True))) == "OK"
    assert await service.handle(message("balance", admin=False)) == []
    assert texts_of(await service.handle(message("/enable", admin=True))) == "OK"
    assert "credits" in texts_of(await service.handle(message("balance", admin=False)))


async def test_sharing_posts_the_clip_to_the_showcase_channel_with_its_author(bot_settings, tmp_path):
    import asyncio

    from bot.models import Clip
    from reelbot.app import build_service

    settings = bot_settings.model_copy(update={"showcase_channels": ["console:showcase"]})
    service = await build_service(settings)
    try:
        from tests.integration.bot.conftest import Chat

        mia = Chat(service=service, user="mia")
        await mia.say("hi")
        async with service.sessions() as session, session.begin():
            clip = Clip(user_id=await _ids(service, "mia"), op="generate", prompt="a comet", path="/c.mp4")
            session.add(clip)
        assert "public" in texts_of(await mia.press(f"share:{clip.id}"))
        stream = service.subscribe("console")
        posted = await asyncio.wait_for(anext(stream), 10)
        assert posted.kind == "clip" and posted.chat_id == "showcase" and "mia" in posted.text
        await stream.aclose()
    finally:
        await service.close()
