"""Plain data the engine hands out: everything a user sees is decided here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GLOBAL_SCOPE = "global"


@dataclass(frozen=True, slots=True)
class Source:
    """One source document and what a reader needs to know about it."""

    id: str  # file name without extension
    label: str  # headline a person can read
    tag: str  # short citation used in notes, e.g. "S1"
    site: str | None = None
    date: str | None = None
    url: str | None = None
    scope: str = GLOBAL_SCOPE  # "global", or later a guild id
    content_hash: str = ""
    added_at: str = ""  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class Passage:
    """A quotable span of a source: ``text == source_text[start:end]``."""

    source_id: str
    heading: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A passage chosen for an answer, with the label to show beside it."""

    source_id: str
    label: str
    tag: str
    heading: str
    text: str
    score: float
    start: int
    end: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class DisagreementValue:
    value: str
    sources: tuple[str, ...]  # source ids
    # Where each source states it: (source id, passage start, passage end, the sentence).
    evidence: tuple[tuple[str, int, int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Disagreement:
    facet: str  # date | place | count | person | name | claim | incident
    note: str  # one line, every value attributed
    values: tuple[DisagreementValue, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "note": self.note,
            "values": [
                {
                    "value": v.value,
                    "sources": list(v.sources),
                    "evidence": [{"source": sid, "text": text} for sid, _, _, text in v.evidence],
                }
                for v in self.values
            ],
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """The engine's reply to a question, ready to render anywhere."""

    question: str
    answered: bool
    quotes: tuple[Quote, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    message: str = ""  # what to say when not answered
    related: tuple[str, ...] = ()  # closest topics the sources do cover, when not answered
    slot: str | None = None  # what the question asks for: date, place, count, person, ...
    more: bool = False  # further passages exist (for a "More" button)
    sources: tuple[Source, ...] = field(default=())  # the sources quoted, in order of first quote

    def to_json(self) -> dict[str, Any]:
        """The ``ask --json`` contract (shared/eval/README.md); keys may be added, never changed."""
        return {
            "question": self.question,
            "answered": self.answered,
            "passages": [
                {
                    "source": q.source_id,
                    "label": q.label,
                    "tag": q.tag,
                    "heading": q.heading,
                    "text": q.text,
                    "score": round(q.score, 4),
                }
                for q in self.quotes
            ],
            "disagreements": [d.to_json() for d in self.disagreements],
            "message": self.message,
            "related": list(self.related),
            "slot": self.slot,
        }


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A source as listed by ``sources``: metadata plus its passage count."""

    source: Source
    passages: int


@dataclass(frozen=True, slots=True)
class SummarySection:
    title: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    topic: str | None
    sections: tuple[SummarySection, ...]
    disagreements: tuple[Disagreement, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "sections": [
                {
                    "title": s.title,
                    "quotes": [
                        {"source": q.source_id, "label": q.label, "tag": q.tag, "text": q.text} for q in s.quotes
                    ],
                }
                for s in self.sections
            ],
            "disagreements": [d.to_json() for d in self.disagreements],
        }


class EngineError(Exception):
    """A problem to report to the user in one line; nothing stored was changed."""


class InvalidQuestion(EngineError):
    """The question is empty, too long or otherwise unusable."""


class SourceError(EngineError):
    """A source file or the manifest cannot be used."""


class NoIndex(EngineError):
    """No index has been built at this database path yet."""


class DatabaseError(EngineError):
    """The database cannot be used: not this bot's, damaged, read-only for a write, busy."""
