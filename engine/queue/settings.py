"""The queue's knobs in one frozen object, read from the app's ``limits``/``engine`` settings or given directly.

Kept separate from ``reelbot.config`` because ``engine`` never imports ``reelbot``: :func:`queue_settings`
accepts any objects with the right attribute names (``Limits``, ``EngineOptions``) and falls back to defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Jobs one owner may have waiting (not yet running) at once.
DEFAULT_MAX_QUEUED_PER_OWNER = 5
#: Seconds a job may run before it is stopped and failed with ``timeout``.
DEFAULT_JOB_TIMEOUT_S = 1800.0
#: Times a job is tried (a lost worker or an out-of-memory retry each count as one).
DEFAULT_MAX_ATTEMPTS = 2
#: Seconds between a running job's heartbeats (written to its row).
DEFAULT_HEARTBEAT_INTERVAL_S = 5.0
#: Seconds without a heartbeat after which a running job's worker is presumed dead.
DEFAULT_STALE_AFTER_S = 60.0
#: Seconds between a worker's sweeps for lost jobs.
DEFAULT_SWEEP_INTERVAL_S = 10.0
#: Compatible jobs run as one pipeline call, up to this many.
DEFAULT_MAX_BATCH = 4
#: Seconds the head job may wait for compatible company before its batch starts anyway.
DEFAULT_BATCH_WINDOW_S = 0.5
#: Tiers and their priority (lower runs first) when the configuration names none.
DEFAULT_TIERS = {"fast": 0, "relax": 1}


@dataclass(frozen=True)
class QueueSettings:
    max_queued_per_owner: int = DEFAULT_MAX_QUEUED_PER_OWNER
    job_timeout_s: float = DEFAULT_JOB_TIMEOUT_S
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    heartbeat_interval_s: float = DEFAULT_HEARTBEAT_INTERVAL_S
    stale_after_s: float = DEFAULT_STALE_AFTER_S
    sweep_interval_s: float = DEFAULT_SWEEP_INTERVAL_S
    max_batch: int = DEFAULT_MAX_BATCH
    batch_window_s: float = DEFAULT_BATCH_WINDOW_S
    tiers: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_TIERS))

    def __post_init__(self) -> None:
        if self.stale_after_s <= self.heartbeat_interval_s:
            raise ValueError(
                f"stale_after_s ({self.stale_after_s}) must be longer than heartbeat_interval_s "
                f"({self.heartbeat_interval_s}), or live workers would look dead"
            )
        if self.max_batch < 1:
            raise ValueError(f"max_batch must be at least 1 (got {self.max_batch})")


def queue_settings(*, options: Any = None, limits: Any = None, tiers: Any = None, **overrides: Any) -> QueueSettings:
    """Settings from ``EngineOptions``-like ``options``, ``Limits``-like ``limits`` and a tier list or mapping.

    ``tiers`` may be a mapping ``{name: priority}`` or objects with ``name`` and ``priority`` (config ``Tier``).
    ``overrides`` name :class:`QueueSettings` fields directly and win over everything.
    """
    values: dict[str, Any] = {}
    if options is not None:
        for name in ("max_batch", "batch_window_s"):
            if getattr(options, name, None) is not None:
                values[name] = getattr(options, name)
    if limits is not None:
        mapping = {
            "max_queued_per_user": "max_queued_per_owner",
            "max_queued_per_owner": "max_queued_per_owner",
            "job_timeout_s": "job_timeout_s",
            "max_attempts": "max_attempts",
            "heartbeat_interval_s": "heartbeat_interval_s",
            "stale_after_s": "stale_after_s",
            "sweep_interval_s": "sweep_interval_s",
        }
        for source, target in mapping.items():
            value = limits.get(source) if isinstance(limits, Mapping) else getattr(limits, source, None)
            if value is not None:
                values[target] = value
    if tiers is not None:
        values["tiers"] = _tier_map(tiers)
    values.update(overrides)
    return QueueSettings(**values)


def _tier_map(tiers: Any) -> dict[str, int]:
    if isinstance(tiers, Mapping):
        return {str(name): int(priority) for name, priority in tiers.items()}
    assert isinstance(tiers, Iterable)
    return {tier.name: int(tier.priority) for tier in tiers}
