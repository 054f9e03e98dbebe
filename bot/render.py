"""Turn the engine's plain answers into Discord messages that fit every limit.

Text from sources is shown verbatim: it is escaped (so it cannot format, link, mention
or open code blocks) and, when too long, cut to a prefix at a sentence or word boundary
followed by "…". ``unescape`` undoes ``escape`` exactly, which the tests rely on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord

from index.models import (
    Answer,
    Disagreement,
    Passage,
    Quote,
    Source,
    SourceInfo,
    Summary,
)
from index.store import AuditEntry

# Discord's documented limits.
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
FIELDS_MAX = 25
EMBEDS_MAX = 10
EMBEDS_TOTAL_MAX = 6000

TAG_MAX = 24  # a source's tag as shown ("[S1]"), escaped; real tags are a few characters
# Headroom under the 6,000 total so rounding in our own bookkeeping can never overflow it.
_TOTAL_BUDGET = EMBEDS_TOTAL_MAX - 100
ELLIPSIS = "…"
NO_MENTIONS = discord.AllowedMentions.none()

ANSWER_COLOUR = discord.Colour.blurple()
WARN_COLOUR = discord.Colour.orange()
_URL = re.compile(r"https?://[^\s<>\x00-\x1f]{1,1800}")
_ALWAYS = frozenset("\\*_~|`[]<")
_LINE_START = frozenset("#>-+=")
_LIST_NUMBER_END = frozenset(".)")  # "1." and (CommonMark) "1)" start a numbered list
_DIGITS = frozenset("0123456789")  # markdown numbers lists with ASCII digits only
# The rules of _escape_pieces as substitutions, for whole texts (several times faster; a test
# checks they agree): always-special characters, then "@", then what is special at a line start.
_ALWAYS_RE = re.compile(r"[\\*_~|`\[\]<]")
_LINE_START_RE = re.compile(r"^([^\S\n]*)(?:([#>+=-])|([0-9]+)([.)]))", re.MULTILINE)
_SENTENCE_END = frozenset(".!?")
_CLOSERS = frozenset("\"'”’)]")
NOT_COVERED = "The sources don't cover this."


def dlen(text: str) -> int:
    """Length as Discord may count it (UTF-16 code units, never less than code points)."""
    return len(text.encode("utf-16-le")) // 2


def _escape_pieces(text: str) -> list[str]:
    """Escaped form of each character; each depends only on the characters before it."""
    pieces: list[str] = []
    line_start = True  # only whitespace since the last newline
    line_digits = False  # only whitespace then digits since the last newline
    for ch in text:
        if ch == "@":
            piece = "@\u200b"
        elif ch in _ALWAYS or (ch in _LINE_START and line_start) or (ch in _LIST_NUMBER_END and line_digits):
            piece = "\\" + ch
        else:
            piece = ch
        pieces.append(piece)
        if ch == "\n":
            line_start, line_digits = True, False
        elif ch.isspace():
            line_digits = line_digits and False
        elif ch in _DIGITS and (line_start or line_digits):
            line_start, line_digits = False, True
        else:
            line_start = line_digits = False
    return pieces


def _escape_line_start(m: re.Match[str]) -> str:
    lead, mark, digits, end = m.groups()
    return lead + ("\\" + mark if mark else digits + "\\" + end)


def escape(text: str) -> str:
    """Neutralize markdown, masked links, code, headings, quotes and mentions."""
    text = _ALWAYS_RE.sub(r"\\\g<0>", text).replace("@", "@\u200b")
    return _LINE_START_RE.sub(_escape_line_start, text)


def unescape(text: str) -> str:
    """Exact inverse of :func:`escape`."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif ch == "@" and text[i + 1 : i + 2] == "\u200b":
            out.append("@")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def fit(text: str, limit: int) -> str:
    """``text`` escaped, cut to a verbatim prefix ending at a sentence or word boundary + "…"."""
    # Every character costs at least one unit, so no more than limit + 1 of them matter:
    # the work stays bounded however long the text (escaping depends only on what precedes).
    text = text[: max(limit, 0) + 1]
    escaped = escape(text)
    if dlen(escaped) <= limit:
        return escaped
    pieces = _escape_pieces(text)  # character by character, to find where to cut
    cum = [0]
    for piece in pieces:
        cum.append(cum[-1] + dlen(piece))
    budget = limit - dlen(ELLIPSIS)
    word = sentence = 0
    for n in range(1, len(text)):
        if cum[n] > budget:
            break
        if text[n].isspace() and not text[n - 1].isspace():
            word = n
            end = n - 1
            while end > 0 and text[end] in _CLOSERS:
                end -= 1
            if text[end] in _SENTENCE_END:
                sentence = n
    # A sentence end is nicer, unless it would throw away most of the room.
    cut = sentence if sentence >= word * 0.6 else word
    return "".join(pieces[:cut]) + ELLIPSIS if budget >= 0 else ""


def plain(text: str, limit: int) -> str:
    """Like :func:`fit` for text we wrote ourselves around escaped parts (no escaping)."""
    if dlen(text) <= limit:
        return text
    budget = limit - dlen(ELLIPSIS)
    cut = used = 0
    for n in range(1, len(text)):
        used += dlen(text[n - 1])  # dlen(text[:n]), kept up to date instead of measured again
        if used > budget:
            break
        if text[n].isspace() and not text[n - 1].isspace():
            cut = n
    return text[:cut] + ELLIPSIS


def escaped_len(text: str, cap: int) -> int:
    """``dlen(escape(text))``, or something over ``cap`` when that is more (without escaping it all)."""
    return dlen(escape(text[: cap + 1]))


def tag_title(tag: str, label: str, limit: int = TITLE_MAX) -> str:
    """``[S1] label`` for a title, both escaped: a manifest's tag is text like any other."""
    prefix = fit(f"[{tag}]", TAG_MAX) + " "
    return prefix + fit(label, limit - dlen(prefix))


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link Discord will accept, else None."""
    if url and _URL.fullmatch(url):
        return url
    return None


@dataclass
class Rendered:
    """One message's worth of content and embeds."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for send/edit; never pings anyone."""
        return {"content": self.content, "embeds": self.embeds, "allowed_mentions": NO_MENTIONS}


def embed_chars(embed: discord.Embed) -> int:
    """What counts toward Discord's 6,000-character total for one embed."""
    total = dlen(embed.title or "") + dlen(embed.description or "")
    total += dlen(embed.footer.text or "") + dlen(embed.author.name or "")
    for f in embed.fields:
        total += dlen(f.name or "") + dlen(f.value or "")
    return total


def _share(needs: Sequence[int], budget: int, cap: int) -> list[int]:
    """Split ``budget`` among texts needing ``needs`` chars, each at most ``cap`` (water-filling)."""
    alloc = [0] * len(needs)
    open_ = [i for i, n in enumerate(needs) if n > 0]
    left = max(budget, 0)
    while open_ and left > 0:
        each = max(left // len(open_), 1)
        still = []
        for i in open_:
            want = min(needs[i], cap) - alloc[i]
            give = min(want, each, left)
            alloc[i] += give
            left -= give
            if alloc[i] < min(needs[i], cap):
                still.append(i)
        if len(still) == len(open_) and each == 1 and left == 0:
            break
        open_ = still
    return alloc


def _disagreement_lines(disagreements: Iterable[Disagreement], budget: int) -> str:
    lines = [f"⚠️ {fit(d.note, budget)}" for d in disagreements if d.note]  # whole when it fits
    if not lines:
        return ""
    text = "**Sources disagree**\n" + "\n".join(lines)
    if dlen(text) <= budget:
        return text
    kept: list[str] = ["**Sources disagree**"]
    for d in disagreements:
        line = "⚠️ " + fit(d.note, max(budget - dlen("\n".join(kept)) - 4, 0))
        if dlen("\n".join([*kept, line])) > budget or line.endswith("⚠️ "):
            break
        kept.append(line)
    return "\n".join(kept)


def render_answer(answer: Answer, *, offset: int = 0) -> Rendered:
    """Disagreements first, then each quote with its source label; or "not covered"."""
    header = discord.Embed(
        title=plain("❓ ", 5) + fit(answer.question, TITLE_MAX - 5),
        colour=WARN_COLOUR if answer.disagreements else ANSWER_COLOUR,
    )
    if not answer.answered:
        text = fit(answer.message, 1500) if answer.message else NOT_COVERED
        if answer.related:
            topics = "\n".join("• " + fit(r, 200) for r in answer.related[:10])
            text += "\n\n**Closest topics the sources do cover:**\n" + topics
        header.description = plain(text, DESCRIPTION_MAX)
        header.set_footer(text="Only what the indexed sources say is quoted here.")
        return Rendered(embeds=[header])

    desc = _disagreement_lines(answer.disagreements, 1500)
    if desc:
        header.description = desc
    if offset:
        header.set_footer(text=f"More passages (from #{offset + 1})")
    quotes = list(answer.quotes[: EMBEDS_MAX - 1])
    embeds = [header]
    for q in quotes:
        e = discord.Embed(title=tag_title(q.tag, q.label), colour=ANSWER_COLOUR, url=safe_url(q.url))
        if q.heading:
            e.set_footer(text=plain("§ ", 3) + fit(q.heading, 200))
        embeds.append(e)
    fixed = sum(embed_chars(e) for e in embeds)
    needs = [escaped_len(q.text, DESCRIPTION_MAX) for q in quotes]
    alloc = _share(needs, _TOTAL_BUDGET - fixed, DESCRIPTION_MAX)
    for e, q, room in zip(embeds[1:], quotes, alloc, strict=True):
        e.description = fit(q.text, room) or ELLIPSIS
    return Rendered(embeds=embeds)


def _source_line(src: Source, passages: int | None = None) -> str:
    bits = [f"**{fit(src.tag, TAG_MAX)}** · {fit(src.label, 200)}"]
    meta = [fit(x, 100) for x in (src.site, src.date) if x]
    if passages is not None:
        meta.append(f"{passages} passage{'s' if passages != 1 else ''}")
    url = safe_url(src.url)
    if url:
        meta.append(f"<{url}>")
    if meta:
        bits.append(" · ".join(meta))
    return "\n".join(bits)


def _pack_lines(title: str, lines: Sequence[str], *, empty: str, more: str) -> Rendered:
    """Put lines into as few embeds as fit; say how many were left out."""
    if not lines:
        return Rendered(embeds=[discord.Embed(title=plain(title, TITLE_MAX), description=empty)])
    embeds: list[discord.Embed] = []
    current: list[str] = []
    total = dlen(title)
    shown = 0

    def flush() -> None:
        embeds.append(
            discord.Embed(
                title=plain(title, TITLE_MAX) if not embeds else None,
                description="\n\n".join(current),
                colour=ANSWER_COLOUR,
            )
        )

    for raw_line in lines:
        line = plain(raw_line, 1500)
        cost = dlen(line) + 2
        if total + cost > _TOTAL_BUDGET - 100:
            break
        if current and dlen("\n\n".join(current)) + cost > DESCRIPTION_MAX:
            if len(embeds) + 1 >= EMBEDS_MAX:
                break
            flush()
            current = []
        current.append(line)
        total += cost
        shown += 1
    if current:
        flush()
    left = len(lines) - shown
    if left:
        embeds[-1].set_footer(text=more.format(n=left))
    return Rendered(embeds=embeds)


def render_sources(infos: Sequence[SourceInfo]) -> Rendered:
    """The ``/sources`` list: label, site, date and passage count of each source."""
    lines = [_source_line(i.source, i.passages) for i in infos]
    return _pack_lines(
        f"Indexed sources ({len(infos)})",
        lines,
        empty="No sources are indexed yet.",
        more="…and {n} more; use /source show to see one.",
    )


def render_audit(entries: Sequence[AuditEntry]) -> Rendered:
    """``/source log``: who added, removed or rebuilt what, newest first."""
    lines = [
        f"{fit(e.at.replace('T', ' ')[:16], 40)} · {fit(e.actor, 60)} · **{escape(e.action)}** {fit(e.target, 120)}"
        + (f" — {fit(e.detail, 200)}" if e.detail else "")
        for e in entries
    ]
    return _pack_lines(
        "Changes to this server's sources",
        lines,
        empty="Nothing has been added or removed here yet.",
        more="…and {n} earlier; see `python -m bot sources log`.",
    )


def render_source_links(sources: Sequence[Source]) -> Rendered:
    """Full labels and links of the sources an answer quoted (the Sources button)."""
    return _pack_lines(
        "Sources quoted in this answer",
        [_source_line(s) for s in sources],
        empty="This answer quoted no sources.",
        more="…and {n} more; see /sources.",
    )


def render_source(info: SourceInfo, passages: Sequence[Passage]) -> Rendered:
    """``/source show``: one source's metadata and its first passages."""
    src = info.source
    e = discord.Embed(
        title=tag_title(src.tag, src.label),
        url=safe_url(src.url),
        colour=ANSWER_COLOUR,
    )
    for name, value in (("Site", src.site), ("Date", src.date)):
        if value:
            e.add_field(name=name, value=fit(value, FIELD_VALUE_MAX), inline=True)
    e.add_field(name="Passages", value=str(info.passages), inline=True)
    if safe_url(src.url):
        e.add_field(name="Link", value=plain(f"<{src.url}>", FIELD_VALUE_MAX), inline=False)
    e.set_footer(text=plain(f"id {src.id}", 200))
    embeds = [e]
    shown = passages[: EMBEDS_MAX - 1]
    for p in shown:
        pe = discord.Embed(colour=ANSWER_COLOUR)
        if p.heading:
            pe.title = plain("§ ", 3) + fit(p.heading, TITLE_MAX - 3)
        embeds.append(pe)
    fixed = sum(embed_chars(x) for x in embeds)
    alloc = _share([escaped_len(p.text, DESCRIPTION_MAX) for p in shown], _TOTAL_BUDGET - fixed, DESCRIPTION_MAX)
    for pe, p, room in zip(embeds[1:], shown, alloc, strict=True):
        pe.description = fit(p.text, room) or ELLIPSIS
    return Rendered(embeds=embeds)


def render_summary(summary: Summary) -> Rendered:
    """Sections of labelled quotes, then "Where sources disagree"."""
    topic = summary.topic or "all sources"
    head = discord.Embed(title=plain("Summary: ", 10) + fit(topic, TITLE_MAX - 20), colour=ANSWER_COLOUR)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head.set_footer(text=f"Quoted verbatim from the indexed sources · updated {stamp}")
    sections = list(summary.sections[: EMBEDS_MAX - 2])
    embeds = [head]
    section_quotes: list[list[Quote]] = []
    for s in sections:
        embeds.append(discord.Embed(title=fit(s.title, TITLE_MAX) or "—", colour=ANSWER_COLOUR))
        section_quotes.append(list(s.quotes[:8]))
    if not sections:
        head.description = "The sources have nothing on this topic."
    dis = _disagreement_lines(summary.disagreements, 1500)
    if dis:
        body = dis.removeprefix("**Sources disagree**\n")
        embeds.append(discord.Embed(title="Where sources disagree", description=body, colour=WARN_COLOUR))
    fixed = sum(embed_chars(x) for x in embeds)
    # Each quote line is "**[S1]** " + text; budget the text, the prefix is fixed overhead.
    prefixes = [[f"**{fit(f'[{q.tag}]', TAG_MAX)}** " for q in qs] for qs in section_quotes]
    overhead = sum(dlen(p) + 2 for ps in prefixes for p in ps)
    flat = [q for qs in section_quotes for q in qs]
    alloc = _share([escaped_len(q.text, 900) for q in flat], _TOTAL_BUDGET - fixed - overhead, 900)
    i = 0
    for e, qs, ps in zip(embeds[1 : 1 + len(sections)], section_quotes, prefixes, strict=True):
        lines = []
        for q, p in zip(qs, ps, strict=True):
            lines.append(p + (fit(q.text, alloc[i]) or ELLIPSIS))
            i += 1
        e.description = plain("\n\n".join(lines), DESCRIPTION_MAX) or "—"
    return Rendered(embeds=embeds)


def render_gaps(rows: Sequence[Any]) -> Rendered:
    """``/gaps``: questions not answered and answers marked 👎 (rows are ``state.Gap``)."""
    lines = []
    for g in rows:
        q = g.question
        when = datetime.fromtimestamp(q.created, UTC).strftime("%Y-%m-%d")
        why = "not covered" if not q.answered else f"👎 {g.downvotes}"
        lines.append(f"• {when} · {why} · {fit(q.question, 300)}")
    return _pack_lines(
        "Questions the sources could not answer",
        lines,
        empty="Nothing yet: every recent question was answered and none was marked 👎.",
        more="…and {n} more.",
    )


def text_message(text: str) -> str:
    """A short message of our own, cut to the content limit."""
    return plain(text, CONTENT_MAX)
