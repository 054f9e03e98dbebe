"""Property tests of the Discord rendering: for any answer, every message fits Discord's limits,
shows its text verbatim but inert (no markdown, links, code or mentions), and pings no one."""

from __future__ import annotations

import re
import time
from typing import Any

import discord
from discord_stub import limit_violations
from hypothesis import given
from hypothesis import strategies as st

from bot.render import (
    ELLIPSIS,
    NO_MENTIONS,
    Rendered,
    _escape_pieces,
    escape,
    render_answer,
    render_source,
    render_source_links,
    render_sources,
    render_summary,
    unescape,
)
from index.models import (
    Answer,
    Disagreement,
    DisagreementValue,
    Passage,
    Quote,
    Source,
    SourceInfo,
    Summary,
    SummarySection,
)

# What a hostile source, manifest or member might put in text.
HOSTILE = [
    "@everyone",
    "@here",
    "<@123>",
    "<@!123>",
    "<@&456>",
    "<#789>",
    "</ask:1>",
    "<t:0:R>",
    "<:emoji:1>",
    "**",
    "__",
    "*",
    "_",
    "~~",
    "||",
    "`",
    "```",
    "\\",
    "[x](https://evil.example/phish)",
    "](",
    "https://evil.example",
    "\n# ",
    "\n## ",
    "\n-# ",
    "\n> ",
    "\n>>> ",
    "\n- ",
    "\n+ ",
    "\n1. ",
    "\n12) ",
    "  ",
    "\n",
    ".",
    "!",
    "”",
    "\u200b",
    "\x1b[31m",
    "😀",
    "👩‍👩‍👧",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "é",
    "日本語",
    "مرحبا",
]

pieces = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE))
texts = st.lists(pieces, max_size=12).map("".join)
# Huge strings cheaply: a hostile piece repeated, past every Discord limit (up to ~16,000 characters).
huge = st.builds(lambda s, n: (s or "x") * n, pieces, st.integers(100, 400))
any_text = st.one_of(texts, texts, huge)
nonempty = any_text.filter(lambda s: s.strip() != "")
tags = st.one_of(st.sampled_from(["S0", "S1", "S12"]), texts)
urls = st.one_of(
    st.none(),
    st.just("https://example.org/a"),
    st.builds(lambda s: "https://example.org/" + s, texts),
    texts,
)

sources = st.builds(
    Source,
    id=st.text(min_size=1, max_size=30),
    label=nonempty,
    tag=tags,
    site=st.one_of(st.none(), any_text),
    date=st.one_of(st.none(), any_text),
    url=urls,
)
quotes = st.builds(
    Quote,
    source_id=st.text(min_size=1, max_size=30),
    label=nonempty,
    tag=tags,
    heading=any_text,
    text=nonempty,
    score=st.floats(allow_nan=False, allow_infinity=False),
    start=st.just(0),
    end=st.just(0),
    url=urls,
)
disagreements = st.builds(
    Disagreement,
    facet=st.sampled_from(["date", "place", "count", "person", "name", "claim", "incident"]),
    note=any_text,
    values=st.lists(st.builds(DisagreementValue, value=texts, sources=st.tuples(st.text(max_size=5))), max_size=3).map(
        tuple
    ),
)
answers = st.builds(
    Answer,
    question=any_text,
    answered=st.booleans(),
    quotes=st.lists(quotes, max_size=12).map(tuple),
    disagreements=st.lists(disagreements, max_size=6).map(tuple),
    message=any_text,
    related=st.lists(any_text, max_size=12).map(tuple),
    more=st.booleans(),
    sources=st.lists(sources, max_size=12).map(tuple),
)

SPECIAL = set("*_~|`[]<\\")
# Our own markup around the escaped text; everything else must be inert.
OURS = ("**Sources disagree**", "**Closest topics the sources do cover:**")
# **\[S1\]**: our bold around an escaped tag (cut with "…" when long).
BOLD_TAG = re.compile(r"\*\*((?:\\\[(?:\\.|[^\\*])*?)?(?:\\\]|…))\*\*")
AUTOLINK = re.compile(r"<https?://[^\s<>]+>")  # a checked URL in <…>: shown as a link, no markdown inside
MENTION = re.compile(r"@(everyone|here)|<[@#/&]|<t:|<a?:")


def tokens(text: str) -> list[tuple[str, bool]]:
    """Each character of a rendered string, and whether it was escaped with a backslash."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append((text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def inert_problems(text: str) -> list[str]:
    """How ``text`` could format, link, quote, open code or mention (empty when it cannot)."""
    for ours in OURS:
        text = text.replace(ours, "")
    text = BOLD_TAG.sub(r"\1", text)
    toks = tokens(text)
    bad = []
    for n, (ch, escaped) in enumerate(toks):
        if escaped:
            continue
        if ch in SPECIAL:
            bad.append(f"raw {ch!r} at {n}")
        if ch == "@" and (n + 1 >= len(toks) or toks[n + 1][0] != "\u200b"):
            bad.append(f"raw @ at {n}")
    line_start = True
    digits = False
    for ch, escaped in toks:
        if ch == "\n":
            line_start, digits = True, False
            continue
        if line_start and ch.isspace():
            continue
        if not escaped and line_start and ch in "#>-+":
            bad.append(f"line starts with raw {ch!r}")
        if not escaped and digits and ch in ".)":
            bad.append("raw numbered list")
        digits = (line_start or digits) and ch in "0123456789" and not escaped  # markdown's list numbers
        line_start = False
    return bad


def strings_of(embed: dict[str, Any]) -> list[str]:
    out = [embed.get("title") or "", embed.get("description") or ""]
    out.append((embed.get("footer") or {}).get("text") or "")
    out.append((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        out += [f.get("name") or "", f.get("value") or ""]
    return out


def check_message(rendered: Rendered, *, inert: bool = True) -> list[dict[str, Any]]:
    kwargs = rendered.kwargs()
    assert kwargs["allowed_mentions"] is NO_MENTIONS
    assert NO_MENTIONS.to_dict() == {"parse": []}  # mentions no one, even if text slipped through
    embeds = [e.to_dict() for e in kwargs["embeds"]]
    body = {"content": kwargs["content"], "embeds": embeds}
    assert limit_violations(body) == []
    for e in embeds:
        assert e.get("description", "x") != ""  # Discord refuses empty strings where a value is given
        if inert:
            for s in strings_of(e):
                assert inert_problems(s) == [], (s[:300], inert_problems(s)[:5])
    return embeds


def shown(text: str) -> str:
    return unescape(text).removesuffix(ELLIPSIS)


@given(any_text)
def test_whole_text_escaping_agrees_with_the_character_by_character_rules(text: str) -> None:
    # escape() is the fast path; fit() falls back to the per-character pieces to find a cut.
    assert escape(text) == "".join(_escape_pieces(text))
    assert unescape(escape(text)) == text
    assert inert_problems(escape(text)) == []


@given(answers)
def test_any_answer_fits_is_inert_and_pings_no_one(answer: Answer) -> None:
    embeds = check_message(render_answer(answer))
    if answer.answered:
        assert len(embeds) == 1 + min(len(answer.quotes), 9)
        for e, q in zip(embeds[1:], answer.quotes, strict=False):
            assert q.text.startswith(shown(e["description"]))  # a verbatim prefix, never altered


@given(answers, st.integers(0, 1000))
def test_more_pages_fit_too(answer: Answer, offset: int) -> None:
    check_message(render_answer(answer, offset=offset))


summaries = st.builds(
    Summary,
    topic=st.one_of(st.none(), any_text),
    sections=st.lists(
        st.builds(SummarySection, title=any_text, quotes=st.lists(quotes, max_size=10).map(tuple)), max_size=10
    ).map(tuple),
    disagreements=st.lists(disagreements, max_size=6).map(tuple),
)


@given(summaries)
def test_any_summary_fits_is_inert_and_pings_no_one(summary: Summary) -> None:
    check_message(render_summary(summary))


infos = st.builds(SourceInfo, source=sources, passages=st.integers(0, 10**6))


@given(st.lists(infos, max_size=60))
def test_any_source_list_fits_and_pings_no_one(listed: list[SourceInfo]) -> None:
    # Lists show links as <https://…> (no preview); mentions and markdown stay inert.
    for rendered in (render_sources(listed), render_source_links([i.source for i in listed])):
        for e in check_message(rendered, inert=False):
            for s in strings_of(e):
                assert not MENTION.search(AUTOLINK.sub("", s).replace("\\<", "")), s[:200]


passages = st.builds(Passage, source_id=st.just("s"), heading=any_text, start=st.just(0), end=st.just(0), text=nonempty)


@given(infos, st.lists(passages, max_size=12))
def test_any_source_page_fits_and_pings_no_one(info: SourceInfo, shown_passages: list[Passage]) -> None:
    for e in check_message(render_source(info, shown_passages), inert=False):
        for s in strings_of(e):
            assert not MENTION.search(AUTOLINK.sub("", s).replace("\\<", "")), s[:200]


def test_no_mentions_is_the_library_default_for_this_bot() -> None:
    assert discord.AllowedMentions.none().to_dict() == {"parse": []}


def test_rendering_cost_does_not_grow_with_the_text() -> None:
    # Rendering runs on the event loop: a megabyte of quote must cost what a page of it costs
    # (before: ~1.4 s for 40,000 characters, growing with the text; now milliseconds).
    big = "**@everyone** <@1> word " * 45_000
    quote = Quote("s", big, big, big, big, 0.0, 0, 0, None)
    answer = Answer(big, True, (quote,) * 12, (Disagreement("date", big, ()),) * 6, big, (big,) * 12, True)
    started = time.perf_counter()
    check_message(render_answer(answer))
    check_message(render_answer(Answer(big, False, message=big, related=(big,) * 12)))
    assert time.perf_counter() - started < 1.0
