"""Render a structured record as readable text while recording where every value lands.

XML and JSON escapes make raw offsets unreadable, so the structured parsers build
``Trial.source.text`` with a ``Renderer``: every value is appended once and its span returned, so
``text[span.start:span.end]`` is always exactly the value's words. (Rendering outputs, the lay
summaries and answers, as Markdown or HTML is ``summarizer/render.py``'s job, not this one.)
"""

from __future__ import annotations

import re
import textwrap

from summarizer.models import Span, Trial
from summarizer.normalize import targets as normalize_targets

_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """API v2 text is CommonMark: ``\\>`` shows as ``>``; render what a reader would see."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def clean_block(text: str) -> str:
    """A text block as a reader sees it: no carriage returns, common indent and edge blank lines
    removed, trailing spaces dropped; inner line breaks and indentation kept verbatim."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in textwrap.dedent(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def clean_inline(text: str) -> str:
    """A one-line value: whitespace runs collapsed, so it renders on one line."""
    return " ".join(text.split())


class Renderer:
    """Append-only text builder; each ``add`` returns the span of what it appended."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0

    @property
    def offset(self) -> int:
        return self._length

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add(self, text: str) -> Span:
        start = self._length
        self.write(text)
        return Span(start=start, end=self._length)

    def write(self, text: str) -> None:
        """Append ``text`` whose span nobody needs (labels, bullets, line ends): no Span is built,
        which is most of the cost of a record with 100,000 sites."""
        if text:
            self._parts.append(text)
            self._length += len(text)

    def mark(self) -> tuple[int, int]:
        """Where the text is now, for ``truncate``."""
        return len(self._parts), self._length

    def truncate(self, mark: tuple[int, int]) -> None:
        """Back to ``mark``: drops a section half-written."""
        del self._parts[mark[0] :]
        self._length = mark[1]

    def newline(self) -> None:
        self.write("\n")

    def heading(self, title: str) -> None:
        """A section heading on its own line, after a blank line unless at the very start."""
        if self._length:
            self.write("\n")
        self.write(f"{title}\n")

    def field(self, label: str, value: str, suffix: str = "") -> Span:
        """``Label: value suffix`` on one line; the span covers ``value`` only."""
        self.write(f"{label}: ")
        span = self.add(value)
        self.write(f"{suffix}\n")
        return span

    def item(self, value: str) -> Span:
        """``- value`` on one line; the span covers ``value``."""
        self.write("- ")
        span = self.add(value)
        self.write("\n")
        return span

    def block(self, text: str) -> Span:
        """A multi-line text block followed by a newline; the span covers the block."""
        span = self.add(text)
        self.write("\n")
        return span


def join_spans(first: Span, last: Span) -> Span:
    """The span from the start of ``first`` to the end of ``last``."""
    return Span(start=first.start, end=last.end)


def span_problems(trial: Trial) -> list[str]:
    """Every sourced value whose spans do not quote its words, in plain lines (empty when all
    hold). Single values must be quoted exactly; records (interventions, outcomes, locations,
    contacts) must contain each of their text fields within their span."""
    text = trial.source.text
    problems: list[str] = []

    def quote(span: Span) -> str:
        if not 0 <= span.start <= span.end <= len(text):
            return "\x00out of range"
        return text[span.start : span.end]

    def exact(name: str, expected: str, spans: list[Span]) -> None:
        if not spans:
            problems.append(f"{name}: no span for {expected!r}")
        for span in spans:
            if quote(span) != expected:
                problems.append(f"{name}: span quotes {quote(span)!r}, expected {expected!r}")

    def within(name: str, values: list[str | None], spans: list[Span]) -> None:
        if not spans:
            problems.append(f"{name}: no span")
            return
        quoted = quote(spans[0])
        for value in values:
            if value and value not in quoted:
                problems.append(f"{name}: {value!r} not within {quoted!r}")

    for name in ("nct_id", "brief_title", "official_title", "acronym", "status", "study_type"):
        fact = getattr(trial, name)
        if fact is not None:
            exact(name, fact.raw or fact.value, fact.spans)
    for name in ("sex", "healthy_volunteers", "sponsor", "brief_summary", "detailed_description"):
        fact = getattr(trial, name)
        if fact is not None:
            exact(name, fact.raw or fact.value, fact.spans)
    for name in (
        "phases",
        "design",
        "conditions",
        "keywords",
        "condition_mesh_terms",
        "intervention_mesh_terms",
        "collaborators",
    ):
        for fact in getattr(trial, name):
            exact(name, fact.raw or fact.value, fact.spans)
    for fact in trial.targets:
        for span in fact.spans:
            if normalize_targets(quote(span)) != [fact.value]:
                problems.append(f"targets: span quotes {quote(span)!r} for {fact.value!r}")
    for criterion in trial.criteria:
        exact(f"{criterion.kind} {criterion.number}", criterion.text, criterion.spans)
    for date in trial.dates:
        exact(f"date {date.kind}", date.raw, date.spans)
    for age_name in ("min_age", "max_age"):
        age = getattr(trial, age_name)
        if age is not None:
            exact(age_name, age.raw, age.spans)
    if trial.enrollment is not None:
        exact(
            "enrollment",
            trial.enrollment.raw or str(trial.enrollment.count),
            trial.enrollment.spans,
        )
    for item in trial.interventions:
        within("intervention", [item.type, item.name, item.description], item.spans)
    for outcome in trial.outcomes:
        within("outcome", [outcome.measure, outcome.time_frame, outcome.description], outcome.spans)
    contacts = list(trial.contacts)
    for location in trial.locations:
        within(
            "location",
            [location.facility, location.city, location.region, location.country],
            location.spans,
        )
        contacts.extend(location.contacts)
    for contact in contacts:
        within("contact", [contact.name, contact.phone, contact.email], contact.spans)
    if trial.results is not None:
        for result in trial.results.outcomes:
            within(
                "result outcome", [result.title, result.time_frame, result.population], result.spans
            )
            for value in result.values:
                within("result value", [value.group, value.value, value.analysed], value.spans)
            for analysis in result.analyses:
                within("result analysis", [analysis.p_value, analysis.method], analysis.spans)
        for event in trial.results.adverse_events:
            counts = [str(c.affected) for c in event.counts]
            within(
                "adverse event",
                [event.term, *[c.group for c in event.counts], *counts],
                event.spans,
            )
        for group in trial.results.flow:
            within("flow", [group.group], group.spans)
    for publication in trial.publications:
        exact("publication", publication.citation, publication.spans)
    return problems
