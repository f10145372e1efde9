"""The Mini App's JSON API with aiohttp's client: who may call it, and the board it edits is the chat's draft."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from bot.messages import Incoming
from bot.models import Storyboard, User
from engine.queue.models import Job
from tests.e2e.miniapp.conftest import MAX_AGE_S, tma


def api_routes(root) -> list[tuple[str, str]]:
    """Every (method, path) the server answers under /app/api/, path parameters filled in."""
    found = []
    for route in root.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if "/app/api/" in path and route.method != "HEAD":
            found.append((route.method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(set(found))


async def counts(service) -> tuple[int, int, int]:
    async with service.sessions() as session:
        return tuple([
            (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for model in (User, Storyboard, Job)
        ])


def test_the_api_has_the_routes_the_editor_uses(root):
    assert api_routes(root) == [
        ("DELETE", "/app/api/board/cards/1"),
        ("GET", "/app/api/board"),
        ("GET", "/app/api/board/quote"),
        ("GET", "/app/api/me"),
        ("PATCH", "/app/api/board/cards/1"),
        ("POST", "/app/api/board/cards"),
        ("POST", "/app/api/board/image-cards"),
        ("POST", "/app/api/board/render"),
        ("PUT", "/app/api/board/shape"),
    ]


async def test_every_api_route_refuses_missing_forged_or_stale_init_data_and_touches_nothing(root, client, service, init_data):
    valid = init_data(7001)
    forged = valid.replace("7001", "7002")  # the same signature on another user
    stale = init_data(7001, age_s=MAX_AGE_S + 60)
    other_bot = init_data(7001, token="999:another-bot")
    refusals = {
        "missing": {},
        "empty": tma(""),
        "wrong scheme": {"Authorization": f"Bearer {valid}"},
        "forged": tma(forged),
        "stale": tma(stale),
        "another bot": tma(other_bot),
    }
    routes = api_routes(root)
    assert len(routes) >= 9
    for method, path in routes + [("GET", "/app/api/no-such-route")]:
        for name, headers in refusals.items():
            response = await client.request(method, path, headers=headers, json={"at": 1, "prompt": "x", "to": 2})
            assert response.status == 401, (method, path, name, response.status)
            assert (await response.json())["error"] == "unauthorized"
    assert await counts(service) == (0, 0, 0)


async def test_me_gives_the_users_id_language_and_balance(client, init_data):
    response = await client.get("/app/api/me", headers=tma(init_data(7001, "zh-hans")))
    assert response.status == 200
    me = await response.json()
    assert me["user_id"] == "7001" and me["language"] == "zh" and me["balance"] == 200  # the welcome grant


async def test_cards_added_moved_edited_and_removed_in_the_app_are_the_chats_draft(client, service, init_data):
    headers = tma(init_data(7001))
    chat = Incoming(platform="telegram", chat_id="7001", user_id="7001", user_name="user7001")
    from dataclasses import replace

    await service.handle(replace(chat, text="add a card at 0s: a seed in the soil"))

    board = await (await client.get("/app/api/board", headers=headers)).json()
    assert [(c["at"], c["prompt"]) for c in board["cards"]] == [(0.0, "a seed in the soil")]
    assert board["duration_s"] == 5 and board["price"] == 25  # as the chat would price it: 5 s at 480p

    response = await client.post("/app/api/board/cards", headers=headers, json={"at": 3, "prompt": "a sprout"})
    assert response.status == 201
    response = await client.patch("/app/api/board/cards/3", headers=headers, json={"to": 4.5, "prompt": "a tree"})
    board = await response.json()
    assert [(c["at"], c["prompt"]) for c in board["cards"]] == [(0.0, "a seed in the soil"), (4.5, "a tree")]
    assert board["duration_s"] == 10 and not board["duration_chosen"]

    shown = await service.handle(replace(chat, text="show the storyboard"))
    assert "4.5s: a tree" in shown[0].text  # the chat sees the app's edit

    response = await client.put("/app/api/board/shape", headers=headers,
                                json={"aspect": "9:16", "resolution": "720p", "duration_s": 8})
    board = await response.json()
    assert (board["aspect"], board["resolution"], board["duration_s"], board["duration_chosen"]) == ("9:16", "720p", 8, True)
    quote = await (await client.get("/app/api/board/quote", headers=headers)).json()
    assert quote == {"price": board["price"], "balance": 200} and board["price"] == 8 * 16  # 720p, not square: 16 a second

    response = await client.delete("/app/api/board/cards/0", headers=headers)
    assert [c["at"] for c in (await response.json())["cards"]] == [4.5]


@pytest.mark.parametrize(
    ("method", "path", "body", "words"),
    [
        ("PATCH", "/app/api/board/cards/9", {"prompt": "x"}, "no card at 9"),
        ("POST", "/app/api/board/cards", {"at": 30, "prompt": "too late"}, "past the end"),
        ("POST", "/app/api/board/cards", {"at": "soon", "prompt": "x"}, "number"),
        ("POST", "/app/api/board/cards", {"at": 1, "prompt": "  "}, "Tell me what to make"),
        ("PUT", "/app/api/board/shape", {"aspect": "4:3"}, "aspect must be"),
        ("PUT", "/app/api/board/shape", {"duration_s": 60}, "duration must be"),
        ("POST", "/app/api/board/render", None, "storyboard is empty"),
    ],
)
async def test_bad_edits_get_the_users_words_and_change_nothing(client, service, init_data, method, path, body, words):
    headers = tma(init_data(7001))
    await client.post("/app/api/board/cards", headers=headers, json={"at": 1, "prompt": "a cat"})
    if path.endswith("render"):
        await client.delete("/app/api/board/cards/1", headers=headers)
    before = await (await client.get("/app/api/board", headers=headers)).json()
    response = await client.request(method, path, headers=headers, json=body)
    assert response.status == 400
    assert words in (await response.json())["message"]
    assert await (await client.get("/app/api/board", headers=headers)).json() == before


async def test_errors_are_worded_in_the_users_language(client, init_data):
    response = await client.patch("/app/api/board/cards/9", headers=tma(init_data(7003, "zh")), json={"prompt": "x"})
    assert response.status == 400 and "第 9 秒已经没有卡片了" in (await response.json())["message"]


async def test_render_queues_the_board_as_the_chats_storyboard_and_the_chat_sees_its_progress(client, service, init_data):
    headers = tma(init_data(7001))
    await client.post("/app/api/board/cards", headers=headers, json={"at": 0, "prompt": "a red ball"})
    await client.post("/app/api/board/cards", headers=headers, json={"at": 2, "prompt": "a blue ball"})
    await client.put("/app/api/board/shape", headers=headers, json={"duration_s": 4})

    response = await client.post("/app/api/board/render", headers=headers)
    assert response.status == 202
    rendered = await response.json()
    assert rendered["price"] == 20 and rendered["balance"] == 200 - 20

    job = await service.queue.get(rendered["job_id"])
    assert job.spec["op"] == "storyboard"
    assert [(c["at_s"], c["prompt"]) for c in job.spec["cards"]] == [(0.0, "a red ball"), (2.0, "a blue ball")]
    assert job.spec["settings"]["duration_s"] == 4
    progress = await service.outbox.next("telegram")
    assert progress.kind == "progress" and progress.chat_id == "7001" and progress.progress_key == f"job:{job.id}"
    board = await (await client.get("/app/api/board", headers=headers)).json()
    assert board["cards"] == []  # rendered: the next card starts a new draft, as in the chat


def png_bytes(color: str = "orange") -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_a_picture_card_is_kept_under_the_media_dir_and_pinned_in_the_rendered_job(client, service, init_data):
    from aiohttp import FormData

    headers = tma(init_data(7001))
    await client.post("/app/api/board/cards", headers=headers, json={"at": 0, "prompt": "a quiet street"})
    form = FormData()
    form.add_field("at", "2")
    form.add_field("prompt", "")
    form.add_field("image", png_bytes(), filename="cat.png", content_type="image/png")
    response = await client.post("/app/api/board/image-cards", headers=headers, data=form)
    assert response.status == 201, await response.text()
    board = await response.json()
    assert [(c["at"], c["image"]) for c in board["cards"]] == [(0.0, False), (2.0, True)]

    rendered = await (await client.post("/app/api/board/render", headers=headers)).json()
    job = await service.queue.get(rendered["job_id"])
    picture = job.spec["cards"][1]["image"]
    assert picture.startswith(str(service.config.media_dir)) and picture.endswith(".png")


async def test_a_file_that_is_not_a_picture_is_refused_in_words_and_not_kept(client, service, init_data):
    from aiohttp import FormData

    form = FormData()
    form.add_field("at", "1")
    form.add_field("image", b"%PDF-1.4 not a picture", filename="notes.png", content_type="image/png")
    response = await client.post("/app/api/board/image-cards", headers=tma(init_data(7001)), data=form)
    assert response.status == 400
    assert "image" in (await response.json())["message"].lower() or "picture" in (await response.json())["message"].lower()
    folder = service.config.media_dir / "miniapp" / "7001"
    assert not folder.exists() or not any(folder.iterdir())
