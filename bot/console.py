"""A local console that takes the bot's commands, for trying it without Discord."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.config import Config
from bot.text import render_answer, render_sources, render_summary, terminal_safe
from index.engine import Engine
from index.models import EngineError

EXAMPLE = "When did the Worcester arrest happen?"

HELP = """Commands (as in Discord):
  /ask QUESTION          quoted answer with source labels (plain text works too)
  /sources               what is indexed
  /source show NAME      one source (by tag like S1, id or label) and its first passages
  /summary [TOPIC]       a quoted summary with a "where sources disagree" section
  /help                  this text
  /quit                  leave (or Ctrl-D)"""


async def handle(engine: Engine, line: str) -> str | None:
    """One console line → the text to print, terminal-safe (None to quit)."""
    out = await _handle(engine, line)
    return None if out is None else terminal_safe(out)


async def _handle(engine: Engine, line: str) -> str | None:
    line = line.strip()
    if not line:
        return ""
    if not line.startswith("/"):
        line = "/ask " + line
    cmd, _, rest = line.partition(" ")
    rest = rest.strip()
    try:
        if cmd in ("/quit", "/exit"):
            return None
        if cmd == "/help":
            return HELP
        if cmd == "/ask":
            return render_answer(await engine.ask(rest))
        if cmd == "/sources":
            return render_sources(engine.sources())
        if cmd == "/source":
            _, _, name = rest.partition("show")
            info = engine.find_source(name.strip())
            if info is None:
                return f"No source matches {name.strip()!r}; /sources lists them."
            s = info.source
            lines = [f"[{s.tag}] {s.label}", f"id {s.id} · {info.passages} passages · added {s.added_at}"]
            lines += [f"{k}: {v}" for k, v in (("site", s.site), ("date", s.date), ("url", s.url)) if v]
            lines += [f"\n— {p.heading or '(opening)'}\n“{p.text}”" for p in engine.source_passages(s.id, 3)]
            return "\n".join(lines)
        if cmd == "/summary":
            return render_summary(await engine.summary(rest or None))
    except EngineError as exc:
        return f"error: {exc}"
    return f"Unknown command {cmd}. /help lists the commands."


async def run_console(config: Config, stdin: TextIO = sys.stdin, write: Callable[[str], object] = print) -> None:
    """Read commands until end of input; show an example answer first."""
    from bot.cli import open_engine

    engine = await open_engine(config)
    n = engine.passage_count
    write(
        f"Local console — {len(engine.sources())} sources, {n} passages. No DISCORD_TOKEN: nothing is sent to Discord."
    )
    write(HELP)
    write(f"\nExample: /ask {EXAMPLE}\n")
    write(await handle(engine, "/ask " + EXAMPLE) or "")
    interactive = stdin.isatty()
    while True:
        if interactive:
            sys.stdout.write("\n> ")
            sys.stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        out = await handle(engine, line)
        if out is None:
            break
        if out:
            write(out)
