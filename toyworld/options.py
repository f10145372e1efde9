"""The options of a training run: what it learns from and how long, kept apart from the trainer so the model card
reads them (and their defaults) without importing the trainer that writes the card."""

from __future__ import annotations

from dataclasses import dataclass, field

from toyworld.model import ModelConfig
from toyworld.world import BASE_RADIUS

#: Flags whose name is not the field's.
FLAG_NAMES = {"transformer_batch": "--batch"}


@dataclass
class TrainOptions:
    """Everything a run depends on; stored in the checkpoint and the model card."""

    out: str = "engine/models/toy"
    checkpoint_dir: str = "data/toy-train"
    seed: int = 0
    vae_minutes: float = 15.0
    transformer_minutes: float = 75.0
    vae_steps: int | None = None
    transformer_steps: int | None = None
    checkpoint_minutes: float = 5.0
    vae_batch: int = 8
    transformer_batch: int = 16
    vae_lr: float = 1e-3
    vae_initial_logvar: float | None = None
    lr: float = 5e-4
    warmup_steps: int = 100
    ema_decay: float = 0.999
    caption_drop: float = 0.1
    partial_captions: float = 0.1
    object_weight: float = 3.0
    temporal_weight: float = 1.0
    prefix_condition: float = 0.3
    frame_condition: float = 0.5
    #: Of the appended clean frames, the share placed at the clip's middle frame: the keyframe the engine draws
    #: first and then makes the clip around (``NativeProfile.keyframe_index``; see ``KEYFRAME_INDEX``).
    middle_frame: float = 0.7
    #: Of the clips given a clean frame, the share trained at sigma 0.9-1, where the motion is decided.
    high_noise: float = 0.4
    #: Of the batches given no appended frame, the share cut to the keyframe draft's length (its first
    #: ``KEYFRAME_INDEX + 1`` frames): the engine's text-only draft pass is that long, and its last frame is the
    #: keyframe the clip is then made around, so the draft is trained as it is used.
    short_clips: float = 0.25
    #: Share of steps trained on still frames: the clips' first latent frame alone (an image, as the causal VAE
    #: encodes frame 0), ``STILL_BATCH_FACTOR`` times as many of them for about the same tokens. What an object
    #: looks like (its shape) is a property of one frame; a still step teaches it to eight times as many clips.
    still_frames: float = 0.0
    #: Still steps show each of a third of their clips as a circle, a square and a triangle, with one caption
    #: template, one noise and one noise level: the shape word is all that differs inside a triplet, so its
    #: effect is not drowned by everything else that differs between clips (the model ignored it).
    shape_triplets: bool = False
    #: Share of steps on shape triplets of whole clips, cut to the keyframe draft's length and given no frame:
    #: the engine draws an object's shape in that text-only draft pass, not in a still, and shapes learnt on
    #: stills alone (a pointed triangle) did not carry over into clips (run c1).
    triplet_clips: float = 0.0
    #: On shape triplets (``shape_triplets``, ``triplet_clips``): weight of a second flow loss on the difference
    #: between each pair of a triplet's velocities (``Trainer._triplet_contrast``). Inside a triplet only the shape
    #: differs, so this term is the shape word's effect at its own scale; in the plain flow loss it is a sliver
    #: beside position and colour.
    shape_contrast: float = 0.0
    #: Share of the pool's clips drawn from ``CONFUSABLE_PAIRS`` (colour words the model swapped or blended).
    confusable_colours: float = 0.25
    #: Share of moves drawn as windows of a long move that rests at the frame's edge (``scene.LONG_MOVE_TRAVEL``),
    #: so a clip made of several passes shows one move that stays in frame instead of restarting each pass.
    long_moves: float = 1.0
    #: Of the clips given a clean prefix, the share given exactly the engine's pass-to-pass overlap
    #: (``reelbot.json`` ``overlap_frames``: 9 frames, 5 latent frames), so a continuation carries the motion on.
    overlap_prefix: float = 0.5
    #: Long-move windows are trained only as continuations (each given the engine's overlap as its clean prefix):
    #: a continuation learns to carry a move on and rest at the edge, while a clip from text alone keeps the one
    #: full move that a stretched pass slows down (run 6 trained windows from text too, and its moves got short).
    windows_as_continuations: bool = False
    #: The objects' radius at scale 1 (fraction of the frame's shorter side; ``Scene.radius``). The embedded
    #: model's objects are 0.2; at 0.3 a VAE's round trip keeps a square's corners (see STATUS.md).
    object_radius: float = BASE_RADIUS
    pool: int = 2048
    vae_check_clips: int = 48
    latent_stat_clips: int = 64
    refresh: int = 2
    threads: int | None = None
    #: Processes that render the clips (0: the trainer's own). On a GPU a step is shorter than drawing its batch
    #: (or its conditioning frames) on one core; the data is the same with any number.
    render_workers: int = 0
    #: "auto" trains on CUDA where there is one; the recipe is the same, the steps only come faster.
    device: str = "auto"
    #: Start from the VAE of a saved model (its directory) instead of training stage 1 again.
    vae_from: str | None = None
    #: With ``vae_from``: stage 1 trains the adopted decoder alone. The encoder stays as it is, and with it the
    #: latents (and their statistics) the transformer was trained on, so a decoder can learn to draw what they
    #: carry (larger objects, say) without the transformer starting again.
    decoder_only: bool = False
    #: Start the transformer and text encoder from a saved model of the same sizes (continue or fine-tune).
    init_from: str | None = None
    model: ModelConfig = field(default_factory=ModelConfig)
