"""Split a source into passages a person would quote.

A passage is one or a few whole paragraphs (a list or table stays with the line
that introduces it), carries the heading it sits under, and is always a verbatim
slice of the source: ``text == source[start:end]``. Headings in these texts are
short lines without end punctuation; page furniture ("Leave a Reply …") is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.models import Passage
from index.text import sentence_spans

MIN_CHARS = 180  # shorter units are merged with a neighbour under the same heading
TARGET_CHARS = 650  # merging stops before a passage grows past this
MAX_CHARS = 1100  # longer units are split at sentence (or list item) boundaries
HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 16

_END_PUNCT = re.compile(r"[.!;,…]['\"\u2019\u201d)\]]*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022\u2013]\s+|\d{1,2}[.)]\s+)")
_TABLE_ROW = re.compile(r"^\s*\|")


def furniture_patterns(lines: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """Compile page-furniture line patterns (``data/furniture.yaml``): whole stripped lines."""
    return tuple(re.compile(rf"(?:{p})\Z", re.IGNORECASE) for p in lines)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  # end of content, without the line break
    text: str  # stripped

    def kind(self, furniture: Sequence[re.Pattern[str]]) -> str:
        t = self.text
        if not t:
            return "blank"
        if any(p.match(t) for p in furniture):
            return "furniture"
        if _TABLE_ROW.match(t):
            return "row"
        if _LIST_ITEM.match(t):
            return "item"
        if is_heading(t):
            return "heading"
        return "para"


def is_heading(line: str) -> bool:
    """Short line, not a list item or table row, without sentence-ending punctuation."""
    s = line.strip()
    if not s or len(s) > HEADING_MAX_CHARS or len(s.split()) > HEADING_MAX_WORDS:
        return False
    if _LIST_ITEM.match(s) or _TABLE_ROW.match(s) or s.endswith(":"):
        return False
    if not any(c.isalpha() for c in s):
        return False
    return _END_PUNCT.search(s) is None


def _lines(text: str) -> Iterator[_Line]:
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        stripped = body.strip()
        yield _Line(pos + lead, pos + lead + len(stripped), stripped)
        pos += len(raw)


@dataclass(slots=True)
class _Unit:
    """A paragraph, or a list/table with the line introducing it."""

    heading: str
    start: int
    end: int
    kind: str
    bounds: list[tuple[int, int]]  # the lines (or items) it is made of, for splitting


def _units(text: str, furniture: Sequence[re.Pattern[str]]) -> Iterator[_Unit]:
    heading = ""
    current: _Unit | None = None
    for line in _lines(text):
        kind = line.kind(furniture)
        if kind in ("blank", "furniture"):
            if current:
                yield current
                current = None
            continue
        if kind == "heading":
            if current:
                yield current
                current = None
            heading = line.text
            continue
        if kind in ("item", "row"):
            if current and (current.kind in ("list", "table") or text[current.start : current.end].endswith(":")):
                current.end = line.end
                current.bounds.append((line.start, line.end))
                current.kind = "table" if kind == "row" else "list"
                continue
            if current:
                yield current
            current = _Unit(
                heading, line.start, line.end, "table" if kind == "row" else "list", [(line.start, line.end)]
            )
            continue
        # A paragraph right after a list item without end punctuation continues the
        # item ("- Know Your Rights Workshops" / "Groups like …"); else it stands alone.
        if current and current.kind == "list" and _continues_item(text, current):
            current.end = line.end
            current.bounds[-1] = (current.bounds[-1][0], line.end)
            continue
        if current:
            yield current
        current = _Unit(heading, line.start, line.end, "para", [(line.start, line.end)])
    if current:
        yield current


def _continues_item(text: str, unit: _Unit) -> bool:
    start, end = unit.bounds[-1]
    last = text[start:end]
    return _LIST_ITEM.match(last) is not None and _END_PUNCT.search(last) is None and len(last) <= 80


def _split_long(text: str, unit: _Unit) -> list[tuple[int, int]]:
    """Cut a long unit into chunks of whole sentences (or whole items)."""
    if unit.end - unit.start <= MAX_CHARS:
        return [(unit.start, unit.end)]
    pieces: list[tuple[int, int]] = []
    for a, b in unit.bounds:
        pieces.extend(sentence_spans(text, a, b) if b - a > TARGET_CHARS else [(a, b)])
    chunks: list[tuple[int, int]] = []
    for a, b in pieces:
        if chunks and b - chunks[-1][0] <= TARGET_CHARS:
            chunks[-1] = (chunks[-1][0], b)
        else:
            chunks.append((a, b))
    return chunks


def split_passages(source_id: str, text: str, furniture: Sequence[re.Pattern[str]] = ()) -> list[Passage]:
    """The passages of one source, in reading order; lines matching ``furniture`` are dropped."""
    spans: list[tuple[str, int, int]] = []  # heading, start, end
    for unit in _units(text, furniture):
        for a, b in _split_long(text, unit):
            spans.append((unit.heading, a, b))
    merged: list[tuple[str, int, int]] = []
    for heading, a, b in spans:
        if merged:
            ph, pa, pb = merged[-1]
            short = (pb - pa) < MIN_CHARS or (b - a) < MIN_CHARS
            if ph == heading and short and (b - pa) <= TARGET_CHARS:
                merged[-1] = (ph, pa, b)
                continue
        merged.append((heading, a, b))
    return [Passage(source_id, h, a, b, text[a:b]) for h, a, b in merged]
