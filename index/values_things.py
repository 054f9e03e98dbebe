"""Things a sentence says were thrown, used, taken or carried: "a steel coffee thermos was
thrown at the truck", "someone threw a water bottle toward the dais", "agents used a
sledgehammer". They answer "what was thrown?" and "what did they use?".

A thing is the noun phrase before "was/were <verb>" (the last words before it: in "an
object, later identified as a plastic water bottle, was thrown" that is the bottle) or the
one right after the verb ("threw a water bottle toward"). Its last word is its head: two
sources agree when their heads are one word ("a bottle" and "a plastic water bottle"), or
when one only says "an object".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.tokenize import Word, words

if TYPE_CHECKING:
    from index.values import Rules

MAX_THING_WORDS = 3  # "plastic water bottle": a thing's words before its head, at most
_PARTICIPLE = re.compile(r"(?:ed|en|wn)$")
_PASSIVE = frozenset({"was", "were", "been", "being", "got", "get", "gets", "is", "are"})


@dataclass(frozen=True, slots=True)
class Thing:
    """A thing named as what a verb acted on."""

    text: str  # as written, lower case ("plastic water bottle")
    head: str  # its last word's term ("bottl")
    generic: bool  # "an object", "something": agrees with any thing
    at: int = 0  # where it starts in its sentence

    def display(self) -> str:
        return self.text


def things_agree(a: Thing, b: Thing) -> bool:
    return a.generic or b.generic or a.head == b.head


class ThingReader:
    """Reads the things a verb acted on; built once per rule set."""

    def __init__(self, rules: Rules, terms: Callable[[str], list[str]]) -> None:
        self._terms = terms
        self._determiners = rules.thing_determiners
        self._generic = rules.generic_things
        self._ends = rules.thing_ends
        self._negations = frozenset(rules.negations)

    def extract(self, sentence: str, verbs: Collection[str]) -> list[Thing]:
        """What the sentence says was done to, with or by a thing, for the verbs' terms."""
        ws = words(sentence)
        out: list[Thing] = []
        for i, w in enumerate(ws):
            if not verbs or not set(self._terms(w.surface)) & set(verbs):
                continue
            if any(x.surface in self._negations for x in ws[max(0, i - 3) : i]):
                continue  # "nobody threw anything", "did not use force"
            aux = next((j for j in (i - 1, i - 2) if j >= 0 and ws[j].surface in _PASSIVE), None)
            if aux == i - 2 and not ws[i - 1].surface.endswith("ly"):
                aux = None  # "was reportedly thrown", not "was seen throwing"
            if aux is not None:
                found = self._before(ws, aux, sentence)
            else:
                found = self._after(ws, i)
                if found is None and _PARTICIPLE.search(w.surface):
                    found = self._before(ws, i, sentence)  # "a water bottle thrown from the gallery"
            if found is not None:
                out.append(found)
        return out

    def opening(self, sentence: str) -> Thing | None:
        """The thing an answer opens with ("A metal thermos, according to police.")."""
        return self._after(words(sentence), -1)

    def _before(self, ws: list[Word], end: int, sentence: str) -> Thing | None:
        """ "[a steel coffee thermos] was thrown": the words before ``end`` (the auxiliary,
        or the participle itself)."""
        taken: list[Word] = []
        for j in range(end - 1, max(-1, end - 1 - MAX_THING_WORDS), -1):
            w = ws[j]
            gap = sentence[w.end : (taken[0] if taken else ws[end]).start]
            if taken and gap.strip():
                break  # punctuation between: another phrase
            if not self._content(w.surface):
                break
            taken.insert(0, w)
        first = ws.index(taken[0]) if taken else 0
        if first and ws[first - 1].surface in self._negations:
            return None  # "no chemical agent was used"
        return self._thing(taken)

    def _after(self, ws: list[Word], i: int) -> Thing | None:
        """ "threw [a water bottle] toward": a determiner, then the words up to a stop."""
        j = i + 1
        if j < len(ws) and ws[j].surface in self._determiners:
            j += 1
        taken: list[Word] = []
        while j < len(ws) and len(taken) <= MAX_THING_WORDS and self._content(ws[j].surface):
            if taken and ws[j].start > taken[-1].end + 1:
                break  # a comma or dash between
            taken.append(ws[j])
            j += 1
        return self._thing(taken)

    def _content(self, word: str) -> bool:
        return word.isalpha() and word not in self._determiners and word not in self._ends and bool(self._terms(word))

    def _thing(self, taken: list[Word]) -> Thing | None:
        if not taken:
            return None
        head = taken[-1].surface
        terms = self._terms(head)
        if not terms:
            return None
        text = " ".join(w.surface for w in taken)
        return Thing(text, terms[-1], head in self._generic, taken[0].start)
