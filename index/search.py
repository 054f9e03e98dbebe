"""Sources → analysed passages → one searchable collection.

:func:`analyze_source` is the per-source part of a build: passages, their terms in
reading order, their sentences with what each states (a date, a figure, a place, a
name, a quotation, a reason) and the years they mention. It depends only on the
source's text and the lexicon, so a rebuild reuses it for unchanged sources.
:meth:`SearchIndex.assemble` joins analyses into one collection: one vocabulary, the
terms as one CSR array, the BM25 postings, and the spellings of one name folded
together. Everything a question needs at answer time is read from here, never
recomputed from the sources' text.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntFlag

import jellyfish
import numpy as np
from rapidfuzz.distance import Levenshtein

from index.bm25 import BM25Index
from index.lexicon import Derived, Lexicon
from index.models import Passage
from index.passages import split_passages
from index.text import QUOTATION, sentence_spans
from index.tokenize import Tokenizer, words
from index.values import NameMention, PlaceKind
from index.values_ages import ages

log = logging.getLogger(__name__)

# A phrase of this many terms, repeated in at least BOILERPLATE_MIN passages and
# BOILERPLATE_SHARE of one source's passages, is keyword stuffing: a passage keeps
# one mention of it, so the repetition cannot decide a ranking.
BOILERPLATE_NGRAM = 3
BOILERPLATE_MIN = 3
BOILERPLATE_SHARE = 0.12
BM25_PARAMS = {"variant": "plus", "k1": 1.2, "b": 0.75}
LAYOUT = 3  # bump when the stored arrays change shape
# Spellings of one name are folded together when both are written capitalized this
# often (share of uses), are this long, sound alike and differ by at most this many edits.
NAME_CAPITALIZED_SHARE = 0.5
NAME_MIN_LENGTH = 5
NAME_MAX_EDITS = 2
LOCAL_PLACE_MIN = 2  # a street or building named this often is a place questions may name


class Fact(IntFlag):
    """What a sentence states, found when it is indexed."""

    DATE = 1  # any date or time of day
    CALENDAR = 2  # a year, month or weekday (not just "one morning")
    COUNT = 4  # a figure for something counted
    PLACE = 8
    NAME = 16  # a person named with a title
    QUOTE = 32  # words in quotation marks
    CAUSE = 64  # a reason ("because", "to keep order")
    QUESTION = 128  # the sentence is a question (an FAQ entry)
    TIME = 256  # a time of day
    AGE = 512  # a person's age ("16-year-old", "newborn")
    CONTACT = 1024  # a phone number, e-mail address or web address
    ADVICE = 2048  # advice or a rule ("should", "avoid", "do not")
    SPEECH = 4096  # reported speech ("stated", "according to") without a quotation
    SPELLING = 8192  # says how a name is spelled, or that a spelling is wrong
    PEOPLE = 16384  # describes people without names ("a 16-year-old and another woman")
    LENGTH = 32768  # how long something went on ("for about 45 minutes")
    SUPPOSED = 65536  # what should or could be, or what someone asked for ("asked X to pause")
    SIGNPOST = 131072  # the text talking about itself ("We'll walk you through the key events")
    OCCUPATION = 262144  # what someone does or did for a living ("a former police chief")
    ORGANIZATION = 524288  # an organization named ("the Chelsea Collaborative")
    DAY = 1048576  # a day: of the month or of the week ("March 13", "on Thursday")


# "asked Harrowgate to pause", "urged residents to stop": what someone wants done, not what was.
_REQUEST = re.compile(
    r"\b(?:asked|asking|asks|urged|urging|urges|called on|calling on|wants?|wanted)\b[^.]{0,40}\bto\s+\w+",
    re.IGNORECASE,
)
_BABY = re.compile(r"\bbab(?:y|ies)\b", re.IGNORECASE)  # "the baby": an age, without a figure
_CONTACT = re.compile(
    r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b1-\d{3}-\d{3}-\d{4}\b|\b[\w.+-]+@[\w-]+\.[\w.]+\b"
    r"|\bhttps?://\S+|\bwww\.\S+"
)
_DIGIT_OR_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred)", re.I)


@dataclass(slots=True)
class SourceAnalysis:
    """One source, analysed: what a build stores per source and reuses while it is unchanged."""

    source_id: str
    passages: list[Passage]
    terms: list[list[str]]  # per passage, in reading order, heading first
    sentences: list[list[tuple[int, int, int, int, int]]]  # per passage: term start, term end, char start/end, facts
    years: list[list[int]]  # per passage
    surface: Counter[str] = field(default_factory=Counter)  # words as written (normalized)
    capitalized: Counter[str] = field(default_factory=Counter)  # of those, written capitalized mid-sentence
    local_places: Counter[str] = field(default_factory=Counter)  # streets and buildings named

    def to_stored(self) -> bytes:
        """Compact bytes for the database (the passages as offsets into the source's text)."""
        raw = {
            "passages": [(p.heading, p.start, p.end) for p in self.passages],
            "terms": self.terms,
            "sentences": self.sentences,
            "years": self.years,
            "surface": self.surface,
            "capitalized": self.capitalized,
            "local_places": self.local_places,
        }
        return zlib.compress(json.dumps(raw, separators=(",", ":"), ensure_ascii=False).encode(), 6)

    @classmethod
    def from_stored(cls, source_id: str, text: str, data: bytes) -> SourceAnalysis:
        raw = json.loads(zlib.decompress(data))
        passages = [Passage(source_id, h, a, b, text[a:b]) for h, a, b in raw["passages"]]
        return cls(
            source_id,
            passages,
            raw["terms"],
            [[(s[0], s[1], s[2], s[3], s[4]) for s in ps] for ps in raw["sentences"]],
            raw["years"],
            Counter(raw["surface"]),
            Counter(raw["capitalized"]),
            Counter(raw.get("local_places", {})),
        )


def analyze_source(source_id: str, text: str, lexicon: Lexicon) -> SourceAnalysis:
    """Split one source into passages and analyse each sentence (pure CPU; run off the loop)."""
    tok = lexicon.tokenizer
    passages = split_passages(source_id, text, lexicon.furniture)
    out = SourceAnalysis(source_id, passages, [], [], [])
    per_sentence: list[list[list[str]]] = []
    titles: dict[str, tuple[str, ...]] = {}  # surname -> the title it is first given ("U.S. Attorney")
    for p in passages:
        heading = tok.tokens(p.heading)
        sents: list[list[str]] = [heading]
        spans: list[tuple[int, int]] = [(0, 0)]
        for a, b in sentence_spans(p.text):
            ws = words(p.text[a:b])
            sents.append([t for t, _ in tok.analyze_words(ws)])
            spans.append((a, b))
            for w in ws:
                out.surface[w.surface] += 1
                at = a + w.start
                if p.text[at : at + 1].isupper() and at > 1 and p.text[at - 2] not in '.!?:\n"“':
                    out.capitalized[w.surface] += 1
        out.surface.update(w.surface for w in words(p.heading))
        per_sentence.append(sents)
        years: set[int] = set()
        info: list[tuple[int, int, int, int, int]] = []
        for a, b in spans[1:]:
            flags, ys, named = _facts_of(p.text[a:b], lexicon)
            for m in named:
                if m.context and not m.quoted:
                    # the title without the place it is of ("Essex County Sheriff": the sheriff)
                    where = {t for _, _, name in lexicon.facts.gazetteer.find(m.context) for t in tok.tokens(name)}
                    title = tuple(t for t in tok.tokens(m.context) if t not in where)
                    titles.setdefault(m.surname.lower(), title)
            if flags & Fact.PLACE:
                out.local_places.update(x.name for x in lexicon.facts.places(p.text[a:b]) if x.kind is PlaceKind.LOCAL)
            years.update(ys)
            info.append((0, 0, a, b, int(flags)))
        out.sentences.append(info)
        out.years.append(sorted(years))
    stuffing = _boilerplate(per_sentence)
    for sents, info in zip(per_sentence, out.sentences, strict=True):
        flat: list[str] = list(sents[0])
        seen: set[tuple[str, ...]] = set()
        for k, sent in enumerate(sents[1:]):
            kept = _drop_phrases(sent, stuffing, seen) if stuffing else sent
            start = len(flat)
            flat.extend(kept)
            _, _, a, b, f = info[k]
            info[k] = (start, len(flat), a, b, f)
        flat.extend(_titles_of(flat, titles, tok))
        out.terms.append(flat)
    if stuffing:
        log.info("%s: kept one mention of %d keyword-stuffing phrases per passage", source_id, len(stuffing))
    return out


def _titles_of(terms: Sequence[str], titles: Mapping[str, tuple[str, ...]], tok: Tokenizer) -> list[str]:
    """Title terms a passage names someone by only through their surname: "Foley warned …",
    in a source that calls her "U.S. Attorney Leah Foley", is about the U.S. attorney. They
    follow the passage's last sentence, so they count for the passage, never for a sentence."""
    have = set(terms)
    extra: list[str] = []
    for surname, title in titles.items():
        if any(t in have for t in tok.tokens(surname)):
            extra.extend(t for t in title if t not in have and t not in extra)
    return extra


def _facts_of(sentence: str, lexicon: Lexicon) -> tuple[Fact, list[int], list[NameMention]]:
    """What one sentence states, and the years it names."""
    facts = lexicon.facts
    flags = Fact(0)
    years: list[int] = []
    if sentence.rstrip().endswith("?"):
        flags |= Fact.QUESTION
    dates = facts.dates(sentence)
    if dates:
        flags |= Fact.DATE
        if any(d.has_calendar for d in dates):
            flags |= Fact.CALENDAR
        if any(d.hours for d in dates):
            flags |= Fact.TIME
        if any(d.days or d.weekday is not None for d in dates):
            flags |= Fact.DAY
        years = sorted({y for d in dates if d.year is not None for y in range(d.year, (d.end_year or d.year) + 1)})
    if _DIGIT_OR_NUMBER.search(sentence) and facts.counts(sentence):
        flags |= Fact.COUNT
    if any(p.kind not in (PlaceKind.STATE, PlaceKind.COUNTRY) for p in facts.places(sentence)):
        flags |= Fact.PLACE
    named = facts.names(sentence)
    if named:
        flags |= Fact.NAME
    if QUOTATION.search(sentence):
        flags |= Fact.QUOTE
    elif lexicon.speech.search(sentence):
        flags |= Fact.SPEECH
    if _BABY.search(sentence) or ages(sentence, facts.calendar_words, facts.age_people):
        flags |= Fact.AGE
    if lexicon.cause.search(sentence.lower()):
        flags |= Fact.CAUSE
    if _CONTACT.search(sentence):
        flags |= Fact.CONTACT
    if facts.says_spelling(sentence):
        flags |= Fact.SPELLING
    if facts.describes_people(sentence):
        flags |= Fact.PEOPLE
    if facts.lengths(sentence):
        flags |= Fact.LENGTH
    if facts.hypothetical(sentence) or _REQUEST.search(sentence):
        flags |= Fact.SUPPOSED
    if lexicon.advice.search(sentence):
        flags |= Fact.ADVICE
    if lexicon.occupation.search(sentence):
        flags |= Fact.OCCUPATION
    if facts.names_organization(sentence):
        flags |= Fact.ORGANIZATION
    if not flags & Fact.QUOTE and lexicon.signpost.search(sentence):
        flags |= Fact.SIGNPOST  # "we will" in someone's quoted words is what they said
    return flags, years, named


def _boilerplate(passages: Sequence[Sequence[Sequence[str]]]) -> set[tuple[str, ...]]:
    """Phrases repeated across many passages of one source (SEO keyword strings)."""
    n = BOILERPLATE_NGRAM
    seen: Counter[tuple[str, ...]] = Counter()
    for sents in passages:
        grams: set[tuple[str, ...]] = set()
        for toks in sents:
            grams.update(tuple(toks[j : j + n]) for j in range(len(toks) - n + 1))
        seen.update(grams)
    need = max(BOILERPLATE_MIN, math.ceil(BOILERPLATE_SHARE * len(passages)))
    return {g for g, c in seen.items() if c >= need}


def _drop_phrases(tokens: Sequence[str], phrases: set[tuple[str, ...]], seen: set[tuple[str, ...]]) -> list[str]:
    """Keep the first occurrence of each stuffing phrase in a passage, drop the repeats.

    One mention is what any passage on the topic has; the repeats are what stuffing adds.
    ``seen`` carries the phrases already kept by earlier sentences of the same passage.
    """
    n = BOILERPLATE_NGRAM
    keep = [True] * len(tokens)
    for j in range(len(tokens) - n + 1):
        gram = tuple(tokens[j : j + n])
        if gram in phrases and keep[j]:
            if gram in seen:
                for m in range(j, j + n):
                    keep[m] = False
            seen.add(gram)
    return [t for t, k in zip(tokens, keep, strict=True) if k]


def derive(analyses: Iterable[SourceAnalysis], lexicon: Lexicon) -> Derived:
    """What the collection's own text teaches: which capitalized words are one name spelled
    differently (Coppinger / Koppinger / Copinger), by sound and edit distance."""
    surface: Counter[str] = Counter()
    capitalized: Counter[str] = Counter()
    for a in analyses:
        surface.update(a.surface)
        capitalized.update(a.capitalized)
    proper = sorted(
        (w for w, c in capitalized.items() if w.isalpha() and len(w) >= NAME_MIN_LENGTH),
        key=lambda w: (-surface[w], w),
    )
    proper = [w for w in proper if capitalized[w] >= NAME_CAPITALIZED_SHARE * surface[w]]
    keys = {w: (jellyfish.metaphone(w), jellyfish.nysiis(w)) for w in proper}
    groups: list[list[str]] = []
    for w in proper:
        for g in groups:
            head = g[0]
            sound = keys[w][0] == keys[head][0] or keys[w][1] == keys[head][1]
            if sound and Levenshtein.distance(w, head) <= NAME_MAX_EDITS:
                g.append(w)
                break
        else:
            groups.append([w])
    variants = tuple(tuple(g) for g in groups if len(g) > 1)
    places: Counter[str] = Counter()
    for a in analyses:
        places.update(a.local_places)
    local = tuple(sorted(p for p, n in places.items() if n >= LOCAL_PLACE_MIN))
    return Derived(name_variants=variants, places=local)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a passage as the index knows it."""

    terms: frozenset[int]
    start: int  # character offsets within the passage text
    end: int
    facts: Fact


class SearchIndex:
    """Terms of every passage, their sentences, and a BM25 index over them.

    A passage's terms are kept as ids in one flat int32 array (CSR: ``offsets[i]``
    to ``offsets[i + 1]``); its sentences likewise (``sent_offsets``), each with its
    term range, character span and facts, so a million passages load with a few
    ``frombuffer`` calls and no re-tokenizing.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        vocab: Sequence[str],
        doc_terms: np.ndarray,
        offsets: np.ndarray,
        sentences: np.ndarray,
        sent_offsets: np.ndarray,
        years: np.ndarray,
        year_offsets: np.ndarray,
        surface: dict[str, int],
        proper: Iterable[str],
        fold: dict[str, str],
        bm25: BM25Index | None = None,
    ) -> None:
        self.passages = tuple(passages)
        self.vocab = list(vocab)
        self.term_id = {t: i for i, t in enumerate(self.vocab)}
        self.doc_terms = doc_terms
        self.offsets = offsets
        self.sent = sentences  # (n_sentences, 5) int32: term start, term end, char start, char end, facts
        self.sent_offsets = sent_offsets
        self.years_flat = years
        self.year_offsets = year_offsets
        self.surface = surface  # word as written (normalized) -> count
        self.proper = frozenset(proper)  # words the sources write capitalized mid-sentence
        self.fold = fold  # a name's other spellings' terms -> the term they are indexed under
        self.bm25 = bm25 or BM25Index.build(self.token_lists(), **BM25_PARAMS)  # type: ignore[arg-type]
        self.n = len(self.passages)
        self._words_by_freq: list[str] | None = None
        self._words_sorted: list[str] | None = None

    # -- building -----------------------------------------------------------------------

    @classmethod
    def assemble(cls, analyses: Sequence[SourceAnalysis], derived: Derived, lexicon: Lexicon) -> SearchIndex:
        """One collection from per-source analyses (only collection-wide work happens here)."""
        tok = lexicon.tokenizer
        fold: dict[str, str] = {}
        for group in derived.name_variants:
            canon = tok.tokens(group[0])
            for other in group[1:]:
                other_terms = tok.tokens(other)
                if len(canon) == 1 and len(other_terms) == 1 and other_terms != canon:
                    fold[other_terms[0]] = canon[0]
        term_id: dict[str, int] = {}
        flat: list[int] = []
        offsets = [0]
        sent_rows: list[tuple[int, int, int, int, int]] = []
        sent_offsets = [0]
        years_flat: list[int] = []
        year_offsets = [0]
        surface: Counter[str] = Counter()
        capitalized: Counter[str] = Counter()
        passages: list[Passage] = []
        for a in analyses:
            surface.update(a.surface)
            capitalized.update(a.capitalized)
            passages.extend(a.passages)
            for terms, sents, ys in zip(a.terms, a.sentences, a.years, strict=True):
                for t in terms:
                    folded = fold.get(t, t)
                    flat.append(term_id.setdefault(folded, len(term_id)))
                offsets.append(len(flat))
                sent_rows.extend((t0, t1, c0, c1, f) for t0, t1, c0, c1, f in sents)
                sent_offsets.append(len(sent_rows))
                years_flat.extend(ys)
                year_offsets.append(len(years_flat))
        proper = sorted(w for w, c in capitalized.items() if c * 2 >= surface[w] and w.replace("-", "").isalpha())
        return cls(
            passages,
            list(term_id),
            np.asarray(flat, dtype=np.int32),
            np.asarray(offsets, dtype=np.int64),
            np.asarray(sent_rows, dtype=np.int32).reshape(-1, 5),
            np.asarray(sent_offsets, dtype=np.int64),
            np.asarray(years_flat, dtype=np.int32),
            np.asarray(year_offsets, dtype=np.int64),
            dict(surface),
            proper,
            fold,
        )

    def token_lists(self) -> list[list[str]]:
        return [[self.vocab[t] for t in self.ids(i)] for i in range(len(self.offsets) - 1)]

    # -- reading ------------------------------------------------------------------------

    def ids(self, i: int) -> list[int]:
        """Term ids of passage ``i`` in reading order (heading first)."""
        ids: list[int] = self.doc_terms[self.offsets[i] : self.offsets[i + 1]].tolist()
        return ids

    def term_set(self, i: int) -> frozenset[int]:
        return frozenset(self.ids(i))

    def sentences(self, i: int) -> list[Sentence]:
        """The sentences of passage ``i`` with their term ids and facts."""
        ids = self.doc_terms[self.offsets[i] : self.offsets[i + 1]]
        rows = self.sent[self.sent_offsets[i] : self.sent_offsets[i + 1]].tolist()
        return [Sentence(frozenset(ids[t0:t1].tolist()), c0, c1, Fact(f)) for t0, t1, c0, c1, f in rows]

    def heading_terms(self, i: int) -> frozenset[int]:
        """Terms of the heading passage ``i`` sits under (they come before its first sentence)."""
        lo, hi = self.sent_offsets[i], self.sent_offsets[i + 1]
        end = int(self.sent[lo][0]) if hi > lo else int(self.offsets[i + 1] - self.offsets[i])
        return frozenset(self.doc_terms[self.offsets[i] : self.offsets[i] + end].tolist())

    def years(self, i: int) -> list[int]:
        ys: list[int] = self.years_flat[self.year_offsets[i] : self.year_offsets[i + 1]].tolist()
        return ys

    def query_ids(self, terms: Sequence[str]) -> list[int]:
        """Ids of the question's terms the sources use (others can match nothing)."""
        return [self.term_id[t] for t in terms if t in self.term_id]

    def docs_with(self, term: str) -> np.ndarray:
        """Passages containing ``term`` (ascending)."""
        return self.bm25.docs_with(term)

    def idf(self, term: str) -> float:
        """Always-positive IDF, for weighting question words (not for ranking)."""
        df = self.bm25.doc_freq(term) if self.n else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def df_share(self, term: str) -> float:
        return self.bm25.doc_freq(term) / self.n if self.n else 0.0

    def words_by_freq(self) -> list[str]:
        if self._words_by_freq is None:
            self._words_by_freq = sorted(self.surface, key=lambda w: (-self.surface[w], w))
        return self._words_by_freq

    def words_starting(self, prefix: str) -> list[str]:
        """The sources' words that begin with ``prefix``, in order (a bisection, not a scan)."""
        if self._words_sorted is None:
            self._words_sorted = sorted(self.surface)
        words = self._words_sorted
        at = bisect.bisect_left(words, prefix)
        end = bisect.bisect_left(words, prefix + "\uffff", at)
        return words[at:end]

    # -- persistence ------------------------------------------------------------------
    # Terms, sentences and vocabulary are stored beside the passages so loading an index
    # never re-tokenizes; the BM25 arrays are stored ready to use.

    def to_blobs(self) -> dict[str, bytes]:
        return {
            "params": json.dumps({"bm25": BM25_PARAMS, "layout": LAYOUT}).encode(),
            "vocab": json.dumps(self.vocab, separators=(",", ":")).encode(),
            "doc_terms": self.doc_terms.astype("<i4").tobytes(),
            "offsets": self.offsets.astype("<i8").tobytes(),
            "sentences": self.sent.astype("<i4").tobytes(),
            "sent_offsets": self.sent_offsets.astype("<i8").tobytes(),
            "years": self.years_flat.astype("<i4").tobytes(),
            "year_offsets": self.year_offsets.astype("<i8").tobytes(),
            "surface": json.dumps(self.surface, separators=(",", ":")).encode(),
            "proper": json.dumps(sorted(self.proper)).encode(),
            "fold": json.dumps(self.fold, sort_keys=True).encode(),
            "bm25": self.bm25.to_bytes(),
        }

    @classmethod
    def from_blobs(cls, passages: Sequence[Passage], blobs: dict[str, bytes]) -> SearchIndex | None:
        """The stored index, or None when it was stored in another layout (rebuild it)."""
        params = json.loads(blobs.get("params", b"{}"))
        if params != {"bm25": BM25_PARAMS, "layout": LAYOUT}:
            return None
        try:
            bm25: BM25Index | None = BM25Index.from_bytes(blobs["bm25"])
        except ValueError as exc:
            # Stored by another version of the scorer: rebuild its arrays from the stored terms.
            log.warning("stored BM25 arrays unreadable (%s); rebuilding them from the stored terms", exc)
            bm25 = None
        return cls(
            passages,
            json.loads(blobs["vocab"]),
            np.frombuffer(blobs["doc_terms"], dtype="<i4"),
            np.frombuffer(blobs["offsets"], dtype="<i8"),
            np.frombuffer(blobs["sentences"], dtype="<i4").reshape(-1, 5),
            np.frombuffer(blobs["sent_offsets"], dtype="<i8"),
            np.frombuffer(blobs["years"], dtype="<i4"),
            np.frombuffer(blobs["year_offsets"], dtype="<i8"),
            json.loads(blobs["surface"]),
            json.loads(blobs["proper"]),
            json.loads(blobs["fold"]),
            bm25=bm25,
        )
