"""Values a sentence states: counts, places, person names, and a claim's polarity.

A :class:`FactReader` is built from a :class:`~index.lexicon.Lexicon` (English word lists
from ``data/facts.yaml``, places from ``data/world_places.yaml`` and the corpus's own
``corpus.yaml``) and reads one sentence at a time. Dates live in ``index.values_dates``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jellyfish
from rapidfuzz.distance import Levenshtein

from index.text import alternation as _alt
from index.tokenize import straighten, words
from index.values_dates import DateReader, DateValue
from index.values_lengths import LengthReader, LengthValue
from index.values_things import Thing, ThingReader

if TYPE_CHECKING:
    from index.lexicon import Lexicon
    from index.tokenize import Tokenizer

log = logging.getLogger(__name__)

SENTENCE_CACHE = 50_000  # sentences whose readings each reader remembers


def clean(text: str) -> str:
    """NFKC with straight quotes and hyphens; case is kept (names and places need it)."""
    return straighten(text)


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Rules:
    """The word lists of data/facts.yaml, lower case."""

    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    year_parts: Mapping[str, tuple[int, int]]
    times_of_day: Mapping[str, tuple[int, int]]
    spoken_clock: Mapping[str, int]
    report_date_cues: tuple[str, ...]
    since_words: tuple[str, ...]
    number_words: Mapping[str, int]
    magnitude_words: Mapping[str, tuple[int, int]]
    vague_quantifiers: tuple[str, ...]
    hedges: Mapping[str, tuple[str, ...]]
    hedge_suffix_more: tuple[str, ...]
    aggregate_cues: tuple[str, ...]
    increment_after: tuple[str, ...]
    increment_before: tuple[str, ...]
    other_event_cues: tuple[str, ...]
    time_units: frozenset[str]
    length_units: Mapping[str, float]
    length_cues: tuple[str, ...]
    length_events: tuple[str, ...]
    person_nouns: frozenset[str]
    generic_person_nouns: frozenset[str]
    child_nouns: frozenset[str]
    generic_child_nouns: frozenset[str]
    nobody_words: frozenset[str]
    presence_verbs: tuple[str, ...]
    outcome_verbs: tuple[str, ...]
    gender_nouns: Mapping[str, frozenset[str]]
    officer_nouns: frozenset[str]
    negations: tuple[str, ...]
    clause_breaks: tuple[str, ...]
    habitual_cues: tuple[str, ...]
    future_cues: tuple[str, ...]
    misspelling_cues: tuple[str, ...]
    roles: Mapping[str, str]
    organization_words: frozenset[str]
    organization_heads: frozenset[str]
    hypothetical: tuple[str, ...]
    career_cues: tuple[str, ...]
    cause_links: tuple[str, ...]
    refutation_cues: tuple[str, ...]
    same_past_verbs: frozenset[str]
    money_verbs: frozenset[str]
    money_nouns: frozenset[str]
    thing_verbs: frozenset[str]
    thing_determiners: frozenset[str]
    generic_things: frozenset[str]
    thing_ends: frozenset[str]
    currency_words: tuple[str, ...]
    ability: tuple[str, ...]
    not_names: frozenset[str]
    name_max_edits: int
    facet_labels: Mapping[str, str]


def _strs(raw: Any) -> tuple[str, ...]:
    return tuple(str(x).lower() for x in (raw or ()))


def load_rules(raw: Mapping[str, Any]) -> Rules:
    """The word lists of ``data/facts.yaml``, lower case."""

    def pairs(key: str) -> dict[str, tuple[int, int]]:
        return {str(k).lower(): (int(v[0]), int(v[1])) for k, v in (raw.get(key) or {}).items()}

    return Rules(
        months={str(k).lower(): int(v) for k, v in raw["months"].items()},
        weekdays={str(k).lower(): int(v) for k, v in raw["weekdays"].items()},
        year_parts=pairs("year_parts"),
        times_of_day=pairs("times_of_day"),
        spoken_clock={str(k).lower(): int(v) for k, v in (raw.get("spoken_clock") or {}).items()},
        report_date_cues=_strs(raw.get("report_date_cues")),
        since_words=_strs(raw.get("since_words")),
        number_words={str(k).lower(): int(v) for k, v in raw["number_words"].items()},
        magnitude_words=pairs("magnitude_words"),
        vague_quantifiers=_strs(raw.get("vague_quantifiers")),
        hedges={k: _strs(v) for k, v in (raw.get("hedges") or {}).items()},
        hedge_suffix_more=_strs(raw.get("hedge_suffix_more")),
        aggregate_cues=_strs(raw.get("aggregate_cues")),
        increment_after=_strs(raw.get("increment_after")),
        increment_before=_strs(raw.get("increment_before")),
        other_event_cues=_strs(raw.get("other_event_cues")),
        time_units=frozenset(_strs(raw.get("time_units"))),
        length_units={str(k).lower(): float(v) for k, v in (raw.get("length_units") or {}).items()},
        length_cues=_strs(raw.get("length_cues")),
        length_events=_strs(raw.get("length_events")),
        person_nouns=frozenset(_strs(raw.get("person_nouns"))),
        generic_person_nouns=frozenset(_strs(raw.get("generic_person_nouns"))),
        child_nouns=frozenset(_strs(raw.get("child_nouns"))),
        generic_child_nouns=frozenset(_strs(raw.get("generic_child_nouns"))),
        nobody_words=frozenset(_strs(raw.get("nobody_words"))),
        presence_verbs=_strs(raw.get("presence_verbs")),
        outcome_verbs=_strs(raw.get("outcome_verbs")),
        gender_nouns={str(k): frozenset(_strs(v)) for k, v in (raw.get("gender_nouns") or {}).items()},
        officer_nouns=frozenset(_strs(raw.get("officer_nouns"))),
        negations=_strs(raw.get("negations")),
        clause_breaks=_strs(raw.get("clause_breaks")),
        habitual_cues=_strs(raw.get("habitual_cues")),
        future_cues=_strs(raw.get("future_cues")),
        misspelling_cues=_strs(raw.get("misspelling_cues")),
        roles={str(k).lower(): str(v) for k, v in (raw.get("roles") or {}).items()},
        organization_words=frozenset(_strs(raw.get("organization_words"))),
        organization_heads=frozenset(_strs(raw.get("organization_heads"))),
        hypothetical=_strs(raw.get("hypothetical")),
        career_cues=_strs(raw.get("career_cues")),
        cause_links=_strs(raw.get("cause_links")),
        refutation_cues=_strs(raw.get("refutation_cues")),
        same_past_verbs=frozenset(_strs(raw.get("same_past_verbs"))),
        money_verbs=frozenset(_strs(raw.get("money_verbs"))),
        money_nouns=frozenset(_strs(raw.get("money_nouns"))),
        thing_verbs=frozenset(_strs(raw.get("thing_verbs"))),
        thing_determiners=frozenset(_strs(raw.get("thing_determiners"))),
        generic_things=frozenset(_strs(raw.get("generic_things"))),
        thing_ends=frozenset(_strs(raw.get("thing_ends"))),
        currency_words=_strs(raw.get("currency_words")),
        ability=_strs(raw.get("ability")),
        not_names=frozenset(_strs(raw.get("not_names"))),
        name_max_edits=int(raw.get("name_max_edits", 2)),
        facet_labels={str(k): str(v) for k, v in (raw.get("facet_labels") or {}).items()},
    )


def phrase_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the phrases as whole words (None for no phrases)."""
    alt = _alt(phrases)
    return re.compile(rf"(?<![\w])(?:{alt})(?![\w])") if alt else None


# --- counts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountValue:
    """A figure for some counted noun: "about 40 protesters", "two people", "dozens"."""

    text: str  # as written
    anchor: float  # the figure the text gives (40 in "about 40"; 24 for "dozens")
    hedge: str  # exact | approx | more | less | magnitude
    noun: str  # counted noun as written, lower case ("people"); "" when none
    aggregate: bool = False  # a total over several incidents ("totaling 10 arrests")
    label: str = ""  # for magnitudes: the word ("dozens")
    hedge_word: str = ""  # as written ("at least"); "" when none or implied by "+"
    increment: bool = False  # adds to a figure given before ("two more people")

    def display(self) -> str:
        """ "2 people", "about 40 protesters", "dozens of people", "more than 12 arrests"."""
        if self.hedge == "magnitude":
            fig = self.label
            return f"{fig} of {self.noun}" if self.noun else fig
        n = int(self.anchor) if self.anchor == int(self.anchor) else self.anchor
        word = self.hedge_word or {"approx": "about", "more": "more than", "less": "fewer than"}.get(self.hedge, "")
        fig = f"{word} {n}".strip() if self.hedge != "exact" else f"{n}"
        return f"{fig} {self.noun}".strip()


def counts_agree(a: CountValue, b: CountValue) -> bool:
    """Same figure, written two ways ("two" / "2" / "about 2"); different figures differ,
    even when both are approximate ("dozens" / "about 40"). A hedged figure ("more than
    20") agrees with any figure it admits ("23")."""
    if a.hedge == "magnitude" or b.hedge == "magnitude":
        return a.hedge == b.hedge and a.label == b.label
    for x, y in ((a, b), (b, a)):
        if x.hedge == "more" and y.hedge in ("exact", "approx") and y.anchor > x.anchor:
            return True
        if x.hedge == "less" and y.hedge in ("exact", "approx") and y.anchor < x.anchor:
            return True
    if a.anchor != b.anchor:
        return False
    return {a.hedge, b.hedge} != {"more", "less"}


_SKIP_AFTER = re.compile(
    r"^(?:-?year|-?years?\s+old|-?month|%|percent|p\.?m\b|a\.?m\b|\(|th\b|st\b|nd\b|rd\b|-\d|/|:\d|,\d|"
    r"days?\b|hours?\b|minutes?\b|weeks?\b|months?\b|years?\b|miles?\b|feet\b|dollars?\b)",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)\d\d$")
_APPOSITIVE_AGE = re.compile(r"[A-Z][a-z]+,\s*$")
# A fact-box line ends in its figure: "- Homes disconnected across town: 212", "Arrests: 4".
_LABEL_BEFORE = re.compile(r"(?:^|[-*•|]\s*)(?P<label>[a-z][a-z' -]{0,60}):\s*$")
_WORDS = re.compile(r"[a-z][a-z'-]*")
_PUNCT = ".,;:!?\"'()"
_MONTH_MAY = re.compile(r"\bMay(?=\s+\d)|(?<=\S\s)May\b")  # "on May 8", "May 8 was": the month
_CASED_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*")
_POSSESSIVES = frozenset({"his", "her", "their", "its", "my", "our", "your"})
_BREAKS_AFTER_FIGURE = frozenset(",;:.!?)")
_RELATIVE_PRONOUNS = frozenset({"who", "whom", "whose", "which"})
_PASSIVE_AUX = frozenset({"was", "were", "is", "has", "had", "got"})
_ARTICLE = re.compile(r"\b(?:a|an|another|one other|one|his|her|their)\s")


# --- places -----------------------------------------------------------------------------


class PlaceKind(StrEnum):
    """How large a place is; places are compared with places of the same size."""

    COUNTRY = "country"
    STATE = "state"
    REGION = "region"
    COUNTY = "county"
    CITY = "city"
    LOCAL = "local"  # a street, building, park or neighbourhood


@dataclass(frozen=True, slots=True)
class Place:
    """A place and what contains it."""

    name: str
    kind: PlaceKind
    within: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    """Places by name: everywhere (``world_places.yaml``) and the corpus's own (``corpus.yaml``)."""

    places: Mapping[str, Place]
    ambiguous: frozenset[str]
    by_lower: Mapping[str, str]  # "new bedford" -> "New Bedford"
    max_words: int
    first_words: frozenset[str]  # first words of names of two or more words ("New" of "New Bedford")

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Places written in ``text`` as the gazetteer writes them: (start, end, name), longest first."""
        out: list[tuple[int, int, str]] = []
        for run in _CAPITALIZED_RUN.finditer(text):
            toks = list(_NAME_PART.finditer(run.group()))
            i = 0
            while i < len(toks):
                for n in range(min(self.max_words, len(toks) - i), 0, -1):
                    a = run.start() + toks[i].start()
                    b = run.start() + toks[i + n - 1].end()
                    name = text[a:b]
                    if name not in self.places:
                        name = name.rstrip(".,")  # "… and New Bedford." ends a sentence
                        b = a + len(name)
                    if name in self.places:
                        out.append((a, b, name))
                        i += n - 1
                        break
                i += 1
        return out

    def in_lowercase(self, text: str) -> list[str]:
        """Places named in ``text`` whatever its case ("worcester"), longest names first;
        ambiguous names ("Chelsea", "Reading") only where they are capitalized."""
        ws = re.findall(r"[\w'.-]+", text)
        low = [w.lower().strip(".") for w in ws]
        out: list[str] = []
        i = 0
        while i < len(ws):
            for n in range(min(self.max_words, len(ws) - i), 0, -1):
                name = self.by_lower.get(" ".join(low[i : i + n]))
                if name is None:
                    continue
                if name in self.ambiguous and " ".join(ws[i : i + n]).strip(".") != name:
                    continue
                if name not in out:
                    out.append(name)
                i += n - 1
                break
            i += 1
        return out

    def inside(self, inner: str, outer: str) -> bool:
        """True when ``inner`` is ``outer`` or lies within it."""
        if inner == outer:
            return True
        a, b = self.places.get(inner), self.places.get(outer)
        if a is None or b is None:
            return False
        return a.name == b.name or b.name in a.within

    def related(self, a: str, b: str) -> bool:
        """One place contains the other (or they are the same)."""
        return self.inside(a, b) or self.inside(b, a)

    @classmethod
    def build(cls, world: Mapping[str, Any], local: Mapping[str, Any]) -> Gazetteer:
        places: dict[str, Place] = {}
        for name, code in (world.get("us_states") or {}).items():
            places[str(name)] = Place(str(name), PlaceKind.STATE, ("United States",))
            places.setdefault(f"{code}", places[str(name)]) if len(str(code)) > 2 else None
        for name in world.get("countries") or ():
            places[str(name)] = Place(str(name), PlaceKind.COUNTRY)
        for table in ("us_cities", "world_cities"):
            for name, within in (world.get(table) or {}).items():
                if str(name) not in places:
                    places[str(name)] = Place(str(name), PlaceKind.CITY, tuple(str(w) for w in within))

        _add_local(places, local, ())
        ambiguous = frozenset(str(a) for a in world.get("ambiguous") or ()) - set(_names_in(local))
        by_lower = {n.lower(): n for n in places if len(n) >= 4}
        firsts = frozenset(n.split()[0] for n in places if " " in n)
        return cls(places, ambiguous, by_lower, max((len(n.split()) for n in places), default=1), firsts)


def _add_local(places: dict[str, Place], node: Any, chain: tuple[str, ...]) -> None:
    """Add a corpus's own places (``{region: [places within]}``, nested) within ``chain``.

    A function of its own, not one nested in :meth:`Gazetteer.build`: a nested function that
    calls itself is a reference cycle, which would hold ``places`` until the cyclic collector ran.
    """
    items = node.items() if isinstance(node, dict) else ((str(x), None) for x in node or ())
    for raw_name, children in items:
        name = str(raw_name)
        if name == "\0derived":
            for local_name in children or ():
                places.setdefault(str(local_name), Place(str(local_name), PlaceKind.LOCAL))
            continue
        known = places.get(name)
        kind: PlaceKind
        if known is not None and known.kind in (PlaceKind.STATE, PlaceKind.COUNTRY):
            kind = known.kind
        elif re.search(r"\b(?:County|Parish|Borough|Shire)$", name):
            kind = PlaceKind.COUNTY
        elif children:
            kind = PlaceKind.REGION
        else:
            kind = PlaceKind.CITY
        outer = tuple(dict.fromkeys([*chain, *(known.within if known else ())]))
        places[name] = Place(name, kind, outer)
        if children:
            _add_local(places, children, (name, *chain))


def _names_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [str(k) for k in node] + [n for v in node.values() for n in _names_in(v)]
    return [str(x) for x in node or ()]


# Runs of capitalized words (with the small words place names contain: "Manchester-by-the-Sea",
# "Martha's Vineyard", "Washington, D.C."), in which gazetteer names are looked up.
_CAPITALIZED_RUN = re.compile(r"[A-Z][\w'.-]*(?:[ \t]+(?:of[ \t]+|de[ \t]+|the[ \t]+)?[A-Z][\w'.-]*)*")
_NAME_PART = re.compile(r"[^\s]+")
_PLACE_CUE = re.compile(r"(?:\b(?:in|at|near|from|across|of|like|including|and|to|outside|around)|,)\s*$", re.I)
# A street, building or neighbourhood: capitalized words ending in a place word ("Eureka Street",
# "Linden Court", "Marlow Falls High School"), or capitalized words after "in/at/near …".
_LOCAL_SUFFIX = (
    r"Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Court|Boulevard|Blvd\.|Drive|Terrace|Way|Place|Square|Plaza|Park|"
    r"Gate|Bridge|Station|School|High School|Hospital|Apartments|Building|Center|Centre|Hall|Mall|Yard|District|"
    r"Heights|Village|Common|Green|Field|Stadium|Arena|Pier|Harbor|Harbour|Market|Arms|Tower|Towers|Courthouse"
)
_CAP = r"[A-Z][a-z'’-]+"
# A leading article is not part of the name: "The Fenwick Arms" and "the Fenwick Arms" are one place.
_LOCAL = re.compile(rf"(?<![\w-])(?!(?:The|A|An)\s)(?:{_CAP}\s+){{1,3}}(?:{_LOCAL_SUFFIX})(?![\w-])")
_AFTER_PREP = re.compile(rf"\b(?i:in|at|near|outside|across|from|around)\s+(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}})")


# --- names ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameMention:
    """A person named in a sentence: "Essex County Sheriff Kevin F. Koppinger"."""

    text: str  # the name as written ("Kevin F. Koppinger")
    surname: str
    role: str | None  # canonical role ("sheriff"), when a title introduces the name
    context: str  # the words of the title ("Essex County Sheriff")
    quoted: bool = False  # inside quotation marks: someone else's words


_NAME_TOKEN = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+|'[a-z]{2,})*"  # not a possessive 's
_NAME = rf"(?P<name>(?:{_NAME_TOKEN}\s+)?(?:[A-Z]\.\s+)?{_NAME_TOKEN})"
_AFTER_ROLE = re.compile(rf"^(?:\s+(?:for|of)\s+(?:the\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)??)?\s+{_NAME}(?![\w-])")
_CTX_BEFORE = re.compile(r"(?:[A-Z][\w.'-]*\s+){1,4}$")
_NAME_WORD = re.compile(rf"(?<![\w-]){_NAME_TOKEN}(?![\w-])")
_CORRECT = "correct"


def _inside_quotes(text: str, pos: int) -> bool:
    return text[:pos].count('"') % 2 == 1


def looks_like_heading(sentence: str) -> bool:
    """Title Case without a final stop ("Sheriff Koppinger Steps Into the Spotlight")."""
    t = sentence.strip()
    ws = re.findall(r"[A-Za-z][\w'-]*", t)
    if not ws or t[-1:] in ".!?\"'":
        return False
    caps = sum(1 for w in ws if w[0].isupper())
    return len(ws) <= 14 and caps / len(ws) >= 0.6


PHONETIC_MIN_KEY = 3  # consonants a sound key needs to tell one name from another


def same_person_name(a: str, b: str, max_edits: int = 2) -> bool:
    """Spelling variants of one surname: small edit distance or the same phonetic key
    (Metaphone / NYSIIS; Soundex is not used: it keeps the first letter, C ≠ K)."""
    x, y = a.lower(), b.lower()
    if x == y:
        return True
    if min(len(x), len(y)) < 4:
        return False
    edits = Levenshtein.distance(x, y)
    if edits <= max_edits:
        return True
    # A sound key of two consonants is shared by unrelated names ("Foley", "Viall": FL).
    if edits > max_edits + 1:
        return False
    key = jellyfish.metaphone(x)
    if len(key) >= PHONETIC_MIN_KEY and key == jellyfish.metaphone(y):
        return True
    key = jellyfish.nysiis(x)
    return len(key) > PHONETIC_MIN_KEY and key == jellyfish.nysiis(y)  # "Moore" / "Morris": MAR


# --- the reader -------------------------------------------------------------------------


# Words that may follow a money noun ending its phrase ("the *fine* for blocking a road",
# "what was *bail* set at"); another noun after it makes it a modifier ("the *pay* dispute").
_MONEY_NOUN_ENDS = "of|at|in|on|to|set|did|does|do|was|is|will|would|that|per|when|after|before|like|now"
CAUSE_WORDS = 12  # a cause is read this far into its clause
CAUSE_VERB_REACH = 100  # characters after "after" in which a verb makes it a cause
TIME_LINKS = frozenset({"after"})  # a cause only when a verb follows ("after a bottle was thrown")
MAX_CHAT_CUE = 3  # "bc", "cuz": chat forms, never written in capitals


@dataclass(frozen=True, slots=True)
class Cause:
    """A cause a sentence gives: where its link word starts, the link and clause as
    written ("after a bottle was thrown"), and the clause alone."""

    at: int
    text: str
    what: str


class FactReader:
    """Reads dates, counts, places, names and claims from one sentence at a time.

    Built once per :class:`~index.lexicon.Lexicon`: its patterns are compiled here, and it
    holds no state that changes, so one reader serves every thread.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.rules = r = load_rules(lexicon.language.facts)
        self.tokenizer = lexicon.tokenizer
        local = dict(lexicon.profile.places)
        if lexicon.derived.places:  # streets and buildings the sources name, found when indexing
            local["\0derived"] = list(lexicon.derived.places)
        self.gazetteer = Gazetteer.build(lexicon.language.places, local)
        self.date_reader = DateReader(r)
        self._past_forms = frozenset(lexicon.language.irregular_verbs) | r.same_past_verbs  # "threw", "hit"
        self._said = frozenset(w for w in lexicon.language.speech_verbs if " " not in w) - {"reported"}
        self.calendar_words = frozenset({*r.weekdays, *r.months})  # "Tuesday, 13," is no age
        self.age_people = r.person_nouns | {w for ws in r.gender_nouns.values() for w in ws if w not in ("he", "she")}
        self.length_reader = LengthReader(r)
        self.thing_reader = ThingReader(r, self.tokenizer.tokens)
        self._presence = tuple(dict.fromkeys(t for v in r.presence_verbs for t in self.tokenizer.tokens(v)))
        self.outcomes = tuple(dict.fromkeys(t for v in r.outcome_verbs for t in self.tokenizer.tokens(v)))
        self._other_event = re.compile(rf"\b(?:{_alt(r.other_event_cues)})\s+(?P<noun>[a-z]+)")
        self._misspelling = phrase_regex([*r.misspelling_cues, "misspel"])
        self._misspelling_cue = re.compile(rf"(?:{_alt(r.misspelling_cues)}|misspel\w*)")
        breaks = [re.escape(w) for w in r.clause_breaks if w.isalpha()]
        marks = "".join(re.escape(w) for w in r.clause_breaks if not w.isalpha())
        self._clause = re.compile(
            rf"(?:,\s*|\s+)(?:{'|'.join(breaks)})\b" + (rf"|[{marks}]" if marks else ""), re.IGNORECASE
        )
        self._negation = re.compile(
            "|".join(r"\w+n't\b" if w == "n't" else rf"(?<![\w']){re.escape(w)}(?![\w'])" for w in r.negations)
        )
        self._habitual = phrase_regex(r.habitual_cues)
        self._future = phrase_regex(r.future_cues)
        self._hypothetical = phrase_regex(r.hypothetical)
        self._career = phrase_regex(r.career_cues)
        self._refutation = phrase_regex(r.refutation_cues)
        links = _alt(r.cause_links) or "(?!)"
        # The clause is looked ahead at, not consumed: a cue inside it ("BC Hydro came because …")
        # is found too.
        self._cause_link = re.compile(rf"\b(?P<cue>{links})\s+(?=(?P<what>[^.;,!?]{{1,200}}))", re.IGNORECASE)
        currency = _alt(r.currency_words) or "(?!)"
        self._money = re.compile(
            rf"[$£€¥]\s?\d|(?<![\d,.])\d[\d,.]*+\s?(?:k|m|bn|million|billion|thousand)?\s*(?:{currency})\b"
        )
        nouns = _alt(r.money_nouns)
        self._money_what = (
            re.compile(
                rf"\bwhat(?:'s|s|\s+(?:is|was|are|were|will be|would be))\s+(?:[\w'-]+\s+){{0,4}}?"
                rf"(?:{nouns})(?=\s*(?:[?.!,]|$|\b(?:{_MONEY_NOUN_ENDS})\b))"
            )
            if nouns
            else None
        )
        heads = "|".join(sorted((re.escape(w) for w in r.organization_heads), key=len, reverse=True))
        # "Massachusetts Immigrant Rights Coalition", "the Eyes Off Kessler Falls coalition",
        # "Eyes Off Kessler Falls, the group that …": capitalized words before a head noun of
        # organizations' names, or before an appositive that calls them one.
        self._organization = (
            re.compile(
                rf"\b(?:[A-Z][\w&'’.-]*\s+){{1,5}}(?:{heads})\b"
                rf"|\b[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)*,\s+(?:the|a|an)\s+(?:[\w-]+\s+)?(?:{heads})\b",
                re.IGNORECASE,
            )
            if heads
            else None
        )
        self._people_word = re.compile(rf"\b(?:\d+-year-old|{_alt(r.person_nouns)})\b")
        self._ability = phrase_regex(r.ability)
        # Answers read the same sentences again and again: remember recent readings. The
        # caches wrap the methods of readers that do not hold this one: a reader holding a
        # cache of its own bound method is a reference cycle, and an index version a running
        # bot drops would wait for a full run of the cyclic garbage collector.
        self._sentences = sentences = _SentenceReader(r, self.tokenizer, self.gazetteer)
        self.dates = lru_cache(maxsize=SENTENCE_CACHE)(self.date_reader.extract)  # type: ignore[method-assign]
        self.places = lru_cache(maxsize=SENTENCE_CACHE)(sentences.places)  # type: ignore[method-assign]
        self.names = lru_cache(maxsize=SENTENCE_CACHE)(sentences.names)  # type: ignore[method-assign]
        self.counts = lru_cache(maxsize=SENTENCE_CACHE)(sentences.counts)  # type: ignore[method-assign]
        self.lengths = lru_cache(maxsize=SENTENCE_CACHE)(self.length_reader.extract)  # type: ignore[method-assign]

    # -- dates ------------------------------------------------------------------------------

    def dates(self, sentence: str) -> list[DateValue]:
        """Dates, ranges and times of day the sentence gives (none for a report's own date)."""
        return self.date_reader.extract(sentence)

    def lengths(self, sentence: str) -> list[LengthValue]:
        """How long something went on, as the sentence says ("for about 45 minutes")."""
        return self.length_reader.extract(sentence)

    def things(self, sentence: str, verbs: tuple[str, ...]) -> list[Thing]:
        """What the sentence says was thrown, used or taken, for these verbs' terms."""
        return self.thing_reader.extract(sentence, verbs)

    def thing_answer(self, sentence: str) -> Thing | None:
        """The thing an answer to "what was thrown?" opens with ("A metal thermos, according to police.")."""
        return self.thing_reader.opening(sentence)

    # -- counts -----------------------------------------------------------------------------

    def same_word(self, a: str, b: str) -> bool:
        return _same_word(self.tokenizer, a, b)

    def counts(self, sentence: str, focus_nouns: tuple[str, ...] = ()) -> list[CountValue]:
        """Figures in a sentence with their hedge and counted noun; vague words are skipped.

        Years, ages ("16-year-old"), times, percentages and phone numbers are not counts.
        """
        return self._sentences.counts(sentence, focus_nouns)

    def opens_other_event(self, text: str) -> bool:
        """Does ``text`` start telling of a later or separate event ("a second confrontation
        broke out", "in a separate incident")? A person or a time after the cue does not."""
        r = self.rules
        for m in self._other_event.finditer(clean(text).lower()):
            noun = m["noun"]
            if noun in r.person_nouns or noun in r.officer_nouns or noun in r.time_units or noun in r.number_words:
                continue
            if noun.isdigit() or not self.tokenizer.tokens(noun):  # "another of", "a second and"
                continue
            return True
        return False

    def noun_matches(self, value_noun: str, wanted: Sequence[str], verb_terms: Sequence[str] = ()) -> bool:
        """Does a counted noun count what the question counts?

        Same word (stemmed), or a generic person noun ("people") for a specific one
        ("protesters") said to do what the question's verb says; officers never match
        civilians; "arrests" counts "people arrested".
        """
        if not wanted:
            return bool(value_noun)
        r = self.rules
        for w in wanted:
            if self.same_word(value_noun, w):
                return True
            if value_noun in r.officer_nouns or w in r.officer_nouns:
                continue
            # "4 people were arrested" counts the protesters arrested; without a verb, "a town of
            # 9,400 people" does not count its workers
            if (value_noun in r.generic_person_nouns and w in r.person_nouns and verb_terms) or (
                w in r.generic_person_nouns and value_noun in r.person_nouns
            ):
                return True
        vt = set(self.tokenizer.tokens(value_noun))
        return bool(vt) and bool(vt & set(verb_terms))

    def counting_verbs(self, verbs: Sequence[str]) -> tuple[str, ...]:
        """The verbs a figure must stand beside to count for a question's ``verbs``: a
        question about being there ("how many attended") is answered beside any verb of
        presence ("packed", "drew"); other verbs only by themselves."""
        if verbs and set(verbs) <= set(self._presence):
            return self._presence
        return tuple(verbs)

    def near_verb(self, sentence: str, value: CountValue, verbs: Sequence[str], window: int = 6) -> bool:
        """The figure counts what the verb is about: within ``window`` words of it ("two people
        were arrested", "the arrest of a 16-year-old and another woman"), not a crowd three
        clauses away."""
        low = clean(sentence).lower()
        at = low.find(value.text.lower())
        if at < 0:
            return True
        ws = words(low)
        fig = next((i for i, w in enumerate(ws) if w.start >= at), len(ws))
        end = fig + len(words(value.text)) + 1  # the noun after the figure
        wanted = set(verbs)
        verb_at = [i for i, w in enumerate(ws) if wanted & set(self.tokenizer.tokens(w.surface))]
        return any(abs(i - fig) <= window or abs(i - end) <= window for i in verb_at)

    # -- places -----------------------------------------------------------------------------

    def places(self, sentence: str) -> list[Place]:
        """Places a sentence names, in order; names inside organization names are skipped
        ("Lynn Police Department", "Worcester Community Action", "Essex County Sheriff")."""
        return self._sentences.places(sentence)

    def finest(self, places: Iterable[Place]) -> list[Place]:
        """Drop places that contain another place of the same list (keep "Worcester", not "Massachusetts")."""
        ps = list(places)
        g = self.gazetteer
        return [p for p in ps if not any(q.name != p.name and g.inside(q.name, p.name) for q in ps)]

    # -- names ------------------------------------------------------------------------------

    def names(self, sentence: str) -> list[NameMention]:
        """People introduced by a title ("Sheriff Kevin Coppinger", "U.S. Attorney Leah Foley").

        Headings are skipped: in Title Case a following word looks like a name.
        """
        return self._sentences.names(sentence)

    def same_person(self, a: str, b: str) -> bool:
        return same_person_name(a, b, self.rules.name_max_edits)

    def surname_mentions(self, sentence: str, variants: Iterable[str]) -> list[tuple[str, bool]]:
        """Capitalized uses of any spelling similar to ``variants``: (spelling, inside quotes)."""
        text = clean(sentence)
        vs = list(variants)
        out: list[tuple[str, bool]] = []
        for m in _NAME_WORD.finditer(text):
            w = m.group()
            w = w[:-2] if w.endswith("'s") else w
            if any(self.same_person(w, v) for v in vs):
                out.append((w, _inside_quotes(text, m.start())))
        return out

    def misspelling_flags(self, sentence: str, variants: Iterable[str]) -> set[str]:
        """Spellings a sentence says are wrong: "Coppinger (frequently misspelled as "Koppinger")",
        ""Koppinger" is a common error. His correct surname is Coppinger."."""
        text = clean(sentence)
        low = text.lower()
        if self._misspelling is None or not self._misspelling.search(low):
            return set()
        used = self.surname_mentions(text, variants)
        spellings = {w for w, _ in used}
        if not spellings:
            return set()
        quoted = {w for w, q in used if q}
        correct = {
            w
            for w in spellings
            if re.search(rf"\b{_CORRECT}\w*\s+(?:\w+\s+){{0,3}}(?:is|was|:)?\s*\"?{re.escape(w)}", text, re.I)
        }
        if quoted:
            return quoted - correct
        # "Coppinger, often misspelled Koppinger": the spelling after the cue is the wrong one.
        cue = self._misspelling_cue.search(low)
        after = {w for w in spellings if cue and low.find(w.lower(), cue.end()) >= 0}
        # "misspelled Ms Fahy's name as Fahey": only the spelling after "as" is the wrong one
        wrote = {w for w in after if cue and re.search(rf"\bas\s+[\"“']?{re.escape(w.lower())}\b", low[cue.end() :])}
        after = wrote or after
        return (after or spellings) - correct if len(spellings) > 1 or after else set()

    # -- claims -----------------------------------------------------------------------------

    def clauses(self, sentence: str) -> list[str]:
        """Clauses of a sentence, split where a negation stops reaching ("..., but ...")."""
        return [c.strip() for c in self._clause.split(clean(sentence)) if c and c.strip()]

    def polarity(self, clause: str, about: Sequence[str] = (), reach: int = 6) -> int:
        """+1 for an affirmed clause, -1 for a negated one ("did not present a judicial warrant").

        With ``about`` (search terms), a negation counts only when one of them follows it within
        ``reach`` words: "separated from children without due process" affirms the separation.
        """
        low = clean(clause).lower()
        hits = list(self._negation.finditer(low))
        if about and hits:
            wanted = set(about)
            ws = words(low)
            term_at = [w.start for w in ws if wanted & set(self.tokenizer.tokens(w.surface))]
            kept = []
            for m in hits:
                after = [w for w in ws if w.start >= m.end()][:reach]
                # "will not defend anyone who hurts a deputy": a relative clause is out of its reach
                cut = next((i for i, w in enumerate(after) if w.surface in _RELATIVE_PRONOUNS), len(after))
                if any(w.start in term_at for w in after[:cut]):
                    kept.append(m)
            hits = kept
        return -1 if len(hits) % 2 else 1

    def says_spelling(self, sentence: str) -> bool:
        """The sentence is about how a name is written ("frequently misspelled as", "spelled …")."""
        low = clean(sentence).lower()
        return bool(self._misspelling is not None and self._misspelling.search(low)) or "spell" in low

    def describes_people(self, sentence: str) -> bool:
        """The sentence names people by what they are ("a woman", "two residents", "a 16-year-old")."""
        return self._people_word.search(clean(sentence).lower()) is not None

    def names_organization(self, sentence: str) -> bool:
        """Names an organization ("the Chelsea Collaborative", "MIRA Coalition")."""
        if self._organization is None:
            return False
        for m in self._organization.finditer(sentence):
            text = m.group()
            ws = text.split(",")[0].split() if "," in text else text.split()[:-1]
            # its name is the capitalized words right before the head: "with the Eyes Off Kessler
            # Falls coalition", "Nonprofits like Chelsea Collaborative"; not "The police", nor
            # "Police said the group"
            if ws and ws[-1][:1].isupper() and ws[-1].lower() not in self.tokenizer.stopwords:
                return True  # "Many groups" at a sentence's start is no name
        return False

    def people_near(self, sentence: str, terms: Collection[str], reach: int) -> bool:
        """Someone named or described ("Maria Santos", "a 16-year-old") within ``reach`` words
        of one of ``terms``: "the arrest of a 16-year-old" says who was arrested."""
        ws = words(sentence)
        starts = [w.start for w in ws]
        at_terms = [bisect_right(starts, w.start) - 1 for t, w in self.tokenizer.analyze_words(ws) if t in terms]
        if not at_terms:
            return False
        low = sentence.lower()
        spans = [m.start() for m in self._people_word.finditer(low)]
        spans += [i for n in self.names(sentence) if (i := sentence.find(n.text)) >= 0]
        people = [bisect_right(starts, i) - 1 for i in spans]
        return any(abs(p - t) <= reach for p in people for t in at_terms)

    def future(self, text: str) -> bool:
        """Tells what is yet to happen ("is scheduled to appear on June 18", "when will …")."""
        return self._future is not None and self._future.search(clean(text).lower()) is not None

    def hypothetical(self, clause: str) -> bool:
        """What should, could or must be ("nobody should be hurt"), not what was."""
        # "May" with a capital inside a clause is the month ("on May 8"), not the modal.
        text = _MONTH_MAY.sub("", clean(clause)).lower()
        return self._hypothetical is not None and self._hypothetical.search(text) is not None

    def asks_money(self, how_much_rest: str) -> bool:
        """ "how much does the sheriff make", "how much was bail", "how much money": an amount
        of money is asked; "how much time did they spend", "how much of the crowd" ask other
        amounts."""
        ws = re.findall(r"[a-z]+", how_much_rest.lower())
        if not ws:
            return False
        r = self.rules
        if ws[0] == "money" or ws[0] in r.money_nouns:
            return True
        if ws[0] in ("is", "was", "are", "were", "will"):
            return any(w in r.money_nouns for w in ws[1:4])
        return ws[0] in ("do", "does", "did", "would", "can", "could") and any(w in r.money_verbs for w in ws[1:6])

    def asks_money_what(self, question: str) -> bool:
        """ "what is the mayor's annual salary", "what was bail set at": the thing asked
        for is an amount of money."""
        return self._money_what is not None and self._money_what.search(question.lower()) is not None

    def states_money(self, text: str) -> bool:
        """An amount of money: "$250K", "£40", "18 dollars"."""
        return self._money.search(clean(text).lower()) is not None

    def causes(self, sentence: str) -> list[Cause]:
        """What a sentence says something happened because of ("halted after a bottle was
        thrown", "stopped because of a power failure"), up to the end of the clause."""
        out = []
        for m in self._cause_link.finditer(sentence):
            words = m["what"].split()[:CAUSE_WORDS]
            cue = m["cue"]
            if not words or (cue.isupper() and len(cue) <= MAX_CHAT_CUE):
                continue  # "BC Hydro", "Vancouver, BC" are not "bc"
            # "closed after the long holiday weekend" says when, not why; "after Greyledge,
            # which runs the landfill, reported …" names a cause once its verb comes.
            ahead = [w.lower().strip(_PUNCT) for w in sentence[m.end() : m.end() + CAUSE_VERB_REACH].split()]
            if cue.lower() in TIME_LINKS and not any(self._verb_form(w) and w not in self._said for w in ahead):
                continue  # "…, parents said" attributes; it does not make a cause
            out.append(Cause(m.start(), f"{cue} {' '.join(words)}".strip(), " ".join(words)))
        return out

    def _verb_form(self, word: str) -> bool:
        w = word.lower().strip(_PUNCT)
        return w.endswith(("ed", "ing")) or w in self._past_forms

    def gender(self, word: str) -> str:
        """ "female" for "mother", "male" for "dad", "" for a word that does not say."""
        return next((g for g, ws in self.rules.gender_nouns.items() if word.lower() in ws), "")

    def genders(self, sentence: str) -> set[str]:
        """The genders a sentence's person nouns say ("a 29-year-old mother": female); "she"
        and "he" are left out, as they may be anyone named nearby."""
        written = _CASED_WORDS.findall(clean(sentence))
        ws = [w.lower() for w in written]
        out = set()
        for i, w in enumerate(ws):
            g = self.gender(w) if w not in ("she", "he") else ""
            if i and written[i][0].isupper():
                continue  # "Sister Mary Clare": a title or a name, not who the sentence is about
            if g and not any(p in _POSSESSIVES or p.endswith("'s") for p in ws[max(0, i - 3) : i]):
                out.add(g)  # "his eight-year-old daughter" is someone else
        return out

    def refutes(self, text: str) -> bool:
        """Calls what it reports wrong ("Posts saying three were arrested are wrong")."""
        return self._refutation is not None and self._refutation.search(clean(text).lower()) is not None

    def career_step(self, text: str) -> bool:
        """Says when someone took office, was born, founded something ("became sheriff in 2017")."""
        return self._career is not None and self._career.search(clean(text).lower()) is not None

    def about_ability(self, clause: str) -> bool:
        """About what can or may be done ("cannot simply order Harrowgate to stop")."""
        return self._ability is not None and self._ability.search(clean(clause).lower()) is not None

    def habitual(self, clause: str) -> bool:
        """A general statement ("ICE typically operates with...") rather than about one event."""
        return self._habitual is not None and self._habitual.search(clean(clause).lower()) is not None


def _same_word(tokenizer: Tokenizer, a: str, b: str) -> bool:
    ta = tokenizer.tokens(a)
    return bool(ta) and ta == tokenizer.tokens(b)


class _SentenceReader:
    """The readings a :class:`FactReader` remembers (dates aside): counts, places and names."""

    def __init__(self, rules: Rules, tokenizer: Tokenizer, gazetteer: Gazetteer) -> None:
        self.rules = r = rules
        self.tokenizer = tokenizer
        self.gazetteer = gazetteer
        hedge_words = [w for ws in r.hedges.values() for w in ws]
        numbers = _alt(r.number_words)
        self._count = re.compile(
            rf"(?<![\w$#.,/-])(?:(?P<hedge>{_alt(hedge_words)})\s+)?"
            rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{numbers})(?:[-\s](?:{numbers}))?|{_alt(r.magnitude_words)})"
            rf"(?P<plus>\+)?(?![\w])"
        )
        months = _alt(r.months)
        self._month_before = re.compile(rf"\b(?:{months})\.?\s*$")
        self._month_after = re.compile(rf"(?:{months})\b")
        self._more_after = re.compile(rf"(?:{_alt(r.hedge_suffix_more)})\b")
        self._increment_after = re.compile(rf"(?:{_alt(r.increment_after)})\b(?!\s+than\b)")
        self._increment_before = re.compile(rf"\b(?:{_alt(r.increment_before)})\s*$")
        item = (
            rf"(?:a|an|another|one other|one|his|her|their)\s+(?:[a-z'-]+\s+){{0,2}}?"
            rf"(?:\d+-year-old|{_alt(r.person_nouns)})\b"
        )
        self._people_list = re.compile(rf"\b{item}(?:\s*,\s*{item})*\s*,?\s+and\s+{item}")
        self._aggregate = phrase_regex(r.aggregate_cues)
        self._role = re.compile(rf"(?<![\w.])(?i:{_alt(r.roles)})(?![\w])\.?")
        # "Noreen Fahy, the HSE's chief officer for the Midlands": a title after the name
        self._role_after = re.compile(
            rf"(?<![\w.]){_NAME},\s+(?P<title>(?:the\s+)?(?:[\w'’.-]+\s+){{0,3}}?"
            rf"(?P<role>(?i:{_alt(r.roles)})))(?![\w])"
        )

    def counts(self, sentence: str, focus_nouns: tuple[str, ...] = ()) -> list[CountValue]:
        low = clean(sentence).lower()
        r = self.rules
        aggregate = self._aggregate is not None and self._aggregate.search(low) is not None
        out: list[tuple[int, CountValue]] = []
        spans: list[tuple[int, int]] = []
        for m in self._people_list.finditer(low):
            n = len(_ARTICLE.findall(m.group()))
            out.append((m.start(), CountValue(m.group(), float(n), "exact", "people", aggregate)))
            spans.append(m.span())
        for m in self._count.finditer(low):
            if any(a <= m.start() < b for a, b in spans):
                continue
            num = m["num"]
            after = low[m.end() :].lstrip()
            if _SKIP_AFTER.match(low[m.end() :]) or _SKIP_AFTER.match(after) or _YEAR.match(num):
                continue
            if self._month_before.search(low[max(0, m.start() - 12) : m.start()]) or self._month_after.match(after):
                continue  # part of a date
            if _APPOSITIVE_AGE.search(clean(sentence)[: m.start()]) and low[m.end() : m.end() + 1] == ",":
                continue  # "Dalia Ferreira, 36, from apartment 3C": an age
            if num in {"one", "a single", "single"} and not self._one_person(low[: m.start()], after, focus_nouns):
                continue  # "one of the most notable", "just about one arrest": rarely a figure
            hedge = "exact"
            if m["hedge"]:
                hedge = next(k for k, ws in r.hedges.items() if m["hedge"] in ws)
            if m["plus"] or self._more_after.match(after):
                hedge = "more"
            label = ""
            if num in r.magnitude_words:
                lo, hi = r.magnitude_words[num]
                anchor = float(lo)
                if num.startswith("a ") and hedge == "exact":
                    hedge = "approx"
                    anchor = float(lo + hi) / 2
                else:
                    hedge, label = "magnitude", num
            elif num[0].isdigit():
                anchor = float(num.replace(",", ""))
            else:
                parts = [r.number_words[p] for p in re.split(r"[-\s]", num) if p in r.number_words]
                if num in r.number_words:
                    anchor = float(r.number_words[num])
                elif len(parts) == 2 and parts[1] in (12, 100, 1000):
                    anchor = float(parts[0] * parts[1])  # "two dozen", "three hundred"
                else:
                    anchor = float(sum(parts))
            noun = self._noun_after(after, focus_nouns)
            if not noun and not after.strip(" .;"):
                noun = self._label_noun(low[: m.start()], focus_nouns)
            word = m["hedge"] if m["hedge"] and hedge != "magnitude" and not m["plus"] else ""
            increment = bool(self._increment_after.match(after) or self._increment_before.search(low[: m.start()]))
            value = CountValue(m.group().strip(), anchor, hedge, noun, aggregate, label, word, increment)
            out.append((m.start(), value))
        out.sort(key=lambda x: x[0])
        return [v for _, v in out]

    def _one_person(self, before: str, rest: str, focus_nouns: Sequence[str]) -> bool:
        """ "One person was arrested", "police arrested one man": one is a figure of people
        when something was done to them; "One man said …" only names who spoke."""
        ws = _WORDS.findall(rest.lower())[:2]
        if not ws or (ws[0] not in self.rules.person_nouns and ws[0] not in focus_nouns):
            return False
        done_to = len(ws) > 1 and ws[1] in _PASSIVE_AUX
        prev = _WORDS.findall(before.lower())[-1:]
        return done_to or (bool(prev) and prev[0].endswith("ed"))

    def _noun_after(self, rest: str, focus_nouns: Sequence[str]) -> str:
        """The counted noun in the few words after a figure ("of" and adjectives skipped); none
        past a comma or a stop ("Gate 2, the truck entrance" counts no trucks)."""
        if rest[:1] in _BREAKS_AFTER_FIGURE:
            return ""
        ws = _WORDS.findall(rest.lower())[:5]
        if ws and ws[0] == "of":
            ws = ws[1:]
            if ws and ws[0] in {"the", "them", "these", "those"}:
                ws = ws[1:]
        for w in ws[:3]:
            if w in self.rules.person_nouns or any(_same_word(self.tokenizer, w, f) for f in focus_nouns):
                return w
        return ws[0] if ws else ""

    def _label_noun(self, before: str, focus_nouns: Sequence[str]) -> str:
        """The counted noun of a fact-box label ending in a colon: its first word that is a
        person noun or the question's, else its first word."""
        m = _LABEL_BEFORE.search(before)
        if m is None:
            return ""
        ws = [w for w in _WORDS.findall(m["label"]) if self.tokenizer.tokens(w)]  # no "the", "of"
        for w in ws:
            if w in self.rules.person_nouns or any(_same_word(self.tokenizer, w, f) for f in focus_nouns):
                return w
        return ws[0] if ws else ""

    def places(self, sentence: str) -> list[Place]:
        text = clean(sentence)
        g = self.gazetteer
        found: list[tuple[int, Place]] = []
        taken: list[tuple[int, int]] = []
        heading = looks_like_heading(text)
        for start, end, name in g.find(text):
            after = text[end:]
            if re.match(r"(?:'s)?\s+(?:[A-Z][a-z]+|[A-Z]{2,})\b", after):
                nxt = re.match(r"(?:'s)?\s+(\S+)", after)
                word = nxt.group(1).strip(",.:;") if nxt else ""
                # "Lynn Police Department" is part of a name; in a heading every word is capitalized,
                # so only an organization's head noun says so ("The Worcester Incident" is a place).
                named = word.lower() in self.rules.organization_words if heading else True
                if named and word not in g.places and word not in g.first_words:
                    continue
            if name in g.ambiguous and not _PLACE_CUE.search(text[:start]):
                continue
            found.append((start, g.places[name]))
            taken.append((start, end))
        for m in _LOCAL.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in taken) and not looks_like_heading(text):
                found.append((m.start(), Place(m.group(), PlaceKind.LOCAL)))
                taken.append(m.span())
        for m in _AFTER_PREP.finditer(text):
            a, b = m.span("name")
            name = m["name"]
            if any(a < e and s < b for s, e in taken) or looks_like_heading(text):
                continue
            first = name.split()[0].lower()
            if first in self.rules.months or first in self.rules.weekdays or first in self.rules.not_names:
                continue
            found.append((a, Place(name, PlaceKind.CITY)))
            taken.append((a, b))
        found.sort(key=lambda x: x[0])
        out: list[Place] = []
        for _, place in found:
            if all(p.name != place.name for p in out):
                out.append(place)
        return out

    def names(self, sentence: str) -> list[NameMention]:
        text = clean(sentence)
        if looks_like_heading(text):
            return []
        r = self.rules
        g = self.gazetteer
        out: list[NameMention] = []
        for m in self._role.finditer(text):
            role_word = m.group().rstrip(".").lower()
            after = _AFTER_ROLE.match(text[m.end() :])
            if not after:
                continue
            keep: list[str] = []
            for t in after["name"].split():
                low = t.lower().strip(".")
                if low in r.not_names or low in r.roles or t in g.places:
                    break
                keep.append(t)
            if not keep or len(keep[-1]) < 3 or not keep[-1][0].isupper():
                continue
            before = _CTX_BEFORE.search(text[: m.start()])
            ctx = (before.group() if before else "") + m.group()
            out.append(
                NameMention(
                    " ".join(keep),
                    keep[-1],
                    r.roles.get(role_word, role_word),
                    ctx.strip(),
                    _inside_quotes(text, m.end() + after.start("name")),
                )
            )
        for m in self._role_after.finditer(text):
            name = m["name"].split()
            if any(n.lower() in r.not_names or n.lower() in r.roles or n in g.places for n in name):
                continue
            if len(name) < 2 or any(o.text.endswith(name[-1]) for o in out):
                continue  # a first name and a surname, not already read after a title
            role_word = m["role"].lower()
            out.append(
                NameMention(
                    " ".join(name),
                    name[-1],
                    r.roles.get(role_word, role_word),
                    m["title"].strip(),
                    _inside_quotes(text, m.start("name")),
                )
            )
        return out
