"""Results questions ('did it work?', 'what side effects did people have?', 'how many
finished?') are answered from the results the record posts: the numbers as posted, per group,
cited; never a claim of benefit; and the abstention stays where nothing is posted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summarizer.engines.extractive import intents
from summarizer.engines.extractive.engine import ExtractiveEngine
from summarizer.models import Trial
from summarizer.parsers.ctgov_xml import PARSER

_GROUPS = (
    '<group_list><group group_id="{p}1"><title>Drug X</title></group>'
    '<group group_id="{p}2"><title>Placebo</title></group></group_list>'
)


def _trial(results: str) -> Trial:
    text = (
        "<clinical_study><id_info><nct_id>NCT09999998</nct_id></id_info>"
        "<brief_title>Drug X for asthma</brief_title><overall_status>Completed</overall_status>"
        "<brief_summary><textblock>This study tests Drug X in adults with asthma."
        "</textblock></brief_summary>"
        f"{results}</clinical_study>"
    )
    return PARSER.parse("t.xml", text)[0]


RESULTS = (
    "<clinical_results><participant_flow>"
    + _GROUPS.format(p="P")
    + "<period_list><period><title>Overall Study</title><milestone_list>"
    '<milestone><title>STARTED</title><participants_list><participants group_id="P1" count="40"/>'
    '<participants group_id="P2" count="41"/></participants_list></milestone>'
    '<milestone><title>COMPLETED</title><participants_list><participants group_id="P1" count="35"/>'
    '<participants group_id="P2" count="39"/></participants_list></milestone>'
    "</milestone_list></period></period_list></participant_flow>"
    "<outcome_list><outcome><type>Primary</type><title>Change in FEV1</title>"
    "<time_frame>12 weeks</time_frame>"
    + _GROUPS.format(p="O")
    + "<measure><units>liters</units><param>Mean</param><dispersion>Standard Deviation"
    "</dispersion><class_list><class><category_list><category><measurement_list>"
    '<measurement group_id="O1" value="0.21" spread="0.05"/>'
    '<measurement group_id="O2" value="0.04" spread="0.06"/>'
    "</measurement_list></category></category_list></class></class_list></measure>"
    "<analysis_list><analysis><group_id_list><group_id>O1</group_id><group_id>O2</group_id>"
    "</group_id_list><p_value>0.003</p_value><method>ANCOVA</method></analysis></analysis_list>"
    "</outcome></outcome_list>"
    "<reported_events>"
    + _GROUPS.format(p="E")
    + "<serious_events><category_list><category><title>Infections</title><event_list>"
    '<event><sub_title>Pneumonia</sub_title><counts group_id="E1" subjects_affected="2" '
    'subjects_at_risk="40"/><counts group_id="E2" subjects_affected="1" subjects_at_risk="41"/>'
    "</event></event_list></category></category_list></serious_events>"
    "<other_events><category_list><category><title>Nervous system disorders</title><event_list>"
    '<event><sub_title>Headache</sub_title><counts group_id="E1" subjects_affected="9" '
    'subjects_at_risk="40"/><counts group_id="E2" subjects_affected="4" subjects_at_risk="41"/>'
    "</event></event_list></category></category_list></other_events></reported_events>"
    "</clinical_results>"
)
BENEFIT = re.compile(r"\b(worked|works|effective|improv\w*|better|helped|benefit\w*|succe\w*)\b")


@pytest.fixture(scope="module")
def engine() -> ExtractiveEngine:
    return ExtractiveEngine(None)  # type: ignore[arg-type]


def _said(engine: ExtractiveEngine, question: str, trial: Trial) -> list[str]:
    return [s.text for s in engine.draft_answer(question, [trial]).statements]


def test_did_it_work_gives_each_groups_posted_values_and_the_p_value_cited(engine):
    trial = _trial(RESULTS)
    draft = engine.draft_answer("Did it work?", [trial])
    text = " ".join(s.text for s in draft.statements)
    assert "Drug X: 0.21 liters (Standard Deviation 0.05)" in text
    assert "Placebo: 0.04 liters (Standard Deviation 0.06)" in text
    assert "p-value 0.003, ANCOVA" in text
    result = next(s for s in draft.statements if "Change in FEV1" in s.text)
    quoted = [trial.source.text[c.start : c.end] for c in result.citations]
    assert "Drug X: 0.21 liters (Standard Deviation 0.05)" in quoted
    assert not BENEFIT.search(text.replace("Drug X", ""))  # values, never a verdict
    assert "Headache" not in text  # side effects are not what was asked


def test_side_effect_questions_get_the_posted_adverse_events_per_group(engine):
    trial = _trial(RESULTS)
    text = " ".join(_said(engine, "What side effects did people have?", trial))
    assert "Pneumonia (Infections): Drug X 2 of 40; Placebo 1 of 41" in text
    assert "Headache (Nervous system disorders): Drug X 9 of 40; Placebo 4 of 41" in text
    assert "0.21" not in text  # outcome values are not side effects


def test_how_many_finished_gets_the_participant_flow(engine):
    trial = _trial(RESULTS)
    text = " ".join(_said(engine, "How many people finished the study?", trial))
    assert "Drug X: 40 started, 35 completed" in text
    assert "Placebo: 41 started, 39 completed" in text


def test_without_posted_results_the_engine_still_abstains(engine):
    trial = _trial("")
    draft = engine.draft_answer("Did it work?", [trial])
    text = " ".join(s.text for s in draft.statements)
    assert "Posted result" not in text and "as posted" not in text
    assert not any("results" in s.fields for s in draft.statements)
    # The same question on the same record with results posted is answered.
    assert any("as posted" in t for t in _said(engine, "Did it work?", _trial(RESULTS)))


def test_results_parts_pick_what_a_results_question_asks_for():
    assert intents.results_parts("What side effects did people have?") == {"events"}
    assert intents.results_parts("How many patients dropped out?") == {"flow"}
    assert intents.results_parts("What did they find?") == {"outcomes"}
    assert intents.results_parts("Did it work?") == {"outcomes"}


def test_real_record_results_are_quoted_exactly(engine, shared_data: Path):
    import tarfile

    with tarfile.open(shared_data / "ctgov_xml_6786.tar.gz", mode="r|gz") as archive:
        for member in archive:
            if member.isfile() and Path(member.name).stem == "NCT00000378":
                stream = archive.extractfile(member)
                assert stream is not None
                trial = PARSER.parse("NCT00000378.xml", stream.read().decode("utf-8"))[0]
                break
    draft = engine.draft_answer("What were the results?", [trial])
    cited = [trial.source.text[c.start : c.end] for s in draft.statements for c in s.citations]
    assert any("12 WEEK DATA: 10.7 units on a scale (Standard Deviation 8.3)" in q for q in cited)
    assert any("p-value <0.05" in s.text for s in draft.statements)


PUBLISHED = (
    "<results_reference><citation>Doe J. Drug X in asthma. J Lung. 2004;1:1-9.</citation>"
    "<PMID>12345678</PMID></results_reference>"
)


def test_has_it_been_published_names_the_records_results_publications(engine):
    trial = _trial(PUBLISHED)  # no posted results, only the publication of them
    draft = engine.draft_answer("Has this been published?", [trial])
    [said] = [s for s in draft.statements if "results" in s.fields]
    assert said.text == (
        "The record lists a publication of the results: Doe J. Drug X in asthma. J Lung. "
        "2004;1:1-9."
    )
    assert trial.source.text[said.citations[0].start : said.citations[0].end].startswith("Doe J")
    # Without a listed publication nothing is said about one.
    bare = engine.draft_answer("Has this been published?", [_trial("")])
    assert not any("publication" in s.text for s in bare.statements)
    # And 'did it work?' on a record with only a publication still abstains: no results posted.
    assert not any(
        "results" in s.fields for s in engine.draft_answer("Did it work?", [trial]).statements
    )


def test_death_questions_ask_for_the_posted_adverse_events():
    assert intents.results_parts("Did anyone die?") == {"events"}
    assert intents.results_parts("Has it been published?") == {"publications"}
    assert intents.topic("What were the side effects?") is not None
    # The present tense asks about the risks ahead, not results: no results topic.
    assert intents.topic("What are the side effects?") is None
