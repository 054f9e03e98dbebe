"""The index in one SQLite database, through aiosqlite.

A build writes a whole new index version inside one transaction and switches
``meta.current_version`` in that same transaction, so a failed or interrupted
build leaves the previous version in place and answering. WAL mode lets a
running bot keep reading while an admin rebuilds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from index.lexicon import CorpusProfile, Derived, Lexicon, english
from index.models import GLOBAL_SCOPE, NoIndex, Passage, Source, SourceError
from index.sources import SourceFile, load_sources

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

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
-- One source's analysis (passages, terms, sentences), reused while its text and the
-- language data are unchanged: a rebuild re-analyses only new or changed sources.
CREATE TABLE IF NOT EXISTS analyses (
    content_hash TEXT NOT NULL,
    lexicon TEXT NOT NULL,
    data BLOB NOT NULL,
    used_at TEXT NOT NULL,
    PRIMARY KEY (content_hash, lexicon)
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
    profile: CorpusProfile = field(default_factory=CorpusProfile)
    derived: Derived = field(default_factory=Derived)
    lexicon_fingerprint: str = ""


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
    """Read, analyse and store every source of ``sources_dir`` as a new index version.

    Everything is read and validated before the database is touched; the first bad
    input raises SourceError and nothing stored changes. Sources analysed before (same
    text, same language data) are not analysed again; the analysis runs in a worker
    thread, never on the event loop.
    """
    started = time.perf_counter()
    folder = Path(sources_dir)
    files, profile = await asyncio.to_thread(_read_folder, folder)
    db = await connect(db_path)
    try:
        await ensure_schema(db)
        base = Lexicon(english(), profile)
        cached = await _cached_analyses(db, [f.content_hash for f in files], base.fingerprint)
        built = await asyncio.to_thread(_analyze_all, files, base, cached, extra_blobs)
        previous = await _added_at_by_hash(db)
        await db.execute("BEGIN IMMEDIATE")
        try:
            version = await _write_version(db, folder, built, previous, started)
            await _set_meta(db, current_version=str(version), schema_version=str(SCHEMA_VERSION))
            # Older versions go in the same transaction: readers in WAL mode keep
            # the snapshot they started with until they reload.
            await db.execute("DELETE FROM index_versions WHERE id <> ?", (version,))
            await db.executemany(
                "INSERT INTO analyses(content_hash, lexicon, data, used_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(content_hash, lexicon) DO UPDATE SET used_at = excluded.used_at",
                [(h, base.fingerprint, data, _now()) for h, data in built.fresh.items()],
            )
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
    except aiosqlite.Error as exc:
        raise SourceError(f"{db_path}: cannot write the index ({exc})") from exc
    finally:
        await db.close()
    seconds = time.perf_counter() - started
    n_passages = len(built.passages)
    log.info(
        "built index v%d: %d sources (%d analysed, %d reused), %d passages in %.2fs",
        version,
        len(files),
        len(built.fresh),
        len(files) - len(built.fresh),
        n_passages,
        seconds,
    )
    return BuildReport(version, len(files), n_passages, seconds)


def _read_folder(folder: Path) -> tuple[list[SourceFile], CorpusProfile]:
    return load_sources(folder), CorpusProfile.load(folder)


@dataclass(frozen=True, slots=True)
class _Built:
    """Everything a new version stores, computed off the event loop."""

    files: list[SourceFile]
    passages: list[Passage]
    blobs: dict[str, bytes]
    fresh: dict[str, bytes]  # content hash -> analysis made by this build


def _analyze_all(
    files: list[SourceFile], base: Lexicon, cached: dict[str, bytes], extra: dict[str, bytes] | None
) -> _Built:
    from index.search import SearchIndex, SourceAnalysis, analyze_source, derive

    analyses: list[SourceAnalysis] = []
    fresh: dict[str, bytes] = {}
    for f in files:
        data = cached.get(f.content_hash)
        if data is not None:
            analyses.append(SourceAnalysis.from_stored(f.id, f.text, data))
            continue
        a = analyze_source(f.id, f.text, base)
        analyses.append(a)
        fresh[f.content_hash] = a.to_stored()
    derived = derive(analyses, base)
    search = SearchIndex.assemble(analyses, derived, base)
    lexicon = base.with_derived(derived)
    blobs = dict(extra or {})
    blobs.update(search.to_blobs())
    blobs["profile"] = base.profile.to_json().encode()
    blobs["derived"] = derived.to_json().encode()
    blobs["lexicon"] = lexicon.fingerprint.encode()
    return _Built(files, list(search.passages), blobs, fresh)


async def _cached_analyses(db: aiosqlite.Connection, hashes: Sequence[str], lexicon: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for h in dict.fromkeys(hashes):
        async with db.execute("SELECT data FROM analyses WHERE content_hash = ? AND lexicon = ?", (h, lexicon)) as cur:
            row = await cur.fetchone()
        if row is not None:
            out[h] = bytes(row[0])
    return out


async def _set_meta(db: aiosqlite.Connection, **values: str) -> None:
    await db.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


async def _added_at_by_hash(db: aiosqlite.Connection) -> dict[tuple[str, str], str]:
    """When each (id, content) was first added, so a rebuild keeps those dates."""
    async with db.execute("SELECT id, content_hash, added_at FROM sources") as cur:
        return {(r[0], r[1]): r[2] async for r in cur}


async def _write_version(
    db: aiosqlite.Connection,
    folder: Path,
    built: _Built,
    previous: dict[tuple[str, str], str],
    started: float,
) -> int:
    cur = await db.execute(
        "INSERT INTO index_versions(created_at, sources_dir, n_sources, n_passages, build_ms) VALUES (?, ?, ?, ?, ?)",
        (_now(), str(folder), len(built.files), len(built.passages), (time.perf_counter() - started) * 1000),
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
            for f in built.files
        ],
    )
    await db.executemany(
        'INSERT INTO passages(version, pid, source_id, heading, start, "end", text) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [(version, pid, p.source_id, p.heading, p.start, p.end, p.text) for pid, p in enumerate(built.passages)],
    )
    await db.executemany(
        "INSERT INTO index_blobs(version, name, data) VALUES (?, ?, ?)",
        [(version, name, data) for name, data in built.blobs.items()],
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
    return StoredIndex(
        version,
        sources,
        passages,
        texts,
        blobs,
        CorpusProfile.from_json(blobs.pop("profile", None)),
        Derived.from_json(blobs.pop("derived", None)),
        blobs.pop("lexicon", b"").decode(),
    )


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
