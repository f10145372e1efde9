"""The board's layout as discord.py serialises it: sections with thumbnails, buttons, Discord's 40-component cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from adapters.discord.board import MAX_COMPONENTS, board_layout
from bot.messages import Button
from bot.storyboards import BoardCard, BoardView


def board(cards: list[BoardCard]) -> BoardView:
    return BoardView(owner_id=3, language="en", title="Storyboard", summary="summary", cards=tuple(cards),
                     buttons=(Button("Add card", "sbadd:3"), Button("Render", "sbrender:3")),
                     aspect="16:9", resolution="480p", duration_s=10, price=30)


def card(at: float, image: str | None = None, prompt: str = "a tree") -> BoardCard:
    return BoardCard(at=at, prompt=prompt, image=image, buttons=(Button("Edit", f"sbedit:3_{at:g}"),
                                                                 Button("Remove", f"sbdel:3_{at:g}")))


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for component in components:
        found.append(component)
        found += walk(component.get("components", []))
        if "accessory" in component:
            found += walk([component["accessory"]])
    return found


def test_a_pictured_card_is_a_section_with_its_shrunk_picture_and_a_card_without_one_is_its_text(tmp_path: Path):
    picture = tmp_path / "big.png"
    Image.new("RGB", (2000, 1000), "teal").save(picture)

    view, files = board_layout(board([card(0, str(picture)), card(5, prompt="x" * 500)]))

    components = walk(view.to_components())
    [section] = [c for c in components if c["type"] == 9]
    assert section["components"][0]["content"] == "**0 s** \u00b7 a tree"
    assert section["accessory"]["media"]["url"] == "attachment://card-0.png"
    assert [f.filename for f in files] == ["card-0.png"]
    with Image.open(files[0].fp) as thumbnail:
        assert max(thumbnail.size) <= 256
    texts = [c["content"] for c in components if c["type"] == 10]
    assert texts[0] == "## Storyboard\nsummary" and len(texts[-1]) < 320 and texts[-1].endswith("\u2026")
    assert [c["custom_id"] for c in components if c["type"] == 2] == [
        "reelbot:sbedit:3_0", "reelbot:sbdel:3_0", "reelbot:sbedit:3_5", "reelbot:sbdel:3_5",
        "reelbot:sbadd:3", "reelbot:sbrender:3"]


def test_a_full_board_stays_within_discords_component_limit_and_says_how_many_cards_it_left_out(tmp_path: Path):
    picture = tmp_path / "cat.png"
    Image.new("RGB", (64, 48), "orange").save(picture)

    view, files = board_layout(board([card(at, str(picture)) for at in range(20)]))

    components = walk(view.to_components())
    assert len(components) <= MAX_COMPONENTS
    shown = len(files)
    assert 0 < shown < 20
    assert f"\u2026and {20 - shown} more card(s)" in [c for c in components if c["type"] == 10][-1]["content"]
    assert [c["custom_id"] for c in components if c["type"] == 2][-2:] == ["reelbot:sbadd:3", "reelbot:sbrender:3"]


def test_a_missing_picture_leaves_its_card_as_text_rather_than_failing_the_board(tmp_path: Path):
    view, files = board_layout(board([card(0, str(tmp_path / "gone.png"))]))

    assert files == [] and not [c for c in walk(view.to_components()) if c["type"] == 9]
