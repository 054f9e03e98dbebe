"""Ages a sentence gives: "a 1-year-old", "two months old", "her newborn", "Ana Ruiz, 38,",
"he's 41", "aged 41", with whom each describes where the sentence says it."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from index.tokenize import straighten as clean

_AGE_NUMBER = r"(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AGE = re.compile(
    rf"\b{_AGE_NUMBER}[-\s](?P<unit>year|month|week|day)s?[-\s]old\b|\b(?P<word>newborn|infant|toddler)\b",
    re.IGNORECASE,
)
_SMALL = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_MONTHS_PER = {"year": 12.0, "month": 1.0, "week": 0.25, "day": 1 / 30}
_AGE_WORDS = {"newborn": (0.0, 1.0), "infant": (0.0, 12.0), "toddler": (12.0, 36.0)}
MAX_YEARS = 110  # "the man … is 24": a figure above this is no age
POSSESSIVE_REACH = 40  # characters before an age where "his" / "her" is looked for
_POSSESSIVE_BEFORE = re.compile(r"\b(?:his|her|their|its|\w+'s)\s+(?:\w+\s+)?$", re.IGNORECASE)
_HOLDER = re.compile(r"\s+(?P<noun>[a-z]+)")
# "Ana Ruiz, 38, a cook", "he's 41", "aged 41": an age given without "-year-old".
_AGE_SAID = re.compile(
    r"\b(?P<name>(?:[A-Z][^\W\d_]+\s+){0,2}[A-Z][^\W\d_]+),\s(?P<apposed>\d{1,3}),\s"
    r"|\b(?i:he|she)(?:'s|s|\s+is|\s+was)\s+(?P<is>\d{1,3})\b(?![\d'’-]|[.,]\d|\s*(?:%|percent|[a-z]))"
    r"|\baged\s+(?P<aged>\d{1,3})\b(?:\s+(?P<aged_unit>year|month|week|day)s?\b)?"
)


# "a man in his thirties", "a woman believed to be in her early 50s": a decade of life.
_DECADES = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
_DECADE = re.compile(
    r"\b(?P<holder>[a-z]+),?\s+(?:(?:believed|thought|said|reported)\s+to\s+be\s+)?"
    r"in\s+(?:his|her|their)\s+(?:(?P<part>early|mid|late)[-\s]?)?"
    rf"(?P<decade>{'|'.join(_DECADES)}|[2-9]0'?s)\b",
    re.IGNORECASE,
)
_DECADE_PART = {"early": (0, 4), "mid": (3, 7), "late": (6, 10), "": (0, 10)}

# "the man arrested for throwing the bottle is 24.", "the bottle guy is like 30 btw": a person
# noun, a few words about them, then "is/was" and a figure that ends the clause.
_HEDGE = r"(?:like|about|around|roughly|only|just|maybe|probably)\s+"
_SUBJECT_REACH = 6  # words between the person noun and "is"
_CLAUSE_END = r"(?=\s*(?:[.,;:!?)]|$|\s+(?:btw|now|today|lol|and|but|so)\b))"


@lru_cache(maxsize=8)
def _person_is(people: frozenset[str]) -> re.Pattern[str] | None:
    if not people:
        return None
    nouns = "|".join(sorted((re.escape(p) for p in people if " " not in p), key=len, reverse=True))
    return re.compile(
        rf"\b(?:the|a|an|this|that)\s+(?:[\w-]+\s+)?(?P<holder>{nouns})\b,?(?:\s+(?!whose\b)[\w'-]+,?){{0,{_SUBJECT_REACH}}}?"
        rf"\s+(?:is|was)\s+(?:{_HEDGE})?(?P<n>\d{{1,3}}){_CLAUSE_END}",
        re.IGNORECASE,
    )


@dataclass(frozen=True, slots=True)
class Age:
    """An age as a range of months, and whom it describes."""

    text: str
    months: tuple[float, float]  # [from, to) in months
    holder: str = ""  # the noun it describes ("daughter" in "his eight-year-old daughter")
    kin: bool = False  # said of someone's relative ("his", "her", "their", "Ana's")
    named: bool = False  # said of the name before it ("Ana Ruiz, 38,"): the holder is that name
    at: int = 0  # where it starts in its sentence

    def agrees(self, other: Age) -> bool:
        return self.months[0] < other.months[1] and other.months[0] < self.months[1]


def ages(sentence: str, calendar: Collection[str] = (), people: frozenset[str] = frozenset()) -> list[Age]:
    """Ages a sentence gives ("a 1-year-old", "two months old", "her newborn", "Ana Ruiz, 38,",
    "he's 41", with ``people``'s nouns "the man … is 24"); ``calendar``: words before "13,"
    that make it a date, not an age."""
    text = clean(sentence)
    out = []
    said = _person_is(people)
    for m in said.finditer(text) if said else ():
        k = float(m["n"])
        if 0 < k <= MAX_YEARS:
            out.append(Age(f"{m['n']} years old", (k * 12, (k + 1) * 12), m["holder"].lower(), at=m.start("n")))
    for m in _AGE.finditer(text):
        kin = bool(_POSSESSIVE_BEFORE.search(text, max(0, m.start() - POSSESSIVE_REACH), m.start()))
        if m["word"]:
            word = m["word"].lower()
            out.append(Age(m.group(), _AGE_WORDS[word], word, kin, at=m.start()))
            continue
        n = m["n"].lower()
        k = float(_SMALL.get(n) or int(n))
        per = _MONTHS_PER[m["unit"].lower()]
        after = _HOLDER.match(text, m.end())
        noun = after["noun"].lower() if after else ""
        out.append(Age(m.group(), (k * per, (k + 1) * per), noun, kin, at=m.start()))
    for m in _DECADE.finditer(text):
        word = m["decade"].lower()
        first = _DECADES.get(word) or int(word[0]) * 10
        lo, hi = _DECADE_PART[(m["part"] or "").lower()]
        months = ((first + lo) * 12.0, (first + hi) * 12.0)
        out.append(
            Age(
                m.group("decade") if not m["part"] else f"{m['part']} {m['decade']}",
                months,
                m["holder"].lower(),
                at=m.start("decade"),
            )
        )
    for m in _AGE_SAID.finditer(text):
        name = (m["name"] or "").lower()
        if name and name.split()[-1] in calendar:
            continue  # "Tuesday, 13," is a date
        years = m["apposed"] or m["is"] or m["aged"]
        k = float(years)
        per = _MONTHS_PER[(m["aged_unit"] or "year").lower()]
        shown = f"{years} {(m['aged_unit'] or 'year').lower()}s old"
        out.append(Age(shown, (k * per, (k + 1) * per), name, named=bool(name), at=m.start()))
    return out
