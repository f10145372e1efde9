"""The toy world: a seeded procedural renderer of short captioned clips, and the measurements that read them back.

It is both the dataset of the embedded default model (``engine/models/toy``) and the ground truth its
evaluation scores against. Training (``train``), the model's components (``model``) and the evaluation
(``evaluate``) import torch; the world itself is numpy only.
"""

from toyworld.captions import LANGUAGES, caption, training_caption
from toyworld.measure import Measurement, classify
from toyworld.render import render
from toyworld.scene import Scene, sample_scene

__all__ = ["LANGUAGES", "Measurement", "Scene", "caption", "classify", "render", "sample_scene", "training_caption"]
