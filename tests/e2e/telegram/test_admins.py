"""Group admins on Telegram: the adapter asks ``getChatMember`` (cached), so ``/disable`` and ``/enable`` work for
a group's administrators and no one else. The real PTB Application, the real core, the fake Bot API."""

from __future__ import annotations

from tests.e2e.telegram.conftest import running_bot

ADA, BEN, GROUP = 1001, 1002, -100500


def texts_to(api, chat_id: int) -> list[str]:
    return [api.sent(call)["text"] for call in api.calls_of("sendMessage") if int(call.params["chat_id"]) == chat_id]


async def answered(api, text: str) -> str:
    """The next message the bot sends to the group after ``text`` is said there (by whoever the caller pushed)."""
    before = len(texts_to(api, GROUP))
    await api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == GROUP, count=before + 1)
    return texts_to(api, GROUP)[before]


async def test_a_group_admin_disables_and_enables_the_bot_there_and_a_member_cannot(fake_api, settings):
    # Given a group where Ben is an administrator and Ada a member
    fake_api.chat_admins.add((GROUP, BEN))
    group = fake_api.chat(GROUP, group=True)
    ada, ben = fake_api.user(ADA, "Ada"), fake_api.user(BEN, "Ben")
    async with running_bot(settings):
        # When Ben disables the bot, it stops answering the group
        fake_api.push(fake_api.message("/disable", user=ben, chat=group))
        assert await answered(fake_api, "/disable") == "OK"
        fake_api.push(fake_api.message("/balance", user=ada, chat=group))
        # Ada, a member, may not switch it back on
        fake_api.push(fake_api.message("/enable", user=ada, chat=group))
        assert await answered(fake_api, "/enable") == "Only admins can do that."
        # Ben may; then the group is answered again
        fake_api.push(fake_api.message("/enable", user=ben, chat=group))
        assert await answered(fake_api, "/enable") == "OK"
        fake_api.push(fake_api.message("/balance", user=ada, chat=group))
        assert "balance" in await answered(fake_api, "/balance")

    balances = [text for text in texts_to(fake_api, GROUP) if "balance" in text]
    assert len(balances) == 1  # the /balance said while disabled got no answer
    asked = [(int(c.params["chat_id"]), int(c.params["user_id"])) for c in fake_api.calls_of("getChatMember")]
    assert sorted(asked) == [(GROUP, ADA), (GROUP, BEN)]  # each asked about once: their next commands hit the cache


async def test_an_answer_is_trusted_for_a_minute_then_telegram_is_asked_again(fake_api, bot):
    from adapters.telegram.admins import ADMIN_CACHE_S, ChatAdmins

    now = [1000.0]
    admins = ChatAdmins(clock=lambda: now[0])
    assert not await admins.is_admin(bot, GROUP, ADA)
    fake_api.chat_admins.add((GROUP, ADA))  # Ada is promoted
    now[0] += ADMIN_CACHE_S - 1
    assert not await admins.is_admin(bot, GROUP, ADA)  # still the remembered answer
    now[0] += 2
    assert await admins.is_admin(bot, GROUP, ADA)  # asked again
    assert len(fake_api.calls_of("getChatMember")) == 2
