"""Who should consider this trial, for the lay summary: plain bullets from the age, sex and
healthy-volunteer fields and from inclusion (good fit) or exclusion (not a fit) criteria, each
one plain sentence citing its source words, the defining criteria first (the disease, then a
marker or gene, then the age).

A criterion the parser typed whole is written from its constraints (``constraint_words``: exact
numbers, comparators and units in plain words, exceptions kept); one only partly typed keeps its
whole sentence.

A criterion is never cut: one that would lift the section over reading grade 8 is left out whole,
and the section then points to the full list on the registry page. Editors' fit drafts keep all
criteria (``fit.py``); this is the reader's short list.
"""

from __future__ import annotations

import re

from prompts.layout import layout
from summarizer.criteria import criteria_for
from summarizer.criteria.model import ParsedCriterion
from summarizer.engines.common import citations, guidance
from summarizer.engines.extractive.constraint_words import DEFAULT_RANK, bullet, rank_of
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.fit import grouped
from summarizer.engines.extractive.grade_gate import TARGET_GRADE, section_grade, within_grade
from summarizer.engines.extractive.plain_words import explain, is_whole
from summarizer.models import Statement, Trial

_BOILERPLATE = re.compile(
    r"informed consent|consent form|willing (and able )?to|comply|compliance|investigator|"
    r"judged|unsuitable|other (conditions|reasons|situations)",
    re.I,
)
_MAX_BULLETS = 6
# Who the trial is for is named in words that cannot be made plainer (the disease, a marker or
# gene): the good-fit section holds its defining bullets to the criteria sections' ceiling
# (summary.CRITERIA_GRADE), and adds the others only while they do not lift the section's grade
# above 8 or above what the defining ones already read at. Not-a-fit bullets come in the same
# order but are all held to 8.
_DEFINING_GRADE = 10.5
_EXPLAIN_MAX_WORDS = 8


def _lower_units(words: str) -> str:
    return re.sub(r"\b(Years?|Months?|Weeks?|Days?)\b", lambda m: m.group(1).lower(), words)


def field_bullets(trial: Trial) -> list[Statement]:
    """'People aged 18 years to 65 years.', 'Women only.', 'Healthy volunteers can take part.'"""
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
        words := {"FEMALE": "Women only.", "MALE": "Men only."}.get(trial.sex.value)
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
                citations=citations(trial, hv.spans, "eligibility"),
                fields=["healthy_volunteers"],
            )
        )
    return out


def _parsed(trial: Trial, kind: str) -> dict[int, ParsedCriterion]:
    return {n.number: n for n in criteria_for(trial).criteria if n.kind == kind}


def _rank(node: ParsedCriterion | None) -> int:
    if node is None:
        return DEFAULT_RANK
    return rank_of(tuple(c.kind for c in node.constraints))


def _criteria(trial: Trial, side: str, fields: bool = False) -> list[tuple[int, Statement]]:
    """Each criterion of one side as its own whole plain sentence with its rank (defining
    first): written from its constraints where they were typed whole, else its own words
    made plain; jargon explained once."""
    kind = "inclusion" if side == "good_fit" else "exclusion"
    parsed = _parsed(trial, kind)
    seen: set[str] = set()
    out: list[tuple[int, Statement]] = []
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
                and (cat.key in ("age", "sex") or (typed and set(typed.kinds) <= {"age", "sex"}))
            ):
                continue  # the fields say it plainer
            text, spans = (typed.text, typed.spans) if typed else (p.text, p.spans)
            if not is_whole(text):
                continue
            out.append(
                (
                    typed.rank if typed else _rank(node),
                    Statement(
                        text=explain(text, seen, limit=1, max_words=_EXPLAIN_MAX_WORDS),
                        citations=citations(trial, spans, kind),
                        fields=[f"{kind}_criteria"],
                    ),
                )
            )
    return out


def _choose(ranked: list[tuple[int, Statement]], ceiling: float = TARGET_GRADE) -> list[Statement]:
    """Defining criteria first (stable within a rank), each kept while the section stays under
    the ceiling; then the rest, each kept while it does not lift the section's grade."""
    ordered = sorted(ranked, key=lambda r: r[0])
    defining = [st for rank, st in ordered if rank < DEFAULT_RANK]
    rest = [st for rank, st in ordered if rank >= DEFAULT_RANK]
    chosen = within_grade([], defining, target=ceiling, limit=_MAX_BULLETS)
    target = max(TARGET_GRADE, section_grade(chosen) or 0.0)
    return within_grade(chosen, rest, target=target, limit=_MAX_BULLETS - len(chosen))


def _with_pointer(chosen: list[Statement], offered: int, lead: list[Statement]) -> list[Statement]:
    """The chosen bullets, then the pointer to the full list when some criteria were left out."""
    if sum(1 for st in chosen if not any(st is f for f in lead)) < offered:
        return [*chosen, guidance(layout().wording["more_criteria"])]
    return chosen


_FIELD_RANK = {"min_age": rank_of(("age",)), "sex": rank_of(("age",))}


def good_fit_statements(trial: Trial) -> list[Statement]:
    lead = field_bullets(trial)
    found = _criteria(trial, "good_fit", fields=any("min_age" in st.fields for st in lead))
    ranked = [(_FIELD_RANK.get(st.fields[0], DEFAULT_RANK), st) for st in lead] + found
    chosen = _choose(ranked, ceiling=_DEFINING_GRADE)
    return _with_pointer(chosen, len(found), lead)


def not_fit_statements(trial: Trial) -> list[Statement]:
    found = _criteria(trial, "not_fit")
    chosen = _choose(found)
    return _with_pointer(chosen, len(found), [])
