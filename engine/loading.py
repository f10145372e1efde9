"""Load the pipeline once: ``REELBOT_MODEL`` (a local diffusers directory or a hub id) via ``from_pretrained``.

"embedded" means the trained toy model shipped in ``engine/models/toy`` when present, else the tiny random
pipeline (built once on disk, then loaded like any other model). Device and dtype are chosen automatically
unless set; memory and speed options come from :class:`EngineOptions`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch

from engine.errors import ModelLoadError
from engine.options import EngineOptions
from engine.pipelines.profile import PROFILE_FILE, NativeProfile, load_profile

log = logging.getLogger(__name__)

#: The trained toy model another part of the project ships (a diffusers directory).
TOY_MODEL_DIR = Path(__file__).parent / "models" / "toy"

#: Profiles shipped for the families' published checkpoints (``[engine] profile`` names one).
PROFILES_DIR = Path(__file__).parent / "profiles"

_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def resolve_device(device: str = "auto") -> str:
    """``auto``: CUDA, then Apple MPS, then CPU."""
    if device != "auto":
        return device
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def resolve_dtype(dtype: str, device: str) -> torch.dtype:
    """``auto``: bfloat16 on CUDA (what LTX-Video is trained in), float32 elsewhere."""
    if dtype != "auto":
        return _DTYPES[dtype]
    return torch.bfloat16 if device == "cuda" else torch.float32


def embedded_model_dir(media_dir: Path | str) -> Path:
    """The toy model if it exists, else the tiny random pipeline under ``<media_dir>/../models/tiny``."""
    if (TOY_MODEL_DIR / "model_index.json").is_file():
        return TOY_MODEL_DIR
    tiny = Path(media_dir).resolve().parent / "models" / "tiny"
    if not (tiny / "model_index.json").is_file():
        from engine.tiny import write_tiny_pipeline

        log.warning("building the tiny test pipeline in %s", tiny)
        write_tiny_pipeline(tiny)
    return tiny


def load_pipeline(
    model: str = "embedded",
    device: str = "auto",
    options: EngineOptions | None = None,
    *,
    media_dir: Path | str = "data/media",
):
    """The ready ``LTXConditionPipeline`` and its :class:`NativeProfile` (options' steps/guidance applied)."""
    from diffusers import LTXConditionPipeline

    options = options or EngineOptions()
    source = embedded_model_dir(media_dir) if model == "embedded" else model
    local = Path(source).is_dir()
    _check_family(Path(source) if local else None)
    device = resolve_device(device)
    dtype = resolve_dtype(options.dtype, device)
    try:
        pipe = LTXConditionPipeline.from_pretrained(str(source), dtype=dtype)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"could not load the model {str(source)!r}: {exc}") from exc
    pipe.set_progress_bar_config(disable=True)
    # LTXConditionPipeline passes its own timestep schedule on purpose; the scheduler warns about it every call.
    logging.getLogger("diffusers.schedulers.scheduling_flow_match_euler_discrete").setLevel(logging.ERROR)
    profile = load_profile(source if local else None)
    if profile.random_weights:
        log.warning("model %s has RANDOM weights (a test model): its videos are coloured noise", source)
    updates = {
        "num_inference_steps": options.num_inference_steps,
        "guidance_scale": options.guidance_scale,
    }
    profile = profile.model_copy(update={k: v for k, v in updates.items() if v is not None})
    _place(pipe, device, options)
    _speed_up(pipe, options, profile)
    log.info("loaded %s on %s (%s)", source, device, dtype)
    return pipe, profile


def load_family(
    model: str = "embedded",
    device: str = "auto",
    options: EngineOptions | None = None,
    *,
    media_dir: Path | str = "data/media",
):
    """The warm model family for ``model``, chosen from its ``model_index.json`` (``_class_name``): LTX-2,
    Wan or LTX-Video."""
    source = embedded_model_dir(media_dir) if model == "embedded" else model
    index = Path(source) / "model_index.json"
    name = json.loads(index.read_text()).get("_class_name", "") if index.is_file() else ""
    if name.startswith("Wan"):
        return _load_wan(Path(source), device, options or EngineOptions())
    if name.startswith("LTX2"):
        return _load_ltx2(Path(source), device, options or EngineOptions())
    from engine.pipelines import LTXFamily

    return LTXFamily(*load_pipeline(model, device, options, media_dir=media_dir))


def _load_ltx2(model_dir: Path, device: str, options: EngineOptions):
    """An LTX-2 checkpoint (any of its pipelines' directories) as ``LTX2ConditionPipeline``: every operation."""
    from diffusers import LTX2ConditionPipeline

    from engine.pipelines.ltx2 import LTX2Family, register_block_for_caches

    device = resolve_device(device)
    dtype = resolve_dtype(options.dtype, device)
    try:
        pipe = LTX2ConditionPipeline.from_pretrained(str(model_dir), dtype=dtype)
    except (OSError, ValueError, TypeError) as exc:
        raise ModelLoadError(f"could not load the model {str(model_dir)!r}: {exc}") from exc
    pipe.set_progress_bar_config(disable=True)
    profile = family_profile(model_dir, "ltx2", options)
    if profile.random_weights:
        log.warning("model %s has RANDOM weights (a test model): its videos and sound are noise", model_dir)
    if options.mag_cache > 0:  # diffusers' MagCache passes a skipped block's second stream through unchanged
        raise ModelLoadError("engine.mag_cache cannot skip LTX-2's blocks without losing the sound; "
                             "use engine.first_block_cache")
    _place(pipe, device, options)
    register_block_for_caches()
    _speed_up(pipe, options, profile)
    log.info("loaded %s (LTX-2, %s) on %s (%s)", model_dir, profile.name, device, dtype)
    return LTX2Family(pipe, profile)


def family_profile(model_dir: Path, family: str, options: EngineOptions) -> NativeProfile:
    """``[engine] profile`` (a shipped profile by name), else the model's ``reelbot.json``, else the family's
    shipped default; then the options' steps and guidance."""
    shipped = PROFILES_DIR / f"{options.profile or family}.json"
    if options.profile and not shipped.is_file():
        names = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.json")))
        raise ModelLoadError(f"engine.profile {options.profile!r} is not a shipped profile; there are: {names}")
    own = model_dir / PROFILE_FILE
    path = shipped if options.profile or not own.is_file() else own
    profile = NativeProfile.model_validate(json.loads(path.read_text()))
    updates = {"num_inference_steps": options.num_inference_steps, "guidance_scale": options.guidance_scale}
    return profile.model_copy(update={k: v for k, v in updates.items() if v is not None})


def _load_wan(model_dir: Path, device: str, options: EngineOptions):
    """A Wan checkpoint as the pipeline its index names; the family builds the other Wan pipelines on it."""
    from diffusers import DiffusionPipeline

    from engine.pipelines.wan import WanFamily, wan_profile

    device = resolve_device(device)
    dtype = resolve_dtype(options.dtype, device)
    try:
        # Wan's VAE stays in float32, as diffusers' Wan examples load it.
        pipe = DiffusionPipeline.from_pretrained(str(model_dir), dtype={"vae": torch.float32, "default": dtype})
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"could not load the model {str(model_dir)!r}: {exc}") from exc
    pipe.set_progress_bar_config(disable=True)
    profile = wan_profile(model_dir, pipe)
    if profile.random_weights:
        log.warning("model %s has RANDOM weights (a test model): its videos are coloured noise", model_dir)
    updates = {"num_inference_steps": options.num_inference_steps, "guidance_scale": options.guidance_scale}
    profile = profile.model_copy(update={k: v for k, v in updates.items() if v is not None})
    _place(pipe, device, options)
    second = getattr(pipe, "transformer_2", None)  # A14B's low-noise expert: offloaded like the first
    if second is not None and options.group_offload and not options.cpu_offload and device != "cpu":
        second.enable_group_offload(
            onload_device=torch.device(device), offload_device=torch.device("cpu"), offload_type="leaf_level"
        )
    _speed_up(pipe, options, profile)
    log.info("loaded %s on %s (%s)", model_dir, device, dtype)
    return WanFamily(pipe, profile)


def _check_family(model_dir: Path | None) -> None:
    if model_dir is None:
        return
    index = model_dir / "model_index.json"
    if not index.is_file():
        raise ModelLoadError(f"{model_dir} is not a diffusers model directory (no model_index.json)")
    name = json.loads(index.read_text()).get("_class_name", "")
    if not name.startswith("LTX"):
        raise ModelLoadError(f"{model_dir} holds a {name}; this engine runs the LTX-Video family")


def _place(pipe, device: str, options: EngineOptions) -> None:
    """Put the pipeline on its device, or let diffusers move parts there on demand to save memory."""
    accelerated = device not in ("cpu",)
    if options.cpu_offload and accelerated:
        pipe.enable_model_cpu_offload(device=device)
    elif options.group_offload and accelerated:
        for name in ("text_encoder", "vae"):
            getattr(pipe, name).to(device)
        pipe.transformer.enable_group_offload(
            onload_device=torch.device(device), offload_device=torch.device("cpu"), offload_type="leaf_level"
        )
    else:
        if options.cpu_offload or options.group_offload:
            log.info("offloading needs an accelerator; running everything on %s", device)
        pipe.to(device)
    if options.vae_tiling:
        pipe.vae.enable_tiling()


def _speed_up(pipe, options: EngineOptions, profile: NativeProfile | None = None) -> None:
    """Opt-in, all under ``[engine]``: float8 weight storage (layerwise casting), First Block Cache or MagCache
    (skip work between similar steps), and torch.compile of the transformer's repeated blocks."""
    if options.first_block_cache > 0 and options.mag_cache > 0:
        raise ModelLoadError("engine.first_block_cache and engine.mag_cache are both set; choose one cache")
    if options.layerwise_casting:
        pipe.transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn, compute_dtype=pipe.transformer.dtype)
    if options.first_block_cache > 0:
        from diffusers.hooks import FirstBlockCacheConfig, apply_first_block_cache

        blocks = getattr(pipe.transformer, "transformer_blocks", None)
        if blocks is not None and len(blocks) < 2:
            raise ModelLoadError("engine.first_block_cache needs a transformer with two blocks or more")

        apply_first_block_cache(pipe.transformer, FirstBlockCacheConfig(threshold=options.first_block_cache))
    if options.mag_cache > 0:
        from diffusers.hooks import MagCacheConfig, apply_mag_cache

        if profile is None or not profile.mag_ratios:
            raise ModelLoadError("engine.mag_cache needs the checkpoint's mag_ratios in its reelbot.json profile")
        apply_mag_cache(pipe.transformer, MagCacheConfig(
            threshold=options.mag_cache, mag_ratios=profile.mag_ratios, num_inference_steps=profile.num_inference_steps,
        ))
    if options.compile:
        if hasattr(pipe.transformer, "compile_repeated_blocks") and getattr(pipe.transformer, "_repeated_blocks", None):
            pipe.transformer.compile_repeated_blocks(fullgraph=False)
        else:
            pipe.transformer.compile()
