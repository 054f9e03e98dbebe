"""Lengths of time a sentence gives: "for about 45 minutes", "a 45-minute recess",
"lasted two to three hours". They answer "how long did it last"; dates answer "since when".

Only a length said to be how long something went on counts: "for", "lasted", "took",
"spent" before it, or the adjective form before an event noun ("a two-hour standoff", not
"a 10-minute drive"). "Two days later", "within minutes" and "every 30 minutes" are not
lengths of the event.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.text import alternation as _alt

if TYPE_CHECKING:
    from index.values import Rules

APPROX_SLACK = 0.1  # "about 45 minutes" admits 40.5 to 49.5
HALF = 0.5
MAX_SHOWN = 60  # characters of a length's text a note shows
_NEXT_WORD = re.compile(r"[\s-]*(?P<word>[A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class LengthValue:
    """A length of time, as a range of minutes."""

    text: str  # as written, lower case ("about 45 minutes", "45-minute")
    low: float
    high: float
    at: int = 0  # where it starts in its sentence

    def display(self) -> str:
        return self.text


def lengths_agree(a: LengthValue, b: LengthValue) -> bool:
    """Two lengths agree when some length is admitted by both ("two days" / "48 hours")."""
    return a.low <= b.high and b.low <= a.high


class LengthReader:
    """Reads lengths of time from a sentence; built once per rule set."""

    def __init__(self, rules: Rules) -> None:
        self._units = dict(rules.length_units)
        self._numbers = dict(rules.number_words)
        self._hedges = {w: kind for kind, ws in rules.hedges.items() for w in ws}
        numbers = _alt(self._numbers)
        units = _alt(self._units)
        hedges = _alt(self._hedges)
        # "forty-five" is one number; a dash between digits ("2-3 hours") is a range.
        number = rf"(?:\d+(?:\.\d+)?|(?:{numbers})(?:-(?:{numbers}))?|an?)"
        cues = _alt(rules.length_cues)
        self._events = frozenset(rules.length_events)
        self._length = re.compile(
            rf"(?:(?P<cue>\b(?:{cues})|:)\s+(?:(?:a|an|the|its|their)\s+)?)?"
            rf"(?:(?P<hedge>\b(?:{hedges}))\s+)?"
            rf"(?P<half>\bhalf\s+)?"
            rf"(?P<num>\b{number})(?:\s*(?:to|or)\s*(?P<num2>{number})|-(?P<num2d>\d+(?:\.\d+)?)(?=\s))?"
            rf"(?P<sep>-|\s+)(?:and\s+a\s+half\s+)?"
            rf"(?P<unit>(?:{units})s?)\b(?P<and_half>\s+and\s+a\s+half)?"
            rf"(?:\s+(?:and\s+)?(?P<num_b>\d+|{numbers})[\s-]+(?P<unit_b>(?:{units})s?)\b)?"
            rf"(?!-?\s*(?:-?olds?|ago|later|earlier|of age|longer|shorter|more|less)\b)",
            re.IGNORECASE,
        )

    def extract(self, sentence: str) -> list[LengthValue]:
        out: list[LengthValue] = []
        for m in self._length.finditer(sentence):
            if not self._said_as_length(m, sentence):
                continue
            unit = self._unit(m["unit"])
            second = m["num2"] or m["num2d"]
            low = self._number(m["num"])
            high = self._number(second) if second else low
            if not unit or low is None or high is None or high < low:
                continue
            if m["half"]:
                low, high = low * HALF, high * HALF
            if m["and_half"] or "and a half" in m.group().lower():
                low, high = low + HALF, high + HALF
            low, high = low * unit, high * unit
            if m["num_b"]:  # "two hours and fifteen minutes"
                extra = (self._number(m["num_b"]) or 0.0) * self._unit(m["unit_b"])
                low, high = low + extra, high + extra
            kind = self._hedges.get((m["hedge"] or "").lower(), "exact")
            if kind == "approx":
                low, high = low * (1 - APPROX_SLACK), high * (1 + APPROX_SLACK)
            elif kind == "more":
                high = float("inf")
            elif kind == "less":
                low = 0.0
            if not math.isfinite(low):
                continue
            start = m.start("hedge") if m["hedge"] else m.start("half") if m["half"] else m.start("num")
            end = m.end("unit_b") if m["num_b"] else m.end("and_half") if m["and_half"] else m.end("unit")
            text = sentence[start:end].lower()
            if self._adjective(m):  # "a 45-minute recess" lasted 45 minutes
                text = text.replace("-", " ") + ("" if low == unit else "s")
            out.append(LengthValue(text[:MAX_SHOWN], low, high, start))
        return out

    def _adjective(self, m: re.Match[str]) -> bool:
        return m["sep"] == "-" and not (m["num2"] or m["num2d"])

    def _said_as_length(self, m: re.Match[str], sentence: str) -> bool:
        """After "for", "lasted", "took" …; a fact box's "Suspended: 1 hour" that ends its line;
        or "a 45-minute recess", when the noun is an event (not "a 10-minute drive")."""
        if m["num_b"] and self._unit(m["unit_b"]) >= self._unit(m["unit"]):
            return False  # "5 hours, 3 hours longer": two lengths, not one
        if m["num"].lower() in ("a", "an") and self._unit(m["unit"]) < 1:
            return False  # "for a second day": an ordinal, not a second
        if m["cue"] == ":":
            return not sentence[m.end() :].strip(" .;")
        if m["cue"]:
            return True
        if not self._adjective(m):
            return False
        noun = _NEXT_WORD.match(sentence, m.end())
        return noun is not None and noun["word"].lower() in self._events

    def _unit(self, name: str) -> float:
        name = name.lower()
        return self._units.get(name, self._units.get(name[:-1], 0.0))

    def _number(self, word: str) -> float | None:
        w = word.lower()
        if w[0].isdigit():
            return float(w)
        if w in ("a", "an"):
            return 1.0
        if "-" in w:  # "forty-five"
            parts = [self._numbers.get(x) for x in w.split("-")]
            return None if None in parts else float(sum(x for x in parts if x is not None))
        n = self._numbers.get(w)
        return None if n is None else float(n)
