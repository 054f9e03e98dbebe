"""The command line: the contract in shared/eval/README.md, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, "DISCORD_TOKEN": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=120
    )


def test_ask_json_contract(seed_db: Path) -> None:
    proc = run("ask", "When did the Worcester arrest happen?", "--db", str(seed_db), "--json", "-k", "3")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["question"] == "When did the Worcester arrest happen?"
    assert data["answered"] is True
    assert 1 <= len(data["passages"]) <= 3
    for p in data["passages"]:
        assert {"source", "label", "text", "score"} <= set(p)
        text = (ROOT / "seeds" / f"{p['source']}.txt").read_text(encoding="utf-8")
        assert p["text"] in text
    for d in data["disagreements"]:
        assert {"facet", "note", "values"} <= set(d)
        for v in d["values"]:
            assert {"value", "sources"} <= set(v)


def test_ask_without_an_index_builds_one_first_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    proc = run("ask", "Who is Leah Foley?", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "building it" in proc.stderr
    assert "Leah Foley" in proc.stdout and "[S" in proc.stdout
    assert db.exists()


def test_bad_sources_exit_non_zero_with_one_line_and_keep_the_index(db_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\xff\xfe\x00\x01binary")
    before = db_copy.read_bytes()
    proc = run("index", "--sources", str(bad), "--db", str(db_copy))
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1 and "a.txt" in proc.stderr
    ask = run("ask", "Who is Leah Foley?", "--db", str(db_copy), "--json")
    assert json.loads(ask.stdout)["answered"] is True
    assert len(db_copy.read_bytes()) >= len(before) // 2  # still the full index, not wiped


def test_an_empty_question_is_a_clear_error(seed_db: Path) -> None:
    proc = run("ask", " ", "--db", str(seed_db), "--json")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and len(proc.stderr.strip().splitlines()) == 1


def test_sources_lists_labels_and_passage_counts(seed_db: Path) -> None:
    proc = run("sources", "--db", str(seed_db), "--json")
    rows = json.loads(proc.stdout)
    assert len(rows) == 5
    assert all(r["label"] and r["passages"] > 0 and r["added"] for r in rows)


def test_summary_json_quotes_are_verbatim(seed_db: Path) -> None:
    proc = run("summary", "--db", str(seed_db), "--json")
    data = json.loads(proc.stdout)
    assert data["sections"]
    for section in data["sections"]:
        for q in section["quotes"]:
            assert q["text"] in (ROOT / "seeds" / f"{q['source']}.txt").read_text(encoding="utf-8")


def test_console_without_a_token_answers_locally(seed_db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/sources\nWho is Leah Foley?\n/quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "DISCORD_TOKEN": "", "BOT_DB_PATH": str(seed_db)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Local console" in proc.stdout
    assert "U.S. Attorney" in proc.stdout
