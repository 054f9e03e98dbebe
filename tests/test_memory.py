"""Memory: an index version the engine no longer answers from is freed when it is dropped.

A running bot adopts each new version in one assignment. The old one must then go by
reference counting alone: anything of it kept in a reference cycle waits for a full run of
the cyclic garbage collector, which walks every object in the process and stalls the event
loop for it (and once frozen, gc.freeze(), it would never go).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.client import warm_up
from index.engine import Engine
from index.lexicon import CorpusProfile, Lexicon, english
from index.store import build_index

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Questions that read dates, counts, places, names and speakers (and note disagreements).
QUESTIONS = (
    "When did the Worcester arrest happen?",
    "How many people were arrested in Worcester?",
    "Where did the confrontation happen?",
    "What did Koppinger say?",
    "Who is Sheriff Koppinger?",
    "What is the best banana bread recipe?",
)


@pytest.fixture
def no_cycle_collector() -> Iterator[None]:
    """The cyclic garbage collector off (what it would have found is left in gc.garbage)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def index_objects_only_the_collector_frees() -> list[str]:
    """Types of the engine's objects (index.*) that are unreachable but still alive."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    gc.set_debug(0)
    found = sorted({type(o).__qualname__ for o in gc.garbage if type(o).__module__.startswith("index.")})
    gc.garbage.clear()
    return found


def test_a_dropped_lexicon_is_freed_without_the_cycle_collector(no_cycle_collector: None) -> None:
    lexicon = Lexicon(english(), CorpusProfile.load(SEEDS))
    facts, tokenizer = lexicon.facts, lexicon.tokenizer
    facts.dates("On May 8, 2025 two people were arrested in Worcester by Sheriff Lewis Evangelidis.")
    facts.counts("two people were arrested")
    facts.places("in Worcester and New Bedford")
    facts.names("Essex County Sheriff Kevin Coppinger said")
    tokenizer.tokens("Sheriff Koppinger's statement")
    refs = [weakref.ref(o) for o in (lexicon, facts, facts.date_reader, tokenizer)]
    del lexicon, facts, tokenizer
    assert [type(r()).__name__ for r in refs if r() is not None] == []
    assert index_objects_only_the_collector_frees() == []


async def test_an_adopted_version_frees_the_old_one_without_the_cycle_collector(
    db_copy: Path, no_cycle_collector: None
) -> None:
    engine = await Engine.open(db_copy)
    for q in QUESTIONS:
        engine.answer(q)
    await engine.summary()
    view = engine.snapshot.view()
    lex, search = view.lexicon, view.search
    old = {
        "lexicon": lex,
        "tokenizer": lex.tokenizer,
        "fact reader": lex.facts,
        "date reader": lex.facts.date_reader,
        "search index": search,
        "BM25 index": search.bm25,
        "passage terms": search.doc_terms,
        "sentences": search.sent,
    }
    refs = {name: weakref.ref(o) for name, o in old.items()}
    del view, lex, search, old
    await build_index(SEEDS, db_copy)
    assert await engine.reload()
    for q in QUESTIONS:
        engine.answer(q)
    assert [name for name, r in refs.items() if r() is not None] == []
    assert index_objects_only_the_collector_frees() == []


async def test_the_bot_adopts_a_version_without_unfreezing(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After start-up, the bot never unfreezes to settle a new version: a full collection of
    every object would stall its event loop (70-100 ms), and the old version needs none."""
    engine = await Engine.open(db_copy)
    engine.answer(QUESTIONS[0])

    async def no_warm() -> None:  # the word lists are not what this test is about
        pass

    monkeypatch.setattr(engine, "warm", no_warm)
    unfrozen: list[str] = []
    try:
        await warm_up(engine)  # as the bot starts: one full collection, everything frozen
        monkeypatch.setattr(gc, "unfreeze", lambda: unfrozen.append("unfreeze"))
        for _ in range(3):
            await build_index(SEEDS, db_copy)
            assert await engine.reload()
        assert unfrozen == []
    finally:
        monkeypatch.undo()
        gc.unfreeze()
