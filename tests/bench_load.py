"""Load through the loopback Discord stand-in: many members asking at once (not collected by pytest).

    .venv/bin/python -m tests.bench_load [--asks 200] [--concurrency 50] [--rebuild] [--json]

The real bot (discord.py, engine, SQLite question log) answers ``--asks`` slash commands from
distinct members, ``--concurrency`` in flight at a time, on the seed index. It reports answers
lost (no reply within ``ANSWER_TIMEOUT_S``; the stand-in refuses a first response after 3 s,
as Discord does) or failed (an apology), latency from the interaction
being sent to the reply arriving, throughput, the longest event-loop stall (a ticker task
measuring how late it wakes), and resident memory before and after. ``--rebuild`` rebuilds
the index and reloads it over and over while the members ask, as /reindex would.

The stand-in runs on an event loop of its own, in another thread, as Discord is another
machine: the stall measured is the bot's loop. They still share Python's lock and this
machine's cores, so latency and throughput are lower bounds for the bot alone.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import yarl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discord_fixtures import SEEDS, start_bot
from discord_stub import APP_ID, USER_ID, DiscordStub, Request, on_stub_loop, stub_in_thread

from bot.client import warm_up
from bot.config import Config
from bot.errors import APOLOGY
from index.store import build_index

QUESTIONS = [
    "When did the Worcester arrest happen?",
    "Who is Sheriff Koppinger?",
    "What did Koppinger say?",
    "How many people were arrested in Worcester?",
    "Where did the confrontation happen?",
    "Did ICE show a judicial warrant?",
    "What happened in Waltham?",
    "What happened in New Bedford?",
    "How did the community react?",
    "Is Massachusetts a sanctuary state?",
    "What is the best banana bread recipe?",  # not covered: answered with a refusal
]
TICK_S = 0.005  # the ticker's sleep; how late it wakes is the loop's stall
ANSWER_TIMEOUT_S = 10.0  # past this an answer counts as lost
RESPONSE_WINDOW_S = 3.0  # Discord's, enforced by the stand-in here as Discord does
WARM_UP_ASKS = 5  # connections and caches, after the engine's own warm-up (as run_bot does)
STALL_TARGET_MS = 100.0  # the bound


@dataclass
class Replies:
    """Each interaction's reply, as the stand-in answers the bot: the accepted callback (type 4),
    or the edit after a defer (type 5). Keyed by the interaction's token."""

    waiting: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    arrived: dict[str, dict[str, Any]] = field(default_factory=dict)  # before anyone waited

    async def wait(self, token: str, within: float) -> dict[str, Any]:
        if token in self.arrived:
            return self.arrived.pop(token)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[token] = future
        try:
            return await asyncio.wait_for(future, within)
        finally:
            self.waiting.pop(token, None)

    def __call__(self, req: Request) -> None:
        if not 200 <= req.status < 300 or not isinstance(req.body, dict):
            return
        parts = req.path.strip("/").split("/")
        if parts[0] == "interactions" and parts[-1] == "callback" and req.body.get("type") != 5:
            self._arrive(parts[2], dict(req.body.get("data") or {}))
        elif parts[0] == "webhooks" and req.method == "PATCH" and parts[1] == str(APP_ID):
            self._arrive(parts[2], dict(req.body))

    def _arrive(self, token: str, body: dict[str, Any]) -> None:
        future = self.waiting.get(token)
        if future is None:
            self.arrived[token] = body
        elif not future.done():
            future.set_result(body)


def rss_mb() -> float:
    """Resident memory now (Linux /proc; peak resident memory elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def ticker(stalls: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(TICK_S)
        stalls.append(max(loop.time() - before - TICK_S, 0.0) * 1000)


async def rebuilder(db: Path, running: Any, stop: asyncio.Event) -> int:
    """Rebuild and reload the index until told to stop, as /reindex does; how many times."""
    n = 0
    while not stop.is_set():
        await build_index(SEEDS, db, isolated=True)  # as /reindex builds: in a process of its own
        await running.engine.reload()
        n += 1
    return n


async def one_ask(stub: DiscordStub, replies: Replies, i: int) -> tuple[str, float]:
    """Ask as member ``i``; ('answered' | 'failed' | 'lost', seconds to the reply)."""
    started = time.perf_counter()
    inter = await stub.ask(QUESTIONS[i % len(QUESTIONS)], user_id=USER_ID + i)
    try:
        body = await replies.wait(inter.token, ANSWER_TIMEOUT_S)
    except TimeoutError:
        return "lost", time.perf_counter() - started
    failed = body.get("content") == APOLOGY or not (body.get("embeds") or body.get("content"))
    return ("failed" if failed else "answered"), time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def run(asks: int, concurrency: int, rebuild: bool) -> dict[str, Any]:
    stub = DiscordStub(keep_history=False, response_window_s=RESPONSE_WINDOW_S)  # late first responses refused
    replies = Replies()
    stub.listeners.append(replies)
    with stub_in_thread(stub):
        return await _run(stub, replies, asks, concurrency, rebuild)


async def _run(stub: DiscordStub, replies: Replies, asks: int, concurrency: int, rebuild: bool) -> dict[str, Any]:
    discord.http.Route.BASE = stub.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(stub.gateway_url)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "index.db"
        await build_index(SEEDS, db)
        config = Config(token="stub-token", db_path=db, sources_dir=SEEDS, ask_cooldown_rate=10**6)
        running = await start_bot(config)
        try:
            warm_up_s = await warm_up(running.engine)
            for i in range(WARM_UP_ASKS):
                await on_stub_loop(stub, one_ask(stub, replies, asks + i))
            gc.collect()
            rss_before = rss_mb()
            stalls: list[float] = []
            stop = asyncio.Event()
            tick = asyncio.create_task(ticker(stalls, stop))
            rebuilding = asyncio.create_task(rebuilder(db, running, stop)) if rebuild else None
            gate = asyncio.Semaphore(concurrency)

            async def limited(i: int) -> tuple[str, float]:
                async with gate:
                    return await on_stub_loop(stub, one_ask(stub, replies, i))

            started = time.perf_counter()
            results = await asyncio.gather(*(limited(i) for i in range(asks)))
            wall = time.perf_counter() - started
            stop.set()
            rebuilds = await rebuilding if rebuilding else 0
            await tick
            await running.state.flush(5)
            gc.collect()
            rss_after = rss_mb()
        finally:
            await running.stop()
    latencies = [s * 1000 for outcome, s in results if outcome == "answered"]
    outcomes = [outcome for outcome, _ in results]
    return {
        "asks": asks,
        "concurrency": concurrency,
        "rebuilds_meanwhile": rebuilds,
        "engine_warm_up_s": round(warm_up_s, 2),
        "answered": outcomes.count("answered"),
        "failed": outcomes.count("failed"),
        "lost": outcomes.count("lost"),
        "wall_s": round(wall, 3),
        "throughput_per_s": round(asks / wall, 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1) if latencies else None,
            "p90": round(percentile(latencies, 0.9), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(max(latencies, default=0.0), 1),
        },
        "loop_stall_ms": {
            "max": round(max(stalls, default=0.0), 1),
            "p99": round(percentile(stalls, 0.99), 1),
            "over_100ms": sum(1 for s in stalls if s > STALL_TARGET_MS),
        },
        "rss_mb": {
            "before": round(rss_before, 1),
            "after": round(rss_after, 1),
            "delta": round(rss_after - rss_before, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.bench_load", description=__doc__.splitlines()[0])
    p.add_argument("--asks", type=int, default=200, help="slash commands in all (default 200)")
    p.add_argument("--concurrency", type=int, default=50, help="members asking at the same time (default 50)")
    p.add_argument("--rebuild", action="store_true", help="rebuild and reload the index meanwhile, over and over")
    p.add_argument("--json", action="store_true", help="one line of JSON")
    args = p.parse_args(argv)
    summary = asyncio.run(run(args.asks, args.concurrency, args.rebuild))
    if args.json:
        print(json.dumps(summary))
    else:
        lat, stall, rss = summary["latency_ms"], summary["loop_stall_ms"], summary["rss_mb"]
        print(
            f"{summary['asks']} asks, {summary['concurrency']} at once"
            + (f", {summary['rebuilds_meanwhile']} rebuilds meanwhile" if args.rebuild else "")
            + f": {summary['answered']} answered, {summary['failed']} failed, {summary['lost']} lost"
            f" in {summary['wall_s']} s ({summary['throughput_per_s']}/s)\n"
            f"latency p50 {lat['p50']} ms, p90 {lat['p90']} ms, p99 {lat['p99']} ms, slowest {lat['max']} ms\n"
            f"event-loop stall max {stall['max']} ms, p99 {stall['p99']} ms, {stall['over_100ms']} over 100 ms\n"
            f"RSS {rss['before']} MB -> {rss['after']} MB ({rss['delta']:+} MB)"
        )
    return 0 if summary["lost"] == 0 and summary["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
