"""Reading a board's button payloads and a typed card time: pure functions, no database."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.storyboards import BoardPress, board_press, card_time


@pytest.mark.parametrize(("typed", "seconds"), [
    ("5", 5.0), ("2.5 s", 2.5), (" 3 seconds ", 3.0), ("5秒", 5.0), ("2,5", 2.5), ("1.04", 1.0), ("0", 0.0),
])
def test_a_typed_card_time_is_seconds_on_the_boards_tenth_of_a_second_grid(typed, seconds):
    assert card_time(typed) == seconds


@pytest.mark.parametrize("typed", ["", "soon", "-1", "5 minutes", "1e3"])
def test_a_time_that_is_not_a_number_of_seconds_is_refused_in_the_users_words(typed):
    with pytest.raises(UserError) as error:
        card_time(typed)
    assert error.value.code == "board_bad_time"


def test_board_payloads_name_the_action_the_owner_and_the_card_and_other_buttons_are_not_the_boards():
    assert board_press("sbedit:12_2.5") == BoardPress("sbedit", 12, 2.5)
    assert board_press("sbadd:12") == BoardPress("sbadd", 12, None)
    assert board_press("sbrender:3") == BoardPress("sbrender", 3, None)
    for other in ("remix:12", "sbedit:x_1", "sbdel:12_", "yes:ab12", ""):
        assert board_press(other) is None
