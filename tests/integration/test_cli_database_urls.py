"""Every documented form of ``REELBOT_DATABASE_URL`` works with every ``reelbot`` command, on SQLite and PostgreSQL.

The commands run in-process through click's runner (a subprocess costs seconds each); one real process checks
the exact crash operators met ("The asyncio extension requires an async driver"), and bad URLs get one line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from reelbot.cli import cli, main  # noqa: F401  (main registers the sub-commands)

REELBOT = str(Path(sys.executable).with_name("reelbot"))
SQLITE_FORMS = ("sqlite", "sqlite+aiosqlite")
POSTGRES_FORMS = ("postgresql", "postgresql+asyncpg", "postgresql+psycopg")


@pytest.fixture(autouse=True)
def registered_commands():
    from reelbot.cli import _register

    _register()


def in_form(url: str, drivername: str) -> str:
    return make_url(url).set(drivername=drivername).render_as_string(hide_password=False)


def runner_for(database_url: str, tmp_path: Path):
    env = {"REELBOT_DATABASE_URL": database_url, "REELBOT_CONFIG": str(tmp_path / "none.toml"),
           "REELBOT_CREDITS__DAILY_FREE": "0", "REELBOT_MEDIA_DIR": str(tmp_path / "media")}
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> Result:
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            return runner.invoke(cli, list(args), env=env, input=stdin, catch_exceptions=True)
        finally:
            os.chdir(cwd)

    return run


def every_command_works(reelbot, expected_url: str) -> None:
    shown = reelbot("config", "show")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["database_url"] == expected_url

    parsed = reelbot("parse", "a red ball, vertical, 5 s")
    assert parsed.exit_code == 0 and json.loads(parsed.output)["aspect"] == "9:16"

    upgraded = reelbot("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "is at revision" in upgraded.output

    granted = reelbot("credits", "grant", "console:ann", "30", "--reason", "welcome")
    assert granted.exit_code == 0, (granted.output, granted.exception)
    assert granted.output.strip().endswith("balance 30")

    listed = reelbot("credits", "show", "console:ann")
    assert listed.exit_code == 0, (listed.output, listed.exception)
    assert "balance 30 credits" in listed.output and "welcome" in listed.output

    chatted = reelbot("chat", "--user", "ann", stdin="balance\n")
    assert chatted.exit_code == 0, (chatted.output, chatted.exception)
    assert "30" in chatted.output
    assert "Traceback" not in chatted.output


@pytest.mark.parametrize("drivername", SQLITE_FORMS)
def test_every_command_accepts_each_sqlite_url_form(drivername, tmp_path):
    # Given a SQLite file named in one of the accepted forms
    url = f"{drivername}:///{tmp_path / 'bot.db'}"
    # When every command runs on it, Then each works and the settings show the async form
    every_command_works(runner_for(url, tmp_path), f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")


@pytest.mark.postgres
@pytest.mark.parametrize("drivername", POSTGRES_FORMS)
def test_every_command_accepts_each_postgresql_url_form(drivername, postgres_url, tmp_path):
    # Given a fresh PostgreSQL database named in one of the accepted forms
    url = in_form(postgres_url, drivername)
    # When every command runs on it, Then each works and the settings show the async form
    every_command_works(runner_for(url, tmp_path), in_form(postgres_url, "postgresql+asyncpg"))


def test_a_plain_sqlite_url_grants_credits_from_a_real_process(tmp_path):
    # Given the URL SQLAlchemy users write, which used to crash with "requires an async driver"
    env = {**os.environ, "REELBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "REELBOT_CONFIG": str(tmp_path / "none.toml")}
    # When an operator grants credits
    done = subprocess.run([REELBOT, "credits", "grant", "telegram:7", "5"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    # Then it works
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("balance 5")


@pytest.mark.parametrize("bad_url", ["mysql://root:hunter2@db/reelbot", "not a url", "sqlite://db-host/reelbot.db"])
@pytest.mark.parametrize("command", [("config", "show"), ("db", "upgrade"), ("credits", "show", "console:ann"),
                                     ("credits", "grant", "console:ann", "5"), ("chat",)])
def test_a_bad_url_gets_one_line_naming_the_variable_and_never_a_traceback(bad_url, command, tmp_path):
    # Given a URL reelbot cannot use
    reelbot = runner_for(bad_url, tmp_path)
    # When any command starts
    result = reelbot(*command, stdin="hello\n")
    # Then it stops with one line that names the variable and hides the password
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reelbot: invalid setting REELBOT_DATABASE_URL")
    assert "hunter2" not in result.output


@pytest.mark.postgres
def test_an_unreachable_database_gets_one_line_naming_the_variable(postgres_url, tmp_path):
    # Given a PostgreSQL URL whose database does not exist
    missing = make_url(postgres_url).set(database="reelbot_absent_db", drivername="postgresql")
    reelbot = runner_for(missing.render_as_string(hide_password=False), tmp_path)
    for command in (("db", "upgrade"), ("credits", "grant", "console:ann", "5"), ("chat",)):
        # When a command needs it
        result = reelbot(*command, stdin="hello\n")
        # Then one line says which database could not be used
        lines = result.output.strip().splitlines()
        assert result.exit_code in (1, 2), result.output
        assert len(lines) == 1 and "REELBOT_DATABASE_URL" in lines[0] and "reelbot_absent_db" in lines[0]


def test_a_sqlite_file_that_cannot_be_created_gets_one_line_naming_the_variable(tmp_path):
    # Given a SQLite URL whose folder would have to be made inside a file
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    reelbot = runner_for(f"sqlite:///{blocker / 'bot.db'}", tmp_path)
    for command in (("db", "upgrade"), ("credits", "show", "console:ann"), ("chat",)):
        # When a command needs the database
        result = reelbot(*command, stdin="hello\n")
        # Then one line says which database and why, and no traceback
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2, result.output
        assert len(lines) == 1 and "REELBOT_DATABASE_URL" in lines[0] and "cannot create its folder" in lines[0]
