"""Shared fixtures: a real SQLite index of the seed sources, built once per session."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from index.engine import Engine
from index.store import build_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Property tests: a quick profile by default (CI runs it in seconds), a thorough one on
# demand: HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_properties.py
# The engine fixture is read-only, so sharing it across a test's examples is safe.
_SHARED = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture], "print_blob": True}
settings.register_profile("ci", max_examples=30, **_SHARED)
settings.register_profile("thorough", max_examples=2000, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
