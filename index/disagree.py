"""Find where the quoted sources give different answers to the question's slot.

``find_disagreements`` reads the slot the question asks for (``index.question``), takes
that slot's values per source from the quoted passages and from the sentences (of quotes
and evidence) that carry the question's key words, normalizes them, groups the values that
agree (the same fact written two ways, a coarser date beside a precise one) and writes one
line per disagreement, attributing every value. It never says which source is right unless
a source says so itself (a spelling called a misspelling).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from index.models import Disagreement, DisagreementValue, Quote, Source
from index.question import Slot, question_slot
from index.tokenize import default_tokenizer
from index.values import (
    CountValue,
    NameMention,
    Place,
    clause_polarity,
    clean,
    counts_agree,
    extract_counts,
    extract_names,
    extract_places,
    finest,
    gazetteer,
    is_habitual,
    misspelling_flags,
    noun_matches,
    same_person_name,
    split_clauses,
    split_sentences,
    surname_mentions,
)
from index.values_dates import DateValue, dates_compatible, extract_dates, specificity

log = logging.getLogger(__name__)

T = TypeVar("T")

SEP = " \u00b7 "


@dataclass(frozen=True, slots=True)
class Context:
    """One sentence of a passage the engine handed over, with where it came from."""

    text: str
    source_id: str
    rank: int  # order of its passage: quotes first (best first), then evidence
    in_quote: bool
    terms: frozenset[str]  # the sentence's search terms
    passage_terms: frozenset[str]
    passage: int  # index of the passage
    position: int  # index of the sentence in its passage
    passage_text: str


@dataclass(frozen=True, slots=True)
class Found:
    """A value of the slot, from one sentence of one source, with how relevant it is."""

    value: object
    context: Context
    relevance: float


# --- entry point ------------------------------------------------------------------------


def find_disagreements(
    question: str,
    quotes: Sequence[Quote],
    sources: Mapping[str, Source],
    evidence: Sequence[Quote] = (),
) -> tuple[Disagreement, ...]:
    """One Disagreement per slot value the sources give differently; () when they agree."""
    slot = question_slot(question)
    if slot is None or not quotes:
        return ()
    contexts = build_contexts(quotes, evidence)
    if len({c.source_id for c in contexts}) < 2:
        return ()
    tags = {sid: (s.tag or sid) for sid, s in sources.items()}
    handler = _HANDLERS.get(slot.kind)
    if handler is None:
        return ()
    try:
        found = handler(question, slot, contexts, tags)
    except Exception:  # a detector bug must never break an answer
        log.exception("disagreement detection failed for %r", question)
        return ()
    return tuple(found)


def build_contexts(quotes: Sequence[Quote], evidence: Sequence[Quote] = ()) -> list[Context]:
    """Sentences of the quotes, then of the evidence passages (duplicates skipped)."""
    tok = default_tokenizer()
    out: list[Context] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, (q, in_quote) in enumerate([(q, True) for q in quotes] + [(q, False) for q in evidence]):
        key = (q.source_id, q.start, q.end)
        if key in seen:
            continue
        seen.add(key)
        body = q.text
        sents = split_sentences(body)
        pterms = frozenset(tok.tokens(body + " " + (q.heading or "")))
        for i, s in enumerate(sents):
            out.append(Context(s, q.source_id, rank, in_quote, frozenset(tok.tokens(s)), pterms, rank, i, body))
    return out


# --- relevance --------------------------------------------------------------------------


def relevance(ctx: Context, slot: Slot) -> float | None:
    """How well a sentence carries the question's key words; None when it does not."""
    g = gazetteer()
    spec = slot.terms
    if slot.places:
        names = [p.name for p in extract_places(ctx.text)]
        if names and not any(g.related(n, q) for n in names for q in slot.places):
            return None  # the sentence is about another place
        if not names or not any(g.inside(n, q) for n in names for q in slot.places):
            pnames = [p.name for p in extract_places(ctx.passage_text)]
            if not any(g.inside(n, q) for n in pnames for q in slot.places):
                return None
    score = 0.0
    in_sentence = 0
    for t in spec:
        if t in ctx.terms:
            score += 1.0
            in_sentence += 1
        elif t in ctx.passage_terms and ctx.in_quote:
            score += 0.4
    for t in slot.generic:
        if t in ctx.terms:
            score += 0.3
    if spec and in_sentence == 0 and not (ctx.in_quote and score > 0):
        return None
    if not spec and score == 0 and not ctx.in_quote:
        return None
    score += 0.5 if ctx.in_quote else 0.0
    return score - 0.01 * ctx.rank


def _best_per_source(found: Sequence[Found], key: Callable[[Found], tuple[float, ...]]) -> dict[str, Found]:
    best: dict[str, Found] = {}
    for f in found:
        cur = best.get(f.context.source_id)
        if cur is None or key(f) > key(cur):
            best[f.context.source_id] = f
    return best


# --- grouping and notes ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """Values that agree with each other, and the sources that gave them."""

    display: str
    sources: tuple[str, ...]
    extra: str = ""


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


def render(facet: str, lead: str, groups: Sequence[Group], tags: Mapping[str, str], tail: str = "") -> Disagreement:
    """``lead: value [S1, S4] · value [S2]`` plus an optional tail sentence."""
    parts = [f"{g.display}{g.extra} [{_tags(g.sources, tags)}]" for g in groups]
    note = f"{lead}: {SEP.join(parts)}"
    if tail:
        note = f"{note}; {tail}"
    values = tuple(DisagreementValue(g.display, g.sources) for g in groups)
    return Disagreement(facet, note, values)


# --- dates ------------------------------------------------------------------------------


def date_values(slot: Slot, contexts: Sequence[Context]) -> list[Found]:
    """Dates of relevant sentences; a "since" date only for "how long" questions."""
    duration = "duration" in slot.focus
    out: list[Found] = []
    for c in contexts:
        rel = relevance(c, slot)
        if rel is None:
            continue
        for v in extract_dates(c.text):
            if v.since and not duration:
                continue
            out.append(Found(v, c, rel))
    return out


def _date_key(f: Found) -> tuple[float, ...]:
    v = f.value
    assert isinstance(v, DateValue)
    return (1.0 if v.has_calendar else 0.0, round(f.relevance, 3), -specificity(v))


def compare_dates(
    question: str, slot: Slot, contexts: Sequence[Context], tags: Mapping[str, str]
) -> list[Disagreement]:
    """Date conflict (or different incidents when the places differ too)."""
    best = _best_per_source(date_values(slot, contexts), _date_key)
    items = [(sid, f.value) for sid, f in best.items()]
    groups = group_values(items, dates_compatible, order=specificity)  # type: ignore[arg-type]
    if not is_conflict(groups):
        return []
    out_groups = []
    place_sets: list[list[Place]] = []
    for grp in groups:
        narrow = min((v for _, v in grp if isinstance(v, DateValue)), key=specificity)
        ids = _order_ids([sid for sid, _ in grp], tags)
        places: list[Place] = []
        for sid, _ in grp:
            places += _places_near(best[sid].context)
        place_sets.append(finest(places))
        out_groups.append(Group(narrow.display(), ids))
    if _disjoint_places(place_sets):
        shown = [
            Group(f"{g.display} ({', '.join(p.name for p in ps)})" if ps else g.display, g.sources)
            for g, ps in zip(out_groups, place_sets, strict=True)
        ]
        return [render("incident", "Sources describe different incidents", shown, tags)]
    return [render("date", "Sources differ on the date", out_groups, tags)]


def _places_near(ctx: Context) -> list[Place]:
    ps = extract_places(ctx.text)
    return ps if ps else extract_places(ctx.passage_text)


def _disjoint_places(sets: Sequence[Sequence[Place]]) -> bool:
    g = gazetteer()
    if len(sets) < 2 or any(not s for s in sets):
        return False
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            if any(g.related(x.name, y.name) for x in a for y in b):
                return False
    return True


# --- places -----------------------------------------------------------------------------


def compare_places(
    question: str, slot: Slot, contexts: Sequence[Context], tags: Mapping[str, str]
) -> list[Disagreement]:
    """Different places; different incidents when the years differ as well."""
    g = gazetteer()
    per_source: dict[str, tuple[float, list[Place], Context]] = {}
    for c in contexts:
        rel = relevance(c, slot)
        if rel is None or not _covers_terms(c, slot):
            continue
        ps = extract_places(c.text)
        if not ps:
            continue
        fine = finest(ps)
        rel += 0.2 * min(len(fine), 3) + (0.3 if any(p.kind == "city" for p in fine) else 0.0)
        cur = per_source.get(c.source_id)
        if cur is None or rel > cur[0] + 1e-9:
            per_source[c.source_id] = (rel, fine, c)
        elif abs(rel - cur[0]) < 1e-9:
            per_source[c.source_id] = (rel, finest([*cur[1], *fine]), cur[2])
    items = [(sid, tuple(ps)) for sid, (_, ps, _) in per_source.items()]

    def agree(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
        return any(g.related(x.name, y.name) for x in a for y in b)

    groups = group_values(items, agree)
    if not is_conflict(groups):
        return []
    shown: list[Group] = []
    years: list[DateValue | None] = []
    for grp in groups:
        ids = _order_ids([sid for sid, _ in grp], tags)
        names = list(dict.fromkeys(p.name for p in finest([p for _, ps in grp for p in ps])))
        year = _year_for(ids, per_source, contexts)
        years.append(year)
        shown.append(Group(", ".join(names), ids))
    if all(y is not None for y in years) and _all_apart([y for y in years if y is not None]):
        labelled = [
            Group(g.display, g.sources, f" ({y.display()})") for g, y in zip(shown, years, strict=True) if y is not None
        ]
        return [render("incident", "Sources describe different incidents", labelled, tags)]
    return [render("place", "Sources name different places", shown, tags)]


def _covers_terms(ctx: Context, slot: Slot) -> bool:
    """The sentence itself carries the question's specific key words (all but one of four or more)."""
    hits = sum(1 for t in slot.terms if t in ctx.terms)
    return hits >= len(slot.terms) - (1 if len(slot.terms) >= 4 else 0)


def _year_for(
    ids: Sequence[str], per_source: Mapping[str, tuple[float, list[Place], Context]], contexts: Sequence[Context]
) -> DateValue | None:
    """The date nearest to where a source names its places: same sentence, passage, source."""
    for sid in ids:
        ctx = per_source[sid][2]
        near = [c for c in contexts if c.source_id == sid and c.passage == ctx.passage]
        near.sort(key=lambda c: abs(c.position - ctx.position))
        pools = [[ctx], near, [c for c in contexts if c.source_id == sid]]
        for pool in pools:
            for c in pool:
                ds = [d for d in extract_dates(c.text) if d.year is not None and not d.since]
                if ds:
                    return ds[0]
    return None


def _all_apart(values: Sequence[DateValue]) -> bool:
    return all(not dates_compatible(a, b) for i, a in enumerate(values) for b in values[i + 1 :])


# --- counts -----------------------------------------------------------------------------


def count_values(slot: Slot, contexts: Sequence[Context]) -> list[Found]:
    """Figures for the counted noun, in sentences with the question's verb."""
    out: list[Found] = []
    for c in contexts:
        if c.text.lstrip().startswith("|"):
            continue  # table rows: a column's figure is not a sentence's
        rel = relevance(c, slot)
        if rel is None:
            continue
        if slot.verbs and not (set(slot.verbs) & c.terms):
            continue
        for v in extract_counts(c.text, slot.nouns):
            if noun_matches(v.noun, slot.nouns, slot.verbs):
                out.append(Found(v, c, rel))
    return out


def compare_counts(
    question: str, slot: Slot, contexts: Sequence[Context], tags: Mapping[str, str]
) -> list[Disagreement]:
    """Different figures for the same counted thing; totals only beside totals."""
    found = count_values(slot, contexts)
    out: list[Disagreement] = []
    for aggregate in (False, True):
        part = [f for f in found if isinstance(f.value, CountValue) and f.value.aggregate == aggregate]
        best = _best_per_source(part, lambda f: (round(f.relevance, 3),))
        items = [(sid, f.value) for sid, f in best.items()]
        groups = group_values(items, counts_agree)  # type: ignore[arg-type]
        if not is_conflict(groups):
            continue
        what = " ".join(slot.focus) or "the count"
        shown = [Group(_count_display([v for _, v in grp]), _order_ids([s for s, _ in grp], tags)) for grp in groups]
        lead = f"Sources give different figures for {what}" + (" (totals)" if aggregate else "")
        out.append(render("count", lead, shown, tags))
    return out


def _count_display(values: Sequence[object]) -> str:
    shown = list(dict.fromkeys(v.display() for v in values if isinstance(v, CountValue)))
    return " / ".join(shown)


# --- names and people ------------------------------------------------------------------


def compare_people(
    question: str, slot: Slot, contexts: Sequence[Context], tags: Mapping[str, str]
) -> list[Disagreement]:
    """Spelling variants of one person (a spelling note), or different people in one role."""
    mentions: list[tuple[Context, NameMention]] = [(c, m) for c in contexts for m in extract_names(c.text)]
    if not mentions:
        return []
    qlow = clean(question).lower()
    qwords = re.findall(r"[a-z][a-z'-]+", qlow)
    named = [m for _, m in mentions if any(same_person_name(w, m.surname) for w in qwords if len(w) > 3)]
    out: list[Disagreement] = []
    if named:
        targets = [named[0].surname]
        role = named[0].role
    else:
        pool = [(c, m) for c, m in mentions if m.role in slot.roles] if slot.roles else []
        if not pool:
            return []
        clusters = _clusters([m.surname for _, m in pool])
        role = pool[0][1].role
        if slot.kind == "person" and len(clusters) > 1:
            d = _different_people(slot, pool, tags)
            if d:
                out.append(d)
        targets = clusters[0] if clusters else []
        if len(clusters) > 1:
            # The person most sources name in that role.
            by_sources = [(len({c.source_id for c, m in pool if m.surname in cl}), cl) for cl in clusters]
            targets = max(by_sources, key=lambda x: x[0])[1]
    spelling = spelling_note(targets, role, contexts, tags)
    if spelling:
        out.insert(0, spelling)
    return out


def _clusters(surnames: Sequence[str]) -> list[list[str]]:
    clusters: list[list[str]] = []
    for s in dict.fromkeys(surnames):
        for cl in clusters:
            if any(same_person_name(s, x) for x in cl):
                cl.append(s)
                break
        else:
            clusters.append([s])
    return clusters


def _different_people(
    slot: Slot, pool: Sequence[tuple[Context, NameMention]], tags: Mapping[str, str]
) -> Disagreement | None:
    """Two sources name different people for the role the question asks about."""
    qual = [p for p in slot.places]
    per_source: dict[str, list[str]] = defaultdict(list)
    for c, m in pool:
        if m.quoted:
            continue
        if qual and not any(p.lower() in (m.context + " " + c.text).lower() for p in qual):
            continue
        per_source[c.source_id].append(m.surname)
    primary = {sid: Counter(names).most_common(1)[0][0] for sid, names in per_source.items() if names}
    groups = group_values(list(primary.items()), same_person_name)
    if not is_conflict(groups):
        return None
    shown = [Group(grp[0][1], _order_ids([s for s, _ in grp], tags)) for grp in groups]
    role = slot.roles[0] if slot.roles else "the role"
    return render("person", f"Sources name different people as {role}", shown, tags)


def spelling_note(
    variants: Sequence[str], role: str | None, contexts: Sequence[Context], tags: Mapping[str, str]
) -> Disagreement | None:
    """How each source spells one person's name, and which spellings a source calls wrong."""
    if not variants:
        return None
    uses: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[str, int] = {}
    flagged_by: dict[str, set[str]] = defaultdict(set)
    for c in contexts:
        flags = misspelling_flags(c.text, variants)
        for w in flags:
            flagged_by[w].add(c.source_id)
        for w, quoted in surname_mentions(c.text, variants):
            if quoted or w in flags:
                continue
            uses[c.source_id][w] += 1
            first_seen.setdefault(w, len(first_seen))
    primary: dict[str, str] = {}
    for sid, cnt in uses.items():
        # A source that calls a spelling wrong does not mean it, however often it appears.
        own = [w for w in cnt if sid not in flagged_by.get(w, set())] or list(cnt)
        primary[sid] = max(own, key=lambda w: (cnt[w], -first_seen[w]))
    spellings = list(dict.fromkeys(primary[s] for s in sorted(primary, key=lambda s: tags.get(s, s))))
    if len({primary[s] for s in primary}) < 2:
        return None
    by_spelling: dict[str, list[str]] = defaultdict(list)
    for sid, w in primary.items():
        by_spelling[w].append(sid)
    order = sorted(spellings, key=lambda w: (-len(by_spelling[w]), first_seen[w]))
    groups = [Group(w, _order_ids(by_spelling[w], tags)) for w in order]
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
    return Disagreement("name", note, tuple(DisagreementValue(g.display, g.sources) for g in groups))


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- claims -----------------------------------------------------------------------------


def claim_values(slot: Slot, contexts: Sequence[Context]) -> list[Found]:
    """Polarity (+1 / -1) of clauses that state the question's claim, with the clause."""
    required = list(slot.terms) + list(slot.generic)
    if not slot.terms:
        return []
    tok = default_tokenizer()
    out: list[Found] = []
    by_passage: dict[tuple[int, int], Context] = {(c.passage, c.position): c for c in contexts}
    for c in contexts:
        text = c.text.strip()
        if text.endswith("?"):
            # An FAQ question that states the claim, answered "Yes"/"No" by the next sentence.
            nxt = by_passage.get((c.passage, c.position + 1))
            if nxt and _covers(c.terms, slot, required):
                m = re.match(r"\s*(yes|no)\b", nxt.text, re.I)
                if m:
                    pol = 1 if m.group(1).lower() == "yes" else -1
                    out.append(Found((pol, f"{m.group(1)}: {nxt.text.strip()}"), nxt, 2.0))
            continue
        for clause in split_clauses(text):
            terms = set(tok.tokens(clause))
            if not _covers(terms, slot, required):
                continue
            weight = 0.5 if is_habitual(clause) else 1.0
            out.append(Found((clause_polarity(clause), clause), c, weight + (0.2 if c.in_quote else 0.0)))
    return out


def _covers(terms: set[str] | frozenset[str], slot: Slot, required: Sequence[str]) -> bool:
    """Every specific term, and every generic one but at most one when there are many."""
    if not all(t in terms for t in slot.terms):
        return False
    missing = [t for t in slot.generic if t not in terms]
    return len(missing) == 0 or (len(required) >= 4 and len(missing) <= 1)


def compare_claims(
    question: str, slot: Slot, contexts: Sequence[Context], tags: Mapping[str, str]
) -> list[Disagreement]:
    """One source affirms what another denies ("with a warrant" / "did not present a warrant")."""
    found = claim_values(slot, contexts)
    weight: dict[str, float] = defaultdict(float)
    example: dict[tuple[str, int], tuple[float, str]] = {}
    for f in found:
        pol, clause = cast(tuple[int, str], f.value)
        sid = f.context.source_id
        weight[sid] += pol * f.relevance
        cur = example.get((sid, pol))
        if cur is None or f.relevance > cur[0]:
            example[(sid, pol)] = (f.relevance, clause)
    stance = {sid: (1 if w > 0 else -1) for sid, w in weight.items() if abs(w) > 1e-9}
    yes = _order_ids([s for s, p in stance.items() if p > 0], tags)
    no = _order_ids([s for s, p in stance.items() if p < 0], tags)
    if not yes or not no:
        return []
    groups = []
    for label, ids, pol in (("yes", yes, 1), ("no", no, -1)):
        quotes = "; ".join(f'{tags.get(s, s)}: "{_short(example[(s, pol)][1])}"' for s in ids)
        groups.append(Group(f"{label} ({quotes})", ids))
    q = clean(question).strip().rstrip("?")
    return [render("claim", f'Sources disagree on "{q}?"', groups, tags)]


def _short(text: str, limit: int = 110) -> str:
    t = re.sub(r"\s+", " ", text).strip().rstrip(".")
    return t if len(t) <= limit else t[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


_HANDLERS: dict[str, Callable[[str, Slot, Sequence[Context], Mapping[str, str]], list[Disagreement]]] = {
    "date": compare_dates,
    "place": compare_places,
    "count": compare_counts,
    "person": compare_people,
    "name": compare_people,
    "claim": compare_claims,
}

__all__ = ["Context", "build_contexts", "find_disagreements", "group_values", "is_conflict", "relevance"]
