"""Per-user message rate limits: a sliding minute, one "please wait" per window, other users unaffected."""

from __future__ import annotations

from bot.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_messages_up_to_the_limit_pass_and_the_next_is_refused_once_with_the_wait():
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)

    allowed = [limiter.hit("telegram:1").allowed for _ in range(3)]
    clock.now += 10
    first, second = limiter.hit("telegram:1"), limiter.hit("telegram:1")

    assert allowed == [True, True, True]
    assert not first.allowed and first.tell and first.wait_s == 50
    assert not second.allowed and not second.tell  # told once, then silence


def test_the_window_slides_and_other_users_are_not_limited():
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    limiter.hit("a"), limiter.hit("a")

    assert not limiter.hit("a").allowed
    assert limiter.hit("b").allowed
    clock.now += 60
    assert limiter.hit("a").allowed


def test_a_limit_of_zero_means_no_limit():
    limiter = RateLimiter(0)
    assert all(limiter.hit("a").allowed for _ in range(1000))
