"""Who should consider this trial, for the lay summary: plain bullets from the age, sex and
healthy-volunteer fields, then whole inclusion (good fit) or exclusion (not a fit) criteria, each
one plain sentence citing its source words.

A criterion is never cut: one that would lift the section over reading grade 8 is left out whole,
and the section then points to the full list on the registry page. Editors' fit drafts keep all
criteria (``fit.py``); this is the reader's short list.
"""

from __future__ import annotations

import re

from prompts.layout import layout
from summarizer.engines.common import citations, guidance
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.fit import grouped
from summarizer.engines.extractive.grade_gate import within_grade
from summarizer.engines.extractive.plain_words import explain, is_whole
from summarizer.models import Statement, Trial

_BOILERPLATE = re.compile(
    r"informed consent|consent form|willing (and able )?to|comply|compliance|investigator|"
    r"judged|unsuitable|other (conditions|reasons|situations)",
    re.I,
)
_MAX_BULLETS = 6
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


def _criteria(trial: Trial, side: str) -> list[Statement]:
    """Each criterion of one side as its own whole plain sentence, jargon explained once."""
    kind = "inclusion" if side == "good_fit" else "exclusion"
    seen: set[str] = set()
    out = []
    for cat, pieces in grouped(trial, side):
        for p in pieces:
            source = " ".join(trial.source.text[s.start : s.end] for s in p.spans)
            if (cat.key == "other" and _BOILERPLATE.search(source)) or not is_whole(p.text):
                continue
            if side == "good_fit" and (cat.key in ("age", "sex") or _BOILERPLATE.search(source)):
                continue  # the fields say it plainer; consent is not who fits
            out.append(
                Statement(
                    text=explain(p.text, seen, limit=1, max_words=_EXPLAIN_MAX_WORDS),
                    citations=citations(trial, p.spans, kind),
                    fields=[f"{kind}_criteria"],
                )
            )
    return out


def _with_pointer(chosen: list[Statement], offered: int, lead: int) -> list[Statement]:
    """The chosen bullets, then the pointer to the full list when some criteria were left out."""
    if len(chosen) - lead < offered:
        return [*chosen, guidance(layout().wording["more_criteria"])]
    return chosen


def good_fit_statements(trial: Trial) -> list[Statement]:
    lead = field_bullets(trial)
    found = _criteria(trial, "good_fit")
    chosen = within_grade(lead, found, limit=_MAX_BULLETS - len(lead))
    return _with_pointer(chosen, len(found), len(lead))


def not_fit_statements(trial: Trial) -> list[Statement]:
    found = _criteria(trial, "not_fit")
    chosen = within_grade([], found, limit=_MAX_BULLETS)
    return _with_pointer(chosen, len(found), 0)
