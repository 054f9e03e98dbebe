"""Answers rendered as plain text, for the terminal and the local console.

Sources and questions may contain what a terminal acts on instead of drawing (ANSI
escape sequences, a bell, a carriage return that overwrites the line, bidi overrides
that reorder it); everything printed goes through :func:`terminal_safe` first.
"""

from __future__ import annotations

import json
import re
import textwrap

from index.models import Answer, SourceInfo, Summary

WIDTH = 100
# C0 controls but newline and tab, DEL, C1 controls (0x9b alone starts a sequence on some
# terminals), and the bidi embeddings, overrides and isolates.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# json.dumps escapes C0 itself; these it leaves raw.
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_PICTURES = 0x2400  # Unicode's Control Pictures block: ␛ for ESC, ␇ for BEL
DEL = 0x7F
DEL_PICTURE = "␡"


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(CONTROL_PICTURES + code)
    if code == DEL:
        return DEL_PICTURE
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every character a terminal would act on shown instead (ESC as ␛); newlines and tabs kept."""
    return _TERMINAL_CONTROLS.sub(_shown, text)


def json_text(value: object) -> str:
    """JSON for the terminal: exact once decoded, with no raw control character in it."""
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _wrap(text: str, indent: str = "    ") -> str:
    paras = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return "\n".join(textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent) for p in paras)


def render_answer(answer: Answer) -> str:
    """The answer as a person reads it: notes on disagreement first, then the quotes (terminal-safe)."""
    return terminal_safe(_answer_text(answer))


def _answer_text(answer: Answer) -> str:
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
    """What is indexed, one source a paragraph (terminal-safe)."""
    return terminal_safe(_sources_text(infos))


def _sources_text(infos: list[SourceInfo]) -> str:
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
    """Sections of labelled quotes, then where the sources disagree (terminal-safe)."""
    return terminal_safe(_summary_text(summary))


def _summary_text(summary: Summary) -> str:
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
