"""Answers rendered as plain text, for the terminal and the local console."""

from __future__ import annotations

import textwrap

from index.models import Answer, SourceInfo, Summary

WIDTH = 100


def _wrap(text: str, indent: str = "    ") -> str:
    paras = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return "\n".join(textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent) for p in paras)


def render_answer(answer: Answer) -> str:
    """The answer as a person reads it: notes on disagreement first, then the quotes."""
    lines = [f"Q: {answer.question}", ""]
    if not answer.answered:
        lines.append(answer.message or "The sources don't cover this question.")
        if answer.related:
            lines.append("The sources do cover: " + "; ".join(answer.related))
        return "\n".join(lines)
    for d in answer.disagreements:
        lines.append(f"! {d.note}")
    if answer.disagreements:
        lines.append("")
    for n, q in enumerate(answer.quotes, 1):
        where = f" — {q.heading}" if q.heading and q.heading != q.label else ""
        lines.append(f"{n}. [{q.tag}] {q.label}{where}")
        lines.append(_wrap(f"“{q.text}”"))
        lines.append("")
    if answer.more:
        lines.append("(more passages: ask again with -k or use More in Discord)")
    return "\n".join(lines).rstrip()


def render_sources(infos: list[SourceInfo]) -> str:
    if not infos:
        return "No sources are indexed."
    rows = []
    for info in infos:
        s = info.source
        meta = ", ".join(x for x in (s.site, s.date) if x)
        meta = f" ({meta})" if meta else ""
        rows.append(f"[{s.tag}] {s.label}{meta}\n    {s.id} · {info.passages} passages · added {s.added_at}")
    return "\n".join(rows)


def render_summary(summary: Summary) -> str:
    title = f"Summary: {summary.topic}" if summary.topic else "Summary of the incidents"
    lines = [title, "=" * len(title), ""]
    for section in summary.sections:
        lines.append(section.title)
        lines.append("-" * len(section.title))
        for q in section.quotes:
            lines.append(f"[{q.tag}] {q.label}")
            lines.append(_wrap(f"“{q.text}”"))
        lines.append("")
    if summary.disagreements:
        lines.append("Where sources disagree")
        lines.append("-" * 22)
        lines.extend(f"- {d.note}" for d in summary.disagreements)
    return "\n".join(lines).rstrip()
