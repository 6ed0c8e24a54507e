"""Uncited statements (as the editor checks fit bullets) against a hard-wrapped CT.gov-style
record: numbers are read in the sentence that restates them, and a wrapped line keeps its 'No'."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement
from summarizer.models import Statement, Trial
from summarizer.parsers import parse_text

RECORD = """NCT ID: NCT01234567
Brief Title: Apheresis to obtain plasma for laboratory studies

Brief Summary
Whole blood is drawn and the procedure takes from 30 to 45 minutes. Donors give plasma
for research. Follow-up lasts 2 years after the donation. Biologic relatives will give a
blood sample for DNA analysis only. No
imaging diagnostic testing will be performed on individuals from this category.

Eligibility Criteria
INCLUSION CRITERIA:

  -  Weight greater than or equal to 25 kg

EXCLUSION CRITERIA:

  -  Age less than 7 years

  -  Hct less than 30

  -  Pregnancy
"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_text("NCT01234567.txt", RECORD)[0]


def verdict(trial: Trial, text: str, role=None) -> str:
    return check_statement(Statement(text=text), trial, role=role).verdict


def test_a_number_is_read_in_the_sentence_that_states_its_quantity(trial) -> None:
    # '30 to 45 minutes' comes first in the record but is not about the hematocrit.
    assert verdict(trial, "Hct less than 30.", role="not_fit") == "supported"
    assert verdict(trial, "Hct greater than 30.", role="not_fit") == "contradicted"
    assert verdict(trial, "Hct less than 25.", role="not_fit") != "supported"


def test_only_the_sentence_about_the_same_quantity_can_contradict_a_number(trial) -> None:
    # The age criterion says 7 years: 8 years is a changed limit.
    assert verdict(trial, "Age less than 8 years.", role="not_fit") == "contradicted"
    assert verdict(trial, "Age less than 7 years.", role="not_fit") == "supported"
    # Nothing about a washout in the record: its '3 years' is unsupported, not contradicted by
    # the follow-up's or the age's years.
    assert verdict(trial, "A washout of 3 years is needed.") == "unsupported"


def test_a_line_wrapped_after_no_keeps_its_negation(trial) -> None:
    no = "No imaging diagnostic testing will be performed on individuals from this category."
    assert verdict(trial, no) == "supported"
    dropped = "Imaging diagnostic testing will be performed on individuals from this category."
    assert verdict(trial, dropped) == "contradicted"
