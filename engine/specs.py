"""Typed, validated job specifications: what the bot asks the engine to make.

Argument names follow diffusers (``prompt``, ``negative_prompt``, ``num_inference_steps``); units are in names
(``duration_s``). A spec is plain data: it round-trips through JSON so it can live in a database row or travel
through Redis.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

Aspect = Literal["16:9", "9:16", "1:1"]
Resolution = Literal["480p", "720p", "1080p"]
#: The choices, in the order an editor offers them.
ASPECTS: tuple[str, ...] = get_args(Aspect)
RESOLUTIONS: tuple[str, ...] = get_args(Resolution)

#: The durations users pick from; any whole second in MIN..MAX is accepted too.
STANDARD_DURATIONS_S = (5, 10, 15, 20)
MIN_DURATION_S = 1
MAX_DURATION_S = 20
VARIATION_CHOICES = (1, 2, 4)
DEFAULT_FPS = 24
MAX_PROMPT_CHARS = 2000

#: Output pixel size (width, height) for each tier and aspect. Sora-like sizes, all even (yuv420p).
OUTPUT_SIZES: dict[Resolution, dict[Aspect, tuple[int, int]]] = {
    "480p": {"16:9": (854, 480), "9:16": (480, 854), "1:1": (480, 480)},
    "720p": {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720)},
    "1080p": {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)},
}


class Settings(BaseModel):
    """What the user chose (or the defaults): shape, quality, length, how many."""

    model_config = ConfigDict(frozen=True)

    aspect: Aspect = "16:9"
    resolution: Resolution = "480p"
    duration_s: int = Field(default=5, ge=MIN_DURATION_S, le=MAX_DURATION_S)
    variations: Literal[1, 2, 4] = 1
    seed: int | None = Field(default=None, ge=0, lt=2**63)
    fps: int = Field(default=DEFAULT_FPS, ge=8, le=60)

    @property
    def output_size(self) -> tuple[int, int]:
        """(width, height) of the delivered file."""
        return OUTPUT_SIZES[self.resolution][self.aspect]


class _Op(BaseModel):
    model_config = ConfigDict(frozen=True)

    settings: Settings = Field(default_factory=Settings)
    negative_prompt: str | None = None
    #: Sound with the clip: None = where the model family can make it, False = a clip with no audio stream.
    audio: bool | None = None

    @property
    def generated_seconds(self) -> float:
        """Seconds of new footage this job makes; the price is based on this."""
        return float(self.settings.duration_s)


def _clean_prompt(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > MAX_PROMPT_CHARS:
        raise ValueError(f"prompt is {len(value)} characters; the limit is {MAX_PROMPT_CHARS}")
    return value


class Generate(_Op):
    """Text to video."""

    op: Literal["generate"] = "generate"
    prompt: str = Field(min_length=1)

    _prompt = field_validator("prompt")(_clean_prompt)


class Animate(_Op):
    """An image (a file path) brought to life, optionally steered by text."""

    op: Literal["animate"] = "animate"
    image: str
    prompt: str = ""

    _prompt = field_validator("prompt")(_clean_prompt)


class Remix(_Op):
    """Change a clip by a sentence: video-to-video with ``strength`` of change (0 keeps, 1 replaces)."""

    op: Literal["remix"] = "remix"
    source: str
    prompt: str = Field(min_length=1)
    strength: float = Field(default=0.6, gt=0.0, le=1.0)
    #: Keep the source's sound instead of making new sound with the new picture.
    keep_audio: bool = False

    _prompt = field_validator("prompt")(_clean_prompt)


class Recut(_Op):
    """Keep the first ``keep_seconds`` of a clip and regenerate the rest from ``prompt``."""

    op: Literal["recut"] = "recut"
    source: str
    keep_seconds: float = Field(gt=0)
    prompt: str = Field(min_length=1)

    _prompt = field_validator("prompt")(_clean_prompt)

    @model_validator(mode="after")
    def _keeps_less_than_whole(self) -> "Recut":
        if self.keep_seconds >= self.settings.duration_s:
            raise ValueError(
                f"keep_seconds ({self.keep_seconds:g}) must be shorter than the clip's duration "
                f"({self.settings.duration_s} s)"
            )
        return self

    @property
    def generated_seconds(self) -> float:
        return float(self.settings.duration_s) - self.keep_seconds


class Extend(_Op):
    """Continue a clip by ``settings.duration_s`` seconds; the output is the source plus the continuation."""

    op: Literal["extend"] = "extend"
    source: str
    prompt: str = ""

    _prompt = field_validator("prompt")(_clean_prompt)


class Blend(_Op):
    """Join clip A into clip B with a generated transition of ``settings.duration_s`` seconds."""

    op: Literal["blend"] = "blend"
    source: str
    source_b: str
    prompt: str = ""

    _prompt = field_validator("prompt")(_clean_prompt)


class Loop(_Op):
    """A seamless loop, from a source clip or from a prompt."""

    op: Literal["loop"] = "loop"
    source: str | None = None
    prompt: str = ""

    _prompt = field_validator("prompt")(_clean_prompt)

    @model_validator(mode="after")
    def _source_or_prompt(self) -> "Loop":
        if not self.source and not self.prompt:
            raise ValueError("a loop needs a source clip or a prompt")
        return self


class Card(BaseModel):
    """One storyboard card: from ``at_s`` seconds on, show ``prompt`` (and/or start from ``image``)."""

    model_config = ConfigDict(frozen=True)

    at_s: float = Field(ge=0)
    prompt: str = ""
    image: str | None = None

    _prompt = field_validator("prompt")(_clean_prompt)


class Storyboard(_Op):
    """Several cards on one timeline."""

    op: Literal["storyboard"] = "storyboard"
    cards: list[Card] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _cards_in_order_and_inside(self) -> "Storyboard":
        times = [card.at_s for card in self.cards]
        if times != sorted(times) or len(set(times)) != len(times):
            raise ValueError("storyboard cards must have distinct times in increasing order")
        if times[-1] >= self.settings.duration_s:
            raise ValueError(
                f"a card at {times[-1]:g} s lies past the end of a {self.settings.duration_s} s clip"
            )
        if not all(card.prompt or card.image for card in self.cards):
            raise ValueError("every storyboard card needs a prompt or an image")
        return self


JobSpec = Annotated[
    Generate | Animate | Remix | Recut | Extend | Blend | Loop | Storyboard,
    Field(discriminator="op"),
]
OPERATIONS = ("generate", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard")

_SPEC_ADAPTER: TypeAdapter[JobSpec] = TypeAdapter(JobSpec)


def parse_spec(data: dict | str) -> JobSpec:
    """A spec from its JSON form (as stored in a Job row)."""
    if isinstance(data, str):
        return _SPEC_ADAPTER.validate_json(data)
    return _SPEC_ADAPTER.validate_python(data)


def dump_spec(spec: JobSpec) -> dict:
    return spec.model_dump(mode="json")
