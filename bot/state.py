"""The bot's own tables (prefixed ``bot_``) in the index's SQLite file."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

# Questions older than this are forgotten; their buttons then say the answer expired.
RETENTION_DAYS = 30

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


class State:
    """Question log, feedback and per-guild settings."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    @classmethod
    async def open(cls, db_path: str | Path) -> State:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(db_path), timeout=30)
        try:
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA busy_timeout = 30000")
            await db.executescript(_SCHEMA)
            await db.commit()
        except BaseException:
            await db.close()
            raise
        return cls(db)

    async def close(self) -> None:
        await self._db.close()

    async def prune(self, days: int = RETENTION_DAYS) -> int:
        """Forget questions (and their feedback) older than ``days``."""
        cutoff = time.time() - days * 86400
        cur = await self._db.execute("DELETE FROM bot_questions WHERE created < ?", (cutoff,))
        await self._db.commit()
        return cur.rowcount

    async def log_question(
        self,
        question: str,
        guild_id: int | None,
        answered: bool,
        source_ids: list[str] | tuple[str, ...],
        latency_ms: int,
    ) -> int:
        cur = await self._db.execute(
            "INSERT INTO bot_questions (question, guild_id, answered, source_ids, latency_ms, created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (question, guild_id, int(answered), json.dumps(list(source_ids)), latency_ms, time.time()),
        )
        await self._db.commit()
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def get_question(self, question_id: int) -> LoggedQuestion | None:
        async with self._db.execute(
            "SELECT id, question, guild_id, answered, source_ids, latency_ms, created FROM bot_questions WHERE id = ?",
            (question_id,),
        ) as cur:
            row = await cur.fetchone()
        return _question(row) if row else None

    async def record_feedback(self, question_id: int, user_id: int, vote: int) -> bool:
        """Store (or change) a user's vote; False when the question is no longer logged."""
        if vote not in (-1, 1):
            raise ValueError("vote must be -1 or 1")
        try:
            await self._db.execute(
                "INSERT INTO bot_feedback (question_id, user_id, vote, created) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote,"
                " created = excluded.created",
                (question_id, user_id, vote, time.time()),
            )
        except aiosqlite.IntegrityError:
            return False
        await self._db.commit()
        return True

    async def feedback(self, question_id: int) -> dict[int, int]:
        """Votes on one question, by user id."""
        async with self._db.execute(
            "SELECT user_id, vote FROM bot_feedback WHERE question_id = ?", (question_id,)
        ) as cur:
            return {int(u): int(v) for u, v in await cur.fetchall()}

    async def gaps(self, guild_id: int | None, limit: int = 15) -> list[Gap]:
        """Recent unanswered questions and answers marked 👎 in a guild, newest first."""
        async with self._db.execute(
            "SELECT q.id, q.question, q.guild_id, q.answered, q.source_ids, q.latency_ms, q.created,"
            " (SELECT COUNT(*) FROM bot_feedback f WHERE f.question_id = q.id AND f.vote = -1) AS down"
            " FROM bot_questions q WHERE q.guild_id IS ? AND (q.answered = 0 OR down > 0)"
            " ORDER BY q.created DESC, q.id DESC LIMIT ?",
            (guild_id, limit),
        ) as cur:
            rows = await cur.fetchall()
        return [Gap(_question(row[:7]), int(row[7])) for row in rows]

    async def get_setting(self, guild_id: int, key: str) -> str | None:
        async with self._db.execute(
            "SELECT value FROM bot_guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_setting(self, guild_id: int, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO bot_guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
            (guild_id, key, value),
        )
        await self._db.commit()


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
