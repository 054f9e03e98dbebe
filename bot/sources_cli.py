"""``python -m bot sources …``: list, add and remove sources, and read who did what."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.text import json_text, render_sources, terminal_safe
from index.engine import Engine
from index.ingest import read_document
from index.models import GLOBAL_SCOPE, SourceError
from index.store import Progress, add_source, audit_log, remove_source, sources_as_json

PROGRESS_LINES = 10  # lines a long build prints when not on a terminal


def add_arguments(sp: argparse.ArgumentParser) -> None:
    """``sources [add FILE … | remove ID | log]`` on the ``sources`` parser."""
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.add_argument("--guild", type=int, help="a server's own sources (default: the global ones)")
    sub = sp.add_subparsers(dest="action")
    add = sub.add_parser("add", help="add a .txt, .md or .html file as a source")
    add.add_argument("file", type=Path)
    add.add_argument("--label", help="what readers see beside a quote (default: its title)")
    add.add_argument("--site", help="the publisher")
    add.add_argument("--url", help="where it was published")
    add.add_argument("--date", help="when it was published")
    remove = sub.add_parser("remove", help="remove a source by id, tag or label")
    remove.add_argument("id")
    sub.add_parser("log", help="who added, removed or rebuilt what, newest first")
    for p in (add, remove, sub.choices["log"]):
        p.add_argument("--guild", type=int, default=argparse.SUPPRESS, help="a server's own sources")
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
        p.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="SQLite database")


def scope_of(args: argparse.Namespace) -> str:
    guild = getattr(args, "guild", None)
    return str(guild) if guild else GLOBAL_SCOPE


async def run(args: argparse.Namespace, db_path: Path, max_bytes: int) -> int:
    """One ``sources`` command; SourceError and the like are reported by the caller."""
    scope = scope_of(args)
    as_json = getattr(args, "json", False)
    if args.action == "add":
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            raise SourceError(f"{args.file}: cannot read ({exc.strerror})") from exc
        doc = read_document(args.file.name, data, max_bytes=max_bytes)
        with progress_bar(f"Indexing with {doc.source_id}") as progress:
            added = await add_source(
                db_path,
                doc,
                scope=scope,
                label=args.label,
                site=args.site,
                url=args.url,
                date=args.date,
                progress=progress,
            )
        engine = await Engine.open(db_path)
        notes = await engine.notes_about(added.source.id, scope)
        if as_json:
            print(
                json_text(
                    {
                        "source": sources_as_json([added.source], {added.source.id: added.passages})[0],
                        "version": added.report.version,
                        "disagreements": [d.to_json() for d in notes],
                    }
                )
            )
        else:
            where = "global" if scope == GLOBAL_SCOPE else f"server {scope}"
            s = added.source
            print(terminal_safe(f"Added [{s.tag}] {s.label} to the {where} sources: {_passages(added.passages)}."))
            for d in notes:
                print(terminal_safe(f"  adds a disagreement: {d.note}"))
        return 0
    if args.action == "remove":
        source, report = await remove_source(db_path, args.id, scope=scope)
        print(
            json_text({"removed": source.id, "version": report.version})
            if as_json
            else terminal_safe(f"Removed [{source.tag}] {source.label}; the index is now version {report.version}.")
        )
        return 0
    if args.action == "log":
        rows = await audit_log(db_path, scope if getattr(args, "guild", None) else None)
        if as_json:
            print(json_text([dataclasses.asdict(r) for r in rows]))
        else:
            for r in rows:
                print(terminal_safe(f"{r.at}  {r.actor}  {r.scope}  {r.action} {r.target}  ({r.detail})"))
            if not rows:
                print("Nothing has been added or removed yet.")
        return 0
    engine = await Engine.open(db_path)
    infos = engine.sources(scope)
    if as_json:
        counts = {i.source.id: i.passages for i in infos}
        print(json_text(sources_as_json([i.source for i in infos], counts)))
    else:
        print(render_sources(infos))
    return 0


@contextmanager
def progress_bar(what: str) -> Iterator[Progress]:
    """A progress bar on a terminal (tqdm), plain lines on stderr otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc=what, unit="source", file=sys.stderr, leave=False)

        def update(done: int, total: int, _label: str) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            yield update
        finally:
            bar.close()
        return
    last = [0]

    def lines(done: int, total: int, _label: str) -> None:
        every = max(1, total // PROGRESS_LINES)
        if done == total or done - last[0] >= every:
            last[0] = done
            print(terminal_safe(f"{what}: {done}/{total} sources"), file=sys.stderr)

    yield lines


def _passages(n: int) -> str:
    return f"{n} passage" if n == 1 else f"{n} passages"
