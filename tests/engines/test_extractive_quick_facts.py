"""Quick facts: one fact a line, each a short whole sentence in plain words that the reading grade
counts as a sentence; registry codes written out; no fact the record has left out."""

from __future__ import annotations

import re

import pytest
import textstat

from summarizer.checker import check_statement
from summarizer.engines.extractive.quick_facts import places_words, quick_facts
from summarizer.normalize import phase_words
from summarizer.readability import grade
from tests.engines.xml_record import xml_trial


def _facts(trial) -> dict[str, str]:
    return {st.text.split(":", 1)[0]: st.text for st in quick_facts(trial)}


@pytest.mark.parametrize(
    ("codes", "words"),
    [
        (["PHASE1", "PHASE2"], "Phase 1 and Phase 2"),
        (["PHASE2", "PHASE3"], "Phase 2 and Phase 3"),
        (["PHASE3"], "Phase 3"),
        (["EARLY_PHASE1"], "Early phase 1"),
        (["NA"], "Not applicable"),
    ],
)
def test_phases_are_written_out_whole(codes, words):
    assert phase_words(codes) == words
    assert "/" not in words and "PHASE" not in words


def test_no_phase_gives_no_phase_words():
    assert phase_words([]) is None


def test_a_two_phase_trial_reads_phase_1_and_phase_2_with_its_plain_meaning():
    phase = _facts(xml_trial(phase="Phase 1/Phase 2"))["Phase"]
    assert phase == "Phase: Phase 1 and Phase 2 (an early test of safety and whether it works)."
    assert "1/2" not in phase and "PHASE1" not in phase


def test_every_fact_is_a_sentence_the_grader_counts():
    # textstat does not count a 'sentence' of two words or fewer, but counts its words:
    # 'Sex: All.' would make every other line look longer than it is.
    assert textstat.sentence_count("Status: Terminated. Sex: All. It is a study.") == 1
    for text in _facts(xml_trial()).values():
        assert textstat.lexicon_count(text) >= 3, text
        assert textstat.sentence_count(text) >= 1, text


def test_codes_become_plain_words_and_the_checker_backs_them():
    trial = xml_trial(status="Terminated", study_type="Observational", intervention=None)
    facts = _facts(trial)
    assert facts["Status"] == "Status: stopped early, not taking new people."
    assert "observational (the study watches people" in facts["Study type"]
    assert facts["Sex"] == "Sex: people of any sex."
    assert facts["Size"] == "Size: 112 people took part."
    for st in quick_facts(trial):
        assert check_statement(st, trial).verdict == "supported", st.text


def test_the_sponsor_label_is_explained_but_a_sponsor_name_never_is():
    trial = xml_trial(sponsor="Eastern Cooperative Oncology Group")
    (text,) = [st.text for st in quick_facts(trial) if st.fields == ["sponsor"]]
    assert text.startswith("Sponsor (the group that runs or pays for the study): Eastern")
    assert "daily tasks" not in text  # the ECOG score's explanation is not about a sponsor


def test_places_are_one_short_sentence_each_and_all_are_named():
    sites = [
        (f"Hospital {c}", c, s, "United States")
        for c, s in [
            ("Denver", "Colorado"),
            ("Wilmington", "Delaware"),
            ("Washington", "District of Columbia"),
            ("Atlanta", "Georgia"),
            ("Boise", "Idaho"),
        ]
    ]
    words = places_words(xml_trial(sites=sites))
    assert words.startswith("5 sites. ")
    for city, state in [("Denver", "Colorado"), ("Washington", "District of Columbia")]:
        assert f"There is a site in {city}, {state}." in words
    assert ";" not in words and "Boise" not in words  # the first four, as before
    assert places_words(xml_trial(sites=sites[:1])) == "1 site. It is in Denver, Colorado."


def test_quick_facts_of_long_names_read_at_grade_eight_or_below():
    trial = xml_trial(
        sponsor="National Institute of Allergy and Infectious Diseases (NIAID)",
        status="Completed",
        sites=[
            ("Clinic", "Washington", "District of Columbia", "United States"),
            ("Clinic", "Minneapolis", "Minnesota", "United States"),
            ("Clinic", "Chapel Hill", "North Carolina", "United States"),
            ("Clinic", "San Francisco", "California", "United States"),
        ],
    )
    text = " ".join(st.text for st in quick_facts(trial))
    assert grade(text) <= 8.0, text
    assert re.search(r"National Institute of Allergy and Infectious Diseases", text)
