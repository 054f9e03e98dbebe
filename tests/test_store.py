"""Sources, manifest and the SQLite index: bad input changes nothing stored."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import aiosqlite
import pytest

from index import store
from index.engine import Engine
from index.models import NoIndex, SourceError
from index.sources import load_manifest, load_sources
from index.store import build_index, load_index


async def _answers(db: Path) -> bool:
    engine = await Engine.open(db)
    return (await engine.ask("When did the Worcester arrest happen?")).answered


def _passages(stored: store.StoredIndex) -> tuple[object, ...]:
    return stored.views["global"].passages


def _one_line(exc: pytest.ExceptionInfo[SourceError]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize(
    ("manifest", "line", "words"),
    [
        ("sources:\n  a:\n    label: [unclosed\n", 3, "malformed YAML"),
        ("sources:\n  a:\n    label: ok\n    colour: red\n", 4, "unknown field"),
        ("sources:\n  a: just a string\n", 2, "must be a mapping"),
        ("- a\n- b\n", 1, "must be a mapping"),
        ("sources:\n  a:\n    label: x\n  a:\n    label: y\n", 4, "listed twice"),
    ],
)
def test_a_bad_manifest_names_file_and_line(tmp_path: Path, manifest: str, line: int, words: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(manifest, encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_manifest(path)
    msg = _one_line(exc)
    assert f"{path}:{line}" in msg
    assert words in msg


def test_a_source_without_manifest_entry_is_labelled_by_its_first_heading(tmp_path: Path) -> None:
    (tmp_path / "new_story.txt").write_text("Agents Return to Lynn\nAgents came back on Monday.\n", encoding="utf-8")
    (src,) = load_sources(tmp_path)
    assert src.id == "new_story"
    assert src.label == "Agents Return to Lynn"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("latin1.txt", "Sheriff Coppinger said caf\u00e9.".encode("latin-1"), "not UTF-8"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("empty.txt", b"   \n", "empty"),
    ],
)
async def test_a_bad_source_fails_the_build_and_the_old_index_keeps_answering(
    db_copy: Path, seeds_copy: Path, name: str, data: bytes, words: str
) -> None:
    before = (await load_index(db_copy)).version
    (seeds_copy / name).write_bytes(data)
    with pytest.raises(SourceError) as exc:
        await build_index(seeds_copy, db_copy)
    msg = _one_line(exc)
    assert name in msg and words in msg
    assert (await load_index(db_copy)).version == before
    assert await _answers(db_copy)


async def test_a_bad_manifest_fails_the_build_and_leaves_the_index(db_copy: Path, seeds_copy: Path) -> None:
    before = await load_index(db_copy)
    (seeds_copy / "sources.yaml").write_text("sources:\n  x: [\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"sources\.yaml:\d+"):
        await build_index(seeds_copy, db_copy)
    after = await load_index(db_copy)
    assert after.version == before.version and _passages(after) == _passages(before)


async def test_a_missing_folder_is_one_line_and_changes_nothing(db_copy: Path, tmp_path: Path) -> None:
    before = (await load_index(db_copy)).version
    with pytest.raises(SourceError, match="no such folder") as exc:
        await build_index(tmp_path / "nope", db_copy)
    _one_line(exc)
    assert (await load_index(db_copy)).version == before


async def test_an_unreadable_source_is_reported_and_changes_nothing(
    db_copy: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (await load_index(db_copy)).version
    path = seeds_copy / "locked.txt"
    path.write_text("Locked\nText.\n", encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a bot user
        real = Path.read_bytes

        def denied(self: Path) -> bytes:
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(SourceError, match=r"locked\.txt: permission denied") as exc:
        await build_index(seeds_copy, db_copy)
    _one_line(exc)
    assert (await load_index(db_copy)).version == before


async def test_an_interrupted_build_rolls_back(
    db_copy: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await load_index(db_copy)
    real = store._write

    async def write_then_fail(db: aiosqlite.Connection, *args: object) -> int:
        await real(db, *args)  # every row written …
        raise KeyboardInterrupt  # … then the process is interrupted before the commit

    monkeypatch.setattr(store, "_write", write_then_fail)
    with pytest.raises(KeyboardInterrupt):
        await build_index(seeds_copy, db_copy)
    after = await load_index(db_copy)
    assert after.version == before.version
    assert _passages(after) == _passages(before)
    assert await _answers(db_copy)


async def test_rebuild_switches_version_and_keeps_when_each_source_was_added(db_copy: Path, seeds_copy: Path) -> None:
    before = await load_index(db_copy)
    (seeds_copy / "005_new.txt").write_text(
        "Agents Return to Lynn\nICE agents returned to Lynn on Monday, June 2, 2025, and two people were detained.\n",
        encoding="utf-8",
    )
    report = await build_index(seeds_copy, db_copy)
    after = await load_index(db_copy)
    assert after.version == report.version != before.version
    assert len(after.sources) == len(before.sources) + 1
    added = {s.id: s.added_at for s in before.sources}
    for s in after.sources:
        if s.id in added:
            assert s.added_at == added[s.id]
    async with aiosqlite.connect(db_copy) as db, db.execute("SELECT COUNT(DISTINCT version) FROM passages") as cur:
        assert (await cur.fetchone()) == (1,)  # the old version's rows are gone


async def test_a_running_engine_picks_up_a_rebuild(db_copy: Path, seeds_copy: Path) -> None:
    engine = await Engine.open(db_copy)
    assert not await engine.reload()
    (seeds_copy / "005_new.txt").write_text("Agents Return to Lynn\nAgents came back to Lynn in June 2025.\n")
    await build_index(seeds_copy, db_copy)
    assert await engine.reload()
    assert any(i.source.id == "005_new" for i in engine.sources())


async def test_no_index_yet(tmp_path: Path) -> None:
    with pytest.raises(NoIndex):
        await Engine.open(tmp_path / "none.db")


async def test_stored_passages_are_verbatim_slices_of_stored_texts(seed_db: Path) -> None:
    stored = await load_index(seed_db)
    assert _passages(stored)
    for p in _passages(stored):
        assert stored.texts[("global", p.source_id)][p.start : p.end] == p.text


async def test_sources_and_texts_round_trip(seed_db: Path, tmp_path: Path) -> None:
    stored = await load_index(seed_db)
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for s in stored.sources:
        assert stored.texts[("global", s.id)] == (seeds / f"{s.id}.txt").read_text(encoding="utf-8")
    shutil.copy(seed_db, tmp_path / "copy.db")
    assert _passages(await load_index(tmp_path / "copy.db")) == _passages(stored)
