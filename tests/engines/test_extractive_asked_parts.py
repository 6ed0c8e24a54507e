"""Every part a question asks for is answered or said to be missing: a drug asked of a trial
that lists only a procedure, doses the record does not give, a time point at the end of a long
sentence, another person's age ('how old my donor was')."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from summarizer.engines.extractive import intents
from summarizer.engines.extractive.plain_words import sentence_spans
from summarizer.loader import parse_document
from summarizer.models import Trial
from tests.engines.builders import assistant_over

DRUG_SENTENCE = "Dobutamine is a drug that makes the heart beat faster, as exercise does."
STRESS_SUMMARY = (
    "In this study patients will undergo a stress echocardiogram. "
    f"{DRUG_SENTENCE} "
    "Images of the heart are compared with standard two-dimensional images."
)
SAMPLES = (
    "Clinical data are collected and samples are obtained for immune assays (general and "
    "specific) in all groups at entry (time of presentation for the first group of patients) "
    "and again at 12 weeks for each of the patients who remain in the study (except Group 3b)."
)
DRAWS = (
    "Patients will be admitted to the hospital the first night, and a small port will be put in "
    "the arm of the patient the first morning to allow for many blood draws during the two days "
    "without additional needle sticks."
)
WORDY = (
    "The study team will also record the blood pressure of every patient on each of the visits "
    "to the clinic during the first year of the study and then on every visit after that year "
    "up to the end of the whole study period."
)


def xml_trial(
    *,
    summary: str,
    interventions: list[tuple[str, str, str]],
    criteria: str = "Inclusion Criteria: Adults with heart disease.",
    nct: str = "NCT07654321",
) -> Trial:
    """``interventions``: (type, name, description)."""
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?><clinical_study>",
        f"<id_info><nct_id>{nct}</nct_id></id_info>",
        "<brief_title>A Heart Imaging Study</brief_title>",
        "<sponsors><lead_sponsor><agency>Acme Health</agency></lead_sponsor></sponsors>",
        f"<brief_summary><textblock>{escape(summary)}</textblock></brief_summary>",
        "<overall_status>Completed</overall_status><phase>Phase 2</phase>",
        "<study_type>Interventional</study_type><condition>Coronary Disease</condition>",
        *(
            f"<intervention><intervention_type>{t}</intervention_type><intervention_name>"
            f"{escape(n)}</intervention_name><description>{escape(d)}</description></intervention>"
            for t, n, d in interventions
        ),
        f"<eligibility><criteria><textblock>{escape(criteria)}</textblock></criteria>"
        "<gender>All</gender><minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age>"
        "</eligibility></clinical_study>",
    ]
    outcome = parse_document(f"{nct}.xml", "".join(parts).encode("utf-8"))
    assert outcome.error is None, outcome.error
    (trial,) = outcome.trials
    return trial


def ask(trial: Trial, question: str):
    return assistant_over([trial]).ask(question, trial_ids=[trial.trial_id])


PROCEDURE = ("Procedure", "Stress echocardiography", "Ultrasound of the heart under stress.")
EXCLUDING_DRUGS = "Exclusion Criteria: No investigational drugs within 30 days."


def test_a_drug_asked_of_a_procedure_trial_is_answered_from_its_description():
    trial = xml_trial(summary=STRESS_SUMMARY, interventions=[PROCEDURE], criteria=EXCLUDING_DRUGS)
    answer = ask(trial, "what drug do they use for the stress test")
    assert "procedure: Stress echocardiography" in answer.answer  # the field still answers
    assert "Dobutamine" in answer.answer
    assert any(DRUG_SENTENCE[:40] in c.quote for c in answer.citations)
    assert "investigational drugs" not in answer.answer  # criteria name drugs to exclude
    assert not answer.abstained


def test_a_drug_asked_of_a_drug_trial_is_answered_by_its_treatments_alone():
    drug = ("Drug", "Dobutamine", "Given by vein during the test.")
    trial = xml_trial(summary=STRESS_SUMMARY, interventions=[drug])
    answer = ask(trial, "what drug do they use for the stress test")
    assert "drug: Dobutamine" in answer.answer
    assert DRUG_SENTENCE[:40] not in answer.answer


def test_doses_the_record_does_not_give_are_said_to_be_missing():
    therapy = ("Procedure", "Intensive medical therapy", "Best medical care for the heart.")
    trial = xml_trial(summary=STRESS_SUMMARY, interventions=[therapy])
    answer = ask(trial, "which drugs and doses are in the intensive medical therapy?")
    assert "Intensive medical therapy" in answer.answer
    assert "do not give the doses" in answer.answer


def test_doses_the_record_gives_are_added_to_the_drugs():
    drug = ("Drug", "Dobutamine", "Dobutamine 10 mcg/kg per minute by vein during the test.")
    trial = xml_trial(summary=STRESS_SUMMARY, interventions=[drug])
    answer = ask(trial, "which drugs and doses are in the therapy?")  # read as treatments first
    assert "drug: Dobutamine" in answer.answer
    assert "10 mcg/kg" in answer.answer
    assert "do not give the doses" not in answer.answer


def test_a_time_point_past_the_cut_keeps_the_sentence_whole():
    trial = xml_trial(summary=f"This study looks at immune recovery. {SAMPLES}", interventions=[])
    answer = ask(trial, "when do they take the samples?")
    assert "at entry" in answer.answer and "at 12 weeks" in answer.answer


def test_a_negation_past_the_cut_keeps_the_sentence_whole():
    trial = xml_trial(summary=f"This study measures drug levels. {DRAWS}", interventions=[])
    answer = ask(trial, "will there be many needle sticks for the blood draws?")
    assert "without additional needle sticks" in answer.answer
    assert not answer.flagged


def test_a_long_sentence_without_either_is_still_shortened():
    trial = xml_trial(summary=f"This study follows blood pressure. {WORDY}", interventions=[])
    answer = ask(trial, "do they record the blood pressure at the clinic visits?")
    assert "blood pressure of every patient" in answer.answer
    assert "whole study period" not in answer.answer and "..." in answer.answer


@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("will I be told how old my cornea donor was?", False),
        ("how old were the donors?", False),
        ("how old do I have to be?", True),
        ("how old is too old for this trial?", True),
    ],
)
def test_how_old_asks_the_age_limits_only_of_the_people_joining(question, age):
    names = [i.name for i in intents.classify(question)]
    assert (names[:1] == ["age"]) is age


def test_bracketed_amendment_notes_are_sentences_of_their_own():
    text = (
        "Samples are taken at entry. [AS PER AMENDMENT 4/17/01: Once patients have completed "
        "the Week 12 visit, they will be off-study.] Blood samples are obtained."
    )
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == [
        "Samples are taken at entry.",
        "[AS PER AMENDMENT 4/17/01: Once patients have completed the Week 12 visit, they will "
        "be off-study.]",
        "Blood samples are obtained.",
    ]
