"""Quotes: Sora-shaped prices per second, times generated seconds, times variations."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.credits import Pricing, billable_seconds, quote, quote_per_variation, shape_of
from engine.specs import Extend, Generate, Recut, Remix, Settings


def generate(**settings) -> Generate:
    return Generate(prompt="a cat on a skateboard", settings=Settings(**settings))


@pytest.mark.parametrize(
    ("resolution", "aspect", "per_second"),
    [
        ("480p", "1:1", 4),
        ("480p", "16:9", 5),
        ("480p", "9:16", 5),
        ("720p", "1:1", 8),
        ("720p", "16:9", 16),
        ("720p", "9:16", 16),
        ("1080p", "1:1", 20),
        ("1080p", "16:9", 40),
        ("1080p", "9:16", 40),
    ],
)
def test_the_default_table_is_shaped_like_soras(resolution, aspect, per_second):
    pricing = Pricing()

    assert pricing.price_per_second(resolution, aspect) == per_second
    assert quote(generate(resolution=resolution, aspect=aspect, duration_s=1), pricing) == per_second


def test_a_quote_multiplies_price_per_second_by_seconds_and_variations():
    spec = generate(resolution="720p", aspect="9:16", duration_s=10, variations=4)

    assert quote(spec, Pricing()) == 16 * 10 * 4
    assert quote_per_variation(spec, Pricing()) == 160


def test_a_recut_pays_only_for_the_seconds_it_regenerates_rounded_up():
    spec = Recut(source="clip.mp4", keep_seconds=2.2, prompt="then it rains", settings=Settings(duration_s=5))

    assert billable_seconds(spec) == 3  # 2.8 s of new footage
    assert quote(spec, Pricing()) == 5 * 3


def test_other_edits_pay_for_the_seconds_they_generate():
    remix = Remix(source="clip.mp4", prompt="make it night", settings=Settings(duration_s=5, aspect="1:1"))
    extend = Extend(source="clip.mp4", settings=Settings(duration_s=10, resolution="1080p"))

    assert quote(remix, Pricing()) == 4 * 5
    assert quote(extend, Pricing()) == 40 * 10


def test_a_pricing_table_from_the_config_file_overrides_the_defaults():
    pricing = Pricing(per_second={"480p": {"square": 1, "wide": 2}, "720p": {"square": 3, "wide": 4},
                                  "1080p": {"square": 5, "wide": 6}})

    assert quote(generate(resolution="1080p", aspect="16:9", duration_s=5, variations=2), pricing) == 6 * 5 * 2


def test_a_table_missing_a_tier_or_with_a_negative_price_is_refused():
    with pytest.raises(ValidationError, match="720p"):
        Pricing(per_second={"480p": {"square": 1, "wide": 2}, "1080p": {"square": 5, "wide": 6}})
    with pytest.raises(ValidationError, match=">= 0"):
        Pricing(per_second={"480p": {"square": -1, "wide": 2}, "720p": {"square": 3, "wide": 4},
                            "1080p": {"square": 5, "wide": 6}})


def test_square_is_one_to_one_and_both_wide_and_vertical_are_wide():
    assert [shape_of(aspect) for aspect in ("1:1", "16:9", "9:16")] == ["square", "wide", "wide"]
