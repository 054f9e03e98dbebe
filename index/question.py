"""What a question asks for (its slot), read from its words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.tokenize import normalize

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Slot:
    """The kind of value a question asks for, and the words that say of what."""

    kind: str  # date | place | count | person | name | claim | quote
    focus: tuple[str, ...] = ()  # e.g. ("people", "arrested") for "how many people were arrested"


_COUNT = re.compile(r"\bhow (?:many|much)\b(?P<rest>[^?.!]*)")
_WHEN = re.compile(r"\b(?:when|what (?:day|date|time|year|month)|how long|since when|which (?:day|date|year|month))\b")
_WHERE = re.compile(r"\b(?:where|which (?:city|town|cities|towns|place|places|county|state))\b")
_NAME = re.compile(r"\b(?:spell(?:ed|ing|t)?|name)\b")
_WHO = re.compile(r"\bwho(?:m|se)?\b")
_QUOTE = re.compile(r"\b(?:say|said|says|statement|quote|stated|tell|told)\b")
_YESNO = re.compile(r"^(?:is|are|was|were|does|do|did|can|could|has|have|had|should|will|would)\b")


def question_slot(question: str) -> Slot | None:
    """The slot a question asks for, or None when no value comparison applies."""
    q = normalize(question).strip()
    m = _COUNT.search(q)
    if m:
        focus = tuple(w for w in re.findall(r"[a-z0-9-]+", m.group("rest")) if w not in _FILLER)
        return Slot("count", focus)
    if _WHEN.search(q):
        return Slot("date")
    if _WHERE.search(q):
        return Slot("place")
    if _NAME.search(q) and _WHO.search(q) is None:
        return Slot("name")
    if _WHO.search(q):
        return Slot("person")
    if _QUOTE.search(q):
        return Slot("quote")
    if _YESNO.search(q):
        return Slot("claim")
    return None


_FILLER = frozenset("the a an of were was are is did do does have has had been in at on during".split())
