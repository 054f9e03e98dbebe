"""Sentences of a text: one splitter for passages, the index and the fact readers."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A sentence ends at . ! ? (plus closing quotes or brackets) before white space and an
# upper-case letter, digit or opening quote; a line break always ends one.
_END = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
# Abbreviations and initials whose full stop does not end a sentence ("U.S.", "p.m.", "Kevin F.").
_ABBREV = re.compile(
    r"(?:\b(?:u\.s|mr|mrs|ms|dr|st|jr|sr|gov|sen|rep|lt|sgt|capt|no|vs|inc|co|corp|ave|rd|mt|ft|"
    r"jan|feb|mar|apr|aug|sept|sep|oct|nov|dec|approx|est|a\.m|p\.m|e\.g|i\.e|etc)|\b[A-Z])\.$",
    re.I,
)
_LINE = re.compile(r"[^\r\n]+")
# Someone's words in quotation marks; a straight quote opens only before a word and closes
# only after one, so the gap between two quoted letters ("ue" and "n") is no quotation.
QUOTATION = re.compile(
    r"\u201c[^\u201d]{12,}\u201d|\u201c[^\u201d]{20,}$"
    r"|(?<![\w\"])\"(?=\S)[^\"]{12,}(?<=\S)\"(?!\w)|(?<![\w\"])\"(?=\S)[^\"]{20,}$"
)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]`` (absolute offsets, white space trimmed)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        a = line.start()
        for m in _END.finditer(text, line.start(), line.end()):
            if m.group()[0] == "." and _ABBREV.search(text[max(a, m.start() - 6) : m.start() + 1]):
                continue
            spans.append((a, m.end()))
            a = m.end()
        spans.append((a, line.end()))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[0] < s[1]]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in sentence_spans(text)]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, escaped, longest first (so "more than" wins over "more")."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
