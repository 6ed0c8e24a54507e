"""Questions about oneself, round 4 of issue 14: a lay word that means alcohol only in the asker's
words ('I drink') is not read into a criterion's 'drinking water'; the cause an item names ('due
to HIV') is skipped only where the item rules its illness out ('No AIDS-defining illness related
to HIV'), while an item about the illness with its cause ('infection due to HIV') is about HIV
too; a time since an event ('up to 18-months post-stroke') is a window; what a list under
'Allowed:' names is allowed, and one under 'Excluded within 4 weeks of study entry:' has that
window; and a newborn's age in hours, weeks of gestation at birth and birth
weight are set against the limits a criterion states."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_RECORD = """<clinical_study><id_info><nct_id>NCT09990041</nct_id></id_info>
<brief_title>A study of water and liver health</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Access to safe drinking water at home.

  -  No AIDS-defining illness related to HIV.

  -  Living at home up to 18-months post-stroke.

Exclusion Criteria:

  -  Heavy drinking or alcohol abuse.

  -  Opportunistic infection due to HIV.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>65 Years</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_seed("NCT09990041.xml", _RECORD)


@pytest.fixture(scope="module")
def engine(trial: Trial) -> Assistant:
    return assistant_over([trial])


def test_drinking_water_in_a_criterion_is_not_alcohol(engine, trial):
    said = ask(engine, trial, "I drink alcohol.")
    assert "does not take people who drink alcohol (exclusion criterion 1)" in said
    assert "(inclusion criterion 1)" not in said  # 'safe drinking water' is no alcohol


def test_the_asker_saying_they_drink_names_alcohol(engine, trial):
    wine = extract("Can I join? I drink wine every night.")
    assert any(cid == "mesh:Alcohol Drinking" for _, cid in wine.concepts)
    water = extract("I drink two litres of water a day.")
    assert not any(cid == "mesh:Alcohol Drinking" for _, cid in water.concepts)
    said = ask(engine, trial, "Can I join? I drink wine every night.")
    assert "(exclusion criterion 1)" in said and "(inclusion criterion 1)" not in said


def test_an_illness_named_with_its_cause_is_about_the_cause(engine, trial):
    said = ask(engine, trial, "I have HIV.")
    assert "(exclusion criterion 2)" in said  # 'infection due to HIV' is about HIV
    assert "(inclusion criterion 2)" not in said  # 'No ... related to HIV' rules out the illness


def test_a_time_since_an_event_with_an_upper_limit_is_a_window(engine, trial):
    late = ask(engine, trial, "I had a stroke 2 years ago.")
    assert "(inclusion criterion 3)" in late and "which is outside that time" in late
    recent = ask(engine, trial, "I had a stroke 6 months ago.")
    assert "(inclusion criterion 3)" in recent and "outside that time" not in recent


_NEWBORNS = """<clinical_study><id_info><nct_id>NCT09990042</nct_id></id_info>
<brief_title>A study of breathing support in premature babies</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria

Concurrent Medication:

Allowed:

  -  Caffeine for apnea of prematurity.

Patients must have:

  -  Weighing between 500 to 1250 grams at birth

  -  Gestational age of less than 34 weeks

  -  Less than 48 hours old

  -  Allowed: Hemophilia.

Exclusion Criteria

  -  Active pulmonary hemorrhage

Prior Treatment:

Excluded within 4 weeks of study entry:

  -  Blood transfusion.

</textblock></criteria><gender>All</gender>
<maximum_age>1 Year</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def newborns() -> Trial:
    return parse_seed("NCT09990042.xml", _NEWBORNS)


@pytest.fixture(scope="module")
def nursery(newborns: Trial) -> Assistant:
    return assistant_over([newborns])


def test_what_a_list_under_allowed_names_is_allowed(nursery, newborns):
    listed = ask(nursery, newborns, "My baby gets caffeine.")
    assert "allows" in listed and "(inclusion criterion 1)" in listed
    assert "does not take" not in listed
    inline = ask(nursery, newborns, "My son has hemophilia.")
    assert "allows" in inline and "(inclusion criterion 5)" in inline


def test_a_newborns_age_in_hours_meets_a_limit_in_hours(nursery, newborns):
    old = ask(nursery, newborns, "My baby is 3 days old.")
    assert "So your baby at 3 days is above its upper age limit (inclusion criterion 4)." in old
    young = ask(nursery, newborns, "My baby is 20 hours old.")
    assert "above its upper age limit" not in young and "inside that range" in young


def test_weeks_of_gestation_at_birth_meet_the_criterions_gestational_age(nursery, newborns):
    late = ask(nursery, newborns, "My baby was born at 36 weeks.")
    assert "(inclusion criterion 3)" in late and "which is above its upper limit" in late
    early = ask(nursery, newborns, "My baby was born at 30 weeks.")
    assert "(inclusion criterion 3)" in early and "which is inside that range" in early
    assert not extract("My baby was born 36 weeks ago.").measures


def test_birth_weight_meets_the_criterions_weight_at_birth(nursery, newborns):
    heavy = ask(nursery, newborns, "My baby weighed 2000 grams at birth.")
    assert "(inclusion criterion 2)" in heavy and "which is above its upper limit" in heavy
    light = ask(nursery, newborns, "My baby weighed 900 grams at birth.")
    assert "(inclusion criterion 2)" in light and "which is inside that range" in light


def test_a_heading_with_a_window_gives_its_items_that_window(nursery, newborns):
    recent = ask(nursery, newborns, "My baby had a blood transfusion 2 weeks ago.")
    assert "(exclusion criterion 2)" in recent and "which is within that time" in recent
    earlier = ask(nursery, newborns, "My baby had a blood transfusion 2 months ago.")
    assert "(exclusion criterion 2)" in earlier and "which is longer ago than that" in earlier
