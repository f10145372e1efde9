"""The timeline editor in a real headless Chromium at a phone's size: drag a card, edit a text, render.

Screenshots are kept under ``tests/artifacts/`` (ignored by git) for people to look at.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestServer
from sqlmodel import select

from bot.messages import Incoming
from bot.models import Storyboard
from engine.queue.models import Job
from tests.e2e.miniapp.browser import Browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
#: A dark Telegram theme, as Telegram passes it in the URL: the page must take its colours.
DARK_THEME = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499", "button_color": "#5288c1",
              "button_text_color": "#ffffff", "secondary_bg_color": "#232e3c", "link_color": "#6ab3f3"}


async def open_editor(page: Browser, server: TestServer, init: str, theme: dict | None = None) -> None:
    fragment = f"tgWebAppData={quote(init, safe='')}&tgWebAppVersion=8.0&tgWebAppPlatform=android"
    if theme:
        fragment += "&tgWebAppThemeParams=" + quote(json.dumps(theme), safe="")
    await page.open(str(server.make_url("/app/")) + "#" + fragment)
    await page.wait_for("document.body && document.body.dataset.ready === '1'")


async def board_rows(service, user_external_id: str) -> list[Storyboard]:
    async with service.sessions() as session:
        rows = (await session.execute(select(Storyboard).order_by(Storyboard.id))).scalars().all()
    return list(rows)


@pytest.mark.slow
async def test_a_card_dragged_and_edited_in_the_page_changes_the_draft_and_render_queues_it(
    root, service, init_data, tmp_path
):
    chat = Incoming(platform="telegram", chat_id="7001", user_id="7001", user_name="user7001", language="en")
    await service.handle(replace(chat, text="add a card at 0s: a seed in the soil"))
    await service.handle(replace(chat, text="add a card at 3s: a sprout breaks the surface"))

    async with TestServer(root, host="127.0.0.1") as server, Browser(tmp_path / "chromium") as page:
        await open_editor(page, server, init_data(7001, "en"))
        assert await page.evaluate("document.querySelectorAll('#track .block').length") == 2
        assert await page.evaluate("document.querySelector('#price').textContent") == "Price: 40 credits"

        # Drag the 3 s card 3 s to the right (the ruler spans 8 s: the last card plus 5 s, as in the chat).
        width = await page.evaluate("document.querySelector('#track').getBoundingClientRect().width")
        await page.drag('.block[data-at="3"]', dx=width * 3 / 8)
        await page.wait_for("document.querySelector('.block[data-at=\"6\"]') !== null")

        # Tap the first card and give it a new text.
        await page.tap('.block[data-at="0"]')
        await page.wait_for("document.querySelector('#editor').open")
        await page.evaluate("document.querySelector('#editor-text').select()")
        await page.type("a seed under gentle rain")
        await page.tap("#editor-save")
        await page.wait_for("document.querySelector('.block[data-at=\"0\"]').textContent.includes('gentle rain')")

        # Vertical, from Telegram's own aspect control.
        await page.tap('#aspect button[data-value="9:16"]')
        await page.wait_for("document.querySelector('#aspect button.on').dataset.value === '9:16'")

        rows = await board_rows(service, "7001")
        assert [(c["at"], c["prompt"]) for c in rows[-1].cards] == [
            (0.0, "a seed under gentle rain"), (6.0, "a sprout breaks the surface")]
        assert rows[-1].settings == {"aspect": "9:16"}
        price = await page.evaluate("document.querySelector('#price').textContent")
        await page.screenshot(ARTIFACTS / "miniapp-editor-en-390x844.png")

        await page.tap("#render")
        status = await page.wait_for("document.querySelector('#status').textContent.includes('Queued') "
                                     "&& document.querySelector('#status').textContent")
        await page.screenshot(ARTIFACTS / "miniapp-rendered-en-390x844.png")

    job_id = int(status.split("job ")[1].split(".")[0])
    job = await service.queue.get(job_id)
    assert job.spec["op"] == "storyboard" and job.spec["settings"]["aspect"] == "9:16"
    assert [(c["at_s"], c["prompt"]) for c in job.spec["cards"]] == [
        (0.0, "a seed under gentle rain"), (6.0, "a sprout breaks the surface")]
    assert price == f"Price: {job.meta['cost']} credits"
    assert (await board_rows(service, "7001"))[-1].status == "rendered"
    async with service.sessions() as session:
        assert (await session.get(Job, job_id)).owner == str(rows[-1].user_id)


@pytest.mark.slow
async def test_the_editor_speaks_chinese_and_takes_telegrams_theme(root, service, init_data, tmp_path):
    chat = Incoming(platform="telegram", chat_id="7002", user_id="7002", user_name="user7002", language="zh")
    await service.handle(replace(chat, text="在0秒处添加卡片：一颗种子在土里"))
    await service.handle(replace(chat, text="在4秒处添加卡片：一棵大树长高"))

    async with TestServer(root, host="127.0.0.1") as server, Browser(tmp_path / "chromium") as page:
        await open_editor(page, server, init_data(7002, "zh-hans"), theme=DARK_THEME)
        assert await page.evaluate("document.querySelector('#render').textContent") == "渲染"
        assert await page.evaluate("document.querySelector('#price').textContent") == "价格：45 积分"
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(23, 33, 43)"  # #17212b
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing spills sideways

        await page.tap("#ruler")  # a tap on the ruler opens a new card at that second
        await page.wait_for("document.querySelector('#editor').open")
        assert "新建卡片" in await page.evaluate("document.querySelector('#editor-title').textContent")
        await page.tap("#editor-cancel")
        await page.screenshot(ARTIFACTS / "miniapp-editor-zh-390x844.png")

        await page.open("about:blank")
        await page.open(str(server.make_url("/app/")))  # opened outside Telegram: no init data
        status = await page.wait_for("document.querySelector('#status.error') && document.querySelector('#status').textContent")
        assert "Open timeline" in status
        assert await page.evaluate("document.querySelectorAll('#track .block').length") == 0
