"""Answers first: the question log and votes are written after the reply, and never hold it up."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from discord_fixtures import Running
from discord_stub import CHANNEL_ID, USER_ID, DiscordStub

from bot import state as state_module
from bot.errors import APOLOGY

pytest_plugins = ["discord_fixtures"]

QUESTION = "When did the Worcester arrest happen?"
PROMPT_S = 1.0  # far below the 2 s after which the bot would defer, and Discord's 3 s


@contextmanager
def write_locked(db: Path) -> Iterator[None]:
    """Another process's long write (a rebuild, a backup) holding the database."""
    other = sqlite3.connect(db, timeout=0, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def buttons(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def poll_until(condition: Callable[[], bool], within: float, step: float = 0.02) -> None:
    for _ in range(int(within / step)):
        if condition():
            return
        await asyncio.sleep(step)
    raise TimeoutError(f"not true within {within} s")


def trouble(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("bot.") and r.levelno >= logging.WARNING]


async def test_answers_arrive_promptly_while_the_database_is_locked(
    stub: DiscordStub,
    running: Running,
    discord_db_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state_module, "RETRY_AFTER_S", 0.2)
    with write_locked(discord_db_path):
        started = time.monotonic()
        inter = await stub.ask(QUESTION)
        callback = await inter.callback(within=PROMPT_S)
        assert callback.body["type"] == 4  # the answer itself, not "thinking…"
        body = callback.body["data"]
        assert len(body["embeds"]) >= 2 and body.get("content") != APOLOGY

        mark = len(stub.requests)
        await stub.mention("Who is Sheriff Koppinger?")
        sent = await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages", after=mark, within=PROMPT_S)
        assert len(sent.body["embeds"]) >= 2

        vote = next(b for b in buttons(inter.sent_message()) if b.endswith(":up"))
        thanks = await (await stub.click(inter.sent_message(), vote)).reply(within=PROMPT_S)
        assert "Thanks" in thanks["content"]
        assert time.monotonic() - started < 3 * PROMPT_S

        # The buttons work meanwhile: the logged question is known before it is written.
        more = next(b for b in buttons(inter.sent_message()) if b.startswith("ask:more:"))
        assert len((await (await stub.click(inter.sent_message(), more)).reply(within=PROMPT_S))["embeds"]) >= 2
        assert not await running.state.flush(0.5)  # still waiting for the lock
        # A write gives up after the busy timeout (1 s), says so once, and is tried again later.
        await poll_until(lambda: bool(trouble(caplog)), within=3)
        await asyncio.sleep(0.5)  # more failed attempts meanwhile, but no more log lines

    # Once the other writer is done, everything is written, in order.
    assert await running.state.flush(3)
    qid = int(inter.id)
    logged = await running.state.get_question(qid)
    assert logged is not None and logged.answered and logged.question == QUESTION
    assert await running.state.feedback(qid) == {USER_ID: 1}
    with sqlite3.connect(discord_db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM bot_questions").fetchone()[0] == 2  # /ask and the mention
    lines = trouble(caplog)
    assert len(lines) == 1, [r.getMessage() for r in lines]  # logged once, however many writes waited
    assert "answers are not affected" in lines[0].getMessage() and not lines[0].exc_info


async def test_a_failing_question_log_is_never_shown_to_the_member(
    stub: DiscordStub, running: Running, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(state_module, "RETRY_AFTER_S", 0.2)
    real_write = running.state._write
    failing = True

    async def flaky(batch: list) -> None:
        if failing:
            raise sqlite3.OperationalError("disk I/O error")
        await real_write(batch)

    monkeypatch.setattr(running.state, "_write", flaky)
    inters = []
    for _ in range(3):
        inters.append(inter := await stub.ask(QUESTION))
        body = await inter.reply(within=PROMPT_S)
        assert len(body["embeds"]) >= 2
    assert not await running.state.flush(0.5)
    lines = trouble(caplog)
    assert len(lines) == 1 and "disk I/O error" in lines[0].getMessage()
    # When the database works again, what waited is written, and that is said once too.
    failing = False
    assert await running.state.flush(2)
    for inter in inters:
        assert await running.state.get_question(int(inter.id)) is not None
    assert len(trouble(caplog)) == 1
    assert any("written again" in r.getMessage() for r in caplog.records if r.name == "bot.state")


async def test_a_record_the_database_refuses_is_dropped_not_retried_forever(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    state = running.state
    state.note_question(1, "poison \ud800 question", None, False, [], 1)  # SQLite cannot encode it
    state.note_question(2, "a good question", None, False, [], 1)
    assert await state.flush(3)
    assert await state.get_question(1) is None
    logged = await state.get_question(2)
    assert logged is not None and logged.question == "a good question"
    lines = trouble(caplog)
    assert len(lines) == 1 and "dropped" in lines[0].getMessage()
