"""Which passages answer a parsed question, best first.

BM25 proposes a bounded set of candidates. Each is then judged by its sentences: the
share of the question's weight its best sentence carries (with the heading it sits
under), whether that sentence (or the next) states the kind of value the question asks
for, and how many of the question's word pairs it keeps in order; an FAQ entry whose
question asks the same kind of thing ("What should witnesses do?") answers in kind. Sources are shown
only when one of their passages is relevant in its own right: no padding.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from index.query import AnchorKind, ParsedQuestion, SlotKind, asks_kind
from index.search import Fact, SearchIndex, Sentence

if TYPE_CHECKING:
    from index.lexicon import Lexicon

log = logging.getLogger(__name__)


FEATURES = (
    "bias",
    "bm25",  # BM25 score / the best candidate's
    "coverage",  # share of the question's weight in the passage
    "sentence",  # share in its best sentence (heading terms count half)
    "value",  # the best sentence (or a neighbour) states the kind of value asked for
    "value_any",  # some sentence of the passage does
    "value_needed",  # "value" for questions whose answer is that value (when, where, how many…)
    "value_cover",  # … times the best sentence's coverage: the value, said of the question's subject
    "heading",  # share of the question's weight in the heading the passage sits under
    "pairs",  # question word pairs kept side by side (up to 3)
    "faq",  # the heading is a question, times its coverage
    "length",  # log of the passage's length in terms
    "rarest",  # the question's heaviest term is in the best sentence
    "lead",  # the passage opens its source (where reports put the facts)
    "faq_kind",  # the heading asks the same kind of question ("What should witnesses do?")
)
# Questions whose answer is a value of their kind: a passage without one does not answer.
_NEEDS_VALUE = frozenset(
    {
        SlotKind.DATE,
        SlotKind.PLACE,
        SlotKind.COUNT,
        SlotKind.AGE,
        SlotKind.CONTACT,
        SlotKind.NAME,
        SlotKind.JOB,
        SlotKind.GROUP,
    }
)
_STATED_KINDS = _NEEDS_VALUE | {SlotKind.PERSON, SlotKind.ADVICE, SlotKind.THING}
LEAD_PASSAGES = 2


@dataclass(frozen=True, slots=True)
class Ranking:
    """How passages are chosen. ``weights`` score the FEATURES of a candidate (a logistic
    model fitted by bench/fit_ranking.py on the tuning half of the held-out sets)."""

    candidates: int = 200  # passages taken from BM25
    refine: int = 100  # of those, how many are judged sentence by sentence
    relevance_floor: float = 0.02  # a passage must score this share of the best one
    source_floor: float = 0.45  # a further source's best passage must score this share of the best
    same_source_decay: float = 0.5  # each passage already taken from a source scales the next
    duplicate_overlap: float = 0.8  # term-set overlap above which two passages are one
    heading_share: float = 0.5  # a heading's terms count this much toward a sentence's coverage
    min_coverage: float = 0.3  # share of the question's weight one of the best passages must carry
    coverage_window: int = 10  # … one of this many
    weights: tuple[float, ...] = (
        *(-10.519, 6.059, -0.468, 1.908, 0.892, 0.399, 1.197, -0.176),
        *(0.137, 1.021, 0.869, 3.281, 0.309, -0.599, 1.4),
    )


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
    SlotKind.DEFINE: (Fact(0), Fact(0)),  # read from the sentence's text (see _definition)
    SlotKind.DATE: (Fact.CALENDAR, Fact.TIME),
    SlotKind.PLACE: (Fact.PLACE, Fact(0)),
    SlotKind.COUNT: (Fact.COUNT, Fact(0)),
    SlotKind.PERSON: (Fact.NAME, Fact.PEOPLE),
    SlotKind.NAME: (Fact.SPELLING, Fact.NAME),
    SlotKind.QUOTE: (Fact.QUOTE, Fact.SPEECH),
    SlotKind.REASON: (Fact.CAUSE, Fact(0)),
    SlotKind.AGE: (Fact.AGE, Fact(0)),
    SlotKind.CONTACT: (Fact.CONTACT, Fact(0)),
    SlotKind.ADVICE: (Fact.ADVICE, Fact(0)),
    SlotKind.JOB: (Fact.OCCUPATION, Fact(0)),
    SlotKind.GROUP: (Fact.ORGANIZATION, Fact(0)),
}
# "How long": a length of time states it; a date ("since 2019") in part.
_HOW_LONG = (Fact.LENGTH, Fact.CALENDAR)
_WHAT_DAY = (Fact.DAY, Fact.CALENDAR)  # "on what date": a year alone answers in part
_WHAT_TIME = (Fact.TIME, Fact.CALENDAR)  # "at what time": the day alone answers in part
PARTIAL = 0.4  # credit for a sentence that states the answer in part
UNSTATED_SHARE = 0.3  # a further passage that does not state the value asked for ("when") counts this much
NAMED = 0.7  # "how is X spelled": a sentence naming X shows how; one about the spelling says so


def rank(
    q: ParsedQuestion,
    index: SearchIndex,
    lexicon: Lexicon,
    ranking: Ranking,
    allowed: Collection[int] | None = None,
    *,
    floor: bool = True,
) -> list[Scored]:
    """Relevant passages, best first; ``allowed`` limits the passages (a server's scope).
    ``floor=False`` keeps every candidate judged, however far below the best."""
    candidates = features(q, index, lexicon, ranking, allowed)
    w = ranking.weights
    out = [
        Scored(i, _logistic(sum(a * b for a, b in zip(w, x, strict=True))), x[2], sentence, x[4] >= 1.0)
        for i, x, sentence in candidates
    ]
    out.sort(key=lambda s: (-s.score, s.passage))
    return above_floor(out, ranking) if floor else out


def needs_value(q: ParsedQuestion) -> bool:
    """The question's answer is a value of its kind (when, where, how many …), or someone,
    advice or a thing: what a further passage of a source must state to be shown early.
    Not words said (nearly every paragraph of a report quotes someone) nor reasons (read
    loosely): measured, both showed fewer answering sources."""
    return q.slot is not None and q.slot.kind in _STATED_KINDS


def above_floor(scored: Sequence[Scored], ranking: Ranking) -> list[Scored]:
    """The candidates scoring at least ``relevance_floor`` of the best one."""
    if not scored:
        return []
    least = ranking.relevance_floor * scored[0].score
    return [s for s in scored if s.score >= least]


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def features(
    q: ParsedQuestion,
    index: SearchIndex,
    lexicon: Lexicon,
    ranking: Ranking,
    allowed: Collection[int] | None = None,
) -> list[tuple[int, tuple[float, ...], int]]:
    """(passage, FEATURES, best sentence) for each candidate worth judging."""
    if not q.terms or not index.n:
        return []
    weight = {t: w for t, w in q.weights if t in index.term_id}
    total = sum(w for _, w in q.weights) or 1.0
    wid = {index.term_id[t]: w for t, w in weight.items()}
    pairs = set(pairwise(index.query_ids(q.terms)))
    want = _SLOT_FACTS.get(q.slot.kind) if q.slot else None
    if q.slot is not None and q.slot.duration:
        want = _HOW_LONG
    elif q.slot is not None and q.slot.time:
        want = _WHAT_TIME
    elif q.slot is not None and q.slot.day:
        want = _WHAT_DAY
    focus = {index.term_id[t] for t in _focus_terms(q, index) if t in index.term_id}
    define = _definition(q)
    w_sent, w_value = ranking.weights[3], ranking.weights[4] + ranking.weights[6] + ranking.weights[7]
    needs_value = q.slot is not None and q.slot.kind in _NEEDS_VALUE
    rarest = max(wid, key=lambda t: wid[t]) if wid else None
    asked: dict[str, SlotKind | None] = lexicon.heading_kinds

    def kinds(heading: str) -> SlotKind | None:
        if heading not in asked:
            asked[heading] = asks_kind(heading, lexicon)
        return asked[heading]

    first: list[tuple[float, int, float, float]] = []
    for i, bm in index.bm25.top_k(list(q.terms), ranking.candidates):
        if allowed is not None and i not in allowed:
            continue
        have = index.term_set(i)
        cov = sum(w for t, w in wid.items() if t in have) / total
        first.append((bm * cov, i, cov, bm))
    first.sort(key=lambda x: (-x[0], x[1]))
    first = first[: ranking.refine]
    top_bm = max((bm for *_, bm in first), default=1.0) or 1.0
    out: list[tuple[int, tuple[float, ...], int]] = []
    for _, i, cov, bm in first:
        heading = index.heading_terms(i)
        sents = index.sentences(i)
        have_value = _value_grades(q, index, lexicon, i, sents, want, focus, define)
        best_s, best_key, best_cov, found = -1, -1e9, 0.0, 0.0
        for k, s in enumerate(sents):
            if s.facts & Fact.SIGNPOST:
                continue  # "We'll walk you through … what the sheriff said" says nothing yet
            s_cov = (
                sum(w if t in s.terms else (ranking.heading_share * w if t in heading else 0.0) for t, w in wid.items())
                / total
            )
            near = max(have_value[max(0, k - 1) : k + 2], default=0.0)
            key = w_sent * s_cov + w_value * near
            if key > best_key + 1e-12:
                best_s, best_key, best_cov, found = k, key, s_cov, near
        heading_cov = sum(w for t, w in wid.items() if t in heading) / total
        faq = heading_cov if (sents and sents[0].facts & Fact.QUESTION) or _question_heading(index, i) else 0.0
        asks = q.slot is not None and _question_heading(index, i)
        same_kind = asks and q.slot is not None and kinds(index.passages[i].heading) is q.slot.kind
        source = index.passages[i].source_id
        lead = all(index.passages[j].source_id != source for j in range(max(0, i - LEAD_PASSAGES), i))
        x = (
            1.0,
            bm / top_bm,
            cov,
            best_cov,
            found,
            max(have_value, default=0.0),
            found if needs_value else 0.0,
            found * best_cov if needs_value else 0.0,
            heading_cov,
            min(len(pairs & set(pairwise(index.ids(i)))), MAX_PAIRS) / MAX_PAIRS if pairs else 0.0,
            faq,
            math.log1p(int(index.offsets[i + 1] - index.offsets[i])) / LENGTH_SCALE,
            1.0 if rarest is not None and best_s >= 0 and rarest in sents[best_s].terms else 0.0,
            1.0 if lead else 0.0,
            1.0 if same_kind else 0.0,
        )
        out.append((i, x, best_s))
    return out


MAX_PAIRS = 3
LENGTH_SCALE = math.log(500)


def _value_grades(
    q: ParsedQuestion,
    index: SearchIndex,
    lexicon: Lexicon,
    i: int,
    sents: Sequence[Sentence],
    want: tuple[Fact, Fact] | None,
    focus: set[int],
    define: re.Pattern[str] | None,
) -> list[float]:
    """How fully each sentence states the kind of value the question asks for (0 to 1)."""
    grades = [_states(s.facts, want, s.terms, focus) if want is not None else 0.0 for s in sents]
    if q.slot is None:
        return grades
    text = index.passages[i].text
    if q.slot.kind is SlotKind.COUNT:
        return [
            _count_grade(text[s.start : s.end], q, lexicon) if g else 0.0 for s, g in zip(sents, grades, strict=True)
        ]
    if define is not None:
        said = [_defines(define, text[s.start : s.end]) for s in sents]
        return [max(a, b) for a, b in zip(grades, said, strict=True)]
    if q.slot.kind is SlotKind.CLAIM:
        return [asserts(s.facts) for s in sents]
    if q.slot.kind is SlotKind.PERSON and define is None:
        return _person_grades(text, sents, grades, q, lexicon)
    if q.slot.kind is SlotKind.NAME:
        # "How is Szymanski spelled?": every sentence naming her shows a source's spelling.
        named = {
            index.term_id[t]
            for a in q.anchors
            if a.kind is AnchorKind.NAME and a.text.lower() in index.proper and not a.text.isupper()
            for t in a.terms
            if t in index.term_id
        }
        return (
            [max(g, NAMED) if named & s.terms else g for s, g in zip(sents, grades, strict=True)] if named else grades
        )
    return grades


PERSON_REACH = 4  # words between someone and the question's verb for them to be its answer


def _person_grades(
    text: str, sents: Sequence[Sentence], grades: list[float], q: ParsedQuestion, lexicon: Lexicon
) -> list[float]:
    """ "Who was arrested?" is answered by someone named or described near "arrest" ("the
    arrest of a 16-year-old"); a witness named elsewhere in the sentence answers it in part."""
    named = {t for a in q.anchors for t in a.terms}
    asked = {t for t in q.terms if t not in named}
    if not asked:
        return grades
    facts = lexicon.facts
    return [
        (1.0 if facts.people_near(text[s.start : s.end], asked, PERSON_REACH) else PARTIAL) if g else 0.0
        for s, g in zip(sents, grades, strict=True)
    ]


def asserts(facts: Fact) -> float:
    """A yes/no question is answered by a sentence that says what happened, not one that
    asks or urges it ("asked Harrowgate to pause", "nobody should be hurt")."""
    return PARTIAL if facts & Fact.SUPPOSED else 1.0


def _question_heading(index: SearchIndex, i: int) -> bool:
    return index.passages[i].heading.rstrip().endswith("?")


def _states(facts: Fact, want: tuple[Fact, Fact], terms: frozenset[int], focus: set[int]) -> float:
    """1 when a sentence states the value asked for, less when in part, 0 when not; a figure
    that does not count the question's noun or verb ("how many people took part") counts half."""
    full, partial = want
    if not facts & full:
        return PARTIAL if partial and facts & partial else 0.0
    return 0.5 if full is Fact.COUNT and focus and not focus & terms else 1.0


def _definition(q: ParsedQuestion) -> re.Pattern[str] | None:
    """For "what is X" / "who is X": a sentence that says what X is ("X is a …", "X, the …",
    "X: the …", "X refers to …")."""
    if q.slot is None or not q.slot.subject or q.slot.kind not in (SlotKind.DEFINE, SlotKind.PERSON):
        return None
    last = q.slot.subject.split()[-1]
    stem = re.escape(last[:-1] if len(last) > 4 and last.endswith("s") else last)
    return re.compile(
        rf"\b{stem}\w*(?:'s)?(?:\s*(?P<sep>[,:(])|\s+(?:is|was|are|were|refers to|means|describes))"
        rf"\s+(?P<det>a|an|the|one|our)\b"
        rf"|\b(?:that|this|it) (?:is|was) (?:\w+ ){{0,3}}{stem}\w*\s*,",
        re.IGNORECASE,
    )


def _defines(define: re.Pattern[str], sentence: str) -> float:
    """1 for "X is a …" or "X, an …"; in part for "X, the …", which is also how a list
    reads ("the Fenwick Arms, the crowd of tenants and the mayor")."""
    grade = 0.0
    for m in define.finditer(sentence):
        if m["sep"] and m["det"].lower() == "the":
            grade = max(grade, PARTIAL)
        else:
            return 1.0
    return grade


def _count_grade(sentence: str, q: ParsedQuestion, lexicon: Lexicon) -> float:
    """How well a sentence's figures answer "how many": 1 for a figure of the counted noun
    near the question's verb, half for a figure of something else, 0 for none."""
    assert q.slot is not None
    facts = lexicon.facts
    slot = q.slot
    values = [v for v in facts.counts(sentence, slot.nouns) if facts.noun_matches(v.noun, slot.nouns, slot.verbs)]
    if not values:
        return PARTIAL if facts.counts(sentence) else 0.0
    verbs = facts.counting_verbs(slot.verbs)
    if verbs and not any(facts.near_verb(sentence, v, verbs) for v in values):
        return PARTIAL
    return 1.0


def _focus_terms(q: ParsedQuestion, index: SearchIndex) -> list[str]:
    if q.slot is None:
        return []
    if q.slot.kind is SlotKind.COUNT:
        return [index.fold.get(t, t) for t in (*q.slot.verbs, *q.slot.noun_terms)]
    return []


def diversify(
    scored: Sequence[Scored], index: SearchIndex, ranking: Ranking, want: int, needs_value: bool = False
) -> list[Scored]:
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
        sid = index.passages[s.passage].source_id
        if any(
            _overlap(ts, index.term_set(t.passage), index.passages[t.passage].source_id == sid)
            >= ranking.duplicate_overlap
            for t in taken
        ):
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
            key=lambda s: (
                s.score
                * ranking.same_source_decay ** count.get(index.passages[s.passage].source_id, 0)
                * (1.0 if s.states or not needs_value else UNSTATED_SHARE)
            ),
        )
        rest.remove(best)
        if take(best):
            sid = index.passages[best.passage].source_id
            count[sid] = count.get(sid, 0) + 1
    return taken  # selection order: a larger ``want`` only appends, so pages never overlap


def _overlap(a: frozenset[int], b: frozenset[int], same_source: bool = True) -> float:
    """Shared terms over the smaller set: within a source, a passage contained in another
    repeats it. Across sources over the larger: only a copy repeats it; a short report
    stating what a longer one does is another source saying so."""
    if not a or not b:
        return 0.0
    return len(a & b) / (min(len(a), len(b)) if same_source else max(len(a), len(b)))
