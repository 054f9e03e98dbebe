"""Property tests of the engine on the seed index: any question gets a well-formed answer or a
clear one-line refusal (InvalidQuestion), never another exception; any text splits into
verbatim passages that cover it; the tokenizer takes any Unicode.

Quick by default; HYPOTHESIS_PROFILE=thorough for thousands of questions (tests/conftest.py).
"""

from __future__ import annotations

import itertools
import json
import math
import string
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.engine import DEFAULT_K, MAX_K, Engine
from index.lexicon import Lexicon, english
from index.models import Answer, InvalidQuestion
from index.passages import is_heading, split_passages
from index.tokenize import Tokenizer, normalize, unaccented, words

SEED_QUESTIONS = [
    "When did the Worcester arrest happen?",
    "Who is Sheriff Koppinger?",
    "What did Coppinger say about ICE?",
    "How many residents formed a ring?",
    "Did ICE show a judicial warrant?",
    "Is Massachusetts a sanctuary state?",
    "What happened in Waltham?",
]
HOSTILE = [
    "'; DROP TABLE passages; --",
    "Robert'); DROP TABLE bot_questions;--",
    "1 OR 1=1",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "**Worcester**",
    "`code`",
    "```\nfence\n```",
    "[link](https://evil.example)",
    "@everyone",
    "@here",
    "<@123>",
    "<@&456>",
    "<#789>",
    "\n# heading\n",
    "> quote",
    "\x1b[31m",
    "\x00",
    "\u00ad",
    "\u200b",
    "\u202e",
    "\ufeff",
    "Wor\u00adcester",
]
SCRIPTS = [
    "Когда произошёл арест в Вустере?",
    "伍斯特的逮捕是什么时候发生的？",
    "متى حدث الاعتقال في ورسستر؟",
    "ווסטר מתי",
    "वॉर्सेस्टर में गिरफ्तारी कब हुई?",
    "Πότε έγινε η σύλληψη;",
    "ウスターでの逮捕はいつ？",
    "¿Cuándo ocurrió el arresto en Worcester?",
    "😀😀😀 🔥",
]

punctuation_only = st.text(alphabet=string.punctuation + " \t\n¿¡…—–“”‘’«»·•", max_size=200)
mixed = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE + SCRIPTS + SEED_QUESTIONS)), max_size=8).map(
    " ".join
)
# Up to 10,000 characters (past the engine's limit), cheaply: a piece repeated.
long_questions = st.builds(
    lambda s, n: (s * n)[:10_000], st.sampled_from([*SEED_QUESTIONS, "a", "? "]), st.integers(1, 10_000)
)
questions = st.one_of(
    st.just(""),
    st.text(),
    punctuation_only,
    mixed,
    mixed,
    long_questions,
    st.sampled_from(SCRIPTS + HOSTILE + SEED_QUESTIONS),
)
MAX_MESSAGE_CHARS = 300  # a refusal a member reads in one glance


def check_well_formed(answer: Answer, engine: Engine, k: int) -> None:
    assert isinstance(answer, Answer)
    assert isinstance(answer.question, str) and isinstance(answer.answered, bool)
    json.dumps(answer.to_json())  # the --json contract serializes
    ids = {i.source.id: i.source for i in engine.sources()}
    if answer.answered:
        assert 1 <= len(answer.quotes) <= k
    else:
        assert answer.message.strip() and "\n" not in answer.message
    for q in answer.quotes:
        source = ids[q.source_id]
        assert (q.label, q.tag) == (source.label, source.tag)
        text = engine.source_text(q.source_id)
        assert text is not None and q.text and text[q.start : q.end] == q.text  # verbatim, at its offsets
        assert math.isfinite(q.score)
    for d in answer.disagreements:
        assert d.note.strip() and "\n" not in d.note
        for v in d.values:
            assert set(v.sources) <= set(ids)
    assert all(s.id in ids for s in answer.sources)
    assert all(isinstance(r, str) and r for r in answer.related)


@given(questions)
async def test_any_question_gets_an_answer_or_a_clear_refusal(engine: Engine, question: str) -> None:
    try:
        answer = await engine.ask(question)
    except InvalidQuestion as exc:
        message = str(exc)
        assert message.strip() and "\n" not in message and len(message) <= MAX_MESSAGE_CHARS
        return
    check_well_formed(answer, engine, DEFAULT_K)


@given(st.sampled_from(SEED_QUESTIONS + SCRIPTS) | mixed, st.integers(1, MAX_K), st.integers(0, 60))
async def test_any_page_of_any_question_is_well_formed(engine: Engine, question: str, k: int, offset: int) -> None:
    try:
        answer = await engine.ask(question, k=k, offset=offset)
    except InvalidQuestion:
        return
    check_well_formed(answer, engine, k)


async def test_seed_questions_are_answered(engine: Engine) -> None:
    # The generators above must reach real answers too, not only refusals.
    for question in SEED_QUESTIONS:
        assert (await engine.ask(question)).answered, question


# -- passages and tokens ---------------------------------------------------------------------

INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066"]
LINES = ["Heading Without Stop", "A sentence that ends.", "- item", "1. item", "| a | b |", "Intro:", "", "   "]
documents = st.lists(st.one_of(st.text(max_size=300), st.sampled_from(LINES + HOSTILE + SCRIPTS)), max_size=30).map(
    "\n".join
)


@given(documents)
def test_passages_are_verbatim_ordered_and_cover_every_line_but_headings(text: str) -> None:
    passages = split_passages("s", text)
    for p in passages:
        assert text[p.start : p.end] == p.text and p.text.strip()
    for a, b in itertools.pairwise(passages):
        assert a.end <= b.start
    covered = [False] * len(text)
    for p in passages:
        covered[p.start : p.end] = [True] * (p.end - p.start)
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if line.strip() and not is_heading(line.strip()):
            for i, ch in enumerate(line):
                assert covered[pos + i] or ch.isspace(), (line, i)
        pos += len(raw)


@cache
def tokenizer() -> Tokenizer:
    return Lexicon(english()).tokenizer


@given(st.text())
def test_the_tokenizer_takes_any_unicode(text: str) -> None:
    terms = tokenizer().tokens(text)
    assert all(isinstance(t, str) and t for t in terms)
    found = words(text)
    assert all(w.surface for w in found)
    for w in found:
        assert 0 <= w.start < w.end <= len(text)
        assert w.surface in unaccented(normalize(text[w.start : w.end]))


@pytest.mark.parametrize("text", ["\xad¼", "Wor\xadcester ½", "\u200b½"])
def test_the_tokenizer_takes_invisible_and_lengthening_characters_together(text: str) -> None:
    assert tokenizer().tokens(text)
    for w in words(text):
        assert w.end <= len(text) and w.surface in unaccented(normalize(text[w.start : w.end]))


@pytest.mark.parametrize("text", ["don´t stop", "the ﬁle was filed", "½ of them", "´0", "İstanbul Wor\u00adcester"])
def test_word_offsets_point_at_the_word_after_characters_normalizing_lengthens(text: str) -> None:
    found = words(text)
    assert found
    for w in found:
        assert w.end <= len(text) and w.surface in unaccented(normalize(text[w.start : w.end]))


@given(st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=60), st.data())
def test_invisible_characters_inside_words_change_nothing(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    mark = data.draw(st.sampled_from(INVISIBLE))
    marked = text[:at] + mark + text[at:]
    assert tokenizer().tokens(marked) == tokenizer().tokens(text)
    assert [w.surface for w in words(marked)] == [w.surface for w in words(text)]
