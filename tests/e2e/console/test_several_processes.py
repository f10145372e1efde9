"""Two ``reelbot chat`` processes on one SQLite file, started at the same moment, in local mode.

Each process renders and delivers only its own jobs: each prints exactly its own clip and exits. Before, one
process printed every clip and another waited forever for a clip that had gone to someone else.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REELBOT = str(Path(sys.executable).with_name("reelbot"))
#: Seconds each chat may take (two processes load the tiny model at once on shared CPU cores).
CHAT_TIMEOUT_S = 240


@pytest.mark.slow
@pytest.mark.timeout(CHAT_TIMEOUT_S + 60)
def test_two_chats_on_one_database_started_together_each_print_exactly_their_own_clip(tmp_path, tiny_model_dir):
    # Given one SQLite database (a plain sqlite:/// URL) and the tiny model
    env = {**os.environ, "REELBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "REELBOT_MODEL": str(tiny_model_dir),
           "REELBOT_DEVICE": "cpu", "REELBOT_MEDIA_DIR": str(tmp_path / "media"),
           "REELBOT_CONFIG": str(tmp_path / "none.toml")}
    prompts = {"ann": "a red ball bouncing, 1 s", "bob": "a blue cube sliding, 1 s"}
    # When two people start a chat at the same moment, each asking for one clip
    chats = {
        user: subprocess.Popen([REELBOT, "chat", "--user", user, "--out", str(tmp_path / f"out-{user}")],
                               cwd=tmp_path, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        for user in prompts
    }
    for user, chat in chats.items():
        chat.stdin.write(prompts[user] + "\n")
        chat.stdin.close()
    outputs = {}
    try:
        for user, chat in chats.items():
            chat.wait(timeout=CHAT_TIMEOUT_S)
            outputs[user] = (chat.returncode, chat.stdout.read(), chat.stderr.read())
    finally:
        for chat in chats.values():
            if chat.poll() is None:
                chat.kill()
    # Then each exits 0 having printed exactly one clip: its own, in its own folder
    for user, (returncode, stdout, stderr) in outputs.items():
        assert returncode == 0, stderr[-2000:]
        clips = [line for line in stdout.splitlines() if line.endswith(".mp4")]
        assert len(clips) == 1, stdout
        assert Path(clips[0]).parent == tmp_path / f"out-{user}" and Path(clips[0]).is_file()
        asked = prompts[user].split(",")[0]
        others = [prompt.split(",")[0] for name, prompt in prompts.items() if name != user]
        assert asked in stdout and not any(other in stdout for other in others)
        assert "Traceback" not in stderr
