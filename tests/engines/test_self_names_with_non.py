"""A condition whose name opens with 'non-' ('non-small cell lung cancer') is named in the answer
as the record names it: the checker reads 'non-' before a disease word as part of the name, not
as a negation, so the sentence naming it is kept (issue 14)."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.models import Trial
from tests.engines.builders import assistant_over, parse_seed

_RECORD = """<clinical_study><id_info><nct_id>NCT09990051</nct_id></id_info>
<brief_title>A study of a new drug for lung cancer</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Histologically confirmed non-small cell lung cancer.

Exclusion Criteria:

  -  Prior malignancy except nonmelanoma skin cancer within 5 years.

  -  Not able to swallow tablets.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>N/A</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990051.xml", _RECORD)


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_a_name_with_non_is_said_by_its_name(engine: Assistant, trial: Trial) -> None:
    out = engine.ask("I have non-small cell lung cancer, can I join?", trial_ids=[trial.trial_id])
    said = out.answer.lower()
    assert "people with non-small cell lung cancer" in said
    assert "the condition this criterion names" not in said
    quoted = [s for s in out.statements if s.citations]
    assert quoted and all(s.check is not None and s.check.verdict == "supported" for s in quoted)
