"""One tokenizer for passages and questions.

Text is Unicode-normalized (curly quotes, dashes, invisible characters), lower-cased,
split into words that keep forms like ``287(g)``, ``2025`` and ``16-year-old`` usable,
stemmed with Snowball, and synonym groups are folded into one term. The stop words and
groups come from a :class:`~index.lexicon.Lexicon` (English plus the corpus's own).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

log = logging.getLogger(__name__)

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

# Characters that do not show and must not split or change a word: soft hyphen, zero-width
# spaces and joiners, word joiner, bidi controls, byte-order mark.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# 287(g); 1-844-363-1423; 8-9; 16-year-old; u.s.; words with inner apostrophes; Latin
# letters with accents (Núñez, Marilú), which are then read without them.
_LETTER = "a-z0-9\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u0300-\u036f"
_CLOCK_WORD = re.compile(r"(?P<hour>\d{1,2})(?P<half>am|pm)$")
_WORD = re.compile(
    r"\d+\([a-z]\)"
    rf"|[{_LETTER}]+(?:[-'.][{_LETTER}]+)*",
)


@lru_cache(maxsize=4096)
def unaccented(word: str) -> str:
    """ "núñez" -> "nunez": how people type a name they have only read."""
    return fold_accents(word)


def fold_accents(text: str) -> str:
    """``text`` without accents (any length; not cached)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def straighten(text: str) -> str:
    """NFKC with straight quotes and hyphens, invisible characters removed; case kept."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(_TRANSLATE))


def normalize(text: str) -> str:
    """:func:`straighten`, lower-cased: how text is compared for search."""
    return straighten(text).lower()


@dataclass(frozen=True, slots=True)
class Word:
    """A word as written (normalized) with its character span in the input."""

    surface: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """Split normalized text into words; offsets refer to ``text``.

    Offsets stay exact where normalizing changes lengths: invisible characters inside a
    word ("Wor\u00adcester") are skipped, ligatures and other characters NFKC or lower
    case expand ("ﬁle", "½", "´", "İ") map back to the character they came from.
    """
    lowered = text.translate(_TRANSLATE).lower()
    if len(lowered) == len(text) and unicodedata.is_normalized("NFKC", text) and not _INVISIBLE.search(text):
        return _split(lowered)  # the common case: every character maps to itself
    norm, starts, ends = _aligned(text)
    return [Word(w.surface, starts[w.start], ends[w.end - 1]) for w in _split(norm)]


def _aligned(text: str) -> tuple[str, list[int], list[int]]:
    """Normalized, lower-cased ``text`` and, for each of its characters, the span of ``text``
    it came from. A character is normalized with the combining marks that follow it."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text[i:j]).translate(_TRANSLATE).lower())
        pieces.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return "".join(pieces), starts, ends


def _split(norm: str) -> list[Word]:
    out: list[Word] = []
    for m in _WORD.finditer(norm):
        w = m.group()
        if "'" in w or "." in w:
            if w.endswith("'s"):
                w = w[:-2]
            elif w.endswith("s'"):
                w = w[:-1]
            w = w.strip(".'")
            if not w:
                continue
        w = unaccented(w)
        clock = _CLOCK_WORD.match(w)
        if clock:  # "6am" is "6 am", as most write it: the figure must match "6 a.m."
            cut = m.start() + clock.end("hour")
            out.append(Word(clock["hour"], m.start(), cut))
            out.append(Word(clock["half"], cut, m.end()))
        elif w:
            out.append(Word(w, m.start(), m.end()))
    return out


class Tokenizer:
    """Text → search terms. Build once; it is immutable and thread-safe."""

    def __init__(
        self,
        stopwords: Iterable[str],
        synonym_groups: Sequence[Sequence[str]],
        light: Sequence[str] = (),
        lemmas: Mapping[str, str] | None = None,
    ) -> None:
        self._analyzer = analyzer = _Analyzer(stopwords, synonym_groups, light, lemmas)
        self.stopwords = analyzer.stopwords
        # Answers tokenize the same passage sentences again and again (disagreement
        # notes read them per question): remember recent ones. The cache wraps the
        # analyzer's method, not one of this tokenizer's: a tokenizer holding a cache of
        # its own bound method would be a reference cycle, so an index version dropped
        # by a running bot would wait for a full run of the cyclic garbage collector.
        self._cached_terms = lru_cache(maxsize=65536)(analyzer.terms)

    def stem(self, word: str) -> str:
        return self._analyzer.stem(word)

    def analyze(self, text: str) -> list[tuple[str, Word]]:
        """Terms with the word each came from (phrases map to their first word)."""
        return self._analyzer.analyze(text)

    def analyze_words(self, ws: Sequence[Word]) -> list[tuple[str, Word]]:
        """:meth:`analyze` for text already split with :func:`words`."""
        return self._analyzer.analyze_words(ws)

    def tokens(self, text: str) -> list[str]:
        """The search terms of ``text``, in order (duplicates kept)."""
        return list(self._cached_terms(text))


class _Analyzer:
    """What a :class:`Tokenizer` does, without its cache."""

    def __init__(
        self,
        stopwords: Iterable[str],
        synonym_groups: Sequence[Sequence[str]],
        light: Sequence[str],
        lemmas: Mapping[str, str] | None,
    ) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._stem_cache: dict[str, str] = {}
        self.stopwords = frozenset(normalize(w) for w in stopwords)
        # Irregular forms a stemmer cannot relate ("bought" -> "buy"), unless the base is a stop word.
        self._lemmas = {k: v for k, v in (lemmas or {}).items() if v not in self.stopwords}
        # Phrase (tuple of stems) -> canonical term, longest phrases tried first.
        self._phrases: dict[tuple[str, ...], str] = {}
        for group in synonym_groups:
            forms = [f for f in (tuple(self._stem_words(str(entry))) for entry in group) if f]
            if not forms:
                continue
            canonical = "_".join(forms[0])
            for form in forms:
                self._phrases[form] = canonical
        for entry in light:
            stems = tuple(self._stem_words(str(entry)))
            if stems:
                self._phrases[stems] = ""  # matched, then dropped
        self._max_phrase = max((len(p) for p in self._phrases), default=1)
        self._phrase_starts = frozenset(p[0] for p in self._phrases)

    def stem(self, word: str) -> str:
        cached = self._stem_cache.get(word)
        if cached is None:
            # Numbers and 16-year-old stay as written; "287(g)" is "287g", as people type it.
            if any(c.isdigit() for c in word):
                cached = word.replace("(", "").replace(")", "")
            else:
                cached = self._stemmer.stemWord(word.replace("'", ""))
            self._stem_cache[word] = cached
        return cached

    def _stem_words(self, text: str) -> list[str]:
        return [self._stem_one(w.surface) for w in words(text)]

    def _stem_one(self, surface: str) -> str:
        surface = self._lemmas.get(surface, surface)
        if "-" in surface and not surface[0].isdigit():
            return self.stem(surface.replace("-", ""))
        return self.stem(surface)

    def analyze(self, text: str) -> list[tuple[str, Word]]:
        return self.analyze_words(words(text))

    def analyze_words(self, ws: Sequence[Word]) -> list[tuple[str, Word]]:
        stems = [self._stem_one(w.surface) for w in ws]
        out: list[tuple[str, Word]] = []
        starts = self._phrase_starts
        i = 0
        while i < len(ws):
            matched = False
            for n in range(min(self._max_phrase, len(ws) - i) if stems[i] in starts else 0, 0, -1):
                canon = self._phrases.get(tuple(stems[i : i + n]))
                if canon is not None:
                    if canon:
                        out.append((canon, ws[i]))
                    i += n
                    matched = True
                    break
            if matched:
                continue
            w = ws[i]
            if (w.surface not in self.stopwords and len(w.surface) > 1) or w.surface.isdigit():
                out.append((stems[i], w))
                if "-" in w.surface:
                    # "16-year-old" is also "16", "year", "old"; "8-9" also "8", "9".
                    for part in w.surface.split("-"):
                        if part and part not in self.stopwords:
                            out.append((self.stem(part), w))
            i += 1
        return out

    def terms(self, text: str) -> tuple[str, ...]:
        return tuple(t for t, _ in self.analyze(text))
