"""Lay summaries for the terminal: numbered source markers [1] after each sentence and a
readable numbered list of sources, instead of Markdown footnotes (``[^1]``) that a terminal
shows raw. Markdown files keep their footnotes (``summarizer.render``).

Every document-derived string goes through ``output.plain``/``Text``: nothing is parsed as
markup and no control sequence reaches the terminal.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from summarizer.cli.output import plain
from summarizer.models import LaySummary, Statement
from summarizer.render import GUIDANCE, SourceNumbers, check_mark, legend_text

_QUOTE_CHARS = 160


def statement_line(st: Statement, numbers: SourceNumbers) -> Text:
    """'- sentence [1][2] ✓' as styled text; guidance in italics."""
    line = Text("- ")
    line.append(plain(st.text), style="italic" if GUIDANCE in st.fields else None)
    refs = "".join(f"[{numbers.number(c)}]" for c in st.citations)
    if refs:
        line.append(" " + refs, style="cyan")
    if mark := check_mark(st):
        line.append(
            f" {mark[0]}",
            style="green" if st.check and st.check.verdict == "supported" else "yellow",
        )
    return line


def _quote(text: str) -> str:
    words = plain(text)
    if len(words) <= _QUOTE_CHARS:
        return words
    cut = words[:_QUOTE_CHARS].rsplit(" ", 1)[0]
    return f"{cut} …"


def source_lines(numbers: SourceNumbers) -> list[Text]:
    """'[1] NCT…, eligibility: "the quoted words"' for every numbered source."""
    out: list[Text] = []
    for i, c in enumerate(numbers.items, 1):
        line = Text(f"[{i}] ", style="cyan")
        line.append(f"{plain(c.trial_id)}, {plain(c.section)}: ", style="dim")
        line.append(f"\u201c{_quote(c.quote)}\u201d")
        out.append(line)
    return out


def summary_renderable(summary: LaySummary, *, flagged: list[str] | None = None) -> Group:
    """The summary as terminal text: title, sections with reading grade, numbered sources."""
    numbers = SourceNumbers()
    parts: list[Text] = [
        Text(plain(summary.title), style="bold"),
        Text(f"Trial: {plain(summary.trial_id)}", style="dim"),
    ]
    verdicts: list[str] = []
    for section in summary.sections:
        head = Text("\n" + plain(section.heading), style="bold underline")
        if section.grade is not None:
            head.append(f"  (reading grade {section.grade:.1f})", style="dim")
        parts.append(head)
        for st in section.statements:
            parts.append(statement_line(st, numbers))
            if st.check is not None:
                verdicts.append(st.check.verdict)
    for note in flagged or []:
        parts.append(Text(plain(note), style="yellow"))
    if verdicts:
        parts.append(Text("\nChecks: " + legend_text(verdicts), style="dim"))
    if numbers.items:
        parts.append(Text("\nSources", style="bold"))
        parts.extend(source_lines(numbers))
    return Group(*parts)
