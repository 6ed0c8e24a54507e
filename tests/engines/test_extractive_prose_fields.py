"""A fact the record gives only in prose is still an answer: the number of people ('A total of
18-24 patients will be accrued'), a placebo named only in the summary, a dose in a sentence. And
patients' own words reach the right reading ('a fake air cleaner', 'whats the treatment', 'is
this done in Europe', 'how many are they enrolling', 'what are they measuring')."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from summarizer.engines.extractive import intents
from summarizer.loader import parse_document
from summarizer.models import Trial
from tests.engines.builders import assistant_over

ACCRUAL = "PROJECTED ACCRUAL: A total of 18-24 patients will be accrued for this study."
COHORTS = "Cohorts of 4 patients receive escalating doses of IL-2 until the maximum dose is found."
PLACEBO = (
    "In this double-blind trial, patients stay on oral MTX at 17.5 mg/week to which either "
    "placebo or subcutaneous fludarabine will be added for four months."
)
NO_AMOUNT = "In this open trial, patients stay on oral MTX to which fludarabine is added."


def trial_of(
    *,
    description: str,
    summary: str = "This study tests a treatment for arthritis.",
    enrollment: int | None = None,
    time_frame: str | None = None,
    nct: str = "NCT07612345",
    extra: str = "",
) -> Trial:
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?><clinical_study>",
        f"<id_info><nct_id>{nct}</nct_id></id_info>",
        "<brief_title>An Arthritis Study</brief_title>",
        "<sponsors><lead_sponsor><agency>Acme Health</agency></lead_sponsor></sponsors>",
        extra,
        f"<brief_summary><textblock>{escape(summary)}</textblock></brief_summary>",
        f"<detailed_description><textblock>{escape(description)}</textblock>"
        "</detailed_description>",
        "<overall_status>Completed</overall_status><phase>Phase 2</phase>",
        "<study_type>Interventional</study_type>",
        *(
            [
                "<primary_outcome><measure>Unscheduled asthma visits</measure>"
                f"<time_frame>{escape(time_frame)}</time_frame></primary_outcome>"
            ]
            if time_frame
            else []
        ),
        *([f"<enrollment>{enrollment}</enrollment>"] if enrollment is not None else []),
        "<condition>Arthritis</condition>",
        "<intervention><intervention_type>Drug</intervention_type>"
        "<intervention_name>Methotrexate</intervention_name></intervention>",
        "<intervention><intervention_type>Drug</intervention_type>"
        "<intervention_name>Fludarabine</intervention_name></intervention>",
        "<eligibility><criteria><textblock>Inclusion Criteria: Adults with arthritis."
        "</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>"
        "<maximum_age>N/A</maximum_age></eligibility></clinical_study>",
    ]
    outcome = parse_document(f"{nct}.xml", "".join(parts).encode("utf-8"))
    assert outcome.error is None, outcome.error
    (trial,) = outcome.trials
    return trial


def ask(trial: Trial, question: str):
    return assistant_over([trial]).ask(question, trial_ids=[trial.trial_id])


def cited_sections(ans) -> set[str]:
    return {c.section for c in ans.citations}


# ---------------------------------------------------------------- facts in prose


def test_how_many_people_without_an_enrollment_field_is_answered_by_the_accrual_sentence():
    ans = ask(trial_of(description=f"{COHORTS} {ACCRUAL}"), "how many people will be in it?")
    assert not ans.abstained
    assert "18-24 patients will be accrued" in ans.answer
    assert "description" in cited_sections(ans)
    # The earlier pattern (accrual words) wins over a cohort's size.
    assert "Cohorts of 4" not in ans.answer


def test_how_many_people_with_no_count_anywhere_says_the_record_does_not_say():
    ans = ask(trial_of(description=COHORTS), "how many people will be in it?")
    assert ans.abstained
    assert "4 patients" not in ans.answer
    # With the field, the field answers.
    with_field = ask(trial_of(description=COHORTS, enrollment=40), "how many people will be in it?")
    assert "40 people" in with_field.answer and not with_field.abstained


def test_a_placebo_named_only_in_the_summary_answers_could_i_get_a_placebo():
    ans = ask(
        trial_of(description="Patients are seen monthly.", summary=PLACEBO),
        "could I get a placebo instead of the fludarabine?",
    )
    assert any("either placebo or subcutaneous" in c.quote for c in ans.citations)
    assert "summary" in cited_sections(ans) and not ans.abstained


def test_no_placebo_anywhere_is_not_made_up():
    ans = ask(
        trial_of(description="Patients are seen monthly.", summary=NO_AMOUNT),
        "could I get a placebo instead of the fludarabine?",
    )
    assert "placebo" not in ans.answer.lower()
    assert "Fludarabine" in ans.answer  # what people do get


def test_a_dose_written_only_in_a_sentence_answers_how_much():
    ans = ask(
        trial_of(description="Patients are seen monthly.", summary=PLACEBO),
        "how much methotrexate do you take each week",
    )
    assert "17.5 mg/week" in ans.answer and not ans.abstained


def test_no_dose_anywhere_is_not_quoted_as_one():
    ans = ask(
        trial_of(description="Patients are seen monthly.", summary=NO_AMOUNT),
        "how much methotrexate do you take each week",
    )
    assert "mg" not in ans.answer
    assert ans.abstained or "do not give the doses" in ans.answer


def test_a_time_frame_that_says_measured_at_is_not_said_twice():
    ans = ask(
        trial_of(description="Patients are seen monthly.", time_frame="Measured at 12 months"),
        "when do they check if the asthma visits went down?",
    )
    assert "measured at 12 months" in ans.answer
    assert "measured at measured" not in ans.answer


def test_the_same_sentence_in_summary_and_description_is_said_once():
    same = "Changes in the joints are measured by magnetic resonance imaging (MRI)."
    ans = ask(trial_of(description=same, summary=same), "do they scan the joints?")
    assert ans.answer.count("magnetic resonance imaging") == 1
    assert not ans.abstained


# ---------------------------------------------------------------- patients' words


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("would my kid get a fake air cleaner?", "placebo"),
        ("is there a chance i get a dummy inhaler", "placebo"),
        ("whats the treatment they're testing", "interventions"),
        ("what's the device they're testing?", "interventions"),
        ("is this done in the US or in Europe", "locations"),
        ("how many patients are they enrolling", "enrollment"),
        ("are they still enrolling?", "status"),
        ("what are they measuring", "outcomes"),
        ("how long after surgery do they keep track of you", "outcomes"),
        ("when do they check if the asthma visits went down?", "outcomes"),
        ("how many times do you take the cyclophosphamide", "doses"),
    ],
)
def test_patients_words_reach_the_right_reading(question: str, intent: str):
    ranked = intents.classify(question)
    assert ranked and ranked[0].name == intent


@pytest.mark.parametrize(
    ("question", "not_intent"),
    [
        ("how many times do they draw blood", "doses"),
        ("is this trial still going on", "locations"),
        ("what are the groups", "interventions"),
    ],
)
def test_near_misses_do_not(question: str, not_intent: str):
    assert not_intent not in [i.name for i in intents.classify(question)[:1]]


def test_the_prose_source_is_data_per_intent():
    assert intents.source("enrollment") and intents.source("placebo") and intents.source("doses")
    assert intents.source("sex") == ()
    assert intents.is_closed("enrollment")
