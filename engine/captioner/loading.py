"""Load a captioner: ``REELBOT_CAPTIONER`` is ``embedded`` or a transformers image-to-text directory or hub id.

A vision-encoder-decoder directory (the embedded captioner, ``nlpconnect/vit-gpt2``-style models) loads as
``VisionEncoderDecoderModel`` with its image processor and tokenizer; anything else loads through
``AutoModelForImageTextToText`` and ``AutoProcessor`` (BLIP, GIT, Florence-2, ...). Every failure is a
:class:`ModelLoadError` naming the model.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from engine.captioner.model import Captioner, Prompting
from engine.errors import ModelLoadError

log = logging.getLogger(__name__)

#: The captioner the project trains on the toy world (``toyworld/captioner``) and ships.
EMBEDDED_CAPTIONER_DIR = Path(__file__).resolve().parent.parent / "models" / "captioner"
#: The optional file in a captioner directory that says how to ask for each language.
PROFILE_FILE = "reelbot.json"


def resolve_source(model: str) -> str:
    """The directory or hub id ``model`` names (``embedded``: the shipped captioner)."""
    return str(EMBEDDED_CAPTIONER_DIR) if model == "embedded" else model


def _profile(source: str) -> dict:
    path = Path(source) / PROFILE_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"the captioner profile {str(path)!r} is not valid JSON: {exc}") from exc


def load_captioner(model: str = "embedded", device: str = "auto") -> Captioner:
    """The captioner named by ``model``, on ``device`` (``auto``: CUDA, then MPS, then CPU), ready to caption."""
    import torch
    from transformers import AutoConfig

    from engine.loading import resolve_device

    source = resolve_source(model)
    device = resolve_device(device)
    try:
        config = AutoConfig.from_pretrained(source)
        if config.model_type == "vision-encoder-decoder":
            from transformers import AutoImageProcessor, AutoTokenizer, VisionEncoderDecoderModel

            net = VisionEncoderDecoderModel.from_pretrained(source)
            processor, tokenizer = AutoImageProcessor.from_pretrained(source), AutoTokenizer.from_pretrained(source)
        else:
            from transformers import AutoModelForImageTextToText, AutoProcessor

            net = AutoModelForImageTextToText.from_pretrained(source)
            processor = AutoProcessor.from_pretrained(source)
            tokenizer = getattr(processor, "tokenizer", None)
            if tokenizer is None:
                raise ValueError("its processor has no tokenizer")
    except (OSError, ValueError, KeyError) as exc:
        raise ModelLoadError(f"could not load the captioner {model!r}: {exc}") from exc
    net.to(device).eval()
    profile = _profile(source)
    if profile.get("random_weights"):
        log.warning("the captioner %s has random weights: its captions are noise", source)
    prompting = Prompting.choose(profile)
    log.info("captioner %s loaded on %s (%s)", source, device, prompting.kind)
    with torch.inference_mode():
        return Captioner(net, processor, tokenizer, prompting, name=model, device=device,
                         cpu_threads=profile.get("cpu_threads"))
