"""Fixtures for the Discord tests: the stub, a seed index, and a running bot."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import discord
import pytest
import yarl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from discord_stub import DiscordStub  # noqa: E402

from bot.client import QuoteBot  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.state import State  # noqa: E402
from index.engine import Engine  # noqa: E402

SEEDS = ROOT / "seeds"
T = TypeVar("T")


async def eventually(
    read: Callable[[], Awaitable[T]], ok: Callable[[T], bool] = bool, within: float = 2.0, step: float = 0.01
) -> T:
    """What ``read()`` gives once ``ok`` holds. The question log and votes are queued after the
    reply is sent, so a test that has seen the reply may read them a moment too early."""
    value = await read()
    for _ in range(int(within / step)):
        if ok(value):
            return value
        await asyncio.sleep(step)
        value = await read()
    raise AssertionError(f"still {value!r} after {within} s")


class StubBot(QuoteBot):
    """The real bot, minus the waits meant for Discord's identify rate limits."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@dataclass
class Running:
    bot: QuoteBot
    engine: Engine
    state: State
    task: asyncio.Task[None]

    async def stop(self) -> None:
        await self.bot.close()
        await asyncio.wait_for(self.task, 5)
        await self.state.close()
        await self.engine.close()


async def start_bot(config: Config, **options: Any) -> Running:
    """Open the engine and state on ``config.db_path`` and connect a bot to the stub."""
    engine = await Engine.open(config.db_path)
    state = await State.open(config.db_path)
    bot = StubBot(config=config, engine=engine, state=state, guild_ready_timeout=0.05, **options)
    task = asyncio.create_task(bot.start("stub-token"))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # raise why it stopped
        raise TimeoutError("the bot did not become ready")
    return Running(bot, engine, state, task)


@pytest.fixture
def discord_db_path(db_copy: Path) -> Path:
    """A private copy of the session's seed index (conftest.py)."""
    return db_copy


@pytest.fixture
def discord_config(discord_db_path: Path) -> Config:
    return Config(
        token="stub-token",
        db_path=discord_db_path,
        sources_dir=SEEDS,
        moderator_roles=("Moderator",),
        ask_cooldown_s=10.0,
        ask_cooldown_rate=50,
    )


@pytest.fixture
async def stub(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordStub]:
    s = DiscordStub()
    await s.start()
    monkeypatch.setattr(discord.http.Route, "BASE", s.api_url)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(s.gateway_url))
    yield s
    await s.stop()


@pytest.fixture
async def running(stub: DiscordStub, discord_config: Config) -> AsyncIterator[Running]:
    r = await start_bot(discord_config)
    yield r
    await r.stop()
