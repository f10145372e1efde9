"""A loaded captioner: one image in, one line of card text out, in the language asked for when the model can.

How a model is asked for a language depends on the model (``Prompting``): a directory whose ``reelbot.json``
lists ``languages`` gets that prompt per language (the embedded captioner: a language token for its decoder;
Florence-2: ``{"en": "<CAPTION>"}``); any other model captions unprompted, in English whatever is asked, and
:class:`Caption` says so in ``lang``.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

LANGUAGES = ("en", "zh")
#: Longest caption in new tokens; a card is one line.
MAX_NEW_TOKENS = 40

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uff0c\u3002]) (?=[\u3400-\u9fff\uff0c\u3002])")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Caption:
    """The card text, the language it is written in, and the seconds the model took."""

    text: str
    lang: str
    seconds: float

    def to_json_dict(self) -> dict[str, Any]:
        return {"caption": self.text, "lang": self.lang, "seconds": round(self.seconds, 4)}


@dataclass(frozen=True)
class Prompting:
    """How to ask a model for a caption: ``kind`` is ``profile`` (a prompt per language) or ``plain`` (none)."""

    kind: str
    languages: tuple[str, ...]
    prompts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def choose(cls, profile: dict) -> "Prompting":
        if profile.get("languages"):
            prompts = {lang: str(prompt) for lang, prompt in profile["languages"].items() if lang in LANGUAGES}
            if prompts:
                return cls("profile", tuple(prompts), prompts)
        return cls("plain", ("en",))

    def language_for(self, lang: str) -> str:
        """The language the caption will be in: ``lang`` when the model can write it, else its first language."""
        return lang if lang in self.languages else self.languages[0]


def as_image(image: Image.Image | np.ndarray) -> Image.Image:
    """An RGB PIL image from a PIL image or an H x W x 3 uint8 array (a decoded video frame)."""
    if isinstance(image, np.ndarray):
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"a frame must be H x W x 3, not {image.shape}")
        return Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8))
    return image if image.mode == "RGB" else image.convert("RGB")


def tidy(text: str) -> str:
    """One line: whitespace collapsed, and no spaces left between Chinese characters (word-level decoders)."""
    return _CJK_GAP.sub("", _SPACES.sub(" ", text).strip())


class Captioner:
    """A warm image-to-text model. ``caption`` is thread-safe (one generation at a time)."""

    def __init__(self, model: Any, processor: Any, tokenizer: Any, prompting: Prompting, *, name: str,
                 device: str, cpu_threads: int | None = None) -> None:
        self.model = model
        self.processor = processor
        self.tokenizer = tokenizer
        self.prompting = prompting
        self.name = name
        self.device = device
        #: Torch threads while captioning on the CPU (``reelbot.json`` ``cpu_threads``): a model this small runs
        #: fastest on one, and on a busy machine two threads made a 20 ms caption take up to 1.7 s.
        self.cpu_threads = cpu_threads if device == "cpu" else None
        self._lock = threading.Lock()
        self._encoder_decoder = model.config.model_type == "vision-encoder-decoder"

    @property
    def languages(self) -> tuple[str, ...]:
        return self.prompting.languages

    def caption(self, image: Image.Image | np.ndarray, lang: str = "en") -> Caption:
        """The card text for ``image`` in ``lang`` (or in the model's own language, see ``Caption.lang``)."""
        import torch

        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        picture = as_image(image)
        written = self.prompting.language_for(lang)
        started = time.perf_counter()
        with self._lock, torch.inference_mode():
            threads = torch.get_num_threads()
            if self.cpu_threads:
                torch.set_num_threads(self.cpu_threads)
            try:
                if self._encoder_decoder:
                    text = self._vision_encoder_decoder(picture, written)
                else:
                    text = self._image_text_to_text(picture, written)
            finally:
                torch.set_num_threads(threads)
        return Caption(tidy(text), written, time.perf_counter() - started)

    def _vision_encoder_decoder(self, picture: Image.Image, lang: str) -> str:
        import torch

        pixel_values = self.processor(images=picture, return_tensors="pt").pixel_values
        pixel_values = pixel_values.to(self.device, self.model.dtype)
        start = [self.model.config.decoder_start_token_id]
        prompt = self.prompting.prompts.get(lang, "")
        if prompt:
            start += self.tokenizer(prompt, add_special_tokens=False).input_ids
        decoder_input_ids = torch.tensor([start], device=self.device)
        decoder = self.model.config.decoder
        positions = getattr(decoder, "n_positions", None) or getattr(decoder, "max_position_embeddings", None)
        max_new_tokens = min(MAX_NEW_TOKENS, positions - len(start)) if positions else MAX_NEW_TOKENS
        out = self.model.generate(pixel_values=pixel_values, decoder_input_ids=decoder_input_ids,
                                  max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
        return self.tokenizer.decode(out[0, len(start):], skip_special_tokens=True)

    def _image_text_to_text(self, picture: Image.Image, lang: str) -> str:
        prompt = self.prompting.prompts.get(lang)
        if prompt:
            inputs = self.processor(images=picture, text=prompt, return_tensors="pt")
        else:
            inputs = self.processor(images=picture, return_tensors="pt")
        inputs = {k: (v.to(self.device, self.model.dtype) if v.is_floating_point() else v.to(self.device))
                  for k, v in inputs.items() if hasattr(v, "to") and k != "token_type_ids"}  # BERT tokenizers add it
        out = self.model.generate(**inputs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False, num_beams=1)
        prefix = inputs.get("input_ids")
        if prefix is not None and out.shape[1] >= prefix.shape[1] and bool((out[0, : prefix.shape[1]] == prefix[0]).all()):
            out = out[:, prefix.shape[1]:]  # decoder-only models echo their prompt
        return self.tokenizer.decode(out[0], skip_special_tokens=True)
