"""Train the embedded captioner on the CPU: seeded, resumable, and stopped by a time budget.

    python -m toyworld.captioner.train --out engine/models/captioner --minutes 20

Batch ``k`` is drawn from ``default_rng([seed, k])``, so a resumed run sees exactly the frames an uninterrupted one
would. A checkpoint (weights, optimiser, step, seconds trained) is written every ``--checkpoint-every`` seconds and
at the end; ``--resume`` continues from it. Each image is captioned in both languages from one encoder pass.
The learning rate warms up, then anneals with a cosine over this invocation's ``--minutes``.

Shape is the fact a small encoder learns last (colour and background are global, shape is spatial), so a linear
shape classifier on the encoder's mean token adds its loss while training (``--shape-loss``); it is dropped at
export, the saved model is the plain encoder-decoder.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
from pathlib import Path

import numpy as np

from toyworld.captioner.frames import held_out_frame, sample_frame
from toyworld.captioner.model import TINY_SIZE, CaptionerSize, build_model, build_tokenizer, pixels, save_captioner
from toyworld.captioner.text import LANGUAGE_TOKENS, card_words, read_card
from toyworld.world import SHAPES

log = logging.getLogger(__name__)

#: Seeds of the validation frames printed while training (the evaluation's seeds start at ``EVAL_SEED``).
VALIDATION_SEED = 3_000_000
WARMUP_STEPS = 100
#: ``--size``: the embedded captioner, or the test-sized one.
SIZES = {"embedded": CaptionerSize(), "tiny": TINY_SIZE}
FINAL_LR_FRACTION = 0.05


def _targets(frames, lang: str, tokenizer):
    """Decoder inputs and labels for ``<s> <lang> words </s>``; the language token is given, never predicted."""
    import torch

    bos, eos, pad = tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id
    lang_id = tokenizer.convert_tokens_to_ids(LANGUAGE_TOKENS[lang])
    rows = [[bos, lang_id, *tokenizer.convert_tokens_to_ids(card_words(f.color, f.shape, f.background, lang)), eos]
            for f in frames]
    width = max(map(len, rows))
    ids = torch.tensor([row + [pad] * (width - len(row)) for row in rows])
    labels = ids[:, 1:].clone()
    labels[labels == pad] = -100
    labels[:, 0] = -100  # the language token is the prompt
    return ids[:, :-1], labels


def batch(seed: int, step: int, size: int):
    rng = np.random.default_rng([seed, step])
    return [sample_frame(rng) for _ in range(size)]


def lr_at(step: int, fraction: float, base: float) -> float:
    """Linear warm-up over ``WARMUP_STEPS``, then cosine from ``base`` to ``FINAL_LR_FRACTION * base``."""
    warm = min(1.0, (step + 1) / WARMUP_STEPS)
    cosine = FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * 0.5 * (1 + math.cos(math.pi * min(1.0, fraction)))
    return base * warm * cosine


def validate(model, tokenizer, count: int = 64) -> dict[str, float]:
    """Share of held-out validation frames whose card names colour, shape and background right, per language."""
    import torch

    frames = [held_out_frame(VALIDATION_SEED + i) for i in range(count)]
    x = torch.from_numpy(pixels([f.image for f in frames]))
    scores: dict[str, float] = {}
    model.eval()
    with torch.no_grad():
        for lang, token in LANGUAGE_TOKENS.items():
            start = torch.tensor([[tokenizer.bos_token_id, tokenizer.convert_tokens_to_ids(token)]] * count)
            out = model.generate(pixel_values=x, decoder_input_ids=start, max_new_tokens=12, do_sample=False)
            texts = tokenizer.batch_decode(out[:, 2:], skip_special_tokens=True)
            facts = [read_card(t.replace(" ", "") if lang == "zh" else t, lang) for t in texts]
            for name in ("color", "shape", "background"):
                scores[f"{lang}_{name}"] = sum(getattr(p, name) == getattr(f, name) for p, f in zip(facts, frames)) / count
    model.train()
    return scores


def train(args: argparse.Namespace) -> dict:
    import torch

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    size = SIZES[args.size]
    model, tokenizer = build_model(size, seed=args.seed), build_tokenizer()
    shape_head = torch.nn.Linear(size.encoder_widths[-1], len(SHAPES))
    params = [*model.parameters(), *shape_head.parameters()]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    checkpoint = Path(args.checkpoint)
    step, trained_s, history = 0, 0.0, []
    if args.resume and checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        shape_head.load_state_dict(state["shape_head"])
        optimizer.load_state_dict(state["optimizer"])
        step, trained_s, history = state["step"], state["trained_s"], state["history"]
        log.info("resumed at step %s after %.0f s", step, trained_s)

    def save_checkpoint() -> None:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        state = {"model": model.state_dict(), "shape_head": shape_head.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                 "trained_s": trained_s, "history": history, "seed": args.seed}
        torch.save(state, checkpoint.with_suffix(".tmp"))
        checkpoint.with_suffix(".tmp").replace(checkpoint)

    budget_s = args.minutes * 60.0
    started = time.monotonic()
    last_save = last_report = started
    losses: list[float] = []
    model.train()
    while (elapsed := time.monotonic() - started) < budget_s:
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, elapsed / budget_s, args.lr)
        frames = batch(args.seed, step, args.batch)
        x = torch.from_numpy(pixels([f.image for f in frames]))
        encoded = model.encoder(pixel_values=x)
        shapes = torch.tensor([SHAPES.index(f.shape) for f in frames])
        pooled = encoded.last_hidden_state.mean(dim=1)
        loss = args.shape_loss * torch.nn.functional.cross_entropy(shape_head(pooled), shapes)
        for lang in LANGUAGE_TOKENS:
            decoder_input_ids, labels = _targets(frames, lang, tokenizer)
            loss = loss + model(encoder_outputs=encoded, decoder_input_ids=decoder_input_ids, labels=labels).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        step += 1
        losses.append(float(loss.detach()))
        now = time.monotonic()
        if now - last_report >= args.report_every:
            scores = validate(model, tokenizer)
            history.append({"step": step, "trained_s": round(trained_s + now - started), "loss": float(np.mean(losses))}
                           | scores)
            log.info("%s", json.dumps(history[-1]))
            losses, last_report = [], now
        if now - last_save >= args.checkpoint_every:
            trained_s_now, trained_s = trained_s, trained_s + now - started
            save_checkpoint()
            trained_s = trained_s_now
            last_save = now
    trained_s += time.monotonic() - started
    save_checkpoint()
    scores = validate(model, tokenizer)
    summary = {"seed": args.seed, "size": args.size, "steps": step, "batch": args.batch, "lr": args.lr,
               "shape_loss": args.shape_loss, "trained_minutes": round(trained_s / 60, 1),
               "validation": scores, "history": history}
    save_captioner(args.out, model, size, {"random_weights": False})
    (Path(args.out) / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.info("saved %s after %s steps (%.1f min): %s", args.out, step, trained_s / 60, scores)
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="engine/models/captioner", help="where the trained model is saved")
    parser.add_argument("--minutes", type=float, default=20.0, help="wall-clock budget of this run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", choices=sorted(SIZES), default="embedded")
    parser.add_argument("--batch", type=int, default=48)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--shape-loss", type=float, default=1.0, help="weight of the auxiliary shape loss")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (one is fastest on a shared CPU)")
    parser.add_argument("--checkpoint", default="data/captioner-train/checkpoint.pt")
    parser.add_argument("--checkpoint-every", type=float, default=120.0, help="seconds")
    parser.add_argument("--report-every", type=float, default=300.0, help="seconds between validation lines")
    parser.add_argument("--resume", action="store_true", help="continue from --checkpoint if it exists")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train(args)


if __name__ == "__main__":
    main()
