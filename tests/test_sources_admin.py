"""Adding and removing sources: per-server views, bad input, kills, rebuilds seen elsewhere."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import aiosqlite
import pytest
from articles import ARTICLE, article, catalog_keys

from index import store
from index.engine import Engine
from index.ingest import read_document
from index.models import DatabaseError, SourceError
from index.store import add_source, build_index, load_index, remove_source

ROOT = Path(__file__).resolve().parent.parent
GUILD_A = "111"
GUILD_B = "222"


async def test_a_server_sees_its_own_sources_and_no_other_server_does(db_copy: Path) -> None:
    added = await add_source(db_copy, article(), scope=GUILD_A, actor="admin-a")
    assert added.passages >= 1 and added.report.analysed == 1  # only the new source was analysed
    engine = await Engine.open(db_copy)
    mine = await engine.ask("What happened on Union Street in Lynn?", scope=GUILD_A)
    assert mine.answered and mine.quotes[0].source_id == added.source.id
    for scope in (GUILD_B, None):
        other = await engine.ask("What happened on Union Street in Lynn?", scope=scope)
        assert all(q.source_id != added.source.id for q in other.quotes)
        assert added.source.id not in {i.source.id for i in engine.sources(scope)}
        assert engine.find_source(added.source.label, scope) is None
        summary = await engine.summary(scope=scope)
        assert all(q.source_id != added.source.id for s in summary.sections for q in s.quotes)
    assert added.source.id in {i.source.id for i in engine.sources(GUILD_A)}


async def test_another_server_cannot_remove_it_nor_a_global_source(db_copy: Path) -> None:
    added = await add_source(db_copy, article(), scope=GUILD_A)
    before = await catalog_keys(db_copy)
    with pytest.raises(SourceError, match="no source"):
        await remove_source(db_copy, added.source.id, scope=GUILD_B)
    with pytest.raises(SourceError, match="global source: only the bot's operator"):
        await remove_source(db_copy, "S1", scope=GUILD_A)
    assert await catalog_keys(db_copy) == before
    removed, _ = await remove_source(db_copy, added.source.tag, scope=GUILD_A, actor="admin-a")
    assert removed.id == added.source.id
    engine = await Engine.open(db_copy)
    assert added.source.id not in {i.source.id for i in engine.sources(GUILD_A)}


async def test_markdown_and_html_sources_read_as_a_reader_would(db_copy: Path) -> None:
    md = read_document("story.md", b"# Agents Return to **Lynn**\n\nAgents came back on June 2, 2025.\n")
    assert md.label == "Agents Return to Lynn"
    html = read_document(
        "page.html",
        b"<html><head><title>Agents return to Lynn</title><script>var x = 1;</script></head><body>"
        b"<nav>Home | News</nav><article><h1>Agents return to Lynn</h1><p>ICE agents returned to Lynn on "
        b"June 2, 2025, and detained two men outside a bakery on Union Street.</p></article></body></html>",
    )
    assert html.label == "Agents return to Lynn"
    assert "<" not in html.text and "var x" not in html.text and "Union Street" in html.text
    added = await add_source(db_copy, html, scope=GUILD_A)
    engine = await Engine.open(db_copy)
    text = engine.source_text(added.source.id, GUILD_A) or ""
    for p in engine.source_passages(added.source.id, 10, GUILD_A):
        assert text[p.start : p.end] == p.text


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("big.txt", b"x" * 2_000_001, "limit is 2,000,000"),
        ("utf16.txt", "Sheriff Coppinger said.".encode("utf-16"), "UTF-16"),
        ("latin1.txt", "Sheriff Coppinger said caf\u00e9 na\u00efve.".encode("latin-1"), "Latin-1"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("empty.html", b"<html><body><script>var x;</script></body></html>", "no article text"),
        ("blank.txt", b"   \n  ", "empty"),
        ("photo.png", b"not really", "only .txt, .md and .html"),
    ],
)
def test_bad_uploads_are_refused_with_one_line(name: str, data: bytes, words: str) -> None:
    with pytest.raises(SourceError) as exc:
        read_document(name, data)
    assert words in str(exc.value) and "\n" not in str(exc.value)


async def test_a_duplicate_or_a_taken_label_changes_nothing(db_copy: Path) -> None:
    await add_source(db_copy, article(), scope=GUILD_A)
    before, version = await catalog_keys(db_copy), (await load_index(db_copy)).version
    with pytest.raises(SourceError, match="same text is already a source"):
        await add_source(db_copy, article("again.txt"), scope=GUILD_A)
    with pytest.raises(SourceError, match="same text is already a source"):  # a seed's text, in any server
        seed = (ROOT / "seeds" / "004_d7d795bbb4bb4245.txt").read_bytes()
        await add_source(db_copy, read_document("copy.txt", seed), scope=GUILD_B)
    with pytest.raises(SourceError, match="already used by"):
        await add_source(db_copy, article("other.txt", ARTICLE + "More.\n"), scope=GUILD_A)
    assert await catalog_keys(db_copy) == before
    assert (await load_index(db_copy)).version == version


def test_a_manifest_with_sources_twice_is_refused(tmp_path: Path) -> None:
    from index.sources import load_manifest

    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  a:\n    label: A\nsources:\n  b:\n    label: B\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"sources\.yaml:4: 'sources' appears twice"):
        load_manifest(path)


async def test_a_link_out_of_the_folder_is_refused(db_copy: Path, seeds_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "outside.env"
    secret.write_text("DISCORD_TOKEN=not-for-anyone\n", encoding="utf-8")
    (seeds_copy / "010_link.txt").symlink_to(secret)
    before = (await load_index(db_copy)).version
    with pytest.raises(SourceError, match="outside the sources folder"):
        await build_index(seeds_copy, db_copy)
    assert (await load_index(db_copy)).version == before


async def test_a_folder_rebuild_keeps_added_sources_and_reuses_analyses(db_copy: Path) -> None:
    added = await add_source(db_copy, article(), scope=GUILD_A)
    report = await build_index(ROOT / "seeds", db_copy)
    assert report.analysed == 0  # every seed's analysis was stored before
    engine = await Engine.open(db_copy)
    assert added.source.id in {i.source.id for i in engine.sources(GUILD_A)}


def _script(db: Path, body: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(body).format(db=str(db), root=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)


async def test_a_kill_in_the_middle_of_an_add_loses_nothing(db_copy: Path) -> None:
    before, version = await catalog_keys(db_copy), (await load_index(db_copy)).version
    proc = _script(
        db_copy,
        """
        import asyncio, os, signal
        from index import store
        from index.ingest import read_document
        real = store._write
        async def write_then_die(*args):
            await real(*args)              # every row of the new version written ...
            os.kill(os.getpid(), signal.SIGKILL)  # ... and the process killed before the commit
        store._write = write_then_die
        doc = read_document("lynn.txt", b"Agents Return to Lynn\\nAgents came back to Lynn on June 2, 2025.\\n")
        asyncio.run(store.add_source({db!r}, doc, scope="111"))
        """,
    )
    assert proc.returncode == -9, proc.stderr
    assert await catalog_keys(db_copy) == before
    assert (await load_index(db_copy)).version == version
    engine = await Engine.open(db_copy)
    assert (await engine.ask("When did the Worcester arrest happen?")).answered


async def test_a_running_engine_adopts_a_version_built_by_another_process(db_copy: Path) -> None:
    engine = await Engine.open(db_copy)
    before = engine.version
    follower = asyncio.create_task(engine.follow(every=0.1))
    try:
        path = db_copy.parent / "lynn.txt"
        path.write_text(ARTICLE, encoding="utf-8")
        args = ["sources", "add", str(path), "--guild", GUILD_A, "--db", str(db_copy)]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, err.decode()
        for _ in range(100):
            if engine.version != before:
                break
            await asyncio.sleep(0.05)
        assert engine.version != before
        assert "lynn" in {i.source.id for i in engine.sources(GUILD_A)}
    finally:
        follower.cancel()


async def test_answers_keep_coming_while_a_rebuild_runs(db_copy: Path) -> None:
    engine = await Engine.open(db_copy)
    build = asyncio.create_task(add_source(db_copy, article(), scope=GUILD_A))
    answered = 0
    while not build.done():
        answer = await engine.ask("When did the Worcester arrest happen?")
        answered += answer.answered
        await asyncio.sleep(0)
    await build
    assert answered >= 1
    assert await engine.reload()
    assert (await engine.ask("What happened on Union Street in Lynn?", scope=GUILD_A)).answered


async def test_the_cli_adds_lists_removes_and_logs(db_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("# Agents Return to Lynn\n\n" + ARTICLE, encoding="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args, "--db", str(db_copy)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )

    added = cli("sources", "add", str(path), "--guild", GUILD_A, "--site", "Example News", "--json")
    assert added.returncode == 0, added.stderr
    info = json.loads(added.stdout)
    assert info["source"]["label"] == "Agents Return to Lynn" and info["source"]["scope"] == GUILD_A
    listed = json.loads(cli("sources", "--guild", GUILD_A, "--json").stdout)
    assert any(s["id"] == info["source"]["id"] and s["site"] == "Example News" for s in listed)
    assert all(s["id"] != info["source"]["id"] for s in json.loads(cli("sources", "--json").stdout))
    again = cli("sources", "add", str(path), "--guild", GUILD_A)
    assert again.returncode != 0 and "same text" in again.stderr and "\n" not in again.stderr.strip()
    assert cli("sources", "remove", info["source"]["tag"], "--guild", GUILD_A).returncode == 0
    log = json.loads(cli("sources", "log", "--json").stdout)
    assert [e["action"] for e in log[:2]] == ["remove", "add"]


async def test_a_foreign_database_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    async with aiosqlite.connect(path) as db:
        await db.execute("CREATE TABLE notes (x TEXT)")
        await db.commit()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="another program"):
        await build_index(ROOT / "seeds", path)
    assert path.read_bytes() == before


async def test_store_keeps_one_version_and_the_audit_log(db_copy: Path) -> None:
    await add_source(db_copy, article(), scope=GUILD_A, actor="admin-a")
    async with aiosqlite.connect(db_copy) as db, db.execute("SELECT COUNT(*) FROM index_versions") as cur:
        assert (await cur.fetchone()) == (1,)
    (entry,) = await store.audit_log(db_copy, GUILD_A)
    assert (entry.actor, entry.action, entry.target) == ("admin-a", "add", "lynn")
    assert await store.audit_log(db_copy, GUILD_B) == []


def _build_processes() -> list[int]:
    """Children of this process running ``index.worker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"index.worker" in cmdline:
            found.append(int(entry.name))
    return found


async def test_a_build_process_killed_midway_changes_nothing(db_copy: Path, seeds_copy: Path) -> None:
    before, version = await catalog_keys(db_copy), (await load_index(db_copy)).version
    (seeds_copy / "corpus.yaml").write_text("names: [[Coppinger, Koppinger]]\n", encoding="utf-8")  # analyse all again
    killed: list[int] = []

    def kill_when_started(done: int, total: int, label: str) -> None:
        if not killed:
            for pid in _build_processes():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    with pytest.raises(DatabaseError, match="ended without a result") as exc:
        await build_index(seeds_copy, db_copy, progress=kill_when_started, isolated=True)
    assert killed and "\n" not in str(exc.value)
    assert await catalog_keys(db_copy) == before
    assert (await load_index(db_copy)).version == version


async def test_an_isolated_build_reports_like_one_in_process(db_copy: Path) -> None:
    seen: list[tuple[int, int]] = []
    added = await add_source(
        db_copy, article(), scope=GUILD_A, isolated=True, progress=lambda d, t, _: seen.append((d, t))
    )
    assert added.source.scope == GUILD_A and added.passages >= 1 and added.report.analysed == 1
    assert seen and seen[-1][0] == seen[-1][1]
    with pytest.raises(SourceError, match="same text"):
        await add_source(db_copy, article("again.txt"), scope=GUILD_A, isolated=True)
