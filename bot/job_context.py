"""What the bot remembers about a job it queued: whom to tell, in which language, what it costs.

The engine keeps it in ``Job.meta`` (a JSON column it does not read, except ``max_bytes``, the upload limit the
worker encodes to); the bot writes it once at submission and reads it back as this typed record, cached per
job, so a progress event needs no database read.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class JobContext(BaseModel):
    platform: str
    chat_id: str
    user_id: int
    user_key: str = ""
    user_name: str = ""
    lang: str = "en"
    #: The ledger reservation settled on delivery or refunded on failure.
    reservation: str
    cost: int = 0
    #: The clip's description as the user will see it in history.
    prompt: str = ""
    #: Source clips (lineage): the first is the parent, a blend's second its other parent.
    parents: list[int] = Field(default_factory=list)
    #: The one-line description shown on the progress board.
    what: str = ""
    op: str = ""
    #: The clip settings of the spec (aspect, resolution, duration_s, variations).
    clip_settings: dict[str, Any] = Field(default_factory=dict)
    reply_to_message_id: str | None = None
    #: The largest file the chat accepts; the worker encodes to fit (engine.media.encode_mp4).
    max_bytes: int | None = None

    @property
    def variations(self) -> int:
        return max(int(self.clip_settings.get("variations", 1)), 1)

    def to_meta(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def of(cls, job: Any) -> JobContext | None:
        """The context of a job row, or None for a job the bot did not queue (the CLI's, another tool's)."""
        meta = job.meta or {}
        if not meta.get("platform"):
            return None
        spec = job.spec or {}
        return cls.model_validate({"op": job.op, "clip_settings": spec.get("settings", {}), **meta})


def board_key(job_id: int) -> str:
    """The progress key of a job's board (also its key in the memory of shown messages)."""
    return f"job:{job_id}"
