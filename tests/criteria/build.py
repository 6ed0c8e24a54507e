"""A Trial built around given criteria text, offsets exact, for the criteria tests."""

from __future__ import annotations

from summarizer.models import Criterion, Source, Span, Trial
from summarizer.models.trial import sha256_text


def trial_with(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    """A text trial whose source is the criteria, one per line, each with its exact span."""
    text = "Inclusion Criteria:\n"
    crits: list[Criterion] = []
    for kind, items in (("inclusion", inclusion), ("exclusion", exclusion)):
        if kind == "exclusion":
            text += "Exclusion Criteria:\n"
        for n, item in enumerate(items, 1):
            start = len(text)
            text += item + "\n"
            crits.append(
                Criterion(
                    kind=kind, text=item, number=n, spans=[Span(start=start, end=start + len(item))]
                )
            )
    source = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))
    return Trial(
        trial_id="doc-test",
        inclusion_criteria=[c for c in crits if c.kind == "inclusion"],
        exclusion_criteria=[c for c in crits if c.kind == "exclusion"],
        source=source,
    )
