"""Questions about oneself, session 25 (helper P2) of issue 14: the sex field is said with the
people its ages make ('girls' for a trial of 9- to 13-year-olds, not 'women'); a test status said
negative ('I'm HIV negative') is a condition the person does not have, so it does not meet a
criterion asking for it and the record's healthy-volunteers field is said beside it; a procedure
not yet done ('haven't done detox yet') does not meet a requirement that it was done, and a
carve-out naming it ('excluding ... for detoxification') says nothing to that person; a term
rule's fallback is per fact ('I still drink' keeps its criteria beside a typed 'detox'); and a
first-person past treatment ('didn't work for me') is a treatment had; a pregnancy or
breastfeeding denied in its own sentence ('I'm not pregnant or breastfeeding') is a state the
person is not in, and the denial is not carried into the next sentence; and a criterion naming a
medicine as what one reacts to ('allergy to beta-lactam antibiotics') is said as an allergy, met
by an allergy to a kind of it (penicillin).

The criteria below are quoted from real records (the XML archive in /work/shared/data): the
detoxification, drinking and psychotropic criteria, the 'HIV infection' criterion, the sex
and ages of a preadolescent girls' trial, 'Are pregnant or breast-feeding', and the allergy
criteria 'Contraindication to ceftriaxone, including known allergy to beta-lactam antibiotics'
and 'Known hypersensitivity to hyaluronidase'."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Trial
from tests.engines.builders import assistant_over, parse_seed

_GIRLS = """<clinical_study><id_info><nct_id>NCT09990071</nct_id></id_info>
<brief_title>Osteoporosis prevention in preadolescent girls</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria

  -  Healthy premenarchal girls.

</textblock></criteria><gender>Female</gender><minimum_age>9 Years</minimum_age>
<maximum_age>13 Years</maximum_age></eligibility></clinical_study>"""

_WOMEN = _GIRLS.replace("NCT09990071", "NCT09990072").replace(
    "<minimum_age>9 Years</minimum_age>\n<maximum_age>13 Years</maximum_age>",
    "<minimum_age>18 Years</minimum_age>\n<maximum_age>65 Years</maximum_age>",
)

_DRINKING = """<clinical_study><id_info><nct_id>NCT09990073</nct_id></id_info>
<brief_title>A medicine for alcohol dependence</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Meets criteria for current diagnosis of alcohol dependence.

  -  Successful completion of medical detoxification.

Exclusion Criteria:

  -  Current treatment with psychotropic medications, including disulfiram (Antabuse)
     (excluding short-term use of benzodiazepines for detoxification).

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<maximum_age>65 Years</maximum_age><healthy_volunteers>No</healthy_volunteers>
</eligibility></clinical_study>"""

_ALLERGY = """<clinical_study><id_info><nct_id>NCT09990075</nct_id></id_info>
<brief_title>Subcutaneous ceftriaxone</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria:

  -  Adults who need an antibiotic.

Exclusion Criteria:

  -  Are pregnant or breast-feeding.

  -  Known hypersensitivity to hyaluronidase.

  -  Contraindication to ceftriaxone, including known allergy to beta-lactam antibiotics.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
</eligibility></clinical_study>"""

_HIV = """<clinical_study><id_info><nct_id>NCT09990074</nct_id></id_info>
<brief_title>Stem cell harvesting after filgrastim</brief_title>
<overall_status>Recruiting</overall_status>
<eligibility><criteria><textblock>
Inclusion Criteria

  -  HIV infection.

Exclusion Criteria

  -  Current malignancy.

</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>
<healthy_volunteers>Accepts Healthy Volunteers</healthy_volunteers>
</eligibility></clinical_study>"""


@pytest.fixture(scope="module")
def trials() -> dict[str, Trial]:
    out = {}
    for text in (_GIRLS, _WOMEN, _DRINKING, _HIV, _ALLERGY):
        t = parse_seed("x.xml", text)
        out[t.trial_id] = t
    return out


@pytest.fixture(scope="module")
def engine(trials: dict[str, Trial]) -> Assistant:
    return assistant_over(list(trials.values()))


def ask(engine: Assistant, trial_id: str, question: str) -> str:
    return engine.ask(question, trial_ids=[trial_id]).answer


def test_the_sex_field_is_said_with_the_people_its_ages_make(engine):
    girls = ask(engine, "NCT09990071", "my son is 10, can he join too?")
    assert "only for girls" in girls and "sex field says Female" in girls
    assert "only for women" not in girls
    women = ask(engine, "NCT09990072", "I'm a man, can I join?")
    assert "only for women" in women and "only for girls" not in women


def test_a_status_said_negative_is_a_condition_the_person_lacks():
    assert extract("I'm HIV negative, can I volunteer for this?").lacking == ["HIV"]
    assert extract("I tested negative for hepatitis C.").lacking == ["hepatitis C"]
    assert extract("I'm HIV-negative").lacking == ["HIV"]
    assert extract("I am HIV-positive").lacking == []  # positive: has it
    # a receptor status naming a kind of cancer the person has is no lack of the cancer
    assert extract("I have HER2-negative breast cancer").lacking == []


def test_a_negative_status_does_not_meet_a_criterion_asking_for_the_condition(engine):
    neg = ask(engine, "NCT09990074", "I'm HIV negative, can I volunteer for this?")
    assert "(inclusion criterion 1)" in neg and "so it rules you out" in neg
    assert "accepts healthy volunteers" in neg
    pos = ask(engine, "NCT09990074", "I'm HIV positive, can I join?")
    assert "(inclusion criterion 1)" in pos and "rules you out" not in pos
    assert "accepts healthy volunteers" not in pos


def test_a_procedure_not_yet_done_does_not_meet_a_requirement_that_it_was(engine):
    q = "I still drink every day and haven't done detox yet, can I join?"
    assert extract(q).lacking == ["detox"]
    assert extract("I finished detox last month.").lacking == []
    not_yet = ask(engine, "NCT09990073", q)
    assert "(inclusion criterion 2)" in not_yet and "medical detoxification" in not_yet
    assert "so it rules you out" in not_yet
    # the carve-out 'excluding ... for detoxification' says nothing to one who had none
    assert "(exclusion criterion 1)" not in not_yet
    # the drinking the term rule reads keeps its criterion beside the typed 'detox'
    assert "(inclusion criterion 1)" in not_yet
    done = ask(engine, "NCT09990073", "I completed detox last month, can I join?")
    assert "(inclusion criterion 2)" in done and "rules you out" not in done


def test_a_detox_is_had_not_taken():
    from summarizer.engines.extractive.eligibility import _PROCEDURE

    assert _PROCEDURE.search("medical detoxification")
    assert not _PROCEDURE.search("disulfiram")


def test_a_treatment_that_did_not_work_for_me_is_one_had():
    assert extract("Risperidone didn't work for me before.").past
    assert extract("It stopped working for my son.").past
    assert not extract("Does risperidone work for people like me?").past
    assert not extract("I take risperidone.").past


def test_a_state_denied_in_its_sentence_is_one_the_person_is_not_in():
    both = extract("I'm not pregnant or breastfeeding.")
    assert both.lacking == ["pregnancy", "breastfeeding"] and both.sex is None
    split = extract("I'm not pregnant. I am breastfeeding.")
    assert split.lacking == ["pregnancy"] and split.sex == "FEMALE"
    assert extract("I'm pregnant. I'm not breastfeeding.").lacking == ["breastfeeding"]
    assert extract("I'm not sure if I'm pregnant.").lacking == []
    assert extract("I plan to breastfeed my baby.").lacking == []


def test_a_denied_state_is_allowed_by_the_exclusion_of_it(engine):
    denied = ask(engine, "NCT09990075", "I'm not pregnant or breastfeeding, can I join?")
    assert "(exclusion criterion 1)" in denied and "You said you are not" in denied
    assert "does not take" in denied and "rules you out" not in denied
    said = ask(engine, "NCT09990075", "I'm not pregnant. I am breastfeeding.")
    assert "(exclusion criterion 1)" in said and "You said you are not" not in said


def test_an_allergy_criterion_is_said_as_an_allergy_and_met_by_a_kind_of_it(engine):
    pen = ask(engine, "NCT09990075", "I'm allergic to penicillin.")
    assert "(exclusion criterion 3)" in pen
    assert "people with an allergy or reaction to beta-lactam antibiotics" in pen
    assert "take or took" not in pen
    assert "(exclusion criterion 2)" not in pen  # hyaluronidase is another allergy
    taking = ask(engine, "NCT09990075", "I take amoxicillin.")
    assert "(exclusion criterion 3)" not in taking  # taking it is no reaction to it
