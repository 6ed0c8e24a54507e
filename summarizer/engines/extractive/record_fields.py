"""Registry fields the Trial model does not carry (arms, why a trial stopped, who leads it), read
from the record text the registry parsers render (``summarizer.parsers.record_text``):
``Why Stopped: value`` and ``Overall Official: value`` on one line each, and an ``Arms``
heading whose items are ``- label (type)`` with the arm's description indented below.
Every value comes back with its exact span, so answers cite it.

Sources that are not rendered registry records (free text, news pages) have neither, and these
return nothing: the engine then says the record does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.models import Span, Trial

_WHY_RE = re.compile(r"^Why Stopped: (?P<v>[^\n]+)$", re.M)
_OFFICIAL_RE = re.compile(r"^Overall Official: (?P<v>[^\n]+)$", re.M)
_ARMS_RE = re.compile(r"(?:^|\n)Arms\n")
_NEXT_HEADING_RE = re.compile(
    r"\n\n(?:Interventions|Brief Summary|Detailed Description|Eligibility|Outcomes|"
    r"Central Contacts|Locations)\n"
)
_ARM_LINE_RE = re.compile(r"^- (?P<label>.+?)(?: \((?P<type>[^()\n]*)\))?$")


@dataclass(frozen=True)
class Arm:
    """One arm (group) of a trial: its label, type and description as written, with spans."""

    label: str
    label_span: Span
    type: str | None
    description: str | None
    description_span: Span | None

    @property
    def spans(self) -> list[Span]:
        return [self.label_span, *([self.description_span] if self.description_span else [])]

    def mentions(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(t or "") for t in (self.label, self.type, self.description))


def _registry(trial: Trial) -> bool:
    return bool(trial.nct_id) and "\nNCT ID: " in "\n" + trial.source.text[:400]


def why_stopped(trial: Trial) -> tuple[str, Span] | None:
    """The recorded reason a trial stopped, with its span; None when the record gives none."""
    if not _registry(trial):
        return None
    m = _WHY_RE.search(trial.source.text)
    if m is None or not m.group("v").strip():
        return None
    return m.group("v").strip(), Span(start=m.start("v"), end=m.end("v"))


def officials(trial: Trial) -> list[tuple[str, Span]]:
    """The people who lead the study ('Jane Doe, MD (Principal Investigator), Some University'),
    each with its span, in record order; empty when the record names none."""
    if not _registry(trial):
        return []
    return [
        (m.group("v").strip(), Span(start=m.start("v"), end=m.end("v")))
        for m in _OFFICIAL_RE.finditer(trial.source.text)
        if m.group("v").strip()
    ]


def arms(trial: Trial) -> list[Arm]:
    """The trial's arms in record order (empty when the record lists none)."""
    if not _registry(trial):
        return []
    text = trial.source.text
    m = _ARMS_RE.search(text)
    if m is None:
        return []
    stop = _NEXT_HEADING_RE.search(text, m.end())
    end = stop.start() + 1 if stop else len(text)
    out: list[Arm] = []
    pos = m.end()
    pending: tuple[str, Span, str | None] | None = None
    desc: list[tuple[int, int]] = []

    def flush() -> None:
        if pending is None:
            return
        label, span, kind = pending
        dspan = Span(start=desc[0][0], end=desc[-1][1]) if desc else None
        words = text[dspan.start : dspan.end] if dspan else None
        out.append(Arm(label, span, kind, words, dspan))

    for line in text[m.end() : end].splitlines(keepends=True):
        body = line.rstrip("\n")
        if body.startswith("- ") and (lm := _ARM_LINE_RE.match(body)):
            flush()
            desc = []
            start = pos + 2
            label = lm.group("label")
            pending = (label, Span(start=start, end=start + len(label)), lm.group("type"))
        elif body.strip() and pending is not None:
            lead = len(body) - len(body.lstrip())
            desc.append((pos + lead, pos + len(body)))
        pos += len(line)
    flush()
    return out
