"""The one-line lede: the plainest frame that says every fact the record gives; a long illness
name gets its own short sentence, and neither the illness nor the treatment is ever left out."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.engines.extractive.lead import LEDE_GRADE, lede
from summarizer.readability import grade
from tests.engines.xml_record import xml_trial

LONG = "Amyotrophic Lateral Sclerosis"


def test_a_short_illness_name_keeps_the_one_line_frame():
    st = lede(xml_trial(condition="Asthma", intervention="Drug X"))
    assert st is not None and st.text == "This trial tests Drug X in people with Asthma."


def test_a_long_illness_name_gets_its_own_short_sentence_and_both_facts_stay():
    trial = xml_trial(condition=LONG, intervention="Riluzole")
    st = lede(trial)
    assert st is not None
    assert grade(f"This trial tests Riluzole in people with {LONG}.") > LEDE_GRADE
    assert grade(st.text) <= LEDE_GRADE, st.text
    assert LONG in st.text and "Riluzole" in st.text  # nothing dropped to lower the grade
    assert st.fields == ["interventions", "conditions"]
    assert check_statement(st, trial).verdict == "supported", st.text


def test_an_observational_study_with_a_long_illness_name_reads_plainly():
    trial = xml_trial(condition=LONG, study_type="Observational", intervention=None)
    st = lede(trial)
    assert st is not None and LONG in st.text and "tests" not in st.text
    assert grade(st.text) <= LEDE_GRADE, st.text
    assert check_statement(st, trial).verdict == "supported", st.text


def test_the_plainest_frame_is_taken_when_none_reaches_the_target():
    name = "Ornithine Transcarbamylase Deficiency Disease"
    trial = xml_trial(condition=name, intervention="Adenoviral Vector-Mediated Gene Transfer")
    st = lede(trial)
    assert st is not None and name in st.text and "Gene Transfer" in st.text
    assert grade(st.text) < grade(f"This trial tests X in people with {name}.")
