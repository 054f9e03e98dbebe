"""Operators' database commands: backup while in use, check, restore; damaged and foreign files."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiosqlite
import pytest
from articles import article, catalog_keys

from index import store
from index.engine import Engine
from index.maintenance import Health, backup, check, restore
from index.models import DatabaseError
from index.store import AddPlan, add_source, audit_log, read_version, rebuild

ROOT = Path(__file__).resolve().parent.parent
GUILD = "111"
PAGE = 4096


def _corrupt_pages(path: Path) -> None:
    """Overwrite the second-to-last page: the file still opens, its integrity check fails."""
    data = bytearray(path.read_bytes())
    end = len(data) - PAGE
    data[end - PAGE : end] = b"\xab" * PAGE
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 4])


async def _foreign(path: Path) -> None:
    async with aiosqlite.connect(path) as db:
        await db.execute("CREATE TABLE notes (x TEXT)")
        await db.execute("INSERT INTO notes VALUES ('mine')")
        await db.commit()


async def test_a_backup_taken_while_answering_restores_the_sources_to_a_running_bot(
    db_copy: Path, tmp_path: Path
) -> None:
    engine = await Engine.open(db_copy)
    saved = tmp_path / "saved.db"
    report = await backup(db_copy, saved)
    assert report.sources == 5 and (await check(saved)).ok
    before = await catalog_keys(db_copy)
    added = await add_source(db_copy, article(), scope=GUILD, actor="admin")
    assert await engine.reload()
    assert any(s.source.id == added.source.id for s in engine.sources(GUILD))
    question = "agents at a bakery on Union Street in Lynn?"
    assert any("Union Street" in q.text for q in (await engine.ask(question, scope=GUILD)).quotes)
    version = await read_version(db_copy)

    restored = await restore(db_copy, saved)

    assert restored.sources == 5 and not restored.replaced_file
    assert await catalog_keys(db_copy) == before
    new_version = await read_version(db_copy)
    assert version is not None and new_version is not None and new_version > version
    assert await engine.reload()  # a running bot adopts the restore as any other rebuild
    assert all(s.source.id != added.source.id for s in engine.sources(GUILD))
    assert all("Union Street" not in q.text for q in (await engine.ask(question, scope=GUILD)).quotes)
    log = await audit_log(db_copy)
    assert [e.action for e in log[:2]] == ["restore", "add"]  # history kept, the restore recorded
    assert (await check(db_copy)).ok


async def test_a_backup_during_a_rebuild_is_whole(db_copy: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.db"
    built, _ = await asyncio.gather(rebuild(db_copy, AddPlan(article(), GUILD)), backup(db_copy, saved))
    after = await check(saved)
    assert (await check(db_copy)).index_version == built.version
    assert after.ok, after.problems
    assert sum((after.sources or {}).values()) in (5, 6)  # before the rebuild or after it, never half


async def test_a_backup_never_overwrites_nor_copies_damage(db_copy: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"keep me")
    with pytest.raises(DatabaseError, match="already exists"):
        await backup(db_copy, taken)
    assert taken.read_bytes() == b"keep me"
    _corrupt_pages(db_copy)
    with pytest.raises(DatabaseError, match="damaged") as caught:
        await backup(db_copy, tmp_path / "copy.db")
    assert "\n" not in str(caught.value)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("index.db")] == ["taken.db"]  # no partial


@pytest.mark.parametrize("damage", ["pages", "truncated", "foreign", "text"])
async def test_a_bad_backup_changes_nothing(db_copy: Path, tmp_path: Path, damage: str) -> None:
    bad = tmp_path / "bad.db"
    if damage == "foreign":
        await _foreign(bad)
    elif damage == "text":
        bad.write_text("not a database at all\n" * 200)
    else:
        await backup(db_copy, bad)
        (_corrupt_pages if damage == "pages" else _truncate)(bad)
    before = (db_copy.read_bytes(), await catalog_keys(db_copy), await read_version(db_copy))
    with pytest.raises(DatabaseError, match="not a usable backup") as caught:
        await restore(db_copy, bad)
    assert "\n" not in str(caught.value)
    assert (db_copy.read_bytes(), await catalog_keys(db_copy), await read_version(db_copy)) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("index.db")) == ["bad.db"]


async def test_restore_replaces_a_database_too_damaged_to_open(db_copy: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.db"
    await backup(db_copy, saved)
    _truncate(db_copy)
    assert (await check(db_copy)).health is Health.DAMAGED
    report = await restore(db_copy, saved)
    assert report.replaced_file and report.kept_as is not None and Path(report.kept_as).exists()
    engine = await Engine.open(db_copy)
    assert (await engine.ask("who is the sheriff of essex county")).quotes


async def test_restore_never_replaces_another_programs_database(seed_db: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.db"
    await backup(seed_db, saved)
    theirs = tmp_path / "theirs.db"
    await _foreign(theirs)
    before = theirs.read_bytes()
    with pytest.raises(DatabaseError, match="another program"):
        await restore(theirs, saved)
    assert theirs.read_bytes() == before


async def test_check_names_what_is_wrong_in_one_line_each(db_copy: Path, tmp_path: Path) -> None:
    healthy = await check(db_copy)
    assert healthy.ok and healthy.sources == {"global": 5} and healthy.passages and healthy.index_version
    assert (await check(tmp_path / "none.db")).health is Health.MISSING
    theirs = tmp_path / "theirs.db"
    await _foreign(theirs)
    assert (await check(theirs)).health is Health.FOREIGN
    for damage in (_corrupt_pages, _truncate):
        path = tmp_path / f"{damage.__name__}.db"
        shutil.copy(db_copy, path)
        damage(path)
        report = await check(path)
        assert report.health is Health.DAMAGED and not report.ok and report.problems
        assert all("\n" not in p for p in report.problems)


async def test_a_database_from_a_newer_bot_is_reported_and_not_written(db_copy: Path) -> None:
    async with aiosqlite.connect(db_copy) as db:
        await db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        await db.commit()
    assert any("newer version" in p for p in (await check(db_copy)).problems)
    before = await read_version(db_copy)
    with pytest.raises(DatabaseError, match="newer version"):
        await rebuild(db_copy, AddPlan(article()))
    assert await read_version(db_copy) == before


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_commands_exit_zero_when_well_and_say_one_line_otherwise(db_copy: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.db"
    assert _cli(db_copy, "check").returncode == 0
    done = _cli(db_copy, "backup", str(saved))
    assert done.returncode == 0 and "5 sources" in done.stdout
    again = _cli(db_copy, "backup", str(saved))
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already exists" in again.stderr
    assert _cli(db_copy, "restore", str(saved)).returncode == 0
    _corrupt_pages(saved)
    bad = _cli(db_copy, "restore", str(saved))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "not a usable backup" in bad.stderr
    damaged = _cli(saved, "check")
    assert damaged.returncode == 1 and "damaged" in damaged.stdout


@pytest.fixture
def read_only(db_copy: Path) -> Iterator[Path]:
    """The database file made read-only for this process (immutable when running as root,
    whom file modes do not stop)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db_copy)]).returncode != 0:
            pytest.skip("cannot make a file read-only for root here")
        try:
            yield db_copy
        finally:
            subprocess.run(["chattr", "-i", str(db_copy)], check=True)
    else:
        db_copy.chmod(0o444)
        yield db_copy


def test_a_read_only_database_answers_and_refuses_to_build(read_only: Path, tmp_path: Path) -> None:
    asked = _cli(read_only, "ask", "who is the sheriff?", "--json")
    assert asked.returncode == 0 and '"passages"' in asked.stdout
    built = _cli(read_only, "index")
    assert built.returncode == 1 and built.stderr.strip().endswith("read-only: it can answer but not be rebuilt")
    assert built.stderr.count("\n") == 1
    assert _cli(read_only, "check").returncode == 0
    assert _cli(read_only, "backup", str(tmp_path / "b.db")).returncode == 0


async def test_a_locked_database_fails_a_build_in_one_line_and_still_answers(
    db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.5)  # the wait for another writer, shortened
    before = await read_version(db_copy)
    async with aiosqlite.connect(db_copy) as holder:
        await holder.execute("BEGIN IMMEDIATE")  # another writer (a backup tool, a long import)
        with pytest.raises(DatabaseError, match="locked") as caught:
            await asyncio.wait_for(rebuild(db_copy, AddPlan(article())), timeout=30)
        assert "\n" not in str(caught.value)
        engine = await Engine.open(db_copy)  # readers are not blocked by a writer
        assert (await engine.ask("who is the sheriff?")).quotes
        await holder.rollback()
    assert await read_version(db_copy) == before
    assert (await rebuild(db_copy, AddPlan(article()))).version != before


async def test_reloads_at_once_adopt_a_new_version_once(db_copy: Path) -> None:
    engine = await Engine.open(db_copy)
    swaps: list[int] = []
    engine.after_swap = lambda: swaps.append(engine.version)
    await add_source(db_copy, article(), scope=GUILD, actor="admin")
    adopted = await asyncio.gather(engine.reload(), engine.reload(), engine.reload())
    assert sorted(adopted) == [False, False, True]
    assert swaps == [await read_version(db_copy)]
