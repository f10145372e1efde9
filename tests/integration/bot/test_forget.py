"""Forget me: after ``reelbot forget telegram:123`` no table holds that user's prompts, files or identity, the
ledger still balances, and their files are gone (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

import bot.models  # noqa: F401  (every table on the metadata)
import engine.queue.models  # noqa: F401
from bot.credits import Ledger
from bot.errors import UserError
from bot.forget import forget_user
from bot.forgotten import was_forgotten
from bot.models import Chat, Clip, ClipMessage, CreditEntry, Payment, ProgressMessage, Storyboard, User
from bot.users import get_or_create_user
from engine.db import metadata
from engine.queue.models import QUEUED, SUCCEEDED, Job

REELBOT = str(Path(sys.executable).with_name("reelbot"))
STATE = Chat.__table__.c["settings"]
#: Words only the forgotten user's data contains.
SECRETS = ("Zebrafan", "zebra secret", "telegram:123")


def a_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00" * 64)
    return str(path)


async def a_user_with_everything(sessions, media: Path) -> dict:
    """Alice (telegram:123) with clips, files, jobs, drafts, chats and ledger lines; Bob (discord:555) beside her,
    with a shared clip Alice remixed and a clip remixed from hers."""
    ledger = Ledger(sessions)
    card_image = a_file(media / "miniapp" / "123" / "card.jpg")  # a Mini App upload
    async with sessions() as session, session.begin():
        alice = await get_or_create_user(session, "telegram", "123", display_name="Alice Zebrafan")
        bob = await get_or_create_user(session, "discord", "555", display_name="Bob")
        private = Chat(platform="telegram", external_id="123")
        group = Chat(platform="telegram", external_id="-100777", is_group=True)
        session.add_all([private, group])
        await session.flush()
        bobs_shared = Clip(user_id=bob.id, op="generate", prompt="a red ball", public=True,
                           path=a_file(media / "clips" / "bob-shared.mp4"))
        session.add(bobs_shared)
        await session.flush()
        job = Job(owner=str(alice.id), op="remix", status=SUCCEEDED,
                  spec={"op": "remix", "prompt": "zebra secret remix", "source": bobs_shared.path,
                        "image": a_file(media / "incoming" / "telegram" / "photo-123.jpg")},
                  meta={"platform": "telegram", "chat_id": "123", "user_key": "telegram:123",
                        "user_name": "Alice Zebrafan", "prompt": "zebra secret remix", "reservation": "job:telegram:123:ab"},
                  result=[{"path": str(media / "clips" / "alice-1.mp4")}])
        session.add(job)
        await session.flush()
        hers = Clip(user_id=alice.id, job_id=job.id, op="remix", prompt="zebra secret remix", public=True,
                    parent_clip_id=bobs_shared.id, path=a_file(media / "clips" / "alice-1.mp4"),
                    thumbnail_path=a_file(media / "clips" / "alice-1.jpg"), file_ids={"telegram": "BAADzebra"})
        session.add(hers)
        await session.flush()
        bobs_remix = Clip(user_id=bob.id, op="remix", prompt="a blue ball", parent_clip_id=hers.id,
                          path=a_file(media / "clips" / "bob-remix.mp4"))
        session.add(bobs_remix)
        group.focus_clip_id = hers.id
        session.add_all([
            Storyboard(chat_id=group.id, user_id=alice.id, cards=[{"at": 0, "prompt": "zebra secret card"},
                                                                  {"at": 2, "prompt": "", "image": card_image}]),
            ClipMessage(platform="telegram", chat_external_id="-100777", message_id="m1", clip_id=hers.id),
            ProgressMessage(platform="telegram", progress_key=f"job:{job.id}", chat_external_id="123", message_id="m2"),
            Payment(user_id=alice.id, provider="telegram", charge_id="charge-1", pack_id="p", credits=100, amount=50,
                    currency="XTR"),
        ])
        await session.flush()
        await session.execute(update(STATE.table).where(STATE.table.c.id == group.id).values({STATE: {
            "pending": {"user": alice.id, "action": "remix", "clip": hers.id},
            "confirm": {"a": {"user": alice.id, "prompt": "zebra secret quote"}, "b": {"user": bob.id, "prompt": "bob"}},
        }}))
        await session.execute(update(STATE.table).where(STATE.table.c.id == private.id).values({STATE: {
            "pending": {"user": alice.id, "action": "recut", "clip": hers.id}}}))
    await ledger.grant(alice.id, 50, key=f"welcome:{alice.id}", kind="welcome", reason="welcome")
    await ledger.grant(alice.id, 100, key="purchase:charge-1", kind="purchase", reason="pack p for telegram:123")
    await ledger.reserve(alice.id, 10, key="job:telegram:123:ab", job_id=job.id)
    await ledger.settle("job:telegram:123:ab", delivered=1, total=1)
    await ledger.grant(bob.id, 30, key=f"welcome:{bob.id}", kind="welcome")
    return {"alice": alice.id, "bob": bob.id, "group": group.id, "bobs_shared": bobs_shared.id,
            "bobs_remix": bobs_remix.id, "files": [hers.path, hers.thumbnail_path, job.spec["image"], card_image],
            "kept_files": [bobs_shared.path, bobs_remix.path], "secrets": SECRETS + (hers.path, job.spec["image"])}


async def every_cell(sessions) -> dict[str, list[str]]:
    """Every table on the metadata, every row, every cell as text."""
    cells: dict[str, list[str]] = {}
    async with sessions() as session:
        for table in metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            cells[table.name] = [json.dumps(v, default=str) if isinstance(v, dict | list) else str(v)
                                 for row in rows for v in row]
    return cells


async def test_reelbot_forget_leaves_no_trace_of_the_user_in_any_table_and_keeps_the_ledger_balanced(
        sessions, database_url, tmp_path):
    # Given a user with clips, files, jobs, a draft, chat state, a payment and ledger lines
    media = tmp_path / "media"
    made = await a_user_with_everything(sessions, media)
    before = await every_cell(sessions)
    assert any("zebra secret" in cell for cells in before.values() for cell in cells)  # the check can see them

    # When the operator runs reelbot forget
    env = {**os.environ, "REELBOT_DATABASE_URL": database_url, "REELBOT_MEDIA_DIR": str(media),
           "REELBOT_CONFIG": str(tmp_path / "none.toml")}
    done = subprocess.run([REELBOT, "forget", "telegram:123", "--yes"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)

    # Then no cell of any table holds their prompts, name, identity or files
    assert done.returncode == 0, done.stderr
    assert "1 clip(s)" in done.stdout and "4 file(s)" in done.stdout
    after = await every_cell(sessions)
    assert {"user", "platform_identity", "chat", "credit_entry", "job", "clip", "storyboard", "clip_message",
            "progress_message", "payment", "forgotten_identity"} <= set(after)
    leaks = [(table, cell) for table, cells in after.items() for cell in cells
             if cell == "123" or any(secret in cell for secret in made["secrets"])]
    assert leaks == []
    # ... the ledger still balances, for the anonymous shell and for everyone
    async with sessions() as session:
        shell = await session.get(User, made["alice"])
        lines = (await session.execute(select(func.sum(CreditEntry.amount)).where(CreditEntry.user_id == shell.id)))
        assert shell.balance == lines.scalar_one() == 140 and shell.blocked and shell.display_name == ""
        total_balance = (await session.execute(select(func.sum(User.balance)))).scalar_one()
        total_lines = (await session.execute(select(func.sum(CreditEntry.amount)))).scalar_one()
        assert total_balance == total_lines == 170
        # ... Bob's clips stay, his remix of hers now has no parent, and his quote in the group stays
        bobs_remix = await session.get(Clip, made["bobs_remix"])
        assert bobs_remix is not None and bobs_remix.parent_clip_id is None
        assert await session.get(Clip, made["bobs_shared"]) is not None
        state = (await session.execute(select(STATE).where(STATE.table.c.id == made["group"]))).scalar_one()
        assert state == {"confirm": {"b": {"user": made["bob"], "prompt": "bob"}}}
        assert (await session.execute(select(func.count()).select_from(Chat))).scalar_one() == 1
        assert await was_forgotten(session, "telegram", "123")
        assert not await was_forgotten(session, "discord", "555")
    # ... their files are gone, and Bob's (even the one her job used as its source) are not
    assert [path for path in made["files"] if Path(path).exists()] == []
    assert all(Path(path).exists() for path in made["kept_files"])
    # ... and a second time there is nobody to forget
    assert await forget_user(sessions, "telegram:123", media_dir=media) is None


async def test_a_user_with_a_job_still_queued_is_refused_and_nothing_is_deleted(sessions, tmp_path):
    async with sessions() as session, session.begin():
        user = await get_or_create_user(session, "telegram", "123", display_name="Alice Zebrafan")
        session.add(Job(owner=str(user.id), op="generate", status=QUEUED, spec={"prompt": "zebra secret"}))

    with pytest.raises(UserError) as refused:
        await forget_user(sessions, "telegram:123", media_dir=tmp_path)

    assert refused.value.code == "forget_busy" and refused.value.params == {"jobs": 1}
    async with sessions() as session:
        assert (await session.get(User, user.id)).display_name == "Alice Zebrafan"
        assert not await was_forgotten(session, "telegram", "123")


async def test_forgetting_someone_who_never_wrote_says_so(sessions, tmp_path):
    assert await forget_user(sessions, "discord:999", media_dir=tmp_path) is None


async def test_forget_in_a_chat_asks_first_then_a_later_message_starts_afresh_without_a_second_welcome_grant(
        service, listen):
    from tests.integration.bot.test_conversation import texts_of

    olga, other = listen("olga"), listen("pete")
    assert "200 credits" in texts_of(await olga.say("balance"))

    asked = await olga.say("/forget")
    yes = next(button.payload for out in asked for button in out.buttons if button.payload.startswith("forget:yes"))
    assert "deletes your clips" in texts_of(asked)
    assert "someone else" in texts_of(await other.press(yes))  # only the asker can confirm
    assert "forgotten you" in texts_of(await olga.press(yes))

    again = texts_of(await olga.say("balance"))
    assert "0 credits" in again and "200" not in again
    async with service.sessions() as session:
        assert await was_forgotten(session, "console", "olga")


async def test_forget_in_chinese_can_be_declined(service, listen):
    from tests.integration.bot.test_conversation import texts_of

    quinn = listen("quinn")
    asked = await quinn.say("忘记我")
    no = next(button.payload for out in asked for button in out.buttons if button.payload.startswith("forget:no"))

    assert "永久删除" in texts_of(asked)
    assert texts_of(await quinn.press(no)) == "没有删除任何内容。"  # a press answers in the user's last language
    assert "200 credits" in texts_of(await quinn.say("balance"))


async def test_reelbot_forget_asks_first_and_deletes_nothing_when_told_no(sqlite_url, tmp_path):
    from engine.db import make_engine, make_sessionmaker
    from reelbot.migrate import upgrade_database

    upgrade_database(sqlite_url)
    engine = make_engine(sqlite_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await get_or_create_user(session, "telegram", "123", display_name="Alice Zebrafan")
    env = {**os.environ, "REELBOT_DATABASE_URL": sqlite_url, "REELBOT_MEDIA_DIR": str(tmp_path),
           "REELBOT_CONFIG": str(tmp_path / "none.toml")}

    declined = subprocess.run([REELBOT, "forget", "telegram:123"], input="n\n", env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    bad_key = subprocess.run([REELBOT, "forget", "myspace:1", "--yes"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)

    assert declined.returncode == 1 and "nothing deleted" in declined.stdout
    assert bad_key.returncode == 2 and "platform:id" in bad_key.stderr
    async with sessions() as session:
        assert (await session.execute(select(User.display_name))).scalars().all() == ["Alice Zebrafan"]
    await engine.dispose()
