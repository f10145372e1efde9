"""The conversation core's Prometheus metrics: what people ask for, and the credits that move.

Messages are counted where a turn is understood (one ``MESSAGES.labels(platform, action).inc()`` per
message); credits are counted by the ledger after its transaction commits, so a replayed key never counts twice.
"""

from __future__ import annotations

from prometheus_client import Counter

MESSAGES = Counter("reelbot_messages", "Messages handled, by platform and understood action.", ["platform", "action"])
CREDITS_SPENT = Counter("reelbot_credits_spent", "Credits charged for delivered videos.")
CREDITS_GRANTED = Counter("reelbot_credits_granted", "Credits given, by kind (daily, welcome, purchase, admin...).",
                          ["kind"])


def message_handled(platform: str, action: str) -> None:
    MESSAGES.labels(platform, action).inc()


def credits_moved(moves: list[tuple[str, str, int]]) -> None:
    """Record committed ledger moves: ``("spent", "", n)`` or ``("granted", kind, n)``."""
    for direction, kind, amount in moves:
        if amount <= 0:
            continue
        if direction == "spent":
            CREDITS_SPENT.inc(amount)
        else:
            CREDITS_GRANTED.labels(kind).inc(amount)


PROMPTS_REFUSED = Counter("reelbot_prompts_refused", "Prompts refused by moderation, by rule (block_list, classifier).",
                          ["rule"])
RATE_LIMITED = Counter("reelbot_messages_rate_limited", "Messages refused because a user sent too many too fast.")
REPORTS = Counter("reelbot_clip_reports", "Clips reported to the operators with /report.")


def prompt_refused(rule: str) -> None:
    PROMPTS_REFUSED.labels(rule).inc()
