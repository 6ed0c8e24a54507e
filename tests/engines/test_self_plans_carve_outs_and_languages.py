"""Questions about oneself, round 6 of issue 14: a requirement for a treatment still to come
('must plan to have radiation') is not met by one already had; a term that only marks a time
('within 8 weeks of immunization', 'until their radiation course is complete') is not about the
person; a carve-out for a treated or removed case ('eligible if ... treated', 'unless
successfully treated') allows someone who says theirs was treated; a name said twice, once in a
carve-out ('other than aspirin'), is decided by the carve-out; 'no longer excluded' permits; a
class named with 'any' ('Any vaccination') stands beside a criterion naming the person's own
kind; a body weight in pounds or kilograms is set against a limit in either; trimesters are
weeks of pregnancy; and the languages a person speaks against a language requirement."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_RECORD = """<clinical_study><id_info><nct_id>NCT09990061</nct_id></id_info>
<brief_title>A study of radiation, vaccines and language</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria

  -  Patients must plan to have external beam radiation as the definitive treatment.

  -  Negative ELISA for HIV within 8 weeks of immunization.

  -  In their third trimester of pregnancy.

  -  English speaking.

Exclusion Criteria

  -  Patients who have had previous radiation therapy to the pelvis.

  -  Active syphilis (eligible if serology documented to be a false positive or due to
     remote, i.e., > 6 months treated, infection).

  -  Patients on anticoagulant medication (e.g., coumadin, clopidogrel) other than aspirin
     will not be eligible. Patients on aspirin should discontinue aspirin 7 days prior to
     the procedure.

  -  Are receiving medication that affects the immune system. The following medications
     are no longer excluded: thymopentin, hydroxyurea.

  -  Any vaccination in the 4 weeks preceding the first trial vaccination.

  -  Previous vaccination with an avian flu vaccine.

  -  Body weight greater than 300 pounds.

  -  Unable to read or write English.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>65 Years</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990061.xml", _RECORD)


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_a_device_or_implant_is_had_not_taken():
    from summarizer.engines.extractive.eligibility import _PROCEDURE

    assert _PROCEDURE.search("hip prostheses") and _PROCEDURE.search("brachytherapy implant")
    assert not _PROCEDURE.search("warfarin")


def test_a_planned_treatment_is_not_met_by_one_already_had(engine, trial):
    had = ask(engine, trial, "I had radiation to my pelvis.")
    assert "(exclusion criterion 1)" in had and "This trial does not take" in had
    assert "(inclusion criterion 1)" not in had
    assert extract("I had radiation to my pelvis.").past
    assert not extract("I will need radiation.").past


def test_a_term_that_only_marks_a_time_is_not_about_the_person(engine, trial):
    shot = ask(engine, trial, "I got a flu shot last week.")
    assert "(inclusion criterion 2)" not in shot  # 'within 8 weeks of immunization'
    assert "(exclusion criterion 5)" in shot and "which is within that time" in shot


def test_a_class_named_with_any_stands_beside_the_persons_own_kind(engine, trial):
    shot = ask(engine, trial, "I got a flu shot two weeks ago.")
    assert "(exclusion criterion 5)" in shot  # 'Any vaccination in the 4 weeks'
    assert "(exclusion criterion 6)" in shot  # the flu vaccine named itself


def test_a_carve_out_for_a_treated_case_allows_one_said_to_be_treated(engine, trial):
    treated = ask(engine, trial, "I had syphilis that was treated 2 years ago.")
    assert "(exclusion criterion 2)" in treated and "makes an exception for that" in treated
    assert extract("I had syphilis that was treated 2 years ago.").treated
    active = ask(engine, trial, "I have syphilis.")
    assert "(exclusion criterion 2)" in active and "makes an exception" not in active


def test_a_name_carved_out_once_is_decided_by_the_carve_out(engine, trial):
    aspirin = ask(engine, trial, "I take a baby aspirin every day.")
    assert "(exclusion criterion 3)" in aspirin and "allows the exceptions" in aspirin
    warfarin = ask(engine, trial, "I take coumadin.")
    assert "(exclusion criterion 3)" in warfarin and "allows the exceptions" not in warfarin


def test_no_longer_excluded_permits(trial):
    from summarizer.engines.extractive.self_match import find

    (hit,) = [f for f in find(trial, extract("I take hydroxyurea.")) if f.criterion.number == 4]
    assert hit.direction == "allowed_if" and hit.allows
    others = find(trial, extract("I take clopidogrel."))
    assert [f.direction for f in others if f.criterion.number == 3] == ["does_not_take"]


def test_a_body_weight_in_pounds_or_kilograms_meets_a_limit_in_pounds(engine, trial):
    heavy = ask(engine, trial, "I weigh 320 pounds.")
    assert "(exclusion criterion 7)" in heavy and "which it rules out" in heavy
    light = ask(engine, trial, "I weigh 80 kg.")  # 176 pounds
    assert "(exclusion criterion 7)" in light and "which it allows" in light


def test_a_trimester_is_weeks_of_pregnancy(engine, trial):
    early = ask(engine, trial, "I'm 20 weeks pregnant.")
    assert "(inclusion criterion 3)" in early and "outside that time" in early
    late = ask(engine, trial, "I'm 32 weeks pregnant.")
    assert "(inclusion criterion 3)" in late and "outside that time" not in late


def test_languages_the_person_speaks_against_a_language_requirement(engine, trial):
    facts = extract("I only speak Portuguese.")
    assert facts.languages == ["Portuguese"] and facts.only_languages and not facts.empty
    assert extract("I don't speak English.").not_languages == ["English"]
    assert extract("I speak Spanish and English.").languages == ["Spanish", "English"]
    only = ask(engine, trial, "I only speak Portuguese.")
    assert "(inclusion criterion 4)" in only and "(exclusion criterion 8)" in only
    assert "so it rules you out" in only
    both = ask(engine, trial, "I speak Spanish and English.")
    assert "(inclusion criterion 4)" in both and "rules you out" not in both
