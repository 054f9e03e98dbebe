"""What a question asks for (its slot), read from its words."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from index.tokenize import default_tokenizer, normalize

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Slot:
    """The kind of value a question asks for, and the words that say of what."""

    kind: str  # date | place | count | person | name | claim | quote
    focus: tuple[str, ...] = ()  # e.g. ("people", "arrested") for "how many people were arrested"
    terms: tuple[str, ...] = ()  # the question's key search terms (stemmed), e.g. ("worcest", "arrest")
    generic: tuple[str, ...] = ()  # key terms too common in this collection to decide alone
    nouns: tuple[str, ...] = ()  # count: the counted noun(s) as written ("people")
    verbs: tuple[str, ...] = ()  # count: the verb's search terms ("arrest")
    places: tuple[str, ...] = ()  # places the question names ("Worcester")
    roles: tuple[str, ...] = ()  # titles the question names ("sheriff")


_COUNT = re.compile(r"\bhow (?:many|much)\b(?P<rest>[^?.!]*)")
_WHEN = re.compile(
    r"\b(?:when|what (?:day|date|time|year|month)|how long|since when|which (?:day|date|year|month)"
    r"|what time)\b"
)
_WHERE = re.compile(r"\b(?:where|which (?:city|town|cities|towns|place|places|county|state|neighborhood|street))\b")
_NAME = re.compile(r"\b(?:spell(?:ed|ing|t)?|name)\b")
_WHO = re.compile(r"\bwho(?:m|se)?\b")
_QUOTE = re.compile(r"\b(?:say|said|says|statement|quote|stated|tell|told)\b")
_YESNO = re.compile(r"^(?:is|are|was|were|does|do|did|can|could|has|have|had|should|will|would)\b")
_AUX = frozenset(
    [
        "were",
        "was",
        "are",
        "is",
        "got",
        "get",
        "gets",
        "getting",
        "have",
        "has",
        "had",
        "did",
        "do",
        "does",
        "been",
        "being",
        "be",
        "will",
        "would",
        "could",
        "can",
    ]
)
_PREP = frozenset(
    [
        "in",
        "at",
        "on",
        "during",
        "by",
        "for",
        "from",
        "to",
        "of",
        "with",
        "near",
        "after",
        "before",
        "since",
        "into",
        "across",
    ]
)
_PAST = frozenset(
    [
        "died",
        "ran",
        "came",
        "went",
        "took",
        "fled",
        "got",
        "saw",
        "left",
        "made",
        "held",
        "met",
        "fought",
    ]
)
_LIGHT_VERBS = frozenset(
    [
        "make",
        "made",
        "take",
        "took",
        "taken",
        "be",
        "been",
        "occur",
        "occurred",
        "happen",
        "happened",
        "there",
        "involved",
    ]
)


@lru_cache(maxsize=4096)
def question_slot(question: str) -> Slot | None:
    """The slot a question asks for, or None when no value comparison applies."""
    q = normalize(question).strip()
    terms, generic = key_terms(question)
    places = question_places(question)
    roles = question_roles(q)

    def make(kind: str, focus: tuple[str, ...] = (), **extra: tuple[str, ...]) -> Slot:
        return Slot(kind, focus, terms=terms, generic=generic, places=places, roles=roles, **extra)

    m = _COUNT.search(q)
    if m:
        nouns, verbs, focus = _count_focus(m.group("rest"))
        return make("count", focus, nouns=nouns, verbs=verbs)
    if _WHEN.search(q):
        return make("date", ("duration",) if re.search(r"\b(?:how long|since when)\b", q) else ())
    if _WHERE.search(q):
        return make("place")
    if _NAME.search(q) and _WHO.search(q) is None:
        return make("name")
    if _WHO.search(q):
        return make("person")
    if _QUOTE.search(q):
        return make("quote")
    if _YESNO.search(q):
        return make("claim")
    return None


_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "were",
        "was",
        "are",
        "is",
        "did",
        "do",
        "does",
        "have",
        "has",
        "had",
        "been",
        "in",
        "at",
        "on",
        "during",
    ]
)


def _count_focus(rest: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """ "people were arrested in worcester" -> nouns ("people",), verbs ("arrest",), focus."""
    ws = re.findall(r"[a-z0-9][a-z0-9'-]*", rest)
    i = 0
    noun_phrase: list[str] = []
    while i < len(ws) and ws[i] not in _AUX:
        if noun_phrase and (ws[i].endswith("ed") or ws[i] in _PAST):
            break  # "how many protesters gathered": no auxiliary before the verb
        noun_phrase.append(ws[i])
        i += 1
    while i < len(ws) and ws[i] in _AUX:
        i += 1
    verb_phrase: list[str] = []
    while i < len(ws) and ws[i] not in _PREP:
        verb_phrase.append(ws[i])
        i += 1
    nouns = tuple(noun_phrase[-1:])
    verb = [w for w in verb_phrase if w not in _LIGHT_VERBS][-1:]
    tok = default_tokenizer()
    verbs = tuple(t for w in verb for t in tok.tokens(w))
    focus = tuple(w for w in (*noun_phrase[-1:], *verb) if w not in _FILLER)
    return nouns, verbs, focus


def key_terms(question: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's search terms that say what it is about: (specific, generic).

    Question words ("when", "how many", "happen") are dropped; terms common to the whole
    collection ("ice", "confrontation") are kept apart as generic.
    """
    from index.values import rules

    r = rules()
    tok = default_tokenizer()
    drop = {t for w in r.question_words for t in tok.tokens(w)} | set(r.question_words)
    gen = {t for w in r.generic_terms for t in tok.tokens(w)}
    terms: list[str] = []
    generic: list[str] = []
    for t in tok.tokens(question):
        if t in drop or (t.isdigit() and len(t) < 3):
            continue
        bucket = generic if t in gen else terms
        if t not in bucket:
            bucket.append(t)
    return tuple(terms), tuple(generic)


def question_places(question: str) -> tuple[str, ...]:
    """Places a question names, matched without regard to case ("worcester")."""
    from index.values import gazetteer

    g = gazetteer()
    low = normalize(question)
    out: list[str] = []
    for name, place in sorted(g.places.items(), key=lambda kv: -len(kv[0])):
        if name in g.ambiguous or len(name) < 4:
            continue
        hit = re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", low)
        if hit and place.name not in out and not any(place.name in g.places[o].name for o in out):
            out.append(place.name)
    return tuple(out)


def question_roles(q: str) -> tuple[str, ...]:
    """Canonical titles a question names ("sheriff")."""
    from index.values import rules

    roles = rules().roles
    return tuple(dict.fromkeys(v for k, v in roles.items() if re.search(rf"\b{re.escape(k)}\b", q)))
