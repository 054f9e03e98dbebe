"""The index in one SQLite database, through aiosqlite.

A build writes a whole new index version inside one transaction and switches
``meta.current_version`` in that same transaction, so a failed or interrupted
build leaves the previous version in place and answering. WAL mode lets a
running bot keep reading while an admin rebuilds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from index.models import GLOBAL_SCOPE, NoIndex, Passage, Source, SourceError
from index.passages import split_passages
from index.sources import SourceFile, load_sources

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS index_versions (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    sources_dir TEXT NOT NULL,
    n_sources INTEGER NOT NULL,
    n_passages INTEGER NOT NULL,
    build_ms REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    version INTEGER NOT NULL REFERENCES index_versions(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    scope TEXT NOT NULL,
    label TEXT NOT NULL,
    tag TEXT NOT NULL,
    site TEXT,
    date TEXT,
    url TEXT,
    content_hash TEXT NOT NULL,
    added_at TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version, scope, id)
);
CREATE TABLE IF NOT EXISTS passages (
    version INTEGER NOT NULL REFERENCES index_versions(id) ON DELETE CASCADE,
    pid INTEGER NOT NULL,
    source_id TEXT NOT NULL,
    heading TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version, pid)
);
CREATE TABLE IF NOT EXISTS index_blobs (
    version INTEGER NOT NULL REFERENCES index_versions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (version, name)
);
"""


@dataclass(frozen=True, slots=True)
class BuildReport:
    version: int
    sources: int
    passages: int
    seconds: float


@dataclass(frozen=True, slots=True)
class StoredIndex:
    """One index version as loaded from the database."""

    version: int
    sources: tuple[Source, ...]
    passages: tuple[Passage, ...]
    texts: dict[str, str]  # source id -> full text
    blobs: dict[str, bytes]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def connect(db_path: Path | str) -> aiosqlite.Connection:
    """Open the database with the pragmas every part of the project expects."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, timeout=30)
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA foreign_keys=ON")
    await db.execute("PRAGMA synchronous=NORMAL")
    return db


async def ensure_schema(db: aiosqlite.Connection) -> None:
    await db.executescript(SCHEMA)
    await db.commit()


async def current_version(db: aiosqlite.Connection) -> int | None:
    try:
        async with db.execute("SELECT value FROM meta WHERE key = 'current_version'") as cur:
            row = await cur.fetchone()
    except aiosqlite.OperationalError:
        return None
    return int(row[0]) if row else None


async def build_index(
    sources_dir: Path | str,
    db_path: Path | str,
    *,
    extra_blobs: dict[str, bytes] | None = None,
) -> BuildReport:
    """Read, split and store every source of ``sources_dir`` as a new index version.

    Everything is read and validated before the database is touched; the first bad
    input raises SourceError and nothing stored changes.
    """
    started = time.perf_counter()
    folder = Path(sources_dir)
    files = load_sources(folder)
    split = [(f, split_passages(f.id, f.text)) for f in files]
    from index.search import SearchIndex  # late: search imports this module's types

    passages = [p for _, ps in split for p in ps]
    blobs = dict(extra_blobs or {})
    blobs.update(SearchIndex.build(passages).to_blobs())

    db = await connect(db_path)
    try:
        await ensure_schema(db)
        previous = await _added_at_by_hash(db)
        await db.execute("BEGIN IMMEDIATE")
        try:
            version = await _write_version(db, folder, split, previous, blobs, started)
            await db.execute(
                "INSERT INTO meta(key, value) VALUES ('current_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(version),),
            )
            await db.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
            # Older versions go in the same transaction: readers in WAL mode keep
            # the snapshot they started with until they reload.
            await db.execute("DELETE FROM index_versions WHERE id <> ?", (version,))
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
    except aiosqlite.Error as exc:
        raise SourceError(f"{db_path}: cannot write the index ({exc})") from exc
    finally:
        await db.close()
    seconds = time.perf_counter() - started
    log.info("built index v%d: %d sources, %d passages in %.2fs", version, len(files), len(passages), seconds)
    return BuildReport(version, len(files), len(passages), seconds)


async def _added_at_by_hash(db: aiosqlite.Connection) -> dict[tuple[str, str], str]:
    """When each (id, content) was first added, so a rebuild keeps those dates."""
    async with db.execute("SELECT id, content_hash, added_at FROM sources") as cur:
        return {(r[0], r[1]): r[2] async for r in cur}


async def _write_version(
    db: aiosqlite.Connection,
    folder: Path,
    split: Sequence[tuple[SourceFile, list[Passage]]],
    previous: dict[tuple[str, str], str],
    blobs: dict[str, bytes],
    started: float,
) -> int:
    n_passages = sum(len(ps) for _, ps in split)
    cur = await db.execute(
        "INSERT INTO index_versions(created_at, sources_dir, n_sources, n_passages, build_ms) VALUES (?, ?, ?, ?, ?)",
        (_now(), str(folder), len(split), n_passages, (time.perf_counter() - started) * 1000),
    )
    version = cur.lastrowid
    assert version is not None
    now = _now()
    await db.executemany(
        "INSERT INTO sources(version, id, scope, label, tag, site, date, url, content_hash, added_at, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                version,
                f.id,
                f.scope,
                f.label,
                f.tag,
                f.site,
                f.date,
                f.url,
                f.content_hash,
                previous.get((f.id, f.content_hash), now),
                f.text,
            )
            for f, _ in split
        ],
    )
    await db.executemany(
        'INSERT INTO passages(version, pid, source_id, heading, start, "end", text) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [
            (version, pid, p.source_id, p.heading, p.start, p.end, p.text)
            for pid, p in enumerate(p for _, ps in split for p in ps)
        ],
    )
    await db.executemany(
        "INSERT INTO index_blobs(version, name, data) VALUES (?, ?, ?)",
        [(version, name, data) for name, data in blobs.items()],
    )
    return version


async def load_index(db_path: Path | str) -> StoredIndex:
    """Load the current index version; NoIndex when none was built at this path."""
    path = Path(db_path)
    if not path.exists():
        raise NoIndex(f"no index at {path}: build one with `python -m bot index`")
    db = await connect(path)
    try:
        version = await current_version(db)
        if version is None:
            raise NoIndex(f"no index at {path}: build one with `python -m bot index`")
        # One read transaction so all rows come from the same version.
        await db.execute("BEGIN")
        async with db.execute(
            "SELECT id, label, tag, site, date, url, scope, content_hash, added_at, text "
            "FROM sources WHERE version = ? ORDER BY id",
            (version,),
        ) as cur:
            rows = await cur.fetchall()
        sources = tuple(Source(*r[:9]) for r in rows)
        texts = {r[0]: r[9] for r in rows}
        async with db.execute(
            'SELECT source_id, heading, start, "end", text FROM passages WHERE version = ? ORDER BY pid',
            (version,),
        ) as cur:
            passages = tuple(Passage(*r) for r in await cur.fetchall())
        async with db.execute("SELECT name, data FROM index_blobs WHERE version = ?", (version,)) as cur:
            blobs = {r[0]: bytes(r[1]) async for r in cur}
        await db.rollback()
    finally:
        await db.close()
    return StoredIndex(version, sources, passages, texts, blobs)


async def read_version(db_path: Path | str) -> int | None:
    """The current index version at ``db_path`` (cheap; used to notice rebuilds)."""
    path = Path(db_path)
    if not path.exists():
        return None
    db = await connect(path)
    try:
        return await current_version(db)
    finally:
        await db.close()


def sources_as_json(sources: Sequence[Source], counts: dict[str, int]) -> list[dict[str, object]]:
    return [
        {
            "id": s.id,
            "label": s.label,
            "tag": s.tag,
            "site": s.site,
            "date": s.date,
            "url": s.url,
            "scope": s.scope or GLOBAL_SCOPE,
            "passages": counts.get(s.id, 0),
            "added": s.added_at,
        }
        for s in sources
    ]
