"""Where the sources give different answers to what a question asks.

:func:`find_disagreements` reads the parsed question's slot, takes that slot's values
from the sentences of every relevant source's best passages (not only the ones shown,
so the notes do not change with ``k``, paging, filler or a typo), keeps a value only
where its sentence carries the question's subject, groups values that agree (the same
fact written two ways, a coarser date beside a precise one) and writes one line per
disagreement, attributing every value and pointing at the sentence that states it. It
never says which source is right unless a source says so itself.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from index.models import Disagreement, DisagreementValue, Quote
from index.query import Anchor, AnchorKind, ParsedQuestion, Role, Slot, SlotKind, is_participle
from index.text import split_sentences
from index.tokenize import Tokenizer, normalize, words
from index.values import CountValue, NameMention, Place, PlaceKind, clean, counts_agree
from index.values_ages import Age, ages
from index.values_dates import DateValue, dates_compatible, specificity
from index.values_lengths import LengthValue, lengths_agree
from index.values_things import Thing, things_agree

if TYPE_CHECKING:
    from index.lexicon import Lexicon
    from index.values import FactReader

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Displayed(Protocol):
    def display(self) -> str: ...


V = TypeVar("V", bound=_Displayed)  # a value a note shows as written
SEP = " \u00b7 "
GENERIC_SHARE = 0.3  # a term in this share of the passages says little about which event
COUNT_WINDOW = 4  # words between a figure and the verb it counts for
DATE_SHARE = 0.5  # a date's sentence must carry this share of the question's subject
PLACE_SHARE = 0.6  # and a place's sentence this share
STRETCH_REACH = 120  # characters before a value in which the words leading to it are read
CAUSE_MIN_TERMS = 2  # "because Koppinger," is cut short by an aside, not a cause
NOMINAL_MIN_BASE = 4  # shortest verb stem a noun is read as made from ("stop" → "stoppage")
LOOSE_PENALTY = 1.0  # an answer offered, found without the question's words, ranks below one with them


class Facet(StrEnum):
    DATE = "date"
    PLACE = "place"
    COUNT = "count"
    PERSON = "person"
    NAME = "name"
    CLAIM = "claim"
    INCIDENT = "incident"
    AGE = "age"
    REASON = "reason"
    LENGTH = "length"
    THING = "thing"


@dataclass(frozen=True, slots=True)
class Context:
    """One sentence of an evidence passage, with where it came from."""

    text: str
    source_id: str
    rank: int  # order of its passage in the evidence (best first)
    primary: bool  # in its source's best passage
    terms: frozenset[str]  # the sentence's search terms
    passage_terms: frozenset[str]
    passage: int  # index of the passage in the evidence
    position: int  # index of the sentence in its passage
    passage_text: str
    start: int  # the passage's offsets in its source (for pointing at it)
    end: int
    heading: str = ""


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """A value of the slot, from one sentence of one source, with how relevant it is."""

    value: T
    context: Context
    relevance: float


@dataclass(frozen=True, slots=True)
class Group:
    """Values that agree with each other, and the sources that gave them."""

    display: str
    sources: tuple[str, ...]
    extra: str = ""
    evidence: tuple[Context, ...] = ()


@dataclass(frozen=True, slots=True)
class _Job:
    q: ParsedQuestion
    slot: Slot
    contexts: Sequence[Context]
    tags: Mapping[str, str]
    facts: FactReader
    lexicon: Lexicon
    key: tuple[str, ...]  # the question's specific terms: what its subject is
    generic: tuple[str, ...]  # terms too common in the collection to place a sentence
    compounds: tuple[tuple[str, ...], ...] = ()  # runs of content words, the head last ("landfill entrance road")
    nominals: tuple[tuple[str, str], ...] = ()  # stems of the question's verbs a noun is made of, and their terms
    endings: frozenset[str] = frozenset()  # what makes a noun of a verb stem ("ad" in "blockad")
    setting: frozenset[str] = frozenset()  # terms of a scene-setting phrase ("outside City Hall")


# --- entry point ------------------------------------------------------------------------


def find_disagreements(
    q: ParsedQuestion,
    evidence: Sequence[Quote],
    tags: Mapping[str, str],
    lexicon: Lexicon,
    generic: Callable[[str], bool] = lambda t: False,
) -> tuple[Disagreement, ...]:
    """One Disagreement per slot value the sources give differently; () when they agree.

    ``evidence`` is every relevant source's best passages, best first; ``generic`` says
    whether a term is too common in the collection to tell one event from another.
    """
    parts = q.parts or (q,)
    out: list[Disagreement] = []
    for part in parts:
        for d in _one(part, evidence, tags, lexicon, generic):
            if all(d.note != o.note for o in out):
                out.append(d)
    return tuple(out)


def _one(
    q: ParsedQuestion,
    evidence: Sequence[Quote],
    tags: Mapping[str, str],
    lexicon: Lexicon,
    generic: Callable[[str], bool],
) -> list[Disagreement]:
    slot = q.slot
    if slot is None or not evidence:
        return []
    handler = _HANDLERS.get(slot.kind)
    if handler is None and not q.alternatives:
        return []
    contexts = build_contexts(evidence, lexicon)
    if len({c.source_id for c in contexts}) < 2:
        return []
    # The answers a question offers ("a man or a woman?") are guesses, not its subject; so
    # is a year in a "when" question ("which month in 2025"), and its calendar words.
    guesses = {t for a in q.alternatives for t in a.terms}
    if slot.kind is SlotKind.DATE:
        guesses |= {t for a in q.anchors if a.kind is AnchorKind.YEAR for t in a.terms}
        guesses |= {t for t in q.terms if _CALENDAR_WORD.match(t) or t in lexicon.facts.rules.weekdays}
    guesses |= set(lexicon.tokenizer.tokens(slot.offered))  # "were three parents arrested?": to check
    terms = [t for t in q.key_terms if t not in slot.speaker and t not in q.context and t not in guesses]
    key = tuple(t for t in terms if not generic(t))
    gen = tuple(t for t in terms if generic(t))
    job = _Job(q, slot, contexts, tags, lexicon.facts, lexicon, key, gen)
    job = _with_nominals(replace(job, compounds=_compounds(job), setting=_setting_terms(job)))
    try:
        # The answers the question offers are what it asks to choose between; places among
        # them ("eureka street or eureka terrace") are answers, not where the subject is.
        offered = [normalize(a.text) for a in q.alternatives]
        kept = tuple(p for p in q.places if not any(normalize(p) in o for o in offered))
        chosen = compare_alternatives(replace(job, q=replace(q, places=kept))) if offered else []
        return chosen or (handler(job) if handler is not None else [])
    except Exception:  # a detector bug must never break an answer
        log.exception("disagreement detection failed for %r", q.text)
        return []


def build_contexts(evidence: Sequence[Quote], lexicon: Lexicon) -> list[Context]:
    """Sentences of the evidence passages (duplicates skipped), best passages first."""
    tok = lexicon.tokenizer
    out: list[Context] = []
    seen: set[tuple[str, int, int]] = set()
    firsts: set[str] = set()
    for rank, e in enumerate(evidence):
        key = (e.source_id, e.start, e.end)
        if key in seen:
            continue
        seen.add(key)
        primary = e.source_id not in firsts
        firsts.add(e.source_id)
        pterms = frozenset(tok.tokens(e.text + " " + (e.heading or "")))
        for i, s in enumerate(split_sentences(e.text)):
            out.append(
                Context(
                    s,
                    e.source_id,
                    rank,
                    primary,
                    frozenset(tok.tokens(s)),
                    pterms,
                    rank,
                    i,
                    e.text,
                    e.start,
                    e.end,
                    e.heading or "",
                )
            )
    return out


def _with_nominals(job: _Job) -> _Job:
    """A sentence that names the question's verb as a noun carries its term: "the blockade
    lasted four hours" is said of "how long was the road blocked", "the closure" of "closed".
    Read on stems ("blockad" is "block" + "ad"), so no sentence is scanned again."""
    tok = job.lexicon.tokenizer
    wanted = {*job.key, *job.generic}
    endings = frozenset(e for x in job.lexicon.language.nominal_suffixes for e in (x, x.removesuffix("e")))
    nominals: list[tuple[str, str]] = []
    for w in job.q.words:
        terms = [t for t in tok.tokens(w.word) if t in wanted]
        base = tok.stem(w.word)
        if terms and len(base) >= NOMINAL_MIN_BASE and base.isalpha():
            nominals.append((base.removesuffix("e"), terms[0]))
    if not nominals:
        return job
    job = replace(job, nominals=tuple(nominals), endings=endings)
    around: dict[int, frozenset[str]] = {}  # a passage's terms, read once for all its sentences
    contexts: list[Context] = []
    for c in job.contexts:
        if c.passage not in around:
            around[c.passage] = _named_terms(c.passage_terms, job)
        if around[c.passage] is c.passage_terms:
            contexts.append(c)  # no noun of the question's verbs in the whole paragraph
        else:
            contexts.append(replace(c, terms=_named_terms(c.terms, job), passage_terms=around[c.passage]))
    return replace(job, contexts=contexts)


def _derived_from(term: str, stem: str, endings: frozenset[str]) -> bool:
    """ "blockad" is "block" + "ad"; "stoppag" is "stop" + "p" + "ag"; "hospit" (from
    "hospital") is no noun made of "hospit" (from the question's "hospital")."""
    if term == stem or not term.startswith(stem):
        return False
    rest = term[len(stem) :]
    return rest in endings or (rest[:1] == stem[-1:] and rest[1:] in endings)


def _named_terms(have: frozenset[str], job: _Job) -> frozenset[str]:
    """``have`` (a text's terms) with the question terms it names as nouns."""
    more = {
        term
        for stem, term in job.nominals
        if term not in have and any(_derived_from(t, stem, job.endings) for t in have)
    }
    return have | more if more else have


def _names_event(have: frozenset[str], job: _Job) -> bool:
    return any(_derived_from(t, stem, job.endings) for stem, _ in job.nominals for t in have)


# --- relevance --------------------------------------------------------------------------


def relevance(ctx: Context, job: _Job, strict: bool = False) -> float | None:
    """How well a sentence carries the question's subject; None when it does not.

    A sentence about another place than the question's is never relevant; one that names
    no place is, when its passage names none either or names the question's. ``strict``:
    the sentence or its passage must name the question's place (who was arrested *there*).
    """
    facts = job.facts
    g = facts.gazetteer
    if job.q.places:
        asked = _question_places(job)
        here = facts.places(ctx.text)
        if _elsewhere(here, asked, facts):
            return None
        if not here:
            around = facts.places(ctx.passage_text + "\n" + ctx.heading)
            if _elsewhere(around, asked, facts):
                return None
            # A paragraph that names no place at all, in a source that names the asked one
            # elsewhere, tells of that place ("Three officers sustained minor injuries").
            if (
                strict
                and not any(g.inside(p.name, a.name) for p in around for a in asked)
                and (around or not _source_names(ctx.source_id, asked, job))
            ):
                return None
    if strict:
        rules = facts.rules
        named = [
            a
            for a in job.q.anchors
            if a.kind is AnchorKind.NAME
            and a.known
            and a.text.lower() not in rules.weekdays
            and a.text.lower() not in rules.months  # "on the thursday" says when, not what
        ]
        have = ctx.passage_terms | set(job.lexicon.tokenizer.tokens(ctx.heading))
        if any(not any(set(a.terms) <= have for a in name) for name in _one_name(named, job.q.text)):
            return None  # "how many apartments in the Fenwick Arms": a figure about it, not the town
    score = 0.0
    in_sentence = 0
    for t in job.key:
        if t in ctx.terms:
            score += 1.0
            in_sentence += 1
        elif t in ctx.passage_terms and ctx.primary:
            score += 0.4
    for t in job.generic:
        if t in ctx.terms:
            score += 0.3
    if job.key and in_sentence == 0 and not (ctx.primary and score > 0):
        return None
    if not job.key and score == 0 and (not ctx.primary or _lacks_generic(ctx, job)):
        return None
    score += 0.5 if ctx.primary else 0.0
    return score - 0.01 * ctx.rank


def _lacks_generic(ctx: Context, job: _Job) -> bool:
    """A question whose subject is all common words ("the meeting") still needs one of them
    in the sentence or the heading it answers under."""
    if not job.generic:
        return False
    heading = _heading_terms(ctx, job)
    return not any(t in heading for t in job.generic)


def _heading_terms(ctx: Context, job: _Job) -> frozenset[str]:
    return frozenset(job.lexicon.tokenizer.tokens(ctx.heading)) if ctx.heading else frozenset()


def _one_name(anchors: Sequence[Anchor], question: str) -> list[list[Anchor]]:
    """Names written side by side in the question are one's ("Ernesto Salcedo"): a source
    may use either part ("Ernesto is the cook")."""
    text = question.lower()
    out: list[list[Anchor]] = []
    for a in anchors:
        if out and f"{out[-1][-1].text} {a.text}".lower() in text:
            out[-1].append(a)
        else:
            out.append([a])
    return out


def _source_names(source_id: str, asked: Sequence[Place], job: _Job) -> bool:
    """Some evidence passage of the source names one of the asked places."""
    g = job.facts.gazetteer
    passages = {c.passage_text + "\n" + c.heading for c in job.contexts if c.source_id == source_id}
    return any(g.inside(p.name, a.name) for text in passages for p in job.facts.places(text) for a in asked)


def _question_places(job: _Job) -> list[Place]:
    g = job.facts.gazetteer
    return [g.places.get(p) or Place(p, PlaceKind.LOCAL) for p in job.q.places]


def _elsewhere(found: Sequence[Place], asked: Sequence[Place], facts: FactReader) -> bool:
    """The text names a place of the same size as one the question names, and none of them
    is it (another street, another town): it is about somewhere else."""
    g = facts.gazetteer
    for a in asked:
        same_size = [p for p in found if _size(p) == _size(a)]
        if (
            same_size
            and not any(g.related(p.name, a.name) for p in same_size)
            and not any(g.related(p.name, b.name) for p in found for b in asked if b is not a)
        ):
            return True
    return False


_STREET_WORD = re.compile(
    r"\b(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Boulevard|Blvd\.?|Drive|Way|Highway|Route)$"
)


def _street(p: Place) -> bool:
    return p.kind is PlaceKind.LOCAL and bool(_STREET_WORD.search(p.name))


def _size(p: Place) -> str:
    return "local" if p.kind is PlaceKind.LOCAL else "area"


def _best_per_source(found: Sequence[Found[T]], key: Callable[[Found[T]], tuple[float, ...]]) -> dict[str, Found[T]]:
    best: dict[str, Found[T]] = {}
    for f in found:
        cur = best.get(f.context.source_id)
        if cur is None or key(f) > key(cur):
            best[f.context.source_id] = f
    return best


# --- grouping and notes ----------------------------------------------------------------


def group_values(
    items: Sequence[tuple[str, T]], agree: Callable[[T, T], bool], order: Callable[[T], float] | None = None
) -> list[list[tuple[str, T]]]:
    """Greedy grouping: each value joins the first group it agrees with entirely.

    ``order`` sorts values first (most precise first), so a coarse value joins a precise one.
    """
    seq = sorted(items, key=lambda it: order(it[1])) if order else list(items)
    groups: list[list[tuple[str, T]]] = []
    for sid, v in seq:
        for grp in groups:
            if all(agree(v, w) for _, w in grp):
                grp.append((sid, v))
                break
        else:
            groups.append([(sid, v)])
    return groups


def is_conflict(groups: Sequence[Sequence[tuple[str, object]]]) -> bool:
    """At least two groups, with a source in one that is not in the other."""
    if len(groups) < 2:
        return False
    sets = [{sid for sid, _ in g} for g in groups]
    return any(a - b and b - a for i, a in enumerate(sets) for b in sets[i + 1 :])


def _tags(ids: Sequence[str], tags: Mapping[str, str]) -> str:
    return ", ".join(tags.get(i, i) for i in ids)


def _order_ids(ids: Sequence[str], tags: Mapping[str, str]) -> tuple[str, ...]:
    def key(i: str) -> tuple[int, str]:
        t = tags.get(i, i)
        m = re.search(r"\d+", t)
        return (int(m.group()) if m else 10**6, t)

    return tuple(sorted(dict.fromkeys(ids), key=key))


def render(facet: Facet, lead: str, groups: Sequence[Group], tags: Mapping[str, str], tail: str = "") -> Disagreement:
    """``lead: value [S1, S4] · value [S2]`` plus an optional tail sentence."""
    parts = [f"{g.display}{g.extra} [{_tags(g.sources, tags)}]" for g in groups]
    note = f"{lead}: {SEP.join(parts)}"
    if tail:
        note = f"{note}; {tail}"
    values = tuple(
        DisagreementValue(g.display, g.sources, tuple((c.source_id, c.start, c.end, c.text) for c in g.evidence))
        for g in groups
    )
    return Disagreement(str(facet), note, values)


def _evidence(found: Mapping[str, Found[T]], ids: Sequence[str]) -> tuple[Context, ...]:
    return tuple(found[s].context for s in ids if s in found)


# --- dates ------------------------------------------------------------------------------


def date_values(job: _Job) -> list[Found[DateValue]]:
    """Dates of relevant sentences. "How long" asks since when: only start dates count then;
    other questions never take a start date ("since 2017") for the event's date."""
    out: list[Found[DateValue]] = []
    asks_career = job.facts.career_step(job.q.text)
    asks_future = job.facts.future(job.q.text) or bool(_ASKS_AHEAD.search(job.q.corrected.lower()))
    for c in (_as_acts(c, job) for c in job.contexts):
        rel = relevance(c, job)
        if rel is None or not _carries_subject(c, job, DATE_SHARE):
            continue
        if not asks_career and job.facts.career_step(c.text):
            continue  # "took office as mayor in January 2023" dates no incident
        if job.facts.refutes(c.text):
            continue  # "reports that it happened on Monday are wrong"
        if not asks_future and job.facts.future(c.text):
            continue  # "is scheduled to appear in court on June 18" dates no arrest
        began = not job.slot.duration and _state_since(c.text, job)
        for found in job.facts.dates(c.text):
            # "has been closed since Monday": closed on Monday
            value = replace(found, since=False) if began and found.since else found
            if value.since != job.slot.duration:
                continue
            if _dated_elsewhere(c.text, value.text, job):
                continue  # "last week in Worcester and Tuesday in Waltham": Tuesday is Waltham's
            if not job.slot.time and value.hours is not None:
                if not value.has_calendar:
                    continue  # "just after 7 a.m." answers "what time", not "what date"
                out.append(Found(replace(value, hours=None), c, rel))
                continue
            out.append(Found(value, c, rel))
    return out


_STATE_SINCE = re.compile(r"\b(?:has|have|had)\s+been\s+(?P<verb>\w+)\b[^.;]{0,30}?\bsince\b", re.IGNORECASE)


def _state_since(sentence: str, job: _Job) -> bool:
    """The sentence says since when the asked act's state has held ("the beach has been
    closed since Monday" for "when did they close the beach"): its start is the act's date."""
    tok = job.lexicon.tokenizer
    asked = {*job.key, *job.generic}
    return any(set(tok.tokens(m["verb"])) & asked for m in _STATE_SINCE.finditer(sentence))


def _as_acts(c: Context, job: _Job) -> Context:
    """The sentence without the question's terms it uses only as adjectives: a participle
    after a determiner ("onto the closed beach") describes a state, not the act dated
    ("when did the town close the beach")."""
    asked = {*job.key, *job.generic} & c.terms
    if not asked:
        return c
    determiners = job.facts.rules.thing_determiners
    ws = words(c.text)
    described = [
        w.surface
        for before, w, after in zip(ws, ws[1:], ws[2:], strict=False)
        if before.surface in determiners and is_participle(w.surface, job.lexicon) and after
    ]
    if not described:
        return c
    tok = job.lexicon.tokenizer
    adjectival = Counter(t for w in described for t in tok.tokens(w) if t in asked)
    if not adjectival:
        return c
    every = Counter(t for t in tok.tokens(c.text) if t in adjectival)
    only = {t for t, n in adjectival.items() if every[t] <= n}
    return replace(c, terms=c.terms - only) if only else c


_IN_PLACE = re.compile(r"\s*,?\s*(?:in|at|on)\s+(?P<place>(?:[A-Z][\w'-]+\s?){1,3})")


def _dated_elsewhere(sentence: str, written: str, job: _Job) -> bool:
    """The date is written right before another place than the question's ("Tuesday in
    Waltham" for a question about Worcester)."""
    if not job.q.places:
        return False
    at = sentence.find(written)
    m = _IN_PLACE.match(sentence, at + len(written)) if at >= 0 else None
    if m is None:
        return False
    found = job.facts.places(m["place"].strip())
    return bool(found) and _elsewhere(found, _question_places(job), job.facts)


def _subject_weight(job: _Job, ctx: Context | None = None) -> float:
    """Weight of the question's subject. For a sentence that names a noun of it, without the
    modifiers of that noun its source never uses: a report of "the road into the landfill"
    never says "landfill entrance road", yet tells of that road. Only a sentence that names
    every such noun is let off: one that never names the "hearing" does not tell of the
    "court hearing on the injunction request"."""
    w = job.q.weight
    subject = job.key
    total = sum(w.get(t, 0.0) for t in subject)
    if ctx is None:
        return total
    compounds = job.compounds
    if not compounds or any(head not in ctx.terms for *_, head in compounds):
        return total
    used = {t for c in job.contexts if c.source_id == ctx.source_id for t in c.passage_terms}
    return sum(w.get(t, 0.0) for t in subject if t in used or not any(t in c[:-1] for c in compounds))


def _compounds(job: _Job, determined: bool = False) -> tuple[tuple[str, ...], ...]:
    """Runs of two or more content words of the question ("landfill entrance road") as terms,
    the last (the head) last; names are no modifiers. ``determined``: only runs after a
    determiner ("the immigration officers"), so a verb and its object ("to stop
    enforcement") are not taken for one."""
    tok = job.lexicon.tokenizer
    determiners = job.facts.rules.thing_determiners
    named = {t for a in job.q.anchors for t in a.terms}
    runs: list[list[str]] = [[]]
    opened = not determined
    for w in job.q.words:
        terms = tok.tokens(w.word) if w.role is Role.CONTENT else []
        if determined and is_participle(w.word, job.lexicon):
            terms = []  # "a child hurt": the noun and what happened to it
        if len(terms) == 1 and terms[0] not in named and opened:
            runs[-1].append(terms[0])
        elif runs[-1]:
            runs.append([])
        if determined and not runs[-1]:
            opened = w.typed in determiners
    return tuple(tuple(r) for r in runs if len(r) > 1)


def _setting_terms(job: _Job) -> frozenset[str]:
    """Key terms of the phrases that set the question's scene ("outside City Hall", "in the
    crowd"): after a setting preposition, its content words up to the next function word."""
    tok = job.lexicon.tokenizer
    lang = job.lexicon.language
    out: set[str] = set()
    inside = False
    for w in job.q.words:
        if w.typed in lang.setting_prepositions:
            inside = True  # "outside" is a content word to the tokenizer: part of the scene
            out.update(tok.tokens(w.word))
        elif w.role is Role.CONTENT and inside:
            out.update(tok.tokens(w.word))
        elif w.role is Role.FUNCTION and w.typed not in job.facts.rules.thing_determiners:
            inside = False
    return frozenset(out)


def _carries_subject(ctx: Context, job: _Job, share: float) -> bool:
    """The sentence (with its neighbours and heading) carries ``share`` of the subject its
    source names."""
    subject = _subject_weight(job, ctx)
    return not subject or _carried(ctx, job) >= share * subject


def _carried(ctx: Context, job: _Job) -> float:
    """Weight of the question's subject a sentence carries, with its neighbours and its
    passage's heading: "On May 8 …" often opens the paragraph the event is told in, and
    "The trouble started around 7:30 a.m." is followed by what the trouble was."""
    w = job.q.weight
    near = {
        t
        for c in job.contexts
        if c.passage == ctx.passage and abs(c.position - ctx.position) == 1 and not job.facts.dates(c.text)
        for t in c.terms
    }
    have = ctx.terms | near | _heading_terms(ctx, job)
    if _names_event(frozenset(job.lexicon.tokenizer.tokens(ctx.text)), job):
        have |= ctx.passage_terms  # "the blockade" stands for the blocking of what its paragraph names
    return sum(w.get(t, 0.0) for t in job.key if t in have)


def _date_key(f: Found[DateValue]) -> tuple[float, ...]:
    v = f.value
    return (1.0 if v.has_calendar else 0.0, round(f.relevance, 3), -specificity(v))


def compare_dates(job: _Job) -> list[Disagreement]:
    """Date conflict (or different incidents when the places differ too)."""
    best = _best_per_source(date_values(job), _date_key)
    items = [(sid, f.value) for sid, f in best.items()]
    groups = group_values(items, dates_compatible, order=specificity)
    if not is_conflict(groups):
        return []
    out_groups = []
    place_sets: list[list[Place]] = []
    for grp in groups:
        # "what time": a group is shown by its time of day, when one of its sources gives it
        timed = [v for _, v in grp if v.hours] if job.slot.time else []
        if timed:
            narrow = min(timed, key=lambda v: (v.hours[1] - v.hours[0] if v.hours else 24.0, specificity(v)))
        else:
            narrow = min((v for _, v in grp), key=specificity)
        ids = _order_ids([sid for sid, _ in grp], job.tags)
        places: list[Place] = []
        for sid, _ in grp:
            places += _places_near(best[sid].context, job.facts)
        place_sets.append(job.facts.finest(places))
        out_groups.append(Group(narrow.display(), ids, evidence=_evidence(best, ids)))
    if _disjoint_places(place_sets, job.facts):
        shown = [
            Group(f"{g.display} ({', '.join(p.name for p in ps)})" if ps else g.display, g.sources, evidence=g.evidence)
            for g, ps in zip(out_groups, place_sets, strict=True)
        ]
        return [render(Facet.INCIDENT, "Sources describe different incidents", shown, job.tags)]
    lead = "Sources differ on the time" if job.slot.time else "Sources differ on the date"
    return [render(Facet.DATE, lead, out_groups, job.tags)]


def length_values(job: _Job) -> list[Found[LengthValue]]:
    """Lengths of time ("for about 45 minutes") in sentences that carry the question's subject."""
    out: list[Found[LengthValue]] = []
    facts = job.facts
    for c in job.contexts:
        rel = relevance(c, job)
        if rel is None or not _carries_subject(c, job, DATE_SHARE):
            continue
        if facts.refutes(c.text) or facts.habitual(c.text) or facts.opens_other_event(_told_so_far(c)):
            continue  # "reports that it lasted two weeks are wrong", "meets for 2 hours every week"
        for v in facts.lengths(c.text):
            if _said_of_subject(c.text, v.at, job) and not _supposed(c.text, v.at, job):
                out.append(Found(v, c, rel))  # not "could go on for up to 30 days"
    return out


_STRETCH_BREAK = re.compile(r"[,;:()\u2014]|\s[-\u2013]\s|\b(?P<relative>who|whom|whose|which)\b", re.IGNORECASE)
_ANTECEDENT = re.compile(r"(?:\S+\s+){0,2}\S+[\s,]*$")
_ASIDE = re.compile(r"\s*(?:\S+\s+){0,5}\S*\s*")  # a few words between commas: "at about 5:50 a.m."


_WHEN_ADJUNCT = re.compile(r"\b(?:before|after|during|since|until)\s+(?:the\s+|a\s+|an\s+)?[\w-]+", re.IGNORECASE)


def _said_of_subject(sentence: str, at: int, job: _Job, asked: Sequence[str] = ()) -> bool:
    """A value at ``at`` is the subject's when the stretch of words leading to it (from the
    last comma or dash) names it: "Foundry Lane was closed for three hours". In a relative
    clause it is its noun's: "the meeting, which was halted for an hour", but not "Denise,
    who has worked at the plant for 22 years, was struck at the Foundry Lane gate"."""
    begin = max(0, at - STRETCH_REACH)  # a stretch is a few words: never rescan a long sentence
    last = next(reversed(list(_STRETCH_BREAK.finditer(sentence, begin, at))), None)
    stretch = sentence[last.end() if last else begin : at]
    if last is not None and last["relative"]:
        found = _ANTECEDENT.search(sentence, max(0, last.start() - STRETCH_REACH), last.start())
        stretch = found.group() if found else ""
    asked = asked or (*job.key, *job.generic)
    stretch = _WHEN_ADJUNCT.sub(" ", stretch)  # "called police before the collision": the call, not the collision
    have = _named_terms(frozenset(job.lexicon.tokenizer.tokens(stretch)), job)
    if not any(t in have for t in asked) and _ASIDE.fullmatch(stretch) and last is not None and not last["relative"]:
        # "had called police earlier, at about 5:50 a.m., because …": read past the aside
        before = list(_STRETCH_BREAK.finditer(sentence, begin, last.start()))
        if before and before[-1]["relative"] is None:
            inner = sentence[before[-1].end() : last.start()]
            if _ASIDE.fullmatch(inner):
                outer = sentence[begin : before[-1].start()]
                have = _named_terms(frozenset(job.lexicon.tokenizer.tokens(outer)), job)
    return any(t in have for t in asked)


def _supposed(sentence: str, at: int, job: _Job) -> bool:
    """The words leading to a value say what could or should be ("could go on for up to 30
    days"), not what was."""
    return job.facts.hypothetical(sentence[max(0, at - STRETCH_REACH) : at])


def compare_lengths(job: _Job) -> list[Disagreement]:
    """ "How long did it last": lengths of time that admit no common length."""
    best = _best_per_source(length_values(job), lambda f: (round(f.relevance, 3), -(f.value.high - f.value.low)))
    return _note_on(best, lengths_agree, Facet.LENGTH, "Sources differ on how long it lasted", job, _length_width)


def _note_on(
    best: Mapping[str, Found[V]],
    agree: Callable[[V, V], bool],
    facet: Facet,
    lead: str,
    job: _Job,
    order: Callable[[V], float] | None = None,
) -> list[Disagreement]:
    """One note when each source's value, grouped with those it agrees with, makes two groups
    or more; each group shown as its first value's display."""
    groups = group_values([(sid, f.value) for sid, f in best.items()], agree, order=order)
    if not is_conflict(groups):
        return []
    shown = []
    for grp in groups:
        ids = _order_ids([sid for sid, _ in grp], job.tags)
        shown.append(Group(grp[0][1].display(), ids, evidence=_evidence(best, ids)))
    return [render(facet, lead, shown, job.tags)]


def thing_values(job: _Job) -> list[Found[Thing]]:
    """Things said to be thrown, used or taken, in sentences that carry the question's
    subject; never "an object" alone, nor one a sentence denies or only supposes."""
    out: list[Found[Thing]] = []
    # "What tool did people use to get through the fence?": besides the verb, something of
    # what it was used for must be in the sentence (or the heading it answers).
    others = [t for t in (*job.key, *job.generic) if t not in job.slot.verbs]
    for c in job.contexts:
        rel = relevance(c, job)
        if rel is None or not _carries_subject(c, job, DATE_SHARE) or job.facts.refutes(c.text):
            continue  # "some websites reported a brick was thrown; police have not mentioned any brick"
        if others and not any(t in c.terms for t in others) and not _heading_terms(c, job) & set(others):
            continue
        found = job.facts.things(c.text, job.slot.verbs)
        if not found and _answers_asked(c, job):
            found = [v for v in (job.facts.thing_answer(c.text),) if v is not None]
        for v in found:
            if not v.generic and not _supposed(c.text, v.at, job):
                out.append(Found(v, c, rel))
    return out


def _answers_asked(ctx: Context, job: _Job) -> bool:
    """The sentence opens the answer to a heading that asks the same ("What was thrown at
    the truck?" / "A metal thermos, according to police.")."""
    heading = ctx.heading.strip()
    if ctx.position != 0 or not heading.endswith("?"):
        return False
    return bool(set(job.slot.verbs) & set(job.lexicon.tokenizer.tokens(heading)))


def compare_things(job: _Job) -> list[Disagreement]:
    """ "What was thrown?": things with different head words ("a thermos" / "a brick")."""
    best = _best_per_source(thing_values(job), lambda f: (round(f.relevance, 3),))
    return _note_on(best, things_agree, Facet.THING, "Sources name different things", job)


def _length_width(v: LengthValue) -> float:
    return v.high - v.low


def compare_when(job: _Job) -> list[Disagreement]:
    """Dates, or for "how long" the length of time first (then since when)."""
    return (compare_lengths(job) if job.slot.duration else []) or compare_dates(job)


def _places_near(ctx: Context, facts: FactReader) -> list[Place]:
    ps = [p for p in facts.places(ctx.text) if p.kind is not PlaceKind.LOCAL]
    return ps if ps else [p for p in facts.places(ctx.passage_text) if p.kind is not PlaceKind.LOCAL]


def _disjoint_places(sets: Sequence[Sequence[Place]], facts: FactReader) -> bool:
    g = facts.gazetteer
    if len(sets) < 2 or any(not s for s in sets):
        return False
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            if any(g.related(x.name, y.name) for x in a for y in b):
                return False
    return True


# --- places -----------------------------------------------------------------------------


def compare_places(job: _Job) -> list[Disagreement]:
    """Different places of the same size; different incidents when the years differ as well."""
    facts = job.facts
    g = facts.gazetteer
    named = {t for a in job.q.anchors if a.kind is AnchorKind.PLACE for t in a.terms}
    if named and set(job.key) | set(job.generic) <= named:
        return []  # "where is Sallow Park": where a place is, not where something happened
    per_source: dict[str, tuple[float, list[Place], Context]] = {}
    origin = bool(_ORIGIN.search(job.q.corrected.lower()))
    for c in job.contexts:
        rel = relevance(c, job)
        if rel is None or not _covers_terms(c, job):
            continue
        # The event's sentence, or where it is told: its paragraph, or the heading it sits under.
        ps = facts.places(c.text) or facts.places(c.passage_text) or facts.places(c.heading)
        ps = [p for p in ps if p.name not in job.q.places or len(job.q.places) > 1]
        if origin:
            ps = [p for p in ps if p.kind is not PlaceKind.LOCAL]  # a street is where one is, not where one is from
        if not ps:
            continue
        fine = facts.finest(ps)
        rel += 0.2 * min(len(fine), 3) + (
            0.3 if any(p.kind in (PlaceKind.CITY, PlaceKind.LOCAL) for p in fine) else 0.0
        )
        cur = per_source.get(c.source_id)
        if cur is None or rel > cur[0] + 1e-9:
            per_source[c.source_id] = (rel, fine, c)
        elif abs(rel - cur[0]) < 1e-9:
            per_source[c.source_id] = (rel, facts.finest([*cur[1], *fine]), cur[2])
    items = [(sid, tuple(ps)) for sid, (_, ps, _) in per_source.items()]
    # Places one source names together for the event are one scene ("the North Gate on Mill
    # Lane, at Sallow Park"): another source naming either names the same scene.
    # Two streets named together are two places ("not Cannery Street but Foundry Lane").
    together = {(x.name, y.name) for _, ps in items for x in ps for y in ps if _street(x) != _street(y)}

    def agree(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
        if any(g.related(x.name, y.name) or (x.name, y.name) in together for x in a for y in b):
            return True
        # Places of different sizes whose relation is unknown may well be one place seen closer.
        kinds_a, kinds_b = {x.kind for x in a}, {y.kind for y in b}
        return not kinds_a & kinds_b

    groups = group_values(items, agree)
    if not is_conflict(groups):
        return []
    shown: list[Group] = []
    years: list[DateValue | None] = []
    for grp in groups:
        ids = _order_ids([sid for sid, _ in grp], job.tags)
        names = list(dict.fromkeys(p.name for p in facts.finest([p for _, ps in grp for p in ps])))
        years.append(_year_for(ids, per_source, job))
        shown.append(Group(", ".join(names), ids, evidence=tuple(per_source[s][2] for s in ids)))
    if all(y is not None for y in years) and _all_apart([y for y in years if y is not None]):
        labelled = [
            Group(g.display, g.sources, f" ({y.display()})", g.evidence)
            for g, y in zip(shown, years, strict=True)
            if y is not None
        ]
        return [render(Facet.INCIDENT, "Sources describe different incidents", labelled, job.tags)]
    return [render(Facet.PLACE, "Sources name different places", shown, job.tags)]


def _covers_terms(ctx: Context, job: _Job) -> bool:
    """The sentence (with its heading and the sentence before) carries most of the weight of
    the question's specific words."""
    total = _subject_weight(job)
    return not total or _carried(ctx, job) >= PLACE_SHARE * total


def _year_for(
    ids: Sequence[str], per_source: Mapping[str, tuple[float, list[Place], Context]], job: _Job
) -> DateValue | None:
    """The date nearest to where a source names its places: same sentence, passage, source."""
    for sid in ids:
        ctx = per_source[sid][2]
        near = [c for c in job.contexts if c.source_id == sid and c.passage == ctx.passage]
        near.sort(key=lambda c: abs(c.position - ctx.position))
        pools = [[ctx], near, [c for c in job.contexts if c.source_id == sid]]
        for pool in pools:
            for c in pool:
                ds = [d for d in job.facts.dates(c.text) if d.year is not None and not d.since]
                if ds:
                    return ds[0]
    return None


def _all_apart(values: Sequence[DateValue]) -> bool:
    return all(not dates_compatible(a, b) for i, a in enumerate(values) for b in values[i + 1 :])


# --- alternatives -----------------------------------------------------------------------


def compare_alternatives(job: _Job) -> list[Disagreement]:
    """ "Was it a man or a woman?": each source's most relevant sentence that names exactly
    one of the answers offered; a note when sources name different ones."""
    alts = job.q.alternatives
    if len(alts) < 2:
        return []
    best: dict[str, Found[int]] = {}
    # The rest of the question is often only a verb ("that ice took"): a sentence of a
    # source's best passage counts too, below one that carries the question's words.
    loose = replace(job, key=(), generic=())
    # "a man or a woman?" is answered by any word that says which ("a 29-year-old mother").
    offered_genders = [job.facts.gender(a.text.split()[-1]) if a.text.split() else "" for a in alts]
    if len(set(offered_genders)) < len(alts) or not all(offered_genders):
        offered_genders = []
    for c in job.contexts:
        rel = relevance(c, job)
        if rel is None:
            fallback = relevance(c, loose)
            rel = None if fallback is None else fallback - LOOSE_PENALTY
        if rel is None:
            continue
        genders = job.facts.genders(c.text) if offered_genders else set()
        named = [
            i
            for i, a in enumerate(alts)
            if set(a.terms) <= c.terms or (offered_genders and offered_genders[i] in genders)
        ]
        if len(named) != 1:
            continue  # neither, or both ("a man and a woman")
        if c.source_id not in best or rel > best[c.source_id].relevance:
            best[c.source_id] = Found(named[0], c, rel)
    groups = []
    for i, a in enumerate(alts):
        ids = _order_ids([sid for sid, f in best.items() if f.value == i], job.tags)
        if ids:
            groups.append(Group(_as_written(a.text, best[ids[0]].context.text), ids, evidence=_evidence(best, ids)))
    if len(groups) < 2:
        return []
    return [render(Facet.CLAIM, "Sources give different answers", groups, job.tags)]


def _as_written(offered: str, sentence: str) -> str:
    """The answer as the source writes it ("Eureka Street" for "eureka street"), when it does."""
    pattern = r"\b" + r"\s+".join(re.escape(w) for w in offered.split()) + r"\b"
    m = re.search(pattern, sentence, re.IGNORECASE)
    return m.group() if m else offered


# --- counts -----------------------------------------------------------------------------


def count_values(job: _Job) -> list[Found[CountValue]]:
    """Figures for the counted noun, near the question's verb in the same sentence."""
    slot = job.slot
    out: list[Found[CountValue]] = []
    verbs = job.facts.counting_verbs(slot.verbs)
    # "How many were arrested at the second protest?" asks about the later event itself.
    later_asked = job.facts.opens_other_event(job.q.text)
    for c in job.contexts:
        if c.text.lstrip().startswith("|"):
            continue  # table rows: a column's figure is not a sentence's
        rel = relevance(c, job, strict=True)
        if rel is None:
            continue
        if verbs and not (set(verbs) & c.terms):
            continue
        if not later_asked and job.facts.opens_other_event(_told_so_far(c)):
            continue  # the figures of "a second confrontation" are not the first one's
        if job.facts.refutes(c.text):
            continue  # "posts saying three were arrested are wrong": not this source's figure
        for v in job.facts.counts(c.text, slot.nouns):
            if v.increment or not job.facts.noun_matches(v.noun, slot.nouns, slot.verbs):
                continue
            if verbs and not job.facts.near_verb(c.text, v, verbs, COUNT_WINDOW):
                continue
            if not verbs and job.facts.near_verb(c.text, v, job.facts.outcomes, COUNT_WINDOW):
                continue  # "how many people were there": not the 3 people arrested
            if _told_by(c.text, v.text):
                continue  # "according to four people who were there" counts who told it
            out.append(Found(v, c, rel))
    return out


_INFORMANTS = re.compile(r"\b(?:according to|said by|told by)\s+$", re.IGNORECASE)


def _told_by(sentence: str, figure: str) -> bool:
    """The figure counts who told it ("according to four people who were there")."""
    at = sentence.lower().find(figure.lower())
    return at > 0 and _INFORMANTS.search(sentence, 0, at) is not None


def _told_so_far(c: Context) -> str:
    """The passage up to the end of this sentence."""
    at = c.passage_text.find(c.text)
    return c.passage_text[: at + len(c.text)] if at >= 0 else c.text


def compare_counts(job: _Job) -> list[Disagreement]:
    """Different figures for the same counted thing; totals only beside totals. "How much"
    without a counted noun (rent, money) is not compared."""
    if not job.slot.nouns:
        return []
    found = count_values(job)
    out: list[Disagreement] = []
    for aggregate in (False, True):
        part = [f for f in found if f.value.aggregate == aggregate]
        best = _best_per_source(part, lambda f: (round(f.relevance, 3),))
        items = [(sid, f.value) for sid, f in best.items()]
        groups = group_values(items, counts_agree)
        if not is_conflict(groups):
            continue
        what = " ".join(job.slot.focus) or "the count"
        shown = []
        for grp in groups:
            ids = _order_ids([s for s, _ in grp], job.tags)
            shown.append(Group(_count_display([v for _, v in grp]), ids, evidence=_evidence(best, ids)))
        lead = f"Sources give different figures for {what}" + (" (totals)" if aggregate else "")
        out.append(render(Facet.COUNT, lead, shown, job.tags))
    return out


def _count_display(values: Sequence[CountValue]) -> str:
    return " / ".join(dict.fromkeys(v.display() for v in values))


# --- ages -------------------------------------------------------------------------------

TITLED_RELEVANCE = 0.5  # an age beside the title the question asks about, in a sentence that names no more of it
_TITLE_REACH = 30  # characters before a name where its title is written ("Deputy Landon Vickery")


def _titled(text: str, age: Age, job: _Job, names: set[str]) -> bool:
    """ "Deputy Landon Vickery, 29,": the age of the deputy a question asks about."""
    before = clean(text)[max(0, age.at - _TITLE_REACH) : age.at]
    return bool(set(job.lexicon.tokenizer.tokens(before)) & (set(job.q.terms) - names))


def _someone_else(age: Age, asked: set[str], named: set[str], tok: Tokenizer) -> bool:
    """ "Maria Ruiz, 62," when the question asks about Ana Ruiz: each name has a part the
    other lacks."""
    said = set(tok.tokens(age.holder))
    return bool(said - asked) and bool(named - said)


def _asks_about(holder: str, asked: set[str], asks_child: bool, job: _Job) -> bool:
    """A relative's age answers the question when it asks about that relative (or about a
    child, and the relative is one)."""
    return bool(set(job.lexicon.tokenizer.tokens(holder)) & asked) or (
        asks_child and holder in job.facts.rules.child_nouns
    )


def compare_ages(job: _Job) -> list[Disagreement]:
    """Different ages for the person the question asks about ("how old was the baby")."""
    found: list[Found[Age]] = []
    tok = job.lexicon.tokenizer
    asked = set(job.q.terms)
    named = {t for a in job.q.anchors if a.kind is AnchorKind.NAME for t in a.terms}
    names = bool(named)
    calendar = job.facts.calendar_words
    asks_child = bool(asked & {t for w in job.facts.rules.child_nouns for t in tok.tokens(w)})
    for c in job.contexts:
        rel = relevance(c, job, strict=True)
        for a in ages(c.text, calendar, job.facts.age_people):
            titled = a.named and _titled(c.text, a, job, named)
            if rel is None and not titled:
                continue
            if a.named and names and not titled and (not set(tok.tokens(a.holder)) & asked):
                continue  # "Dalia Ferreira, 36," is not how old Tomas is
            if a.named and names and _someone_else(a, asked, named, tok):
                continue  # "her mother, Maria Ruiz, 62," is not how old Ana Ruiz is
            if a.kin and (names or a.holder) and not _asks_about(a.holder, asked, asks_child, job):
                continue  # "Ernesto Salcedo … his eight-year-old daughter", "the boy and his sister"
            found.append(Found(a, c, rel if rel is not None else TITLED_RELEVANCE))
    best = _best_per_source(found, lambda f: (round(f.relevance, 3),))
    groups = group_values([(sid, f.value) for sid, f in best.items()], Age.agrees)
    if not is_conflict(groups):
        return []
    shown = []
    for grp in groups:
        ids = _order_ids([s for s, _ in grp], job.tags)
        shown.append(Group(" / ".join(dict.fromkeys(a.text for _, a in grp)), ids, evidence=_evidence(best, ids)))
    return [render(Facet.AGE, "Sources give different ages", shown, job.tags)]


# --- names and people ------------------------------------------------------------------


def compare_people(job: _Job) -> list[Disagreement]:
    """Spelling variants of one person (a spelling note), different people in one role, or
    people described differently (a man / a woman) for what the question asks about."""
    facts = job.facts
    mentions: list[tuple[Context, NameMention]] = [(c, m) for c in job.contexts for m in facts.names(c.text)]
    qwords = [w.word for w in job.q.words if len(w.word) > 3]
    named = [m for _, m in mentions if any(facts.same_person(w, m.surname) for w in qwords)]
    out: list[Disagreement] = []
    if named:
        targets = [named[0].surname]
        role = named[0].role
    else:
        pool = [(c, m) for c, m in mentions if m.role in job.q.roles] if job.q.roles else []
        if not pool:
            return _described(job) if job.slot.kind is SlotKind.PERSON else []
        clusters = _clusters([m.surname for _, m in pool], facts)
        role = pool[0][1].role
        if job.slot.kind is SlotKind.PERSON and len(clusters) > 1:
            d = _different_people(job, pool)
            if d:
                out.append(d)
        targets = clusters[0] if clusters else []
        if len(clusters) > 1:
            # The person most sources name in that role.
            by_sources = [(len({c.source_id for c, m in pool if m.surname in cl}), cl) for cl in clusters]
            targets = max(by_sources, key=lambda x: x[0])[1]
    spelling = spelling_note(targets, role, job)
    if spelling:
        out.insert(0, spelling)
    return out


def _clusters(surnames: Sequence[str], facts: FactReader) -> list[list[str]]:
    clusters: list[list[str]] = []
    for s in dict.fromkeys(surnames):
        for cl in clusters:
            if any(facts.same_person(s, x) for x in cl):
                cl.append(s)
                break
        else:
            clusters.append([s])
    return clusters


def _different_people(job: _Job, pool: Sequence[tuple[Context, NameMention]]) -> Disagreement | None:
    """Two sources name different people for the role the question asks about."""
    per_source: dict[str, list[str]] = defaultdict(list)
    where: dict[str, Context] = {}
    for c, m in pool:
        if m.quoted:
            continue
        if job.q.places and not any(p.lower() in (m.context + " " + c.text).lower() for p in job.q.places):
            continue
        per_source[c.source_id].append(m.surname)
        where.setdefault(c.source_id, c)
    primary = {sid: Counter(names).most_common(1)[0][0] for sid, names in per_source.items() if names}
    groups = group_values(list(primary.items()), job.facts.same_person)
    if not is_conflict(groups):
        return None
    shown = []
    for grp in groups:
        ids = _order_ids([s for s, _ in grp], job.tags)
        shown.append(Group(grp[0][1], ids, evidence=tuple(where[s] for s in ids)))
    role = job.q.roles[0] if job.q.roles else "the role"
    return render(Facet.PERSON, f"Sources name different people as {role}", shown, job.tags)


_MALE = frozenset(["man", "men", "boy", "boys", "father", "son", "husband", "brother", "he", "him", "his"])
_FEMALE = frozenset(["woman", "women", "girl", "girls", "mother", "daughter", "wife", "sister", "she", "her", "mom"])


_WHO_DONE = re.compile(r"\bwho (?:was|were|got|is|are|has been|had been|did (?:\w+ ){1,2}?)(?:\w+ )?(?P<verb>\w+)")


def _described(job: _Job) -> list[Disagreement]:
    """ "Who was arrested?" without names: a man in one source, a woman in another."""
    m = _WHO_DONE.search(clean(job.q.corrected).lower())
    if not m:
        return []
    verbs = set(job.lexicon.tokenizer.tokens(m["verb"])) & set(job.key)
    if not verbs:
        return []
    found: list[Found[str]] = []
    for c in job.contexts:
        rel = relevance(c, job, strict=True)
        if rel is None or not verbs & c.terms:
            continue
        ws = _words_near(c.text, verbs, job)
        male = sum(w in _MALE for w in ws if w not in {"he", "him", "his"})
        female = sum(w in _FEMALE for w in ws if w not in {"she", "her"})
        if male and not female:
            found.append(Found("a man", c, rel))
        elif female and not male:
            found.append(Found("a woman", c, rel))
    best = _best_per_source(found, lambda f: (round(f.relevance, 3),))
    groups = group_values([(sid, f.value) for sid, f in best.items()], lambda a, b: a == b)
    if not is_conflict(groups):
        return []
    shown = []
    for grp in groups:
        ids = _order_ids([s for s, _ in grp], job.tags)
        shown.append(Group(grp[0][1], ids, evidence=_evidence(best, ids)))
    return [render(Facet.PERSON, "Sources describe different people", shown, job.tags)]


def _words_near(sentence: str, terms: set[str], job: _Job, reach: int = 3) -> list[str]:
    """Words within ``reach`` of a word carrying one of ``terms`` ("detained a man", "a woman
    was arrested"): the people the question's verb is about, not everyone in the sentence."""
    tok = job.lexicon.tokenizer
    ws = [w.surface for w in words(sentence)]
    at = [i for i, w in enumerate(ws) if terms & set(tok.tokens(w))]
    return [ws[j] for i in at for j in range(max(0, i - reach), min(len(ws), i + reach + 1)) if j != i]


def spelling_note(variants: Sequence[str], role: str | None, job: _Job) -> Disagreement | None:
    """How each source spells one person's name, and which spellings a source calls wrong."""
    if not variants:
        return None
    facts = job.facts
    tags = job.tags
    uses: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[str, int] = {}
    flagged_by: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], Context] = {}
    for c in job.contexts:
        flags = facts.misspelling_flags(c.text, variants)
        for w in flags:
            flagged_by[w].add(c.source_id)
        for w, quoted in facts.surname_mentions(c.text, variants):
            if quoted or w in flags:
                continue
            uses[c.source_id][w] += 1
            first_seen.setdefault(w, len(first_seen))
            where.setdefault((c.source_id, w), c)
    primary: dict[str, str] = {}
    for sid, cnt in uses.items():
        # A source that calls a spelling wrong does not mean it, however often it appears.
        own = [w for w in cnt if sid not in flagged_by.get(w, set())] or list(cnt)
        primary[sid] = max(own, key=lambda w: (cnt[w], -first_seen[w]))
    if len(set(primary.values())) < 2:
        return None
    by_spelling: dict[str, list[str]] = defaultdict(list)
    for sid, w in primary.items():
        by_spelling[w].append(sid)
    order = sorted(by_spelling, key=lambda w: (-len(by_spelling[w]), first_seen[w]))
    groups = [
        Group(
            w,
            _order_ids(by_spelling[w], tags),
            evidence=tuple(where[(s, w)] for s in _order_ids(by_spelling[w], tags)),
        )
        for w in order
    ]
    minor: dict[str, list[str]] = defaultdict(list)
    for sid in _order_ids(list(uses), tags):
        for w in uses[sid]:
            if w != primary[sid] and sid not in flagged_by.get(w, set()):
                minor[w].append(sid)
    also = []
    for w, ids in minor.items():
        verb = "writes" if len(ids) == 1 else "write"
        also.append(f"{_and([tags.get(i, i) for i in _order_ids(ids, tags)])} also {verb} {w}")
    who = f"The {role}'s name" if role else "The name"
    listed = [f"{g.display} [{_tags(g.sources, tags)}]" for g in groups]
    note = f"{who} is spelled {_and(listed)}"
    tails = []
    if also:
        tails.append("; ".join(also))
    for w in order + sorted(set(flagged_by) - set(order)):
        if flagged_by.get(w):
            flaggers = _order_ids(sorted(flagged_by[w]), tags)
            verb = "says" if len(flaggers) == 1 else "say"
            tails.append(f"{_and([tags.get(i, i) for i in flaggers])} {verb} {w} is a misspelling")
    if tails:
        note = f"{note}; {'; '.join(tails)}"
    note += "."
    values = tuple(
        DisagreementValue(g.display, g.sources, tuple((c.source_id, c.start, c.end, c.text) for c in g.evidence))
        for g in groups
    )
    return Disagreement(str(Facet.NAME), note, values)


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- claims -----------------------------------------------------------------------------


def claim_values(job: _Job) -> list[Found[tuple[int, str]]]:
    """Polarity (+1 / -1) of clauses that state the question's claim, with the clause."""
    required = [*job.key, *job.generic]
    if not job.key:
        return []
    tok = job.lexicon.tokenizer
    facts = job.facts
    asks_ability = bool(_MODAL_QUESTION.match(clean(job.q.corrected).lower()))
    nouns = _compounds(job, determined=True)
    kinds = _kinds_asked(job)
    person_terms = {t for w in facts.rules.person_nouns for t in tok.tokens(w)}
    people_asked = {t for t in job.key if t in person_terms}  # "was the girl hurt": "no one was hurt" answers
    out: list[Found[tuple[int, str]]] = []
    by_passage: dict[tuple[int, int], Context] = {(c.passage, c.position): c for c in job.contexts}
    for c in job.contexts:
        answer = _faq_answer(c, job, required, nouns)
        if answer is not None:
            out.append(answer)
            continue
        if relevance(c, job) is None and not c.text.strip().endswith("?"):
            continue
        text = c.text.strip()
        if text.endswith("?"):
            # An FAQ question that states the claim, answered "Yes"/"No" by the next sentence.
            nxt = by_passage.get((c.passage, c.position + 1))
            if nxt and _covers(c.terms, job, required, nouns, c.text):
                m = re.match(r"\s*(yes|no)\b", nxt.text, re.I)
                if m:
                    pol = 1 if m.group(1).lower() == "yes" else -1
                    out.append(Found((pol, f"{m.group(1)}: {nxt.text.strip()}"), nxt, FAQ_WEIGHT))
            continue
        refuted = facts.refutes(text)  # "one website reported a girl was hurt; we found no evidence of that"
        for clause in facts.clauses(text):
            terms = set(tok.tokens(clause))
            terms |= {kind for kind, members in kinds if members & terms}  # "a girl was hurt": a child
            if people_asked and _NOBODY.search(clause):
                terms |= people_asked
            if not _covers(terms, job, required, nouns, clause) or _only_topic(clause, job):
                continue
            # Answer what is asked: "can X …?" by a clause about ability, "did X …?" by what happened.
            if asks_ability != facts.about_ability(clause) or (not asks_ability and facts.hypothetical(clause)):
                continue
            weight = HABITUAL if facts.habitual(clause) else HAPPENED
            polarity = facts.polarity(clause, required)
            if refuted and polarity > 0:
                continue  # what the source reports only to call it wrong
            out.append(Found((polarity, clause), c, weight + (0.2 if c.primary else 0.0)))
    return out


_ORIGIN = re.compile(r"\bwhere\b(?:\s+[\w'-]+){0,5}?\s+(?:originally\s+)?from\b|\bhometown\b|\bcountry of origin\b")
_ASKS_AHEAD = re.compile(r"\bwhen (?:is|are|does|do)\b|\bwhat (?:day|date|time) (?:is|are|does|do)\b")
_CALENDAR_WORD = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?$")
_MODAL_QUESTION = re.compile(r"^(?:\W*\w+\s+){0,3}?(?:can|could|may|is it (?:legal|illegal|allowed|ok|okay))\b")


_YES_NO = re.compile(r"\s*(yes|no)\b", re.IGNORECASE)


def _faq_answer(
    c: Context, job: _Job, required: Sequence[str], nouns: Sequence[tuple[str, ...]]
) -> Found[tuple[int, str]] | None:
    """ "Was anyone hurt?" / "Yes. A deputy sprained his wrist.": an FAQ entry whose heading
    asks and whose answer opens "Yes" or "No" states the claim the two state together."""
    m = _YES_NO.match(c.text)
    if c.position != 0 or m is None or not c.heading.rstrip().endswith("?"):
        return None
    asked = set(job.lexicon.tokenizer.tokens(c.heading)) | c.passage_terms
    if not _covers(asked, job, required, nouns, c.heading):
        return None
    pol = 1 if m.group(1).lower() == "yes" else -1
    return Found((pol, f"{c.heading.strip()} {c.passage_text.strip()}"), c, FAQ_WEIGHT)


HAPPENED = 1.0  # weight of a clause that says what happened
HABITUAL = 0.5  # … of one that states a rule ("typically", "usually")
FAQ_WEIGHT = 2.0  # an FAQ's "Yes"/"No" is the source's own answer to the question
_NOBODY = re.compile(r"\b(?:no[ -]?one|nobody|not anyone|not a single (?:person|one))\b", re.IGNORECASE)
_TOPIC_WORDS = frozenset({"about", "regarding", "concerning", "whether"})
TOPIC_REACH = 2  # words between "about" and the term it makes a topic ("questions about the warrants")


def _only_topic(clause: str, job: _Job) -> bool:
    """The clause names what is asked only as a topic ("questions about warrants", "asked
    whether there was a warrant"): it neither affirms nor denies it."""
    tok = job.lexicon.tokenizer
    ws = [w.surface for w in words(clause)]
    at = [i for i, w in enumerate(ws) if set(tok.tokens(w)) & set(job.key)]
    return bool(at) and all(any(ws[j] in _TOPIC_WORDS for j in range(max(0, i - TOPIC_REACH), i)) for i in at)


def _kinds_asked(job: _Job) -> list[tuple[str, frozenset[str]]]:
    """Question terms that name a kind of person ("a child", "anyone"), with the terms of the
    nouns that are of that kind ("girl", "son"; any person)."""
    tok = job.lexicon.tokenizer
    rules = job.facts.rules
    asked = {*job.key, *job.generic}
    out = []
    for kind_words, members in (
        (rules.generic_child_nouns, rules.child_nouns),
        (rules.generic_person_nouns, rules.person_nouns),
    ):
        member_terms = frozenset(t for w in (*members, *rules.nobody_words) for t in tok.tokens(w))
        out += [(t, member_terms) for w in kind_words for t in tok.tokens(w) if t in asked]
    return list(dict.fromkeys(out))


MIN_CLAIM_TERMS = 2  # terms a claim keeps besides its scene for the scene to be let off


def _covers(
    terms: set[str] | frozenset[str],
    job: _Job,
    required: Sequence[str],
    noun_compounds: Sequence[tuple[str, ...]] = (),
    text: str = "",
) -> bool:
    """Every specific term, and every generic one but at most one when there are many, or
    when two specific ones already place the clause ("no charges against the driver" for
    "was the truck driver charged", where "truck" is in most passages)."""
    # A modifier may go unsaid when its noun is there ("the officers" for "the immigration
    # officers", not "the police officers"); so may the scene, when the claim keeps two terms
    # of its own and the clause sets no scene of its own ("at the courthouse").
    loose = {m for *mods, head in noun_compounds if head in terms and _bare(head, text, job) for m in mods}
    own_scene = any(w.surface in job.lexicon.language.setting_prepositions for w in words(text))
    scene: set[str] = set()
    if len([t for t in required if t not in job.setting]) >= MIN_CLAIM_TERMS and not own_scene:
        scene = set(job.setting)
        loose |= scene
    if not all(t in terms or t in loose for t in job.key):
        return False
    missing = [t for t in job.generic if t not in terms and t not in loose]
    # a scene let off places nothing: a term may go missing only beside enough others
    core = [t for t in required if t not in scene]
    specific = [t for t in job.key if t not in scene]
    return len(missing) == 0 or (len(missing) <= 1 and (len(core) >= 4 or len(specific) >= 2))


def _bare(head: str, text: str, job: _Job) -> bool:
    """The clause names the noun with no other modifier before it ("the officers", not "the
    police officers")."""
    tok = job.lexicon.tokenizer
    asked = {*job.key, *job.generic}
    ws = [w.surface for w in words(text)]
    for i, w in enumerate(ws):
        if head in tok.tokens(w):
            before = tok.tokens(ws[i - 1]) if i else []
            if not before or set(before) <= asked:
                return True
    return False


def compare_claims(job: _Job) -> list[Disagreement]:
    """One source affirms what another denies ("with a warrant" / "did not present a warrant")."""
    found = claim_values(job)
    weight: dict[str, float] = defaultdict(float)
    example: dict[tuple[str, int], tuple[float, str, Context]] = {}
    for f in found:
        pol, clause = f.value
        sid = f.context.source_id
        weight[sid] += pol * f.relevance
        cur = example.get((sid, pol))
        if cur is None or f.relevance > cur[0]:
            example[(sid, pol)] = (f.relevance, clause, f.context)
    told = {f.context.source_id for f in found if f.relevance >= HAPPENED}
    # a source that only states a rule ("police usually do not help ICE") says nothing of this event
    stance = {sid: (1 if w > 0 else -1) for sid, w in weight.items() if abs(w) > 1e-9 and sid in told}
    yes = _order_ids([s for s, p in stance.items() if p > 0], job.tags)
    no = _order_ids([s for s, p in stance.items() if p < 0], job.tags)
    if not yes or not no:
        return []
    groups = []
    for label, ids, pol in (("yes", yes, 1), ("no", no, -1)):
        quotes = "; ".join(f'{job.tags.get(s, s)}: "{_short(example[(s, pol)][1])}"' for s in ids)
        groups.append(Group(f"{label} ({quotes})", ids, evidence=tuple(example[(s, pol)][2] for s in ids)))
    # The question is not echoed: the same claim asked with a greeting or in capitals is one note.
    return [render(Facet.CLAIM, "Sources answer this yes and no", groups, job.tags)]


def _short(text: str, limit: int = 110) -> str:
    t = re.sub(r"\s+", " ", text).strip().rstrip(".")
    return t if len(t) <= limit else t[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


# --- reasons ----------------------------------------------------------------------------

# A purpose after a verb of coming or acting: "arrived to assist", "were called in to separate".
# The word after "to" is a verb when it is neither capitalized (a place) nor a determiner.
_PURPOSE = re.compile(
    r"\b(?:arrived|came|were called|was called|called in|were sent|was sent|responded|showed up|stepped in)"
    r"\s+(?:in\s+)?(?:only\s+)?to\s+(?!(?:the|a|an|his|her|their|its|this|that|these|those|court|work|town)\b)"
    r"(?P<what>[a-z]+(?:\s+[a-z]+)?)"
)


def compare_reasons(job: _Job) -> list[Disagreement]:
    """Different reasons given for the same act: purposes ("arrived to assist" / "arrived to
    maintain order") or causes ("halted after a bottle was thrown" / "shut down because he
    didn't want to hear more") that share no word."""
    acts = _acts(job)  # read once: every sentence is judged against the same act
    found = [f for c in job.contexts for f in _reasons(c, job, acts)]
    best = _best_per_source(found, lambda f: (round(f.relevance, 3),))
    items = [(sid, f.value) for sid, f in best.items()]
    groups = group_values(items, lambda a, b: _same_reason(a[0], b[0]))
    if not is_conflict(groups):
        return []
    shown = []
    for grp in groups:
        ids = _order_ids([s for s, _ in grp], job.tags)
        shown.append(Group(f'"{grp[0][1][1]}"', ids, evidence=_evidence(best, ids)))
    return [render(Facet.REASON, "Sources give different reasons", shown, job.tags)]


def _same_reason(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two reasons agree when more than half the words of the shorter are in the other:
    "stopping trucks from entering the plant" / "stopping trucks at the gate", not "a fight
    at the gate"."""
    return bool(a and b) and 2 * len(a & b) > min(len(a), len(b))


def _reasons(c: Context, job: _Job, acts: Sequence[str]) -> list[Found[tuple[frozenset[str], str]]]:
    rel = relevance(c, job)
    if rel is None:
        return []
    tok = job.lexicon.tokenizer
    asked = {*job.key, *job.generic}
    out = []
    for m in _PURPOSE.finditer(c.text):
        terms = frozenset(tok.tokens(m["what"]))
        if terms and _said_of_subject(c.text, m.start(), job, acts):
            out.append(Found((terms, m.group()), c, rel))
    for cause in job.facts.causes(c.text):
        said = _said_of_subject(c.text, cause.at, job, acts) or _answers_asked_why(c, cause.at, job, acts)
        if not said or _supposed(c.text, cause.at, job):
            continue  # "can only shut off water because of …" is a rule, not what happened
        terms = frozenset(t for t in tok.tokens(cause.what) if t not in asked and not t.isdigit())
        if len(terms) >= CAUSE_MIN_TERMS:
            out.append(Found((terms, cause.text), c, rel))
    return out


def _answers_asked_why(c: Context, at: int, job: _Job, acts: Sequence[str]) -> bool:
    """ "Why was the meeting stopped? Because someone pulled the fire alarm.": a sentence that
    opens with its cause answers the question heading it (or asked just before it)."""
    if c.text[:at].strip():
        return False
    asked = c.heading if c.heading.rstrip().endswith("?") else ""
    if not asked and c.position:
        asked = next((p.text for p in job.contexts if p.passage == c.passage and p.position == c.position - 1), "")
    if not asked.rstrip().endswith("?"):
        return False
    return bool(set(job.lexicon.tokenizer.tokens(asked)) & set(acts))


def _acts(job: _Job) -> tuple[str, ...]:
    """The question's terms but those naming who acted ("why did *the police* arrive"): a
    reason is given for an act, so "police arrived to assist" does not say why the sheriff
    wanted police told first. All its terms when it names nothing else, or when its verb is
    one that names no act ("why did police *come*": "arrived to assist" answers it)."""
    light = set(job.lexicon.language.light)
    if any(w.word in light for w in job.q.words):
        return (*job.key, *job.generic)
    tok = job.lexicon.tokenizer
    r = job.facts.rules
    people = {t for w in (*r.person_nouns, *r.officer_nouns, *r.roles) for t in tok.tokens(w)}
    people |= {t for a in job.q.anchors if a.kind is AnchorKind.NAME for t in a.terms}
    acts = tuple(t for t in (*job.key, *job.generic) if t not in people)
    return acts or (*job.key, *job.generic)


_HANDLERS: dict[SlotKind, Callable[[_Job], list[Disagreement]]] = {
    SlotKind.DATE: compare_when,
    SlotKind.PLACE: compare_places,
    SlotKind.COUNT: compare_counts,
    SlotKind.PERSON: compare_people,
    SlotKind.NAME: compare_people,
    SlotKind.CLAIM: compare_claims,
    SlotKind.AGE: compare_ages,
    SlotKind.THING: compare_things,
    SlotKind.REASON: compare_reasons,
}

__all__ = ["Context", "Facet", "build_contexts", "find_disagreements", "group_values", "is_conflict", "relevance"]
