"""Questions in, answers out: passage choice, abstention, disagreement notes."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from index.disagree import find_disagreements
from index.models import (
    GLOBAL_SCOPE,
    Answer,
    InvalidQuestion,
    Passage,
    Quote,
    Source,
    SourceInfo,
    Summary,
)
from index.question import MAX_QUESTION_CHARS, Slot, question_slot
from index.search import Query, SearchIndex
from index.store import StoredIndex, load_index, read_version
from index.tokenize import Tokenizer
from index.values import extract_counts, extract_names, extract_places, split_sentences
from index.values_dates import extract_dates

log = logging.getLogger(__name__)

DEFAULT_K = 5
MAX_K = 25
# Above this many passages, ranking runs in a worker thread so the event loop
# keeps serving other members meanwhile.
OFF_LOOP_PASSAGES = 20_000


@dataclass(frozen=True, slots=True)
class Ranking:
    """Tunable weights of passage choice (measured on the development set)."""

    candidates: int = 200  # passages taken from BM25 and weighed by coverage
    refine: int = 100  # of those, how many get the word-order and slot checks
    relevance_floor: float = 0.15  # a passage must score this share of the best one
    same_source_decay: float = 0.5  # each passage already taken from a source scales the next
    duplicate_overlap: float = 0.7  # term-set overlap above which two passages are one
    slot_boost: float = 2.0  # a passage that states what the question asks for (a date, a count…)
    phrase_boost: float = 0.25  # per pair of question words found side by side
    min_coverage: float = 0.3  # share of the question's weight the best passage must carry
    coverage_power: float = 1.0


_QUOTE = re.compile(
    r"[\u201c\"][^\u201d\"]{12,}[\u201d\"]"
    r"|\b(?:said|says|stated|statement|told|explained|announced|remarked|declared)\b",
    re.IGNORECASE,
)


def states(kind: str, text: str, focus: frozenset[str] = frozenset(), tokenizer: Tokenizer | None = None) -> bool:
    """Whether a passage states the kind of value a question asks for.

    Uses the same extractors as the disagreement notes. For a count with a focus
    ("people arrested"), a figure must stand in a sentence that names a focus word.
    """
    if kind == "quote":
        return _QUOTE.search(text) is not None
    if kind == "date":
        # A calendar date or year, not just "one morning".
        return any(d.has_calendar for s in split_sentences(text) for d in extract_dates(s))
    if kind == "place":
        return any(p.kind != "state" for p in extract_places(text))
    if kind in ("person", "name"):
        return bool(extract_names(text))
    if kind == "count":
        for sentence in split_sentences(text):
            if not extract_counts(sentence):
                continue
            if not focus or tokenizer is None or focus & set(tokenizer.tokens(sentence)):
                return True
    return False


def check_question(question: str) -> str:
    """The question stripped, or InvalidQuestion with a message a member understands."""
    q = " ".join(question.split())
    if not q:
        raise InvalidQuestion("Ask a question in words, e.g. “When did the Worcester arrest happen?”")
    if len(q) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(f"That question is {len(q)} characters long; please keep it under {MAX_QUESTION_CHARS}.")
    if not any(c.isalnum() for c in q):
        raise InvalidQuestion("That question has no words in it; ask in plain words.")
    return q


class Engine:
    """The loaded index and everything that can be asked of it."""

    def __init__(self, db_path: Path, stored: StoredIndex, search: SearchIndex, ranking: Ranking | None = None) -> None:
        self.db_path = db_path
        self.version = stored.version
        self.ranking = ranking or Ranking()
        self._use(stored, search)

    def _use(self, stored: StoredIndex, search: SearchIndex) -> None:
        self.version = stored.version
        self._stored = stored
        self._search = search
        self._sources = {s.id: s for s in stored.sources}
        self._evidence: dict[tuple[int, str, frozenset[str]], bool] = {}
        self._counts: dict[str, int] = {}
        for p in stored.passages:
            self._counts[p.source_id] = self._counts.get(p.source_id, 0) + 1

    @classmethod
    async def open(cls, db_path: str | Path, ranking: Ranking | None = None) -> Engine:
        """Load the current index at ``db_path`` (NoIndex if none was built)."""
        path = Path(db_path)
        stored = await load_index(path)
        search = await asyncio.to_thread(SearchIndex.from_blobs, stored.passages, stored.blobs)
        return cls(path, stored, search, ranking)

    @classmethod
    def from_passages(
        cls, sources: Sequence[Source], passages: Sequence[Passage], texts: dict[str, str] | None = None
    ) -> Engine:
        """An engine over passages already in memory (benchmarks, tests); not stored anywhere."""
        stored = StoredIndex(0, tuple(sources), tuple(passages), dict(texts or {}), {})
        return cls(Path(":memory:"), stored, SearchIndex.build(passages))

    async def reload(self) -> bool:
        """Adopt a newer index version if one was built since; True when it changed."""
        if await read_version(self.db_path) == self.version:
            return False
        stored = await load_index(self.db_path)
        search = await asyncio.to_thread(SearchIndex.from_blobs, stored.passages, stored.blobs)
        self._use(stored, search)  # one assignment each: in-flight questions finish on the old one
        log.info("now answering from index v%d", stored.version)
        return True

    async def close(self) -> None:
        """Nothing is held open between calls; kept for symmetry with ``open``."""

    # -- asking -------------------------------------------------------------------

    async def ask(self, question: str, *, k: int = DEFAULT_K, offset: int = 0, scope: str | None = None) -> Answer:
        """Answer a question (InvalidQuestion for empty or oversized input)."""
        if self._search.n > OFF_LOOP_PASSAGES:
            return await asyncio.to_thread(self.answer, question, k=k, offset=offset, scope=scope)
        return self.answer(question, k=k, offset=offset, scope=scope)

    def answer(self, question: str, *, k: int = DEFAULT_K, offset: int = 0, scope: str | None = None) -> Answer:
        """The synchronous core of :meth:`ask`."""
        q = check_question(question)
        k = max(1, min(int(k), MAX_K))
        offset = max(0, int(offset))
        search = self._search
        query = search.analyze_question(q)
        slot = question_slot(query.text or q)
        if query.unknown_proper:
            names = ", ".join(f"“{w}”" for w in query.unknown_proper)
            return self._decline(q, slot, f"The sources don't mention {names}, so they can't answer this.", query.terms)
        if not query.terms or search.n == 0:
            return self._decline(q, slot, "The sources don't cover this question.", query.terms)

        unknown = len(query.unknown) + 0.5 * len(query.corrections)
        if unknown and unknown * 2 >= len(query.unknown) + len(set(query.terms)):
            # Half the question's words appear in no source: it is about something else.
            return self._decline(q, slot, "The sources don't cover this question.", query.terms)
        ranked, coverage, combined = self._rank(query, slot, scope)
        if not ranked or coverage[ranked[0]] < self.ranking.min_coverage:
            return self._decline(q, slot, "The sources don't cover this question.", query.terms)
        picked = self._diversify(ranked, combined, k + offset + 1)
        page = picked[offset : offset + k]
        quotes = tuple(self._quote(i, float(combined[i])) for i in page)
        evidence = tuple(self._quote(i, float(combined[i])) for i in self._evidence_for(page, ranked, slot, k))
        disagreements = find_disagreements(q, quotes, self._sources, evidence) if quotes and offset == 0 else ()
        seen: dict[str, Source] = {}
        for quote in quotes:
            seen.setdefault(quote.source_id, self._sources[quote.source_id])
        return Answer(
            question=q,
            answered=bool(quotes),
            quotes=quotes,
            disagreements=tuple(disagreements),
            message="" if quotes else "No further passages.",
            slot=slot.kind if slot else None,
            more=len(picked) > offset + k,
            sources=tuple(seen.values()),
        )

    def _rank(
        self, query: Query, slot: Slot | None, scope: str | None
    ) -> tuple[list[int], dict[int, float], dict[int, float]]:
        """Relevant passage ids best first, with each one's coverage and final score.

        BM25 picks a bounded candidate set; each candidate is then weighed by the
        share of the question it covers, by the question's word pairs it keeps in
        order, and by whether it states what the question asks for (a date for
        "when", a figure for "how many", a quotation for "what did … say").
        """
        search = self._search
        r = self.ranking
        terms = query.terms
        distinct = list(dict.fromkeys(terms))
        weights = {t: search.idf(t) for t in distinct}
        total = sum(weights.values()) or 1.0
        weight_of = {search.term_id[t]: w for t, w in weights.items() if t in search.term_id}
        ids = search.query_ids(terms)
        pairs = set(pairwise(ids))
        focus = frozenset(t for w in (slot.focus if slot else ()) for t in search.tokenizer.tokens(w))
        allowed = {GLOBAL_SCOPE, scope} if scope else None
        coverage: dict[int, float] = {}
        first: dict[int, float] = {}
        for i, bm in search.bm25.top_k(list(terms), r.candidates):
            if allowed is not None and self._sources[search.passages[i].source_id].scope not in allowed:
                continue
            have = search.term_set(i)
            cov = sum(w for t, w in weight_of.items() if t in have) / total
            coverage[i] = cov
            first[i] = bm * cov**r.coverage_power
        # Word order and slot evidence are dearer: weigh them on the best candidates only.
        combined: dict[int, float] = {}
        for i in sorted(first, key=lambda i: (-first[i], i))[: r.refine]:
            score = first[i]
            if pairs:
                score *= 1 + r.phrase_boost * len(pairs & set(pairwise(search.ids(i))))
            if slot and self._states(i, slot.kind, focus):
                score *= 1 + r.slot_boost
            combined[i] = score
        order = sorted(combined, key=lambda i: (-combined[i], i))
        if not order:
            return [], coverage, combined
        floor = r.relevance_floor * combined[order[0]]
        return [i for i in order if combined[i] >= floor], coverage, combined

    def _evidence_for(self, page: list[int], ranked: list[int], slot: Slot | None, k: int) -> list[int]:
        """Passages beyond the quotes that a disagreement may rest on: the next best
        overall, and each quoted source's best passages stating the slot's kind of value."""
        chosen = set(page)
        out = [i for i in ranked[: 3 * k] if i not in chosen]
        if slot:
            quoted = {self._search.passages[i].source_id for i in page}
            per_source: dict[str, int] = {}
            for i in ranked:
                sid = self._search.passages[i].source_id
                fresh = sid in quoted and i not in chosen and i not in out and per_source.get(sid, 0) < 2
                if fresh and self._states(i, slot.kind, frozenset()):
                    out.append(i)
                    per_source[sid] = per_source.get(sid, 0) + 1
        return out

    def _states(self, i: int, kind: str, focus: frozenset[str]) -> bool:
        key = (i, kind, focus)
        hit = self._evidence.get(key)
        if hit is None:
            hit = states(kind, self._search.passages[i].text, focus, self._search.tokenizer)
            if len(self._evidence) > 200_000:
                self._evidence.clear()
            self._evidence[key] = hit
        return hit

    def _diversify(self, ranked: list[int], combined: dict[int, float], want: int) -> list[int]:
        """Each relevant source's best passage first, then the rest by discounted score.

        A passage whose terms mostly repeat one already taken is dropped as a copy.
        """
        r = self.ranking
        search = self._search
        taken: list[int] = []

        def take(i: int) -> None:
            if not any(_overlap(search.term_set(i), search.term_set(j)) >= r.duplicate_overlap for j in taken):
                taken.append(i)

        per_source: dict[str, int] = {}
        for i in ranked:  # ranked is best first: the first seen per source is its best
            per_source.setdefault(search.passages[i].source_id, i)
        for i in per_source.values():
            if len(taken) < want:
                take(i)
        count = {search.passages[i].source_id: 1 for i in taken}
        rest = [i for i in ranked if i not in taken]
        while rest and len(taken) < want:
            best = max(
                rest, key=lambda i: combined[i] * r.same_source_decay ** count.get(search.passages[i].source_id, 0)
            )
            rest.remove(best)
            before = len(taken)
            take(best)
            if len(taken) > before:
                sid = search.passages[best].source_id
                count[sid] = count.get(sid, 0) + 1
        return taken  # selection order: a larger `want` only appends, so pages never overlap

    def _quote(self, i: int, score: float) -> Quote:
        p = self._search.passages[i]
        s = self._sources[p.source_id]
        return Quote(p.source_id, s.label, s.tag, p.heading, p.text, score, p.start, p.end, s.url)

    def _decline(self, q: str, slot: Slot | None, message: str, terms: Sequence[str]) -> Answer:
        return Answer(
            question=q,
            answered=False,
            message=message,
            related=self._related(terms),
            slot=slot.kind if slot else None,
        )

    def _related(self, terms: Sequence[str], n: int = 3) -> tuple[str, ...]:
        """Headings of passages sharing at least two of the question's words, if any.

        One shared word ("series" in "World Series") is coincidence, not a topic.
        """
        distinct = set(self._search.query_ids(terms))
        if len(distinct) < 2 or not self._search.n:
            return ()
        out: list[str] = []
        for i, _ in self._search.bm25.top_k(list(dict.fromkeys(terms)), 4 * n):
            if len(distinct & self._search.term_set(i)) < 2:
                continue
            h = self._search.passages[i].heading
            if h and h not in out:
                out.append(h)
            if len(out) == n:
                break
        return tuple(out)

    # -- listing --------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        return [SourceInfo(s, self._counts.get(s.id, 0)) for s in self._stored.sources]

    def find_source(self, name: str) -> SourceInfo | None:
        """A source by tag ("S1"), id, or label (case-insensitive, whole or part)."""
        key = name.strip().casefold()
        if not key:
            return None
        infos = self.sources()
        for match in (
            lambda s: s.tag.casefold() == key or s.id.casefold() == key,
            lambda s: s.label.casefold() == key,
            lambda s: s.label.casefold().startswith(key) or s.id.casefold().startswith(key),
            lambda s: key in s.label.casefold(),
        ):
            hits = [i for i in infos if match(i.source)]
            if hits:
                return hits[0]
        return None

    def source_passages(self, source_id: str, limit: int = 3) -> list[Passage]:
        return [p for p in self._stored.passages if p.source_id == source_id][: max(0, limit)]

    def source_text(self, source_id: str) -> str | None:
        return self._stored.texts.get(source_id)

    @property
    def passage_count(self) -> int:
        return self._search.n

    async def summary(self, topic: str | None = None) -> Summary:
        from index.summary import summarize

        return summarize(self, topic)


def _overlap(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
