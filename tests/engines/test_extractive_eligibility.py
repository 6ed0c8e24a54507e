"""Questions about oneself: what the person said is set against the criteria, quoted, never
decided; topics the documents don't hold are said so; cross-trial questions use the fields."""

from __future__ import annotations

import re

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Answer, Trial
from tests.engines.test_extractive_engine import assistant_over, parse_seed

NEVER = re.compile(r"\byou are eligible\b|\byou (?:can|will) (?:definitely )?(?:join|qualify)\b")


@pytest.fixture(scope="module")
def seeds(seed_texts: dict[str, str]) -> dict[str, Trial]:
    return {k: parse_seed(f"{k}.txt", v) for k, v in seed_texts.items()}


@pytest.fixture(scope="module")
def engine(seeds: dict[str, Trial]) -> Assistant:
    return assistant_over(list(seeds.values()))


def ask(engine: Assistant, trial: Trial, question: str) -> Answer:
    return engine.ask(question, trial_ids=[trial.trial_id])


@pytest.mark.parametrize(
    "question",
    [
        "I have HIV. Can I join this trial?",
        "I'm HIV positive, could I take part?",
        "My husband has HIV, can he be in this study?",
        "I'm living with HIV",
    ],
)
def test_hiv_in_any_phrasing_quotes_the_exclusion_first(engine, seeds, question):
    answer = ask(engine, seeds["000"], question)
    assert answer.answer.startswith("This trial does not take people with HIV infection")
    assert "(exclusion criterion 8)" in answer.answer
    assert not NEVER.search(answer.answer)


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("I'm 16", 16),
        ("Am I too old at 80?", 80),
        ("My daughter is 3", 3),
        ("my son is 4 months old", 4 / 12),
        ("I am a 45 year old woman", 45),
    ],
)
def test_stated_ages_are_read_in_years(question, years):
    assert extract(question).age_years == pytest.approx(years, abs=0.01)


def test_an_age_outside_the_limits_is_said_against_the_cited_limit(engine, seeds):
    answer = ask(engine, seeds["000"], "Am I too old at 80?")
    assert "above its upper age limit" in answer.answer
    assert {c.quote for c in answer.citations} >= {"75 Years"}


def test_a_trial_without_age_limits_says_so_instead_of_guessing(engine, seeds):
    answer = ask(engine, seeds["001"], "I'm 30, can I join?")
    assert "found no age limit" in answer.answer
    assert "2017" not in answer.answer  # no unrelated sentence picked for the number


def test_the_answer_names_who_decides_and_never_promises_a_place(engine, seeds):
    for trial in seeds.values():
        for q in ("I'm 30, can I join?", "I'm pregnant. Can I join?", "I had cancer"):
            text = ask(engine, trial, q).answer
            assert not NEVER.search(text), text
            assert "study team" in text


def test_a_treatment_taken_now_is_matched_to_its_exclusion(engine, seeds):
    answer = ask(engine, seeds["003"], "I take steroids every day. Is that a problem?")
    assert "exclusion criterion 6" in answer.answer
    assert any("steroid" in c.quote for c in answer.citations)


def test_criteria_repeated_word_for_word_are_quoted_once(engine, seeds):
    answer = ask(engine, seeds["004"], "I take steroids every day. Is that a problem?")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == len(set(quotes))


@pytest.mark.parametrize(
    "question",
    [
        "Is there free parking at the hospital?",
        "Will they pay for my hotel?",
        "Does my insurance cover it?",
        "How many nights will I stay in hospital?",
        "What percentage of patients were cured?",
    ],
)
def test_topics_the_documents_do_not_hold_abstain_with_a_pointer(engine, seeds, question):
    answer = ask(engine, seeds["004"], question)
    assert answer.abstained
    assert "don't say" in answer.answer
    assert "clinicaltrials.gov/study/NCT06941129" in answer.answer


def test_an_abstention_on_a_withdrawn_trial_still_says_the_status_first(engine, seeds):
    answer = ask(engine, seeds["002"], "What phone number do I call to sign up?")
    assert answer.abstained
    assert answer.answer.startswith("This trial was withdrawn")


@pytest.mark.parametrize(
    "question",
    [
        "Will this CAR T therapy cure my lupus?",
        "Which of these trials should I sign up for?",
        "Is this trial the best option for me?",
    ],
)
def test_advice_about_ones_own_care_is_declined(engine, question):
    assert engine.ask(question).declined


def test_young_children_are_matched_on_the_age_fields(engine, seeds):
    answer = engine.ask("Is there a trial that takes young children?")
    assert answer.trials == [seeds["003"].trial_id]  # 6 months and up; 000 starts at 14
    assert "6 Months" in answer.answer


def test_a_status_question_across_trials_lists_trials_with_that_status(engine, seeds):
    answer = engine.ask("Which trials are recruiting?")
    assert set(answer.trials) == {seeds["003"].trial_id, seeds["004"].trial_id}
    assert seeds["002"].trial_id not in answer.answer
