"""A newcomer's edit in `make chat`: "make it blue" on a clip whose prompt named no background recolours the
object and keeps the background the engine chose for it (it used to turn the background blue)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import select

from adapters.console.app import ConsoleChat
from bot.models import Clip
from engine.media import load_video
from toyworld.measure import classify

TOY = Path(__file__).resolve().parents[3] / "engine" / "models" / "toy"


@pytest.fixture
async def toy_service(service_for):
    return await service_for(TOY)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_make_it_blue_recolours_the_object_and_keeps_the_chosen_background(toy_service, tmp_path):
    chat = ConsoleChat(toy_service, user="nia", out_dir=tmp_path / "out", stdout=io.StringIO(), interactive=False)
    await chat.run(io.StringIO("a green square moving down, 1:1, 5 s\nmake it blue\n"))

    async with toy_service.sessions() as session:
        made, remixed = (await session.execute(select(Clip).order_by(Clip.id))).scalars().all()
    assert made.prompt == "a green square moving down"
    assert made.model_prompt == "a green square moving down on a black background"
    assert remixed.op == "remix" and remixed.model_prompt == "a blue square moving down on a black background"
    frames = np.asarray(load_video(remixed.path).frames)
    assert classify(frames).background == "black"
