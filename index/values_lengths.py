"""Lengths of time a sentence gives: "for about 45 minutes", "a 45-minute recess",
"lasted two to three hours". They answer "how long did it last"; dates answer "since when".

Only a length said to be how long something went on counts: "for", "lasted", "took",
"spent" before it, or the adjective form ("a two-hour standoff"). "Two days later", "within
minutes" and "every 30 minutes" are not lengths of the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.text import alternation as _alt

if TYPE_CHECKING:
    from index.values import Rules

APPROX_SLACK = 0.1  # "about 45 minutes" admits 40.5 to 49.5
HALF = 0.5


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
        number = rf"(?:\d+(?:\.\d+)?|{numbers}|an?)"
        cues = _alt(rules.length_cues)
        self._length = re.compile(
            rf"(?:(?P<cue>\b(?:{cues})|:)\s+(?:(?:a|an|the|its|their)\s+)?)?"
            rf"(?:(?P<hedge>\b(?:{hedges}))\s+)?"
            rf"(?P<half>\bhalf\s+)?"
            rf"(?P<num>\b{number})(?:\s*(?:-|to|or)\s*(?P<num2>{number}))?"
            rf"(?P<sep>-|\s+)(?:and\s+a\s+half\s+)?"
            rf"(?P<unit>(?:{units})s?)\b(?P<and_half>\s+and\s+a\s+half)?"
            rf"(?:,?\s+(?:and\s+)?(?P<num_b>\d+|{numbers})[\s-]+(?P<unit_b>(?:{units})s?)\b)?"
            rf"(?!\s*(?:-?old|ago|later|earlier|of age)\b)",
            re.IGNORECASE,
        )

    def extract(self, sentence: str) -> list[LengthValue]:
        out: list[LengthValue] = []
        for m in self._length.finditer(sentence):
            adjective = m["sep"] == "-" and not m["num2"]  # "a 45-minute recess"
            if not (m["cue"] or adjective):
                continue
            unit = self._unit(m["unit"])
            low = self._number(m["num"])
            high = self._number(m["num2"]) if m["num2"] else low
            if not unit or low is None or high is None:
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
            start = m.start("hedge") if m["hedge"] else m.start("half") if m["half"] else m.start("num")
            end = m.end("unit_b") if m["num_b"] else m.end("and_half") if m["and_half"] else m.end("unit")
            text = sentence[start:end].lower()
            if adjective:  # "a 45-minute recess" lasted 45 minutes
                text = text.replace("-", " ") + ("" if low == unit else "s")
            out.append(LengthValue(text, low, high, start))
        return out

    def _unit(self, name: str) -> float:
        name = name.lower()
        return self._units.get(name, self._units.get(name[:-1], 0.0))

    def _number(self, word: str) -> float | None:
        w = word.lower()
        if w[0].isdigit():
            return float(w)
        if w in ("a", "an"):
            return 1.0
        n = self._numbers.get(w)
        return None if n is None else float(n)
