"""Start-up: the engine's lazily loaded data is loaded before the bot serves anyone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import client
from bot.config import Config
from index.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
FIRST_UNCOVERED_S = 0.3  # cold, the first question with words the sources lack took 1.1-1.7 s

COLD_PROCESS = """
import asyncio, json, sys, time
from bot.client import warm_up
from index.engine import Engine

async def main(db, warm):
    engine = await Engine.open(db)
    if warm:
        await warm_up(engine)
    started = time.perf_counter()
    await engine.ask("What is the best banana bread recipe?")  # on the event loop, as the bot asks
    print(json.dumps(time.perf_counter() - started))

asyncio.run(main(sys.argv[1], sys.argv[2] == "warm"))
"""


def first_uncovered_answer_s(db: Path, mode: str) -> float:
    proc = subprocess.run(
        [sys.executable, "-c", COLD_PROCESS, str(db), mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DISCORD_TOKEN": ""},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return float(json.loads(proc.stdout))


def test_after_warm_up_the_first_uncovered_question_does_not_stall_the_loop(seed_db: Path) -> None:
    assert first_uncovered_answer_s(seed_db, "warm") < FIRST_UNCOVERED_S


async def test_run_bot_warms_the_engine_before_connecting(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []

    async def fake_warm_up(engine: object) -> float:
        order.append("warm up")
        return 0.0

    async def fake_serve(bot: object, token: str) -> None:
        order.append("connect")

    monkeypatch.setattr(client, "warm_up", fake_warm_up)
    monkeypatch.setattr(client, "serve", fake_serve)
    await client.run_bot(Config(token="t", db_path=db_copy))
    assert order == ["warm up", "connect"]


async def test_warm_up_shortens_how_long_a_thread_holds_the_lock_from_the_loop(seed_db: Path) -> None:
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        await client.warm_up(await Engine.open(seed_db))
        assert sys.getswitchinterval() == pytest.approx(client.GIL_SWITCH_INTERVAL_S)
    finally:
        sys.setswitchinterval(before)
