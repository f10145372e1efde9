"""The embedded captioner's side of the toy world: card texts, training frames, the model, its trainer and evaluation.

The engine loads the trained model (``engine/models/captioner``) with plain ``from_pretrained``; nothing here is
needed at run time. ``text`` and ``frames`` are numpy only; ``model``, ``train`` and ``evaluate`` import torch.
"""

from toyworld.captioner.frames import sample_frame
from toyworld.captioner.text import LANGUAGE_TOKENS, card_text, read_card

__all__ = ["LANGUAGE_TOKENS", "card_text", "read_card", "sample_frame"]
