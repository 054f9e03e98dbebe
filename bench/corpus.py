"""Deterministic synthetic English-like passages and questions.

Word ranks follow Zipf's law. The top ranks are real English function words
(in rough frequency order); the rest are pronounceable pseudo-words built from
syllables, shorter for frequent ranks, derived from the seed only.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

# ~150 English function words, roughly by frequency (top Zipf ranks).
FUNCTION_WORDS: tuple[str, ...] = (
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "i",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "you",
    "were",
    "her",
    "she",
    "there",
    "been",
    "one",
    "all",
    "we",
    "their",
    "has",
    "would",
    "when",
    "if",
    "can",
    "more",
    "no",
    "will",
    "so",
    "what",
    "about",
    "up",
    "out",
    "into",
    "than",
    "them",
    "its",
    "only",
    "other",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "where",
    "much",
    "your",
    "well",
    "should",
    "because",
    "each",
    "those",
    "how",
    "most",
    "very",
    "after",
    "being",
    "while",
    "both",
    "between",
    "own",
    "same",
    "few",
    "under",
    "again",
    "off",
    "why",
    "here",
    "once",
    "during",
    "further",
    "against",
    "until",
    "above",
    "below",
    "down",
    "him",
    "me",
    "us",
    "who",
    "whom",
    "whose",
    "ever",
    "never",
    "every",
    "either",
    "neither",
    "nor",
    "yet",
    "though",
    "although",
    "since",
    "unless",
    "whether",
    "within",
    "without",
    "upon",
    "onto",
    "toward",
    "among",
    "around",
    "behind",
    "beyond",
    "across",
    "along",
    "despite",
    "except",
    "inside",
    "outside",
    "near",
    "per",
    "via",
    "shall",
    "might",
    "ought",
    "cannot",
    "just",
    "too",
    "quite",
    "rather",
    "still",
    "even",
    "already",
    "always",
    "often",
    "sometimes",
    "soon",
    "later",
    "perhaps",
    "however",
    "therefore",
    "thus",
    "hence",
    "indeed",
)

VOCAB_SIZE = 200_000  # content pseudo-words
ZIPF_S = 1.0
MEAN_WORDS = 60

_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "ch",
    "cl",
    "dr",
    "fl",
    "gr",
    "pl",
    "pr",
    "sh",
    "st",
    "th",
    "tr",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
_CODAS = ("", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck")


@cache
def vocabulary(seed: int = 0) -> tuple[str, ...]:
    """Function words, then ``VOCAB_SIZE`` distinct two-syllable pseudo-words, by rank."""
    rng = np.random.default_rng(seed)
    syllables = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
    syllables = list(dict.fromkeys(syllables))
    order = rng.permutation(len(syllables))
    table = [syllables[i] for i in order]
    base = len(table)
    picks = rng.choice(base * base, size=VOCAB_SIZE + len(FUNCTION_WORDS), replace=False)
    taken = set(FUNCTION_WORDS)
    content = []
    for x in picks.tolist():
        word = table[x // base] + table[x % base]
        if word not in taken:
            taken.add(word)
            content.append(word)
    content = content[:VOCAB_SIZE]
    content.sort(key=len)  # stable: frequent words are the short ones
    words = list(FUNCTION_WORDS) + content
    return tuple(words)


@cache
def _cdf(n_words: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_words + 1, dtype=np.float64) ** ZIPF_S
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def _ranks(rng: np.random.Generator, count: int, n_words: int) -> np.ndarray:
    idx = np.searchsorted(_cdf(n_words), rng.random(count), side="right")
    return np.minimum(idx, n_words - 1)


def iter_passages(n: int, seed: int = 0, chunk: int = 10_000) -> Iterator[list[str]]:
    """Yield ``n`` token lists of about ``MEAN_WORDS`` words (10..150)."""
    words = np.array(vocabulary(seed), dtype=object)
    rng = np.random.default_rng([seed, 1])
    lengths = np.clip(rng.normal(MEAN_WORDS, 20, size=n).round(), 10, 150).astype(np.int64)
    for start in range(0, n, chunk):
        lens = lengths[start : start + chunk]
        flat = words[_ranks(rng, int(lens.sum()), len(words))].tolist()
        pos = 0
        for length in lens.tolist():
            yield flat[pos : pos + length]
            pos += length


def passages(n: int, seed: int = 0) -> list[list[str]]:
    """``n`` passages as token lists (deterministic in ``n`` and ``seed``)."""
    return list(iter_passages(n, seed))


def questions(n: int, seed: int = 0) -> list[list[str]]:
    """``n`` questions of 3-8 words: 0-2 function words, the rest content words."""
    vocab = vocabulary(seed)
    n_func = len(FUNCTION_WORDS)
    rng = np.random.default_rng([seed, 2])
    out: list[list[str]] = []
    for _ in range(n):
        size = int(rng.integers(3, 9))
        funcs = min(int(rng.integers(0, 3)), size - 1)
        fw = [vocab[i] for i in _ranks(rng, funcs, n_func).tolist()]
        cw = [vocab[n_func + i] for i in _ranks(rng, size - funcs, len(vocab) - n_func).tolist()]
        q = fw + cw
        rng.shuffle(q)  # type: ignore[arg-type,unused-ignore]
        out.append(q)
    return out
