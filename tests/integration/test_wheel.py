"""The built wheel works on its own: installed into a fresh venv, run from an empty folder, it makes a clip.

Nothing is downloaded: the wheel is built without build isolation, installed with ``--no-deps --no-index``,
and the fresh venv sees the project's dependencies through a ``.pth`` line naming this venv's site-packages
(a ``.pth`` line adds that folder only; the editable install's own ``.pth`` there is not processed), so the
source tree is never on its path. A file missing from the wheel (a package without ``__init__``, the embedded
model's weights or tokenizer, the migrations) makes the chat fail or fall back to random weights.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Seconds the whole check may take: build, install, one chat on the embedded model at one step.
WHEEL_TIMEOUT_S = 600


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=WHEEL_TIMEOUT_S,
                          **kwargs)
    assert done.returncode == 0, f"{command}: {done.stderr[-3000:]}"
    return done


def source_copy(target: Path) -> Path:
    """The files git would commit (tracked and new, not ignored): no build/ or egg-info from the working tree."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel, plus a path to the project's dependencies; returns its bin/."""
    work = tmp_path_factory.mktemp("wheel")
    source = source_copy(work / "src")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", ".",
        "-w", work / "dist", cwd=source)
    [wheel] = (work / "dist").glob("reelbot-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", work / "venv")
    python = work / "venv" / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel)
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    Path(purelib, "reelbot-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    shutil.rmtree(source)
    return python.parent


def clean_environment(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("REELBOT_", "TELEGRAM_", "DISCORD_")) and name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


@pytest.mark.slow
@pytest.mark.timeout(WHEEL_TIMEOUT_S * 2)
def test_the_installed_wheel_chats_from_an_empty_folder_with_the_embedded_model(installed, tmp_path):
    # Given an empty folder and the default configuration (embedded model, SQLite under ./data)
    env = clean_environment(REELBOT_DEVICE="cpu", REELBOT_ENGINE__NUM_INFERENCE_STEPS="1")
    # And a venv whose packages all come from the wheel, none from the source tree
    code = ("import importlib, pathlib; print('\\n'.join(str(pathlib.Path(importlib.import_module(name).__file__)"
            ".resolve()) for name in ['engine.worker', 'engine.loading', 'migrations', 'reelbot.cli', 'adapters']))")
    paths = [Path(path) for path in run(installed / "python", "-c", code, cwd=tmp_path, env=env).stdout.split()]
    assert len(paths) == 5 and all(path.is_relative_to(installed.parent.resolve()) for path in paths), paths
    # When someone asks the installed command for a clip
    done = subprocess.run([str(installed / "reelbot"), "chat", "--user", "ann"], input="a red ball bouncing, 1 s\n",
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=WHEEL_TIMEOUT_S)
    # Then the clip is made by the embedded model's shipped weights, not the random fallback
    assert done.returncode == 0, done.stderr[-3000:]
    [clip] = [line for line in done.stdout.splitlines() if line.endswith(".mp4")]
    assert (tmp_path / clip).is_file()
    assert "RANDOM" not in done.stderr and not (tmp_path / "data" / "models").exists()
    shown = run(installed / "reelbot", "inspect", tmp_path / clip, cwd=tmp_path, env=env).stdout
    assert "embedded" in shown
    # And the migrations came from the wheel too: the database is at the newest revision
    revision = run(installed / "reelbot", "db", "upgrade", cwd=tmp_path, env=env).stdout
    heads = sorted(path.name.split("_")[0] for path in (ROOT / "migrations" / "versions").glob("0*.py"))
    assert revision.strip().endswith(f"is at revision {heads[-1]}")
