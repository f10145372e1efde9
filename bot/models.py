"""The bot's tables: people, chats, the credit ledger, clips, storyboard drafts and payments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from engine.db import metadata as _metadata  # noqa: F401  (naming convention first)
from engine.queue.models import utcnow


class User(SQLModel, table=True):
    """A person, whatever platforms they reach us from. ``balance`` always equals the sum of their ledger."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(default="", max_length=200)
    language: str = Field(default="en", max_length=8)
    tier: str = Field(default="fast", max_length=32)
    balance: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    blocked: bool = False
    #: Per-user default settings ("make my default vertical 720p").
    defaults: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class PlatformIdentity(SQLModel, table=True):
    """``telegram:123`` -> user."""

    __tablename__ = "platform_identity"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_platform_identity_platform_external"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)


class Chat(SQLModel, table=True):
    """A conversation place (private chat, group, channel) and its state."""

    __tablename__ = "chat"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_chat_platform_external"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    is_group: bool = False
    #: The clip in focus: the one replied to, or the last delivered.
    focus_clip_id: int | None = Field(default=None, foreign_key="clip.id")
    #: The chat's conversation state: switched off by an admin, an awaited answer, quoted jobs awaiting a yes.
    #: (Stored in the column ``settings``, its name before "settings" came to mean clip settings only.)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column("settings", JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class CreditEntry(SQLModel, table=True):
    """One append-only line of the ledger. ``amount`` is signed; the key makes every operation idempotent."""

    __tablename__ = "credit_entry"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    idempotency_key: str = Field(max_length=200, unique=True)
    job_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Clip(SQLModel, table=True):
    """A delivered video and where it came from."""

    __tablename__ = "clip"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    job_id: int | None = Field(default=None, index=True)
    variation: int = 0
    op: str = Field(max_length=16)
    prompt: str = Field(default="", max_length=4000)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    path: str = Field(max_length=1000)
    thumbnail_path: str | None = Field(default=None, max_length=1000)
    size_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    width: int = 0
    height: int = 0
    duration_s: float = 0.0
    fps: int = 24
    #: Whether the file has an audio stream (AAC, as long as the video).
    has_audio: bool = False
    #: The prompt the model was given (the engine completes a prompt that names no background); an edit starts
    #: from it, so "make it blue" recolours the object and keeps the background the clip shows.
    model_prompt: str | None = Field(default=None, max_length=4000)
    seed: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    cost: int = 0
    parent_clip_id: int | None = Field(default=None, foreign_key="clip.id")
    #: The second parent of a blend.
    parent_b_clip_id: int | None = Field(default=None, foreign_key="clip.id")
    public: bool = False
    #: Platform file ids for re-sending without an upload, e.g. {"telegram": "BAAD..."}.
    file_ids: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Storyboard(SQLModel, table=True):
    """A storyboard being drafted over several messages in one chat."""

    __tablename__ = "storyboard"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(foreign_key="chat.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    cards: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="draft", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Payment(SQLModel, table=True):
    """A purchase of credits; ``charge_id`` is the provider's and unique, so a replayed update credits once."""

    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    provider: str = Field(max_length=16)
    charge_id: str = Field(max_length=200, unique=True)
    pack_id: str = Field(max_length=64)
    credits: int
    amount: int
    currency: str = Field(max_length=8)
    status: str = Field(default="paid", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    refunded_at: datetime | None = None


class ClipMessage(SQLModel, table=True):
    """Which platform message shows which clip, so a reply to it puts that clip in focus (even after a restart)."""

    __tablename__ = "clip_message"
    __table_args__ = (
        UniqueConstraint("platform", "chat_external_id", "message_id", name="uq_clip_message_platform_chat_message"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    chat_external_id: str = Field(max_length=64)
    message_id: str = Field(max_length=64)
    clip_id: int = Field(foreign_key="clip.id", index=True)


class ProgressMessage(SQLModel, table=True):
    """The platform message a job's progress is edited into, so a restarted adapter edits it instead of
    leaving it stale and sending another."""

    __tablename__ = "progress_message"
    __table_args__ = (UniqueConstraint("platform", "progress_key", name="uq_progress_message_platform_key"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    progress_key: str = Field(max_length=64)
    chat_external_id: str = Field(max_length=64)
    message_id: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class ForgottenIdentity(SQLModel, table=True):
    """A platform identity whose user asked to be forgotten: only a one-way hash (see :mod:`bot.forgotten`), kept
    so the account gets no second welcome grant."""

    __tablename__ = "forgotten_identity"

    id: int | None = Field(default=None, primary_key=True)
    identity_hash: str = Field(max_length=64, unique=True)
    forgotten_at: datetime = Field(default_factory=utcnow)
