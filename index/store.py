"""The index in one SQLite database, through aiosqlite.

The ``catalog`` holds every source (its text and metadata, global or a server's own).
A build analyses the catalog's sources (reusing the stored analysis of any source whose
text and language data are unchanged), assembles one searchable view per scope (the
global sources; and for each server with sources of its own, global + its own) and writes
them as a new index version, switching ``meta.current_version`` in the same transaction
as the catalog change that asked for it. A failed or interrupted build leaves the
previous version in place and answering; WAL lets running bots keep reading meanwhile.

The file is marked as this bot's (``application_id``) and anything else — another
program's database, a damaged or truncated file, a directory — is refused with one line
before anything is written. A read-only database still answers; building refuses.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from index.ingest import Document
from index.lexicon import CorpusProfile, Derived, Lexicon, english
from index.models import GLOBAL_SCOPE, DatabaseError, NoIndex, Passage, Source, SourceError
from index.sources import SourceFile, load_sources

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
APPLICATION_ID = 0x51424F54  # "QBOT": this bot's databases say so in their header
BUSY_TIMEOUT_S = 30.0  # a writer waits this long for another writer before giving up
BUILD_ATTEMPTS = 3  # a build whose catalog changed meanwhile is redone this many times
MAX_LABEL = 200
CHILD_EXIT_S = 10.0  # how long a finished build process gets to exit
MESSAGE_HEADER = 8  # bytes of length before each message from the build process

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS catalog (
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    label TEXT NOT NULL,
    tag TEXT NOT NULL,
    site TEXT,
    date TEXT,
    url TEXT,
    content_hash TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    origin TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (scope, id)
);
CREATE TABLE IF NOT EXISTS index_versions (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    n_sources INTEGER NOT NULL,
    n_passages INTEGER NOT NULL,
    build_ms REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    version INTEGER NOT NULL REFERENCES index_versions(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
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
    scope TEXT NOT NULL,
    pid INTEGER NOT NULL,
    source_id TEXT NOT NULL,
    heading TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version, scope, pid)
);
CREATE TABLE IF NOT EXISTS index_blobs (
    version INTEGER NOT NULL REFERENCES index_versions(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (version, scope, name)
);
-- One source's analysis (passages, terms, sentences), reused while its text and the
-- language data are unchanged: a build re-analyses only new or changed sources.
CREATE TABLE IF NOT EXISTS analyses (
    content_hash TEXT NOT NULL,
    lexicon TEXT NOT NULL,
    data BLOB NOT NULL,
    used_at TEXT NOT NULL,
    PRIMARY KEY (content_hash, lexicon)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    scope TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
"""


class Origin:
    """Where a catalog entry came from."""

    FOLDER = "folder"  # indexed from a sources folder (``index --sources``): replaced by the next one
    ADDED = "added"  # added one at a time (``sources add``, ``/source add``)


@dataclass(frozen=True, slots=True)
class BuildReport:
    version: int
    sources: int
    passages: int
    seconds: float
    analysed: int = 0  # sources analysed by this build (the others were reused)
    added: tuple[Source, ...] = ()
    removed: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class View:
    """One scope's searchable index as stored: its sources, passages and arrays."""

    sources: tuple[Source, ...]
    passages: tuple[Passage, ...]
    blobs: dict[str, bytes]
    derived: Derived = field(default_factory=Derived)
    lexicon_fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class StoredIndex:
    """One index version as loaded from the database."""

    version: int
    views: dict[str, View]  # by scope: "global", and each server with sources of its own
    texts: dict[tuple[str, str], str]  # (scope, source id) -> full text
    profile: CorpusProfile = field(default_factory=CorpusProfile)

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source of every scope (the global view's first)."""
        seen: dict[tuple[str, str], Source] = {}
        for view in self.views.values():
            for s in view.sources:
                seen.setdefault((s.scope, s.id), s)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A source as the catalog keeps it."""

    source: Source
    text: str
    added_by: str
    origin: str


Progress = Callable[[int, int, str], None]  # done, total, what: called from the worker thread


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- opening -------------------------------------------------------------------------------


async def connect(db_path: Path | str, *, write: bool = True) -> aiosqlite.Connection:
    """Open this bot's database; DatabaseError (one line) for anything that is not one.

    ``write=False`` opens read-only (and works on a read-only file); a missing database
    is NoIndex then. Nothing is written to a file that turns out not to be ours.
    """
    path = Path(db_path)
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    exists = path.exists()
    if not exists and not write:
        raise NoIndex(f"no index at {path}: build one with `python -m bot index`")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create {path.parent} ({exc.strerror})") from exc
    writable = write and (not exists or os.access(path, os.W_OK)) and os.access(path.parent, os.W_OK)
    if write and not writable:
        raise DatabaseError(f"{path} is read-only: it can answer but not be rebuilt")
    uri = path.resolve().as_uri() + ("" if writable else "?mode=ro")
    try:
        db = await aiosqlite.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: cannot open ({exc})") from exc
    try:
        await _check_ours(db, path, fresh=not exists)
        if writable:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        await db.close()
        raise
    return db


async def _check_ours(db: aiosqlite.Connection, path: Path, *, fresh: bool) -> None:
    """Refuse another program's database or a damaged file before anything is written."""
    try:
        async with db.execute("PRAGMA application_id") as cur:
            row = await cur.fetchone()
        async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = {r[0] async for r in cur}
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a readable SQLite database ({exc}); restore a backup") from exc
    app_id = int(row[0]) if row else 0
    if app_id == APPLICATION_ID:
        return
    if app_id != 0 or (tables and not {"meta", "index_versions"} <= tables):
        raise DatabaseError(f"{path} belongs to another program; point --db at this bot's database")
    if not fresh and not tables:
        # An empty file: take it (SQLite treats it as a new database).
        return


async def ensure_schema(db: aiosqlite.Connection) -> None:
    """Create the tables, or bring a database written by an earlier version up to date."""
    stored = await meta_value(db, "schema_version")
    if stored is not None and int(stored) > SCHEMA_VERSION:
        raise DatabaseError(f"this database was written by a newer version of the bot (schema {stored}); upgrade")
    if stored is not None and int(stored) < SCHEMA_VERSION:
        await _migrate(db)
    await db.executescript(SCHEMA)
    await db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    await db.commit()


async def _migrate(db: aiosqlite.Connection) -> None:
    """Versions before the catalog kept sources only per index version: carry the current
    version's sources over as folder sources, drop the derived tables (a build remakes them)."""
    version = await current_version(db)
    async with db.execute(
        "SELECT id, label, tag, site, date, url, scope, content_hash, added_at, text FROM sources WHERE version = ?",
        (version,),
    ) as cur:
        rows = list(await cur.fetchall())
    await db.execute("BEGIN IMMEDIATE")
    for table in ("index_blobs", "passages", "sources", "index_versions", "analyses"):
        await db.execute(f"DROP TABLE IF EXISTS {table}")
    await db.executescript(SCHEMA)
    await db.executemany(
        "INSERT INTO catalog(scope, id, label, tag, site, date, url, content_hash, added_at, added_by, origin, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'migration', ?, ?)",
        [(r[6], r[0], r[1], r[2], r[3], r[4], r[5], r[7], r[8], Origin.FOLDER, r[9]) for r in rows],
    )
    await db.execute("DELETE FROM meta WHERE key = 'current_version'")
    await _set_meta(db, schema_version=str(SCHEMA_VERSION))
    await db.commit()
    log.warning("moved %d sources of an older index into the catalog; rebuilding", len(rows))


async def current_version(db: aiosqlite.Connection) -> int | None:
    try:
        async with db.execute("SELECT value FROM meta WHERE key = 'current_version'") as cur:
            row = await cur.fetchone()
    except sqlite3.OperationalError:
        return None
    return int(row[0]) if row else None


async def read_version(db_path: Path | str) -> int | None:
    """The current index version at ``db_path`` (cheap; used to notice rebuilds)."""
    path = Path(db_path)
    if not path.exists():
        return None
    db = await connect(path, write=False)
    try:
        return await current_version(db)
    finally:
        await db.close()


# --- the catalog ---------------------------------------------------------------------------


async def catalog(db: aiosqlite.Connection) -> list[CatalogEntry]:
    try:
        async with db.execute(
            "SELECT scope, id, label, tag, site, date, url, content_hash, added_at, added_by, origin, text "
            "FROM catalog ORDER BY scope, id"
        ) as cur:
            rows = await cur.fetchall()
    except sqlite3.OperationalError:
        return []
    return [
        CatalogEntry(Source(r[1], r[2], r[3], r[4], r[5], r[6], r[0], r[7], r[8]), r[11], r[9], r[10]) for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Change:
    """What a build changes in the catalog, applied in the transaction that stores it."""

    add: tuple[CatalogEntry, ...] = ()
    remove: tuple[tuple[str, str], ...] = ()  # (scope, id)
    replace_folder: bool = False  # drop every global folder entry not in ``add``
    profile: CorpusProfile | None = None  # the corpus profile beside a sources folder
    audit: tuple[tuple[str, str, str, str, str], ...] = ()  # actor, scope, action, target, detail
    removed: tuple[Source, ...] = ()  # what ``remove`` names, for the report

    def apply(self, entries: Sequence[CatalogEntry]) -> list[CatalogEntry]:
        gone = set(self.remove) | {(e.source.scope, e.source.id) for e in self.add}
        kept = [
            e
            for e in entries
            if (e.source.scope, e.source.id) not in gone
            and not (self.replace_folder and e.origin == Origin.FOLDER and e.source.scope == GLOBAL_SCOPE)
        ]
        return sorted([*kept, *self.add], key=lambda e: (e.source.scope != GLOBAL_SCOPE, e.source.scope, e.source.id))


async def build_index(
    sources_dir: Path | str,
    db_path: Path | str,
    *,
    progress: Progress | None = None,
    actor: str = "operator",
    isolated: bool = False,
) -> BuildReport:
    """Index every source of ``sources_dir`` as the global folder sources, and rebuild.

    Everything is read and validated before the database is touched; the first bad
    input raises SourceError and nothing stored changes. Sources added one at a time
    (``sources add``) stay.
    """
    plan = FolderPlan(str(sources_dir), actor, str(Path(db_path).resolve()))
    return await rebuild(db_path, plan, progress=progress, isolated=isolated)


@dataclass(frozen=True, slots=True)
class FolderPlan:
    """Make a folder's sources the global folder sources (read where the build runs)."""

    folder: str
    actor: str = "operator"
    database: str = ""  # the database being built, when it sits among the sources

    def __call__(self, entries: Sequence[CatalogEntry]) -> Change:
        folder = Path(self.folder)
        skip = {self.database + suffix for suffix in ("", "-wal", "-shm", "-journal")} if self.database else set()
        files, profile = load_sources(folder, skip=skip), CorpusProfile.load(folder)
        add = tuple(CatalogEntry(_source_of(f), f.text, self.actor, Origin.FOLDER) for f in files)
        return Change(
            add=add,
            replace_folder=True,
            profile=profile,
            audit=((self.actor, GLOBAL_SCOPE, "index", str(folder), f"{len(add)} sources"),),
        )


async def _rebuild_in_process(db_path: Path | str, change: Change | Plan, progress: Progress | None) -> BuildReport:
    """``rebuild`` in a process of its own (``python -m index.worker``): the change goes in on
    its standard input, progress and the outcome come back on its standard output."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "index.worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdin is not None and proc.stdout is not None
    payload = await asyncio.to_thread(pickle.dumps, (str(db_path), change), pickle.HIGHEST_PROTOCOL)
    try:
        proc.stdin.write(payload)
        await proc.stdin.drain()
        proc.stdin.close()
        while True:
            try:
                size = int.from_bytes(await proc.stdout.readexactly(MESSAGE_HEADER), "big")
                kind, body = pickle.loads(await proc.stdout.readexactly(size))
            except asyncio.IncompleteReadError:
                raise DatabaseError("the build process ended without a result (killed?); nothing was changed") from None
            if kind == "progress" and progress is not None:
                progress(*body)
            elif kind == "done":
                return body
            elif kind == "failed":
                raise body
    finally:
        if proc.returncode is None:
            try:
                await asyncio.wait_for(proc.wait(), CHILD_EXIT_S)
            except TimeoutError:
                proc.kill()


def _source_of(f: SourceFile) -> Source:
    return Source(f.id, f.label, f.tag, f.site, f.date, f.url, f.scope, f.content_hash)


# A change worked out from the catalog it applies to (checked again if the catalog changed).
Plan = Callable[[Sequence[CatalogEntry]], Change]


async def rebuild(
    db_path: Path | str,
    change: Change | Plan = Change(),
    *,
    progress: Progress | None = None,
    isolated: bool = False,
) -> BuildReport:
    """Apply ``change`` to the catalog and store a new index version of it, atomically.

    The analysis and assembly run in a worker thread, or with ``isolated`` in a process
    of their own (a bot serving members: nothing of the build then competes with its event
    loop, not even for Python's lock). When another process changed the catalog meanwhile,
    the build is redone on the new catalog (nothing is lost); a ``Plan`` is then worked
    out again on it.
    """
    if isolated:
        return await _rebuild_in_process(db_path, change, progress)
    started = time.perf_counter()
    db = await connect(db_path)
    try:
        await ensure_schema(db)
        for _attempt in range(BUILD_ATTEMPTS):
            revision = await meta_value(db, "catalog_revision")
            old = await catalog(db)
            concrete = await asyncio.to_thread(change, old) if callable(change) else change
            entries = concrete.apply(old)
            profile = concrete.profile if concrete.profile is not None else await _stored_profile(db)
            base = Lexicon(english(), profile)
            cached = await _cached_analyses(db, [e.source.content_hash for e in entries], base.fingerprint)
            built = await asyncio.to_thread(_analyze_all, entries, base, cached, progress)
            await db.execute("BEGIN IMMEDIATE")
            try:
                if await meta_value(db, "catalog_revision") != revision:
                    await db.rollback()
                    log.info("the catalog changed during the build; building again")
                    continue
                version = await _write(db, concrete, entries, old, built, profile, started)
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
            break
        else:
            raise DatabaseError(f"{db_path}: the sources kept changing during the build; try again")
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"{db_path}: cannot write the index ({exc})") from exc
    finally:
        await db.close()
    seconds = time.perf_counter() - started
    n_passages = sum(len(p) for p in built.own_passages.values())
    log.info(
        "built index v%d: %d sources (%d analysed), %d passages in %.2fs",
        version,
        len(entries),
        len(built.fresh),
        n_passages,
        seconds,
    )
    added = tuple(e.source for e in concrete.add) if not concrete.replace_folder else ()
    return BuildReport(version, len(entries), n_passages, seconds, len(built.fresh), added, concrete.removed)


@dataclass(frozen=True, slots=True)
class _BuiltView:
    passages: tuple[Passage, ...]
    blobs: dict[str, bytes]


@dataclass(frozen=True, slots=True)
class _Built:
    """Everything a new version stores, computed off the event loop."""

    views: dict[str, _BuiltView]
    own_passages: dict[str, list[Passage]]  # each scope's own sources' passages, in order
    fresh: dict[str, bytes]  # content hash -> analysis made by this build


def _analyze_all(
    entries: Sequence[CatalogEntry], base: Lexicon, cached: Mapping[str, bytes], progress: Progress | None
) -> _Built:
    from index.search import SearchIndex, SourceAnalysis, analyze_source, derive

    analyses: dict[tuple[str, str], SourceAnalysis] = {}
    fresh: dict[str, bytes] = {}
    total = len(entries)
    for n, e in enumerate(entries, 1):
        s = e.source
        data = cached.get(s.content_hash) or fresh.get(s.content_hash)
        if data is not None:
            analyses[(s.scope, s.id)] = SourceAnalysis.from_stored(s.id, e.text, data)
        else:
            a = analyze_source(s.id, e.text, base)
            analyses[(s.scope, s.id)] = a
            fresh[s.content_hash] = a.to_stored()
        if progress is not None:
            progress(n, total, s.label)
    scopes = sorted({e.source.scope for e in entries} - {GLOBAL_SCOPE})
    global_keys = [(e.source.scope, e.source.id) for e in entries if e.source.scope == GLOBAL_SCOPE]
    views: dict[str, _BuiltView] = {}
    own: dict[str, list[Passage]] = {}
    for scope in [GLOBAL_SCOPE, *scopes]:
        keys = global_keys if scope == GLOBAL_SCOPE else [*global_keys, *_keys_of(entries, scope)]
        parts = [analyses[k] for k in keys]
        derived = derive(parts, base)
        search = SearchIndex.assemble(parts, derived, base)
        blobs = search.to_blobs()
        blobs["derived"] = derived.to_json().encode()
        blobs["lexicon"] = base.with_derived(derived).fingerprint.encode()
        views[scope] = _BuiltView(tuple(search.passages), blobs)
        own[scope] = [p for k in _keys_of(entries, scope) for p in analyses[k].passages]
    return _Built(views, own, fresh)


def _keys_of(entries: Iterable[CatalogEntry], scope: str) -> list[tuple[str, str]]:
    return [(e.source.scope, e.source.id) for e in entries if e.source.scope == scope]


async def _write(
    db: aiosqlite.Connection,
    change: Change,
    entries: Sequence[CatalogEntry],
    old: Sequence[CatalogEntry],
    built: _Built,
    profile: CorpusProfile,
    started: float,
) -> int:
    """The catalog change, the new version and the switch to it: one transaction."""
    before = {(e.source.scope, e.source.id, e.source.content_hash): e.source.added_at for e in old}
    now = _now()
    stamped = [
        replace(e, source=replace(e.source, added_at=before.get(_key(e), e.source.added_at or now))) for e in entries
    ]
    await db.execute("DELETE FROM catalog")
    await db.executemany(
        "INSERT INTO catalog(scope, id, label, tag, site, date, url, content_hash, added_at, added_by, origin, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.scope,
                s.id,
                s.label,
                s.tag,
                s.site,
                s.date,
                s.url,
                s.content_hash,
                s.added_at,
                e.added_by,
                e.origin,
                e.text,
            )
            for e in stamped
            for s in (e.source,)
        ],
    )
    n_passages = sum(len(p) for p in built.own_passages.values())
    cur = await db.execute(
        "INSERT INTO index_versions(created_at, n_sources, n_passages, build_ms) VALUES (?, ?, ?, ?)",
        (now, len(stamped), n_passages, (time.perf_counter() - started) * 1000),
    )
    version = cur.lastrowid
    assert version is not None
    await db.executemany(
        "INSERT INTO sources(version, scope, id, label, tag, site, date, url, content_hash, added_at, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (version, s.scope, s.id, s.label, s.tag, s.site, s.date, s.url, s.content_hash, s.added_at, e.text)
            for e in stamped
            for s in (e.source,)
        ],
    )
    passage_rows = await asyncio.to_thread(
        lambda: [
            (version, scope, pid, p.source_id, p.heading, p.start, p.end, p.text)
            for scope, passages in built.own_passages.items()
            for pid, p in enumerate(passages)
        ]
    )
    await db.executemany(
        'INSERT INTO passages(version, scope, pid, source_id, heading, start, "end", text) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        passage_rows,
    )
    for scope, view in built.views.items():
        await db.executemany(
            "INSERT INTO index_blobs(version, scope, name, data) VALUES (?, ?, ?, ?)",
            [(version, scope, name, data) for name, data in view.blobs.items()],
        )
    lexicon = Lexicon(english(), profile).fingerprint
    await db.executemany(
        "INSERT INTO analyses(content_hash, lexicon, data, used_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(content_hash, lexicon) DO UPDATE SET used_at = excluded.used_at",
        [(h, lexicon, data, now) for h, data in built.fresh.items()],
    )
    await db.executemany(
        "INSERT INTO audit(at, actor, scope, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [(now, *a) for a in change.audit],
    )
    revision = int(await meta_value(db, "catalog_revision") or 0) + 1
    await _set_meta(
        db,
        current_version=str(version),
        schema_version=str(SCHEMA_VERSION),
        catalog_revision=str(revision),
        profile=profile.to_json(),
    )
    # Older versions go in the same transaction: readers in WAL mode keep the snapshot
    # they started with until they reload.
    await db.execute("DELETE FROM index_versions WHERE id <> ?", (version,))
    return version


def _key(e: CatalogEntry) -> tuple[str, str, str]:
    return (e.source.scope, e.source.id, e.source.content_hash)


async def _cached_analyses(db: aiosqlite.Connection, hashes: Sequence[str], lexicon: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for h in dict.fromkeys(hashes):
        async with db.execute("SELECT data FROM analyses WHERE content_hash = ? AND lexicon = ?", (h, lexicon)) as cur:
            row = await cur.fetchone()
        if row is not None:
            out[h] = bytes(row[0])
    return out


async def meta_value(db: aiosqlite.Connection, key: str) -> str | None:
    try:
        async with db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


async def _set_meta(db: aiosqlite.Connection, **values: str) -> None:
    await db.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


async def _stored_profile(db: aiosqlite.Connection) -> CorpusProfile:
    return CorpusProfile.from_json(await meta_value(db, "profile"))


# --- adding and removing one source --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Added:
    source: Source
    passages: int
    report: BuildReport


@dataclass(frozen=True, slots=True)
class AddPlan:
    """Add one document to ``scope``: refused when that scope already sees the same text or
    label. A plan (not a ready change) so it is checked again on the catalog it applies to,
    and picklable so a build can run in another process."""

    doc: Document
    scope: str = GLOBAL_SCOPE
    actor: str = "operator"
    label: str | None = None
    site: str | None = None
    url: str | None = None
    date: str | None = None

    def __call__(self, entries: Sequence[CatalogEntry]) -> Change:
        digest = content_hash(self.doc.text)
        shown = (self.label or self.doc.label).strip()[:MAX_LABEL] or self.doc.source_id
        seen = [e for e in entries if e.source.scope in (GLOBAL_SCOPE, self.scope)]
        for e in seen:
            if e.source.content_hash == digest:
                raise SourceError(f"the same text is already a source: [{e.source.tag}] {e.source.label}")
            if e.source.label.casefold() == shown.casefold():
                raise SourceError(f"the label “{shown}” is already used by [{e.source.tag}]; give another label")
        ids = {e.source.id for e in entries if e.source.scope == self.scope}
        sid, n = self.doc.source_id, 2
        while sid in ids:
            sid, n = f"{self.doc.source_id}-{n}", n + 1
        source = Source(sid, shown, _next_tag(seen), self.site, self.date, self.url, self.scope, digest, _now())
        return Change(
            add=(CatalogEntry(source, self.doc.text, self.actor, Origin.ADDED),),
            audit=((self.actor, self.scope, "add", sid, shown),),
        )


@dataclass(frozen=True, slots=True)
class RemovePlan:
    """Remove one of ``scope``'s own sources, by id, tag or label."""

    name: str
    scope: str = GLOBAL_SCOPE
    actor: str = "operator"

    def __call__(self, entries: Sequence[CatalogEntry]) -> Change:
        key = self.name.strip().casefold()
        names = {(e.source.scope, n): e.source for e in entries for n in _names(e.source)}
        match = names.get((self.scope, key))
        if match is None:
            other = names.get((GLOBAL_SCOPE, key))
            if other is not None and self.scope != GLOBAL_SCOPE:
                raise SourceError(f"[{other.tag}] is a global source: only the bot's operator can remove it")
            raise SourceError(f"no source “{self.name}” here; see the list of sources for ids and tags")
        return Change(
            remove=((self.scope, match.id),),
            removed=(match,),
            audit=((self.actor, self.scope, "remove", match.id, match.label),),
        )


async def add_source(
    db_path: Path | str,
    doc: Document,
    *,
    scope: str = GLOBAL_SCOPE,
    actor: str = "operator",
    label: str | None = None,
    site: str | None = None,
    url: str | None = None,
    date: str | None = None,
    progress: Progress | None = None,
    isolated: bool = False,
) -> Added:
    """Add one source to ``scope`` (a server's id, or global) and rebuild; nothing is stored
    when it duplicates a source that scope already sees or its label is taken there."""
    plan = AddPlan(doc, scope, actor, label, site, url, date)
    plan(await _catalog_at(db_path))  # refuse at once when it is already plain
    report = await rebuild(db_path, plan, progress=progress, isolated=isolated)
    (source,) = report.added
    return Added(source, await _passage_count(db_path, source.scope, source.id), report)


async def remove_source(
    db_path: Path | str, name: str, *, scope: str = GLOBAL_SCOPE, actor: str = "operator", isolated: bool = False
) -> tuple[Source, BuildReport]:
    """Remove one of ``scope``'s own sources (by id, tag or label) and rebuild."""
    plan = RemovePlan(name, scope, actor)
    plan(await _catalog_at(db_path))
    report = await rebuild(db_path, plan, isolated=isolated)
    (source,) = report.removed
    return source, report


def _names(s: Source) -> tuple[str, ...]:
    return (s.id.casefold(), s.tag.casefold(), s.label.casefold())


def _next_tag(entries: Sequence[CatalogEntry]) -> str:
    """The next free citation tag of a view: S5 after S0–S4."""
    numbers = [int(e.source.tag[1:]) for e in entries if e.source.tag[:1] == "S" and e.source.tag[1:].isdigit()]
    return f"S{max(numbers, default=-1) + 1}"


async def _catalog_at(db_path: Path | str) -> list[CatalogEntry]:
    if not Path(db_path).exists():
        return []
    db = await connect(db_path, write=False)
    try:
        return await catalog(db)
    finally:
        await db.close()


async def _passage_count(db_path: Path | str, scope: str, source_id: str) -> int:
    db = await connect(db_path, write=False)
    try:
        version = await current_version(db)
        async with db.execute(
            "SELECT COUNT(*) FROM passages WHERE version = ? AND scope = ? AND source_id = ?",
            (version, scope, source_id),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
    finally:
        await db.close()


# --- loading -------------------------------------------------------------------------------


async def load_index(db_path: Path | str) -> StoredIndex:
    """Load the current index version; NoIndex when none was built at this path."""
    path = Path(db_path)
    db = await connect(path, write=False)
    try:
        version = await current_version(db)
        stored_schema = await meta_value(db, "schema_version")
        if version is None or stored_schema is None or int(stored_schema) < SCHEMA_VERSION:
            raise NoIndex(f"no index at {path}: build one with `python -m bot index`")
        # One read transaction so all rows come from the same version.
        await db.execute("BEGIN")
        # Rows are fetched in aiosqlite's thread and turned into objects in another: a large
        # index must not hold the event loop while it loads.
        async with db.execute(
            "SELECT scope, id, label, tag, site, date, url, content_hash, added_at, text "
            "FROM sources WHERE version = ? ORDER BY scope <> 'global', scope, id",
            (version,),
        ) as cur:
            source_rows = await cur.fetchall()
        async with db.execute(
            'SELECT scope, source_id, heading, start, "end", text FROM passages WHERE version = ? ORDER BY scope, pid',
            (version,),
        ) as cur:
            passage_rows = await cur.fetchall()
        async with db.execute("SELECT scope, name, data FROM index_blobs WHERE version = ?", (version,)) as cur:
            blob_rows = await cur.fetchall()
        profile = CorpusProfile.from_json(await meta_value(db, "profile"))
        await db.rollback()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot read the index ({exc})") from exc
    finally:
        await db.close()
    return await asyncio.to_thread(_stored, version, source_rows, passage_rows, blob_rows, profile)


def _stored(
    version: int,
    source_rows: Iterable[sqlite3.Row | tuple[Any, ...]],
    passage_rows: Iterable[sqlite3.Row | tuple[Any, ...]],
    blob_rows: Iterable[sqlite3.Row | tuple[Any, ...]],
    profile: CorpusProfile,
) -> StoredIndex:
    sources: dict[str, list[Source]] = {}
    texts: dict[tuple[str, str], str] = {}
    for r in source_rows:
        sources.setdefault(r[0], []).append(Source(r[1], r[2], r[3], r[4], r[5], r[6], r[0], r[7], r[8]))
        texts[(r[0], r[1])] = r[9]
    passages: dict[str, list[Passage]] = {}
    for r in passage_rows:
        passages.setdefault(r[0], []).append(Passage(r[1], r[2], r[3], r[4], r[5]))
    blobs: dict[str, dict[str, bytes]] = {}
    for r in blob_rows:
        blobs.setdefault(r[0], {})[r[1]] = bytes(r[2])
    views: dict[str, View] = {}
    global_sources = tuple(sources.get(GLOBAL_SCOPE, ()))
    global_passages = tuple(passages.get(GLOBAL_SCOPE, ()))
    for scope, view_blobs in blobs.items():
        own_sources = () if scope == GLOBAL_SCOPE else tuple(sources.get(scope, ()))
        own_passages = () if scope == GLOBAL_SCOPE else tuple(passages.get(scope, ()))
        views[scope] = View(
            (*global_sources, *own_sources),
            (*global_passages, *own_passages),
            view_blobs,
            Derived.from_json(view_blobs.pop("derived", None)),
            view_blobs.pop("lexicon", b"").decode(),
        )
    return StoredIndex(version, views, texts, profile)


# --- reading what was done -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    actor: str
    scope: str
    action: str
    target: str
    detail: str


async def audit_log(db_path: Path | str, scope: str | None = None, limit: int = 50) -> list[AuditEntry]:
    """Who added, removed or rebuilt what, newest first (one scope's, or all)."""
    db = await connect(db_path, write=False)
    try:
        query = "SELECT at, actor, scope, action, target, detail FROM audit"
        args: tuple[object, ...] = ()
        if scope is not None:
            query += " WHERE scope = ?"
            args = (scope,)
        async with db.execute(query + " ORDER BY id DESC LIMIT ?", (*args, limit)) as cur:
            return [AuditEntry(*r) async for r in cur]
    except sqlite3.OperationalError:
        return []
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
