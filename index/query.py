"""A question, analysed once: what every later stage (ranking, abstention, notes) reads.

:func:`parse` turns a member's message into a :class:`ParsedQuestion`: its words with
chat forms expanded and misspellings corrected (against English and the sources'
words together), filler dropped, the search terms and their weights, what the
question is anchored on (names, places, years, rare words) and whether the sources
use each, the kind of answer it wants (its :class:`Slot`) and, for a message with
two questions, each part.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import pairwise
from typing import TYPE_CHECKING

import jellyfish
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.tokenize import Word, normalize, straighten, words

if TYPE_CHECKING:
    from index.lexicon import Language, Lexicon
    from index.search import SearchIndex

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
# Zipf frequencies (wordfreq): at or above COMMON a word is everyday English and never
# "corrected"; an English word below RARE that the sources never use is something the
# question asks about that they do not cover; between the two it is neither.
COMMON_ZIPF = 3.0
RARE_ZIPF = 3.0
FIX_TO_ENGLISH_MAX_ZIPF = 2.0  # only a word rarer than this is changed into another English word
FIX_GAIN_ZIPF = 1.0  # a correction must be this much more common than what was typed
SPELLING_POOL = 40_000  # the most common English words a misspelling may be corrected to
FOREIGN_MIN_WORDS = 2  # a question is in another language when at least this many words …
FOREIGN_SHARE = 0.4  # … and this share of its words are far more common in that language
FOREIGN_MARGIN = 1.0  # zipf by which another language must beat English for a word
NAME_AFTER_TITLE_ZIPF = 4.0  # a word after a title ("mayor vance") is a name unless everyday English ("exec lady")


class SlotKind(StrEnum):
    """What kind of answer a question asks for."""

    DATE = "date"
    PLACE = "place"
    COUNT = "count"
    PERSON = "person"
    NAME = "name"  # how a name is spelled
    QUOTE = "quote"
    CLAIM = "claim"  # yes or no
    REASON = "why"
    MANNER = "how"
    AGE = "age"
    CONTACT = "contact"  # a phone number, address or site to reach
    ADVICE = "advice"  # what to do
    DEFINE = "what"  # what or who something is
    THING = "thing"  # what was thrown, used or taken
    JOB = "job"  # what someone does or did for a living
    GROUP = "group"  # which organization, group or company


class Role(StrEnum):
    """What a question word does."""

    CONTENT = "content"
    FUNCTION = "function"  # stop words and question words
    FILLER = "filler"  # greetings, thanks, chat interjections


class AnchorKind(StrEnum):
    NAME = "name"
    PLACE = "place"
    YEAR = "year"
    RARE = "rare"  # a word rare in English that says what the question is about


@dataclass(frozen=True, slots=True)
class QuestionWord:
    typed: str  # as typed, normalized
    word: str  # after chat forms and spelling: what is matched
    role: Role
    capitalized: bool  # capitalized inside a sentence: a name or place
    known: bool  # the sources use it
    zipf: float | None = None  # English frequency, looked up only for words the sources lack


@dataclass(frozen=True, slots=True)
class Anchor:
    """Something the question is about that the sources must also be about."""

    kind: AnchorKind
    text: str  # as the member wrote it (corrected)
    terms: tuple[str, ...]  # its search terms
    known: bool  # the sources use it


@dataclass(frozen=True, slots=True)
class Slot:
    """The kind of value a question asks for, and the words that say of what."""

    kind: SlotKind
    focus: tuple[str, ...] = ()  # e.g. ("people", "arrested") for "how many people were arrested"
    nouns: tuple[str, ...] = ()  # count: the counted noun(s) as written ("people")
    verbs: tuple[str, ...] = ()  # count, thing: the verb's search terms ("arrest", "throw")
    noun_terms: tuple[str, ...] = ()  # count: the counted noun's search terms ("peopl")
    duration: bool = False  # "how long", "since when"
    time: bool = False  # the hour is asked ("what time", "morning or night"), not only the day
    day: bool = False  # the day is asked ("on what date", "what day of the week"), not only the year
    money: bool = False  # count: an amount of money is asked ("how much does she make")
    speaker: tuple[str, ...] = ()  # quote: search terms of whose words are asked for
    speaker_head: tuple[str, ...] = ()  # quote: the speaker's noun and its modifier as written ("fire", "chief")
    speaker_text: str = ""  # quote: whose words, as asked ("the premier of nova scotia")
    subject: str = ""  # define: what is asked about, as written ("the fenwick arms")
    offered: str = ""  # a yes/no question's value to check, as written ("three", "monday, may 12")


@dataclass(frozen=True, slots=True)
class Alternative:
    """One answer a question offers to choose from ("a man or a woman?")."""

    text: str  # as the question words it
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    """A question as every stage of answering sees it."""

    text: str  # as asked, cleaned
    corrected: str  # chat forms expanded, misspellings corrected, filler kept
    language: str  # "en", or the code of the language it is written in
    words: tuple[QuestionWord, ...]
    terms: tuple[str, ...]  # search terms (content only), in order
    weights: tuple[tuple[str, float], ...]  # distinct terms with their weight
    corrections: tuple[tuple[str, str], ...]
    anchors: tuple[Anchor, ...]
    unknown: tuple[str, ...]  # rare content words the sources never use
    slot: Slot | None
    places: tuple[str, ...] = ()  # places named, as the gazetteer knows them
    roles: tuple[str, ...] = ()  # titles named ("sheriff")
    context: tuple[str, ...] = ()  # terms of a framing clause ("when they showed up"): not the claim
    parts: tuple[ParsedQuestion, ...] = field(default=())  # each question of a message with several
    alternatives: tuple[Alternative, ...] = ()  # "was it a man or a woman": the answers it offers

    @property
    def weight(self) -> dict[str, float]:
        return dict(self.weights)

    @property
    def key_terms(self) -> tuple[str, ...]:
        """Terms with weight, heaviest first (what the question is about)."""
        return tuple(t for t, _ in sorted(self.weights, key=lambda tw: -tw[1]))


# --- reading the words ----------------------------------------------------------------

_PART_SPLIT = re.compile(r"(?<=[?!])\s+|\s*(?:\?|;)\s*")
_WH = (
    r"when|where|who|whom|whose|what|which|why|how|did|does|do|is|are|was|were|has|have|had|can|could|should|"
    r"will|would"
)
_JOINED = re.compile(rf"[,\s]+\b(?:and also|and|also|plus|&)\s+(?=(?:{_WH})\b)", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_COUNT = re.compile(
    r"\b(?:how (?:many|much)|(?:what|which) (?:percentage|percent|proportion|share|number) of"
    r"|(?:the )?(?:total )?number of)\b(?P<rest>[^?.!]*)"
)
_AGE_Q = re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b")
# "is he 38 or 41 years old": an age, offered two ways.
_AGE_OFFERED = re.compile(r"\b\d{1,3}\s+or\s+\d{1,3}(?:\s+|-)(?:years?|yrs?)(?:\s+|-)old\b")
_DURATION = re.compile(r"\b(?:how long(?! ago\b)|since when)\b")  # "how long ago" asks when
_WHEN = re.compile(
    r"\b(?:when|what (?:day|date|time|year|month)|which (?:day|date|year|month)|what time|how long|since when)\b"
)
_WHERE = re.compile(
    r"\b(?:where|(?:which|what) (?:city|town|cities|towns|place|places|county|state|neighborhood|neighbourhood|"
    r"street|road|gate|entrance|building|location|area|part of town|room|floor|hall|park|intersection|corner|"
    r"venue|apartment))\b"
)
_SPELL = re.compile(r"\b(?:spell(?:ed|ing|t)?|name)\b")
_WHO = re.compile(r"\bwho(?:m|se)?\b")
# "the block where the family lived": a question word right after a noun phrase opens a
# relative clause, not a question.
_RELATIVE = re.compile(r"\b(?:the|a|an|this|that|these|those|his|her|their|its)\s+[a-z'-]+\s+$")
# "… and what for?", "what did they call police for?": a question ending in "for" asks the purpose.
_WHY = re.compile(
    r"\b(?:why|what (?:caused|prompted|led to|sparked|triggered)|reason|how come)\b|^\W*what\b.*\bfor\W*$"
)
_HOW = re.compile(r"\bhow\b(?! (?:many|much|long|old|come)\b)")
_CONTACT = re.compile(
    r"\b(?:phone|number to call|number (?:do|can|should) i call|call (?:to|for)|hotline|helpline|help line|"
    r"email|e-mail|website|web site|contact|reach (?:them|someone))\b"
)
_ADVICE = re.compile(
    r"\bwhat (?:should|can|do|could|must|am|are|is) (?:i|we|you|people|residents|someone|one|witnesses)\b"
    r"(?:\s+\w+){0,3}\s+(?:do|supposed to do)\b|\bwhat to do\b|\bhow (?:do|can|should) (?:i|we|you)\b"
    r"|\b(?:should|can|could) (?:i|we|you|people)\b|\bis it (?:ok|okay|legal|illegal|allowed|safe)\b"
)
_DEFINE = re.compile(
    r"^(?:what|who)(?: is|'s| are| was| were) "
    r"(?P<subject>(?:(?:a|an|the) )?[\w'-]+(?: [\w'-]+){0,3}?)(?:\s+exactly)?\s*$"
)
_KIND_OF = re.compile(r"^(?:so )?(?:what|which) (?:kind|type|sort)s? of (?P<noun>[a-z][\w-]+)")
_TIME_ASKED = re.compile(
    r"\b(?:what time|which time|what hour|time of day|o'clock|morning|afternoon|evening|night"
    r"|a\.?m\b|p\.?m\b|\d+ ?[ap]m)"
)
_DAY_ASKED = re.compile(r"\b(?:what|which|exact) (?:date|day|weekday)\b|\bday of the week\b")
_EITHER = re.compile(r"\b([a-z][a-z'-]{3,}) or ([a-z][a-z'-]{3,})\b")
_OPENING = re.compile(r"^(?:(?:so|and|but|ok|okay|well|like|um|uh|also|wait)\s+)+")
_SPELLING = re.compile(r"\bspell(?:ed|ing|t|s)?\b")
_EXISTS = re.compile(r"\b(?:is|are|was|were) there (?:any |a |an |some )?(?P<noun>[a-z]+)")
_CLAUSE_START = re.compile(r"(?:^|[,;:]\s*|\s[-\u2013\u2014]+\s+|\b(?:or|and|but|so)\s+)(?P<w>[a-z']+)")
_WHAT = re.compile(r"\b(?:what|which)\b")
_GROUP = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+)?(?:groups?|organi[sz]ations?|nonprofits?|non-profits?|agency|agencies"
    r"|company|companies|charity|charities|firm|firms|union|unions)\b"
)
_JOB = re.compile(
    r"\bwhat (?:was|is|were|are|'s)\s+(?:[\w'’-]+\s+){0,3}?(?:job|jobs|occupation|profession|career)\b"
    r"|\bwhat (?:does|did|do) (?:[\w'’-]+\s+){1,3}do for (?:a )?(?:living|work)\b"
    r"|\b(?:old|previous|former|last) (?:job|occupation|career)\b"
)
_THING = re.compile(
    # "what (tool) did they use": a noun may name the kind of thing, not the kind of answer
    r"\bwhat (?:(?!kind\b|type\b|sort\b|time\b|day\b|date\b|year\b)[a-z]+ )?"
    r"(?:(?:was|were|got|had been|has been|have been) (?:\w+ly )?(?P<passive>[a-z]+)"
    r"|(?:did|do|does) (?:[a-z'-]+ ){1,4}?(?P<active>[a-z]+)(?= (?:at|to|on|in|into|toward|towards|through|during"
    r"|against|from|when|after|before|with)\b|\s*[?.!]*$))"
)
_SPEAKER = re.compile(
    r"\b(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+(?:say|said|tell|told|state|warn|urge|announce)\b"
)
_SPEAKER_QUALIFIER = re.compile(r"\s+(?:of|for|from|at|in|with|on)\s+")  # "the premier *of Nova Scotia*"
_SPEAKER_BEFORE = re.compile(r"(?P<who>[\w' .-]+?)(?:'s)?\s+(?:statement|statements|words|quote|message)\b")
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
        "outside",
        "around",
        "over",
    ]
)
_PAST = frozenset(
    ["died", "ran", "came", "went", "took", "fled", "got", "saw", "left", "made", "held", "met", "fought", "stood"]
)
# The particle of a phrasal verb ("picked up", "taken away") is not the verb.
_PARTICLES = frozenset(["up", "out", "off", "down", "in", "away", "over", "back", "on"])
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
_FILLER_NOUNS = frozenset(
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


@dataclass(frozen=True, slots=True)
class _Context:
    lexicon: Lexicon
    index: SearchIndex


def parse(question: str, lexicon: Lexicon, index: SearchIndex) -> ParsedQuestion:
    """Analyse a (checked, non-empty) question once, and each of its parts."""
    ctx = _Context(lexicon, index)
    text = " ".join(straighten(question).split())
    whole = _parse_part(text, ctx)
    # The same question asked twice is one; a message of many is read for its first few.
    pieces = list({normalize(p): p for p in _split_parts(text)}.values())[:MAX_PARTS]
    if len(pieces) < 2:
        return whole
    parts = [_parse_part(p, ctx) for p in pieces]
    # Chatter between questions ("trying to figure out if it's near me", "ppl keep saying
    # diff things") is not a question.
    parts = [
        p
        for p in parts
        if p.text.rstrip().endswith("?") or (p.slot is not None and not _hearsay(p.text, lexicon.language))
    ]
    parts = _share_context(parts)
    real = [p for p in parts if p.terms]
    if len(real) == 1:
        return replace(real[0], text=whole.text)  # one question and some chatter: the question
    if len(real) < 2:
        return whole
    return replace(whole, parts=tuple(parts))


MAX_PARTS = 6  # questions of one message answered part by part

_HEARSAY_WORD = re.compile(r"[a-z']+")
HEARSAY_REACH = 4  # words between the subject of a hearsay clause and its verb


def _hearsay(text: str, lang: Language) -> bool:
    """ "ppl keep saying diff things", "my aunt said ppl died": a report of what others say."""
    ws = _HEARSAY_WORD.findall(_OPENING.sub("", normalize(text)))
    if not ws or ws[0] not in lang.hearsay_subjects:
        return False
    return any(w in lang.hearsay_verbs for w in ws[1 : 1 + HEARSAY_REACH])


def _hearsay_lead(text: str, lang: Language) -> int:
    """Where the report of what others say ends before what they say ("my cousin said |
    100 people were there", "heard | they maced people"); 0 when the message opens otherwise."""
    ms = list(_HEARSAY_WORD.finditer(text))
    opening = _OPENING.match(text)
    skip = opening.end() if opening else 0
    ms = [m for m in ms if m.start() >= skip]
    while ms and ms[0].group() in lang.filler:
        ms = ms[1:]  # "hey, my cousin said …"
    ms = ms[: HEARSAY_REACH + 1]
    if not ms:
        return 0
    if ms[0].group() in lang.hearsay_verbs:
        return ms[0].end()
    if ms[0].group() not in lang.hearsay_subjects:
        return 0
    return next((m.end() for m in ms[1:] if m.group() in lang.hearsay_verbs), 0)


_OR = re.compile(r"\s+or\s+")
_ARTICLES = frozenset({"a", "an", "the"})
MAX_ALTERNATIVE_WORDS = 2  # "eureka street or eureka terrace"


def _alternatives(corrected: str, lex: Lexicon) -> tuple[Alternative, ...]:
    """The answers a question offers ("a man or a woman", "saturday or sunday"): content
    words either side of "or", as many on the left as on the right. "or nah", "or not"
    and whole clauses ("or did someone stop it") offer none."""
    tok = lex.tokenizer
    low = normalize(corrected)
    for m in _OR.finditer(low):
        left = [w.surface for w in words(low[: m.start()])]
        right = [w.surface for w in words(low[m.end() :])]
        while right and right[0] in _ARTICLES:
            right = right[1:]
        taken: list[str] = []
        for w in right[:MAX_ALTERNATIVE_WORDS]:
            if not tok.tokens(w) or w in lex.language.filler:
                break
            taken.append(w)
        if left and left[-1] in _ARTICLES:
            left = left[:-1]
        before: list[str] = []
        for w in reversed(left):
            if len(before) == len(taken) or not tok.tokens(w) or w in lex.language.filler:
                break
            before.insert(0, w)
        if not taken or len(before) != len(taken):
            continue
        a, b = " ".join(before), " ".join(taken)
        ta, tb = tuple(tok.tokens(a)), tuple(tok.tokens(b))
        if ta and tb and ta != tb:
            return (Alternative(a, ta), Alternative(b, tb))
    return ()


def _split_parts(text: str) -> list[str]:
    """The questions of one message: at "?" and at "and"/"also" before a question word."""
    out: list[str] = []
    for chunk in _PART_SPLIT.split(text):
        if not chunk or not chunk.strip():
            continue
        out.extend(c for c in _JOINED.split(chunk) if c and c.strip())
    return [c.strip() for c in out]


def _share_context(parts: list[ParsedQuestion]) -> list[ParsedQuestion]:
    """A part without a subject of its own ("and how many got arrested?") borrows the
    names, places and years of the part before it; a part with no content words
    ("where and when …") borrows all of its neighbour's terms."""
    out: list[ParsedQuestion] = []
    for i, part in enumerate(parts):
        p = part
        if not p.terms:
            donor = parts[i + 1] if i + 1 < len(parts) else (parts[i - 1] if i else None)
            if donor is not None:
                p = replace(p, terms=donor.terms, weights=donor.weights, anchors=donor.anchors, places=donor.places)
        elif i and not any(a.kind in (AnchorKind.NAME, AnchorKind.PLACE) for a in p.anchors):
            prev = out[-1]
            borrowed = [a for a in prev.anchors if a.kind in (AnchorKind.NAME, AnchorKind.PLACE) and a.known]
            if borrowed:
                extra = [t for a in borrowed for t in a.terms if t not in p.terms]
                w = dict(p.weights)
                pw = dict(prev.weights)
                for t in extra:
                    w[t] = pw.get(t, 1.0)
                p = replace(
                    p,
                    terms=(*p.terms, *extra),
                    weights=tuple(w.items()),
                    anchors=(*p.anchors, *borrowed),
                    places=tuple(dict.fromkeys((*p.places, *prev.places))),
                )
        out.append(p)
    return out


def _parse_part(text: str, ctx: _Context) -> ParsedQuestion:
    lex = ctx.lexicon
    lang = lex.language
    ws = words(text)
    capitals = [_capitalized(text, w) for w in ws]
    # In Title Case ("Who Is Tom Homan") even function words are capitalized: capitals say nothing.
    stop = lex.language.stopwords
    title_case = any(cap and w.surface in stop for w, cap in zip(ws, capitals, strict=True))
    if title_case:
        capitals = [False] * len(ws)
    qwords: list[QuestionWord] = []
    corrections: list[tuple[str, str]] = []
    for w, cap in zip(ws, capitals, strict=True):
        surface = w.surface
        expanded = lang.chat.get(surface, surface)
        if expanded != surface:
            qwords.append(_classify(surface, expanded, cap, ctx))
            continue
        qw = _classify(surface, surface, cap, ctx)
        if qw.role is Role.CONTENT and not qw.known:
            fix = None if cap else (_agent_base(surface, ctx) or _compound(surface, ctx))
            fix = fix or _correct(surface, cap, ctx)
            if fix is not None:
                corrections.append((surface, fix))
                qw = _classify(surface, fix, cap, ctx)
        qwords.append(qw)
    corrected = _rewrite(text, ws, qwords)
    # The slot is read without greetings and chat words: "hey so what is X" asks what X is.
    core = _rewrite(text, ws, [replace(q, word="") if q.role is Role.FILLER else q for q in qwords])
    flat, flat_core = " ".join(normalize(corrected).split()), " ".join(normalize(core).split())
    slot = _checked_claim(flat, flat_core, lex, corrected) or _slot(flat_core, lex, corrected)
    language = _language(qwords, ctx)
    terms, weights, unknown = _terms(corrected, qwords, ctx, slot)
    places = _places(corrected, lex)
    anchors = _anchors(qwords, terms, places, ctx)
    context = _framing_terms(qwords, terms, lex)
    lowered = normalize(corrected)
    roles = tuple(
        dict.fromkeys(v for k, v in lex.facts.rules.roles.items() if re.search(rf"\b{re.escape(k)}\b", lowered))
    )
    return ParsedQuestion(
        text=text,
        corrected=corrected,
        language=language,
        words=tuple(qwords),
        terms=terms,
        weights=weights,
        corrections=tuple(corrections),
        anchors=anchors,
        unknown=unknown,
        slot=slot,
        places=places,
        roles=roles,
        context=context,
        alternatives=_alternatives(corrected, lex),
    )


def _framing_terms(qwords: Sequence[QuestionWord], terms: Sequence[str], lex: Lexicon) -> tuple[str, ...]:
    """Terms of the clause after a subordinator ("when they showed up"), unless that clause is
    all the question has."""
    subs = lex.language.subordinators
    for i, q in enumerate(qwords):
        # "since when has she led …": a subordinator before any content word asks, not frames
        if q.typed in subs and any(p.role is Role.CONTENT and p.typed not in subs for p in qwords[:i]):
            # read as one text, so a phrase ("broke out") gives the term it stands for
            tail = set(lex.tokenizer.tokens(" ".join(w.word for w in qwords[i + 1 :])))
            framed = tuple(t for t in dict.fromkeys(terms) if t in tail)
            return framed if len(framed) < len(set(terms)) else ()
    return ()


def _capitalized(text: str, w: Word) -> bool:
    """Written with a capital inside a sentence (not its first word, not "I")."""
    if not text[w.start : w.start + 1].isupper() or w.surface == "i":
        return False
    before = text[: w.start].rstrip()
    return bool(before) and before[-1] not in '.!?:"“(-'


def _known(word: str, ctx: _Context) -> bool:
    """The sources use this word, as written or as its search terms."""
    if word in ctx.index.surface:
        return True
    terms = ctx.lexicon.tokenizer.tokens(word)
    return bool(terms) and all(ctx.index.fold.get(t, t) in ctx.index.term_id for t in terms)


def _classify(typed: str, word: str, capitalized: bool, ctx: _Context) -> QuestionWord:
    lang = ctx.lexicon.language
    if word in lang.filler or typed in lang.filler:
        return QuestionWord(typed, word, Role.FILLER, capitalized, _known(word, ctx))
    parts = word.split()
    if all(p in lang.stopwords for p in parts) or not any(c.isalnum() for c in word):
        return QuestionWord(typed, word, Role.FUNCTION, capitalized, True)
    known = _known(word, ctx)
    zipf = None if known or not word.isalpha() else lang.frequencies.zipf(word)
    return QuestionWord(typed, word, Role.CONTENT, capitalized, known, zipf)


_AGENT = re.compile(r"^[a-z]{3,}ers?$")


def _agent_base(word: str, ctx: _Context) -> str | None:
    """The word a doer is named from, when the sources use it and not the doer ("trucker":
    truck, "striker": strike, "picketers": picket). Only for a word rare in English, which
    would otherwise be a subject the sources lack; an everyday one ("leader") is left alone."""
    if not _AGENT.match(word) or ctx.lexicon.language.frequencies.zipf(word) >= RARE_ZIPF:
        return None
    stem = word[: word.rindex("er")]
    for base in (stem, stem + "e", stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else ""):
        if base and _known(base, ctx):
            return base
    return None


COMPOUND_PART = 3  # letters each part of a closed compound has at least
COMPOUND_DOCS = 20  # passages read to find two words side by side


def _compound(word: str, ctx: _Context) -> str | None:
    """Two words the sources write apart, written as one ("bodycam": "body camera",
    "firetruck": "fire truck"); the second may be cut short, as "cam" is. Taken only when
    the sources put the two words side by side."""
    index = ctx.index
    if len(word) < 2 * COMPOUND_PART or not word.isalpha():
        return None
    tok = ctx.lexicon.tokenizer
    for k in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
        head, rest = word[:k], word[k:]
        if head not in index.surface or not tok.tokens(head):
            continue
        first = index.term_id.get(index.fold.get(tok.tokens(head)[-1], tok.tokens(head)[-1]))
        if first is None:
            continue
        for second in (w for w in index.words_starting(rest) if w.isalpha()):
            terms = tok.tokens(second)
            tid = index.term_id.get(index.fold.get(terms[0], terms[0])) if terms else None
            if tid is None:
                continue
            docs = np.intersect1d(index.docs_with(index.vocab[first]), index.docs_with(index.vocab[tid]))
            if any((first, tid) in set(pairwise(index.ids(int(i)))) for i in docs[:COMPOUND_DOCS]):
                return f"{head} {second}"
    return None


_INFLECTIONS = frozenset({"s", "es", "d", "ed", "ing", "er", "ers"})  # "mace" + "d"; not "covers" + "ation"


def _correct(word: str, capitalized: bool, ctx: _Context) -> str | None:
    """The word meant by a misspelled one, or None.

    A capitalized word is corrected only to a name the sources write; any other word
    only when it is rare in English, to a close word of the sources (or, failing one, of
    English) that sounds alike where that decides and is much more common.
    """
    if len(word) < 3 or not word.isalpha():
        return None
    index = ctx.index
    freq = ctx.lexicon.language.frequencies
    limit = 1 if len(word) <= 5 else 2
    if capitalized:
        hit = process.extractOne(word, sorted(index.proper), scorer=OSA.distance, score_cutoff=limit)
        return hit[0] if hit else None
    zipf = freq.zipf(word)
    if zipf >= COMMON_ZIPF:
        return None
    # An English form of a common word ("maced", "rioted") is taken only for a word that
    # sounds the same ("planed" for "planned"), as a plausible English word is.
    base = ctx.lexicon.tokenizer.stem(word)
    inflected = (
        zipf > 0 and word[len(base) :] in _INFLECTIONS and word.startswith(base) and freq.zipf(base) >= COMMON_ZIPF
    )
    sound = jellyfish.metaphone(word)
    candidates: dict[str, tuple[int, bool]] = {}
    for choice, dist, _ in process.extract(
        word, index.words_by_freq(), scorer=OSA.distance, score_cutoff=limit, limit=25
    ):
        if choice.isalpha():
            candidates[choice] = (int(dist), True)
    if zipf < FIX_TO_ENGLISH_MAX_ZIPF:
        for choice, dist, _ in process.extract(
            word, freq.common_words("en", SPELLING_POOL), scorer=OSA.distance, score_cutoff=limit, limit=25
        ):
            candidates.setdefault(choice, (int(dist), False))
    best: tuple[tuple[float, ...], str] | None = None
    for cand, (dist, in_sources) in candidates.items():
        same_sound = jellyfish.metaphone(cand) == sound
        if cand == word or (dist == 2 and not same_sound and cand[0] != word[0]):
            continue
        if (zipf >= FIX_TO_ENGLISH_MAX_ZIPF or inflected) and not same_sound:
            continue  # a plausible English word ("presser") is only taken for one that sounds the same
        cz = freq.zipf(cand)
        if cz - zipf < FIX_GAIN_ZIPF:
            continue
        # A word of the sources first: an English word they do not use cannot answer anything.
        key = (
            0 if in_sources else 1,
            dist,
            0 if same_sound else 1,
            -_common_prefix(word, cand),
            -cz,
        )
        if best is None or key < best[0]:
            best = (key, cand)
    return best[1] if best else None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _rewrite(text: str, ws: Sequence[Word], qwords: Sequence[QuestionWord]) -> str:
    """The question with each changed word replaced in place (case of the rest kept)."""
    out: list[str] = []
    pos = 0
    for w, q in zip(ws, qwords, strict=True):
        if q.word != q.typed:
            out.append(text[pos : w.start])
            out.append(q.word)
            pos = w.end
    out.append(text[pos:])
    return " ".join("".join(out).split())


def _language(qwords: Sequence[QuestionWord], ctx: _Context) -> str:
    """ "en", or another language when most words are that language's, not English."""
    lang = ctx.lexicon.language
    strangers = [q for q in qwords if q.role is Role.CONTENT and not q.known and q.word.isalpha()]
    if len(strangers) < FOREIGN_MIN_WORDS:
        return "en"
    freq = lang.frequencies
    alpha = [q for q in qwords if q.typed.isalpha() and len(q.typed) > 1]
    votes: dict[str, int] = {}
    for q in alpha:
        if q.known and q.role is Role.CONTENT:
            continue
        en = freq.zipf(q.typed)
        best = max(lang.other_languages, key=lambda code: freq.zipf(q.typed, code), default=None)
        if best is None:
            continue
        other = freq.zipf(q.typed, best)
        if other >= COMMON_ZIPF and other - en >= FOREIGN_MARGIN:
            votes[best] = votes.get(best, 0) + 1
    if not votes:
        return "en"
    code, n = max(votes.items(), key=lambda kv: kv[1])
    return code if n >= FOREIGN_MIN_WORDS and n >= FOREIGN_SHARE * len(alpha) else "en"


def _terms(
    corrected: str, qwords: Sequence[QuestionWord], ctx: _Context, slot: Slot | None
) -> tuple[tuple[str, ...], tuple[tuple[str, float], ...], tuple[str, ...]]:
    """Search terms of the content words, their weights, and the rare words the sources lack.

    Phrases are matched on the whole corrected question first ("getting in the way"),
    so dropping filler afterwards cannot break one. An everyday English word the sources
    never use weighs nothing: it can neither match nor decide that the sources fail. In
    a "how many" question a figure is a guess at the answer ("4 or 6?"), not a subject;
    in "were there any injuries" the thing asked about weighs double.
    """
    tok = ctx.lexicon.tokenizer
    index = ctx.index
    by_word = {q.word: q for q in qwords}
    terms: list[str] = []
    weights: dict[str, float] = {}
    unknown: list[str] = []
    max_idf = index.idf("\0") if index.n else 1.0
    exists = _EXISTS.search(normalize(corrected))
    type_words = ctx.lexicon.language.slot_words.get(slot.kind.value, frozenset()) if slot else frozenset()
    focus = set(tok.tokens(exists["noun"])) - {t for w in type_words for t in tok.tokens(w)} if exists else set()
    phrases = ctx.lexicon.language.slot_phrases.get(slot.kind.value, ()) if slot else ()
    # spans are read on the words' own offsets: lower-cased in place ("İ" stays one character)
    low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in straighten(corrected))
    kind_spans = [m.span() for p in phrases for m in re.finditer(rf"\b{re.escape(p)}\b", low)]
    tail = ctx.lexicon.claim_tail.search(low) if slot is not None else None
    if tail:
        kind_spans.append(tail.span())  # ", that right?" asks; it is not what is asked about
        kind_spans.append((0, _hearsay_lead(low, ctx.lexicon.language)))  # nor "my aunt said"
    for term, w in tok.analyze(corrected):
        if slot is not None and slot.kind is SlotKind.COUNT and w.surface.isdigit() and not _YEAR.match(w.surface):
            continue
        if w.surface in type_words or any(a <= w.start < b for a, b in kind_spans):
            continue
        q = by_word.get(w.surface)
        phrase = term != tok.stem(w.surface) and "_" in term
        if q is not None and not phrase:
            if q.role is Role.FILLER:
                continue
            if q.role is Role.CONTENT and not q.known:
                rare = q.zipf is None or q.zipf < RARE_ZIPF
                if not rare and not q.capitalized:
                    continue
                if w.surface not in unknown:
                    unknown.append(w.surface)
                terms.append(term)
                weights[term] = max_idf
                continue
        folded = index.fold.get(term, term)
        if folded not in index.term_id:
            continue  # a known word or phrase the sources do not use can match nothing
        terms.append(folded)
        if folded not in weights:
            weights[folded] = index.idf(folded) * (2.0 if folded in focus else 1.0)
    return tuple(terms), tuple(weights.items()), tuple(unknown)


def _places(corrected: str, lex: Lexicon) -> tuple[str, ...]:
    """Places the question names, matched without regard to case ("worcester")."""
    g = lex.facts.gazetteer
    out: list[str] = []
    for name in g.in_lowercase(corrected):
        place = g.places[name].name
        if place not in out:
            out.append(place)
    for p in lex.facts.places(corrected):
        if p.name not in out and not any(p.name in o for o in out):
            out.append(p.name)
    return tuple(out)


def _anchors(
    qwords: Sequence[QuestionWord], terms: Sequence[str], places: Sequence[str], ctx: _Context
) -> tuple[Anchor, ...]:
    """What the question is about: names, places, years, and rare content words."""
    tok = ctx.lexicon.tokenizer
    index = ctx.index
    roles = ctx.lexicon.facts.rules.roles
    out: list[Anchor] = []
    place_words = {w for p in places for w in normalize(p).split()}
    for i, q in enumerate(qwords):
        if q.role is not Role.CONTENT:
            continue
        qterms = tuple(index.fold.get(t, t) for t in tok.tokens(q.word))
        if _YEAR.match(q.word):
            out.append(Anchor(AnchorKind.YEAR, q.word, qterms, q.known))
            continue
        after_title = (
            i > 0
            and qwords[i - 1].word in roles
            and q.word not in roles
            and (q.known or q.zipf is None or q.zipf < NAME_AFTER_TITLE_ZIPF)
        )
        if q.word in place_words:
            continue
        if q.capitalized or after_title or (q.known and q.word in index.proper):
            out.append(Anchor(AnchorKind.NAME, q.word, qterms, q.known))
        elif not q.known and (q.zipf is None or q.zipf < RARE_ZIPF):
            out.append(Anchor(AnchorKind.RARE, q.word, qterms, False))
    for p in places:
        pterms = tuple(index.fold.get(t, t) for t in tok.tokens(p))
        known = bool(pterms) and all(t in index.term_id for t in pterms)
        out.append(Anchor(AnchorKind.PLACE, p, pterms, known))
    return tuple(out)


def asks_kind(heading: str, lex: Lexicon) -> SlotKind | None:
    """The kind of answer a question-like heading asks for ("What should witnesses do?": advice)."""
    slot = _slot(" ".join(normalize(heading).split()), lex)
    return slot.kind if slot else None


def _slot(q: str, lex: Lexicon, cased: str = "") -> Slot | None:
    """The kind of answer, read from the first question word or yes/no opener of a clause
    (``q`` lower-cased without filler; ``cased`` as written)."""
    slot = _slot_kind(q, lex, cased)
    if (slot is None or slot.kind is SlotKind.DEFINE) and lex.facts.asks_money_what(q):
        return replace(slot or Slot(SlotKind.DEFINE), money=True)  # "what is her salary"
    return slot


def _slot_kind(q: str, lex: Lexicon, cased: str = "") -> Slot | None:
    openers = lex.language.yes_no_openers
    marks: list[tuple[int, SlotKind]] = []

    def mark(pattern: re.Pattern[str], kind: SlotKind) -> None:
        for m in pattern.finditer(q):
            if not _RELATIVE.search(q, 0, m.start()):
                marks.append((m.start(), kind))
                return

    q = _OPENING.sub("", q)
    if _SPELLING.search(q) or any(
        a != b and lex.facts.same_person(a, b) for a, b in _EITHER.findall(q)
    ):  # "is it coppinger or koppinger": how a name is spelled
        return Slot(SlotKind.NAME)
    if _JOB.search(q):
        return Slot(SlotKind.JOB)
    if _GROUP.search(q):
        return Slot(SlotKind.GROUP)
    thing = _thing_slot(q, lex)
    if thing is not None:
        return thing
    kind_of = _KIND_OF.search(q)
    if kind_of is not None:  # "what kind of vehicle …": what the vehicle was ("the vehicle, an unmarked SUV")
        return Slot(SlotKind.DEFINE, subject=kind_of["noun"])
    define = _DEFINE.match(q.strip(" ?!."))
    if define and not _passive(define["subject"], lex):
        return Slot(
            SlotKind.DEFINE if q.lstrip().startswith(("what", "so what")) else SlotKind.PERSON,
            subject=define["subject"].strip(),
        )
    if _CONTACT.search(q):
        return Slot(SlotKind.CONTACT)
    if _AGE_OFFERED.search(q):
        return Slot(SlotKind.AGE)
    mark(_ADVICE, SlotKind.ADVICE)
    mark(_COUNT, SlotKind.COUNT)
    mark(_AGE_Q, SlotKind.AGE)
    mark(_WHEN, SlotKind.DATE)
    mark(_WHERE, SlotKind.PLACE)
    mark(_WHO, SlotKind.PERSON)
    mark(_WHY, SlotKind.REASON)
    mark(_HOW, SlotKind.MANNER)
    opener_at = -1
    for m in _CLAUSE_START.finditer(q):
        if m["w"] in openers:
            opener_at = m.start("w")
            marks.append((opener_at, SlotKind.CLAIM))
            break
    what = _WHAT.search(q)
    if what and lex.asks_speech.search(q, what.end()):
        marks.append((what.start(), SlotKind.QUOTE))
    if not marks:
        if lex.asks_speech.search(q):
            return _quote_slot(SlotKind.QUOTE, q, lex)
        if _SPELL.search(q):
            return Slot(SlotKind.NAME)
        return None
    marks.sort(key=lambda m: m[0])
    kind = marks[0][1]
    if kind is SlotKind.COUNT:
        count = _COUNT.search(q)
        assert count is not None
        nouns, verbs, focus = _count_focus(count.group("rest"), lex)
        noun_terms = tuple(t for n in nouns for t in lex.tokenizer.tokens(n))
        money = count.group().startswith("how much") and lex.facts.asks_money(count.group("rest"))
        return Slot(kind, focus, nouns=nouns, verbs=verbs, noun_terms=noun_terms, money=money)
    if kind is SlotKind.DATE:
        return Slot(
            kind, duration=bool(_DURATION.search(q)), time=bool(_TIME_ASKED.search(q)), day=bool(_DAY_ASKED.search(q))
        )
    if kind is SlotKind.PERSON and _SPELL.search(q):
        return Slot(SlotKind.NAME)
    if kind is SlotKind.CLAIM:
        if _SPELL.search(q) and re.search(r"\bor\b", q):
            return Slot(SlotKind.NAME)
        if lex.asks_speech.search(q, opener_at):  # "did the sheriff say …", not "they said …, is that true"
            return _quote_slot(SlotKind.QUOTE, q, lex)
        checked = _checked_value(q, lex, cased)
        if checked is not None:
            return checked
    if kind is SlotKind.QUOTE:
        return _quote_slot(kind, q, lex)
    return Slot(kind)


def _checked_claim(flat: str, core: str, lex: Lexicon, cased: str) -> Slot | None:
    """ "heard they maced people on the steps, legit or nah?": whether what a message says is
    so (a figure or a day it offers is what to check). The tail is read with filler kept
    ("true", "nah"); the question word without it ("yo who got arrested, for real?" asks who)."""
    tail = lex.claim_tail.search(flat)
    if not tail or not _is_tail(tail):
        return None
    if _WH_WORD.match(_OPENING.sub("", core)):
        return None  # "what happened, for real?" asks what happened
    return _checked_value(flat[: tail.start()], lex, cased) or Slot(SlotKind.CLAIM)


def _is_tail(tail: re.Match[str]) -> bool:
    """ "…, accurate?" or "is that accurate?" asks whether it is so; "was the report accurate?"
    asks about the report."""
    return tail["sep"] != " " or bool(tail["pron"]) or bool(tail["alt"])


def _checked_value(q: str, lex: Lexicon, cased: str = "") -> Slot | None:
    """A yes/no question offering a figure or a day ("were three parents arrested?", "did it
    happen on Monday, May 12?") is answered by the figure or day the sources give: it asks
    for one. ``cased``: the question as written, for dates ("May 8" is no modal)."""
    if _WH_WORD.match(_OPENING.sub("", q)):
        return None  # "what happened on Monday, was it a strike?" asks what happened
    facts = lex.facts
    for c in facts.counts(q):
        if c.noun and not c.aggregate and _figure_counts(q, c.text, lex):
            rest = q[q.find(c.text) + len(c.text) :]
            nouns, verbs, focus = _count_focus(rest, lex)
            noun_terms = tuple(t for n in nouns for t in lex.tokenizer.tokens(n))
            return Slot(SlotKind.COUNT, focus, nouns=nouns, verbs=verbs, noun_terms=noun_terms, offered=c.text)
    # The day is checked only when it is what the question says of the event ("did it happen
    # on Monday?"), not when it says which day it asks about ("was anyone hurt when it
    # happened on Monday?", "were people arrested on Monday?").
    ends = [
        m.end()
        for p in (lex.occurrence, _WAS_IT)
        for m in p.finditer(q)
        if not _SUBORDINATE.search(q, max(0, m.start() - SUBORDINATE_REACH), m.start())
    ]
    low = q.lower()
    for v in facts.lengths(q):  # "was the hospital in lockdown for 6 hours?": how long it was
        return Slot(SlotKind.DATE, duration=True, offered=v.text.lower())
    for d in facts.dates(cased or q):
        at = low.find(d.text.lower())
        if (d.days or d.weekday is not None or d.hours) and any(0 <= at - e <= OFFERED_REACH for e in ends):
            return Slot(SlotKind.DATE, time=bool(d.hours), offered=d.text.lower())
    return None


def _figure_counts(q: str, figure: str, lex: Lexicon) -> bool:
    """A figure after a noun names something ("Route 9", "Local 418", "Precinct 7"); one
    after a function word, filler or a verb of saying counts ("were three parents",
    "said like 100 people")."""
    before = _HEARSAY_WORD.findall(q[: q.find(figure)])
    if not before:
        return True
    lang = lex.language
    w = before[-1]
    return w in lang.stopwords or w in lang.filler or w in lang.hearsay_verbs or w in lang.speech_verbs


OFFERED_REACH = 12  # characters from "happened" / "was it" to the day it offers ("on the 12th")
SUBORDINATE_REACH = 12  # characters before "happened" in which "when it" makes it a side clause
_SUBORDINATE = re.compile(r"\b(?:when|while|after|before|if|since|until|as|because)\b")


_WH_WORD = re.compile(r"\W*(?:what|when|where|who|whom|whose|why|how|which)\b")
_WAS_IT = re.compile(r"\b(?:was|is) (?:it|this|that)\b")


def _passive(subject: str, lex: Lexicon) -> bool:
    """ "who was [arrested at the scene]": a verb, not someone to define."""
    return is_participle(next(iter(subject.split(maxsplit=1)), ""), lex)


def is_participle(word: str, lex: Lexicon) -> bool:
    """A past form of a verb ("arrested", "hurt", "taken"): no noun."""
    return word.endswith("ed") or word in lex.language.irregular_verbs or word in lex.facts.rules.same_past_verbs


def _thing_slot(q: str, lex: Lexicon) -> Slot | None:
    """ "What was thrown at the truck?", "what did they use to break the window?": the thing a
    verb acted on, for verbs whose object is a thing."""
    m = _THING.search(q)
    if not m:
        return None
    verb = m["passive"] or m["active"]
    terms = tuple(lex.tokenizer.tokens(verb))
    wanted = {t for v in lex.facts.rules.thing_verbs for t in lex.tokenizer.tokens(v)}
    if not terms or not set(terms) <= wanted:
        return None
    return Slot(SlotKind.THING, verbs=terms)


def _quote_slot(kind: SlotKind, q: str, lex: Lexicon) -> Slot:
    speaker, head, who = _speaker(q, lex)
    return Slot(kind, speaker=speaker, speaker_head=head, speaker_text=who)


def _speaker(q: str, lex: Lexicon) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Whose words a quote question asks for ("what did the sheriff say"): the search terms of
    the whole phrase, its head noun with the words before it ("the premier of Nova Scotia":
    premier; "the Carrow Bend fire chief lady": carrow bend fire chief), and the phrase."""
    m = _SPEAKER.search(q) or _SPEAKER_BEFORE.search(q)
    if not m:
        return (), (), ""
    lang = lex.language
    head = _SPEAKER_QUALIFIER.split(m["who"], maxsplit=1)[0]
    ws = [w.surface for w in words(head)]
    ws = [w for w in ws if w and w not in lang.stopwords and w not in lang.filler]
    while ws and ws[-1] in lang.person_words:
        ws.pop()
    # "what did X say" names X; "… the governor's words" may carry the question's opening with it
    who = m["who"].strip() if m.re is _SPEAKER else ""
    return tuple(lex.tokenizer.tokens(m["who"])), tuple(ws), who


# Verbs that say little but where someone went or was taken ("taken to hospital", "went to jail").
_MOTION_VERBS = frozenset(["take", "taken", "took", "go", "went", "gone", "send", "sent", "bring", "brought"])


def _destination(rest: Sequence[str], lex: Lexicon) -> list[str]:
    """The noun after "to"/"into" ("to the hospital" -> "hospital"), or nothing."""
    if not rest or rest[0] not in ("to", "into"):
        return []
    nouns = [w for w in rest[1:3] if w not in _ARTICLES]
    return nouns[:1] if nouns and lex.tokenizer.tokens(nouns[0]) else []


def _count_focus(rest: str, lex: Lexicon) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """ "people were arrested in worcester" -> nouns ("people",), verbs ("arrest",), focus."""
    lang = lex.language
    ws = [
        w
        for w in re.findall(r"[a-z0-9][a-z0-9'-]*", rest.split(",", maxsplit=1)[0])
        if w not in lang.filler and not w.isdigit()
    ]
    i = 0
    noun_phrase: list[str] = []
    active = False
    modifier = False  # "people from worcester": the phrase after a preposition tells which
    while i < len(ws) and ws[i] not in _AUX:
        if noun_phrase and (ws[i].endswith("ed") or ws[i] in _PAST):
            active = True  # "how many protesters gathered": no auxiliary before the verb
            break
        modifier = modifier or (bool(noun_phrase) and ws[i] in _PREP)
        if not modifier:
            noun_phrase.append(ws[i])
        i += 1
    while i < len(ws) and ws[i] in _AUX:
        i += 1
    verb_phrase: list[str] = []
    while i < len(ws) and ws[i] not in _PREP:
        verb_phrase.append(ws[i])
        i += 1
        if active and not (i < len(ws) and ws[i] in _PARTICLES):
            break  # "people surrounded the agents": what follows the verb is its object
    # "how many people live there": a present verb is not told from a noun; a person noun is the one counted
    people = [w for w in noun_phrase if w in lex.facts.rules.person_nouns]
    nouns = tuple(people[-1:] or noun_phrase[-1:])
    verb = [w for w in verb_phrase if w not in _LIGHT_VERBS and w not in _PARTICLES][-1:]
    if not verb:  # a phrasal verb ("taken away", "picked up"): its verb, light or not
        verb = [w for w, nxt in pairwise(verb_phrase) if nxt in _PARTICLES][:1]
    verbs = tuple(t for w in verb for t in lex.tokenizer.tokens(w))
    if not verbs and verb_phrase and verb_phrase[-1] in _MOTION_VERBS:
        # "taken to hospital": where to says what is counted; "taken into custody" is one verb
        verb = _destination(ws[i:], lex)
        phrase = lex.tokenizer.tokens(" ".join([verb_phrase[-1], *ws[i : i + 3]])) if verb else []
        verbs = tuple(phrase) if len(phrase) == 1 else tuple(t for w in verb for t in lex.tokenizer.tokens(w))
    focus = tuple(w for w in (*nouns, *verb) if w not in _FILLER_NOUNS)
    return nouns, verbs, focus
