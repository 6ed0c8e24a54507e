"""Questions about oneself where the person names a member and the criterion its class, where the
criterion's own 'No' rules the thing out on the inclusion side, and where a criterion is listed
for one group only (issue 14): the criterion is found, quoted and said which way it points."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_XML = """<clinical_study><id_info><nct_id>{nct}</nct_id></id_info>
<brief_title>A study of {nct}</brief_title><overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Adults with chronic back pain

  -  Are HIV positive (except Group 2)

  -  No recent myocardial infarction (less than 1 month)

  -  Chemotherapy: No prior
     irinotecan or topotecan Radiotherapy: No prior radiotherapy

  -  Patients may have had prior bypass graft surgery

  -  Patients may be eligible for Group 2 if they:

  -  Are HIV-negative

Exclusion Criteria:

  -  Concurrent nonsteroidal anti-inflammatory drugs

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>N/A</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990001.xml", _XML.format(nct="NCT09990001"))


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_a_drug_meets_the_criterion_about_its_class(engine, trial):
    said = ask(engine, trial, "I take ibuprofen most days, is that ok?")
    assert "does not take" in said and "(exclusion criterion 1)" in said
    assert "nonsteroidal anti-inflammatory drugs" in said
    other = ask(engine, trial, "I take metformin every day, is that ok?")
    assert "(exclusion criterion 1)" not in other


def test_a_requirement_with_its_own_no_is_quoted_and_compared(engine, trial):
    recent = ask(engine, trial, "I had a heart attack 2 weeks ago, can I join?")
    assert 'says: "No recent myocardial infarction (less than 1 month)"' in recent
    assert "which is within that time" in recent
    old = ask(engine, trial, "I had a heart attack 3 years ago, can I join?")
    assert "which is longer ago than that" in old
    assert "which is within that time" not in old


def test_a_wrapped_line_keeps_its_no_and_the_labelled_part_is_quoted(engine, trial):
    said = ask(engine, trial, "I've had topotecan before, can I still be in it")
    assert "This trial does not take people who take or took topotecan" in said
    assert '"Chemotherapy: No prior irinotecan or topotecan"' in said
    assert "Radiotherapy" not in said


def test_a_procedure_is_had_and_a_permission_allows(engine, trial):
    said = ask(engine, trial, "I had bypass surgery a while back, can I still be in it?")
    assert "This trial allows people who have had bypass graft surgery" in said
    assert "take or took bypass" not in said


def test_a_criterion_for_one_group_is_not_applied_to_everyone(engine, trial):
    said = ask(engine, trial, "I'm HIV positive, can I join?")
    assert "listed for one group" in said and '"Are HIV-negative"' in said
    assert "This trial takes people with HIV" in said
    assert "does not take people with HIV" not in said


def test_a_stated_sex_is_answered_and_an_article_is_no_age(engine, trial):
    facts = extract("im a man with back pain, can men join?")
    assert facts.age_years is None and facts.sex == "MALE" and facts.sex_said
    assert extract("I'm a 45 year old woman").sex == "FEMALE"
    assert extract("my son is 12").sex_said is False
    said = ask(engine, trial, "im a man with back pain, can men join?")
    assert "This trial takes men and women" in said
    assert "12 months" not in said and "age limit" not in said


def test_a_stated_fact_then_is_that_a_problem_is_about_oneself(engine, trial):
    said = ask(engine, trial, "took ibuprofen yesterday, is that a problem?")
    assert "does not take" in said and "(exclusion criterion 1)" in said
    plain = ask(engine, trial, "Is that a problem?")
    assert "exclusion criterion 1" not in plain
