"""The bot's own tables (prefixed ``bot_``) in the index's SQLite file.

Bookkeeping (the question log, votes, pinned-summary settings) is written after the
reply, by one background writer: a member never waits on it. Each write waits at most
``BUSY_TIMEOUT_MS`` for another writer (a rebuild, a backup); a failed batch is kept and
tried again, and the trouble is logged once, never shown to a member.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import sqlite3
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

# Questions older than this are forgotten; their buttons then say the answer expired.
RETENTION_DAYS = 30
OPEN_TIMEOUT_S = 30.0  # creating the tables at start-up may wait for a rebuild to finish
BUSY_TIMEOUT_MS = 1000  # afterwards a write waits this long for another writer, then gives up
WRITE_TIMEOUT_S = 3.0  # one batch, end to end (aiosqlite's queue included)
RETRY_AFTER_S = 2.0  # a failed batch is tried again after this
MAX_PENDING = 10_000  # past this the oldest unwritten records are dropped, so memory stays bounded
BATCH_MAX = 500  # records per transaction: one batch must fit well inside WRITE_TIMEOUT_S
CLOSE_FLUSH_S = 5.0  # what closing waits for the last records
SUMMARY_FLUSH_S = 1.0  # what /gaps and vote counts wait for records not yet written

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    guild_id INTEGER,
    answered INTEGER NOT NULL,
    source_ids TEXT NOT NULL,
    latency_ms INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS bot_questions_guild ON bot_questions (guild_id, created);
CREATE TABLE IF NOT EXISTS bot_feedback (
    question_id INTEGER NOT NULL REFERENCES bot_questions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    created REAL NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE TABLE IF NOT EXISTS bot_guild_settings (
    guild_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (guild_id, key)
);
"""

_INSERT_QUESTION = (
    "INSERT INTO bot_questions (id, question, guild_id, answered, source_ids, latency_ms, created)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
# A vote on a question no longer (or never) logged is dropped instead of failing the batch.
_UPSERT_VOTE = (
    "INSERT INTO bot_feedback (question_id, user_id, vote, created)"
    " SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM bot_questions WHERE id = ?1)"
    " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, created = excluded.created"
)
_UPSERT_SETTING = (
    "INSERT INTO bot_guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
    " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value"
)


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    id: int
    question: str
    guild_id: int | None
    answered: bool
    source_ids: tuple[str, ...]
    latency_ms: int
    created: float


@dataclass(frozen=True, slots=True)
class Gap:
    """A question the sources could not answer, or an answer someone marked 👎."""

    question: LoggedQuestion
    downvotes: int


@dataclass(frozen=True, slots=True)
class _Record:
    """One row to write: the statement, its values, and what it changes (for reads meanwhile)."""

    sql: str
    params: tuple[object, ...]
    question: LoggedQuestion | None = None
    setting: tuple[int, str, str] | None = None


class State:
    """Question log, feedback and per-guild settings."""

    def __init__(self, reader: aiosqlite.Connection, writer: aiosqlite.Connection) -> None:
        # Two connections: aiosqlite runs one statement at a time per connection, and a
        # read (a button press) must not queue behind a write waiting out a lock.
        self._reader = reader
        self._db = writer  # used only by the writer task
        self._pending: deque[tuple[int, _Record]] = deque()  # (sequence number, record), oldest first
        self._queued = 0  # records ever queued; the last one's sequence number
        self._settled = 0  # sequence number up to which everything was written or dropped
        self._changed = asyncio.Condition()
        self._wake = asyncio.Event()
        self._trouble_since: float | None = None  # when writing started failing; logged once
        self._dropped = 0
        self._writer = asyncio.create_task(self._write_pending(), name="bot-state-writer")

    @classmethod
    async def open(cls, db_path: str | Path) -> State:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        opened: list[aiosqlite.Connection] = []
        try:
            for _ in range(2):
                db = await aiosqlite.connect(str(db_path), timeout=OPEN_TIMEOUT_S)
                opened.append(db)
                await db.execute("PRAGMA foreign_keys = ON")
            await opened[0].executescript(_SCHEMA)
            await opened[0].commit()
            for db in opened:
                await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except BaseException:
            for db in opened:
                await db.close()
            raise
        return cls(*opened)

    async def close(self) -> None:
        """Write what is pending (for a few seconds at most), then close."""
        if not await self.flush(CLOSE_FLUSH_S) and self._pending:
            log.warning("Closing with %d bookkeeping records unwritten (database busy or failing)", len(self._pending))
        self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)
        await self._db.close()
        await self._reader.close()

    # -- writing, after the reply --------------------------------------------------------

    def note_question(
        self,
        question_id: int,
        question: str,
        guild_id: int | None,
        answered: bool,
        source_ids: list[str] | tuple[str, ...],
        latency_ms: int,
    ) -> None:
        """Log a question under ``question_id`` (the Discord id of what asked it); written later."""
        logged = LoggedQuestion(question_id, question, guild_id, answered, tuple(source_ids), latency_ms, time.time())
        params = (
            question_id,
            question,
            guild_id,
            int(answered),
            json.dumps(list(source_ids)),
            latency_ms,
            logged.created,
        )
        self._queue(_Record(_INSERT_QUESTION, params, question=logged))

    def note_vote(self, question_id: int, user_id: int, vote: int) -> None:
        """Store (or change) a user's vote on a logged question; written later."""
        if vote not in (-1, 1):
            raise ValueError("vote must be -1 or 1")
        self._queue(_Record(_UPSERT_VOTE, (question_id, user_id, vote, time.time())))

    def note_setting(self, guild_id: int, key: str, value: str) -> None:
        """Set a per-guild setting; written later (``get_setting`` sees it at once)."""
        self._queue(_Record(_UPSERT_SETTING, (guild_id, key, value), setting=(guild_id, key, value)))

    def _queue(self, record: _Record) -> None:
        self._queued += 1
        self._pending.append((self._queued, record))
        while len(self._pending) > MAX_PENDING:
            self._settled = self._pending.popleft()[0]
            self._dropped += 1
        self._wake.set()

    async def flush(self, within: float) -> bool:
        """Wait up to ``within`` s for everything queued so far; True when it was all written or dropped."""
        target = self._queued

        async def settled() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self._settled >= target)

        try:
            await asyncio.wait_for(settled(), within)
        except TimeoutError:
            return False
        return True

    async def _write_pending(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch = list(itertools.islice(self._pending, BATCH_MAX))
                records = [record for _, record in batch]
                try:
                    try:
                        await asyncio.wait_for(self._write(records), WRITE_TIMEOUT_S)
                    except Exception as exc:
                        await self._rollback()
                        if _transient(exc):
                            raise
                        await self._write_each(records)  # one record the database refuses; not the others
                except Exception as exc:  # whatever it is, the writer keeps going and members never see it
                    await self._rollback()
                    self._troubled(exc)
                    await asyncio.sleep(RETRY_AFTER_S)
                    continue
                self._recovered()
                last = batch[-1][0]
                while self._pending and self._pending[0][0] <= last:
                    self._pending.popleft()
                self._settled = max(self._settled, last)
                async with self._changed:
                    self._changed.notify_all()

    async def _write(self, batch: list[_Record]) -> None:
        # One executemany per run of the same statement, in order: a batch costs a few trips
        # through a busy event loop, not one per record.
        for sql, records in itertools.groupby(batch, key=lambda r: r.sql):
            await self._db.executemany(sql, [r.params for r in records])
        await self._db.commit()

    async def _write_each(self, records: list[_Record]) -> None:
        """Write records one by one, dropping (and saying so) those the database refuses.

        Every statement is idempotent (insert-or-ignore, upserts), so writing again what an
        earlier attempt wrote is harmless.
        """
        for record in records:
            try:
                await asyncio.wait_for(self._write([record]), WRITE_TIMEOUT_S)
            except Exception as exc:
                await self._rollback()
                if _transient(exc):
                    raise
                log.warning("A question-log record the database refuses was dropped (%s)", exc)

    async def _rollback(self) -> None:
        # A failed rollback is found out again by the next attempt (ValueError: the connection is closed).
        with contextlib.suppress(sqlite3.Error, TimeoutError, ValueError):
            await asyncio.wait_for(self._db.rollback(), WRITE_TIMEOUT_S)

    def _troubled(self, exc: BaseException) -> None:
        if self._trouble_since is None:
            self._trouble_since = time.monotonic()
            log.warning(
                "Cannot write the question log and votes (%s); answers are not affected, retrying every %.0f s",
                str(exc) or type(exc).__name__,
                RETRY_AFTER_S,
            )

    def _recovered(self) -> None:
        if self._trouble_since is not None:
            log.info(
                "Question log and votes written again after %.0f s (%d records dropped meanwhile)",
                time.monotonic() - self._trouble_since,
                self._dropped,
            )
            self._trouble_since = None
            self._dropped = 0

    # -- reading ----------------------------------------------------------------------------

    async def prune(self, days: int = RETENTION_DAYS) -> int:
        """Forget questions (and their feedback) older than ``days``."""
        await self.flush(SUMMARY_FLUSH_S)
        cutoff = time.time() - days * 86400
        cur = await self._reader.execute("DELETE FROM bot_questions WHERE created < ?", (cutoff,))
        await self._reader.commit()
        return cur.rowcount

    async def get_question(self, question_id: int) -> LoggedQuestion | None:
        """A logged question, including one not written yet."""
        for _, record in reversed(self._pending):
            if record.question is not None and record.question.id == question_id:
                return record.question
        async with self._reader.execute(
            "SELECT id, question, guild_id, answered, source_ids, latency_ms, created FROM bot_questions WHERE id = ?",
            (question_id,),
        ) as cur:
            row = await cur.fetchone()
        return _question(row) if row else None

    async def feedback(self, question_id: int) -> dict[int, int]:
        """Votes on one question, by user id."""
        await self.flush(SUMMARY_FLUSH_S)
        async with self._reader.execute(
            "SELECT user_id, vote FROM bot_feedback WHERE question_id = ?", (question_id,)
        ) as cur:
            return {int(u): int(v) for u, v in await cur.fetchall()}

    async def gaps(self, guild_id: int | None, limit: int = 15) -> list[Gap]:
        """Recent unanswered questions and answers marked 👎 in a guild, newest first."""
        await self.flush(SUMMARY_FLUSH_S)
        async with self._reader.execute(
            "SELECT q.id, q.question, q.guild_id, q.answered, q.source_ids, q.latency_ms, q.created,"
            " (SELECT COUNT(*) FROM bot_feedback f WHERE f.question_id = q.id AND f.vote = -1) AS down"
            " FROM bot_questions q WHERE q.guild_id IS ? AND (q.answered = 0 OR down > 0)"
            " ORDER BY q.created DESC, q.id DESC LIMIT ?",
            (guild_id, limit),
        ) as cur:
            rows = await cur.fetchall()
        return [Gap(_question(row[:7]), int(row[7])) for row in rows]

    async def get_setting(self, guild_id: int, key: str) -> str | None:
        """A per-guild setting, including one not written yet."""
        for _, record in reversed(self._pending):
            if record.setting is not None and record.setting[:2] == (guild_id, key):
                return record.setting[2]
        async with self._reader.execute(
            "SELECT value FROM bot_guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None


def _transient(exc: BaseException) -> bool:
    """A busy, locked or failing database (try again later), not a record it refuses."""
    return isinstance(exc, (sqlite3.OperationalError, TimeoutError))


def _question(row: aiosqlite.Row | tuple[object, ...]) -> LoggedQuestion:
    qid, question, guild_id, answered, source_ids, latency_ms, created = tuple(row)
    return LoggedQuestion(
        id=int(qid),
        question=str(question),
        guild_id=int(guild_id) if guild_id is not None else None,
        answered=bool(answered),
        source_ids=tuple(json.loads(str(source_ids))),
        latency_ms=int(latency_ms),
        created=float(created),
    )
