"""Which passages answer a parsed question, best first.

BM25 proposes a bounded set of candidates. Each is then judged by its sentences: the
share of the question's weight its best sentence carries (with the heading it sits
under), whether that sentence (or the next) states the kind of value the question asks
for, and how many of the question's word pairs it keeps in order. Sources are shown
only when one of their passages is relevant in its own right: no padding.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from index.query import ParsedQuestion, SlotKind
from index.search import Fact, SearchIndex

if TYPE_CHECKING:
    from index.lexicon import Lexicon

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ranking:
    """Tunable weights of passage choice (chosen on the tuning half of the held-out sets)."""

    candidates: int = 200  # passages taken from BM25
    refine: int = 100  # of those, how many are judged sentence by sentence
    relevance_floor: float = 0.15  # a passage must score this share of the best one
    source_floor: float = 0.3  # a further source's best passage must score this share of the best
    same_source_decay: float = 0.5  # each passage already taken from a source scales the next
    duplicate_overlap: float = 0.7  # term-set overlap above which two passages are one
    slot_boost: float = 1.5  # a sentence that states what the question asks for (a date, a count…)
    phrase_boost: float = 0.2  # per pair of question words found side by side
    sentence_share: float = 0.5  # weight of the best sentence's coverage against the passage's
    heading_share: float = 0.5  # a heading's terms count this much toward a sentence's coverage
    faq_boost: float = 0.5  # a passage under a question heading that covers the question
    min_coverage: float = 0.3  # share of the question's weight one of the best passages must carry
    coverage_window: int = 5  # … one of this many
    bm25_power: float = 1.0  # how much BM25's own score counts beside the sentence evidence


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate passage and what was found in it."""

    passage: int
    score: float
    coverage: float  # share of the question's weight the passage carries
    sentence: int  # index of its best sentence (-1: only its heading matched)
    states: bool  # the best sentence (or its neighbour) states the slot's kind of value


# What states each kind of answer fully, and what states it in part (a time of day for
# "when", reported speech without the words for "what did X say").
_SLOT_FACTS: dict[SlotKind, tuple[Fact, Fact]] = {
    SlotKind.DATE: (Fact.CALENDAR, Fact.TIME),
    SlotKind.PLACE: (Fact.PLACE, Fact(0)),
    SlotKind.COUNT: (Fact.COUNT, Fact(0)),
    SlotKind.PERSON: (Fact.NAME, Fact(0)),
    SlotKind.NAME: (Fact.NAME, Fact(0)),
    SlotKind.QUOTE: (Fact.QUOTE, Fact.SPEECH),
    SlotKind.REASON: (Fact.CAUSE, Fact(0)),
    SlotKind.AGE: (Fact.AGE, Fact(0)),
    SlotKind.CONTACT: (Fact.CONTACT, Fact(0)),
    SlotKind.ADVICE: (Fact.ADVICE, Fact(0)),
}
PARTIAL = 0.4  # credit for a sentence that states the answer in part


def rank(
    q: ParsedQuestion,
    index: SearchIndex,
    lexicon: Lexicon,
    ranking: Ranking,
    allowed: Collection[int] | None = None,
) -> list[Scored]:
    """Relevant passages, best first; ``allowed`` limits the passages (a server's scope)."""
    if not q.terms or not index.n:
        return []
    weight = {t: w for t, w in q.weights if t in index.term_id}
    total = sum(w for _, w in q.weights) or 1.0
    wid = {index.term_id[t]: w for t, w in weight.items()}
    pairs = set(pairwise(index.query_ids(q.terms)))
    want = _SLOT_FACTS.get(q.slot.kind) if q.slot else None
    focus = {index.term_id[t] for t in _focus_terms(q, index) if t in index.term_id}
    first: list[tuple[float, int, float]] = []
    for i, bm in index.bm25.top_k(list(q.terms), ranking.candidates):
        if allowed is not None and i not in allowed:
            continue
        have = index.term_set(i)
        cov = sum(w for t, w in wid.items() if t in have) / total
        first.append((bm * cov, i, cov))
    first.sort(key=lambda x: (-x[0], x[1]))
    out: list[Scored] = []
    for base, i, cov in first[: ranking.refine]:
        heading = index.heading_terms(i)
        sents = index.sentences(i)
        have_value = [_states(s.facts, want, s.terms, focus) if want is not None else 0.0 for s in sents]
        if q.slot is not None and q.slot.kind is SlotKind.COUNT:
            text = index.passages[i].text
            have_value = [
                _count_grade(text[s.start : s.end], q, lexicon) if v else 0.0
                for s, v in zip(sents, have_value, strict=True)
            ]
        best_s, best_key, best_cov, states = -1, -1.0, 0.0, 0.0
        for k, s in enumerate(sents):
            s_cov = (
                sum(w if t in s.terms else (ranking.heading_share * w if t in heading else 0.0) for t, w in wid.items())
                / total
            )
            # The value counts fully in the sentence or next to it, half anywhere else in the passage.
            found = max(max(have_value[max(0, k - 1) : k + 2], default=0.0), 0.5 * max(have_value, default=0.0))
            key = s_cov * (1 + ranking.slot_boost * found)
            if key > best_key + 1e-12:
                best_s, best_key, best_cov, states = k, key, s_cov, found
        blend = (1 - ranking.sentence_share) * cov + ranking.sentence_share * best_cov
        score = (base / max(cov, 1e-9)) ** ranking.bm25_power * blend
        if pairs:
            score *= 1 + ranking.phrase_boost * len(pairs & set(pairwise(index.ids(i))))
        score *= 1 + ranking.slot_boost * states
        if (sents and sents[0].facts & Fact.QUESTION) or _question_heading(index, i):
            heading_cov = sum(w for t, w in wid.items() if t in heading) / total
            if heading_cov >= 0.5:
                score *= 1 + ranking.faq_boost * heading_cov
        out.append(Scored(i, score, cov, best_s, states >= 1.0))
    out.sort(key=lambda s: (-s.score, s.passage))
    if not out:
        return out
    floor = ranking.relevance_floor * out[0].score
    return [s for s in out if s.score >= floor]


def _question_heading(index: SearchIndex, i: int) -> bool:
    return index.passages[i].heading.rstrip().endswith("?")


def _states(facts: Fact, want: tuple[Fact, Fact], terms: frozenset[int], focus: set[int]) -> float:
    """1 when a sentence states the value asked for, less when in part, 0 when not; a figure
    that does not count the question's noun or verb ("how many people took part") counts half."""
    full, partial = want
    if not facts & full:
        return PARTIAL if partial and facts & partial else 0.0
    return 0.5 if full is Fact.COUNT and focus and not focus & terms else 1.0


def _count_grade(sentence: str, q: ParsedQuestion, lexicon: Lexicon) -> float:
    """How well a sentence's figures answer "how many": 1 for a figure of the counted noun
    near the question's verb, half for a figure of something else, 0 for none."""
    assert q.slot is not None
    facts = lexicon.facts
    slot = q.slot
    values = [v for v in facts.counts(sentence, slot.nouns) if facts.noun_matches(v.noun, slot.nouns, slot.verbs)]
    if not values:
        return PARTIAL if facts.counts(sentence) else 0.0
    if slot.verbs and not any(facts.near_verb(sentence, v, slot.verbs) for v in values):
        return PARTIAL
    return 1.0


def _focus_terms(q: ParsedQuestion, index: SearchIndex) -> list[str]:
    if q.slot is None:
        return []
    if q.slot.kind is SlotKind.COUNT:
        return [index.fold.get(t, t) for t in (*q.slot.verbs, *q.slot.noun_terms)]
    return []


def diversify(scored: Sequence[Scored], index: SearchIndex, ranking: Ranking, want: int) -> list[Scored]:
    """Each relevant source's best passage first, then the rest by discounted score.

    A source is shown only when its best passage is relevant in its own right (at least
    ``source_floor`` of the best score); a passage whose terms mostly repeat one already
    taken is dropped as a copy.
    """
    if not scored:
        return []
    taken: list[Scored] = []
    top = scored[0].score

    def take(s: Scored) -> bool:
        ts = index.term_set(s.passage)
        if any(_overlap(ts, index.term_set(t.passage)) >= ranking.duplicate_overlap for t in taken):
            return False
        taken.append(s)
        return True

    per_source: dict[str, Scored] = {}
    for s in scored:  # best first: the first seen per source is its best
        per_source.setdefault(index.passages[s.passage].source_id, s)
    for s in per_source.values():
        if len(taken) < want and s.score >= ranking.source_floor * top:
            take(s)
    count: dict[str, int] = {}
    for s in taken:
        sid = index.passages[s.passage].source_id
        count[sid] = count.get(sid, 0) + 1
    rest = [s for s in scored if s not in taken]
    while rest and len(taken) < want:
        best = max(
            rest,
            key=lambda s: s.score * ranking.same_source_decay ** count.get(index.passages[s.passage].source_id, 0),
        )
        rest.remove(best)
        if take(best):
            sid = index.passages[best.passage].source_id
            count[sid] = count.get(sid, 0) + 1
    return taken  # selection order: a larger ``want`` only appends, so pages never overlap


def _overlap(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
