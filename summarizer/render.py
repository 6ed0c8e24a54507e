"""Answers, lay summaries and fit drafts as Markdown or standalone HTML; JSON is the model dump.

Text from documents is data: every piece of it (titles, trial ids, quotes, sections) is escaped for
its sink, Markdown or HTML, so nothing from a document becomes markup or a link.
Citations are numbered footnotes quoting the exact source words.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from prompts.layout import layout
from summarizer.models import Answer, Citation, FitDraft, LaySummary, Statement

GUIDANCE = "guidance"

# The mark after each checked statement and what it means: one table for the CLI's exports and the
# app's legend, so the page and its downloads say the same thing.
CHECK_MARKS: dict[str, tuple[str, str]] = {
    "supported": ("✓", "matched to the quoted source words"),
    "unsupported": ("⚑", "not found in the source"),
    "contradicted": ("✗", "contradicted by the source"),
    "guidance": ("○", "general guidance, not read from a document"),
}


def check_mark(st: Statement) -> tuple[str, str] | None:
    """The statement's (mark, meaning), or None when it carries no check."""
    return CHECK_MARKS.get(st.check.verdict) if st.check is not None else None


def legend_text(verdicts: Iterable[str] | None = None) -> str:
    """One line explaining the marks (those of ``verdicts`` only, when given)."""
    keep = set(verdicts) if verdicts is not None else set(CHECK_MARKS)
    return "; ".join(f"{m} {meaning}" for v, (m, meaning) in CHECK_MARKS.items() if v in keep)


def _verdicts(statements: Iterable[Statement]) -> list[str]:
    return [st.check.verdict for st in statements if st.check is not None]


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.55;color:#1d2430}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem;"
    "border-bottom:1px solid #dde3ea}sup a{text-decoration:none;color:#2b6cb0}"
    ".grade{color:#66707c;font-size:.8rem;font-weight:normal}.guidance{color:#4a5561;"
    "font-style:italic}ol.refs{font-size:.85rem;color:#4a5561}blockquote{margin:0}"
    ".flag{color:#a23a12}.check{font-size:.8rem;margin-left:.2rem}.check-supported{color:#1b7f4c}"
    ".check-unsupported,.check-contradicted{color:#a23a12}.check-guidance{color:#66707c}"
    ".legend{color:#4a5561;font-size:.85rem}"
)


class SourceNumbers:
    """Source numbering shared by one document or printout: the same quote keeps its number."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._index: dict[tuple[str, int, int], int] = {}

    def number(self, cite: Citation) -> int:
        key = (cite.trial_id, cite.start, cite.end)
        if key not in self._index:
            self.items.append(cite)
            self._index[key] = len(self.items)
        return self._index[key]


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- Markdown


def _md_escape(text: str) -> str:
    out = _one_line(text)
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "#", "|"):
        out = out.replace(ch, "\\" + ch)
    return out


def _md_statement(st: Statement, notes: SourceNumbers) -> str:
    refs = "".join(f"[^{notes.number(c)}]" for c in st.citations)
    text = _md_escape(st.text)
    if GUIDANCE in st.fields:
        text = f"*{text}* (general guidance)"
    mark = check_mark(st)
    return text + refs + (f" {mark[0]}" if mark else "")


def _md_legend(statements: Iterable[Statement]) -> list[str]:
    verdicts = _verdicts(statements)
    return ["", f"Checks: {legend_text(verdicts)}"] if verdicts else []


def _md_refs(notes: SourceNumbers) -> list[str]:
    lines = []
    for i, c in enumerate(notes.items, 1):
        quote = _md_escape(c.quote)
        where = f"{_md_escape(c.trial_id)}, {_md_escape(c.section)}"
        lines.append(f'[^{i}]: {where}, chars {c.start}-{c.end}: "{quote}"')
    return lines


def summary_markdown(summary: LaySummary, *, flagged: Iterable[str] = ()) -> str:
    notes = SourceNumbers()
    lines = [f"# {_md_escape(summary.title)}", "", f"Trial: {_md_escape(summary.trial_id)}"]
    for section in summary.sections:
        grade = f" (reading grade {section.grade:.1f})" if section.grade is not None else ""
        lines += ["", f"## {_md_escape(section.heading)}{grade}", ""]
        lines += [f"- {_md_statement(st, notes)}" for st in section.statements]
    lines += _md_flagged(flagged)
    lines += _md_legend(st for section in summary.sections for st in section.statements)
    lines += _md_ref_block(notes)
    return "\n".join(lines) + "\n"


def _md_ref_block(notes: SourceNumbers) -> list[str]:
    """Footnote definitions, each its own paragraph (so every renderer keeps them apart)."""
    out: list[str] = []
    for line in _md_refs(notes):
        out += ["", line]
    return out


def answer_markdown(answer: Answer) -> str:
    notes = SourceNumbers()
    if answer.statements:  # the lead and the verifier's notes too, in the order shown
        body = " ".join(_md_statement(st, notes) for st in answer.parts)
    else:
        body = _md_escape(answer.answer)
    lines = [f"**Q:** {_md_escape(answer.question)}", "", body]
    lines += _md_flagged(answer.flagged)
    if answer.statements:
        lines += _md_legend(answer.parts)
    lines += _md_ref_block(notes)
    return "\n".join(lines) + "\n"


def fit_markdown(draft: FitDraft) -> str:
    notes = SourceNumbers()
    labels = layout().fit_labels
    lines = [
        f"# Who should consider this trial ({_md_escape(draft.trial_id)})",
        "",
        f"{labels['good_fit']}:",
    ]
    lines += [f"- {_md_statement(st, notes)}" for st in draft.good_fit]
    lines += ["", f"{labels['not_fit']}:"]
    lines += [f"- {_md_statement(st, notes)}" for st in draft.not_fit]
    lines += _md_legend([*draft.good_fit, *draft.not_fit])
    lines += _md_ref_block(notes)
    return "\n".join(lines) + "\n"


def _md_flagged(flagged: Iterable[str]) -> list[str]:
    items = list(flagged)
    if not items:
        return []
    return ["", "**Not confirmed by the source:**", *(f"- {_md_escape(f)}" for f in items)]


# ---------------------------------------------------------------- HTML


def _h(text: str) -> str:
    return html.escape(_one_line(text), quote=True)


def _html_statement(st: Statement, notes: SourceNumbers) -> str:
    sups = "".join(
        f'<sup><a href="#ref-{n}" title="{_h(c.quote)}">[{n}]</a></sup>'
        for c in st.citations
        for n in [notes.number(c)]
    )
    mark = check_mark(st)
    if mark is not None and st.check is not None:
        sups += (
            f'<span class="check check-{st.check.verdict}" title="{_h(mark[1])}">'
            f"{_h(mark[0])}</span>"
        )
    if GUIDANCE in st.fields:
        return f'<span class="guidance">{_h(st.text)} (general guidance)</span>{sups}'
    return f"{_h(st.text)}{sups}"


def _html_legend(statements: Iterable[Statement]) -> str:
    verdicts = _verdicts(statements)
    return f'<p class="legend">Checks: {_h(legend_text(verdicts))}</p>' if verdicts else ""


def _html_refs(notes: SourceNumbers) -> str:
    if not notes.items:
        return ""
    items = "".join(
        f'<li id="ref-{i}">{_h(c.trial_id)}, {_h(c.section)}, chars {c.start}-{c.end}: '
        f"<q>{_h(c.quote)}</q></li>"
        for i, c in enumerate(notes.items, 1)
    )
    return f'<h2>Sources</h2><ol class="refs">{items}</ol>'


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def summary_html(summary: LaySummary, *, flagged: Iterable[str] = ()) -> str:
    notes = SourceNumbers()
    parts = [f"<h1>{_h(summary.title)}</h1><p>Trial: {_h(summary.trial_id)}</p>"]
    for section in summary.sections:
        grade = (
            f' <span class="grade">reading grade {section.grade:.1f}</span>'
            if section.grade is not None
            else ""
        )
        items = "".join(f"<li>{_html_statement(st, notes)}</li>" for st in section.statements)
        parts.append(f"<h2>{_h(section.heading)}{grade}</h2><ul>{items}</ul>")
    parts.append(_html_flagged(flagged))
    parts.append(_html_legend(st for section in summary.sections for st in section.statements))
    parts.append(_html_refs(notes))
    return _page(summary.title, "".join(parts))


def answer_html(answer: Answer) -> str:
    notes = SourceNumbers()
    if answer.statements and not answer.abstained:
        body = " ".join(_html_statement(st, notes) for st in answer.parts)
    else:
        body = _h(answer.answer)
    parts = [f"<h1>{_h(answer.question)}</h1><p>{body}</p>", _html_flagged(answer.flagged)]
    if answer.statements and not answer.abstained:
        parts.append(_html_legend(answer.parts))
    parts.append(_html_refs(notes))
    return _page(answer.question, "".join(parts))


def fit_html(draft: FitDraft) -> str:
    notes = SourceNumbers()
    labels = layout().fit_labels
    good = "".join(f"<li>{_html_statement(st, notes)}</li>" for st in draft.good_fit)
    bad = "".join(f"<li>{_html_statement(st, notes)}</li>" for st in draft.not_fit)
    body = (
        f"<h1>Who should consider this trial ({_h(draft.trial_id)})</h1>"
        f"<h2>{_h(labels['good_fit'])}</h2><ul>{good}</ul>"
        f"<h2>{_h(labels['not_fit'])}</h2><ul>{bad}</ul>"
        f"{_html_legend([*draft.good_fit, *draft.not_fit])}{_html_refs(notes)}"
    )
    return _page(draft.trial_id, body)


def _html_flagged(flagged: Iterable[str]) -> str:
    items = "".join(f"<li>{_h(f)}</li>" for f in flagged)
    return f'<h2 class="flag">Not confirmed by the source</h2><ul>{items}</ul>' if items else ""


# ---------------------------------------------------------------- dispatch

FORMATS = ("json", "md", "html")


def render(obj: BaseModel, fmt: str, *, flagged: Iterable[str] = ()) -> str:
    """``obj`` (LaySummary, Answer or FitDraft) as json, md or html."""
    if fmt == "json":
        return obj.model_dump_json(indent=2) + "\n"
    table: dict[tuple[type, str], Callable[[Any], str]] = {
        (LaySummary, "md"): lambda o: summary_markdown(o, flagged=flagged),
        (LaySummary, "html"): lambda o: summary_html(o, flagged=flagged),
        (Answer, "md"): answer_markdown,
        (Answer, "html"): answer_html,
        (FitDraft, "md"): fit_markdown,
        (FitDraft, "html"): fit_html,
    }
    try:
        return table[(type(obj), fmt)](obj)
    except KeyError:
        raise ValueError(f"cannot render {type(obj).__name__} as {fmt!r}") from None
