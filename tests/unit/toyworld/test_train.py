"""Training runs end to end on a tiny configuration, resumes from its checkpoint, and exports a loadable pipeline."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest
import torch

from toyworld.model import ModelConfig
from toyworld.pool import encode_scenes
from toyworld.train import Trainer, TrainOptions, parse_args

TINY = ModelConfig(latent_channels=4, vae_channels=(8, 8), heads=2, head_dim=8, layers=1, text_dim=16, text_layers=1)


def _options(tmp_path, **overrides) -> TrainOptions:
    base = dict(
        out=str(tmp_path / "model"), checkpoint_dir=str(tmp_path / "ckpt"), seed=3, vae_steps=2,
        transformer_steps=2, vae_batch=1, transformer_batch=2, warmup_steps=1, pool=8, refresh=1,
        prefix_condition=0.5, frame_condition=1.0, vae_check_clips=2, latent_stat_clips=8,
        model=TINY,
    )
    return TrainOptions(**{**base, **overrides})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    trainer = Trainer(_options(tmp_path_factory.mktemp("toy")))
    trainer.run()
    return trainer


def test_a_few_steps_of_both_stages_finish_with_finite_losses(trained):
    assert trained.stage == "done"
    for state in trained.states.values():
        assert state.step == 2 and math.isfinite(state.loss)
    assert torch.all(trained.vae.latents_std > 0) and not torch.all(trained.vae.latents_mean == 0)
    assert set(trained.vae_check) == {"color", "shape", "background", "motion"}


def test_a_resumed_run_continues_the_step_count_from_its_checkpoint(trained, tmp_path):
    before = [p.detach().clone() for p in trained.transformer.parameters()]
    shutil.copytree(trained.options.checkpoint_dir, tmp_path / "ckpt")
    resumed = Trainer(_options(tmp_path, transformer_steps=4))
    assert resumed.states["transformer"].step == 2 and resumed.states["vae"].step == 2
    assert all(torch.equal(a, b) for a, b in zip(before, resumed.transformer.parameters()))
    assert resumed.pool.slots  # the latent pool came back with the checkpoint
    resumed.run()
    assert resumed.states["transformer"].step == 4 and resumed.states["vae"].step == 2
    assert not all(torch.equal(a, b) for a, b in zip(before, resumed.transformer.parameters()))


def test_the_exported_model_loads_with_plain_from_pretrained_and_generates(trained, tmp_path):
    from diffusers import LTXConditionPipeline

    out = trained.export(tmp_path / "model")
    profile = json.loads((out / "reelbot.json").read_text())
    assert profile["sizes"]["480p"]["1:1"] == [64, 64]
    # Complete as written: the background table and the continuation steps need no second command.
    assert profile["prompt_completion"]["colours"]["green"]["background"]["en"] == " on a black background"
    assert profile["continuation_steps"] < profile["num_inference_steps"]
    from engine.pipelines.profile import load_profile

    profile = load_profile(out)  # the engine accepts the profile as written
    assert profile.max_frames_per_pass == 17 and profile.negative_prompt == ""
    assert (out / "README.md").exists() and (out / "training.json").exists()
    pipe = LTXConditionPipeline.from_pretrained(out)
    frames = pipe(
        prompt="a red circle moving left on a black background", width=64, height=64, num_frames=17,
        num_inference_steps=2, guidance_scale=3.0, max_sequence_length=32, output_type="np",
        generator=torch.Generator().manual_seed(0),
    ).frames
    assert np.asarray(frames).shape == (1, 17, 64, 64, 3)


def test_minutes_split_between_the_stages_on_the_command_line():
    options = parse_args(["--minutes", "90", "--seed", "5"])
    assert options.vae_minutes == pytest.approx(15) and options.transformer_minutes == pytest.approx(75)
    assert options.seed == 5 and options.vae_steps is None


def test_the_learning_rate_warms_up_then_decays_to_a_tenth_as_the_budget_is_spent():
    from toyworld.train import _lr

    assert _lr(1e-3, 0, 100, 0.0) == pytest.approx(1e-5)
    assert _lr(1e-3, 100, 100, 0.0) == pytest.approx(1e-3)
    assert _lr(1e-3, 5000, 100, 0.5) == pytest.approx(0.55e-3)
    assert _lr(1e-3, 9000, 100, 1.0) == pytest.approx(1e-4) == _lr(1e-3, 9999, 100, 1.7)


def test_a_time_budget_ends_the_stage_whatever_the_speed(tmp_path):
    trainer = Trainer(_options(tmp_path, vae_steps=None, vae_minutes=0.03, transformer_steps=0))
    trainer.run()
    state = trainer.states["vae"]
    assert state.step >= 1 and state.elapsed_s >= 0.03 * 60 and state.elapsed_s < 0.03 * 60 + 5


def test_a_run_can_start_from_a_saved_models_vae_and_weights_and_skip_stage_one(trained, tmp_path):
    saved = trained.export(tmp_path / "saved")
    options = _options(tmp_path, vae_from=str(saved), init_from=str(saved), checkpoint_dir=str(tmp_path / "c2"))
    trainer = Trainer(options)
    assert trainer.stage == "transformer"
    for ours, theirs in ((trainer.vae, trained.vae), (trainer.transformer, trained.ema_transformer),
                         (trainer.text_encoder, trained.ema_text_encoder)):
        assert all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()))
    trainer.run()
    assert trainer.states["vae"].step == 0 and trainer.states["transformer"].step == 2
    assert set(trainer.vae_check) == {"color", "shape", "background", "motion"}  # measured on the adopted VAE


def test_a_decoder_only_run_keeps_the_adopted_encoder_and_its_latent_statistics(trained, tmp_path):
    saved = trained.export(tmp_path / "saved")
    options = _options(tmp_path, vae_from=str(saved), init_from=str(saved), decoder_only=True, transformer_steps=0,
                       checkpoint_dir=str(tmp_path / "c3"))
    trainer = Trainer(options)
    assert trainer.stage == "vae"
    trainer.run()
    assert trainer.states["vae"].step == 2
    encoder = [torch.equal(a, b) for a, b in zip(trainer.vae.encoder.parameters(), trained.vae.encoder.parameters())]
    decoder = [torch.equal(a, b) for a, b in zip(trainer.vae.decoder.parameters(), trained.vae.decoder.parameters())]
    assert all(encoder) and not all(decoder)
    assert torch.equal(trainer.vae.latents_mean, trained.vae.latents_mean)
    assert torch.equal(trainer.vae.latents_std, trained.vae.latents_std)
    assert parse_args(["--vae-from", "m", "--decoder-only", "true"]).decoder_only
    with pytest.raises(SystemExit, match="--decoder-only needs --vae-from"):
        Trainer(_options(tmp_path, decoder_only=True, checkpoint_dir=str(tmp_path / "c4")))


def test_the_object_radius_option_sizes_every_clip_the_run_draws(tmp_path):
    assert parse_args(["--object-radius", "0.3"]).object_radius == 0.3
    trainer = Trainer(_options(tmp_path, vae_steps=0, transformer_steps=0, object_radius=0.3))
    assert trainer.pool.radius == 0.3
    trainer.pool.fill(np.random.default_rng(0), trainer._encode, chunk=4)
    assert {scene.radius for slots in trainer.pool.slots.values() for scene in slots.scenes} == {0.3}


def test_render_workers_change_the_speed_of_a_run_and_nothing_else(tmp_path, monkeypatch):
    """The clips are drawn in the trainer's process and only rendered in the workers: the same data either way."""
    monkeypatch.setattr("toyworld.renderer.MIN_PARALLEL", 1)  # every batch of the tiny run goes to the workers
    runs = []
    for workers in (0, 2):
        trainer = Trainer(_options(tmp_path / str(workers), render_workers=workers, pool=16, transformer_batch=4,
                                   vae_batch=2, vae_steps=2, transformer_steps=2, frame_condition=1.0))
        try:
            trainer.run()
        finally:
            trainer.renderer.close()
        runs.append(trainer)
    serial, parallel = runs
    assert parallel.renderer.workers == 2
    for name in ("vae", "transformer", "text_encoder"):
        ours, theirs = getattr(serial, name).state_dict(), getattr(parallel, name).state_dict()
        assert all(torch.allclose(ours[k], theirs[k], atol=1e-6) for k in ours), name
    for aspect, slots in serial.pool.slots.items():
        assert slots.scenes == parallel.pool.slots[aspect].scenes
        assert torch.equal(slots.latents, parallel.pool.slots[aspect].latents)


def test_the_device_option_resolves_auto_to_what_this_machine_has():
    from toyworld.train import resolve_device

    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert parse_args(["--device", "cpu", "--vae-from", "m", "--init-from", "m"]).vae_from == "m"


def test_appended_frames_go_to_the_keyframe_index_as_often_as_asked(trained):
    from toyworld.train import KEYFRAME_INDEX
    from toyworld.world import NUM_FRAMES

    rng = np.random.default_rng(0)
    trained.options.middle_frame = 0.7
    picks = [trained._condition_index(rng) for _ in range(2000)]
    assert 0.68 <= np.mean([k == KEYFRAME_INDEX for k in picks]) <= 0.74  # 0.7, plus 1 in 16 of a random 15%
    assert all(1 <= k < NUM_FRAMES for k in picks)
    assert np.mean([k == NUM_FRAMES - 1 for k in picks]) > 0.12  # loops still see their last frame
    assert KEYFRAME_INDEX == NUM_FRAMES // 2 == json.loads(
        (trained.export(trained.options.out) / "reelbot.json").read_text()
    )["keyframe_index"]


def test_text_only_batches_are_cut_to_the_keyframe_drafts_length_when_asked(tmp_path):
    from engine.pipelines.timeline import pass_frames
    from toyworld.train import DRAFT_LATENT_FRAMES, KEYFRAME_INDEX

    trainer = Trainer(_options(tmp_path, vae_steps=0, transformer_steps=0, frame_condition=0.0, prefix_condition=0.0))
    trainer.run()  # fills the latent pool
    frames_seen = []
    hook = trainer.transformer.register_forward_pre_hook(
        lambda module, args, kwargs: frames_seen.append(kwargs["video_coords"][0, 0].unique().numel()),
        with_kwargs=True,
    )
    try:
        for share in (1.0, 0.0):
            trainer.options.short_clips = share
            assert math.isfinite(trainer.transformer_step(0, 1e-4))
    finally:
        hook.remove()
    draft = trainer.vae.encode(torch.zeros(1, 3, pass_frames(KEYFRAME_INDEX + 1), 64, 64)).latent_dist.mode()
    full = trainer.pool.slots["1:1"].latents.shape[2]
    assert frames_seen == [DRAFT_LATENT_FRAMES, full] and draft.shape[2] == DRAFT_LATENT_FRAMES < full


def test_still_steps_train_first_frames_alone_eight_times_as_many_and_no_other_step_changes(tmp_path):
    from toyworld.train import STILL_BATCH_FACTOR

    trainer = Trainer(_options(tmp_path, vae_steps=0, transformer_steps=0, pool=64, frame_condition=0.0))
    trainer.run()  # fills the latent pool
    seen = []
    hook = trainer.transformer.register_forward_pre_hook(
        lambda module, args, kwargs: seen.append(
            (kwargs["hidden_states"].shape[0], kwargs["video_coords"][0, 0].unique().numel())),
        with_kwargs=True,
    )
    try:
        losses = []
        for share in (1.0, 0.0):
            trainer.options.still_frames = share
            losses.append(trainer.transformer_step(0, 1e-4))
    finally:
        hook.remove()
    assert all(math.isfinite(loss) for loss in losses)
    (still_clips, still_frames), (clips, frames) = seen
    assert still_frames == 1 and frames > 1
    assert still_clips == STILL_BATCH_FACTOR * clips
    assert parse_args(["--still-frames", "0.3"]).still_frames == 0.3


def test_shape_triplets_differ_in_the_shape_alone(tmp_path):
    from toyworld.world import CORE_SHAPES, SHAPES_ZH

    trainer = Trainer(_options(tmp_path, vae_steps=0, transformer_steps=0, pool=64, still_frames=1.0,
                               shape_triplets=True))
    trainer.run()  # fills the latent pool
    scenes = trainer.pool.slots["1:1"].scenes[:7]
    z, alpha, triplets, captions = trainer._shape_triplets(np.random.default_rng(0), scenes)
    assert z.shape[:3] == (6, 4, 1) and alpha.shape == (6, 1, 8, 8) and alpha.amax(dim=(1, 2, 3)).min() == 1
    assert [scene.shape for scene in triplets] == list(CORE_SHAPES) * 2
    for group in range(2):
        words = [caption.replace(shape, "*").replace(SHAPES_ZH[shape], "*")
                 for caption, shape in zip(captions[3 * group:3 * group + 3], CORE_SHAPES)]
        assert len(set(words)) == 1 and "*" in words[0]
    assert math.isfinite(trainer.transformer_step(0, 1e-4))


def test_triplet_clips_train_the_draft_pass_on_whole_clips_in_three_shapes_without_a_given_frame(tmp_path):
    from toyworld.train import DRAFT_LATENT_FRAMES
    from toyworld.world import CORE_SHAPES

    trainer = Trainer(_options(tmp_path, vae_steps=0, transformer_steps=0, pool=64, frame_condition=1.0,
                               prefix_condition=1.0, triplet_clips=1.0, shape_contrast=2.0))
    trainer.run()  # fills the latent pool
    scenes = trainer.pool.slots["1:1"].scenes[:6]
    z, alpha, triplets, _ = trainer._shape_triplets(np.random.default_rng(0), scenes, clips=True)
    assert z.shape[:3] == (6, 4, DRAFT_LATENT_FRAMES) and alpha.shape == (6, DRAFT_LATENT_FRAMES, 8, 8)
    assert [scene.shape for scene in triplets] == list(CORE_SHAPES) * 2
    # The causal encoder gives the cut clip the whole clip's first latent frames (compared at the posterior's mode).
    mode = lambda video: trainer.vae.encode(video).latent_dist.mode()  # noqa: E731
    cut, cut_alpha = encode_scenes(triplets, mode, trainer.renderer, frames=2 * DRAFT_LATENT_FRAMES - 1)
    whole, whole_alpha = encode_scenes(triplets, mode, trainer.renderer)
    assert whole.shape[2] > DRAFT_LATENT_FRAMES
    torch.testing.assert_close(cut, whole[:, :, :DRAFT_LATENT_FRAMES], rtol=1e-4, atol=1e-4)
    assert torch.equal(cut_alpha, whole_alpha[:, :DRAFT_LATENT_FRAMES])
    assert not torch.equal(z[0], z[1]) and not torch.equal(z[1], z[2])  # the shapes were drawn, not copied
    seen = []
    hook = trainer.transformer.register_forward_pre_hook(
        lambda module, args, kwargs: seen.append((kwargs["hidden_states"].shape, kwargs["timestep"])),
        with_kwargs=True,
    )
    try:
        assert math.isfinite(trainer.transformer_step(0, 1e-4))
    finally:
        hook.remove()
    ((shape, timestep),) = seen
    assert shape[0] % 3 == 0 and shape[1] in (DRAFT_LATENT_FRAMES * 8 * 8, DRAFT_LATENT_FRAMES * 12 * 8)  # none appended
    assert (timestep > 0).all()  # no clean prefix: every token is generated, as in the engine's draft pass
    assert trainer.contrast is not None
    assert parse_args(["--triplet-clips", "0.3"]).triplet_clips == 0.3


def test_shape_contrast_reads_one_for_a_model_that_draws_a_triplet_alike(tmp_path):
    trainer = Trainer(_options(tmp_path, vae_steps=0, transformer_steps=0, pool=64, still_frames=1.0,
                               shape_triplets=True, shape_contrast=2.0))
    trainer.run()  # fills the latent pool
    target = torch.randn(6, 5, 4)
    weight = torch.ones(6, 5)
    right, ratio = Trainer._triplet_contrast(target, target, weight)
    assert right == 0 and ratio == 0
    # A square close to the circle counts as much as a triangle far from it: half of each pair's difference
    # missed reads 0.25 whatever the differences' sizes.
    far = target.clone()
    far[2::3] *= 10
    half = far.view(2, 3, 5, 4).clone()
    half = (half - half.mean(dim=1, keepdim=True)) * 0.5 + half.mean(dim=1, keepdim=True)
    assert Trainer._triplet_contrast(half.view(6, 5, 4), far, weight)[1] == pytest.approx(0.25)

    def blind(module, args, kwargs, output):  # every clip of a triplet gets the triplet's mean velocity
        velocity = output[0]
        return (velocity.view(-1, 3, *velocity.shape[1:]).mean(dim=1).repeat_interleave(3, dim=0),)

    hook = trainer.transformer.register_forward_hook(blind, with_kwargs=True)
    try:
        assert math.isfinite(trainer.transformer_step(0, 1e-4))
    finally:
        hook.remove()
    assert trainer.contrast == pytest.approx(1.0)
    assert math.isfinite(trainer.transformer_step(1, 1e-4)) and trainer.contrast != pytest.approx(1.0)
    assert parse_args(["--shape-contrast", "4"]).shape_contrast == 4.0


def test_long_move_windows_can_be_trained_only_as_continuations_of_the_engines_overlap(trained):
    from toyworld.scene import sample_scene
    from toyworld.train import OVERLAP_LATENT_FRAMES

    rng = np.random.default_rng(1)
    scenes = [sample_scene(rng, motion="left", long_moves=0.5) for _ in range(400)]
    windows = np.array([scene.room is not None for scene in scenes])
    options = trained.options
    options.prefix_condition, options.windows_as_continuations = 0.2, True
    try:
        prefix = trained._prefixes(rng, scenes, 9).numpy()
        assert windows.any() and (prefix[windows] == OVERLAP_LATENT_FRAMES).all()
        assert 0.1 < (prefix[~windows] > 0).mean() < 0.3  # other moves keep the usual share of prefixes
        options.windows_as_continuations = False
        assert 0.1 < (trained._prefixes(rng, scenes, 9).numpy()[windows] > 0).mean() < 0.3
    finally:
        options.prefix_condition, options.windows_as_continuations = 0.5, False


def test_every_flag_the_documentation_gives_the_trainer_exists_and_comes_from_its_options():
    import re
    from dataclasses import fields
    from pathlib import Path

    from toyworld.train import train_command

    root = Path(__file__).resolve().parents[3]
    documented = set()
    for doc in (root / "README.md", root / "engine" / "models" / "toy" / "README.md", root / "Makefile"):
        for line in re.findall(r"toyworld\.train[^`\n]*", doc.read_text(encoding="utf-8")):
            documented |= set(re.findall(r"--[a-z][a-z-]*", line))
    flags = {name for param in train_command().params for name in param.opts}
    assert documented and documented <= flags
    scalar = {f.name for f in fields(TrainOptions) if f.name != "model"}
    assert {param.name for param in train_command().params} >= scalar  # one flag per option
