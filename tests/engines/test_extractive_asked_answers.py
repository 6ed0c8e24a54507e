"""A question that asks for a kind of answer ('how long', 'how often', 'how much') is answered by
a sentence that says it, or the engine says the record does not: it never answers 'how long does
each visit take' with a sentence about the visits that gives no length. Questions about results
('did anyone get ...', 'what were the survival rates') are answered only by results, never by the
objective that plans to measure them. A trait of the whole trial ('do the doctors know which one
I get') is answered by the sentence saying it; a region ('anywhere in Europe') finds the sites in
its countries. Each with its twin: the record that says it gets the answer."""

from __future__ import annotations

import pytest

from summarizer.engines.extractive import intents, select
from tests.engines.test_extractive_prose_fields import ask, trial_of

VISITS = "Patients are evaluated at the Clinical Center with blood tests and X-rays."
VISIT_LENGTH = "Each visit to the Clinical Center takes about 3 hours."
NO_DOSE = "Fludarabine is given to volunteers before each test."
DOSE = "Fludarabine 25 mg/m2 is given to volunteers before each test."
OBJECTIVE = (
    "OBJECTIVES: Evaluate the response rate of fludarabine and the toxic effects in arthritis."
)
RESULT = "Results showed that 40% of patients responded to fludarabine."
BLIND = "This is a randomized, double blind, placebo controlled, multicenter study."
OPEN = "This is a randomized, multicenter study."
FOLLOWED = "Patients are followed every 3 months for 2 years after treatment ends."
TIMING = "Scans are taken 4-8 hours following the fludarabine injection."
HOW_GIVEN = "Patients receive fludarabine by IV injection over 20-30 minutes."
AIM = "OBJECTIVES: Determine the efficacy of fludarabine in reducing severe oral mucositis."


def _site(city: str, country: str) -> str:
    return (
        f"<location><facility><name>{city} University Hospital</name><address>"
        f"<city>{city}</city><country>{country}</country></address></facility></location>"
    )


EUROPE = _site("Boston", "United States") + _site("Lund", "Sweden") + _site("Milano", "Italy")
US_ONLY = _site("Boston", "United States") + _site("Houston", "United States")


def test_how_long_with_no_length_anywhere_says_the_record_does_not_say():
    ans = ask(trial_of(description=VISITS), "how long does each visit at the clinical center take")
    assert ans.abstained
    assert "X-rays" not in ans.answer


def test_how_long_is_answered_by_the_sentence_giving_the_length():
    ans = ask(
        trial_of(description=f"{VISITS} {VISIT_LENGTH}"),
        "how long does each visit at the clinical center take",
    )
    assert not ans.abstained
    assert "3 hours" in ans.answer


def test_how_much_with_no_amount_anywhere_says_the_record_does_not_say():
    ans = ask(trial_of(description=NO_DOSE), "how much of the fludarabine will they give me")
    assert ans.abstained
    assert "mg" not in ans.answer


def test_how_much_is_answered_by_the_amount():
    ans = ask(trial_of(description=DOSE), "how much of the fludarabine will they give me")
    assert not ans.abstained
    assert "25 mg/m2" in ans.answer


def test_how_often_checked_finds_the_follow_up_sentence():
    ans = ask(
        trial_of(description=f"{VISITS} {FOLLOWED}"),
        "once treatment ends how often do they get checked",
    )
    assert "every 3 months" in ans.answer
    # with no follow-up schedule in the record, no frequency is made up
    none = ask(trial_of(description=VISITS), "once treatment ends how often do they get checked")
    assert none.abstained and "every" not in none.answer


def test_a_results_question_is_not_answered_by_the_objective_to_measure_them():
    ans = ask(trial_of(description=OBJECTIVE), "what side effects did people have on fludarabine")
    assert ans.abstained
    assert "response rate" not in ans.answer


def test_a_results_question_is_answered_by_the_results():
    ans = ask(
        trial_of(description=f"{OBJECTIVE} {RESULT}"), "did anyone respond to the fludarabine"
    )
    assert not ans.abstained
    assert "40% of patients" in ans.answer


def test_who_knows_which_treatment_is_answered_by_the_blinding_sentence():
    ans = ask(trial_of(description=BLIND), "do the doctors know which one im getting")
    assert "double blind" in ans.answer


def test_an_unblinded_record_gets_no_made_up_blinding():
    ans = ask(trial_of(description=OPEN), "do the doctors know which one im getting")
    assert "blind" not in ans.answer.lower()
    assert "randomized" in ans.answer


def test_a_region_finds_the_sites_in_its_countries():
    ans = ask(trial_of(description=OPEN, extra=EUROPE), "is this done anywhere in europe")
    assert "Lund" in ans.answer and "Milano" in ans.answer
    assert "Boston" not in ans.answer


def test_a_region_with_no_site_in_it_is_not_claimed():
    ans = ask(trial_of(description=OPEN, extra=US_ONLY), "is this done anywhere in europe")
    assert "Yes, it runs" not in ans.answer
    assert "Boston" in ans.answer  # the sites it does have


def test_how_it_is_given_prefers_the_sentence_naming_the_route_over_a_passing_injection():
    ans = ask(trial_of(description=f"{TIMING} {HOW_GIVEN}"), "is the fludarabine a shot or a drip?")
    assert "by IV injection" in ans.answer
    # with only the passing mention, that is what there is
    only = ask(trial_of(description=TIMING), "is the fludarabine a shot or a drip?")
    assert "IV" not in only.answer


def test_what_they_try_to_prevent_is_answered_by_the_sentence_about_it():
    ans = ask(trial_of(description=AIM), "what are they trying to prevent with the fludarabine")
    assert "oral mucositis" in ans.answer
    # 'what are they trying to find out' is still what the study is about
    assert intents.classify("what are they trying to find out")[0].name == "purpose"
    assert not intents.classify("what are they trying to prevent with it")


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("do the doctors know which one im getting", "design"),
        ("whats the main thing theyre looking at", "outcomes"),
        ("how many people actually got the transplant in this study", "enrollment"),
        ("could they use saline as a fake?", "placebo"),
    ],
)
def test_patients_words_reach_the_right_reading(question: str, intent: str):
    ranked = intents.classify(question)
    assert ranked and ranked[0].name == intent


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("did anyone get graft versus host disease", "results"),
        ("what were the survival rates", "results"),
        ("what side effects did people have on cisplatin", "results"),
        ("how many people actually got the transplant in this study", None),
        ("how many people will they enroll", None),
    ],
)
def test_results_questions_are_told_from_questions_about_the_trial(question: str, topic):
    found = intents.topic(question)
    assert (found.name if found else None) == topic


def test_a_word_written_without_its_apostrophe_is_not_a_typo():
    assert intents.corrected("whats the main thing theyre looking at").endswith("theyre looking at")
    assert intents.corrected("what phsae is it") == "what phase is it"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("how much radiation will i get from the scan", "amount"),
        ("how long does the radiation go on", "duration"),
        ("how often do they see you after the infusion?", "frequency"),
    ],
)
def test_the_kinds_only_their_own_words_answer(question: str, asked: str):
    _, types = select.question_terms(question)
    assert any(k.name == asked and k.required for k in types)
    # 'how much does it cost' is the cost topic, not an amount of drug
    _, cost = select.question_terms("how much does it cost to take part")
    assert not any(k.name == "amount" for k in cost)
