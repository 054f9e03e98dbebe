"""Sources benchmark: rebuilds and additions at scale, and what members notice meanwhile.

    python -m bot bench sources [--count 1000] [--asks 200] [--json]

The seeds plus ``--count`` article-sized sources (paragraphs of the seeds and the held-out
corpora, shuffled into new articles with their own place and date lines) are indexed into a
fresh database. Reported: a full rebuild with nothing analysed before (cold), a full rebuild
reusing the stored analyses (warm), adding one source, and — while a cold rebuild runs in the
same process — the slowest of ``--asks`` answers and the longest event-loop stall (a ticker
that should wake every few milliseconds). With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from index.engine import Engine, settle_memory
from index.ingest import read_document
from index.store import add_source, build_index

ROOT = Path(__file__).resolve().parent.parent
CORPORA = (ROOT / "seeds", ROOT / "tests" / "heldout" / "corpus-b", ROOT / "tests" / "heldout" / "corpus-c")
TICK_S = 0.002  # the ticker's sleep: a stall is how much later than this it wakes
PARAGRAPHS = (8, 16)  # paragraphs per generated article (about 3-6 KB)
PLACES = ("Worcester", "Waltham", "New Bedford", "Lynn", "Chelsea", "Lawrence", "Salem", "Lowell", "Framingham")
QUESTIONS = (
    "When did the Worcester arrest happen?",
    "How many people were arrested?",
    "what did the sheriff say abt ice",
    "Where did the confrontations take place?",
    "Did the agents have a warrant?",
)


def make_articles(folder: Path, count: int, seed: int = 0) -> None:
    """Seeds (with their manifest and profile) plus ``count`` generated articles in ``folder``."""
    rng = random.Random(seed)
    paragraphs = [
        line.strip()
        for corpus in CORPORA
        for path in sorted(corpus.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 80
    ]
    for item in (ROOT / "seeds").iterdir():
        shutil.copy(item, folder / item.name)
    for n in range(count):
        place, day = rng.choice(PLACES), rng.randint(1, 28)
        body = rng.sample(paragraphs, rng.randint(*PARAGRAPHS))
        head = f"Report {n} from {place}\nPublished in {place} on March {day}, 2025 (item {n}).\n"
        (folder / f"{1000 + n}_report.txt").write_text(head + "\n".join(body) + "\n", encoding="utf-8")


async def _during(db: Path, folder: Path, asks: int) -> dict[str, float]:
    """The slowest answer and the longest loop stall while a cold rebuild runs."""
    engine = await Engine.open(db)
    await engine.warm()  # as the bot does before serving
    settle_memory()
    stalls: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            stalls.append(time.perf_counter() - before - TICK_S)

    async def asker() -> list[float]:
        times = []
        for i in range(asks):
            t = time.perf_counter()
            await engine.ask(QUESTIONS[i % len(QUESTIONS)])
            times.append(time.perf_counter() - t)
            await asyncio.sleep(0.01)
        return times

    tick = asyncio.create_task(ticker())
    # Another corpus profile: every source is analysed again, the longest rebuild there is.
    (folder / "corpus.yaml").write_text("names: [[Coppinger, Koppinger]]\n", encoding="utf-8")
    build = asyncio.create_task(build_index(folder, db, isolated=True))
    times = await asker()
    await build
    stop.set()
    await tick
    return {
        "ask_slowest_ms": max(times) * 1000,
        "ask_p50_ms": statistics.median(times) * 1000,
        "loop_stall_max_ms": max(stalls) * 1000,
        "loop_stall_p99_ms": sorted(stalls)[int(len(stalls) * 0.99)] * 1000,
        "asks_answered_during_build": len(times),
    }


async def run(count: int, asks: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="bench-sources-"))
    try:
        folder = work / "sources"
        folder.mkdir()
        make_articles(folder, count)
        db = work / "index.db"
        t = time.perf_counter()
        report = await build_index(folder, db)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        await build_index(folder, db)
        warm = time.perf_counter() - t
        doc = read_document("one.txt", b"One More Report\nAgents returned to Salem on April 3, 2025, and left.\n")
        t = time.perf_counter()
        await add_source(db, doc, scope="bench-one", isolated=True)
        add_one = time.perf_counter() - t
        during = await _during(db, folder, asks)
        return {
            "sources": report.sources,
            "passages": report.passages,
            "rebuild_cold_s": cold,
            "rebuild_warm_s": warm,
            "add_one_s": add_one,
            **during,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot bench sources", description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000, help="generated articles besides the seeds (default 1000)")
    ap.add_argument("--asks", type=int, default=200, help="answers asked while a rebuild runs (default 200)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    figures = asyncio.run(run(a.count, a.asks))
    for key, value in figures.items():
        print(f"{key:28s} {value:.3f}" if isinstance(value, float) else f"{key:28s} {value}")
    if a.json:
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
