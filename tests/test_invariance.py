"""What a member types around a question must not change its answer.

The best passage and the disagreement notes stay the same when a question gets a greeting,
filler, a trailing thanks, another case or a typo in a long word; the notes are the same for
every ``k`` (they are read from every relevant source, not from the page shown).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.engine import Engine
from index.models import Answer

ROOT = Path(__file__).resolve().parent.parent

QUESTIONS = [
    "When did the Worcester arrest happen?",
    "Where did the ICE confrontations take place?",
    "How many people were arrested in Worcester?",
    "Did the ICE agents have a warrant?",
    "Is Massachusetts a sanctuary state?",
    "Who is the sheriff of Essex County?",
    "What did Coppinger ask ICE to do?",
    "How many protesters got arrested during the ICE operations?",
]


def _typo(question: str) -> str:
    """Swap two letters in the middle of the longest word (a slip of the fingers)."""
    words = question.split()
    i = max(range(len(words)), key=lambda j: len(words[j].strip("?")))
    w = words[i]
    mid = len(w) // 2
    words[i] = w[: mid - 1] + w[mid] + w[mid - 1] + w[mid + 1 :]
    return " ".join(words)


VARIANTS: dict[str, Callable[[str], str]] = {
    "greeting": lambda q: f"hey guys, {q[0].lower()}{q[1:]}",
    "thanks": lambda q: f"{q} thanks!",
    "filler": lambda q: f"so um {q[0].lower()}{q[1:]} lol",
    "lower": str.lower,
    "upper": str.upper,
    "typo": _typo,
}


def _notes(answer: Answer) -> list[str]:
    return [d.note for d in answer.disagreements]


@pytest.fixture(scope="module")
def seeds() -> Engine:
    return Engine.from_folder(ROOT / "seeds")


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_best_passage_and_notes_survive_how_a_member_types(seeds: Engine, question: str, variant: str) -> None:
    base = seeds.answer(question)
    typed = VARIANTS[variant](question)
    other = seeds.answer(typed)
    assert other.answered == base.answered, typed
    assert other.quotes[0].text == base.quotes[0].text, typed
    assert _notes(other) == _notes(base), typed


@pytest.mark.parametrize("question", QUESTIONS)
def test_notes_are_the_same_for_every_k(seeds: Engine, question: str) -> None:
    notes = {tuple(_notes(seeds.answer(question, k=k))) for k in range(1, 11)}
    assert len(notes) == 1, notes


OTHER_CORPUS = Path(__file__).resolve().parent / "heldout" / "corpus-b"


def test_another_incident_too() -> None:
    engine = Engine.from_folder(OTHER_CORPUS)
    for question in ("Did the deputies have a court order?", "When did the Fenwick Arms blockade happen?"):
        base = engine.answer(question)
        for make in VARIANTS.values():
            other = engine.answer(make(question))
            assert other.quotes[0].text == base.quotes[0].text, make(question)
            assert _notes(other) == _notes(base), make(question)
        assert len({tuple(_notes(engine.answer(question, k=k))) for k in range(1, 11)}) == 1


@pytest.mark.parametrize(
    ("plain", "narrower"),
    [("When did the Worcester arrest happen?", "what day was the worcester arrest")],
)
def test_asking_for_the_day_keeps_the_date_note(seeds: Engine, plain: str, narrower: str) -> None:
    """A source that gives only the month is still read when the day is asked: its month disagrees."""
    facets = [d.facet for d in seeds.answer(plain).disagreements]
    assert facets and [d.facet for d in seeds.answer(narrower).disagreements] == facets
