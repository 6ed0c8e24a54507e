"""Questions about oneself: what the person said is set against the criteria, quoted, never
decided; topics the documents don't hold are said so; cross-trial questions use the fields."""

from __future__ import annotations

import re

import pytest

from summarizer.assistant import Assistant
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import Answer, Trial
from tests.engines.builders import assistant_over, parse_seed

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


def test_a_relative_named_as_the_object_is_not_the_person_asked_about():
    nursing = extract("I'm nursing my baby.")
    assert nursing.who == "you" and "breastfeeding" in nursing.terms
    assert extract("Can my son join?").who == "your son"


def test_weeks_of_pregnancy_are_not_an_age():
    facts = extract("I'm 25 weeks pregnant.")
    assert facts.age_years is None and "pregnancy" in facts.terms
    assert extract("I'm 25, can I join?").age_years == 25


def test_a_first_person_statement_without_a_cue_verb_is_about_oneself():
    from summarizer.engines.extractive.intents import is_about_self

    assert is_about_self("I quit smoking 2 years ago.")
    assert is_about_self("My cancer has spread to my brain.")
    assert not is_about_self("What does the trial measure?")


def _one_criterion_trial(kind: str, text: str) -> Trial:
    from summarizer.parsers import parse_text

    inc = text if kind == "inclusion" else "Adults with any condition"
    exc = text if kind == "exclusion" else "Unable to give consent"
    body = (
        "<clinical_study><id_info><nct_id>NCT09999999</nct_id></id_info>"
        "<brief_title>A test trial</brief_title><eligibility><criteria><textblock>"
        f"Inclusion Criteria:\n\n  - {inc}\n\nExclusion Criteria:\n\n  - {exc}\n"
        "</textblock></criteria></eligibility></clinical_study>"
    )
    return parse_text("NCT09999999.xml", body)[0]


def test_the_most_specific_criterion_wins_over_a_broad_class():
    from summarizer.engines.extractive.self_match import find

    trial = _one_criterion_trial(
        "exclusion", "Small cell lung cancer, or any other malignant tumor"
    )
    found = find(trial, extract("I have small cell lung cancer."))
    assert found and found[0].criterion.kind == "exclusion"
    assert found[0].direction == "does_not_take" and "small cell" in found[0].matched.lower()


def test_a_criterion_that_permits_a_condition_reads_as_allowed():
    from summarizer.engines.extractive.self_match import find

    trial = _one_criterion_trial(
        "inclusion", "Participants may have other health problems such as diabetes mellitus"
    )
    found = find(trial, extract("I have diabetes, is that a problem?"))
    assert [f.direction for f in found] == ["allowed_if"] and found[0].allows
    plain = _one_criterion_trial("exclusion", "Diabetes mellitus")
    assert [f.direction for f in find(plain, extract("I have diabetes."))] == ["does_not_take"]


def test_a_window_the_person_is_outside_of_allows_it():
    from summarizer.engines.extractive.self_match import find

    trial = _one_criterion_trial("exclusion", "Has donated blood within the past six weeks")
    later = find(trial, extract("I donated blood 2 months ago."))
    assert [f.direction for f in later] == ["allowed_if"]
    recent = find(trial, extract("I donated blood last week."))
    assert [f.direction for f in recent] == ["does_not_take"]


def test_pregnancy_beside_birth_control_is_ruled_out_and_its_purpose_is_not():
    from summarizer.engines.extractive.self_match import find

    beside = _one_criterion_trial(
        "exclusion",
        "Females who are pregnant, nursing or not using a reliable method of birth control",
    )
    for question in ("I'm nursing my baby.", "I am pregnant."):
        found = find(beside, extract(question))
        assert [(f.criterion.kind, f.direction) for f in found] == [("exclusion", "does_not_take")]
    purpose = _one_criterion_trial(
        "inclusion", "Women who could become pregnant must use contraception during the study"
    )
    assert find(purpose, extract("I am pregnant.")) == []


def test_what_a_criterion_allows_is_read_in_the_sentence_that_allows_it():
    from summarizer.engines.extractive.self_match import find

    trial = _one_criterion_trial(
        "exclusion",
        "Active or suspected autoimmune diseases. Vitiligo without systemic treatment is allowed.",
    )
    ruled = find(trial, extract("I have rheumatoid arthritis."))
    assert [f.direction for f in ruled] == ["does_not_take"]
    allowed = find(trial, extract("I have vitiligo."))
    assert [f.direction for f in allowed] == ["allowed_if"]


def test_the_time_since_a_diagnosis_is_set_against_the_years_the_person_gives():
    from summarizer.engines.extractive.self_match import find

    trial = _one_criterion_trial(
        "inclusion",
        "Type 1 diabetes mellitus (T1DM) for at least 5 years; "
        "time since diagnosis of T1DM ≥ 5 years",
    )
    recent = find(trial, extract("I was diagnosed with type 1 diabetes two years ago."))
    assert "does_not_take" in [f.direction for f in recent]
    long_ago = find(trial, extract("I was diagnosed with type 1 diabetes ten years ago."))
    assert [f.direction for f in long_ago] == ["takes"]
