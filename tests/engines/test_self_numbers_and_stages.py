"""Questions about oneself that give a number or a state the criteria set limits on (issue 14):
weeks of pregnancy against the weeks a criterion names, a lab value against a marker's limits,
someone who quit against a criterion about now, a drug against its class and against a
contraindication, and an age that opens a case of a criterion rather than limiting it."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.eligibility import age_bounds
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import ask_about as ask
from tests.engines.builders import assistant_over, parse_seed

_PREGNANCY = """<clinical_study><id_info><nct_id>NCT09990011</nct_id></id_info>
<brief_title>A study in pregnancy</brief_title><overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Pregnancy 18-23 weeks of gestation

  -  CD4 count > 50 and &lt; 350 cells/mm3

  -  Left ventricular ejection fraction estimated by echocardiography or another accepted
     method is no more than 35%

Exclusion Criteria:

  -  Pregnancy less than 18 weeks or over 23 weeks

  -  HbA1c greater than 13%

  -  The subject smokes or has used tobacco within the 6 months prior to the study

  -  Is unwilling to refrain from the use of tobacco during the trial

  -  Patients taking diuretics, beta-blockers and any drug which may have an effect on portal
     pressure

  -  Contraindications to beta-blockers: asthma, heart failure

  -  Use of thiazolidinediones within 3 months

  -  Multiple gestation

  -  Plan to breast-feed

</textblock></criteria><gender>Female</gender><minimum_age>13 Years</minimum_age>
<maximum_age>N/A</maximum_age></eligibility></clinical_study>"""

_CHILDREN = """<clinical_study><id_info><nct_id>NCT09990012</nct_id></id_info>
<brief_title>A study in young children</brief_title><overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  HIV-1 infection, or if less than 15 months old, born to mother with HIV-1 infection.

  -  Legally qualified guardian able to sign consent.

Exclusion Criteria:

  -  Past or present history of seizures.

</textblock></criteria><gender>All</gender><minimum_age>1 Day</minimum_age>
<maximum_age>5 Years</maximum_age></eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def pregnancy() -> Trial:
    return parse_seed("NCT09990011.xml", _PREGNANCY)


@pytest.fixture(scope="module")
def children() -> Trial:
    return parse_seed("NCT09990012.xml", _CHILDREN)


@pytest.fixture(scope="module")
def engine(pregnancy: Trial, children: Trial) -> Assistant:
    return assistant_over([pregnancy, children])


def test_the_person_says_how_far_along_and_what_they_measure_not_an_age() -> None:
    along = extract("I'm 25 weeks pregnant.")
    assert along.gestation_weeks == 25.0 and along.age_years is None
    assert extract("I'm six months pregnant").gestation_weeks == pytest.approx(26.07)
    assert extract("I'm 22 weeks along.").age_years is None
    assert extract("I'm pregnant.").gestation_weeks is None
    lab = extract("My CD4 count is 500.")
    assert lab.age_years is None
    assert lab.measures == [("CD4 count", 500.0, None, "CD4 count is 500")]
    assert not lab.empty
    assert extract("My son is 7 and has HIV.").age_years == 7.0
    assert extract("Is 16 too young?").age_years == 16.0
    assert extract("My ALT is 3 times normal").measures == []  # a multiple is not the value


def test_breastfeeding_and_a_past_pregnancy_are_read_as_said() -> None:
    feed = extract("I want to breastfeed my baby.")
    assert feed.terms == ["breastfeeding"] and feed.who == "you"  # the baby is the object
    assert "pregnancy" not in extract("I had preeclampsia in my last pregnancy.").terms
    assert "pregnancy" in extract("I'm pregnant with my second baby.").terms


def test_weeks_of_pregnancy_are_set_against_the_weeks_a_criterion_names(engine, pregnancy):
    late = ask(engine, pregnancy, "I'm 25 weeks pregnant, can I join?")
    assert "You said 25 weeks pregnant, which is outside that time." in late
    assert "(inclusion criterion 1)" in late and "(exclusion criterion 1)" in late
    inside = ask(engine, pregnancy, "I'm 20 weeks pregnant, can I join?")
    assert "You said 20 weeks pregnant, which is inside that range." in inside
    assert "outside that time" not in inside
    assert "(exclusion criterion 1)" not in inside  # the other weeks add nothing to the verdict


def test_a_lab_value_is_set_against_the_markers_limits(engine, pregnancy):
    high = ask(engine, pregnancy, "My CD4 count is 500.")
    assert "which is above its upper limit" in high and "(inclusion criterion 2)" in high
    fine = ask(engine, pregnancy, "My CD4 count is 200.")
    assert "which is inside that range" in fine and "above its upper" not in fine
    ruled = ask(engine, pregnancy, "My HbA1c is 14%.")
    assert "which it rules out" in ruled and "(exclusion criterion 2)" in ruled
    allowed = ask(engine, pregnancy, "My HbA1c is 8%.")
    assert "which it allows" in allowed and "which it rules out" not in allowed
    # a limit said further on in the criterion's sentence than the marker's name
    weak = ask(engine, pregnancy, "My ejection fraction is 30%.")
    assert "which is inside that range" in weak and "(inclusion criterion 3)" in weak
    strong = ask(engine, pregnancy, "My ejection fraction is 50%.")
    assert "which is above its upper limit" in strong


def test_someone_who_quit_is_not_ruled_out_by_a_criterion_about_now(engine, pregnancy):
    quit = ask(engine, pregnancy, "I quit smoking 2 years ago.")
    assert "which is longer ago than that" in quit and "(exclusion criterion 3)" in quit
    assert "(exclusion criterion 4)" not in quit
    smokes = ask(engine, pregnancy, "I smoke every day.")
    assert "(exclusion criterion 4)" in smokes


def test_a_drug_meets_its_class_but_not_a_contraindication_to_it(engine, pregnancy):
    said = ask(engine, pregnancy, "I take propranolol.")
    assert "does not take" in said and "(exclusion criterion 5)" in said
    assert "(exclusion criterion 6)" not in said  # 'contraindications to' is not taking it
    assert "allows" not in said  # 'any drug which may have an effect' permits nothing
    glitazone = ask(engine, pregnancy, "I took pioglitazone until a month ago.")
    assert "(exclusion criterion 7)" in glitazone and "within that time" in glitazone
    now = ask(engine, pregnancy, "I take rosiglitazone.")
    assert "You said you take it now, which is within that time." in now
    before = ask(engine, pregnancy, "I stopped rosiglitazone a year ago.")
    assert "which is longer ago than that" in before and "take it now" not in before


def test_twins_and_breastfeeding_meet_their_exclusions(engine, pregnancy):
    twins = ask(engine, pregnancy, "I'm pregnant with twins.")
    assert "does not take" in twins and "(exclusion criterion 8)" in twins
    feed = ask(engine, pregnancy, "I want to breastfeed my baby.")
    assert "does not take" in feed and "(exclusion criterion 9)" in feed


def test_an_age_that_opens_a_case_is_not_an_age_limit(engine, children):
    assert [b.criterion for b in age_bounds(children)] == [None, None]  # the age fields only
    said = ask(engine, children, "My son is 7 and has HIV.")
    assert "So your son at 7 is above its upper age limit." in said
    assert 'Inclusion criterion 1 says: "HIV-1' not in said


def test_a_number_is_not_set_against_a_limit_in_other_terms() -> None:
    from summarizer.criteria.model import Quantity
    from summarizer.engines.extractive.self_match import _comparable

    uln = Quantity(comparator="gt", value=2.0, unit="times the uln")
    assert not _comparable(40.0, None, uln)  # 'ALT 40' is not 'more than 2 times the ULN'
    per_mm3 = Quantity(comparator="ge", value=100000.0, unit="/mm3")
    assert not _comparable(150.0, None, per_mm3)  # 'platelets 150' means thousands
    assert _comparable(120000.0, None, per_mm3)
    percent = Quantity(comparator="gt", value=13.0, unit="%")
    assert _comparable(14.0, "%", percent) and not _comparable(14.0, "mmol/l", percent)
