"""Terminal output: a source or question cannot drive the terminal (colours, bells, cursor moves)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import handle
from bot.text import terminal_safe
from index.engine import Engine
from index.store import build_index

ROOT = Path(__file__).resolve().parent.parent
RAW = ("\x1b", "\x07", "\x9b", "\r", "\u202e")  # ESC, BEL, 8-bit CSI, carriage return, right-to-left override
HOSTILE = (
    "Harbor raid notes\n\n"
    "At the harbor raid \x1b[31mRED\x1b[0m sirens sounded\x07 and the crowd at the harbor gathered.\n\n"
    "The harbor raid ended at noon;\r a fake line \x9b2J and \u202eevil\u202c at the harbor.\n"
)
QUESTION = "What happened at the harbor raid?"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "001_harbor.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "002_weather.txt").write_text(
        "Weather notes\n\nThe weather in the valley was mild and sunny all week, with light winds.\n", encoding="utf-8"
    )
    (folder / "sources.yaml").write_text(
        'sources:\n  001_harbor:\n    label: "Harbor \\e[5mblink\\e[0m report\\a"\n    site: "news\\e]0;pwned\\a"\n',
        encoding="utf-8",
    )
    db = folder / "index.db"
    asyncio.run(build_index(folder, db))
    return db


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DISCORD_TOKEN": ""},
        timeout=120,
    )


def assert_inert(text: str) -> None:
    for ch in RAW:
        assert ch not in text, repr(ch)


def test_terminal_safe_shows_controls_and_keeps_layout() -> None:
    assert terminal_safe("\x1b[31mRED\x1b[0m\x07") == "␛[31mRED␛[0m␇"
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("x\ry\x7fz\x9b\u202e") == "x␍y␡z\\x9b\\u202e"
    assert terminal_safe("Worcester — “quoted” 5月") == "Worcester — “quoted” 5月"


def test_ask_and_sources_print_no_escape_sequences(hostile_db: Path) -> None:
    ask = run("ask", QUESTION, "--db", str(hostile_db))
    assert ask.returncode == 0, ask.stderr
    assert_inert(ask.stdout + ask.stderr)
    assert "␛[31mRED␛[0m" in ask.stdout and "␇" in ask.stdout  # shown, not acted on
    sources = run("sources", "--db", str(hostile_db))
    assert_inert(sources.stdout + sources.stderr)
    assert "Harbor ␛[5mblink␛[0m report␇" in sources.stdout


def test_json_output_escapes_controls_and_keeps_quotes_exact(hostile_db: Path) -> None:
    ask = run("ask", QUESTION, "--db", str(hostile_db), "--json")
    assert ask.returncode == 0, ask.stderr
    assert_inert(ask.stdout)
    texts = [p["text"] for p in json.loads(ask.stdout)["passages"]]
    assert any("\x1b[31mRED" in t for t in texts)  # the quote itself is verbatim once decoded
    for t in texts:
        assert t in HOSTILE
    listed = run("sources", "--db", str(hostile_db), "--json")
    assert_inert(listed.stdout)
    assert "\x1b[5mblink" in json.loads(listed.stdout)[0]["label"]


def test_a_question_with_escapes_is_echoed_inert(hostile_db: Path) -> None:
    ask = run("ask", "What \x1b[2Jhappened at the harbor raid?\x07", "--db", str(hostile_db))
    assert_inert(ask.stdout + ask.stderr)
    assert ask.stdout.startswith("Q: What ␛[2Jhappened")


async def test_console_output_is_inert(hostile_db: Path) -> None:
    engine = await Engine.open(hostile_db)
    try:
        for line in (QUESTION, "/sources", "/source show S1", "/summary harbor", "/nope \x1b[31m"):
            out = await handle(engine, line)
            assert out is not None
            assert_inert(out)
    finally:
        await engine.close()
