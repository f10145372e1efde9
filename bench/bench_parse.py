"""How well and how fast the bot understands a message: accuracy on the held-out set, ``parse`` in-process, and
``reelbot parse`` as a process.

Accuracy (issue 18) is measured on ``bench/parse_heldout.jsonl``: utterances written before the parser was changed
for them and never used to tune it, each with the action and the slots a person means. An utterance's slots are
right when every setting (aspect, resolution, duration, variations, audio), the clips, the seconds to keep and
the prompt's key words (present, and filler absent) are right. Targets: 97% action and 95% slot accuracy in each
language, under 1 ms per message on average.

The speed target of issue 5 is 20 ms per message. In-process parsing is what the bot pays per message; a
``reelbot parse`` process also pays interpreter start-up and the CLI's imports once, reported separately so
the parser's own cost is not hidden behind them (or flattered by leaving them out).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 20.0
ROUNDS = 20
CLI_SAMPLES = 8
HELDOUT = Path(__file__).with_name("parse_heldout.jsonl")
#: Targets of issue 18, per language.
ACTION_TARGET, SLOT_TARGET, MEAN_TARGET_MS = 0.97, 0.95, 1.0
SLOTS = ("aspect", "resolution", "duration", "variations", "keep_seconds", "audio", "clips")


def load_heldout() -> list[dict]:
    """The held-out utterances (one JSON object a line)."""
    return [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]


def slot_errors(row: dict, command: dict) -> list[str]:
    """The names of the slots ``command`` got wrong for ``row`` ("prompt" for its key words)."""
    wrong = [name for name in SLOTS if command.get(name) != row["slots"][name]]
    expected, prompt = row["prompt"], command.get("prompt")
    if expected is None:
        if prompt is not None:
            wrong.append("prompt")
    else:
        said = (prompt or "").lower()
        if any(word.lower() not in said for word in expected["has"]) or any(
                word.lower() in said for word in expected["lacks"]):
            wrong.append("prompt")
    return wrong


def _share(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def accuracy(rows: list[dict] | None = None) -> dict:
    """Action and slot accuracy on the held-out set, per language and per action, with every miss listed."""
    from bot.intents import parse

    rows = load_heldout() if rows is None else rows
    totals: dict[str, dict[str, int]] = {}
    fields: dict[str, int] = dict.fromkeys((*SLOTS, "prompt"), 0)
    misses, times = [], []
    for row in rows:
        started = time.perf_counter()
        command = parse(row["text"], **row["context"]).model_dump(mode="json")
        times.append((time.perf_counter() - started) * 1000)
        action_ok = command["action"] == row["action"]
        wrong = slot_errors(row, command)
        for name in wrong:
            fields[name] += 1
        for key in (row["lang"], f"action:{row['action']}"):
            bucket = totals.setdefault(key, {"n": 0, "action": 0, "slots": 0})
            bucket["n"] += 1
            bucket["action"] += action_ok
            bucket["slots"] += not wrong
        if not action_ok or wrong:
            misses.append({"lang": row["lang"], "text": row["text"], "focus": row["context"]["has_focus"],
                           "expected": row["action"], "got": command["action"], "wrong_slots": wrong,
                           "prompt": command.get("prompt")})
    per = {key: {"n": b["n"], "action": _share(b["action"], b["n"]), "slots": _share(b["slots"], b["n"])}
           for key, b in sorted(totals.items())}
    languages = {key: value for key, value in per.items() if not key.startswith("action:")}
    return {
        "utterances": len(rows),
        "per_language": languages,
        "per_action": {key.removeprefix("action:"): value for key, value in per.items() if key.startswith("action:")},
        "wrong_slot_counts": {name: count for name, count in fields.items() if count},
        "mean_parse_ms_first_call": round(statistics.fmean(times), 4),
        "targets_met": all(v["action"] >= ACTION_TARGET and v["slots"] >= SLOT_TARGET for v in languages.values()),
        "misses": misses,
    }


def _utterances() -> list[tuple[str, dict[str, bool]]]:
    sys.path.insert(0, str(ROOT))
    from tests.unit.bot.intents.table import load

    return [(u.text, u.flags) for u in load()]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _in_process(utterances: list[tuple[str, dict[str, bool]]]) -> dict:
    from bot.intents import parse

    for text, flags in utterances:  # warm-up: regex caches, first-call costs
        parse(text, **flags)
    times, cpu = [], []
    for _ in range(ROUNDS):
        for text, flags in utterances:
            started, started_cpu = time.perf_counter(), time.thread_time()
            parse(text, **flags)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
    long_text = "a corgi surfing at sunset with dramatic clouds, vertical, 720p " * 160
    started = time.perf_counter()
    parse(long_text[:10_000])
    long_ms = (time.perf_counter() - started) * 1000
    return {
        "messages": len(utterances),
        "rounds": ROUNDS,
        "mean_ms": round(statistics.fmean(times), 4),
        "p50_ms": round(_percentile(times, 0.50), 4),
        "p99_ms": round(_percentile(times, 0.99), 4),
        "max_ms": round(max(times), 4),
        "cpu_mean_ms": round(statistics.fmean(cpu), 4),
        "cpu_p99_ms": round(_percentile(cpu, 0.99), 4),
        "long_10000_chars_ms": round(long_ms, 3),
    }


def _reelbot() -> list[str]:
    script = Path(sys.executable).with_name("reelbot")
    if script.exists():
        return [str(script)]
    found = shutil.which("reelbot")
    return [found] if found else [sys.executable, "-c", "from reelbot.cli import main; main()"]


def _child_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(cmd: list[str], stdin: str | None = None, cpu: list[float] | None = None) -> float:
    """Wall milliseconds of one process; its CPU milliseconds go to ``cpu`` (steadier on a shared machine)."""
    started, started_cpu = time.perf_counter(), _child_cpu_s()
    subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
                   encoding="utf-8")
    if cpu is not None:
        cpu.append((_child_cpu_s() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000


def _process(utterances: list[tuple[str, dict[str, bool]]]) -> dict:
    reelbot = _reelbot()
    sample = [text for text, _ in utterances if "\n" not in text][:: max(1, len(utterances) // CLI_SAMPLES)]
    sample = sample[:CLI_SAMPLES]
    _wall([*reelbot, "parse", "warm up"])
    process_cpu: list[float] = []
    per_process = [_wall([*reelbot, "parse", text], cpu=process_cpu) for text in sample]
    start_cpu: list[float] = []
    python_start = statistics.median(_wall([sys.executable, "-c", "pass"], cpu=start_cpu) for _ in range(5))
    cli_cpu: list[float] = []
    imports = statistics.median(
        _wall([sys.executable, "-c", "import reelbot.cli.commands"], cpu=cli_cpu) for _ in range(3))
    intents_cpu: list[float] = []
    intents_only = statistics.median(
        _wall([sys.executable, "-c", "import bot.intents"], cpu=intents_cpu) for _ in range(3))
    lines = [text for text, _ in utterances if "\n" not in text]
    batch = _wall([*reelbot, "parse", "--lines"], stdin="\n".join(lines) + "\n")
    empty_batch = _wall([*reelbot, "parse", "--lines"], stdin="")
    return {
        "process_per_message_mean_ms": round(statistics.fmean(per_process), 1),
        "process_per_message_max_ms": round(max(per_process), 1),
        "process_per_message_cpu_ms": round(statistics.median(process_cpu), 1),
        "python_start_ms": round(python_start, 1),
        "python_start_cpu_ms": round(statistics.median(start_cpu), 1),
        "import_reelbot_cli_process_ms": round(imports, 1),
        "import_reelbot_cli_process_cpu_ms": round(statistics.median(cli_cpu), 1),
        "import_bot_intents_process_ms": round(intents_only, 1),
        "import_bot_intents_process_cpu_ms": round(statistics.median(intents_cpu), 1),
        "lines_batch_messages": len(lines),
        "lines_batch_wall_ms": round(batch, 1),
        "lines_start_cost_ms": round(empty_batch, 1),
        "lines_per_message_after_start_ms": round(max(0.0, batch - empty_batch) / len(lines), 3),
    }


def _heldout_speed(rows: list[dict]) -> dict:
    """Mean in-process parse time over the held-out set, warm (the rules only)."""
    from bot.intents import parse

    times, cpu = [], []
    for _ in range(ROUNDS):
        for row in rows:
            started, started_cpu = time.perf_counter(), time.thread_time()
            parse(row["text"], **row["context"])
            cpu.append((time.thread_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
    # The target is judged on CPU time: on a shared 2-core machine the wall clock also counts the time this
    # thread waited for a core, which is the machine's load, not the parser's cost. Both are reported.
    cpu_mean = statistics.fmean(cpu)
    return {"mean_ms": round(statistics.fmean(times), 4), "p99_ms": round(_percentile(times, 0.99), 4),
            "cpu_mean_ms": round(cpu_mean, 4), "within_target": cpu_mean < MEAN_TARGET_MS}


def run() -> dict:
    rows = load_heldout()
    heldout = accuracy(rows)
    heldout["speed"] = _heldout_speed(rows)
    utterances = _utterances()
    in_process = _in_process(utterances)
    process = _process(utterances)
    return {
        "heldout": heldout,
        "target_ms": TARGET_MS,
        "in_process": in_process,
        "cli": process,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "in_process_p99_within_target": in_process["p99_ms"] < TARGET_MS,
        "cli_process_within_target": process["process_per_message_mean_ms"] < TARGET_MS,
        "note": ("A `reelbot parse` process is dominated by interpreter start-up and the CLI's imports "
                 "(reelbot.config and every cmd_* module), not by parsing; see import_* and python_start_ms."),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
