"""Answer quality on question sets, scored in one process as ../shared/eval/score.py scores them.

    python -m bench.quality                 # every set, tuning half and held-out half apart
    python -m bench.quality --split test -v # the held-out half only, with every miss
    python -m bench.quality --json

Sets: the shared development sets (../shared/eval), this project's held-out sets
(tests/heldout) and, when present, local sets that cannot be committed (../eval-local).
Each held-out question belongs to the tuning half or the held-out half by a hash of its
id, so the split never changes; the method is tuned on the first and reported on the second.
Probe sets (tests/heldout/probe) are held out whole: written later, from the sources only,
to check figures the held-out halves may have been seen for.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.engine import Engine
from index.rank import Ranking

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
LOCAL = ROOT.parent / "eval-local"
HELDOUT = ROOT / "tests" / "heldout"
WS = re.compile(r"\s+")


@dataclass(frozen=True)
class QuestionSet:
    name: str
    path: Path
    sources: Path
    split: bool  # halves by id hash (held-out sets); shared dev sets are all "tune"
    probe: bool = False  # every question held out ("test"), none tuned on

    def part(self, case_id: str) -> str:
        """The half a question of this set belongs to."""
        if self.probe:
            return "test"
        return half(case_id) if self.split else "tune"


def sets() -> list[QuestionSet]:
    out = [
        QuestionSet("dev", SHARED / "dev.yaml", ROOT / "seeds", False),
        QuestionSet("dev-b", SHARED / "dev-b.yaml", ROOT / "seeds", False),
        QuestionSet("transfer-dev", SHARED / "transfer-dev.yaml", SHARED / "transfer-dev", False),
        QuestionSet("seeds-chat", HELDOUT / "seeds-chat.yaml", ROOT / "seeds", True),
        QuestionSet("corpus-b", HELDOUT / "corpus-b.yaml", HELDOUT / "corpus-b", True),
        QuestionSet("corpus-c", HELDOUT / "corpus-c.yaml", HELDOUT / "corpus-c", True),
        QuestionSet("corpus-d", HELDOUT / "corpus-d.yaml", HELDOUT / "corpus-d", True),
        QuestionSet("corpus-e", HELDOUT / "corpus-e.yaml", HELDOUT / "corpus-e", True),
        QuestionSet("corpus-f", HELDOUT / "corpus-f.yaml", HELDOUT / "corpus-f", True),
        QuestionSet("corpus-g", HELDOUT / "corpus-g.yaml", HELDOUT / "corpus-g", True),
        QuestionSet("corpus-h", HELDOUT / "corpus-h.yaml", HELDOUT / "corpus-h", True),
        QuestionSet("corpus-i", HELDOUT / "corpus-i.yaml", HELDOUT / "corpus-i", True),
        *(
            QuestionSet(f"probe-{p.stem}", p, _probe_sources(p.stem), True, probe=True)
            for p in sorted((HELDOUT / "probe").glob("*.yaml"))
        ),
        QuestionSet("news", LOCAL / "news.yaml", LOCAL / "news", True),
        QuestionSet("news-mixed", LOCAL / "news-mixed.yaml", LOCAL / "mixed", True),
    ]
    return [s for s in out if s.path.is_file() and s.sources.is_dir()]


def _probe_sources(corpus: str) -> Path:
    return ROOT / "seeds" if corpus == "seeds" else HELDOUT / corpus


def half(case_id: str) -> str:
    return "tune" if int(hashlib.sha1(case_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def norm(text: str) -> str:
    return WS.sub(" ", text).strip()


@dataclass
class Score:
    n_ans: int = 0
    hit1: int = 0
    hit3: int = 0
    hit5: int = 0
    rr: float = 0.0
    src: float = 0.0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    abst_ok: int = 0
    abst_n: int = 0
    false_abstain: int = 0
    inexact: int = 0
    quoted: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k, v in vars(other).items():
            if k == "misses":
                self.misses += v
            else:
                setattr(self, k, getattr(self, k) + v)

    def figures(self) -> dict[str, object]:
        def r(x: float, y: float) -> float | None:
            return round(x / y, 2) if y else None

        return {
            "answerable": self.n_ans,
            "hit@1": r(self.hit1, self.n_ans),
            "hit@5": r(self.hit5, self.n_ans),
            "mrr": r(self.rr, self.n_ans),
            "source_recall@5": r(self.src, self.n_ans),
            "disagree_precision": r(self.tp, self.tp + self.fp),
            "disagree_recall": r(self.tp, self.tp + self.fn),
            "abstain": f"{self.abst_ok}/{self.abst_n}",
            "false_abstain": f"{self.false_abstain}/{self.n_ans}",
            "inexact": f"{self.inexact}/{self.quoted}",
        }


def score_case(engine: Engine, case: dict, texts: dict[str, str], k: int = 5) -> Score:
    s = Score()
    cid = case["id"]
    ans = engine.answer(case["question"], k=k).to_json()
    passages = ans["passages"]
    for p in passages:
        src = texts.get(p["source"])
        if src is not None:
            s.quoted += 1
            if norm(p["text"]) not in src:
                s.inexact += 1
                s.misses.append(f"{cid}: inexact quote")
    answered = ans["answered"]
    if case.get("answerable", True) is False:
        s.abst_n += 1
        s.abst_ok += not answered
        if answered:
            s.misses.append(f"{cid}: answered out-of-scope {case['question']!r}")
        return s
    s.n_ans += 1
    if not answered:
        s.false_abstain += 1
        s.misses.append(f"{cid}: declined {case['question']!r}: {ans['message']}")
    expect = case.get("expect", [])

    def rank_of(e: dict) -> int | None:
        for i, p in enumerate(passages[:k]):
            if p["source"] == e["source"] and norm(e["phrase"]) in norm(p["text"]):
                return i + 1
        return None

    ranks = [r for r in (rank_of(e) for e in expect) if r]
    best = min(ranks) if ranks else None
    s.hit1 += best == 1
    s.hit3 += best is not None and best <= 3
    s.hit5 += best is not None
    s.rr += 1 / best if best else 0
    want = {e["source"] for e in expect}
    got = {e["source"] for e in expect if rank_of(e)}
    s.src += len(got) / len(want) if want else 1
    if answered and best is None:
        s.misses.append(f"{cid}: no expected passage in top {k} for {case['question']!r}")
    elif answered and got != want:
        s.misses.append(f"{cid}: missed sources {sorted(want - got)} for {case['question']!r}")
    noted = bool(ans["disagreements"])
    if case.get("disagree") is True:
        s.tp += noted
        s.fn += not noted
        if not noted:
            s.misses.append(f"{cid}: no disagreement noted for {case['question']!r}")
    elif case.get("disagree") is False:
        s.fp += noted
        if noted:
            notes = " | ".join(d["note"] for d in ans["disagreements"])[:300]
            s.misses.append(f"{cid}: false disagreement for {case['question']!r}: {notes}")
    return s


def run(
    selected: Iterable[QuestionSet],
    split: str,
    ranking: Ranking | None = None,
    engines: dict[Path, Engine] | None = None,
) -> dict[str, dict[str, Score]]:
    results: dict[str, dict[str, Score]] = {}
    engines = {} if engines is None else engines
    for qs in selected:
        engine = engines.get(qs.sources)
        if engine is None:
            engine = engines[qs.sources] = Engine.from_folder(qs.sources)
        if ranking is not None:
            engine.ranking = ranking
        texts = {p.stem: norm(p.read_text(encoding="utf-8")) for p in qs.sources.glob("*.txt")}
        cases = yaml.safe_load(qs.path.read_text(encoding="utf-8"))["cases"] or []
        per: dict[str, Score] = {}
        for case in cases:
            part = qs.part(case["id"])
            if split not in ("all", part):
                continue
            per.setdefault(part, Score()).add(score_case(engine, case, texts))
        results[qs.name] = per
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.quality")
    ap.add_argument("--split", choices=("tune", "test", "all"), default="all")
    ap.add_argument("--set", action="append", help="only these sets (by name)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    chosen = [s for s in sets() if not a.set or s.name in a.set]
    started = time.perf_counter()
    results = run(chosen, a.split)
    report: dict[str, dict[str, object]] = {}
    totals: dict[str, Score] = {}
    for name, per in results.items():
        for part, sc in sorted(per.items()):
            report[f"{name}/{part}"] = sc.figures()
            if name not in ("dev", "dev-b", "transfer-dev"):
                totals.setdefault(part, Score()).add(sc)
            if a.verbose and sc.misses:
                print(f"-- {name}/{part}")
                for m in sc.misses:
                    print("  ", m)
    for part, sc in sorted(totals.items()):
        report[f"held-out sets/{part}"] = sc.figures()
    if a.json:
        print(json.dumps(report))
    else:
        for key, fig in report.items():
            print(f"{key:28s} " + " ".join(f"{k}={v}" for k, v in fig.items()))
        print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
