"""Values a sentence states: counts, places, person names, and a claim's polarity.

Each extractor is a plain function over one sentence. Word lists and rules come from
``data/disagree.yaml`` and ``data/places.yaml`` (see ``rules()`` and ``gazetteer()``).
Dates live in ``index.values_dates``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jellyfish
import yaml
from rapidfuzz.distance import Levenshtein

from index.tokenize import straighten

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("data")


def clean(text: str) -> str:
    """NFKC with straight quotes and hyphens; case is kept (names and places need it)."""
    return straighten(text)


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Rules:
    """The word lists of data/disagree.yaml, lower case."""

    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    year_parts: Mapping[str, tuple[int, int]]
    times_of_day: Mapping[str, tuple[int, int]]
    report_date_cues: tuple[str, ...]
    since_words: tuple[str, ...]
    number_words: Mapping[str, int]
    magnitude_words: Mapping[str, tuple[int, int]]
    vague_quantifiers: tuple[str, ...]
    hedges: Mapping[str, tuple[str, ...]]
    hedge_suffix_more: tuple[str, ...]
    aggregate_cues: tuple[str, ...]
    person_nouns: frozenset[str]
    generic_person_nouns: frozenset[str]
    officer_nouns: frozenset[str]
    negations: tuple[str, ...]
    clause_breaks: tuple[str, ...]
    habitual_cues: tuple[str, ...]
    misspelling_cues: tuple[str, ...]
    roles: Mapping[str, str]
    not_names: frozenset[str]
    name_max_edits: int
    question_words: frozenset[str]
    generic_terms: tuple[str, ...]
    facet_labels: Mapping[str, str]


def _strs(raw: Any) -> tuple[str, ...]:
    return tuple(str(x).lower() for x in (raw or ()))


@cache
def rules(path: Path = DATA / "disagree.yaml") -> Rules:
    """Load the detector's word lists (once)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def pairs(key: str) -> dict[str, tuple[int, int]]:
        return {str(k).lower(): (int(v[0]), int(v[1])) for k, v in (raw.get(key) or {}).items()}

    return Rules(
        months={str(k).lower(): int(v) for k, v in raw["months"].items()},
        weekdays={str(k).lower(): int(v) for k, v in raw["weekdays"].items()},
        year_parts=pairs("year_parts"),
        times_of_day=pairs("times_of_day"),
        report_date_cues=_strs(raw.get("report_date_cues")),
        since_words=_strs(raw.get("since_words")),
        number_words={str(k).lower(): int(v) for k, v in raw["number_words"].items()},
        magnitude_words=pairs("magnitude_words"),
        vague_quantifiers=_strs(raw.get("vague_quantifiers")),
        hedges={k: _strs(v) for k, v in (raw.get("hedges") or {}).items()},
        hedge_suffix_more=_strs(raw.get("hedge_suffix_more")),
        aggregate_cues=_strs(raw.get("aggregate_cues")),
        person_nouns=frozenset(_strs(raw.get("person_nouns"))),
        generic_person_nouns=frozenset(_strs(raw.get("generic_person_nouns"))),
        officer_nouns=frozenset(_strs(raw.get("officer_nouns"))),
        negations=_strs(raw.get("negations")),
        clause_breaks=_strs(raw.get("clause_breaks")),
        habitual_cues=_strs(raw.get("habitual_cues")),
        misspelling_cues=_strs(raw.get("misspelling_cues")),
        roles={str(k).lower(): str(v) for k, v in (raw.get("roles") or {}).items()},
        not_names=frozenset(_strs(raw.get("not_names"))),
        name_max_edits=int(raw.get("name_max_edits", 2)),
        question_words=frozenset(_strs(raw.get("question_words"))),
        generic_terms=_strs(raw.get("generic_terms")),
        facet_labels={str(k): str(v) for k, v in (raw.get("facet_labels") or {}).items()},
    )


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def has_phrase(text_lower: str, phrases: Iterable[str]) -> bool:
    """True when any phrase occurs in the lower-case text as whole words."""
    return any(re.search(rf"(?<![\w]){re.escape(p)}(?![\w])", text_lower) for p in phrases)


# --- sentences --------------------------------------------------------------------------

_ABBREV = re.compile(
    r"(?:\b(?:u\.s|mr|mrs|ms|dr|st|jr|sr|gov|sen|rep|lt|sgt|capt|no|vs|inc|co|corp|ave|rd|mt|ft|"
    r"jan|feb|mar|apr|aug|sept|sep|oct|nov|dec|approx|est|a\.m|p\.m|e\.g|i\.e|etc)|\b[A-Z])\.$",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Lines, then sentences; abbreviations ("U.S.", "p.m.", "Kevin F.") do not end one."""
    out: list[str] = []
    for raw in clean(text).splitlines():
        line = raw.strip()
        if not line:
            continue
        start = 0
        for m in re.finditer(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])", line):
            head = line[start : m.end()]
            if _ABBREV.search(line[max(start, m.start() - 6) : m.start() + 1]) and m.group()[0] == ".":
                continue
            out.append(head.strip())
            start = m.end()
        tail = line[start:].strip()
        if tail:
            out.append(tail)
    return out


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
    even when both are approximate ("dozens" / "about 40")."""
    if a.hedge == "magnitude" or b.hedge == "magnitude":
        return a.hedge == b.hedge and a.label == b.label
    if a.anchor != b.anchor:
        return False
    return {a.hedge, b.hedge} != {"more", "less"}


_SKIP_AFTER = re.compile(
    r"^(?:-?year|-?years?\s+old|%|percent|p\.?m\b|a\.?m\b|\(|th\b|st\b|nd\b|rd\b|-\d|/|:\d|,\d|"
    r"days?\b|hours?\b|minutes?\b|weeks?\b|months?\b|years?\b|miles?\b|feet\b|dollars?\b)",
    re.I,
)


@cache
def _count_regex() -> re.Pattern[str]:
    r = rules()
    hedge_words = [w for ws in r.hedges.values() for w in ws]
    numbers = _alt(r.number_words)
    mags = _alt(r.magnitude_words)
    return re.compile(
        rf"(?<![\w$#.,/-])(?:(?P<hedge>{_alt(hedge_words)})\s+)?"
        rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{numbers})(?:[-\s](?:{numbers}))?|{mags})"
        rf"(?P<plus>\+)?(?![\w])"
    )


def _noun_after(rest: str, focus_nouns: Sequence[str]) -> str:
    """The counted noun in the few words after a figure ("of" and adjectives skipped)."""
    ws = re.findall(r"[a-z][a-z'-]*", rest.lower())[:5]
    if ws and ws[0] == "of":
        ws = ws[1:]
        if ws and ws[0] in {"the", "them", "these", "those"}:
            ws = ws[1:]
    r = rules()
    for w in ws[:3]:
        if w in r.person_nouns or any(_same_word(w, f) for f in focus_nouns):
            return w
    return ws[0] if ws else ""


def _same_word(a: str, b: str) -> bool:
    from index.tokenize import default_tokenizer

    t = default_tokenizer()
    return t.tokens(a) == t.tokens(b) and bool(t.tokens(a))


def _enumerated_people(low: str) -> list[tuple[int, str, int]]:
    """ "a 16-year-old and another woman" -> (position, text, 2): a list of single people."""
    r = rules()
    nouns = _alt(r.person_nouns)
    item = rf"(?:a|an|another|one other|one|his|her|their)\s+(?:[a-z'-]+\s+){{0,2}}?(?:\d+-year-old|{nouns})\b"
    chain = re.compile(rf"\b{item}(?:\s*,\s*{item})*\s*,?\s+and\s+{item}")
    out = []
    for m in chain.finditer(low):
        n = len(re.findall(r"\b(?:a|an|another|one other|one|his|her|their)\s", m.group()))
        out.append((m.start(), m.group(), n))
    return out


def extract_counts(sentence: str, focus_nouns: Sequence[str] = ()) -> list[CountValue]:
    """Figures in a sentence with their hedge and counted noun; vague words are skipped.

    Years, ages ("16-year-old"), times, percentages and phone numbers are not counts.
    """
    text = clean(sentence)
    low = text.lower()
    r = rules()
    aggregate = has_phrase(low, r.aggregate_cues)
    out: list[tuple[int, CountValue]] = []
    spans: list[tuple[int, int]] = []
    for pos, surface, n in _enumerated_people(low):
        out.append((pos, CountValue(surface, float(n), "exact", "people", aggregate)))
        spans.append((pos, pos + len(surface)))
    for m in _count_regex().finditer(low):
        if any(a <= m.start() < b for a, b in spans):
            continue
        num = m["num"]
        after = low[m.end() :].lstrip()
        if _SKIP_AFTER.match(low[m.end() :]) or _SKIP_AFTER.match(after):
            continue
        if re.match(r"(?:19|20)\d\d$", num):
            continue  # a year
        before = low[max(0, m.start() - 12) : m.start()]
        if re.search(rf"\b(?:{_alt(r.months)})\.?\s*$", before) or re.match(rf"(?:{_alt(r.months)})\b", after):
            continue  # part of a date
        if num in {"one", "a single", "single"}:
            continue  # "one of the most notable", "just about one arrest": rarely a figure
        hedge = "exact"
        if m["hedge"]:
            hedge = next(k for k, ws in r.hedges.items() if m["hedge"] in ws)
        if m["plus"] or re.match(rf"(?:{_alt(r.hedge_suffix_more)})\b", after):
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
        noun = _noun_after(after, focus_nouns)
        word = m["hedge"] if m["hedge"] and hedge != "magnitude" and not m["plus"] else ""
        out.append((m.start(), CountValue(m.group().strip(), anchor, hedge, noun, aggregate, label, word)))
    out.sort(key=lambda x: x[0])
    return [v for _, v in out]


def noun_matches(value_noun: str, wanted: Sequence[str], verb_terms: Sequence[str] = ()) -> bool:
    """Does a counted noun count what the question counts?

    Same word (stemmed), or a generic person noun ("people") for a specific one
    ("protesters"); officers never match civilians; "arrests" counts "people arrested".
    """
    if not wanted:
        return bool(value_noun)
    r = rules()
    for w in wanted:
        if _same_word(value_noun, w):
            return True
        if value_noun in r.officer_nouns or w in r.officer_nouns:
            continue
        if (value_noun in r.generic_person_nouns and w in r.person_nouns) or (
            w in r.generic_person_nouns and value_noun in r.person_nouns
        ):
            return True
    from index.tokenize import default_tokenizer

    vt = set(default_tokenizer().tokens(value_noun))
    return bool(vt) and bool(vt & set(verb_terms))


# --- places -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A place and what contains it, nearest first."""

    name: str
    kind: str  # city | county | state | region
    within: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    places: Mapping[str, Place]  # by name and by alias
    ambiguous: frozenset[str]
    pattern: re.Pattern[str]

    def inside(self, inner: str, outer: str) -> bool:
        """True when ``inner`` is ``outer`` or lies within it."""
        a, b = self.places.get(inner), self.places.get(outer)
        if a is None or b is None:
            return inner == outer
        return a.name == b.name or b.name in a.within

    def related(self, a: str, b: str) -> bool:
        """One place contains the other (or they are the same)."""
        return self.inside(a, b) or self.inside(b, a)


@cache
def gazetteer(path: Path = DATA / "places.yaml") -> Gazetteer:
    """Places from data/places.yaml with their counties, states and regions."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    places: dict[str, Place] = {}
    region_of_county: dict[str, list[str]] = {}
    for region, members in (raw.get("regions") or {}).items():
        for m in members:
            region_of_county.setdefault(str(m), []).append(str(region))
    for state, aliases in (raw.get("states") or {}).items():
        regions = tuple(region_of_county.get(state, ()))
        places[state] = Place(state, "state", regions)
        for a in aliases or ():
            if len(str(a)) > 2:  # two-letter codes collide with words ("OR", "ME")
                places[str(a)] = places[state]
    for state, counties in (raw.get("counties") or {}).items():
        for county, towns in (counties or {}).items():
            c_regions = tuple(region_of_county.get(county, ()))
            places[county] = Place(county, "county", (state, *c_regions))
            for town in towns or ():
                places[str(town)] = Place(str(town), "city", (county, state, *c_regions))
    for city, state in (raw.get("other_cities") or {}).items():
        places[str(city)] = Place(str(city), "city", (str(state),))
    for region, members in (raw.get("regions") or {}).items():
        states = {places[m].within[0] if places[m].kind == "county" else m for m in members if m in places}
        within = (
            tuple(sorted(s for s in states if places.get(s) and places[s].kind == "state")) if len(states) == 1 else ()
        )
        places[str(region)] = Place(str(region), "region", within)
    names = sorted(places, key=len, reverse=True)
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(n) for n in names)})(?![\w-])")
    return Gazetteer(places, frozenset(str(a) for a in raw.get("ambiguous") or ()), pattern)


_PLACE_CUE = re.compile(r"(?:\b(?:in|at|near|from|across|of|like|including|and|to|outside|around)|,)\s*$", re.I)


def extract_places(sentence: str) -> list[Place]:
    """Places a sentence names, in order; names inside organization names are skipped
    ("Lynn Police Department", "Worcester Community Action", "Essex County Sheriff")."""
    text = clean(sentence)
    g = gazetteer()
    out: list[Place] = []
    for m in g.pattern.finditer(text):
        name = m.group()
        after = text[m.end() :]
        if re.match(r"(?:'s)?\s+(?:[A-Z][a-z]+|[A-Z]{2,})\b", after):
            nxt = re.match(r"(?:'s)?\s+(\S+)", after)
            word = nxt.group(1).strip(",.:;") if nxt else ""
            if word not in g.places and not any(p.startswith(word + " ") for p in g.places):
                continue
        if name in g.ambiguous and not _PLACE_CUE.search(text[: m.start()]):
            continue
        place = g.places[name]
        if all(p.name != place.name for p in out):
            out.append(place)
    return out


def finest(places: Iterable[Place]) -> list[Place]:
    """Drop places that contain another place of the same list (keep "Worcester", not "Massachusetts")."""
    ps = list(places)
    g = gazetteer()
    return [p for p in ps if not any(q.name != p.name and g.inside(q.name, p.name) for q in ps)]


# --- names ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameMention:
    """A person named in a sentence: "Essex County Sheriff Kevin F. Koppinger"."""

    text: str  # the name as written ("Kevin F. Koppinger")
    surname: str
    role: str | None  # canonical role ("sheriff"), when a title introduces the name
    context: str  # the words of the title ("Essex County Sheriff")
    quoted: bool = False  # inside quotation marks: someone else's words


_NAME_TOKEN = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*"
_NAME = rf"(?P<name>(?:{_NAME_TOKEN}\s+)?(?:[A-Z]\.\s+)?{_NAME_TOKEN})"


@cache
def _role_regex() -> re.Pattern[str]:
    """A title word; only the title ignores case, names must be capitalized."""
    return re.compile(rf"(?<![\w.])(?i:{_alt(rules().roles)})(?![\w])\.?")


_AFTER_ROLE = re.compile(rf"^(?:\s+(?:for|of)\s+(?:the\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)??)?\s+{_NAME}(?![\w-])")
_CTX_BEFORE = re.compile(r"(?:[A-Z][\w.'-]*\s+){1,4}$")


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


def extract_names(sentence: str) -> list[NameMention]:
    """People introduced by a title ("Sheriff Kevin Coppinger", "U.S. Attorney Leah Foley").

    Headings are skipped: in Title Case a following word looks like a name.
    """
    text = clean(sentence)
    if looks_like_heading(text):
        return []
    r = rules()
    g = gazetteer()
    out: list[NameMention] = []
    for m in _role_regex().finditer(text):
        role_word = m.group().rstrip(".").lower()
        after = _AFTER_ROLE.match(text[m.end() :])
        if not after:
            continue
        keep: list[str] = []
        for t in after["name"].split():
            low = t.lower().strip(".")
            if low in r.not_names or low in r.roles:
                break
            keep.append(t)
        if not keep or len(keep[-1]) < 3 or not keep[-1][0].isupper() or keep[-1] in g.places:
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
    return out


def same_person_name(a: str, b: str) -> bool:
    """Spelling variants of one surname: small edit distance or the same phonetic key
    (Metaphone / NYSIIS; Soundex is not used: it keeps the first letter, C ≠ K)."""
    x, y = a.lower(), b.lower()
    if x == y:
        return True
    if min(len(x), len(y)) < 4:
        return False
    if Levenshtein.distance(x, y) <= rules().name_max_edits:
        return True
    return jellyfish.metaphone(x) == jellyfish.metaphone(y) or jellyfish.nysiis(x) == jellyfish.nysiis(y)


def surname_mentions(sentence: str, variants: Iterable[str]) -> list[tuple[str, bool]]:
    """Capitalized uses of any spelling similar to ``variants``: (spelling, inside quotes)."""
    text = clean(sentence)
    vs = list(variants)
    out: list[tuple[str, bool]] = []
    for m in re.finditer(rf"(?<![\w-]){_NAME_TOKEN}(?![\w-])", text):
        w = m.group()
        w = w[:-2] if w.endswith("'s") else w
        if any(same_person_name(w, v) for v in vs):
            out.append((w, _inside_quotes(text, m.start())))
    return out


def misspelling_flags(sentence: str, variants: Iterable[str]) -> set[str]:
    """Spellings a sentence says are wrong: "Coppinger (frequently misspelled as "Koppinger")",
    ""Koppinger" is a common error. His correct surname is Coppinger."."""
    text = clean(sentence)
    low = text.lower()
    r = rules()
    if not has_phrase(low, r.misspelling_cues) and "misspel" not in low:
        return set()
    used = surname_mentions(text, variants)
    spellings = {w for w, _ in used}
    if len(spellings) < 1:
        return set()
    quoted = {w for w, q in used if q}
    correct = set()
    for w in spellings:
        if re.search(rf"\bcorrect\w*\s+(?:\w+\s+){{0,3}}(?:is|was|:)?\s*\"?{re.escape(w)}", text, re.I):
            correct.add(w)
    if quoted:
        return quoted - correct
    # "Coppinger, often misspelled Koppinger": the spelling after the cue is the wrong one.
    cue = re.search(rf"(?:{_alt(r.misspelling_cues)}|misspel\w*)", low)
    after = {w for w in spellings if cue and low.find(w.lower(), cue.end()) >= 0}
    return (after or spellings) - correct if len(spellings) > 1 or after else set()


# --- claims -----------------------------------------------------------------------------


def split_clauses(sentence: str) -> list[str]:
    """Clauses of a sentence, split where a negation stops reaching ("..., but ...")."""
    r = rules()
    words = [re.escape(w) for w in r.clause_breaks if w.isalpha()]
    marks = "".join(re.escape(w) for w in r.clause_breaks if not w.isalpha())
    pattern = rf"(?:,\s*|\s+)(?:{'|'.join(words)})\b|[{marks}]" if marks else rf"(?:,\s*|\s+)(?:{'|'.join(words)})\b"
    return [c.strip() for c in re.split(pattern, clean(sentence), flags=re.I) if c and c.strip()]


def clause_polarity(clause: str) -> int:
    """+1 for an affirmed clause, -1 for a negated one ("did not present a judicial warrant")."""
    low = clean(clause).lower()
    neg = 0
    for w in rules().negations:
        if w == "n't":
            neg += len(re.findall(r"\w+n't\b", low))
        else:
            neg += len(re.findall(rf"(?<![\w']){re.escape(w)}(?![\w'])", low))
    return -1 if neg % 2 else 1


def is_habitual(clause: str) -> bool:
    """A general statement ("ICE typically operates with...") rather than about one event."""
    return has_phrase(clean(clause).lower(), rules().habitual_cues)
