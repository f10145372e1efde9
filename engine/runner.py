"""The engine API the job queue relies on: load once, stay warm, run specs (batched when compatible).

``Engine.run`` turns specs into encoded MP4 files in the media store and reports every denoising step;
``should_cancel`` is polled at each step and stops the job there with :class:`JobCancelled`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from pathlib import Path

import numpy as np

from engine.errors import JobCancelled
from engine.events import RenderedClip
from engine.media import MediaLimits, Sound, encode_mp4, interpolate, thumbnail
from engine.media.provenance import clip_metadata
from engine.media.watermark import draw_watermark
from engine.options import EngineOptions, MediaOptions
from engine.pipelines import RenderPlan, operations, plan
from engine.pipelines.completion import complete_cards, complete_prompt
from engine.pipelines.family import Family
from engine.specs import Animate, Generate, Loop, Remix, Storyboard
from engine.store import LocalMediaStore

log = logging.getLogger(__name__)


class Engine:
    """A warm model family plus the media store its clips go to."""

    def __init__(
        self,
        family: Family,
        *,
        media_dir: Path | str = "data/media",
        options: EngineOptions | None = None,
        limits: object | None = None,
        model_id: str = "unknown",
        media: MediaOptions | None = None,
    ) -> None:
        self.family = family
        self.options = options or EngineOptions()
        #: Written into every clip's metadata (``REELBOT_MODEL`` as the operator gave it).
        self.model_id = model_id
        self.media = media or MediaOptions()
        self.limits = MediaLimits.of(limits)
        self.store = LocalMediaStore(media_dir)

    @classmethod
    def load(
        cls,
        model: str = "embedded",
        *,
        device: str = "auto",
        options: EngineOptions | None = None,
        media_dir: Path | str = "data/media",
        limits: object | None = None,
        media: MediaOptions | None = None,
    ) -> "Engine":
        """Load the model once (``from_pretrained``); the returned engine stays warm for every job."""
        from engine.loading import load_family

        family = load_family(model, device, options, media_dir=media_dir)  # LTX or Wan, from model_index.json
        return cls(family, media_dir=media_dir, options=options, limits=limits, model_id=model, media=media)

    @property
    def pipeline_calls(self) -> int:
        """Pipeline ``__call__`` invocations so far."""
        return self.family.pipeline_calls

    def batch_key(self, spec) -> str:
        """Jobs with equal keys can run as one pipeline call (today: text-to-video with equal settings)."""
        if isinstance(spec, Generate):
            s = spec.settings
            return f"generate:{s.resolution}:{s.aspect}:{s.duration_s}s:{s.fps}fps"
        digest = hashlib.sha1(json.dumps(spec.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]
        return f"{spec.op}:{digest}"

    def total_steps(self, spec) -> int:
        """Denoising steps this job reports through ``on_step`` when run alone: its render plan's total."""
        return self.plan([self._generated(spec)]).steps

    def plan(self, specs: list) -> RenderPlan:
        """Every pass ``specs`` run together will make (from the specs alone), with its steps."""
        return plan(self.family, specs)

    def _generated(self, spec):
        """The spec as the model makes it: at the profile's generation rate when that is below the requested (lower
        still for a long clip the model stretches into one pass), and a prompt made from text alone (a generate, a loop
        without a source, a storyboard's text cards) completed by the model's table (a contrasting background where
        it names none)."""
        table = self.family.profile.prompt_completion
        if isinstance(spec, Generate) or (isinstance(spec, Loop) and not spec.source):  # made from text alone
            spec = spec.model_copy(update={"prompt": complete_prompt(spec.prompt, table)})
        elif isinstance(spec, Storyboard):
            spec = spec.model_copy(update={"cards": complete_cards(list(spec.cards), table)})
        # No context and no cut: stretchable into one pass (``timeline.stretched``), by a family that can.
        one_pass = self.family.scales_time and (
            isinstance(spec, (Generate, Animate, Loop, Remix)) or (isinstance(spec, Storyboard) and len(spec.cards) == 1)
        )
        fps = self.family.profile.generation_rate(spec.settings.fps, spec.settings.duration_s, one_pass=one_pass)
        if fps >= spec.settings.fps:
            return spec
        return spec.model_copy(update={"settings": spec.settings.model_copy(update={"fps": fps})})

    def run(
        self,
        specs: list,
        *,
        on_step: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        max_bytes: int | None = None,
        metadata: list[dict[str, str]] | None = None,
    ) -> list[list[RenderedClip]]:
        """One list of clips (one per variation) per spec, in order. Compatible specs share pipeline calls.

        ``metadata`` (one dict per spec, e.g. its ``job_id``) joins the provenance tags every clip carries.
        """
        wanted, specs = specs, [self._generated(spec) for spec in specs]
        groups = self._groups(specs)
        # One plan per group, made once: it gives the progress total and is what the operations render.
        plans = [self.plan([specs[i] for i in group]) for group in groups]
        total = sum(p.steps for p in plans)
        done = 0

        def step() -> None:
            nonlocal done
            if should_cancel is not None and should_cancel():
                raise JobCancelled()
            done += 1
            if on_step is not None:
                on_step(min(done, total), total)

        if should_cancel is not None and should_cancel():
            raise JobCancelled()
        ctx = operations.OpContext(family=self.family, limits=self.limits, on_step=step)
        results: list[list[RenderedClip] | None] = [None] * len(specs)
        for group, group_plan in zip(groups, plans):
            group_specs = [specs[i] for i in group]
            seeds = [self._seeds(spec) for spec in group_specs]
            if group_specs[0].op == "generate":
                videos = operations.generate(ctx, group_specs, seeds, group_plan)
            else:
                videos = [operations.OPERATIONS[group_specs[0].op](ctx, group_specs[0], seeds[0], group_plan)]
            for index, spec, spec_seeds, spec_videos in zip(group, group_specs, seeds, videos):
                fps = wanted[index].settings.fps
                tags = metadata[index] if metadata else {}
                results[index] = [
                    self._deliver(self._at_output_fps(video.frames, spec.settings.fps, fps), fps, seed, max_bytes,
                                  {**tags, "variation": str(variation)}, video.sound, getattr(spec, "prompt", None))
                    for variation, (video, seed) in enumerate(zip(spec_videos, spec_seeds))
                ]
        return [clips or [] for clips in results]

    def _groups(self, specs: list) -> list[list[int]]:
        """Indexes of specs run together: equal generate keys, up to ``max_batch`` videos per group."""
        groups: list[list[int]] = []
        open_groups: dict[str, list[int]] = {}
        for index, spec in enumerate(specs):
            key = self.batch_key(spec)
            group = open_groups.get(key) if spec.op == "generate" else None
            videos = sum(specs[i].settings.variations for i in group) if group else 0
            if group is not None and videos + spec.settings.variations <= self.options.max_batch:
                group.append(index)
            else:
                group = [index]
                groups.append(group)
                open_groups[key] = group
        return groups

    @staticmethod
    def _seeds(spec) -> list[int]:
        seed = spec.settings.seed if spec.settings.seed is not None else secrets.randbelow(2**31)
        return [seed + i for i in range(spec.settings.variations)]

    @staticmethod
    def _at_output_fps(frames: np.ndarray, made_fps: int, fps: int) -> np.ndarray:
        if made_fps == fps:
            return frames
        return interpolate(frames, made_fps, fps, round(len(frames) * fps / made_fps))

    def _deliver(self, frames: np.ndarray, fps: int, seed: int, max_bytes: int | None,
                 tags: dict[str, str] | None = None, sound: Sound | None = None,
                 prompt: str | None = None) -> RenderedClip:
        if self.media.watermark:
            frames = draw_watermark(frames, self.media.watermark, corner=self.media.watermark_corner,
                                    font=self.media.watermark_font)
        metadata = {**clip_metadata(model=self.model_id, seed=seed), **(tags or {})}
        path = encode_mp4(frames, self.store.new_path(".mp4"), fps, max_bytes=max_bytes, metadata=metadata, audio=sound)
        thumb = thumbnail(frames[0], path.with_suffix(".jpg"))
        height, width = frames.shape[1:3]
        return RenderedClip(
            path=str(path),
            width=width,
            height=height,
            num_frames=len(frames),
            fps=fps,
            duration_s=len(frames) / fps,
            size_bytes=path.stat().st_size,
            seed=seed,
            thumbnail_path=str(thumb),
            has_audio=sound is not None,
            prompt=prompt,
        )
