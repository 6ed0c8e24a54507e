"""Intent routing and what people say about themselves, over many phrasings."""

from __future__ import annotations

import pytest

from summarizer.engines.extractive import intents
from summarizer.engines.extractive.self_facts import extract


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("How old do I have to be?", "age"),
        ("What is the age limit?", "age"),
        ("Can children take part?", "age"),
        ("Is it open to women?", "sex"),
        ("Which gender can join?", "sex"),
        ("Where is the trial?", "locations"),
        ("Which hospitals run it?", "locations"),
        ("How many sites are there?", "locations"),
        ("Is it still recruiting?", "status"),
        ("Is this trial still open?", "status"),
        ("How many people will take part?", "enrollment"),
        ("What phase is this study?", "phase"),
        ("Who runs this study?", "sponsor"),
        ("Who is the sponsor?", "sponsor"),
        ("Who can I contact?", "contacts"),
        ("What is the phone number?", "contacts"),
        ("What does the treatment target?", "targets"),
        ("Which antigens are targeted?", "targets"),
        ("What dose is given?", "doses"),
        ("What treatment will I get?", "interventions"),
        ("What do they measure?", "outcomes"),
        ("What are the outcomes?", "outcomes"),
        ("Is there a placebo?", "placebo"),
        ("Is it randomized?", "design"),
        ("What disease is this trial for?", "conditions"),
        ("Can healthy volunteers join?", "healthy_volunteers"),
        ("What is this study about?", "purpose"),
    ],
)
def test_questions_route_to_their_field(question, intent):
    found = intents.classify(question)
    assert found and found[0].name == intent


@pytest.mark.parametrize(
    "question",
    [
        "Should I stop my chemo?",
        "Should I skip my medication?",
        "Do I have cancer?",
        "What dose should I take of my pills?",
        "Will this cure me?",
    ],
)
def test_medical_advice_is_declined(question):
    assert intents.is_declined(question)


@pytest.mark.parametrize(
    "question", ["What dose is given in the trial?", "Can I join?", "Where is it?", "I have HIV"]
)
def test_trial_questions_are_not_declined(question):
    assert not intents.is_declined(question)


@pytest.mark.parametrize(
    ("question", "years", "who"),
    [
        ("I'm 16, can I join?", 16, "you"),
        ("I am 45 years old", 45, "you"),
        ("my daughter is 3", 3, "your daughter"),
        ("My son is 8 months old", 8 / 12, "your son"),
        ("Can a 70-year-old take part?", 70, "you"),
        ("My baby is six months old", 0.5, "your baby"),
    ],
)
def test_ages_are_read_in_years(question, years, who):
    facts = extract(question)
    assert facts.age_years == pytest.approx(years, abs=0.01)
    assert facts.who == who


def test_time_since_is_not_an_age():
    facts = extract("I had cancer three years ago")
    assert facts.age_years is None
    assert facts.years_since == 3
    assert facts.terms == ["another cancer"]


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("I have HIV", "HIV infection"),
        ("I'm pregnant", "pregnancy"),
        ("I am breastfeeding", "breastfeeding"),
        ("I had a stem cell transplant", "a stem cell transplant"),
        ("I have hepatitis B", "hepatitis B"),
        ("I have epilepsy", "epilepsy or seizures"),
        ("I had a heart attack last year", "a heart attack"),
    ],
)
def test_conditions_and_treatments_are_recognized(question, term):
    assert term in extract(question).terms


def test_pregnancy_implies_female_and_relatives_carry_sex():
    assert extract("I'm pregnant").sex == "FEMALE"
    assert extract("my son has lymphoma").sex == "MALE"
    assert extract("Where is it?").empty


def test_a_treatment_that_failed_the_asker_is_about_the_asker() -> None:
    from summarizer.engines.extractive.intents import is_about_self

    assert is_about_self("Risperidone didn't work for me before.")
    assert is_about_self("Metformin stopped working for my dad")
    assert not is_about_self("Did the vaccine work for most people in the trial?")
