"""A quoted summary of the incidents, or of one topic, for moderators to pin."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from index.models import Disagreement, EngineError, Quote, Summary, SummarySection

if TYPE_CHECKING:
    from index.engine import Engine

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("data")


@cache
def _plan() -> dict[str, Any]:
    return yaml.safe_load((DATA / "summary.yaml").read_text(encoding="utf-8"))


def summarize(engine: Engine, topic: str | None = None) -> Summary:
    """Answer each section's question; every quote appears once, every note once."""
    plan = _plan()
    topic = " ".join(topic.split()) if topic else None
    steps = plan["topic"] if topic else plan["incidents"]
    per_section = int(plan.get("per_section", 3))
    used: set[tuple[str, int]] = set()
    sections: list[SummarySection] = []
    notes: dict[tuple[str, str], Disagreement] = {}
    for step in steps:
        question = step["question"].format(topic=topic or "")
        title = step["title"].format(topic=topic or "")
        try:
            answer = engine.answer(question, k=per_section + 3)
        except EngineError as exc:
            log.info("summary section %r skipped: %s", title, exc)
            continue
        if not answer.answered:
            continue
        fresh: list[Quote] = []
        for q in answer.quotes:
            if (q.source_id, q.start) not in used and len(fresh) < per_section:
                used.add((q.source_id, q.start))
                fresh.append(q)
        if fresh:
            sections.append(SummarySection(title, tuple(fresh)))
        for d in answer.disagreements:
            notes.setdefault((d.facet, d.note), d)
    return Summary(topic, tuple(sections), tuple(notes.values()))
