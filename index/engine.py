"""Questions in, answers out: passage choice, abstention, disagreement notes.

An :class:`Engine` holds one immutable :class:`Snapshot` of an index version. Every
answer reads the snapshot once at its start and uses only it, so a reload (one
assignment) never mixes two versions inside an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.disagree import GENERIC_SHARE, find_disagreements
from index.lexicon import Derived, Lexicon, english
from index.models import (
    GLOBAL_SCOPE,
    Answer,
    Disagreement,
    EngineError,
    InvalidQuestion,
    Passage,
    Quote,
    Source,
    SourceInfo,
    Summary,
)
from index.query import MAX_QUESTION_CHARS, AnchorKind, ParsedQuestion, SlotKind, parse
from index.rank import Ranking, Scored, above_floor, diversify, needs_value, rank
from index.search import SearchIndex, analyze_source, derive
from index.store import StoredIndex, load_index, read_version
from index.text import split_sentences
from index.tokenize import fold_accents
from index.values_dates import dates_compatible

log = logging.getLogger(__name__)

DEFAULT_K = 5
MAX_K = 25
FOLLOW_SECONDS = 2.0  # how often a running bot looks for a version built elsewhere
WARM_UP_QUESTION = "What did the mayor of Chicgo say about the zyzzyva in 2019?"
EVIDENCE_PER_SOURCE = 4  # each source's best passages that disagreement notes read
UNKNOWN_SHARE = 0.5  # a question whose weight is this much in words the sources lack is not covered
SPEAKER_CANDIDATES = 20  # passages searched for the speaker a quote question names
YEARS_SHOWN = 4


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


@dataclass(frozen=True, slots=True, eq=False)
class View:
    """What one scope answers from: the global sources, or one server's with its own."""

    version: int
    lexicon: Lexicon
    search: SearchIndex
    sources: tuple[Source, ...]
    texts: Mapping[str, str]
    by_id: Mapping[str, Source]

    @classmethod
    def make(
        cls, version: int, lexicon: Lexicon, search: SearchIndex, sources: Sequence[Source], texts: Mapping[str, str]
    ) -> View:
        return cls(version, lexicon, search, tuple(sources), dict(texts), {s.id: s for s in sources})

    def source(self, source_id: str) -> Source:
        return self.by_id[source_id]


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """One index version, loaded: immutable, shared by every answer that started on it.

    A server with sources of its own answers from its view (global + its own); every other
    server from the global view, which never holds another server's sources.
    """

    version: int
    views: Mapping[str, View]

    def view(self, scope: str | None = None) -> View:
        return self.views.get(scope or GLOBAL_SCOPE) or self.views[GLOBAL_SCOPE]


FROZEN_GROWTH = 1.25  # settle_new_version collects everything again once frozen objects grew by this much


class _LastFull:
    frozen = 0  # objects frozen by the last full collection (settle_memory); gc is per process, so is this


def settle_memory() -> None:
    """Keep a loaded index out of the cyclic garbage collector's way (long-running processes).

    A bot is ~100,000 long-lived objects (an index of 8,000 passages ~10,000 of them); a full
    collection walks them all while holding Python's lock, stalling an event loop 70-100 ms
    at moments no one chooses. Frozen, they are skipped. Call it once the index is loaded,
    before serving: it is such a full collection itself. After each version adopted later,
    :func:`settle_new_version`.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _LastFull.frozen = gc.get_freeze_count()


def settle_new_version() -> None:
    """:func:`settle_memory` for a version just adopted, without a full collection (10-40 ms in a bot).

    The old version is freed by reference counting as it is dropped (nothing of it is kept in
    a reference cycle; tests/test_memory.py), so what is not frozen (allocated since, the new
    version among it) is collected and frozen. What is in flight then (answers, Discord
    interactions) is frozen too, and whatever of it later becomes cyclic garbage stays until
    a full collection: one is done here, instead, once frozen objects grew by a quarter.
    """
    frozen = gc.get_freeze_count()
    if not _LastFull.frozen or frozen > FROZEN_GROWTH * _LastFull.frozen:
        log.info("full garbage collection: %d objects frozen, %d after the last", frozen, _LastFull.frozen)
        settle_memory()
        return
    gc.collect()
    gc.freeze()


class Engine:
    """The loaded index and everything that can be asked of it."""

    def __init__(self, db_path: Path, snapshot: Snapshot, ranking: Ranking | None = None) -> None:
        self.db_path = db_path
        self.ranking = ranking or Ranking()
        self._snap = snapshot
        # Called (on the event loop) after a new version is adopted: a long-running process
        # settles its memory there (settle_new_version).
        self.after_swap: Callable[[], None] | None = None
        self._reloading: asyncio.Lock | None = None  # made on first use, on the loop that reloads

    @property
    def snapshot(self) -> Snapshot:
        return self._snap

    @property
    def version(self) -> int:
        return self._snap.version

    @classmethod
    async def open(cls, db_path: str | Path, ranking: Ranking | None = None) -> Engine:
        """Load the current index at ``db_path`` (NoIndex if none was built)."""
        path = Path(db_path)
        stored = await load_index(path)
        snapshot = await asyncio.to_thread(snapshot_of, stored)
        return cls(path, snapshot, ranking)

    async def warm(self) -> None:
        """Load what is loaded on first use (word lists, readers, patterns), off the event
        loop: a bot calls this before serving, so no member's question pays for it."""
        await asyncio.to_thread(self._warm)

    def _warm(self) -> None:
        view = self._snap.view(None)
        view.lexicon.language.warm()
        with contextlib.suppress(EngineError):  # a refusal warms up just the same
            answer(view, WARM_UP_QUESTION, self.ranking)  # misspelled and unknown words: all parts used

    @classmethod
    def from_texts(cls, sources: Sequence[Source], texts: Mapping[str, str], lexicon: Lexicon | None = None) -> Engine:
        """An engine over sources already in memory (benchmarks, tests); not stored anywhere."""
        lex = lexicon or Lexicon(english())
        analyses = [analyze_source(s.id, texts[s.id], lex) for s in sources]
        derived = derive(analyses, lex)
        search = SearchIndex.assemble(analyses, derived, lex)
        view = View.make(0, lex.with_derived(derived), search, sources, texts)
        return cls(Path(":memory:"), Snapshot(0, {GLOBAL_SCOPE: view}))

    @classmethod
    def from_folder(cls, folder: str | Path) -> Engine:
        """An in-memory engine over a folder of sources and its manifest and profile."""
        from index.lexicon import CorpusProfile
        from index.sources import load_sources

        path = Path(folder)
        files = load_sources(path)
        sources = [Source(f.id, f.label, f.tag, f.site, f.date, f.url, f.scope, f.content_hash) for f in files]
        lexicon = Lexicon(english(), CorpusProfile.load(path))
        return cls.from_texts(sources, {f.id: f.text for f in files}, lexicon)

    async def reload(self) -> bool:
        """Adopt a newer index version if one was built since; True when it changed.

        Calls at once (the follow loop and a /reindex) load and adopt a version once."""
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            return await self._reload()

    async def _reload(self) -> bool:
        if await read_version(self.db_path) == self.version:
            return False
        stored = await load_index(self.db_path)
        snapshot = await asyncio.to_thread(snapshot_of, stored)
        self._snap = snapshot  # one assignment: answers in flight finish on the snapshot they started with
        log.info("now answering from index v%d", snapshot.version)
        if self.after_swap is not None:
            self.after_swap()
        return True

    async def follow(self, every: float = FOLLOW_SECONDS) -> None:
        """Adopt versions other processes build (the command line, another shard), until cancelled.

        A database that cannot be read for a while (a backup, a restore) is retried quietly.
        """
        failing = False
        while True:
            await asyncio.sleep(every)
            try:
                await self.reload()
                failing = False
            except EngineError as exc:
                if not failing:
                    log.warning("cannot check for a newer index: %s", exc)
                failing = True

    async def close(self) -> None:
        """Nothing is held open between calls; kept for symmetry with ``open``."""

    # -- asking -------------------------------------------------------------------

    async def ask(self, question: str, *, k: int = DEFAULT_K, offset: int = 0, scope: str | None = None) -> Answer:
        """Answer a question (InvalidQuestion for empty or oversized input) from ``scope``'s view."""
        # Always in a worker thread: an answer never holds the event loop, even while a build runs.
        view = self._snap.view(scope)
        return await asyncio.to_thread(answer, view, question, self.ranking, k=k, offset=offset)

    def answer(self, question: str, *, k: int = DEFAULT_K, offset: int = 0, scope: str | None = None) -> Answer:
        """The synchronous core of :meth:`ask`."""
        return answer(self._snap.view(scope), question, self.ranking, k=k, offset=offset)

    def parse(self, question: str, scope: str | None = None) -> ParsedQuestion:
        view = self._snap.view(scope)
        return parse(check_question(question), view.lexicon, view.search)

    # -- listing --------------------------------------------------------------------

    def sources(self, scope: str | None = None) -> list[SourceInfo]:
        """The sources ``scope`` sees (global, and its own), with their passage counts."""
        view = self._snap.view(scope)
        counts: dict[str, int] = {}
        for p in view.search.passages:
            counts[p.source_id] = counts.get(p.source_id, 0) + 1
        return [SourceInfo(s, counts.get(s.id, 0)) for s in view.sources]

    def find_source(self, name: str, scope: str | None = None) -> SourceInfo | None:
        """A source by tag ("S1"), id, or label (case-insensitive, whole or part)."""
        key = name.strip().casefold()
        if not key:
            return None
        infos = self.sources(scope)
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

    def source_passages(self, source_id: str, limit: int = 3, scope: str | None = None) -> list[Passage]:
        view = self._snap.view(scope)
        return [p for p in view.search.passages if p.source_id == source_id][: max(0, limit)]

    def source_text(self, source_id: str, scope: str | None = None) -> str | None:
        return self._snap.view(scope).texts.get(source_id)

    @property
    def passage_count(self) -> int:
        return self._snap.view().search.n

    async def notes_about(self, source_id: str, scope: str | None = None) -> list[Disagreement]:
        """The disagreements a source takes part in: what adding it introduced."""
        from index.summary import notes_about

        return await asyncio.to_thread(notes_about, self._snap.view(scope), self.ranking, source_id)

    async def summary(self, topic: str | None = None, scope: str | None = None) -> Summary:
        from index.summary import summarize

        return await asyncio.to_thread(summarize, self._snap.view(scope), self.ranking, topic)


def snapshot_of(stored: StoredIndex) -> Snapshot:
    """A snapshot from a stored version; a view stored with other language data or in another
    layout is re-analysed in memory (``python -m bot index`` stores the result)."""
    views: dict[str, View] = {}
    for scope, stored_view in stored.views.items():
        lex = Lexicon(english(), stored.profile, stored_view.derived)
        search = None
        if stored_view.lexicon_fingerprint == lex.fingerprint:
            search = SearchIndex.from_blobs(stored_view.passages, stored_view.blobs)
        texts = {s.id: stored.texts[(s.scope, s.id)] for s in stored_view.sources}
        if search is None:
            log.warning(
                "index v%d (%s) was built with other language data or layout; re-analysing it in memory "
                "(run `python -m bot index` to store the result)",
                stored.version,
                scope,
            )
            base = Lexicon(english(), stored.profile)
            analyses = [analyze_source(s.id, texts[s.id], base) for s in stored_view.sources]
            derived = derive(analyses, base)
            lex = base.with_derived(derived)
            search = SearchIndex.assemble(analyses, derived, base)
        views[scope] = View.make(stored.version, lex, search, stored_view.sources, texts)
    if GLOBAL_SCOPE not in views:
        empty = Lexicon(english(), stored.profile)
        views[GLOBAL_SCOPE] = View.make(stored.version, empty, SearchIndex.assemble([], Derived(), empty), (), {})
    return Snapshot(stored.version, views)


# --- answering -------------------------------------------------------------------------


def answer(
    snap: View,
    question: str,
    ranking: Ranking,
    *,
    k: int = DEFAULT_K,
    offset: int = 0,
) -> Answer:
    """Answer ``question`` from one view of one snapshot."""
    text = check_question(question)
    k = max(1, min(int(k), MAX_K))
    offset = max(0, int(offset))
    search = snap.search
    pq = parse(text, snap.lexicon, search)
    slot = pq.slot.kind.value if pq.slot else None
    if pq.language != "en":
        return _decline(snap, pq, "Please ask in English: the sources and the bot read English.")
    if search.n == 0:
        return _decline(snap, pq, "No sources are indexed yet.")
    parts = pq.parts or (pq,)
    ranked: list[list[Scored]] = []
    judged: list[list[Scored]] = []  # every candidate: what the notes read, below the floor too
    reasons: list[str] = []
    for part in parts:
        reason = _not_covered(part, snap)
        scored: list[Scored] = []
        every: list[Scored] = []
        if reason is None:
            every = rank(part, search, snap.lexicon, ranking, floor=False)
            scored = above_floor(every, ranking)
            if not scored or max(s.coverage for s in scored[: ranking.coverage_window]) < ranking.min_coverage:
                reason = "The sources don't cover this question."
            elif part.slot and part.slot.kind is SlotKind.QUOTE and not _speaker_heard(part, scored, snap):
                reason = f"The sources don't quote {_speaker_named(part, snap)} on this."
            elif part.slot and part.slot.money and not _amount_given(part, scored[: ranking.coverage_window], snap):
                reason = "The sources don't give that amount."
            elif (
                part.slot
                and part.slot.kind is SlotKind.AGE
                and not any(s.states for s in scored[: ranking.coverage_window])
            ):
                reason = "The sources don't give that age."
        reasons.append(reason or "")
        ranked.append(scored if reason is None else [])
        if reason is None and part.slot is not None and (part.slot.day or part.slot.time):
            # notes read the passages that tell of the event at all, not only those giving its day or hour
            plain = replace(part, slot=replace(part.slot, day=False, time=False))
            every = rank(plain, search, snap.lexicon, ranking, floor=False)
        judged.append(every if reason is None else [])
    if not any(ranked):
        return _decline(snap, pq, next((r for r in reasons if r), "The sources don't cover this question."))
    want = k + offset + 1
    picked = _interleave(
        [diversify(s, search, ranking, want, needs_value(p)) for p, s in zip(parts, ranked, strict=True) if s], want
    )
    page = picked[offset : offset + k]
    quotes = tuple(_quote(snap, s.passage, s.score) for s in page)
    disagreements: tuple = ()
    if quotes and offset == 0:
        evidence = [_quote(snap, i, 0.0) for i in _evidence(judged, search)]
        tags = {s.id: (s.tag or s.id) for s in snap.sources}
        disagreements = find_disagreements(
            pq, evidence, tags, snap.lexicon, lambda t: search.df_share(t) >= GENERIC_SHARE
        )
    seen: dict[str, Source] = {}
    for q in quotes:
        seen.setdefault(q.source_id, snap.source(q.source_id))
    uncovered = [p.text for p, r in zip(parts, reasons, strict=True) if r and len(parts) > 1]
    message = "" if quotes else "No further passages."
    if uncovered and quotes:
        message = "Not covered by the sources: " + "; ".join(f"“{u}”" for u in uncovered)
    return Answer(
        question=text,
        answered=bool(quotes),
        quotes=quotes,
        disagreements=tuple(disagreements),
        message=message,
        slot=slot,
        more=len(picked) > offset + k,
        sources=tuple(seen.values()),
    )


def _interleave(lists: Sequence[Sequence[Scored]], want: int) -> list[Scored]:
    """One list from each part's, taking in turn, without repeats."""
    out: list[Scored] = []
    seen: set[int] = set()
    for row in range(max((len(x) for x in lists), default=0)):
        for lst in lists:
            if row < len(lst) and lst[row].passage not in seen:
                seen.add(lst[row].passage)
                out.append(lst[row])
    return out[:want]


def _evidence(ranked: Sequence[Sequence[Scored]], search: SearchIndex) -> list[int]:
    """Each relevant source's best passages, best first (independent of the page shown)."""
    out: list[int] = []
    for scored in ranked:
        per: dict[str, int] = {}
        for s in scored:
            sid = search.passages[s.passage].source_id
            if per.get(sid, 0) < EVIDENCE_PER_SOURCE and s.passage not in out:
                per[sid] = per.get(sid, 0) + 1
                out.append(s.passage)
    return out


def _not_covered(q: ParsedQuestion, snap: View) -> str | None:
    """Why the sources cannot answer ``q`` before ranking anything, or None.

    Grounded in what the question is about: a name or place the sources never use, a
    year they never give (or never give for the question's place or person), or most of
    its weight in words they lack. Filler and everyday words never decide.
    """
    search = snap.search
    if not q.terms:
        return "The sources don't cover this question."
    missing = [a for a in q.anchors if a.kind in (AnchorKind.NAME, AnchorKind.PLACE) and not a.known]
    if missing:
        names = ", ".join(f"“{a.text}”" for a in dict.fromkeys(missing))
        return f"The sources don't mention {names}, so they can't answer this."
    subjects = [a for a in q.anchors if a.kind in (AnchorKind.NAME, AnchorKind.PLACE) and a.known]
    for a in q.anchors:
        if a.kind is not AnchorKind.YEAR:
            continue
        year = int(a.text)
        with_year = _passages_with_year(search, year)
        if not len(with_year):
            return _years_message(search, subjects, year)
        for s in subjects:
            near = _near(search, _passages_with_terms(search, s.terms))
            if not np.intersect1d(near, with_year).size:
                return _years_message(search, [s], year)
    ahead = _only_ahead(q, snap)
    if ahead:
        return f"The sources mention {ahead} only as a date still to come, so they can't say what happened then."
    # The value a yes/no question offers ("for 6 hours?") is what it checks, however the
    # sources write it ("six hours"): it is no subject they must share.
    offered = set(snap.lexicon.tokenizer.tokens(q.slot.offered)) if q.slot and q.slot.offered else set()
    weight = {t: w for t, w in q.weights if t not in offered}
    total = sum(weight.values()) or 1.0
    lost = sum(w for t, w in weight.items() if t not in search.term_id)
    if lost / total >= UNKNOWN_SHARE:
        names = ", ".join(f"“{u}”" for u in q.unknown[:3])
        return (
            f"The sources don't mention {names}, so they can't answer this."
            if names
            else ("The sources don't cover this question.")
        )
    return None


_ASKS_AHEAD = re.compile(r"\b(?:will|when (?:is|are)|what (?:day|date|time) (?:is|are)|going to|scheduled|due)\b")
_ASKS_PAST = re.compile(r"\b(?:did|was|were|had|got)\b")  # "what sentence did he get …"
_CLAUSE_JOIN = re.compile(r";|,?\s+(?:and|but)\s+")


def _only_ahead(q: ParsedQuestion, snap: View) -> str | None:
    """A day the question asks what happened on ("what sentence did he get on October 30?")
    that every source mentioning it gives as still to come ("is scheduled to appear in court
    on October 30"): the sources were written before it. The day as the question writes it."""
    facts = snap.lexicon.facts
    search = snap.search
    low = q.corrected.lower()
    if facts.future(q.text) or _ASKS_AHEAD.search(low) or not _ASKS_PAST.search(low):
        return None  # "is the hearing on October 30?" asks about what is to come
    for asked in facts.dates(q.text):
        if not asked.days:
            continue
        terms = [t for t in snap.lexicon.tokenizer.tokens(asked.text) if t in search.term_id]
        said = [
            part
            for i in _passages_with_terms(search, terms).tolist()[:MAX_DATE_PASSAGES]
            for sentence in split_sentences(search.passages[i].text)
            for part in _CLAUSE_JOIN.split(sentence)
            if any(d.days and dates_compatible(d, asked) for d in facts.dates(part))
        ]
        # each clause naming the day: "marched on May 8, and will meet again" reports May 8
        if said and all(facts.future(part) for part in said):
            return asked.text
    return None


MAX_DATE_PASSAGES = 50  # passages read for a day a question names (bounded work per question)


def _passages_with_year(search: SearchIndex, year: int) -> np.ndarray:
    hits = np.nonzero(search.years_flat == year)[0]
    return np.unique(np.searchsorted(search.year_offsets, hits, side="right") - 1)


def _passages_with_terms(search: SearchIndex, terms: Sequence[str]) -> np.ndarray:
    sets = [search.docs_with(t) for t in terms if t in search.term_id]
    if not sets:
        return np.zeros(0, dtype=np.int64)
    out = sets[0]
    for s in sets[1:]:
        out = np.intersect1d(out, s)
    return out.astype(np.int64)


def _near(search: SearchIndex, passages: np.ndarray) -> np.ndarray:
    """Passages and their neighbours in the same source (a date often sits one paragraph away)."""
    if not passages.size:
        return passages
    out = set(passages.tolist())
    for i in passages.tolist():
        sid = search.passages[i].source_id
        for j in (i - 1, i + 1):
            if 0 <= j < search.n and search.passages[j].source_id == sid:
                out.add(j)
    return np.asarray(sorted(out), dtype=np.int64)


def _years_message(search: SearchIndex, subjects: Sequence[object], year: int) -> str:
    from index.query import Anchor

    anchors = [s for s in subjects if isinstance(s, Anchor)]
    pool: np.ndarray | None = None
    for a in anchors:
        hits = _near(search, _passages_with_terms(search, a.terms))
        pool = hits if pool is None else np.intersect1d(pool, hits)
    counts: dict[int, int] = {}
    rows = range(search.n) if pool is None else pool.tolist()
    for i in rows:
        for y in search.years(i):
            counts[y] = counts.get(y, 0) + 1
    years = [str(y) for y, _ in sorted(counts.items(), key=lambda kv: (-kv[1], -kv[0]))[:YEARS_SHOWN]]
    about = " and ".join(a.text.title() if a.text.islower() else a.text for a in anchors)
    if not years:
        return f"The sources don't give a date in {year} for this, so they can't answer it."
    listed = ", ".join(sorted(years, reverse=True))
    if about:
        return f"The sources describe {about} in {listed}, not {year}."
    return f"The sources cover {listed}, not {year}."


def _speaker_words(q: ParsedQuestion, snap: View) -> str:
    """The question's words for whom it asks about ("ICE", "the sheriff")."""
    assert q.slot is not None
    tok = snap.lexicon.tokenizer
    return " ".join(w.word for w in q.words if set(tok.tokens(w.word)) & set(q.slot.speaker))


SPEAKER_PREFIX = 6  # "spokeswoman", "spokesman", "spokesperson": one role, one stem


def _named_in_sources(noun: str, snap: View) -> bool:
    """The sources use the noun, or a word that begins like it."""
    terms = snap.lexicon.tokenizer.tokens(noun)
    if terms and all(t in snap.search.term_id for t in terms):
        return True
    stem = noun[:SPEAKER_PREFIX]
    return len(stem) == SPEAKER_PREFIX and any(w.startswith(stem) for w in snap.search.surface)


def _speaker_named(q: ParsedQuestion, snap: View) -> str:
    """Whom a quote question asks about, as the question writes it ("the premier of Nova Scotia")."""
    assert q.slot is not None
    who = q.slot.speaker_text
    if who:
        pattern = r"\W+".join(re.escape(w) for w in who.split())
        m = re.search(pattern, q.text, re.IGNORECASE)
        return m.group() if m else who
    return _speaker_words(q, snap) or "that speaker"


def _speaker_heard(q: ParsedQuestion, scored: Sequence[Scored], snap: View) -> bool:
    """A quote question names whose words it wants: some passage must report that speaker
    saying something ("X said", "said X", "according to X", "per X", or X's quoted words)."""
    assert q.slot is not None
    speaker = [t for t in q.slot.speaker if t in snap.search.term_id]
    if not q.slot.speaker:
        return True
    if not speaker:
        return False
    if q.slot.speaker_head and not _named_in_sources(q.slot.speaker_head[-1], snap):
        return False  # "the premier of Nova Scotia": the sources never name a premier
    # A phrase term ("u._attorney" for "US attorney") is no word of the text: fall back to the
    # speaker's noun as written.
    pattern = snap.lexicon.speaker_pattern(_speaker_words(q, snap).split() or list(q.slot.speaker_head) or speaker)
    # the question's words are read without accents ("Núñez" is "nunez"): so is the passage
    return any(pattern.search(fold_accents(snap.search.passages[s.passage].text)) for s in scored[:SPEAKER_CANDIDATES])


def _amount_given(q: ParsedQuestion, scored: Sequence[Scored], snap: View) -> bool:
    """Some of the best passages states an amount of money ("how much does she make") in a
    sentence (or beside one) naming what the question prices: a fine of $263.50 is not what
    the town paid for the fence."""
    assert q.slot is not None
    search = snap.search
    priced = {search.term_id[t] for t in q.terms if t in search.term_id and t not in q.slot.verbs}
    for s in scored:
        text = search.passages[s.passage].text
        sents = search.sentences(s.passage)
        for k, sent in enumerate(sents):
            if not snap.lexicon.facts.states_money(text[sent.start : sent.end]):
                continue
            near = set().union(*(x.terms for x in sents[max(0, k - 1) : k + 2]))
            if not priced or priced & near:
                return True
    return False


def _quote(snap: View, i: int, score: float) -> Quote:
    p = snap.search.passages[i]
    s = snap.source(p.source_id)
    return Quote(p.source_id, s.label, s.tag, p.heading, p.text, score, p.start, p.end, s.url)


def _decline(snap: View, q: ParsedQuestion, message: str) -> Answer:
    return Answer(
        question=q.text,
        answered=False,
        message=message,
        related=_related(snap, q),
        slot=q.slot.kind.value if q.slot else None,
    )


def _related(snap: View, q: ParsedQuestion, n: int = 3) -> tuple[str, ...]:
    """Headings (with their source's tag) of passages sharing at least two of the question's
    words, if any. One shared word ("series" in "World Series") is coincidence, not a topic."""
    search = snap.search
    terms = [t for t in dict.fromkeys(q.terms) if t in search.term_id]
    distinct = set(search.query_ids(terms))
    if len(distinct) < 2 or not search.n:
        return ()
    out: list[str] = []
    for i, _ in search.bm25.top_k(terms, 4 * n):
        if len(distinct & search.term_set(i)) < 2:
            continue
        p = search.passages[i]
        h = p.heading
        if h:
            item = f"{h} [{snap.source(p.source_id).tag}]"
            if item not in out:
                out.append(item)
        if len(out) == n:
            break
    return tuple(out)
