"""The captioner trainer stops on its time budget, exports a model ``from_pretrained`` loads, and resumes."""

from __future__ import annotations

import json

import numpy as np
import torch

from toyworld.captioner.train import batch, lr_at, main


def _run(tmp_path, *extra: str) -> dict:
    main(["--size", "tiny", "--minutes", "0.04", "--batch", "4", "--out", str(tmp_path / "model"),
          "--checkpoint", str(tmp_path / "ckpt.pt"), "--report-every", "1000", *extra])
    return json.loads((tmp_path / "model" / "training.json").read_text())


def test_a_batch_is_the_same_for_the_same_seed_and_step_whenever_it_is_drawn():
    a, b, c = batch(0, 5, 8), batch(0, 5, 8), batch(0, 6, 8)
    assert all(np.array_equal(x.image, y.image) for x, y in zip(a, b))
    facts = [(x.color, x.shape, x.background) for x in a]
    assert facts == [(y.color, y.shape, y.background) for y in b]
    assert facts != [(z.color, z.shape, z.background) for z in c]


def test_the_learning_rate_warms_up_then_anneals_to_a_floor():
    assert lr_at(0, 0.0, 1.0) < lr_at(99, 0.0, 1.0) == 1.0
    assert lr_at(500, 0.5, 1.0) < 1.0
    assert abs(lr_at(500, 1.0, 1.0) - 0.05) < 1e-9


def test_a_short_run_exports_a_captioner_and_a_resumed_run_continues_its_steps(tmp_path):
    from engine.captioner import load_captioner

    first = _run(tmp_path)
    assert first["steps"] > 0 and first["size"] == "tiny"
    assert set(first["validation"]) == {f"{lang}_{fact}" for lang in ("en", "zh")
                                        for fact in ("color", "shape", "background")}
    captioner = load_captioner(str(tmp_path / "model"), "cpu")
    assert captioner.languages == ("en", "zh")
    state = torch.load(tmp_path / "ckpt.pt", weights_only=False)
    assert state["step"] == first["steps"]
    second = _run(tmp_path, "--resume")
    assert second["steps"] > first["steps"]
    assert second["trained_minutes"] >= first["trained_minutes"]
