"""Fit the ranking weights on the tuning half of the question sets; report both halves.

    python -m bench.fit_ranking            # fit, print the weights and the figures
    python -m bench.fit_ranking --check    # only the figures of the current weights

Each candidate passage of a tuning question is one example: its features (index.rank.FEATURES)
and whether it holds an expected phrase. An L2-regularized logistic regression over them gives
``Ranking.weights``; the held-out half is never used to choose them.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import yaml

from bench.quality import QuestionSet, Score, norm, run, sets
from index.engine import Engine
from index.rank import FEATURES, Ranking, features

L2 = 1.0  # regularization strength (per example, on every weight but the bias)
STEPS = 60  # Newton steps


def examples(chosen: list[QuestionSet], engines: dict[Path, Engine]) -> tuple[np.ndarray, np.ndarray]:
    xs: list[tuple[float, ...]] = []
    ys: list[float] = []
    for qs in chosen:
        engine = engines.setdefault(qs.sources, Engine.from_folder(qs.sources))
        snap = engine.snapshot.view()
        for case in yaml.safe_load(qs.path.read_text(encoding="utf-8"))["cases"]:
            if case.get("answerable", True) is False or qs.part(case["id"]) != "tune":
                continue
            phrases = [(e["source"], norm(e["phrase"])) for e in case.get("expect", [])]
            parsed = engine.parse(case["question"])
            for part in parsed.parts or (parsed,):
                for i, x, _ in features(part, snap.search, snap.lexicon, engine.ranking):
                    p = snap.search.passages[i]
                    xs.append(x)
                    ys.append(float(any(p.source_id == s and ph in norm(p.text) for s, ph in phrases)))
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Newton's method on the regularized log-loss (a dozen features: exact and fast)."""
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], L2)
    reg[0] = 0.0  # the bias is not shrunk
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def report(ranking: Ranking, engines: dict[Path, Engine]) -> None:
    for part in ("tune", "test"):
        total = Score()
        for name, per in run(sets(), part, ranking, engines).items():
            if name not in ("dev", "dev-b", "transfer-dev") and part in per:
                total.add(per[part])
        print(part, " ".join(f"{k}={v}" for k, v in total.figures().items()))
    shared = run([s for s in sets() if not s.split], "tune", ranking, engines)
    for name, per in shared.items():
        print(name, " ".join(f"{k}={v}" for k, v in per["tune"].figures().items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fit_ranking")
    ap.add_argument("--check", action="store_true", help="report the current weights only")
    a = ap.parse_args(argv)
    engines: dict[Path, Engine] = {}
    ranking = Ranking()
    if not a.check:
        x, y = examples(sets(), engines)
        w = fit(x, y)
        print(f"{len(y)} candidates, {int(y.sum())} holding an expected phrase")
        print("weights = (" + ", ".join(f"{v:.3f}" for v in w) + ")")
        for name, v in zip(FEATURES, w, strict=True):
            print(f"  {name:10s} {v:+.3f}")
        ranking = dataclasses.replace(ranking, weights=tuple(float(round(v, 3)) for v in w))
    report(ranking, engines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
