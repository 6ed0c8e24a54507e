"""Fit bullets, one per criterion, the defining criteria first: shared by the lay summary's
who-should-consider section (``who.py``, which keeps a short list under a reading grade) and the
editor's fit drafts (``fit.py``, which keep them all).

Good-fit bullets come from the age, sex and healthy-volunteer fields and from inclusion criteria
only; not-a-fit bullets from exclusion criteria only. A criterion the parser typed whole is written
from its constraints (``constraint_words``: exact numbers, comparators and units in plain words,
exceptions kept); one only partly typed keeps its whole sentence (``criterion_pieces``). Each
bullet cites the criterion span it was written from, so the checker reads it against that
criterion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.criteria import criteria_for
from summarizer.criteria.model import ParsedCriterion
from summarizer.engines.common import citations
from summarizer.engines.extractive.constraint_words import DEFAULT_RANK, bullet, rank_of
from summarizer.engines.extractive.criterion_pieces import grouped
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.plain_words import explain, is_whole
from summarizer.models import Span, Statement, Trial

__all__ = [
    "FIELD_RANK",
    "Ranked",
    "criterion_bullets",
    "field_bullets",
    "field_ranked",
    "in_order",
]

_BOILERPLATE = re.compile(
    r"informed consent|consent form|willing (and able )?to|comply|compliance|investigator|"
    r"judged|unsuitable|other (conditions|reasons|situations)",
    re.I,
)
_EXPLAIN_MAX_WORDS = 8
# A criterion under its own 'Age:' or 'Sex:' sub-heading (the NCI PDQ layout: 'Age: - 20 to 80')
# says what the age and sex fields say.
_FIELD_HEADING = re.compile(r"age|sex|gender", re.I)
# The fields stand where their criteria would: the age (and sex) with the age's rank.
FIELD_RANK = {"min_age": rank_of(("age",)), "sex": rank_of(("age",))}


@dataclass(frozen=True)
class Ranked:
    """A bullet and how defining it is (lower first)."""

    rank: int
    statement: Statement


def _lower_units(words: str) -> str:
    return re.sub(r"\b(Years?|Months?|Weeks?|Days?)\b", lambda m: m.group(1).lower(), words)


def field_bullets(trial: Trial) -> list[Statement]:
    """'People aged 18 years to 65 years.', 'Only women can take part.', 'Healthy volunteers can
    take part.' (a sentence with a verb: 'Women only.' grades 8.8, two long-ish words alone)."""
    out = []
    if words := age_range_words(trial):
        items = [a for a in (trial.min_age, trial.max_age) if a is not None]
        out.append(
            Statement(
                text=f"People {_lower_units(words)}.",
                citations=citations(trial, [s for a in items for s in a.spans], "eligibility"),
                fields=["min_age", "max_age"],
            )
        )
    if trial.sex is not None and (
        words := {
            "FEMALE": "Only women can take part.",
            "MALE": "Only men can take part.",
        }.get(trial.sex.value)
    ):
        out.append(
            Statement(
                text=words,
                citations=citations(trial, trial.sex.spans, "eligibility"),
                fields=["sex"],
            )
        )
    hv = trial.healthy_volunteers
    if hv is not None and hv.value == "yes":
        out.append(
            Statement(
                text="Healthy volunteers can take part.",
                citations=citations(trial, _with_label(trial, hv.spans), "eligibility"),
                fields=["healthy_volunteers"],
            )
        )
    return out


def _with_label(trial: Trial, spans: list[Span]) -> list[Span]:
    """A bare 'Yes' / 'No' value cited with its label on the same line ('Accepts Healthy
    Volunteers: Yes'): the answer alone says nothing a checker can read a sentence against."""
    text = trial.source.text
    out = []
    for span in spans:
        if re.fullmatch(r"\s*(?:yes|no)\s*", text[span.start : span.end], re.I):
            span = Span(start=text.rfind("\n", 0, span.start) + 1, end=span.end)
        out.append(span)
    return out


def field_ranked(lead: list[Statement]) -> list[Ranked]:
    """The field bullets with their ranks."""
    return [Ranked(FIELD_RANK.get(st.fields[0], DEFAULT_RANK), st) for st in lead]


def _parsed(trial: Trial, kind: str) -> dict[int, ParsedCriterion]:
    return {n.number: n for n in criteria_for(trial).criteria if n.kind == kind}


def _rank(node: ParsedCriterion | None) -> int:
    if node is None:
        return DEFAULT_RANK
    return rank_of(tuple(c.kind for c in node.constraints))


def criterion_bullets(trial: Trial, side: str, fields: bool = False) -> list[Ranked]:
    """Each criterion of one side (``good_fit``: inclusions, ``not_fit``: exclusions) as its own
    whole plain sentence with its rank: written from its constraints where they were typed whole,
    else its own words made plain; jargon explained once; consent and the investigator's say left
    out; with ``fields``, age and sex criteria left to the field bullets."""
    kind = "inclusion" if side == "good_fit" else "exclusion"
    parsed = _parsed(trial, kind)
    seen: set[str] = set()
    out: list[Ranked] = []
    for cat, pieces in grouped(trial, side):
        for p in pieces:
            source = " ".join(trial.source.text[s.start : s.end] for s in p.spans)
            node = parsed.get(p.crit.number)
            if len(p.crit.spans) != 1:
                node = None  # a criterion read from several places: its own words
            typed = bullet(trial.source.text, node) if node is not None else None
            whole = " ".join(trial.source.text[s.start : s.end] for s in p.crit.spans)
            if _BOILERPLATE.search(whole if typed else source) and (
                cat.key == "other" or side == "good_fit"
            ):
                continue  # consent is not who fits
            if (
                side == "good_fit"
                and fields
                and (
                    cat.key in ("age", "sex")
                    or (typed and set(typed.kinds) <= {"age", "sex"})
                    or _FIELD_HEADING.fullmatch((p.crit.group or "").strip(" :"))
                )
            ):
                continue  # the fields say it plainer
            text, spans = (typed.text, typed.spans) if typed else (p.text, p.spans)
            if not is_whole(text):
                continue
            out.append(
                Ranked(
                    typed.rank if typed else _rank(node),
                    Statement(
                        text=explain(text, seen, limit=1, max_words=_EXPLAIN_MAX_WORDS),
                        citations=citations(trial, spans, kind),
                        fields=[f"{kind}_criteria"],
                    ),
                )
            )
    return out


def in_order(ranked: list[Ranked]) -> list[Ranked]:
    """The defining criteria first (the disease, then a marker or gene, then the age), each rank
    in its source category order."""
    return sorted(ranked, key=lambda r: r.rank)
