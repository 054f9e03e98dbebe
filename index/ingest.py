"""One file an admin adds (upload or path): checked, decoded and turned into source text.

Plain text and Markdown are kept as written; an HTML page's article text is extracted with
trafilatura (menus, scripts and footers left out). Anything that cannot be a source — too
large, binary, not UTF-8, empty, an HTML page without article text — is a SourceError with
one line naming the problem, before anything is stored.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import PurePath

from index.models import SourceError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2_000_000
TEXT_SUFFIXES = frozenset({".txt", ".text", ""})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
CONTROL_SHARE = 100  # more than one control character per this many (and a few) is binary
CONTROL_ALLOWANCE = 8
UTF16_NULS = 0.4  # UTF-16 English has NUL in this share of one byte position's bytes …
BINARY_NULS = 0.05  # … and almost none in the other; a binary file has them in both
_SLUG = re.compile(r"[^a-z0-9]+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_MARKS = re.compile(r"[*_`]+")


@dataclass(frozen=True, slots=True)
class Document:
    """An added file, ready to be a source."""

    source_id: str
    text: str
    label: str
    kind: str  # text | markdown | html


def read_document(
    name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, unknown_as_text: bool = False
) -> Document:
    """Check and decode an added file; SourceError (one line) when it cannot be a source.

    ``unknown_as_text``: a file of another extension is read as plain text (a sources
    folder's files), instead of refused (an upload).
    """
    shown = PurePath(name).name or "the file"
    if len(data) > max_bytes:
        raise SourceError(f"{shown} is {len(data):,} bytes; the limit is {max_bytes:,}")
    suffix = PurePath(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        kind = "html"
    elif suffix in MARKDOWN_SUFFIXES:
        kind = "markdown"
    elif suffix in TEXT_SUFFIXES or unknown_as_text:
        kind = "text"
    else:
        raise SourceError(f"{shown}: only .txt, .md and .html files can be sources")
    text = decode(shown, data)
    label = None
    if kind == "html":
        text, label = _article(shown, text)
    if not text.strip():
        raise SourceError(f"{shown} is empty")
    heading = first_heading(text) if kind != "markdown" else _markdown_title(text)
    stem = PurePath(name).stem
    return Document(slug(stem), text, label or heading or stem, kind)


def decode(shown: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped), or a SourceError naming what it is instead."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise SourceError(f"{shown} is UTF-16 text; save it as UTF-8 and add it again")
    if b"\x00" in data:
        raise SourceError(f"{shown} looks binary (NUL bytes); sources must be UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _looks_latin1(data):
            raise SourceError(
                f"{shown} is not UTF-8 (it looks like Latin-1 / Windows-1252); save it as UTF-8 and add it again"
            ) from exc
        raise SourceError(f"{shown} is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at {exc.start})") from exc
    bad = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if bad > max(CONTROL_ALLOWANCE, len(text) // CONTROL_SHARE):
        raise SourceError(f"{shown} looks binary ({bad} control characters); sources must be UTF-8 text")
    return text


def _looks_utf16(data: bytes) -> bool:
    """Mostly ASCII written two bytes a character: every other byte is NUL."""
    sample = data[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2].count(0) / (len(sample) // 2), sample[1::2].count(0) / (len(sample) // 2)
    return max(even, odd) > UTF16_NULS and min(even, odd) < BINARY_NULS


def _looks_latin1(data: bytes) -> bool:
    """Invalid as UTF-8, but its high bytes are letters in Windows-1252 (é, ü, ñ…)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [c for c in text if ord(c) > 127]
    return bool(high) and sum(c.isalpha() or c in "’‘“”–—€" for c in high) >= 0.8 * len(high)


def _article(shown: str, html: str) -> tuple[str, str | None]:
    """The article text of an HTML page and its title (trafilatura)."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_precision=True)
    if not text or not text.strip():
        raise SourceError(f"{shown}: no article text found in the HTML page")
    meta = trafilatura.extract_metadata(html)
    title = meta.title.strip() if meta is not None and meta.title else None
    return text, title


_HEADING_END = re.compile(r"[.!:;,]['\"\u2019\u201d)]*$")
HEADING_MAX_CHARS = 120


def first_heading(text: str) -> str | None:
    """The first short line without end punctuation (what these texts use as headings)."""
    for line in text.splitlines():
        s = line.strip()
        if s and len(s) <= HEADING_MAX_CHARS and not _HEADING_END.search(s) and not s.startswith(("-", "|", "*")):
            return s
    return None


def _markdown_title(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return _MD_MARKS.sub("", _MD_HEADING.sub("", line)).strip() or None
    return None


def slug(stem: str) -> str:
    """A source id from a file name: lower case, letters, digits and hyphens."""
    return _SLUG.sub("-", stem.lower()).strip("-")[:60] or "source"
