"""``python -m bot``: build the index, ask, list sources, summarize, run the bot."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot import sources_cli
from bot.config import Config, load_config
from bot.text import render_answer, render_summary
from index.engine import DEFAULT_K, Engine
from index.models import EngineError, InvalidQuestion, NoIndex
from index.store import build_index

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Answer questions by quoting the sources.")
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = p.add_subparsers(dest="command")

    def db_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", type=Path, help="SQLite database (default: BOT_DB_PATH or data/index.db)")

    sp = sub.add_parser("index", help="build (or rebuild) the index from a folder of sources")
    sp.add_argument("--sources", type=Path, help="folder of source files (default: BOT_SOURCES_DIR or seeds/)")
    db_arg(sp)

    sp = sub.add_parser("ask", help="answer one question")
    sp.add_argument("question", nargs="+")
    sp.add_argument("--guild", type=int, help="answer as this server does (global sources and its own)")
    sp.add_argument("-k", type=int, default=DEFAULT_K, help="passages to quote (default 5)")
    sp.add_argument("--json", action="store_true", help="print the answer as JSON")
    db_arg(sp)

    sp = sub.add_parser("sources", help="list, add or remove sources; `sources log`: who did what")
    sources_cli.add_arguments(sp)
    db_arg(sp)

    sp = sub.add_parser("summary", help="a quoted summary of the incidents, or of one topic")
    sp.add_argument("topic", nargs="*")
    sp.add_argument("--json", action="store_true")
    db_arg(sp)

    sp = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    db_arg(sp)

    sp = sub.add_parser("sync", help="register the slash commands with Discord (explicit: creations are rate-limited)")
    sp.add_argument("--guild", type=int, help="sync to one server only (instant) instead of globally")
    db_arg(sp)

    sp = sub.add_parser("console", help="a local console that takes the bot's commands (/ask …, /sources)")
    db_arg(sp)

    sub.add_parser("bench", help="benchmark against rank-bm25, bm25s and SQLite FTS5 (flags: see bench/README.md)")
    return p


async def open_engine(config: Config, *, announce: bool = True) -> Engine:
    """Open the index, building it from the configured sources first if there is none."""
    try:
        return await Engine.open(config.db_path)
    except NoIndex:
        if announce:
            print(f"No index at {config.db_path} yet: building it from {config.sources_dir}/ …", file=sys.stderr)
        report = await build_index(config.sources_dir, config.db_path)
        if announce:
            print(
                f"Indexed {report.sources} sources, {report.passages} passages in {report.seconds:.2f}s.",
                file=sys.stderr,
            )
        return await Engine.open(config.db_path)


async def _main(args: argparse.Namespace, config: Config) -> int:
    cmd = args.command
    if cmd == "index":
        with sources_cli.progress_bar(f"Indexing {config.sources_dir}") as progress:
            report = await build_index(config.sources_dir, config.db_path, progress=progress)
        print(
            f"Indexed {report.sources} sources, {report.passages} passages into {config.db_path} "
            f"(version {report.version}, {report.seconds:.2f}s)."
        )
        return 0
    if cmd == "ask":
        engine = await open_engine(config)
        answer = await engine.ask(" ".join(args.question), k=args.k, scope=sources_cli.scope_of(args))
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            print(render_answer(answer))
        return 0
    if cmd == "sources":
        if args.action is None:
            await open_engine(config)  # builds the seed index on first use, as `ask` does
        return await sources_cli.run(args, config.db_path, config.max_upload_bytes)
    if cmd == "summary":
        engine = await open_engine(config)
        summary = await engine.summary(" ".join(args.topic) or None)
        print(json.dumps(summary.to_json(), ensure_ascii=False) if args.json else render_summary(summary))
        return 0
    if cmd == "run":
        if not config.has_token:
            print("DISCORD_TOKEN is not set (environment or .env); see README.md.", file=sys.stderr)
            return 2
        from bot.client import run_bot

        await run_bot(config)
        return 0
    if cmd == "sync":
        if not config.has_token:
            print("DISCORD_TOKEN is not set (environment or .env); see README.md.", file=sys.stderr)
            return 2
        from bot.client import sync_commands

        n = await sync_commands(config, args.guild)
        print(f"Synced {n} commands {'to guild ' + str(args.guild) if args.guild else 'globally'}.")
        return 0
    if cmd == "console":
        from bot.console import run_console

        await run_console(config)
        return 0
    raise AssertionError(cmd)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["bench", "sources"]:
        from bench.sources import main as sources_bench

        return sources_bench(argv[2:])
    if argv[:1] == ["bench"]:  # its own flags (--sizes, --json, …) go to the benchmark as given
        from bench.run import main as bench_main

        return bench_main(argv[1:])
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = load_config(
        db_path=getattr(args, "db", None),
        sources_dir=getattr(args, "sources", None),
    )
    if args.command is None:
        args.command = "run" if config.has_token else "console"
    try:
        return asyncio.run(_main(args, config))
    except InvalidQuestion as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
