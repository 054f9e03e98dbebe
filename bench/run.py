"""Side-by-side BM25 benchmark: ours vs rank-bm25 vs bm25s vs SQLite FTS5.

    python -m bench.run --sizes 1000,10000,100000 [--json] [--queries N]

Each (size, engine) runs in its own child process, so ``peak_mb`` (the child's
``ru_maxrss``) is that engine's own: generating the synthetic passages, building,
saving, loading the stored index back and answering the questions. With
``--json`` the last line of stdout is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import pickle
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpus import passages, questions

log = logging.getLogger(__name__)

ENGINES = ("ours", "bm25s", "rank_bm25", "fts5")
K = 10
WARMUP = 3
# Slow engines stop after this many seconds of querying (at least MIN_QUERIES).
QUERY_BUDGET_S = 30.0
MIN_QUERIES = 5
PICKLE_MAX_PASSAGES = 100_000  # rank_bm25's pickle round trip is skipped above this
ASK_MAX_PASSAGES = 1_000_000  # the full answer path is measured up to this size
ASK_PASSAGES_PER_FILE = 1000

Query = list[str]
Search = Callable[[Query], object]


def make_ask(corpus: Sequence[Sequence[str]], workdir: Path, timings: dict[str, float] | None = None) -> Search | None:
    """The project's full answer path (``index.engine.Engine.answer``), or None.

    The synthetic passages are written as source files (one paragraph each),
    indexed with ``index.store.build_index`` and opened with ``Engine.open``;
    a question is answered from its words joined by spaces. Returns None
    (``ask_p50_ms`` is then null, never estimated) when the engine cannot be
    imported or built, or above ``ASK_MAX_PASSAGES``.
    """
    if len(corpus) > ASK_MAX_PASSAGES:
        return None
    try:
        import asyncio

        from index.engine import Engine
        from index.store import build_index

        src = workdir / "ask-sources"
        src.mkdir()
        for f, start in enumerate(range(0, len(corpus), ASK_PASSAGES_PER_FILE)):
            docs = corpus[start : start + ASK_PASSAGES_PER_FILE]
            text = "\n\n".join(" ".join(doc).capitalize() + "." for doc in docs if doc)
            (src / f"src{f:05d}.txt").write_text(text, encoding="utf-8")
        db = workdir / "ask.db"
        t0 = time.perf_counter()
        asyncio.run(build_index(src, db))
        t1 = time.perf_counter()
        engine = asyncio.run(Engine.open(db))  # the bot's start-up: passages and stored arrays
        t2 = time.perf_counter()
        if timings is not None:
            timings["ask_build_s"] = round(t1 - t0, 3)
            timings["ask_load_s"] = round(t2 - t1, 3)
    except Exception:
        log.exception("ask path unavailable; ask_p50_ms left out")
        return None
    return lambda q: engine.answer(" ".join(q))


# --------------------------------------------------------------------------- engines
class Engine:
    """Build, store, load and query one engine; ``search`` returns the top K."""

    name = ""

    def build(self, corpus: list[list[str]], workdir: Path) -> None:
        raise NotImplementedError

    def release(self) -> None:
        """Drop the built index (not timed)."""
        for attr in ("index", "model", "db"):
            if hasattr(self, attr):
                delattr(self, attr)
        gc.collect()

    def load(self, workdir: Path) -> None:
        """Load the stored index (start-up path, timed)."""
        raise NotImplementedError

    def search(self, query: Query) -> object:
        raise NotImplementedError


class Ours(Engine):
    name = "ours"

    def build(self, corpus: list[list[str]], workdir: Path) -> None:
        from index.bm25 import BM25Index

        self.index = BM25Index.build(corpus)
        self.index.save(workdir / "ours.bm25")

    def load(self, workdir: Path) -> None:
        from index.bm25 import BM25Index

        self.index = BM25Index.load(workdir / "ours.bm25")

    def search(self, query: Query) -> object:
        return self.index.top_k(query, K)


class Bm25s(Engine):
    name = "bm25s"

    def build(self, corpus: list[list[str]], workdir: Path) -> None:
        import bm25s

        self.model = bm25s.BM25(backend="numpy")
        self.model.index(corpus, show_progress=False)
        self.model.save(str(workdir / "bm25s"), show_progress=False)

    def load(self, workdir: Path) -> None:
        import bm25s

        self.model = bm25s.BM25.load(str(workdir / "bm25s"), show_progress=False)

    def search(self, query: Query) -> object:
        return self.model.retrieve([query], k=K, show_progress=False, n_threads=0)


class RankBm25(Engine):
    name = "rank_bm25"

    def build(self, corpus: list[list[str]], workdir: Path) -> None:
        from rank_bm25 import BM25Okapi

        self.model = BM25Okapi(corpus)
        self.pickled = len(corpus) <= PICKLE_MAX_PASSAGES
        if self.pickled:
            with open(workdir / "rank_bm25.pkl", "wb") as fh:
                pickle.dump(self.model, fh, protocol=pickle.HIGHEST_PROTOCOL)

    def load(self, workdir: Path) -> None:
        if not self.pickled:
            raise NotImplementedError("pickle round trip skipped at this size")
        with open(workdir / "rank_bm25.pkl", "rb") as fh:
            self.model = pickle.load(fh)  # our own file

    def search(self, query: Query) -> object:
        scores = self.model.get_scores(query)
        k = min(K, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top], kind="stable")]


class Fts5(Engine):
    name = "fts5"

    def build(self, corpus: list[list[str]], workdir: Path) -> None:
        path = workdir / "fts5.db"
        db = sqlite3.connect(path)
        db.execute("CREATE VIRTUAL TABLE p USING fts5(body)")
        db.executemany("INSERT INTO p(rowid, body) VALUES (?, ?)", ((i, " ".join(doc)) for i, doc in enumerate(corpus)))
        db.commit()
        db.close()

    def load(self, workdir: Path) -> None:
        """Open the database; the first query (part of start-up) is run here."""
        self.db = sqlite3.connect(workdir / "fts5.db")
        self.search(["the", "of"])

    def search(self, query: Query) -> object:
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in query)
        sql = "SELECT rowid, bm25(p) FROM p WHERE p MATCH ? ORDER BY rank LIMIT ?"
        return self.db.execute(sql, (match, K)).fetchall()


ENGINE_CLASSES: dict[str, type[Engine]] = {
    "ours": Ours,
    "bm25s": Bm25s,
    "rank_bm25": RankBm25,
    "fts5": Fts5,
}


# --------------------------------------------------------------------------- child
def _latencies(fn: Search, qs: list[Query], budget_s: float) -> list[float]:
    for q in qs[:WARMUP]:
        fn(q)
    out: list[float] = []
    started = time.perf_counter()
    for q in qs:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000.0)
        if len(out) >= MIN_QUERIES and time.perf_counter() - started > budget_s:
            break
    return out


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_engine(name: str, n_passages: int, n_queries: int, seed: int) -> dict[str, Any]:
    """Measure one engine at one size (meant to run in a fresh process)."""
    corpus = passages(n_passages, seed)
    qs = questions(n_queries, seed)
    corpus_mb = _rss_mb()
    engine = ENGINE_CLASSES[name]()
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    try:
        t0 = time.perf_counter()
        engine.build(corpus, workdir)
        build_s = time.perf_counter() - t0
        load_s: float | None
        if name != "rank_bm25" or n_passages <= PICKLE_MAX_PASSAGES:
            engine.release()
        try:
            t0 = time.perf_counter()
            engine.load(workdir)
            load_s = time.perf_counter() - t0
        except NotImplementedError:
            load_s = None
        budget = float("inf") if name in ("ours", "bm25s") else QUERY_BUDGET_S
        rank = _latencies(engine.search, qs, budget)
        result: dict[str, Any] = {
            "build_s": round(build_s, 3),
            "load_s": None if load_s is None else round(load_s, 4),
            "rank_p50_ms": round(float(np.percentile(rank, 50)), 4),
            "rank_p99_ms": round(float(np.percentile(rank, 99)), 4),
            "queries": len(rank),
            "corpus_mb": round(corpus_mb, 1),
        }
        # peak before the answer path below, which builds its own engine
        result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if name == "ours":
            engine.release()
            timings: dict[str, float] = {}
            ask = make_ask(corpus, workdir, timings)
            result.update(timings)
            asked = _latencies(ask, qs, budget) if ask is not None else None
            result["ask_p50_ms"] = None if asked is None else round(float(np.percentile(asked, 50)), 4)
            result["ask_queries"] = 0 if asked is None else len(asked)
            if asked is not None:  # the process's peak so far: the answer path with everything it loaded
                result["ask_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _spawn(name: str, n: int, n_queries: int, seed: int) -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--child",
        name,
        "--passages",
        str(n),
        "--queries",
        str(n_queries),
        "--seed",
        str(seed),
    ]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, cwd=root)
    if proc.returncode != 0:
        log.error("%s at %d passages failed:\n%s", name, n, proc.stderr[-2000:])
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report
def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def format_table(results: list[dict[str, Any]]) -> str:
    """Human table; each figure followed by its ratio to bm25s (x)."""
    cols = ["build_s", "load_s", "rank_p50_ms", "rank_p99_ms", "ask_p50_ms", "peak_mb", "queries"]
    lines = []
    for size in results:
        lines.append(f"\n== {size['passages']:,} passages ==")
        lines.append(f"{'engine':<10}" + "".join(f"{c:>20}" for c in cols))
        ref = size["engines"].get("bm25s", {})
        for name, fig in size["engines"].items():
            if "error" in fig:
                lines.append(f"{name:<10}  error: {fig['error']}")
                continue
            cells = []
            for c in cols:
                v, r = fig.get(c), ref.get(c)
                cell = _fmt(v)
                if c != "queries" and isinstance(v, (int, float)) and isinstance(r, (int, float)) and r > 0:
                    cell += f" ({v / r:.2f}x)"
                cells.append(f"{cell:>20}")
            lines.append(f"{name:<10}" + "".join(cells))
    lines.append(
        "\n(x) = ratio to bm25s; queries = questions timed (slow engines stop after "
        f"{QUERY_BUDGET_S:.0f} s); peak_mb includes the synthetic corpus (corpus_mb in JSON)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point (also ``python -m bot bench``)."""
    ap = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", default="1000,10000,100000", help="comma-separated passage counts (default 1000,10000,100000)"
    )
    ap.add_argument("--queries", type=int, default=1000, help="questions per engine (default 1000)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of engines")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--passages", type=int, help=argparse.SUPPRESS)
    if argv and argv[0] == "--":  # e.g. ``python -m bot bench -- --sizes ...``
        argv = argv[1:]
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(run_engine(args.child, args.passages, args.queries, args.seed)))
        return 0

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        ap.error(f"unknown engines: {', '.join(unknown)}")
    results = []
    for n in (int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()):
        figs: dict[str, Any] = {}
        for name in engines:
            print(f"[bench] {name} @ {n:,} passages ...", file=sys.stderr, flush=True)
            figs[name] = _spawn(name, n, args.queries, args.seed)
        results.append({"passages": n, "engines": figs})
        print(format_table(results[-1:]), flush=True)
    if args.json:
        print(json.dumps({"sizes": results}))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    raise SystemExit(main())
