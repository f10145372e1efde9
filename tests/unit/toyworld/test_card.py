"""The model card is regenerated from a run's summary and metrics, and keeps the hand-written status."""

from __future__ import annotations

from toyworld.card import STATUS_FILE, write_model_card

SUMMARY = {"stages": {"transformer": {"step": 10, "elapsed_s": 60.0, "seconds_per_step": 6.0, "loss": 0.5}},
           "options": {"lr": 3e-4, "confusable_colours": 0.4, "windows_as_continuations": True,
                       "object_radius": 0.3, "decoder_only": True, "triplet_clips": 0.3, "vae_lr": 3e-4,
                       "checkpoint_dir": "data/x", "render_workers": 14, "transformer_batch": 32}, "parameters": {"transformer": 1000}}
METRICS = {
    "by_language": {"en": {"prompts": 2, "color": 1.0, "direction": 0.5, "motion": 0.5, "shape": 0.0,
                           "core_shape": 1.0, "background": 1.0}},
    "jumps": {"5": {"prompts": 2, "largest_jump": 1.5, "no_jump": 1.0, "monotone": 0.5}},
    "remixes": {"sources": 2, "turns_green": 0.5, "keeps_motion": 1.0},
    "loops": {"zh": {"clips": 4, "no_jump": 0.75, "largest": 3.0}},
    "extends": {"clips": 4, "monotone": 0.75, "largest_back_px": 12.4, "in_frame": 1.0, "no_jump": 0.5},
    "colour_slices": {"held-out": {"confusable": {"prompts": 4, "color": 0.75, "background": 1.0},
                                   "other": {"prompts": 0, "color": 0.0, "background": 0.0}}},
}


def test_the_card_shows_the_run_command_metrics_and_colour_on_confusable_pairs(tmp_path):
    text = write_model_card(tmp_path, SUMMARY, METRICS).read_text()
    assert "--lr 0.0003 --triplet-clips 0.3 --confusable-colours 0.4 --windows-as-continuations True --object-radius 0.3" in text
    assert "--decoder-only True" in text
    # Every recipe option the trainer has is shown where it differs; where the run wrote and its workers are not.
    assert "--vae-lr 0.0003" in text and "--triplet-clips 0.3" in text and "--batch 32" in text
    assert "--checkpoint-dir" not in text and "--render-workers" not in text
    assert "| en | 2 | 100% | 50% | 50% | 0% | 100% | 100% |" in text
    assert "5 s: largest jump 1.5 frames' worth of motion, 100% of 2 without a jump over 2, 50% monotone" in text
    assert "remixed to green as the engine makes them (2 sources): turns green 50%, keeps motion 100%." in text
    assert "5 s loops of bounce and spin close: zh 75% of 4." in text
    assert "5 s more as the engine makes them (4 clips): monotone 75% (farthest back 12 px), in frame 100%" in text
    assert "held-out confusable 75% of 4" in text and "held-out other" not in text


def test_the_status_beside_the_weights_survives_regenerating_the_card(tmp_path):
    (tmp_path / STATUS_FILE).write_text("## Status and provenance\nRun 5: fine-tuned.\n")
    first = write_model_card(tmp_path, SUMMARY, METRICS).read_text()
    again = write_model_card(tmp_path, SUMMARY, METRICS).read_text()
    assert first == again and again.endswith("## Status and provenance\nRun 5: fine-tuned.\n")
