"""``python -m bot``: build the index, ask, list sources, summarize, run the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from bot import maintenance_cli, sources_cli
from bot.config import Config, load_config
from bot.text import json_text, render_answer, render_summary, terminal_safe
from index.engine import DEFAULT_K, MAX_K, Engine
from index.models import EngineError, InvalidQuestion, NoIndex
from index.store import build_index

log = logging.getLogger(__name__)

MIN_K = 1
EXIT_ERROR = 1
EXIT_USAGE = 2  # what argparse uses: the command line itself is wrong
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what `cat` and other tools exit with when the reader goes away
EXIT_INTERRUPTED = 130  # 128 + SIGINT


class CannotConnect(Exception):
    """The bot cannot (or can no longer) talk to Discord; the message says what to fix, in one line.

    Raised by bot.client; defined here so that commands which never connect do not import discord.
    """


def k_value(text: str) -> int:
    """``-k``: a whole number from MIN_K to MAX_K, refused (not clamped) otherwise."""
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from {MIN_K} to {MAX_K}, not {text!r}") from None
    if not MIN_K <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"must be from {MIN_K} to {MAX_K}, not {k}")
    return k


def db_path_problem(path: Path) -> str | None:
    """Why ``path`` cannot hold the database (a folder; a folder that cannot be made), or None."""
    if path.is_dir():
        return f"the database path {path} is a folder; give a file in it, e.g. --db {path / 'index.db'}"
    parent = path.parent
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        return f"cannot create the database folder {parent}: {existing} is not a folder"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the database folder {parent}: {exc.strerror or exc}"
    return None


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
    sp.add_argument(
        "-k", type=k_value, default=DEFAULT_K, help=f"passages to quote, {MIN_K}–{MAX_K} (default {DEFAULT_K})"
    )
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

    sp = sub.add_parser("backup", help="copy the database to a new file while the bot runs")
    sp.add_argument("path", type=Path, help="the backup file to write (must not exist)")
    db_arg(sp)

    sp = sub.add_parser("restore", help="bring back a backup's sources (running bots adopt them)")
    sp.add_argument("path", type=Path, help="a file written by `backup`")
    db_arg(sp)

    sp = sub.add_parser("check", help="check the database: this bot's, intact, its index loads")
    sp.add_argument("--json", action="store_true")
    db_arg(sp)

    sub.add_parser("bench", help="benchmark against rank-bm25, bm25s and SQLite FTS5 (flags: see bench/README.md)")
    return p


async def open_engine(config: Config, *, announce: bool = True) -> Engine:
    """Open the index, building it from the configured sources first if there is none."""
    try:
        return await Engine.open(config.db_path)
    except NoIndex:
        if announce:
            say(f"No index at {config.db_path} yet: building it from {config.sources_dir}/ …", file=sys.stderr)
        report = await build_index(config.sources_dir, config.db_path)
        if announce:
            say(f"Indexed {report.sources} sources, {report.passages} passages in {report.seconds:.2f}s.", sys.stderr)
        return await Engine.open(config.db_path)


async def _main(args: argparse.Namespace, config: Config) -> int:
    cmd = args.command
    if cmd == "index":
        with sources_cli.progress_bar(f"Indexing {config.sources_dir}") as progress:
            report = await build_index(config.sources_dir, config.db_path, progress=progress)
        say(
            f"Indexed {report.sources} sources, {report.passages} passages into {config.db_path} "
            f"(version {report.version}, {report.seconds:.2f}s)."
        )
        return 0
    if cmd == "ask":
        engine = await open_engine(config)
        answer = await engine.ask(" ".join(args.question), k=args.k, scope=sources_cli.scope_of(args))
        if args.json:
            print(json_text(answer.to_json()))
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
        print(json_text(summary.to_json()) if args.json else render_summary(summary))
        return 0
    if cmd in ("backup", "restore", "check"):
        return await maintenance_cli.run(args, config.db_path)
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
    """Run one command; the exit status is returned, errors are one line on stderr."""
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:
        # The reader went away (`… | head -1`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _run(argv: list[str]) -> int:
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
    problem = db_path_problem(config.db_path)
    if problem:
        return _fail(problem, EXIT_USAGE)
    try:
        code = asyncio.run(_main(args, config))
        sys.stdout.flush()  # a closed pipe shows here, not as a complaint at exit
        return code
    except InvalidQuestion as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (EngineError, CannotConnect) as exc:
        return _fail(str(exc), EXIT_ERROR)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def say(text: str, file: TextIO | None = None) -> None:
    """Print a line of our own that may quote a path, a question or a source (terminal-safe)."""
    print(terminal_safe(text), file=file or sys.stdout)


def _fail(message: str, code: int) -> int:
    say(f"error: {message}", file=sys.stderr)
    return code


def _discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (tests capture it); nothing will flush into a closed pipe
