"""Questions about oneself, round 3 of issue 14: a drug meets its class (haloperidol is a
neuroleptic, lisinopril an ACE inhibitor, Prozac an antidepressant), an event dated from the
start of the trial ('within 6 months prior to enrolment') is still the event's window, a list of
exceptions carves out what it names (and its 'at least 10 years ago' is the exclusion's window),
a negated item's cause ('related to HIV') is not what it rules out, ordinal weeks of pregnancy
('16th to 24th week') are limits, a permission ('can be on') allows, and what people do is said
as what they do ('people who smoke', not 'people with smokes')."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_RECORD = """<clinical_study><id_info><nct_id>NCT09990021</nct_id></id_info>
<brief_title>A study of mood and blood pressure</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Proven pregnancy in the 16th to 24th week of gestation.

  -  No AIDS-defining illness or other systemic manifestations related to HIV.

  -  The patient can be on pharmacological antidepressant therapy.

Exclusion Criteria:

  -  Intake of neuroleptics.

  -  Patient treated with any angiotensin converting enzyme inhibitor

  -  Patients with a history of cerebrovascular disorder or myocardial infarction within 6
     months prior to enrolment in the study.

  -  The patient has a history of cancer with the following exceptions: (1) superficial basal
     or squamous cell carcinoma of the skin that was treated, and (2) other malignancies
     treated at least 10 years ago without any evidence of recurrence.

  -  Current smokers.

</textblock></criteria><gender>Female</gender><minimum_age>18 Years</minimum_age>
<maximum_age>45 Years</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990021.xml", _RECORD)


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_a_drug_meets_the_class_a_criterion_names(engine, trial):
    neuro = ask(engine, trial, "I take haloperidol.")
    assert "does not take" in neuro and "(exclusion criterion 1)" in neuro
    ace = ask(engine, trial, "I take lisinopril.")
    assert "does not take" in ace and "(exclusion criterion 2)" in ace
    assert "(exclusion criterion 1)" not in ace  # an ACE inhibitor is no neuroleptic


def test_a_permission_to_be_on_a_drug_allows_it(engine, trial):
    said = ask(engine, trial, "I take Prozac.")
    assert "allows" in said and "(inclusion criterion 3)" in said
    assert "does not take" not in said


def test_an_event_dated_from_enrolment_has_a_window(engine, trial):
    long_ago = ask(engine, trial, "I had a stroke 2 years ago.")
    assert "which is longer ago than that" in long_ago and "(exclusion criterion 3)" in long_ago
    recent = ask(engine, trial, "I had a stroke 3 months ago.")
    assert "which is within that time" in recent and "(exclusion criterion 3)" in recent


def test_a_list_of_exceptions_carves_out_what_it_names(engine, trial):
    skin = ask(engine, trial, "I had a basal cell skin cancer removed 2 years ago.")
    assert "(exclusion criterion 4)" in skin and "allows" in skin
    assert "within that time" not in skin
    recent = ask(engine, trial, "I had breast cancer 2 years ago.")
    assert "which is within that time" in recent and "(exclusion criterion 4)" in recent
    old = ask(engine, trial, "I had breast cancer 12 years ago.")
    assert "which is longer ago than that" in old


def test_the_cause_of_what_a_negated_item_rules_out_is_not_ruled_out(engine, trial):
    said = ask(engine, trial, "I have HIV.")
    assert "(inclusion criterion 2)" not in said  # 'related to HIV' is not 'no HIV'
    assert "does not take people with HIV" not in said


def test_ordinal_weeks_of_pregnancy_are_limits(engine, trial):
    late = ask(engine, trial, "I'm 30 weeks pregnant.")
    assert "which is outside that time" in late and "(inclusion criterion 1)" in late
    inside = ask(engine, trial, "I'm 20 weeks pregnant.")
    assert "which is inside that range" in inside and "outside that time" not in inside


def test_what_people_do_is_said_as_what_they_do(engine, trial):
    said = ask(engine, trial, "I smoke.")
    assert "people who smoke" in said and "(exclusion criterion 5)" in said
    assert "people with smoke" not in said
    drinks = extract("I drink too much.")
    assert "drinking alcohol" in drinks.terms
    assert any(cid == "mesh:Alcohol Drinking" for _, cid in drinks.concepts)
    assert "drinking alcohol" not in extract("I drink a lot of water.").terms
