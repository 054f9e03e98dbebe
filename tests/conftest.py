"""Shared fixtures: a real SQLite index of the seed sources, built once per session."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from index.engine import Engine
from index.store import build_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the seed index; tests that change it copy it first."""
    path = tmp_path_factory.mktemp("seed") / "index.db"
    asyncio.run(build_index(SEEDS, path))
    return path


@pytest.fixture
def db_copy(seed_db: Path, tmp_path: Path) -> Path:
    """A private copy of the seed database."""
    dest = tmp_path / "index.db"
    shutil.copy(seed_db, dest)
    return dest


@pytest.fixture
async def engine(seed_db: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(seed_db)
    yield eng
    await eng.close()


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seeds folder."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest
