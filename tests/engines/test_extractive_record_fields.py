"""Answers from every registry field: arms, placebo, why a trial stopped, and typo-tolerant
routing. Records are small CT.gov XML documents written here, parsed by the real parser."""

from __future__ import annotations

import re

import pytest

from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive import intents, record_fields
from summarizer.engines.extractive.engine import ExtractiveEngine
from summarizer.models import Trial
from summarizer.parsers import parse_text


def _xml(nct: str, *, status: str, why: str | None, arms: str, interventions: str) -> str:
    why_xml = f"<why_stopped>{why}</why_stopped>" if why else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>{nct}</nct_id></id_info>
  <brief_title>A test of Drug Q for sore knees</brief_title>
  <overall_status>{status}</overall_status>
  {why_xml}
  <phase>Phase 2</phase>
  <study_type>Interventional</study_type>
  <study_design_info>
    <allocation>Randomized</allocation>
    <masking>Double (Participant, Investigator)</masking>
  </study_design_info>
  <condition>Osteoarthritis</condition>
  {arms}
  {interventions}
  <eligibility><gender>All</gender><minimum_age>40 Years</minimum_age></eligibility>
</clinical_study>
"""


_ARMS = """
  <arm_group><arm_group_label>Drug Q</arm_group_label><arm_group_type>Experimental</arm_group_type>
    <description>Participants take Drug Q 20 mg by mouth once a day for 12 weeks.</description>
  </arm_group>
  <arm_group><arm_group_label>Sugar pill</arm_group_label>
    <arm_group_type>Placebo Comparator</arm_group_type>
    <description>Participants take a placebo tablet once a day for 12 weeks.</description>
  </arm_group>"""
_INTERVENTIONS = """
  <intervention><intervention_type>Drug</intervention_type>
    <intervention_name>Drug Q</intervention_name>
    <description>20 mg tablet</description></intervention>
  <intervention><intervention_type>Drug</intervention_type>
    <intervention_name>Placebo</intervention_name>
    <description>Matching tablet</description></intervention>"""


def _trial(*, status: str = "Terminated", why: str | None = "Sponsor decision") -> Trial:
    text = _xml("NCT09000001", status=status, why=why, arms=_ARMS, interventions=_INTERVENTIONS)
    return parse_text("NCT09000001.xml", text)[0]


def _answer(trial: Trial, question: str) -> tuple[bool, str]:
    draft = ExtractiveEngine({trial.trial_id: trial}).draft_answer(question, [trial])
    return draft.abstained, " ".join(s.text for s in draft.statements)


def test_arms_are_read_with_their_exact_spans() -> None:
    trial = _trial()
    found = record_fields.arms(trial)
    assert [a.label for a in found] == ["Drug Q", "Sugar pill"]
    assert [a.type for a in found] == ["Experimental", "Placebo Comparator"]
    for arm in found:
        assert trial.source.text[arm.label_span.start : arm.label_span.end] == arm.label
        assert arm.description and "12 weeks" in arm.description


def test_why_stopped_is_the_recorded_reason_or_nothing() -> None:
    found = record_fields.why_stopped(_trial())
    assert found is not None and found[0] == "Sponsor decision"
    assert record_fields.why_stopped(_trial(status="Completed", why=None)) is None


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What are the groups in this trial?", "arms"),
        ("Which treatment groups could I be put in?", "arms"),
        ("what are the study arms", "arms"),
        ("Is there a placebo?", "placebo"),
        ("Could I get a dummy pill?", "placebo"),
        ("Why was the study terminated?", "why_stopped"),
        ("What was the reason the trial was stopped?", "why_stopped"),
        ("What is the main thing this trial measures?", "outcomes"),
        ("is this study for males or females", "sex"),
        ("What will I be given in this study?", "interventions"),
        ("Is it randomized?", "design"),
    ],
)
def test_phrasings_outside_the_old_wording_route_to_their_field(question: str, intent: str) -> None:
    assert intents.classify(question)[0].name == intent


@pytest.mark.parametrize(
    ("typo", "fixed", "intent"),
    [
        ("What phsae is this trial?", "phase", "phase"),
        ("How many patietns are in this study?", "patients", "enrollment"),
        ("what are the locaitons of this trial", "locations", "locations"),
        ("Why was this trial sopped?", "stopped", "why_stopped"),
        ("What is the doage?", "dosage", "doses"),
    ],
)
def test_one_typo_in_an_intent_word_still_routes(typo: str, fixed: str, intent: str) -> None:
    assert fixed in re.findall(r"[a-z]+", intents.corrected(typo))
    assert intents.classify(typo)[0].name == intent


def test_real_words_and_plurals_are_not_bent_into_intent_words() -> None:
    q = "What are the groups and the sites in these trials?"
    assert intents.corrected(q) == q
    assert intents.corrected_word("knee") == "knee"  # too short to tell a typo from a word
    assert intents.corrected_word("phsae") == "phase"


def test_arms_answer_names_every_group_from_the_arm_field() -> None:
    abstained, text = _answer(_trial(), "What are the groups in this trial?")
    assert not abstained
    assert "groups (arms) are" in text and "Drug Q" in text and "Sugar pill" in text


def test_placebo_answer_says_placebo_and_which_group_and_the_masking() -> None:
    abstained, text = _answer(_trial(), "Could I get a placebo instead of the real treatment?")
    assert not abstained
    assert "placebo" in text.lower() and "Sugar pill" in text
    assert "double blind" in text


def test_why_stopped_quotes_the_recorded_reason() -> None:
    abstained, text = _answer(_trial(), "Why did the study end early?")
    assert not abstained and "Sponsor decision" in text


def test_why_stopped_without_a_reason_abstains_instead_of_giving_the_status() -> None:
    trial = _trial(why=None)
    abstained, _ = _answer(trial, "Why was this trial stopped?")
    assert abstained
    # the status is still answered when asked for
    abstained, text = _answer(trial, "Is this trial still recruiting?")
    assert not abstained and "stopped early" in text


def test_dose_answers_come_from_the_treatments_own_words() -> None:
    said = fa.doses(_trial())
    assert said and all("20 mg" in s.text for s in said)
