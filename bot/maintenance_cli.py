"""``python -m bot backup PATH | restore PATH | check``: the operator's database commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.text import terminal_safe
from index.maintenance import backup, check, restore

EXIT_PROBLEMS = 1
MB = 1024 * 1024


async def run(args: argparse.Namespace, db_path: Path) -> int:
    if args.command == "backup":
        b = await backup(db_path, args.path)
        _say(
            f"Backed up {db_path} to {b.path}: {b.sources} sources, index version {b.index_version}, "
            f"{b.size_bytes / MB:.1f} MB in {b.seconds:.2f}s."
        )
        return 0
    if args.command == "restore":
        r = await restore(db_path, args.path)
        if r.kept_as:
            _say(f"{db_path} could not be opened; it was moved aside to {r.kept_as}. Restart any running bot.")
        _say(
            f"Restored {r.sources} sources from {args.path}: index version {r.build.version} ({r.build.seconds:.2f}s)."
        )
        return 0
    report = await check(db_path)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0 if report.ok else EXIT_PROBLEMS
    scopes = report.sources or {}
    parts = ", ".join(f"{n} {'global' if s == 'global' else 'in server ' + s}" for s, n in scopes.items())
    _say(f"{report.path}: {'ok' if report.ok else report.health.value}")
    if report.passages is not None:
        _say(f"  schema {report.schema_version}, index version {report.index_version}, {report.passages} passages")
    if parts:
        _say(f"  sources: {parts}")
    for note in report.notes:
        _say(f"  note: {note}")
    for problem in report.problems:
        _say(f"  problem: {problem}")
    return 0 if report.ok else EXIT_PROBLEMS


def _say(text: str) -> None:
    print(terminal_safe(text))
