"""A quoted summary of the incidents, or of one topic, for moderators to pin."""

from __future__ import annotations

import logging
from collections import Counter
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from index.models import Disagreement, EngineError, Quote, Summary, SummarySection
from index.tokenize import words

if TYPE_CHECKING:
    from index.engine import View
    from index.rank import Ranking

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("data")
TOPIC_WORDS = 3  # words of the sources' titles that name the subject of a summary


@cache
def _plan() -> dict[str, Any]:
    plan: dict[str, Any] = yaml.safe_load((DATA / "summary.yaml").read_text(encoding="utf-8"))
    return plan


def summarize(snap: View, ranking: Ranking, topic: str | None = None) -> Summary:
    """Answer each section's question; every quote appears once, every note once.

    The sections are the corpus's own (``corpus.yaml``) or a general plan about the
    subject the sources' titles share; with a topic, a plan about that topic.
    """
    from index.engine import answer

    plan = _plan()
    topic = " ".join(topic.split()) if topic else None
    if topic:
        steps = plan["topic"]
    elif snap.lexicon.profile.summary:
        steps = list(snap.lexicon.profile.summary)
    else:
        steps = plan["incidents"]
    subject = topic or corpus_topic(snap)
    per_section = int(plan.get("per_section", 3))
    used: set[tuple[str, int]] = set()
    sections: list[SummarySection] = []
    notes: dict[tuple[str, str], Disagreement] = {}
    for step in steps:
        question = step["question"].format(topic=subject)
        title = step["title"].format(topic=subject)
        try:
            result = answer(snap, question, ranking, k=per_section + 3)
        except EngineError as exc:
            log.info("summary section %r skipped: %s", title, exc)
            continue
        if not result.answered:
            continue
        fresh: list[Quote] = []
        for q in result.quotes:
            if (q.source_id, q.start) not in used and len(fresh) < per_section:
                used.add((q.source_id, q.start))
                fresh.append(q)
        if fresh:
            sections.append(SummarySection(title, tuple(fresh)))
        for d in result.disagreements:
            notes.setdefault((d.facet, d.note), d)
    return Summary(topic, tuple(sections), tuple(notes.values()))


def notes_about(snap: View, ranking: Ranking, source_id: str) -> list[Disagreement]:
    """Disagreements in which ``source_id`` gives one of the values, over the summary's questions."""
    from index.engine import answer

    steps = list(snap.lexicon.profile.summary) or _plan()["incidents"]
    subject = corpus_topic(snap)
    out: dict[str, Disagreement] = {}
    for step in steps:
        try:
            result = answer(snap, step["question"].format(topic=subject), ranking, k=len(snap.sources) or 1)
        except EngineError:
            continue
        for d in result.disagreements:
            if any(source_id in v.sources for v in d.values):
                out.setdefault(d.note, d)
    return list(out.values())


def corpus_topic(snap: View) -> str:
    """The words most of the sources' titles share ("ice confrontations massachusetts")."""
    stop = snap.lexicon.language.stopwords | snap.lexicon.language.filler
    seen: Counter[str] = Counter()
    for s in snap.sources:
        # dict.fromkeys, not a set: ties keep the titles' word order, not the hash seed's
        title = (w.surface for w in words(s.label) if w.surface not in stop and w.surface.isalpha())
        seen.update(dict.fromkeys(title, 1))
    return " ".join(w for w, _ in seen.most_common(TOPIC_WORDS)) or "the sources"
