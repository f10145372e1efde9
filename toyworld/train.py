"""Train the embedded toy model: stage 1 the VAE, stage 2 the transformer and text encoder by flow matching.

    python -m toyworld.train --out engine/models/toy --minutes 90

Reproducible from ``--seed``: every step draws its clips and noise from (seed, stage, step), so a run resumed
from a checkpoint continues exactly where it stopped. Each stage runs for a time budget (``--minutes`` split
between the stages, or ``--vae-minutes`` / ``--transformer-minutes``) or a fixed number of steps
(``--vae-steps`` / ``--transformer-steps``, which makes the result independent of the machine's speed).

Motion is the hard part; the design choices that serve it:
- the world draws motions big and unambiguous; a move is a window of one long move that crosses the frame at a
  speed a 5 s clip can show and eases to rest at the far edge (``--long-moves``), so the engine's later passes,
  each continuing the last 9 frames of the one before (``--overlap-prefix`` trains exactly that prefix), carry
  the move on and stop it at the edge instead of leaving the frame and starting again;
- noise levels are sampled towards high noise, where the layout over time (the motion) is decided;
- the loss weighs the object's tokens up (``--object-weight``) and adds a term on the change between latent
  frames (``--temporal-weight``), so the few moving tokens are not drowned by the static background;
- captions are dropped 10% of the time (classifier-free guidance) and partial captions name fewer facts, so
  the motion word alone must move the object;
- random frame conditioning (a clean prefix, or a clean frame appended at a frame index, as
  ``LTXConditionPipeline`` does) teaches animate / extend / recut / loop / blend;
- and above all, text-only clips are made keyframe first (``NativeProfile.keyframe_index``): the transformer
  has only relative positions, so from noise alone it cannot put an object on the side a move starts from,
  and a static average wins. Given the clip's middle frame, every motion is determined (a move passes the
  middle of the frame half-way), so most appended frames sit there (``--middle-frame``); some text-only
  batches are cut to the draft pass's length (``--short-clips``), whose last frame is that keyframe.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import math
import os
import time
import types
import typing
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import click
import numpy as np
import torch

from toyworld.captions import LANGUAGES, caption, training_caption
from toyworld.completion import completion_table
from toyworld.data import clips_per_batch, make_batch, pick_aspect
from toyworld.model import (
    ModelConfig,
    assemble_pipeline,
    build_text_encoder,
    build_transformer,
    build_vae,
    count_parameters,
    deepen_from,
)
from toyworld.options import FLAG_NAMES, TrainOptions
from toyworld.pool import LatentPool, encode_scenes
from toyworld.renderer import Renderer
from toyworld.tokenizer import MAX_TOKENS, build_tokenizer
from toyworld.world import CORE_SHAPES, FPS, NUM_FRAMES, SIZES

log = logging.getLogger("toyworld.train")

STAGES = ("vae", "transformer")
#: Frame rates the transformer sees in its position coordinates: the engine's default mostly, the pipeline's
#: default (25) and a slow one too, so a user's fps setting does not throw it.
FRAME_RATES = (FPS, FPS, FPS, 25, 12)
#: The engine reads this profile beside the model (sizes, timing, sampling defaults).
PROFILE_FILE = "reelbot.json"
#: The frame a keyframe is given at: the middle, where every toy-world motion passes near the centre of the
#: frame, which is where a text-only pass puts the object (the transformer has no sense of absolute position).
KEYFRAME_INDEX = NUM_FRAMES // 2
#: Latent frames of the engine's keyframe draft (``KEYFRAME_INDEX + 1`` frames; the VAE halves time after frame 0).
DRAFT_LATENT_FRAMES = KEYFRAME_INDEX // 2 + 1
#: Frames a pass shares with the one before it (``reelbot.json`` ``overlap_frames``), and their latent frames:
#: the clean prefix every later pass of a long clip is made from.
OVERLAP_FRAMES = 9
OVERLAP_LATENT_FRAMES = (OVERLAP_FRAMES - 1) // 2 + 1
#: The longest pass a clip from nothing is stretched into (``reelbot.json`` ``stretch_frames``): 5 s at the
#: generation rate; a longer clip is made at a lower rate and interpolated up.
STRETCH_FRAMES = 41
#: Clips per still step, as a multiple of the batch: one latent frame instead of nine, so about as many tokens.
STILL_BATCH_FACTOR = 8




@dataclass
class StageState:
    step: int = 0
    elapsed_s: float = 0.0
    planned_steps: int | None = None
    loss: float | None = None
    seconds_per_step: float | None = None


def _rng(options: TrainOptions, stage: str, step: int) -> np.random.Generator:
    torch.manual_seed(options.seed * 1_000_003 + STAGES.index(stage) * 100_000_007 + step)
    return np.random.default_rng([options.seed, STAGES.index(stage), step])


def _lr(base: float, step: int, warmup: int, progress: float) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine decay to a tenth as ``progress`` goes from 0 to 1.

    ``progress`` is the share of the stage's budget spent: of its steps when a step count is fixed, of its
    minutes otherwise, so a machine that slows down (shared cores) still ends the schedule on time.
    """
    warm = min(1.0, (step + 1) / max(1, warmup))
    return base * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, max(0.0, progress)))))


def _start_with_quiet_posterior(vae, logvar: float) -> None:
    """Start the VAE's shared log-variance channel low.

    From a zero bias the posterior's std starts at 1, drowning the latents; Adam lowers the bias by about the
    learning rate per step, so the decoder spends thousands of steps reconstructing through noise (measured:
    std still 0.24 against latents of std 2 after 650 steps, and blurry round trips). The pipeline samples from
    the posterior when it encodes conditions, so the variance must be small, not merely ignored.
    Opt-in (``--vae-initial-logvar -8``) until a full run has shown it helps.
    """
    conv = vae.encoder.conv_out.conv
    with torch.no_grad():
        conv.weight[-1].mul_(0.01)
        conv.bias[-1].fill_(logvar)


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(name)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return device


class Trainer:
    """Holds the components, the optimiser state and the per-stage progress; saves and resumes all of it.

    Every step's draws (clips, noise levels, noise) come from (seed, stage, step) on any device
    (``torch.manual_seed`` seeds them all), so a GPU run follows the CPU's recipe, if not bit for bit.
    """

    def __init__(self, options: TrainOptions):
        if options.decoder_only and not options.vae_from:
            raise SystemExit("--decoder-only needs --vae-from: the encoder it keeps must come from a trained model")
        self.options = options
        self.device = resolve_device(options.device)
        if options.threads:
            torch.set_num_threads(options.threads)
        self.tokenizer = build_tokenizer()
        torch.manual_seed(options.seed)
        self.vae = build_vae(options.model).to(self.device)
        if options.vae_initial_logvar is not None:
            _start_with_quiet_posterior(self.vae, options.vae_initial_logvar)
        self.transformer = build_transformer(options.model).to(self.device)
        self.text_encoder = build_text_encoder(options.model, len(self.tokenizer)).to(self.device)
        if options.init_from and not Path(options.checkpoint_dir, "state.pt").exists():
            self._adopt_weights(Path(options.init_from))
        self.ema_transformer = copy.deepcopy(self.transformer).requires_grad_(False)
        self.ema_text_encoder = copy.deepcopy(self.text_encoder).requires_grad_(False)
        trained_vae = self.vae.decoder if options.decoder_only else self.vae
        self.vae_optimizer = torch.optim.AdamW(trained_vae.parameters(), lr=options.vae_lr, weight_decay=0.0)
        self.optimizer = torch.optim.AdamW(
            [*self.transformer.parameters(), *self.text_encoder.parameters()],
            lr=options.lr,
            betas=(0.9, 0.99),
            weight_decay=0.01,
        )
        self.stage = STAGES[0]
        self.states = {name: StageState() for name in STAGES}
        self.history: list[dict] = []
        #: Running error on triplets' pair differences against drawing each pair alike (``shape_contrast`` steps).
        self.contrast: float | None = None
        self.vae_check: dict | None = None
        self.pool = LatentPool(options.pool, options.confusable_colours, options.long_moves, options.object_radius)
        self.renderer = Renderer(options.render_workers)
        self.checkpoint = Path(options.checkpoint_dir) / "state.pt"
        self.pool_file = Path(options.checkpoint_dir) / "pool.pt"
        if self.checkpoint.exists():
            self._load()
        elif options.vae_from:
            self._adopt_vae(Path(options.vae_from))

    def _adopt_weights(self, model: Path) -> None:
        """Take a saved model's transformer and text encoder as the starting point of stage 2."""
        from diffusers import LTXVideoTransformer3DModel
        from transformers import T5EncoderModel

        start = LTXVideoTransformer3DModel.from_pretrained(model / "transformer")
        if start.config.num_layers < self.transformer.config.num_layers:
            deepen_from(self.transformer, start)
        else:
            self.transformer.load_state_dict(start.state_dict())
        self.text_encoder.load_state_dict(T5EncoderModel.from_pretrained(model / "text_encoder").state_dict())
        log.info("transformer and text encoder start from %s", model)

    def _adopt_vae(self, model: Path) -> None:
        """Take a trained model's VAE (weights and latent statistics) and go straight to stage 2."""
        from diffusers import AutoencoderKLLTXVideo

        trained = AutoencoderKLLTXVideo.from_pretrained(model / "vae" if (model / "vae").is_dir() else model)
        self.vae.load_state_dict(trained.state_dict())
        if self.options.decoder_only:
            log.info("VAE taken from %s; stage 1 trains its decoder", model)
            return
        self.stage = "transformer"
        log.info("VAE taken from %s; stage 1 skipped", model)

    # -- checkpoints -------------------------------------------------------------------------------------------
    def save(self) -> None:
        """Write the whole training state atomically (a crash mid-write leaves the previous checkpoint)."""
        self.checkpoint.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "stage": self.stage,
            "states": {name: asdict(s) for name, s in self.states.items()},
            "history": self.history,
            "vae_check": self.vae_check,
            "vae": self.vae.state_dict(),
            "transformer": self.transformer.state_dict(),
            "text_encoder": self.text_encoder.state_dict(),
            "ema_transformer": self.ema_transformer.state_dict(),
            "ema_text_encoder": self.ema_text_encoder.state_dict(),
            "vae_optimizer": self.vae_optimizer.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "model": self.options.model.to_dict(),
        }
        if self.pool.slots:
            partial = self.pool_file.with_suffix(".tmp")
            torch.save(self.pool.state_dict(), partial)
            os.replace(partial, self.pool_file)
        partial = self.checkpoint.with_suffix(".tmp")
        torch.save(state, partial)
        os.replace(partial, self.checkpoint)

    def _load(self) -> None:
        state = torch.load(self.checkpoint, map_location="cpu", weights_only=False)
        if state["model"] != self.options.model.to_dict():
            raise SystemExit(f"{self.checkpoint} holds a model of another size; remove it or use --checkpoint-dir")
        self.stage = state["stage"]
        self.states = {name: StageState(**s) for name, s in state["states"].items()}
        self.history = state["history"]
        self.vae_check = state.get("vae_check")
        for name in ("vae", "transformer", "text_encoder", "ema_transformer", "ema_text_encoder"):
            getattr(self, name).load_state_dict(state[name])  # copies onto this run's device
        self.vae_optimizer.load_state_dict(state["vae_optimizer"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.pool_file.exists():
            self.pool.load_state_dict(torch.load(self.pool_file, map_location="cpu", weights_only=False))
            self.pool.to(self.device)
        log.info("resumed at stage %s (steps %s)", self.stage, {k: v.step for k, v in self.states.items()})

    # -- the loop ----------------------------------------------------------------------------------------------
    def run(self) -> None:
        """Train the remaining stages within their budgets, checkpointing as it goes."""
        # A finished run resumes in its last stage, so a larger budget or step count trains it further.
        current = STAGES.index(self.stage) if self.stage in STAGES else len(STAGES) - 1
        for name in STAGES[current:]:
            self.stage = name
            if name == "transformer" and self.vae_check is None:
                self.vae_check = self.check_vae(self.options.vae_check_clips)  # an adopted VAE
                log.info("VAE reconstructions measured as their scenes: %s", self.vae_check)
            self._run_stage(name)
            if name == "vae" and self.vae_check is None:
                if not self.options.decoder_only:  # an adopted encoder keeps the statistics it was trained with
                    self._set_latent_statistics(self.options.latent_stat_clips)
                self.vae_check = self.check_vae(self.options.vae_check_clips)
                log.info("VAE reconstructions measured as their scenes: %s", self.vae_check)
                self.save()
        self.stage = "done"
        self.save()

    def _budget(self, name: str) -> tuple[float, int | None]:
        o = self.options
        return (o.vae_minutes, o.vae_steps) if name == "vae" else (o.transformer_minutes, o.transformer_steps)

    def _run_stage(self, name: str) -> None:
        minutes, steps = self._budget(name)
        state = self.states[name]
        if steps is not None:
            state.planned_steps = steps
        step_fn = self.vae_step if name == "vae" else self.transformer_step
        warmup = min(self.options.warmup_steps, max(1, steps // 10)) if steps else self.options.warmup_steps
        if name == "transformer" and not self.pool.slots:
            started = time.monotonic()
            self.vae.eval()
            self.pool.fill(np.random.default_rng([self.options.seed, 7]), self._encode,
                           chunk=32 * max(1, self.options.render_workers), renderer=self.renderer)
            state.elapsed_s += time.monotonic() - started
            log.info("latent pool of %d clips encoded in %.0f s", self.options.pool, time.monotonic() - started)
        last_save = time.monotonic()
        timing_from: tuple[int, float] | None = None
        while True:
            if steps is not None and state.step >= steps:
                break
            if steps is None and state.elapsed_s >= minutes * 60:
                break
            progress = state.step / steps if steps else state.elapsed_s / (minutes * 60)
            started = time.monotonic()
            loss = step_fn(state.step, _lr(self._base_lr(name), state.step, warmup, progress))
            took = time.monotonic() - started
            state.elapsed_s += took
            state.step += 1
            state.loss = loss if state.loss is None else 0.98 * state.loss + 0.02 * loss
            if not math.isfinite(loss):
                raise FloatingPointError(f"{name} loss became {loss} at step {state.step}")
            # Plan the schedule's length once the speed is known (after warm-up steps, which run slower).
            # Report the speed once warm (the first steps run slower); the estimate is informational only.
            if state.step == 5:
                timing_from = (state.step, state.elapsed_s)
            if timing_from and state.step == timing_from[0] + 10:
                state.seconds_per_step = (state.elapsed_s - timing_from[1]) / 10
                if steps is None:
                    remaining = max(0.0, minutes * 60 - state.elapsed_s)
                    state.planned_steps = state.step + int(remaining / state.seconds_per_step)
                log.info("%s: %.3f s/step, about %s steps", name, state.seconds_per_step, state.planned_steps)
            if state.step % 50 == 0:
                entry = {"stage": name, "step": state.step, "loss": round(state.loss, 5),
                         "elapsed_s": round(state.elapsed_s, 1)}
                if self.contrast is not None and name == "transformer":
                    entry["shape_contrast"] = round(self.contrast, 4)
                self.history.append(entry)
                log.info("%s step %d loss %.4f (%.0f s)%s", name, state.step, state.loss, state.elapsed_s,
                         f", shape contrast {self.contrast:.3f}" if "shape_contrast" in entry else "")
            if time.monotonic() - last_save > self.options.checkpoint_minutes * 60:
                self.save()
                last_save = time.monotonic()
        if state.step:
            state.seconds_per_step = state.elapsed_s / state.step  # the stage's average, pool filling included
        self.save()

    # -- stage 1: the VAE --------------------------------------------------------------------------------------
    def _base_lr(self, name: str) -> float:
        return self.options.vae_lr if name == "vae" else self.options.lr

    def vae_step(self, step: int, lr: float) -> float:
        o = self.options
        rng = _rng(o, "vae", step)
        aspect = pick_aspect(rng)
        batch = make_batch(rng, aspect, clips_per_batch(aspect, o.vae_batch), caption_drop=0.0,
                           radius=o.object_radius, renderer=self.renderer)
        for group in self.vae_optimizer.param_groups:
            group["lr"] = lr
        self.vae.train()
        video = batch.video.to(self.device)
        with torch.set_grad_enabled(not o.decoder_only):
            posterior = self.vae.encode(video).latent_dist
        recon = self.vae.decode(posterior.sample()).sample
        weight = 1.0 + o.object_weight * batch.alpha.to(self.device).unsqueeze(1)
        reconstruction = (weight * (recon - video).abs()).mean()
        kl = 0.5 * (posterior.mean.pow(2) + posterior.var - 1.0 - posterior.logvar).mean()
        loss = reconstruction + 1e-4 * kl
        self.vae_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.vae.parameters(), 1.0)
        self.vae_optimizer.step()
        return reconstruction.item()

    @torch.no_grad()
    def _set_latent_statistics(self, clips: int) -> None:
        """Per-channel mean and std of the latents, stored in the VAE so the pipeline normalises with them."""
        self.vae.eval()
        rng = np.random.default_rng([self.options.seed, 99])
        batches = [make_batch(rng, "1:1", 8, radius=self.options.object_radius) for _ in range(max(1, clips // 8))]
        latents = torch.cat([self.vae.encode(batch.video.to(self.device)).latent_dist.mode() for batch in batches])
        self.vae.latents_mean.copy_(latents.mean(dim=(0, 2, 3, 4)))
        self.vae.latents_std.copy_(latents.std(dim=(0, 2, 3, 4)).clamp(min=1e-3))
        self.save()

    @torch.no_grad()
    def check_vae(self, clips: int) -> dict:
        """How often the toy world's measurements read a VAE round trip as its scene: the ceiling of stage 2."""
        from toyworld.measure import classify

        self.vae.eval()
        rng = np.random.default_rng([self.options.seed, 98])
        hits = {"color": 0, "shape": 0, "background": 0, "motion": 0}
        for _ in range(max(1, clips // 8)):
            batch = make_batch(rng, "1:1", min(8, clips), radius=self.options.object_radius)
            recon = self.vae.decode(self.vae.encode(batch.video.to(self.device)).latent_dist.mode()).sample
            frames = ((recon.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 4, 1).cpu().numpy()
            for scene, clip in zip(batch.scenes, frames):
                measured = classify(clip).facts()
                for key in hits:
                    hits[key] += measured[key] == getattr(scene, key)
        total = max(1, clips // 8) * min(8, clips)
        return {key: round(value / total, 3) for key, value in hits.items()}

    # -- stage 2: the transformer and the text encoder ---------------------------------------------------------
    def _encode(self, video: torch.Tensor) -> torch.Tensor:
        latents = self.vae.encode(video.to(self.device)).latent_dist.sample()
        mean = self.vae.latents_mean.view(1, -1, 1, 1, 1)
        std = self.vae.latents_std.view(1, -1, 1, 1, 1)
        return (latents - mean) / std

    def _coords(self, batch: int, frames: int, height: int, width: int, frame_index, frame_rate: float):
        """Token coordinates exactly as ``LTXConditionPipeline`` builds them (pixels, seconds)."""
        from diffusers import LTXConditionPipeline as P

        ids = P._prepare_video_ids(batch, frames, height, width, patch_size=1, patch_size_t=1, device=self.device)
        ids = P._scale_video_ids(ids, scale_factor=8, scale_factor_t=2, frame_index=0, device=self.device).float()
        ids[:, 0] += torch.as_tensor(frame_index, dtype=torch.float32, device=self.device).view(-1, 1)
        ids[:, 0] /= frame_rate
        return ids

    def _condition_index(self, rng: np.random.Generator) -> int:
        """Where an appended clean frame sits: the middle (keyframes), the last frame (loops) or anywhere."""
        if rng.random() < self.options.middle_frame:
            return KEYFRAME_INDEX
        return NUM_FRAMES - 1 if rng.random() < 0.5 else int(rng.integers(1, NUM_FRAMES))

    def _prefixes(self, rng: np.random.Generator, scenes: list, frames: int) -> torch.Tensor:
        """How many latent frames each clip is given clean (0: none): the engine's overlap or any length."""
        o = self.options
        prefix = torch.zeros(len(scenes), dtype=torch.long)
        for i, scene in enumerate(scenes):
            window = o.windows_as_continuations and scene.room is not None
            if window or rng.random() < o.prefix_condition:
                overlap = frames > OVERLAP_LATENT_FRAMES and (window or rng.random() < o.overlap_prefix)
                prefix[i] = OVERLAP_LATENT_FRAMES if overlap else 1 + rng.integers(frames - 1)
        return prefix

    def _shape_triplets(self, rng: np.random.Generator, scenes: list, clips: bool = False) -> tuple:
        """Each of the first third of ``scenes`` as each core shape, captioned alike: its first frame, or with
        ``clips`` the whole clip (the caller cuts it to the draft's length)."""
        base = scenes[: max(1, len(scenes) // len(CORE_SHAPES))]
        triplets = [replace(scene, shape=shape) for scene in base for shape in CORE_SHAPES]
        if clips:
            z, alpha = encode_scenes(triplets, self._encode, self.renderer, frames=KEYFRAME_INDEX + 1)
        else:
            frames, covered = self.renderer.stills(triplets, [0] * len(triplets))
            video = torch.from_numpy(frames[:, None]).permute(0, 4, 1, 2, 3).float().div_(127.5).sub_(1.0)
            with torch.no_grad():
                z = self._encode(video)
            covered = torch.from_numpy(covered)[:, None, None]  # (n, 1, 1, H, W)
            alpha = torch.nn.functional.adaptive_max_pool3d(covered, z.shape[2:]).squeeze(1)
        captions = []
        for scene in base:
            language, template = LANGUAGES[rng.integers(2)], int(rng.integers(2**31))
            captions += [caption(replace(scene, shape=shape), language, np.random.default_rng(template))
                         for shape in CORE_SHAPES]
        return z, alpha.to(self.device), triplets, captions

    @staticmethod
    def _triplet_contrast(velocity: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> tuple:
        """The flow error on each pair's difference inside a triplet, and the same error for drawing the pair alike.

        Pairs count alike: each pair's error is taken relative to its own difference, then scaled back by the
        batch's mean difference. Unweighted, a triangle's latents (far from a circle's) took the whole term and
        a square (close to a circle) none: mid-run the triangle came out pointed and the square a circle's twin.
        """
        group = len(CORE_SHAPES)
        v, t = (x.view(-1, group, *x.shape[1:]) for x in (velocity, target))
        w = weight.view(-1, group, weight.shape[-1])
        errors, spreads = [], []
        for i, j in itertools.combinations(range(group), 2):
            both = torch.maximum(w[:, i], w[:, j])
            apart = t[:, i] - t[:, j]
            errors.append((both * ((v[:, i] - v[:, j]) - apart).pow(2).mean(dim=-1)).sum(dim=1))
            spreads.append((both * apart.pow(2).mean(dim=-1)).sum(dim=1))
        error, spread = torch.stack(errors), torch.stack(spreads).clamp(min=1e-8)  # (pairs, triplets)
        relative = (error / spread).mean()
        scale = spread.mean().detach() / weight.sum().clamp(min=1.0) * len(velocity)
        return relative * scale, relative.item()

    def transformer_step(self, step: int, lr: float) -> float:
        from diffusers import LTXConditionPipeline as P

        o = self.options
        rng = _rng(o, "transformer", step)
        aspect = pick_aspect(rng)
        self.vae.eval()
        still = o.still_frames > 0 and rng.random() < o.still_frames
        clip_triplets = not still and o.triplet_clips > 0 and rng.random() < o.triplet_clips
        count = clips_per_batch(aspect, o.transformer_batch) * (STILL_BATCH_FACTOR if still else 1)
        z, alpha, scenes = self.pool.take(rng, aspect, count)
        self.pool.refresh(rng, aspect, o.refresh, self._encode, self.renderer)
        triplets = (still and o.shape_triplets) or clip_triplets
        if triplets:
            z, alpha, scenes, captions = self._shape_triplets(rng, scenes, clips=clip_triplets)
        else:
            captions = [
                training_caption(scene, LANGUAGES[rng.integers(2)], rng, drop=o.caption_drop,
                                 partial=o.partial_captions)
                for scene in scenes
            ]
        frame_rate = float(FRAME_RATES[rng.integers(len(FRAME_RATES))])
        device = self.device
        appended = not still and not clip_triplets and rng.random() < o.frame_condition
        if still:
            z, alpha = z[:, :, :1], alpha[:, :1]
        elif clip_triplets or (not appended and rng.random() < o.short_clips):
            z, alpha = z[:, :, :DRAFT_LATENT_FRAMES], alpha[:, :DRAFT_LATENT_FRAMES]
        n, channels, frames, h, w = z.shape

        # What the clip is given clean: a prefix of 1..F-1 latent frames (animate / extend / recut), and for the
        # whole batch maybe one frame appended at a frame index (keyframes / loop / blend). A still has neither.
        prefix = torch.zeros(n, dtype=torch.long) if still or clip_triplets else self._prefixes(rng, scenes, frames)
        cond = (torch.arange(frames).view(1, -1) < prefix.view(-1, 1)).float().to(device)  # (n, F)

        # Noise levels leaning towards high noise (logit-normal centred at 0.3, mixed with uniform). A given frame
        # makes the clip (nearly) determined, so those clips also train where the sampler decides the motion:
        # LTX's schedule spends half its steps above sigma 0.975, where nothing but text and frames is visible.
        sigma = torch.sigmoid(torch.randn(n) + 0.3)
        uniform = torch.rand(n) < 0.3
        sigma = torch.where(uniform, torch.rand(n), sigma)
        decisive = (torch.rand(n) < o.high_noise) & ((prefix > 0) | appended)
        sigma = torch.where(decisive, 0.9 + 0.1 * torch.rand(n), sigma).clamp(1e-3, 1.0).to(device)
        noise = torch.randn(z.shape, device=device)  # torch.manual_seed seeds every device
        if triplets:  # one noise level and one noise per triplet
            group = len(CORE_SHAPES)
            sigma, noise = sigma[::group].repeat_interleave(group), noise[::group].repeat_interleave(group, dim=0)
        s = sigma.view(-1, 1, 1, 1, 1)
        x_t = (1 - s) * z + s * noise

        jitter_on = (torch.rand(n) < 0.5).float().view(-1, 1, 1, 1, 1)
        jitter = 0.15 * s**2 * torch.randn(z.shape, device=device) * jitter_on.to(device)
        x_t = torch.where(cond.view(n, 1, frames, 1, 1).bool(), z + jitter, x_t)

        tokens = P._pack_latents(x_t)  # (n, F*h*w, C)
        token_cond = cond.repeat_interleave(h * w, dim=1)
        coords = self._coords(n, frames, h, w, 0, frame_rate)
        extra = 0
        if appended:
            # A clean frame appended at a frame index (loop / blend / keyframes): encoded alone, as an image.
            index = [self._condition_index(rng) for _ in range(n)]
            picked = self.renderer.frames(scenes, index)[:, None]
            picked = torch.from_numpy(picked).permute(0, 4, 1, 2, 3).float().div_(127.5).sub_(1.0)
            with torch.no_grad():
                frame_latents = self._encode(picked)
            # The pipeline noises every conditioning token by 0.15 t^2 each step (image_cond_noise_scale).
            frame_latents = frame_latents + 0.15 * s**2 * torch.randn_like(frame_latents) * jitter_on.to(device)
            extra = h * w
            tokens = torch.cat([P._pack_latents(frame_latents), tokens], dim=1)
            token_cond = torch.cat([torch.ones(n, extra, device=device), token_cond], dim=1)
            coords = torch.cat([self._coords(n, 1, h, w, index, frame_rate), coords], dim=2)
        timestep = sigma.view(-1, 1) * 1000.0 * (1 - token_cond)

        ids = self.tokenizer(
            captions, padding="max_length", max_length=MAX_TOKENS, truncation=True, return_tensors="pt"
        ).to(device)
        self.transformer.train()
        self.text_encoder.train()
        text = self.text_encoder(ids.input_ids, attention_mask=ids.attention_mask)[0]
        velocity = self.transformer(
            hidden_states=tokens,
            encoder_hidden_states=text,
            timestep=timestep,
            encoder_attention_mask=ids.attention_mask,
            video_coords=coords,
            return_dict=False,
        )[0][:, extra:]

        # Loss: flow-matching velocity on the generated tokens, the object's tokens weighed up, plus the change
        # between latent frames of the predicted clean video (the motion).
        target = P._pack_latents(noise - z)
        alpha = alpha.flatten(1)
        weight = (1 + o.object_weight * alpha) * (1 - cond.repeat_interleave(h * w, dim=1))
        per_token = (velocity - target).pow(2).mean(dim=-1)
        flow = (weight * per_token).sum() / weight.sum().clamp(min=1.0)
        x0_pred = (P._pack_latents(x_t) - sigma.view(-1, 1, 1) * velocity).view(n, frames, h * w, channels)
        x0 = P._pack_latents(z).view(n, frames, h * w, channels)
        # Same minimiser as the flow loss (the conditional mean), but the error is read on frame-to-frame change,
        # at every noise level: high noise is where the direction of travel is decided.
        # Weighed like the flow term: the change where the object is (in either frame) counts more.
        moving = torch.maximum(alpha.view(n, frames, h * w)[:, 1:], alpha.view(n, frames, h * w)[:, :-1])
        temporal_weight = 1 + o.object_weight * moving
        temporal_error = (x0_pred.diff(dim=1) - x0.diff(dim=1)).pow(2).mean(dim=-1)
        temporal = (temporal_weight * temporal_error).sum() / temporal_weight.sum().clamp(min=1.0)  # 0 for a still
        loss = flow + o.temporal_weight * temporal
        if triplets and o.shape_contrast:
            # The flow loss again, on what differs inside each triplet: the shape word's whole effect, which is
            # a sliver of the flow error (position, colour and noise are shared) and was being ignored.
            contrast, ratio = self._triplet_contrast(velocity, target, weight)
            loss = loss + o.shape_contrast * contrast
            # Against drawing a pair alike (1.0). At low noise the shape shows in the noisy latents themselves;
            # above sigma 0.9 only the word can tell them apart.
            self.contrast = ratio if self.contrast is None else 0.95 * self.contrast + 0.05 * ratio

        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([*self.transformer.parameters(), *self.text_encoder.parameters()], 1.0)
        self.optimizer.step()
        decay = min(o.ema_decay, (1 + step) / (10 + step))
        with torch.no_grad():
            for ema, live in ((self.ema_transformer, self.transformer), (self.ema_text_encoder, self.text_encoder)):
                torch._foreach_lerp_(list(ema.parameters()), list(live.parameters()), 1 - decay)
        return flow.item()

    # -- export ------------------------------------------------------------------------------------------------
    def export(self, out: Path | str | None = None) -> Path:
        """Save the pipeline (EMA weights) with ``save_pretrained``, the engine profile and the model card."""
        from toyworld.card import write_model_card

        out = Path(out or self.options.out)
        out.mkdir(parents=True, exist_ok=True)
        cpu = [copy.deepcopy(m).cpu() for m in (self.vae.eval(), self.ema_transformer, self.ema_text_encoder)]
        pipe = assemble_pipeline(*cpu, self.tokenizer)
        pipe.save_pretrained(out)
        (out / PROFILE_FILE).write_text(json.dumps(profile(), indent=2) + "\n")
        summary = self.summary()
        (out / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
        write_model_card(out, summary)
        return out

    def summary(self) -> dict:
        return {
            "options": {**asdict(self.options), "model": self.options.model.to_dict()},
            "stages": {name: asdict(s) for name, s in self.states.items()},
            "device": torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else "cpu",
            "parameters": {
                "vae": count_parameters(self.vae),
                "transformer": count_parameters(self.transformer),
                "text_encoder": count_parameters(self.text_encoder),
            },
            "vae_check": self.vae_check,
            "history": self.history[-40:],
        }


def profile() -> dict:
    """What the engine needs to know to drive this model: native sizes, timing and sampling defaults."""
    return {
        "name": "toy",
        "random_weights": False,
        "fps": FPS,
        # Made at a third of the rate and interpolated up: a 5 s clip in 4 passes instead of 14 on a CPU.
        "generation_fps": FPS // 3,
        "max_frames_per_pass": NUM_FRAMES,
        "overlap_frames": OVERLAP_FRAMES,
        # Text-only clips are made keyframe first (see NativeProfile.keyframe_index): trained for it.
        "keyframe_index": KEYFRAME_INDEX,
        # It learnt one move per 17-frame clip: a clip from nothing is that move, slowed to fill the duration
        # (one pass of up to 41 frames, told a frame rate that many times its own), never a move restarted.
        "stretch_frames": STRETCH_FRAMES,
        "num_inference_steps": 16,
        # A later pass starts from 9 given frames (5 of its 9 latent frames): half the steps carry the move on.
        "continuation_steps": 8,
        "guidance_scale": 4.0,
        "max_sequence_length": MAX_TOKENS,
        "decode_timestep": 0.0,
        "decode_noise_scale": None,
        # Trained with "" as the unconditional caption: any other negative prompt is a row of <unk>s to it.
        "negative_prompt": "",
        "sizes": {tier: {aspect: list(size) for aspect, size in SIZES.items()} for tier in ("480p", "720p", "1080p")},
        # A prompt naming no background gets one that contrasts with its object (engine.pipelines.completion).
        "prompt_completion": completion_table(),
    }


#: Command-line names that differ from the field's (``--batch`` is what people type for the transformer stage).
#: Help for the flags whose field name does not say enough; every other field's flag shows its default.
FLAG_HELP = {
    "out": "where the pipeline is saved",
    "checkpoint_dir": "resumable state lives here",
    "vae_steps": "fixed step count (overrides the VAE time budget)",
    "transformer_steps": "fixed step count (overrides the time budget)",
    "vae_batch": "clips per VAE step (1:1)",
    "transformer_batch": "clips per step (1:1)",
    "vae_initial_logvar": "start the VAE posterior's log-variance here",
    "pool": "encoded clips kept for stage 2",
    "threads": "torch CPU threads (default: torch's choice)",
    "refresh": "pool clips re-drawn per step",
    "render_workers": "processes rendering the clips (0: in the trainer's process)",
    "device": "auto (CUDA where there is one), cpu, cuda",
    "vae_from": "a saved model whose VAE to reuse (skips stage 1)",
    "decoder_only": "with --vae-from, stage 1 trains its decoder alone (the latents keep their meaning)",
    "init_from": "a saved model whose transformer and text encoder to start from",
    "prefix_condition": "share of clips trained with a clean prefix (animate / extend / recut)",
    "frame_condition": "share of steps with a clean frame appended (keyframe / loop / blend)",
    "middle_frame": "share of appended frames placed at the middle frame (keyframes)",
    "high_noise": "share of frame-conditioned clips trained at sigma 0.9-1",
    "short_clips": "share of batches without an appended frame cut to the keyframe draft's length",
    "shape_triplets": "still steps show clips as circle, square and triangle from one noise and caption template",
    "triplet_clips": "share of steps on shape triplets of whole clips at the draft's length, text only",
    "shape_contrast": "on shape triplets, weight of the flow loss on what differs inside a triplet",
    "still_frames": "share of steps trained on clips' first frames alone (images), 8x as many per step",
    "confusable_colours": "share of clips drawn from the colour pairs a caption can confuse (blue on green...)",
    "long_moves": "share of moves drawn as windows of a slower move that rests at the frame's edge",
    "overlap_prefix": "share of prefixes exactly the engine's pass overlap (5 latent frames)",
    "windows_as_continuations": "long-move windows only as continuations (always given the overlap as prefix)",
    "object_radius": "radius of an object of scale 1, as a fraction of the frame's shorter side",
}


def _flags(cls: type, defaults: object) -> list[click.Option]:
    """One ``--flag`` per scalar field of the dataclass ``cls``, typed and defaulted from it."""
    hints = typing.get_type_hints(cls)
    options = []
    for item in fields(cls):
        hint = hints[item.name]
        optional = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else ()
        kind = next((t for t in (bool, int, float, str) if t is hint or t in optional), None)
        if kind is None:
            continue  # nested or tuple-valued settings are not flags
        name = FLAG_NAMES.get(item.name, "--" + item.name.replace("_", "-"))
        options.append(click.Option([name, item.name], type=kind, default=getattr(defaults, item.name),
                                    show_default=True, help=FLAG_HELP.get(item.name)))
    return options


def train_command() -> click.Command:
    """``python -m toyworld.train``: its flags are TrainOptions' fields (and ModelConfig's sizes)."""
    defaults = TrainOptions()

    def options(minutes: float | None, **values: object) -> TrainOptions:
        model = {item.name: values.pop(item.name) for item in fields(ModelConfig) if item.name in values}
        if minutes is not None:
            values["vae_minutes"], values["transformer_minutes"] = minutes / 6, minutes * 5 / 6
        return TrainOptions(**values, model=replace(defaults.model, **model))

    minutes = click.Option(["--minutes"], type=float, help="total budget, split 1:5 between VAE and transformer")
    return click.Command("python -m toyworld.train", callback=options, help=__doc__.split("\n")[0],
                         params=[minutes, *_flags(TrainOptions, defaults), *_flags(ModelConfig, defaults.model)])


def parse_args(argv: list[str] | None = None) -> TrainOptions:
    """The options a command line asks for (``--help`` prints every flag and exits, a bad flag says why)."""
    try:
        options = train_command().main(args=argv, standalone_mode=False)
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    if not isinstance(options, TrainOptions):  # --help was shown
        raise SystemExit(0)
    return options


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options = parse_args(argv)
    trainer = Trainer(options)
    try:
        trainer.run()
    finally:
        trainer.renderer.close()
    out = trainer.export()
    log.info("saved %s", out)


if __name__ == "__main__":
    main()
