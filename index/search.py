"""Passages → terms → BM25 scores, plus the vocabulary a question is checked against."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.bm25 import BM25Index
from index.models import Passage
from index.tokenize import Tokenizer, default_tokenizer, words

log = logging.getLogger(__name__)

# A phrase of this many terms, repeated in at least BOILERPLATE_MIN passages and
# BOILERPLATE_SHARE of one source's passages, is keyword stuffing: a passage keeps
# one mention of it, so the repetition cannot decide a ranking.
BOILERPLATE_NGRAM = 3
BOILERPLATE_MIN = 3
BOILERPLATE_SHARE = 0.12
HEADING_WEIGHT = 1  # heading terms are added this many times to the passage's terms

BM25_PARAMS = {"variant": "plus", "k1": 1.2, "b": 0.75}


@dataclass(frozen=True, slots=True)
class Query:
    """A question as the index sees it."""

    terms: tuple[str, ...]  # after typo correction
    unknown: tuple[str, ...]  # question words the sources never use (after correction)
    unknown_proper: tuple[str, ...]  # of those, capitalized in the question: names, places
    corrections: tuple[tuple[str, str], ...]  # (typed, corrected)
    text: str = ""  # the question with its misspellings corrected


class SearchIndex:
    """Terms of every passage and a BM25 index over them.

    A passage's terms are kept as ids in one flat int32 array (CSR: ``offsets[i]``
    to ``offsets[i + 1]``), so a million passages cost ~240 MB less than Python
    lists and load with one ``frombuffer``; sets are made only for candidates.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        vocab: Sequence[str],
        doc_terms: np.ndarray,
        offsets: np.ndarray,
        surface_vocab: dict[str, int],
        proper: Sequence[str] = (),
        bm25: BM25Index | None = None,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.passages = tuple(passages)
        self.vocab = list(vocab)
        self.term_id = {t: i for i, t in enumerate(self.vocab)}
        self.doc_terms = doc_terms
        self.offsets = offsets
        self.tokenizer = tokenizer or default_tokenizer()
        self.surface_vocab = surface_vocab  # word as written (normalized) -> count
        self._by_freq = sorted(surface_vocab, key=lambda w: (-surface_vocab[w], w))
        self.proper = frozenset(proper)  # words the sources write capitalized mid-sentence
        self._proper_by_freq = [w for w in self._by_freq if w in self.proper]
        self.bm25 = bm25 or BM25Index.build(self.token_lists(), **BM25_PARAMS)  # type: ignore[arg-type]
        self.n = len(self.passages)

    @classmethod
    def build(cls, passages: Sequence[Passage], tokenizer: Tokenizer | None = None) -> SearchIndex:
        tok = tokenizer or default_tokenizer()
        vocab: Counter[str] = Counter()
        capitalized: Counter[str] = Counter()
        analyzed: list[list[str]] = []
        for p in passages:
            ws = words(p.text)  # one split serves the terms and the vocabulary
            analyzed.append([t for t, _ in tok.analyze_words(ws)])
            for w in ws:
                vocab[w.surface] += 1
                if p.text[w.start : w.start + 1].isupper() and w.start > 1 and p.text[w.start - 2] not in ".!?:\n":
                    capitalized[w.surface] += 1
            vocab.update(w.surface for w in words(p.heading))
        stuffing = _boilerplate(passages, analyzed)
        term_id: dict[str, int] = {}
        flat: list[int] = []
        offsets = [0]
        for p, body in zip(passages, analyzed, strict=True):
            kept = _drop_phrases(body, stuffing) if stuffing else body
            for t in tok.tokens(p.heading) * HEADING_WEIGHT + kept:
                flat.append(term_id.setdefault(t, len(term_id)))
            offsets.append(len(flat))
        proper = sorted(w for w, c in capitalized.items() if c * 2 >= vocab[w] and w.isalpha())
        if stuffing:
            log.info("kept one mention of %d keyword-stuffing phrases per passage", len(stuffing))
        return cls(
            passages,
            list(term_id),
            np.asarray(flat, dtype=np.int32),
            np.asarray(offsets, dtype=np.int64),
            dict(vocab),
            proper,
            tokenizer=tok,
        )

    def token_lists(self) -> list[list[str]]:
        return [[self.vocab[t] for t in self.ids(i)] for i in range(len(self.offsets) - 1)]

    def ids(self, i: int) -> list[int]:
        """Term ids of passage ``i`` in reading order."""
        ids: list[int] = self.doc_terms[self.offsets[i] : self.offsets[i + 1]].tolist()
        return ids

    def term_set(self, i: int) -> frozenset[int]:
        return frozenset(self.ids(i))

    def query_ids(self, terms: Sequence[str]) -> list[int]:
        """Ids of the question's terms the sources use (others can match nothing)."""
        return [self.term_id[t] for t in terms if t in self.term_id]

    # Persistence: terms and vocabulary are stored beside the passages so loading an
    # index never re-tokenizes; the BM25 arrays are stored ready to use.
    def to_blobs(self) -> dict[str, bytes]:
        return {
            "params": json.dumps({"bm25": BM25_PARAMS, "layout": 2}).encode(),
            "vocab": json.dumps(self.vocab, separators=(",", ":")).encode(),
            "doc_terms": self.doc_terms.astype("<i4").tobytes(),
            "offsets": self.offsets.astype("<i8").tobytes(),
            "surface": json.dumps(self.surface_vocab, separators=(",", ":")).encode(),
            "proper": json.dumps(sorted(self.proper)).encode(),
            "bm25": self.bm25.to_bytes(),
        }

    @classmethod
    def from_blobs(cls, passages: Sequence[Passage], blobs: dict[str, bytes]) -> SearchIndex:
        params = json.loads(blobs.get("params", b"{}"))
        if params != {"bm25": BM25_PARAMS, "layout": 2}:
            log.info("stored index has another layout or parameters; rebuilding it in memory")
            return cls.build(passages)
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
            json.loads(blobs["surface"]),
            json.loads(blobs["proper"]),
            bm25=bm25,
        )

    def idf(self, term: str) -> float:
        """Always-positive IDF, for weighting question words (not for ranking)."""
        df = self.bm25.doc_freq(term) if self.n else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def analyze_question(self, question: str) -> Query:
        """Terms of a question, with misspellings corrected against the sources' words."""
        corrected: list[str] = []
        corrections: list[tuple[str, str]] = []
        unknown: list[str] = []
        proper: list[str] = []
        for w in words(question):
            word = w.surface
            stem_terms = self.tokenizer.tokens(word)
            if not stem_terms:
                corrected.append(word)
                continue
            if all(t in self.term_id for t in stem_terms) or word in self.surface_vocab:
                corrected.append(word)
                continue
            raw = question[w.start : w.end]
            capital = raw[:1].isupper() and w.start > 0
            fix = self._closest(word, proper_only=capital)
            if fix is not None:
                corrections.append((word, fix))
                corrected.append(fix)
                continue
            corrected.append(word)
            if any(c.isalpha() for c in word):
                unknown.append(word)
                if capital:
                    proper.append(word)
        terms = tuple(self.tokenizer.tokens(" ".join(corrected)))
        text = question
        for typed, fix in corrections:
            text = re.sub(rf"\b{re.escape(typed)}\b", fix, text, flags=re.IGNORECASE)
        return Query(terms, tuple(unknown), tuple(proper), tuple(corrections), text)

    def _closest(self, word: str, *, proper_only: bool = False) -> str | None:
        """The sources' nearest word to a misspelled one (a name only for a capitalized word)."""
        if len(word) < 5 or not word.isalpha():
            return None
        limit = 1 if len(word) < 8 else 2
        choices = self._proper_by_freq if proper_only else self._by_freq
        hit = process.extractOne(word, choices, scorer=Levenshtein.distance, score_cutoff=limit)
        return hit[0] if hit else None

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        if not self.n:
            return np.zeros(0)
        return self.bm25.scores(list(terms))


def _boilerplate(passages: Sequence[Passage], analyzed: Sequence[list[str]]) -> set[tuple[str, ...]]:
    """Phrases repeated across many passages of one source (SEO keyword strings)."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(passages):
        by_source[p.source_id].append(i)
    found: set[tuple[str, ...]] = set()
    n = BOILERPLATE_NGRAM
    for ids in by_source.values():
        seen: Counter[tuple[str, ...]] = Counter()
        for i in ids:
            toks = analyzed[i]
            seen.update({tuple(toks[j : j + n]) for j in range(len(toks) - n + 1)})
        need = max(BOILERPLATE_MIN, math.ceil(BOILERPLATE_SHARE * len(ids)))
        found.update(g for g, c in seen.items() if c >= need)
    return found


def _drop_phrases(tokens: list[str], phrases: set[tuple[str, ...]]) -> list[str]:
    """Keep the first occurrence of each stuffing phrase in a passage, drop the repeats.

    One mention is what any passage on the topic has; the repeats are what stuffing adds.
    """
    n = BOILERPLATE_NGRAM
    keep = [True] * len(tokens)
    seen: set[tuple[str, ...]] = set()
    for j in range(len(tokens) - n + 1):
        gram = tuple(tokens[j : j + n])
        if gram in phrases and keep[j]:
            if gram in seen:
                for m in range(j, j + n):
                    keep[m] = False
            seen.add(gram)
    return [t for t, k in zip(tokens, keep, strict=True) if k]
