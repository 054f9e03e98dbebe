"""Operator mistakes and an unreachable Discord: one line that says what to fix, never a traceback."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import discord
import pytest
import yarl
from discord_stub import DiscordStub, stub_in_thread

from bot import cli
from index.engine import MAX_K

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "When did the Worcester arrest happen?"


def closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def point_discord_at(monkeypatch: pytest.MonkeyPatch, api: str, gateway: str) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", api)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(gateway))


def one_line_error(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, code: int, *words: str) -> str:
    """The exit code is non-zero, stderr is one line naming ``words``, and nothing else reached the
    log at WARNING or above (in a real process that would be more lines on stderr)."""
    _, err = capsys.readouterr()
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING], caplog.text
    return lines[0]


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")


@pytest.mark.parametrize("command", ["run", "sync"])
def test_bad_token_says_so_in_one_line(
    command: str,
    db_copy: Path,
    token_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with stub_in_thread(DiscordStub(token_valid=False)) as stub:
        point_discord_at(monkeypatch, stub.api_url, stub.gateway_url)
        code = cli.main([command, "--db", str(db_copy)])
    one_line_error(capsys, caplog, code, "DISCORD_TOKEN", "Developer Portal")


def test_unreachable_discord_says_so_in_one_line(
    db_copy: Path,
    token_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = closed_port()
    point_discord_at(monkeypatch, f"http://127.0.0.1:{port}/api/v10", f"ws://127.0.0.1:{port}/gateway")
    code = cli.main(["run", "--db", str(db_copy)])
    one_line_error(capsys, caplog, code, "cannot reach Discord", "network")


def test_unreachable_gateway_says_so_in_one_line(
    db_copy: Path,
    token_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The REST API answers but the gateway does not: discord.py alone would log a traceback,
    # then crash on its own retry (AttributeError on a socket it never had).
    with stub_in_thread(DiscordStub()) as stub:
        point_discord_at(monkeypatch, stub.api_url, f"ws://127.0.0.1:{closed_port()}/gateway")
        code = cli.main(["run", "--db", str(db_copy)])
    one_line_error(capsys, caplog, code, "gateway", "network")


def test_missing_privileged_intents_say_where_to_enable_them(
    db_copy: Path,
    token_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with stub_in_thread(DiscordStub(close_on_identify=4014)) as stub:
        point_discord_at(monkeypatch, stub.api_url, stub.gateway_url)
        code = cli.main(["run", "--db", str(db_copy)])
    one_line_error(capsys, caplog, code, "Privileged Gateway Intents")


@pytest.mark.parametrize("k", ["0", "-5", "100000", "three"])
def test_out_of_range_k_is_refused_with_the_range(k: str, seed_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ask", QUESTION, "-k", k, "--db", str(seed_db)])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert not out and f"from 1 to {MAX_K}" in err and "-k" in err


@pytest.mark.parametrize("k", ["1", str(MAX_K)])
def test_k_at_the_ends_of_the_range_is_accepted(k: str, seed_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ask", QUESTION, "-k", k, "--db", str(seed_db), "--json"]) == 0
    assert 1 <= len(json.loads(capsys.readouterr().out)["passages"]) <= int(k)


def test_a_folder_as_db_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    for command in (["ask", QUESTION], ["sources"], ["index"]):
        code = cli.main([*command, "--db", str(tmp_path)])
        one_line_error(capsys, caplog, code, str(tmp_path), "folder")


def test_a_db_whose_folder_cannot_be_made_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = cli.main(["ask", QUESTION, "--db", str(blocker / "sub" / "index.db")])
    one_line_error(capsys, caplog, code, str(blocker), "not a folder")


def test_ask_into_a_closed_pipe_exits_quietly(seed_db: Path) -> None:
    # What `python -m bot ask … | head -1` does once head has its line: the pipe closes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", QUESTION, "--db", str(seed_db)],
        cwd=ROOT,
        env={**os.environ, "DISCORD_TOKEN": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert err == ""
    assert code == cli.EXIT_BROKEN_PIPE


def test_verbose_run_logs_no_token(
    db_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "MTIzNDU2Nzg5.secret-token-value"
    monkeypatch.setenv("DISCORD_TOKEN", secret)
    caplog.set_level(logging.DEBUG)
    with stub_in_thread(DiscordStub(token_valid=False)) as stub:
        point_discord_at(monkeypatch, stub.api_url, stub.gateway_url)
        cli.main(["-v", "run", "--db", str(db_copy)])
    out, err = capsys.readouterr()
    assert secret not in out + err + caplog.text
