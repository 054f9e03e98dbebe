"""Passages are verbatim, whole, carry their heading, and cover the content."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.passages import is_heading, sentence_spans, split_passages

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
FURNITURE = re.compile(r"^(Leave a Reply|Also Read:|Table of Contents)", re.M)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_passages_are_verbatim_and_cover_every_content_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    passages = split_passages(path.stem, text)
    assert passages
    covered = [False] * len(text)
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip()
        for i in range(p.start, p.end):
            covered[i] = True
    for m in re.finditer(r"[^\n]+", text):
        line = m.group().strip()
        if not line or is_heading(line) or FURNITURE.match(line):
            continue
        assert all(covered[m.start() + len(m.group()) - len(m.group().lstrip()) : m.end()]), line[:80]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_passages_never_cut_a_line_and_drop_furniture(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for p in split_passages(path.stem, text):
        assert p.start == 0 or text[p.start - 1] in "\n " or text[: p.start].strip() == ""
        assert p.end == len(text) or text[p.end] in "\r\n"
        assert not FURNITURE.search(p.text)


def test_list_items_and_table_rows_stay_with_their_heading() -> None:
    text = (
        "Calls for De-escalation\n"
        "His three-point strategy includes:\n"
        "- Community De-escalation: urging residents to avoid interfering.\n"
        "- ICE Restraint: calling on agents to coordinate.\n"
        "Operations Impact\n"
        "| Location | Date | Arrests |\n"
        "|---|---|---|\n"
        "| Chelsea | Jan '23 | 2 |\n"
    )
    passages = split_passages("s", text)
    assert [p.heading for p in passages] == ["Calls for De-escalation", "Operations Impact"]
    assert passages[0].text.startswith("His three-point strategy includes:")
    assert passages[0].text.endswith("coordinate.")
    assert passages[1].text.count("|\n|") == 2


def test_headings_are_short_lines_without_end_punctuation() -> None:
    assert is_heading("Who Is Kevin Coppinger?")
    assert is_heading("The Worcester Incident: A Community United")
    assert not is_heading("Coppinger argues that better coordination could prevent dangerous situations.")
    assert not is_heading("- Enhanced Training for ICE agents")
    assert not is_heading("His three-point strategy includes:")


def test_sentences_do_not_split_at_initials_or_abbreviations() -> None:
    text = "U.S. Attorney Leah Foley spoke. Sheriff Kevin F. Coppinger replied! Then what?"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "U.S. Attorney Leah Foley spoke.",
        "Sheriff Kevin F. Coppinger replied!",
        "Then what?",
    ]


def test_a_long_paragraph_is_split_at_sentence_boundaries() -> None:
    sentence = "The crowd stayed near the vehicle while agents waited for support from local police. "
    text = "Heading Here\n" + (sentence * 30).strip() + "\n"
    passages = split_passages("s", text)
    assert len(passages) > 1
    for p in passages:
        assert p.text.endswith("police.")
        assert text[p.start : p.end] == p.text


_word = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
_sentence = st.lists(_word, min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")
_para = st.lists(_sentence, min_size=1, max_size=12).map(" ".join)
_heading = st.lists(_word, min_size=1, max_size=5).map(lambda ws: " ".join(ws).title())
_item = _sentence.map(lambda s: "- " + s)
_block = st.one_of(_para, _heading, _item, st.just(""), st.just("Leave a Reply Cancel reply"))


@settings(max_examples=150, deadline=None)
@given(st.lists(_block, min_size=1, max_size=30), st.sampled_from(["\n", "\r\n"]))
def test_random_documents_split_verbatim_with_full_coverage(blocks: list[str], newline: str) -> None:
    text = newline.join(blocks)
    passages = split_passages("s", text)
    spans = sorted((p.start, p.end) for p in passages)
    for (_, end), (start, _) in pairwise(spans):
        assert end <= start  # no overlap
    for p in passages:
        assert text[p.start : p.end] == p.text
    covered = "".join(text[a:b] for a, b in spans)
    for block in blocks:
        if block.endswith(".") and not block.startswith("Leave"):
            assert block.lstrip("- ") in covered
