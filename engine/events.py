"""What a running job reports: the engine's half of the progress contract with the bot."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Stage = Literal["queued", "loading", "denoising", "decoding", "encoding", "uploading", "done", "failed", "cancelled"]


class RenderedClip(BaseModel):
    """One delivered file; a job with N variations yields N of these."""

    path: str
    width: int
    height: int
    num_frames: int
    fps: int
    duration_s: float
    size_bytes: int
    seed: int
    thumbnail_path: str | None = None
    #: Whether the file has an audio stream (AAC, as long as the video).
    has_audio: bool = False
    #: The prompt the model was given: the request's, completed by the model's table where it named no background
    #: ("... on a black background"); None for a storyboard. An edit of this clip starts from it, so the edit
    #: keeps what the clip shows.
    prompt: str | None = None


class JobEvent(BaseModel):
    """A change in a job's life. ``position`` is 1 for the next job to run; ``eta_s`` is a best estimate."""

    job_id: int
    stage: Stage
    position: int | None = None
    step: int | None = None
    total_steps: int | None = None
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    eta_s: float | None = None
    clips: list[RenderedClip] = Field(default_factory=list)
    error: str | None = None
    #: Machine-readable failure kind the bot maps to words in the user's language.
    error_code: str | None = None
