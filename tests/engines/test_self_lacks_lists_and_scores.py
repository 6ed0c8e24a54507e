"""Questions about oneself, round 5 of issue 14: what the person says they never had; a list's
window that belongs to a later element of it ('..., current substance abuse, active within the
last 3 months'); a 'Concurrent Medication: / Excluded:' list read against past use; a time since
an event with a lower limit ('more than 18 months post-stroke') ruled out; the medicine an
'Allowed:' list names for a condition; a carve-out of a name ('other than AZT') that ends where
the item's examples go on; scores (IQ, MMSE, ECOG) and weeks of gestation set against their
limits; and words written with a possessive ('Parkinson's disease') or an abbreviation ('St.')."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.criteria.vocabulary import load
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_RECORD = """<clinical_study><id_info><nct_id>NCT09990051</nct_id></id_info>
<brief_title>A study of memory and mood</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria

Concurrent Medication:

Allowed:

  -  Medications as required for management of HIV infection.

Patients must have:

  -  Failed at least one prior chemotherapy.

  -  Mini-Mental State Exam score of 5-26, inclusive.

  -  ECOG Performance Status of 0 or 1.

  -  Gestational age between 20 and 30 weeks.

  -  Adults aged 18 to 40 years with memory complaints.

Exclusion Criteria

Concurrent Medication:

Excluded:

  -  Ribavirin.

Patients with the following are excluded:

  -  Diagnosis of dementia, seizure disorder, current substance abuse or dependence, active
     within the last 3 months.

  -  Stroke more than 18 months ago.

  -  Receipt of antiretroviral agents other than AZT during this pregnancy (e.g., d4T, ddI).

  -  IQ less than 70.

  -  Parkinson's disease.

  -  St. John's wort in the 48 hours prior to entry.

  -  Documented HIV infection with opportunistic infection.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>65 Years</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990051.xml", _RECORD)


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_what_the_person_never_had_does_not_meet_a_requirement(engine, trial):
    never = extract("I've never had chemotherapy.")
    assert never.lacking == ["chemotherapy"]
    assert extract("I don't have diabetes but I take insulin.").lacking == ["diabetes"]
    said = ask(engine, trial, "I've never had chemotherapy.")
    assert "(inclusion criterion 2)" in said and "so it rules you out" in said
    had = ask(engine, trial, "I had chemotherapy last year.")
    assert "(inclusion criterion 2)" in had and "rules you out" not in had


def test_a_window_of_a_later_list_element_is_not_the_earlier_ones(engine, trial):
    said = ask(engine, trial, "I have epilepsy.")
    assert "(exclusion criterion 2)" in said
    assert "within 3 months" not in said  # the window is the substance abuse's
    drugs = ask(engine, trial, "I had a drug addiction 2 years ago.")
    assert "(exclusion criterion 2)" in drugs and "longer ago than that" in drugs


def test_a_concurrent_medication_list_is_about_use_during_the_study(engine, trial):
    before = ask(engine, trial, "I took ribavirin 6 months ago.")
    assert "(exclusion criterion 1)" in before and "allows what was taken before" in before
    now = ask(engine, trial, "I take ribavirin.")
    assert "(exclusion criterion 1)" in now and "allows what was taken before" not in now


def test_a_time_since_an_event_with_a_lower_limit_is_compared(engine, trial):
    old = ask(engine, trial, "I had a stroke 2 years ago.")
    assert "(exclusion criterion 3)" in old and "which is more than that" in old
    recent = ask(engine, trial, "I had a stroke 6 months ago.")
    assert "(exclusion criterion 3)" in recent and "more recent than that, so it allows" in recent


def test_a_condition_an_allowed_medicine_is_for_is_not_allowed_by_it(engine, trial):
    said = ask(engine, trial, "I have HIV.")
    assert "(exclusion criterion 8)" in said
    assert "(inclusion criterion 1)" not in said  # the medicines for HIV are what it allows


def test_a_carve_out_of_a_name_ends_where_its_examples_go_on(engine, trial):
    ddi = ask(engine, trial, "I took ddI earlier in this pregnancy.")
    assert "(exclusion criterion 4)" in ddi and "allows the exceptions" not in ddi
    azt = ask(engine, trial, "I take AZT.")
    assert "(exclusion criterion 4)" in azt and "allows the exceptions" in azt


@pytest.mark.parametrize(
    ("question", "criterion", "verdict"),
    [
        ("My mother's MMSE score is 28.", "(inclusion criterion 3)", "above its upper limit"),
        ("My MMSE score is 20.", "(inclusion criterion 3)", "inside that range"),
        ("My ECOG performance status is 2.", "(inclusion criterion 4)", "above its upper limit"),
        ("My son's IQ was tested at 65.", "(exclusion criterion 5)", "which it rules out"),
        ("My son's IQ was tested at 95.", "(exclusion criterion 5)", "which it allows"),
        ("I'm 32 weeks pregnant.", "(inclusion criterion 5)", "outside"),
    ],
)
def test_scores_and_weeks_are_set_against_their_limits(engine, trial, question, criterion, verdict):
    said = ask(engine, trial, question)
    assert criterion in said and verdict in said


def test_a_possessive_and_an_abbreviation_read_as_the_term():
    vocab = load()
    found = {m.concept.id for m in vocab.find("My father has Parkinson's disease.")}
    assert "mesh:Parkinson Disease" in found
    wort = {m.concept.id for m in vocab.find("My son took St. John's wort 3 days ago.")}
    assert "mesh:Hypericum" in wort
    # a full stop after a longer word still ends a term: 'HIV. Infection' is two
    split = vocab.find("No HIV. Infection with it")
    assert [m.concept.id for m in split][:1] == ["mesh:HIV Infections"] and len(split) == 2


def test_named_things_meet_their_criteria(engine, trial):
    parkinson = ask(engine, trial, "My father has Parkinson's disease.")
    assert "(exclusion criterion 6)" in parkinson
    wort = ask(engine, trial, "My son took St. John's wort 3 days ago.")
    assert "(exclusion criterion 7)" in wort and "longer ago than that" in wort
    assert "(exclusion criterion 6)" not in wort


def test_an_age_verdict_follows_the_limit_it_rests_on(engine, trial):
    said = ask(engine, trial, "I'm 70.")
    fields = said.index("This trial takes people aged")
    verdict = said.index("above its upper age limit")
    quoted = said.index("(inclusion criterion 6)") if "(inclusion criterion 6)" in said else None
    quoted = quoted if quoted is not None else said.index("Inclusion criterion 6 says")
    assert fields < verdict < quoted  # the fields' limit, then the criterion that also has one
