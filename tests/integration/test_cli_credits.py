"""``reelbot credits grant`` / ``show`` from the shell, on SQLite and PostgreSQL.

Each command is a real process (about a second each), so the tests group several commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

REELBOT = str(Path(sys.executable).with_name("reelbot"))


def shell(database_url: str, cwd: Path):
    """Runs the ``reelbot`` command against ``database_url`` from an empty directory."""
    env = {**os.environ, "REELBOT_DATABASE_URL": database_url, "REELBOT_CONFIG": str(cwd / "none.toml")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([REELBOT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)

    return run


def test_granted_credits_show_up_with_their_reason_and_a_keyed_grant_counts_once(database_url, tmp_path):
    reelbot = shell(database_url, tmp_path)
    if make_url(database_url).get_backend_name() == "postgresql":
        # Production PostgreSQL is migrated on purpose, not by whichever command runs first.
        refused = reelbot("credits", "show", "telegram:123")
        assert refused.returncode == 2 and "reelbot db upgrade" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
        assert reelbot("db", "upgrade").returncode == 0

    first = reelbot("credits", "grant", "telegram:123", "150", "--reason", "beta tester")
    second = reelbot("credits", "grant", "telegram:123", "50", "--reason", "outage", "--key", "ticket-9")
    replayed = reelbot("credits", "grant", "telegram:123", "50", "--reason", "outage", "--key", "ticket-9")
    shown = reelbot("credits", "show", "telegram:123")

    for done in (first, second, replayed, shown):
        assert done.returncode == 0, done.stderr
    assert first.stdout.strip().endswith("balance 150")
    assert second.stdout.strip().endswith("balance 200")
    assert replayed.stdout.strip().endswith("balance 200")
    lines = shown.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("telegram:123 (user ") and lines[0].endswith("balance 200 credits")
    assert "+50" in lines[1] and "admin" in lines[1] and "outage" in lines[1]
    assert "+150" in lines[2] and "beta tester" in lines[2]


def test_an_unknown_user_gets_one_clear_line_and_a_malformed_one_a_usage_error(sqlite_url, tmp_path):
    reelbot = shell(sqlite_url, tmp_path)

    unknown = reelbot("credits", "show", "discord:456")
    malformed = reelbot("credits", "grant", "myspace:1", "10")

    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "reelbot: no user discord:456 (they have not written to the bot yet)"
    assert malformed.returncode == 2
    assert "telegram, discord, console" in malformed.stderr
    assert "Traceback" not in unknown.stderr + malformed.stderr
