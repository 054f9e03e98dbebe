"""Answer quality does not slip: the development sets and the held-out sets' tuning half.

Scored in process by bench.quality, exactly as shared/eval/score.py scores ``ask --json``
(test_cli.py checks that contract itself). The floors are what the method reached when it
was last tuned, less a small margin; the held-out half is reported in the notes, never
asserted here, so nothing is tuned against it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.quality import QuestionSet, Score, norm, run, sets

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("data")
HELDOUT = Path(__file__).with_name("heldout")


def _score(qs: QuestionSet, part: str = "tune") -> dict[str, object]:
    per = run([qs], part)[qs.name]
    total = Score()
    for sc in per.values():
        total.add(sc)
    return total.figures()


@pytest.fixture(scope="module")
def dev() -> dict[str, object]:
    return _score(QuestionSet("dev", DATA / "dev.yaml", ROOT / "seeds", False))


@pytest.fixture(scope="module")
def dev_b() -> dict[str, object]:
    return _score(QuestionSet("dev-b", DATA / "dev-b.yaml", ROOT / "seeds", False))


def test_dev_set_finds_the_expected_passages(dev: dict[str, object]) -> None:
    assert dev["hit@5"] >= 0.95 and dev["source_recall@5"] >= 0.90


def test_dev_set_notes_disagreements_exactly(dev: dict[str, object]) -> None:
    assert dev["disagree_precision"] >= 0.9 and dev["disagree_recall"] >= 0.9


def test_dev_sets_abstain_exactly_and_quote_verbatim(dev: dict[str, object], dev_b: dict[str, object]) -> None:
    for figures in (dev, dev_b):
        done, asked = str(figures["abstain"]).split("/")
        assert done == asked
        assert str(figures["false_abstain"]).startswith("0/")
        assert str(figures["inexact"]).startswith("0/")


def test_second_dev_set_holds(dev_b: dict[str, object]) -> None:
    assert dev_b["hit@5"] >= 0.90 and dev_b["source_recall@5"] >= 0.85
    assert dev_b["disagree_precision"] >= 0.9 and dev_b["disagree_recall"] >= 0.9


@pytest.mark.parametrize(
    ("name", "floor_hit", "floor_recall"),
    [
        ("seeds-chat", 0.85, 0.65),
        ("corpus-b", 0.85, 0.55),
        ("corpus-c", 0.80, 0.60),
        ("corpus-d", 0.88, 0.65),
        ("corpus-e", 0.90, 0.65),
        ("corpus-f", 0.95, 0.60),
        ("corpus-g", 0.90, 0.55),
        ("corpus-h", 0.90, 0.65),
        ("corpus-i", 0.90, 0.65),
    ],
)
def test_held_out_tuning_half_holds(name: str, floor_hit: float, floor_recall: float) -> None:
    sources = ROOT / "seeds" if name == "seeds-chat" else HELDOUT / name
    figures = _score(QuestionSet(name, HELDOUT / f"{name}.yaml", sources, True))
    assert figures["hit@5"] >= floor_hit and figures["source_recall@5"] >= floor_recall
    assert int(str(figures["false_abstain"]).split("/")[0]) <= 1
    assert str(figures["inexact"]).startswith("0/")


def _committed_sets() -> list[QuestionSet]:
    return [qs for qs in sets() if qs.path.is_relative_to(HELDOUT)]


@pytest.mark.parametrize("qs", _committed_sets(), ids=lambda qs: qs.name)
def test_held_out_questions_quote_their_sources_verbatim(qs: QuestionSet) -> None:
    cases = yaml.safe_load(qs.path.read_text(encoding="utf-8"))["cases"]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids))
    texts = {p.stem: norm(p.read_text(encoding="utf-8")) for p in qs.sources.glob("*.txt")}
    for case in cases:
        assert (case.get("answerable", True) is False) == (not case.get("expect")), case["id"]
        for e in case.get("expect", []):
            assert norm(e["phrase"]) in texts[e["source"]], (case["id"], e["phrase"])
