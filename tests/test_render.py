"""render.py: every output within Discord's limits; shown text a verbatim prefix, never cut mid-word."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discord_stub import limit_violations

from bot.render import ELLIPSIS, Rendered, escape, fit, render_answer, render_source, render_sources, unescape
from index.models import Answer, Disagreement, DisagreementValue, Passage, Quote, Source, SourceInfo

NASTY = [
    "@everyone",
    "@here",
    "<@123>",
    "<@&456>",
    "<#789>",
    "[x](https://e.vil)",
    "```",
    "**",
    "__",
    "~~",
    "||",
    "\n# ",
    "\n> ",
    "\n- ",
    "\n1. ",
    "\\",
    "`",
    "😀",
    "-# ",
    " ",
    " ",
    "\n",
    "word",
    "naïve",
    "…",
]
texts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=30)), max_size=400).map("".join)


def body(rendered: Rendered) -> dict:
    return {"content": rendered.content, "embeds": [e.to_dict() for e in rendered.embeds]}


def check_verbatim(shown: str, original: str) -> None:
    plain = unescape(shown)
    if plain == original:
        return
    assert shown.endswith(ELLIPSIS)
    prefix = unescape(shown[: -len(ELLIPSIS)])
    assert original.startswith(prefix)
    n = len(prefix)
    assert n == 0 or (original[n].isspace() and not prefix[-1].isspace())  # cut at a word boundary


@given(texts)
def test_escape_roundtrips(text: str) -> None:
    assert unescape(escape(text)) == text


@given(texts, st.integers(min_value=1, max_value=4096))
def test_fit_is_a_verbatim_prefix_within_limit(text: str, limit: int) -> None:
    shown = fit(text, limit)
    assert len(shown.encode("utf-16-le")) // 2 <= limit
    check_verbatim(shown, text)


def test_fit_prefers_a_sentence_end() -> None:
    text = "First sentence is here. Second sentence runs on and on and on without stopping"
    assert fit(text, 36) == "First sentence is here." + ELLIPSIS
    assert fit("no_boundary_at_all" * 10, 50) == ELLIPSIS  # never mid-word, even if that shows nothing


def test_escape_neutralizes_markup() -> None:
    out = escape("# Title\n> quote\n@everyone <@123> [a](https://x.y) ```code``` **b**")
    for raw in ("@everyone", "<@123>", "](", "```", "**", "\n>"):
        assert raw not in out.replace("\\]", "")
    assert out.startswith("\\#")


def source(i: int, label: str) -> Source:
    return Source(
        id=f"src{i}", label=label, tag=f"S{i}", site="example.org", date="2025-05-08", url="https://example.org/a_b(c)"
    )


@settings(max_examples=60, deadline=None)
@given(
    question=texts,
    passages=st.lists(texts, min_size=1, max_size=12),
    labels=st.lists(texts, min_size=1, max_size=12),
    notes=st.lists(texts, max_size=4),
)
def test_render_answer_fits_and_quotes_verbatim(
    question: str, passages: list[str], labels: list[str], notes: list[str]
) -> None:
    quotes = tuple(
        Quote(
            source_id=f"src{i}",
            label=labels[i % len(labels)],
            tag=f"S{i}",
            heading=labels[-1],
            text=text,
            score=1.0,
            start=0,
            end=len(text),
            url="https://example.org/x",
        )
        for i, text in enumerate(passages)
    )
    dis = tuple(Disagreement("date", n, (DisagreementValue("May 8", ("src0",)),)) for n in notes)
    answer = Answer(question=question, answered=True, quotes=quotes, disagreements=dis, more=True)
    rendered = render_answer(answer)
    assert limit_violations(body(rendered)) == []
    for embed, quote in zip(rendered.embeds[1:], quotes, strict=False):
        check_verbatim(embed.description or "", quote.text)
    if any(n for n in notes):
        assert rendered.embeds[0].description and rendered.embeds[0].description.startswith("**Sources disagree**")


@settings(max_examples=40, deadline=None)
@given(message=texts, related=st.lists(texts, max_size=15), question=texts)
def test_render_not_covered_fits(message: str, related: list[str], question: str) -> None:
    rendered = render_answer(Answer(question=question, answered=False, message=message, related=tuple(related)))
    assert len(rendered.embeds) == 1 and limit_violations(body(rendered)) == []


@settings(max_examples=30, deadline=None)
@given(labels=st.lists(texts, max_size=60), passages=st.lists(texts, max_size=5))
def test_render_sources_and_source_fit(labels: list[str], passages: list[str]) -> None:
    infos = [SourceInfo(source(i, label), i) for i, label in enumerate(labels)]
    assert limit_violations(body(render_sources(infos))) == []
    info = SourceInfo(source(1, labels[0] if labels else "x"), len(passages))
    ps = [Passage("src1", "heading", 0, len(t), t) for t in passages]
    rendered = render_source(info, ps)
    assert limit_violations(body(rendered)) == []
    for embed, p in zip(rendered.embeds[1:], ps, strict=True):
        check_verbatim(embed.description or "", p.text)
