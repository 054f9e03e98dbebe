"""/ask round-trip latency against the stub on the seed index (not collected by pytest).

    .venv/bin/python tests/bench_discord.py [N]

Measures from the stub sending INTERACTION_CREATE to the bot's reply arriving, over N
questions (default 50), and prints the median. Target: ≤ 100 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import discord
import yarl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discord_fixtures import SEEDS, start_bot
from discord_stub import USER_ID, DiscordStub

from bot.config import Config
from index.store import build_index

QUESTIONS = [
    "When did the Worcester arrest happen?",
    "Who is Sheriff Koppinger?",
    "What did Koppinger say?",
    "How many people were arrested in Worcester?",
    "Where did the confrontation happen?",
    "What sparked the confrontation?",
    "Did ICE show a judicial warrant?",
    "What happened in Waltham?",
    "What happened in New Bedford?",
    "How did the community react?",
    "What is the best banana bread recipe?",
]


async def main(n: int) -> None:
    stub = DiscordStub()
    await stub.start()
    discord.http.Route.BASE = stub.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(stub.gateway_url)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "index.db"
        await build_index(SEEDS, db)
        running = await start_bot(Config(token="t", db_path=db, sources_dir=SEEDS, ask_cooldown_rate=10**6))
        try:
            times = []
            for i in range(n):
                started = time.perf_counter()
                inter = await stub.ask(QUESTIONS[i % len(QUESTIONS)], user_id=USER_ID + i)
                await inter.reply()
                times.append((time.perf_counter() - started) * 1000)
        finally:
            await running.stop()
            await stub.stop()
    print(
        f"/ask round trip over {n} questions: median {statistics.median(times):.1f} ms, "
        f"p90 {sorted(times)[int(n * 0.9) - 1]:.1f} ms, max {max(times):.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
