"""The development set's figures hold (tests/data/dev.yaml, copied from shared/eval).

Scored the way shared/eval/score.py scores the `ask --json` answers, in process so
it runs in seconds; test_cli.py checks the command-line contract itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from index.engine import Engine

WS = re.compile(r"\s+")
DEV = Path(__file__).with_name("data") / "dev.yaml"


def _norm(text: str) -> str:
    return WS.sub(" ", text).strip()


@pytest.fixture(scope="module")
def figures(seed_db: Path) -> dict[str, float]:
    import asyncio

    cases = yaml.safe_load(DEV.read_text(encoding="utf-8"))["cases"]

    async def score() -> dict[str, float]:
        engine = await Engine.open(seed_db)
        n = hit = 0
        recall = 0.0
        tp = fp = fn = 0
        abstain_ok = abstain_n = false_abstain = inexact = 0
        for case in cases:
            data = (await engine.ask(case["question"])).to_json()
            for p in data["passages"]:
                inexact += _norm(p["text"]) not in _norm(engine.source_text(p["source"]) or "")
            if case.get("answerable", True) is False:
                abstain_n += 1
                abstain_ok += not data["answered"]
                continue
            n += 1
            false_abstain += not data["answered"]
            got = {
                e["source"]
                for e in case["expect"]
                if any(
                    p["source"] == e["source"] and _norm(e["phrase"]) in _norm(p["text"]) for p in data["passages"][:5]
                )
            }
            want = {e["source"] for e in case["expect"]}
            hit += bool(got)
            recall += len(got) / len(want)
            noted = bool(data["disagreements"])
            if case.get("disagree") is True:
                tp += noted
                fn += not noted
            elif case.get("disagree") is False:
                fp += noted
        return {
            "hit@5": hit / n,
            "source_recall@5": recall / n,
            "disagree_precision": tp / (tp + fp) if tp + fp else 1.0,
            "disagree_recall": tp / (tp + fn) if tp + fn else 1.0,
            "abstain_missed": abstain_n - abstain_ok,
            "false_abstain": false_abstain,
            "inexact": inexact,
        }

    return asyncio.run(score())


def test_answers_find_the_expected_passages(figures: dict[str, float]) -> None:
    assert figures["hit@5"] >= 0.95
    assert figures["source_recall@5"] >= 0.85


def test_abstains_exactly_when_the_sources_do_not_cover_it(figures: dict[str, float]) -> None:
    assert figures["abstain_missed"] == 0
    assert figures["false_abstain"] == 0


def test_every_quote_is_verbatim(figures: dict[str, float]) -> None:
    assert figures["inexact"] == 0


def test_disagreements_are_noted_where_sources_differ(figures: dict[str, float]) -> None:
    assert figures["disagree_precision"] >= 0.9
    assert figures["disagree_recall"] >= 0.9
