"""Backing up, checking and restoring the database, for operators.

A backup is SQLite's online backup of the whole file (sources, index, question log and
settings) taken while the bot runs, written beside its destination and renamed into
place only once it checks out. A restore puts a backup's sources back through an ordinary
rebuild: a new index version that running bots adopt as they adopt any other, the
question log, settings and audit trail kept (the audit records the restore). Only a
database too damaged to open is replaced as a whole file, after being moved aside.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from index.lexicon import CorpusProfile
from index.models import GLOBAL_SCOPE, DatabaseError, EngineError
from index.store import (
    SCHEMA_VERSION,
    BuildReport,
    CatalogEntry,
    Change,
    catalog,
    connect,
    current_version,
    ensure_schema,
    load_index,
    meta_value,
    rebuild,
)

log = logging.getLogger(__name__)

MAX_PROBLEMS = 20  # integrity_check messages kept; past a few, more say nothing new
SIDE_FILES = ("-wal", "-shm", "-journal")


class Health(enum.Enum):
    MISSING = "missing"
    OURS = "ours"
    FOREIGN = "foreign"  # another program's database: never written, never replaced
    DAMAGED = "damaged"  # ours, or nothing else, but unreadable or failing its integrity check


@dataclass(frozen=True, slots=True)
class CheckReport:
    path: str
    health: Health
    schema_version: int | None = None
    index_version: int | None = None
    sources: dict[str, int] | None = None  # scope → sources in the catalog
    passages: int | None = None
    size_bytes: int = 0
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.health is Health.OURS and not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "ok": self.ok,
            "health": self.health.value,
            "schema_version": self.schema_version,
            "index_version": self.index_version,
            "sources": self.sources or {},
            "passages": self.passages,
            "size_bytes": self.size_bytes,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: str
    size_bytes: int
    index_version: int | None
    sources: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RestoreReport:
    sources: int
    build: BuildReport
    replaced_file: bool  # the database was too damaged to open: it was moved aside
    kept_as: str | None  # where the damaged file went


# --- check ---------------------------------------------------------------------------------


async def check(db_path: Path | str) -> CheckReport:
    """Whether ``db_path`` is this bot's database, intact, at a known schema, with a
    current index that loads; never writes."""
    path = Path(db_path)
    shown = str(path)
    if not path.exists():
        return CheckReport(shown, Health.MISSING, problems=(f"no database at {path}",))
    size = path.stat().st_size
    try:
        db = await connect(path, write=False)
    except DatabaseError as exc:
        return CheckReport(shown, _refusal_health(exc), size_bytes=size, problems=(str(exc),))
    problems: list[str] = []
    notes: list[str] = []
    try:
        problems += await _integrity(db)
        schema = await _int_meta(db, "schema_version")
        version = await current_version(db)
        current = schema is not None and schema >= SCHEMA_VERSION
        entries = await catalog(db) if current else []
        passages = await _passages(db, version) if current else None
    except sqlite3.DatabaseError as exc:
        await db.close()
        return CheckReport(shown, Health.DAMAGED, size_bytes=size, problems=(f"{path}: {exc}",))
    await db.close()
    if problems:
        return CheckReport(shown, Health.DAMAGED, schema, version, size_bytes=size, problems=tuple(problems))
    if schema is None:
        notes.append("empty: nothing was built yet")
    elif schema > SCHEMA_VERSION:
        problems.append(f"written by a newer version of the bot (schema {schema}, this one reads {SCHEMA_VERSION})")
    elif schema < SCHEMA_VERSION:
        notes.append(f"schema {schema} from an earlier version: the next build brings it to {SCHEMA_VERSION}")
    elif version is None:
        notes.append("no index built yet: run `python -m bot index`")
    else:
        try:
            stored = await load_index(path)
        except EngineError as exc:
            problems.append(f"the current index does not load: {exc}")
        else:
            built = {(s.scope, s.id, s.content_hash) for v in stored.views.values() for s in v.sources}
            listed = {(e.source.scope, e.source.id, e.source.content_hash) for e in entries}
            if built != listed:
                problems.append("the index does not match the list of sources: rebuild with `python -m bot index`")
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.source.scope] = counts.get(e.source.scope, 0) + 1
    return CheckReport(shown, Health.OURS, schema, version, counts, passages, size, tuple(problems), tuple(notes))


def _first(problems: Sequence[str]) -> str:
    more = len(problems) - 1
    return problems[0] + (f" (and {more} more: see `python -m bot check`)" if more > 0 else "")


def _refusal_health(exc: DatabaseError) -> Health:
    return Health.FOREIGN if "another program" in str(exc) else Health.DAMAGED


async def _integrity(db: aiosqlite.Connection) -> list[str]:
    async with db.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})") as cur:
        messages = [str(r[0]) async for r in cur]
    if messages == ["ok"]:
        return []
    # One line each, without SQLite's "*** in database main ***" headers.
    lines = [line.strip() for m in messages for line in m.splitlines()]
    return [line for line in lines if line and not line.startswith("***")]


async def _passages(db: aiosqlite.Connection, version: int | None) -> int:
    async with db.execute("SELECT COUNT(*) FROM passages WHERE version = ?", (version,)) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _int_meta(db: aiosqlite.Connection, key: str) -> int | None:
    value = await meta_value(db, key)
    return None if value is None else int(value)


# --- backup --------------------------------------------------------------------------------


async def backup(db_path: Path | str, dest: Path | str) -> BackupReport:
    """Copy the database to ``dest`` while it is in use; ``dest`` must not exist yet."""
    started = time.perf_counter()
    source, target = Path(db_path), Path(dest)
    if target.exists():
        raise DatabaseError(f"{target} already exists; give a new file name for the backup")
    if not target.parent.is_dir():
        raise DatabaseError(f"{target.parent} is not a folder")
    db = await connect(source, write=False)
    try:
        problems = await _integrity(db)
        if problems:
            raise DatabaseError(f"{source} is damaged ({_first(problems)}); a backup of it would be too")
        await _copy(db, target)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{source}: cannot back up ({exc})") from exc
    finally:
        await db.close()
    report = await check(target)
    if not report.ok:
        _remove(target)
        raise DatabaseError(f"the backup did not check out ({_first(report.problems)}); nothing was kept")
    n = sum((report.sources or {}).values())
    return BackupReport(str(target), report.size_bytes, report.index_version, n, time.perf_counter() - started)


async def _copy(db: aiosqlite.Connection, target: Path) -> None:
    """SQLite's online backup into a temporary file beside ``target``, renamed into place."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    _remove(partial)
    try:
        out = await aiosqlite.connect(str(partial))
        try:
            # All pages in one step: one consistent read of the database, which in WAL
            # mode never blocks a writer (a stepped copy restarts whenever one commits).
            await db.backup(out)
            # One self-contained file: no WAL beside it to forget when it is copied away.
            await out.execute("PRAGMA journal_mode=DELETE")
            await out.commit()
        finally:
            await out.close()
        await asyncio.to_thread(_fsync, partial)
        partial.replace(target)
    except BaseException:
        _remove(partial)
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        p.unlink(missing_ok=True)


# --- restore -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplaceCatalog:
    """Make the catalog exactly ``entries`` (a backup's), with its corpus profile."""

    entries: tuple[CatalogEntry, ...]
    profile: CorpusProfile
    actor: str
    origin: str

    def __call__(self, current: Sequence[CatalogEntry]) -> Change:
        return Change(
            add=self.entries,
            remove=tuple((e.source.scope, e.source.id) for e in current),
            profile=self.profile,
            audit=((self.actor, GLOBAL_SCOPE, "restore", self.origin, f"{len(self.entries)} sources"),),
        )


async def restore(db_path: Path | str, backup_path: Path | str, *, actor: str = "operator") -> RestoreReport:
    """Bring back a backup's sources. The backup is checked first; a damaged or foreign
    one changes nothing. Running bots adopt the restored sources as a new index version."""
    live, saved = Path(db_path), Path(backup_path)
    if live.resolve() == saved.resolve():
        raise DatabaseError("the backup and the database are the same file")
    report = await check(saved)
    if report.health is Health.MISSING:
        raise DatabaseError(f"no backup at {saved}")
    if not report.ok:
        raise DatabaseError(f"{saved} is not a usable backup: {_first(report.problems)}")
    # Read the backup through a private copy: an older backup is brought up to date there,
    # and the backup itself is never written.
    scratch = live.with_name(f".{live.name}.restoring-{os.getpid()}")
    _remove(scratch)
    try:
        src = await connect(saved, write=False)
        try:
            await _copy(src, scratch)
        finally:
            await src.close()
        db = await connect(scratch)
        try:
            await ensure_schema(db)
            entries = tuple(await catalog(db))
            profile = CorpusProfile.from_json(await meta_value(db, "profile"))
        finally:
            await db.close()
        health = (await check(live)).health
        if health is Health.FOREIGN:
            raise DatabaseError(f"{live} belongs to another program; restore will not replace it")
        kept_as = None
        if health in (Health.DAMAGED, Health.MISSING):
            kept_as = _move_aside(live) if health is Health.DAMAGED else None
            scratch.replace(live)
            build = await rebuild(live, Change(audit=((actor, GLOBAL_SCOPE, "restore", str(saved), "whole file"),)))
            return RestoreReport(len(entries), build, True, kept_as)
        build = await rebuild(live, ReplaceCatalog(entries, profile, actor, str(saved)))
        return RestoreReport(len(entries), build, False, None)
    finally:
        _remove(scratch)


def _move_aside(path: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", *SIDE_FILES):
        p = path.with_name(path.name + suffix)
        if p.exists():
            shutil.move(p, aside.with_name(aside.name + suffix))
    log.info("moved the damaged database %s aside to %s", path, aside)
    return str(aside)
