"""What a question asks for is answered even when the field that routes it does not say it:
how a treatment is given ('is it a shot or a pill?'), how long or how often, from the record's
prose; who leads the study, not only who sponsors it; a long sentence whose answer sits at its end
is quoted at the end; and patients' words ('how many women will take part', 'by chance', 'no
medicine at all', 'anywhere in Toronto') reach the right reading. Each with its twin: a record
that does not say it gets no made-up answer."""

from __future__ import annotations

import pytest

from summarizer.engines.extractive import intents
from tests.engines.test_extractive_prose_fields import ask, trial_of

ROUTE = "Patients are randomized to receive either fludarabine or placebo given intranasally."
NO_ROUTE = "Patients are randomized to receive either fludarabine or placebo."
LONG = (
    "In order to evaluate an appropriate role for methotrexate in managing these problems in the "
    "population, this pilot study will take multiple measurements, both self-reported and "
    "functional, on a sample of older adults with chronic joint pain who are recruited from the "
    "local community and receive methotrexate in the college health center over a four-week "
    "period."
)
OFFICIAL = (
    "<overall_official><last_name>Jane Roe, MD</last_name><role>Principal Investigator</role>"
    "<affiliation>Acme University</affiliation></overall_official>"
)


def test_how_it_is_given_comes_from_prose_when_the_treatment_list_names_it_only():
    ans = ask(trial_of(description=ROUTE), "is fludarabine a shot or a pill?")
    assert not ans.abstained
    assert "intranasally" in ans.answer
    assert "description" in {c.section for c in ans.citations}


def test_a_record_that_never_says_how_it_is_given_gets_no_made_up_route():
    ans = ask(trial_of(description=NO_ROUTE), "is fludarabine a shot or a pill?")
    assert "Fludarabine" in ans.answer  # the treatments are still named
    assert not any(w in ans.answer.lower() for w in ("intranasal", "inject", "oral", "tablet"))


def test_who_is_in_charge_names_the_person_leading_it_as_well_as_the_sponsor():
    ans = ask(trial_of(description=NO_ROUTE, extra=OFFICIAL), "who is in charge of this study")
    assert "Acme Health" in ans.answer and "Jane Roe" in ans.answer


def test_without_a_named_official_only_the_sponsor_is_said():
    ans = ask(trial_of(description=NO_ROUTE), "who is in charge of this study")
    assert "Acme Health" in ans.answer
    assert "led by" not in ans.answer


def test_an_answer_at_the_end_of_a_long_sentence_is_quoted_not_cut_off():
    ans = ask(trial_of(description=LONG), "how long would i be getting methotrexate?")
    assert "four-week period" in ans.answer
    # the sentence's head, which does not answer, is what gets left out
    assert "In order to evaluate" not in ans.answer


def test_a_long_sentence_is_still_cut_when_the_question_asks_nothing_past_the_cut():
    ans = ask(trial_of(description=LONG), "what is the role of methotrexate here?")
    assert "four-week period" not in ans.answer
    assert "methotrexate" in ans.answer.lower()


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("how many women will take part", "enrollment"),  # 'took part': the posted baseline
        ("how many guys are in the study", "enrollment"),
        ("do they decide by chance if i get pills or IV?", "design"),
        ("could my baby end up getting no medicine at all?", "placebo"),
        ("is there anywhere in toronto i could go for this", "locations"),
        ("is the medicine given through a drip?", "interventions"),
        ("how much mirtazapine would i take", "doses"),
        ("how long do they keep following the kids afterwards", "outcomes"),
        ("can my kid be in this study?", "age"),
    ],
)
def test_patients_words_reach_the_right_reading(question: str, intent: str):
    ranked = intents.classify(question)
    assert ranked and ranked[0].name == intent, ranked


@pytest.mark.parametrize(
    ("question", "not_intent"),
    [
        ("how many sites are there for women", "enrollment"),
        ("how much of my insulin do i take before the visit", "doses"),
        ("how long do they keep following the kids afterwards", "age"),
    ],
)
def test_near_misses_do_not(question: str, not_intent: str):
    assert not_intent not in [i.name for i in intents.classify(question)[:1]]
