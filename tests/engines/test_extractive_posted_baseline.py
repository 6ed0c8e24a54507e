"""Who took part, from the baseline characteristics a record posts ('How old were the people in
the study?', 'How many women took part?', 'Who took part?'): each group's value as posted, units
and spread kept, cited, with no verdict; the eligibility and enrollment questions that share
their words keep their own answers; a record without a posted baseline falls back to what it
says. Also: past-tense results questions the file's patterns miss, 'complete response' as an
outcome, and an outcome posted with only its population note. Then cross-trial: 'Which of these
trials have posted results?' keeps the trials whose record posts results and says so, citing a
posted line; the finder filters the same way."""

from __future__ import annotations

import re

import pytest

from summarizer import finder
from summarizer.engines.extractive import across, intents
from summarizer.engines.extractive.engine import ExtractiveEngine
from summarizer.engines.extractive.field_answers import BASELINE_VALUES, posted_baseline
from summarizer.models import Trial
from summarizer.parsers.ctgov_xml import PARSER

_BGROUPS = (
    '<group_list><group group_id="B1"><title>Drug X</title></group>'
    '<group group_id="B2"><title>Placebo</title></group>'
    '<group group_id="B3"><title>Total</title></group></group_list>'
)


def _measure(title: str, rows: list[tuple[str | None, tuple[str, str, str]]], extra: str) -> str:
    cats = "".join(
        "<category>"
        + (f"<title>{name}</title>" if name else "")
        + "<measurement_list>"
        + "".join(
            f'<measurement group_id="B{g}" value="{v}"{extra if name is None else ""}/>'
            for g, v in zip((1, 2, 3), values, strict=True)
        )
        + "</measurement_list></category>"
        for name, values in rows
    )
    return f"<measure><title>{title}</title>{cats}</measure>"


BASELINE = (
    "<baseline>" + _BGROUPS + "<analyzed_list><analyzed><units>Participants</units><count_list>"
    '<count group_id="B1" value="40"/><count group_id="B2" value="41"/>'
    '<count group_id="B3" value="81"/></count_list></analyzed></analyzed_list><measure_list>'
    "<measure><title>Age, Continuous</title><units>years</units><param>Median</param>"
    "<dispersion>Full Range</dispersion><class_list><class><category_list><category>"
    '<measurement_list><measurement group_id="B1" value="54" lower_limit="22" upper_limit="79"/>'
    '<measurement group_id="B2" value="57" lower_limit="19" upper_limit="80"/>'
    '<measurement group_id="B3" value="55" lower_limit="19" upper_limit="80"/>'
    "</measurement_list></category></category_list></class></class_list></measure>"
    "<measure><title>Sex: Female, Male</title><units>Participants</units>"
    "<param>Count of Participants</param><class_list><class><category_list>"
    '<category><title>Female</title><measurement_list><measurement group_id="B1" value="23"/>'
    '<measurement group_id="B2" value="19"/><measurement group_id="B3" value="42"/>'
    "</measurement_list></category>"
    '<category><title>Male</title><measurement_list><measurement group_id="B1" value="17"/>'
    '<measurement group_id="B2" value="22"/><measurement group_id="B3" value="39"/>'
    "</measurement_list></category></category_list></class></class_list></measure>"
    "</measure_list></baseline>"
)
OUTCOME = (
    "<outcome_list><outcome><type>Primary</type><title>Complete Response</title>"
    "<time_frame>12 weeks</time_frame>"
    '<group_list><group group_id="O1"><title>Drug X</title></group>'
    '<group group_id="O2"><title>Placebo</title></group></group_list>'
    "<measure><units>participants</units><param>Number</param><class_list><class>"
    '<category_list><category><measurement_list><measurement group_id="O1" value="12"/>'
    '<measurement group_id="O2" value="5"/></measurement_list></category></category_list>'
    "</class></class_list></measure></outcome></outcome_list>"
)
FLOW = (
    "<participant_flow>"
    '<group_list><group group_id="P1"><title>Drug X</title></group>'
    '<group group_id="P2"><title>Placebo</title></group></group_list>'
    "<period_list><period><title>Overall Study</title><milestone_list>"
    '<milestone><title>STARTED</title><participants_list><participants group_id="P1" count="40"/>'
    '<participants group_id="P2" count="41"/></participants_list></milestone>'
    '<milestone><title>COMPLETED</title><participants_list><participants group_id="P1" count="36"/>'
    '<participants group_id="P2" count="39"/></participants_list></milestone>'
    "</milestone_list></period></period_list></participant_flow>"
)
BENEFIT = re.compile(r"\b(worked|works|effective|improv\w*|better|helped|benefit\w*|succe\w*)\b")


def _trial(results: str, nct: str = "NCT09999990", status: str = "Completed") -> Trial:
    text = (
        f"<clinical_study><id_info><nct_id>{nct}</nct_id></id_info>"
        f"<brief_title>Drug X for gout ({nct})</brief_title>"
        f"<overall_status>{status}</overall_status>"
        "<brief_summary><textblock>This study tests Drug X in adults with gout."
        "</textblock></brief_summary>"
        "<eligibility><criteria><textblock>Inclusion Criteria: gout</textblock></criteria>"
        "<gender>All</gender><minimum_age>18 Years</minimum_age>"
        "<maximum_age>80 Years</maximum_age></eligibility>"
        "<enrollment type='Actual'>81</enrollment>"
        f"{results}</clinical_study>"
    )
    return PARSER.parse("t.xml", text)[0]


WITH_BASELINE = f"<clinical_results>{FLOW}{BASELINE}{OUTCOME}</clinical_results>"


@pytest.fixture(scope="module")
def engine() -> ExtractiveEngine:
    return ExtractiveEngine(None)  # type: ignore[arg-type]


def _said(engine: ExtractiveEngine, question: str, trial: Trial) -> str:
    return " ".join(s.text for s in engine.draft_answer(question, [trial]).statements)


def _cited(engine: ExtractiveEngine, question: str, trial: Trial) -> list[str]:
    draft = engine.draft_answer(question, [trial])
    return [trial.source.text[c.start : c.end] for s in draft.statements for c in s.citations]


# ---------------------------------------------------------------- who took part


def test_how_old_were_the_people_gets_each_groups_posted_age_with_units_and_spread(engine):
    trial = _trial(WITH_BASELINE)
    text = _said(engine, "How old were the people in the study?", trial)
    assert 'Baseline "Age, Continuous" as posted (Median)' in text
    assert "Drug X: 54 years (Full Range 22 to 79)" in text
    assert "Placebo: 57 years (Full Range 19 to 80)" in text
    assert "Total: 55 years (Full Range 19 to 80)" in text
    cited = _cited(engine, "How old were the people in the study?", trial)
    assert "Drug X: 54 years (Full Range 22 to 79)" in cited  # each value cites its own line
    # The ages are not the sex counts, and never the eligibility limits.
    assert "Female" not in text and "80 Years" not in text


def test_how_many_women_took_part_gets_the_posted_sex_counts_per_group(engine):
    trial = _trial(WITH_BASELINE)
    text = _said(engine, "How many women took part?", trial)
    assert "Drug X, Female: 23 Participants" in text
    assert "Total, Female: 42 Participants" in text
    assert "years" not in text  # the ages were not asked
    assert not BENEFIT.search(text.replace("Drug X", ""))  # numbers, never a verdict


def test_who_took_part_gets_the_groups_analysed_and_the_first_characteristics(engine):
    trial = _trial(WITH_BASELINE)
    text = _said(engine, "Who took part?", trial)
    assert "Participants analysed at baseline, as posted: Drug X: 40 participants analysed" in text
    assert "Drug X: 54 years" in text and "Placebo, Male: 22 Participants" in text
    assert "36 completed" not in text  # the flow is not who took part


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("How old were the people in the study?", "age"),
        ("What was the average age?", "age"),
        ("How many women took part?", "sex"),
        ("how many of the patients were women?", "sex"),
        ("Who took part?", "all"),
        ("What were the participants like?", "all"),
    ],
)
def test_questions_about_the_people_who_took_part_are_read_as_such(question, part):
    assert intents.baseline_part(question) == part
    assert intents.classify(question)[0].name == f"baseline_{part}"


@pytest.mark.parametrize(
    "question",
    ["How old do I have to be?", "Who can take part?", "How many people will take part?",
     "What is the age limit?", "Can women join?"],
)  # fmt: skip
def test_eligibility_and_enrollment_questions_keep_their_own_reading(question):
    assert intents.baseline_part(question) is None
    assert not any(i.name.startswith("baseline_") for i in intents.classify(question))


def test_the_eligibility_question_is_answered_from_the_criteria_not_the_baseline(engine):
    trial = _trial(WITH_BASELINE)
    text = _said(engine, "How old do I have to be?", trial)
    assert "18" in text and "80" in text
    assert "as posted" not in text
    # The same record answers the past-tense question from its posted baseline.
    assert "as posted" in _said(engine, "How old were the people in the study?", trial)


def test_without_a_posted_baseline_the_age_question_falls_back_to_the_age_limits(engine):
    trial = _trial("")
    assert posted_baseline(trial, "age") == []
    text = _said(engine, "How old were the people in the study?", trial)
    assert "18" in text and "as posted" not in text
    assert posted_baseline(_trial(WITH_BASELINE), "age")  # posted: the baseline answers


def test_a_long_characteristic_keeps_the_total_groups_values_when_cut():
    rows = "".join(
        f"<category><title>Region {i}</title><measurement_list>"
        f'<measurement group_id="B1" value="{i}"/><measurement group_id="B2" value="{i + 1}"/>'
        f'<measurement group_id="B3" value="{2 * i + 1}"/></measurement_list></category>'
        for i in range(1, 9)
    )
    baseline = BASELINE.replace(
        "</measure_list>",
        "<measure><title>Sex/Gender, Customized</title><units>Participants</units>"
        f"<class_list><class><category_list>{rows}</category_list></class></class_list>"
        "</measure></measure_list>",
    )
    trial = _trial(f"<clinical_results>{baseline}</clinical_results>")
    said = posted_baseline(trial, "sex")
    text = " ".join(s.text for s in said)
    long = next(s for s in said if "Customized" in s.text)
    assert long.text.count("; ") + 1 == BASELINE_VALUES
    assert "Total, Region 8: 17 Participants" in text  # the last total, kept over group rows
    assert "Drug X, Region 1: 1 Participants" in text  # posted order otherwise
    assert "Drug X, Region 8" not in text
    assert "The record posts more values for this characteristic." in text


# ---------------------------------------------------------------- results routing


@pytest.mark.parametrize(
    "question",
    ["Did MSL-109 help?", "Did the care program lower blood pressure?",
     "Were any side effects reported?"],
)  # fmt: skip
def test_past_tense_results_questions_the_file_misses_are_results_questions(question):
    found = intents.topic(question)
    assert found is not None and found.name == "results"


def test_present_tense_side_effect_questions_stay_the_risks_question():
    found = intents.topic("What are the side effects?")
    assert found is None or found.name != "results"
    assert intents.topic("Were any side effects reported?") is not None


def test_a_complete_response_is_an_outcome_not_finishing_the_study(engine):
    assert intents.results_parts("How many patients had a complete response?") == {"outcomes"}
    assert intents.results_parts("How many completed the study?") == {"flow"}
    trial = _trial(WITH_BASELINE)
    text = _said(engine, "How many patients had a complete response?", trial)
    assert "Drug X: 12 participants" in text
    assert "36 completed" not in text


def test_an_outcome_posted_with_only_its_population_note_is_said_with_that_note(engine):
    note = "Stopped early due to slow accrual, so no analyses were conducted."
    trial = _trial(
        "<clinical_results><outcome_list><outcome><type>Primary</type>"
        f"<title>Response Rate</title><population>{note}</population></outcome></outcome_list>"
        f"{FLOW}</clinical_results>"
    )
    text = _said(engine, "Did it work?", trial)
    assert '"Response Rate" the record posts only this note on the people analysed' in text
    assert note in text
    # An outcome with values gets its values, not the note.
    assert "Drug X: 12 participants" in _said(engine, "Did it work?", _trial(WITH_BASELINE))
    # A note of several sentences is quoted whole, as one quote.
    longer = _trial(
        "<clinical_results><outcome_list><outcome><type>Primary</type><title>Response Rate"
        "</title><population>There is no data for this outcome. The PI left the institution."
        "</population></outcome></outcome_list></clinical_results>"
    )
    text = _said(engine, "Did it work?", longer)
    assert '"There is no data for this outcome. The PI left the institution."' in text


# ---------------------------------------------------------------- across trials


def test_which_trials_have_posted_results_keeps_those_and_says_so_citing_a_line(engine):
    posted = _trial(WITH_BASELINE, nct="NCT09999991")
    bare = _trial("", nct="NCT09999992", status="Recruiting")
    draft = engine.draft_answer("Which of these trials have posted results?", [posted, bare])
    assert draft.trials == ["NCT09999991"]
    said = [s for s in draft.statements if "posts results" in s.text]
    assert len(said) == 1
    assert said[0].text.startswith(
        "The record posts results (outcome results, participant flow and baseline "
        'characteristics), among them: "Drug X: 40 started, 36 completed"'
    )
    assert [posted.source.text[c.start : c.end] for c in said[0].citations] == [
        "Drug X: 40 started, 36 completed"
    ]
    text = " ".join(s.text for s in draft.statements)
    assert "completed" in text.lower()  # each trial's status is said
    assert "NCT09999992" not in text


def test_studies_with_results_is_a_results_filter_and_others_are_not():
    assert across.parse("studies with results", []).results
    assert across.parse("Which of these have posted results?", []).results
    assert not across.parse("Which of these are recruiting?", []).results
    assert not across.parse("trials for gout", []).results


def test_the_finder_filters_by_posted_results():
    posted = _trial(WITH_BASELINE, nct="NCT09999993")
    bare = _trial("", nct="NCT09999994")
    cards = finder.find([posted, bare], finder.TrialFilters(results=True))
    assert [c.trial_id for c in cards] == ["NCT09999993"]
    assert cards[0].has_results
    every = finder.find([posted, bare], finder.TrialFilters())
    assert {c.trial_id: c.has_results for c in every} == {
        "NCT09999993": True,
        "NCT09999994": False,
    }
