"""A first-person statement that happens to use a trial-field word ('the same dose of
risperidone', 'blind since birth') is about the asker: it is answered from the criteria, while a
question about the field ('What is the dose?') is still answered from the trial."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_RECORD = """<clinical_study><id_info><nct_id>NCT09990061</nct_id></id_info>
<brief_title>Risperidone for irritability in adults</brief_title>
<overall_status>Recruiting</overall_status>
<intervention><intervention_type>Drug</intervention_type><intervention_name>Risperidone</intervention_name>
<description>Risperidone 2 mg by mouth once daily for 8 weeks.</description></intervention>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  On a stable dose of risperidone for at least 3 months.

Exclusion Criteria:

  -  Blindness or severe visual impairment.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>65 Years</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990061.xml", _RECORD)


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_a_statement_about_ones_own_dose_is_answered_from_the_criteria(engine, trial):
    said = ask(engine, trial, "I've been on the same dose of risperidone for 6 months.")
    assert "inclusion criterion 1" in said
    assert "2 mg by mouth once daily" not in said


def test_a_question_about_the_dose_is_still_about_the_trial(engine, trial):
    said = ask(engine, trial, "What is the dose of risperidone?")
    assert "2 mg" in said
    assert "inclusion criterion 1" not in said
