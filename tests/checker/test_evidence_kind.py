"""Which side of the criteria a cited span is on: an age field is on neither, even when a
description's 'Exclusion criteria:' prose comes before it in the source."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.checker.evidence import kind_at
from summarizer.models import Citation, Statement
from summarizer.parsers import parse_text

_XML = (
    "<clinical_study><id_info><nct_id>NCT09999998</nct_id></id_info>"
    "<brief_title>A test trial</brief_title>"
    "<detailed_description><textblock>Inclusion criteria: women asking for care. "
    "Exclusion criteria: unable to consent.</textblock></detailed_description>"
    "<eligibility><criteria><textblock>Inclusion Criteria:\n\n  - 18 years of age or over\n\n"
    "Exclusion Criteria:\n\n  - Under 18 years of age\n</textblock></criteria>"
    "<gender>Female</gender><minimum_age>18 Years</minimum_age>"
    "<maximum_age>45 Years</maximum_age></eligibility></clinical_study>"
)


def test_an_age_field_after_exclusion_prose_is_not_an_exclusion():
    trial = parse_text("NCT09999998.xml", _XML)[0]
    assert trial.min_age is not None and trial.max_age is not None
    low, high = trial.min_age.spans[0], trial.max_age.spans[0]
    assert kind_at(trial, low.start, low.end, "eligibility") is None
    under = next(c for c in trial.criteria if c.kind == "exclusion").spans[0]
    assert kind_at(trial, under.start, under.end, "eligibility") == "exclusion"
    cites = [
        Citation(trial_id=trial.trial_id, section="eligibility", quote=trial.quote(s),
                 start=s.start, end=s.end)
        for s in (low, high)
    ]  # fmt: skip
    said = Statement(text="This trial takes people aged 18 Years to 45 Years.", citations=cites)
    assert check_statement(said, trial).verdict == "supported"
    turned = Statement(text="This trial does not take people aged 18 Years to 45 Years.",
                       citations=cites)  # fmt: skip
    assert check_statement(turned, trial).verdict != "supported"
