"""The wording of answers from posted results is data: every 'posted_*' sentence template in
prompts/layout.json is what the answer says, and the code only picks which template applies and
fills in the record's own lines."""

from __future__ import annotations

import pytest

from prompts.layout import Layout, layout
from summarizer.engines.extractive import across
from summarizer.engines.extractive.field_answers import posted_results
from summarizer.models import Trial
from summarizer.parsers.ctgov_xml import PARSER

ALL_PARTS = frozenset(
    {"outcomes", "events", "flow", "publications", "baseline_age", "baseline_sex", "baseline_all"}
)
_GROUPS = (
    '<group_list><group group_id="{p}1"><title>Drug X</title></group>'
    '<group group_id="{p}2"><title>Placebo</title></group></group_list>'
)


def _outcome(kind: str, title: str, categories: int = 1, time_frame: str = "") -> str:
    cats = "".join(
        f"<category><title>Visit {i}</title><measurement_list>"
        f'<measurement group_id="O1" value="{i}.5"/><measurement group_id="O2" value="{i}.1"/>'
        "</measurement_list></category>"
        for i in range(1, categories + 1)
    )
    when = f"<time_frame>{time_frame}</time_frame>" if time_frame else ""
    return (
        f"<outcome><type>{kind}</type><title>{title}</title>{when}"
        + _GROUPS.format(p="O")
        + "<measure><units>points</units><param>Mean</param><class_list><class>"
        f"<category_list>{cats}</category_list></class></class_list></measure>"
        "<analysis_list><analysis><group_id_list><group_id>O1</group_id><group_id>O2</group_id>"
        "</group_id_list><p_value>0.04</p_value><method>ANOVA</method></analysis></analysis_list>"
        "</outcome>"
    )


def _events(tag: str, name: str) -> str:
    return (
        f"<{tag}><category_list><category><title>General disorders</title><event_list>"
        f'<event><sub_title>{name}</sub_title><counts group_id="E1" subjects_affected="3" '
        'subjects_at_risk="20"/><counts group_id="E2" subjects_affected="1" subjects_at_risk="21"/>'
        f"</event></event_list></category></category_list></{tag}>"
    )


FLOW = (
    "<participant_flow>"
    + _GROUPS.format(p="P")
    + "<period_list><period><title>Overall Study</title><milestone_list>"
    '<milestone><title>STARTED</title><participants_list><participants group_id="P1" count="20"/>'
    '<participants group_id="P2" count="21"/></participants_list></milestone>'
    '<milestone><title>COMPLETED</title><participants_list><participants group_id="P1" count="18"/>'
    '<participants group_id="P2" count="20"/></participants_list></milestone>'
    "</milestone_list></period></period_list></participant_flow>"
)


def _baseline(races: int = 1) -> str:
    """Age (mean, with its spread, no category) and one race measure with ``races`` categories
    over two groups and their total: more than 12 values once ``races`` is 5."""
    groups = (
        '<group_list><group group_id="B1"><title>Drug X</title></group>'
        '<group group_id="B2"><title>Placebo</title></group>'
        '<group group_id="B3"><title>Total</title></group></group_list>'
    )
    race = "".join(
        f"<category><title>Race {i}</title><measurement_list>"
        + "".join(f'<measurement group_id="B{g}" value="{i}{g}"/>' for g in (1, 2, 3))
        + "</measurement_list></category>"
        for i in range(1, races + 1)
    )
    return (
        f"<baseline>{groups}<analyzed_list><analyzed><units>Participants</units><count_list>"
        '<count group_id="B1" value="20"/><count group_id="B2" value="21"/>'
        '<count group_id="B3" value="41"/></count_list></analyzed></analyzed_list><measure_list>'
        "<measure><title>Age</title><units>years</units><param>Mean</param>"
        "<dispersion>Standard Deviation</dispersion><class_list><class><category_list><category>"
        '<measurement_list><measurement group_id="B1" value="51.2" spread="8.1"/>'
        '<measurement group_id="B2" value="49.9" spread="7.7"/>'
        '<measurement group_id="B3" value="50.5" spread="7.9"/></measurement_list>'
        "</category></category_list></class></class_list></measure>"
        "<measure><title>Race</title><units>Participants</units><class_list><class>"
        f"<category_list>{race}</category_list></class></class_list></measure>"
        "</measure_list></baseline>"
    )


def _reference(n: int) -> str:
    return (
        f"<results_reference><citation>Doe J. Drug X paper {n}. J Test. 2004;{n}:1-9.</citation>"
        "</results_reference>"
    )


def _trial(outcomes: list[str], references: int = 1, races: int = 1) -> Trial:
    results = (
        "<clinical_results>"
        + FLOW
        + _baseline(races)
        + f"<outcome_list>{''.join(outcomes)}</outcome_list>"
        + "<reported_events>"
        + _GROUPS.format(p="E")
        + _events("serious_events", "Fainting")
        + _events("other_events", "Tiredness")
        + "</reported_events></clinical_results>"
    )
    text = (
        "<clinical_study><id_info><nct_id>NCT09999997</nct_id></id_info>"
        "<brief_title>Drug X for tiredness</brief_title><overall_status>Completed</overall_status>"
        "<brief_summary><textblock>This study tests Drug X.</textblock></brief_summary>"
        f"{results}{''.join(_reference(i) for i in range(1, references + 1))}</clinical_study>"
    )
    return PARSER.parse("t.xml", text)[0]


def _trials() -> list[Trial]:
    """Records that between them take every path of the answer: every outcome kind, more
    outcomes and more values than are said, one publication and several."""
    every_kind = [
        _outcome("Primary", "Tiredness score", time_frame="8 weeks"),
        _outcome("Secondary", "Sleep hours"),
        _outcome("Other Pre-specified", "Mood score"),
        _outcome("Post-Hoc", "Step count"),
    ]
    many_values = [_outcome("Post-Hoc", "Step count", categories=5)]
    # An outcome posted with no value, only its population note (a trial stopped early).
    no_values = [
        "<outcome><type>Primary</type><title>Response rate</title><population>Stopped early: "
        "no analyses were conducted.</population></outcome>"
    ]
    return [
        _trial(every_kind, references=1),
        _trial(many_values, references=2, races=5),
        _trial(no_values, references=0),
    ]


def test_every_posted_results_wording_in_the_data_file_is_what_the_answers_say(monkeypatch):
    used: list[str] = []
    say = Layout.say

    def recording(self: Layout, name: str, **values: object) -> str:
        used.append(name)
        return say(self, name, **values)

    monkeypatch.setattr(Layout, "say", recording)
    said = [s.text for t in _trials() for s in posted_results(t, ALL_PARTS)]
    picked = across.Selection(results=True)
    said += [s.text for t in _trials() for s in across.evidence(t, picked) or []]
    templates = {k for k in layout().wording if k.startswith("posted_")}
    assert templates, "the posted-results wording is in prompts/layout.json"
    assert set(used) == templates  # each template is used, and no wording comes from elsewhere
    assert said[0] == layout().wording["posted_lead"]
    assert "Posted result for the post-hoc outcome" in " ".join(said)
    joined = " ".join(said)
    assert 'Baseline "Age" as posted (Mean): Drug X: 51.2 years (Standard Deviation 8.1)' in joined


def test_a_changed_template_changes_the_answer_and_keeps_the_records_lines(monkeypatch):
    trial = _trial([_outcome("Primary", "Tiredness score", time_frame="8 weeks")])
    before_statements = posted_results(trial, ALL_PARTS)
    before = [s.text for s in before_statements]
    assert "Participant flow as posted: Drug X: 20 started, 18 completed" in " ".join(before)
    assert 'Posted result for the primary outcome "Tiredness score" (8 weeks): ' in before[1]

    words = layout().wording
    monkeypatch.setitem(words, "posted_flow", "How many stayed in, per group: {flow}")
    monkeypatch.setitem(words, "posted_kind_primary", "main measure")
    monkeypatch.setitem(words, "posted_lead", "As the registry posts them:")
    after_statements = posted_results(trial, ALL_PARTS)
    after = [s.text for s in after_statements]

    joined = " ".join(after)
    assert after[0] == "As the registry posts them:"
    assert "How many stayed in, per group: Drug X: 20 started, 18 completed" in joined
    assert "Participant flow as posted" not in joined
    assert 'Posted result for the main measure "Tiredness score" (8 weeks): ' in after[1]
    # Only the wording changed: the same statements cite the same record lines.
    for was, now in zip(before_statements, after_statements, strict=True):
        assert [(c.start, c.end) for c in was.citations] == [
            (c.start, c.end) for c in now.citations
        ]


@pytest.mark.parametrize("quote_end", [".", ""])
def test_a_sentence_ending_in_a_quoted_line_gets_one_full_stop(quote_end):
    # A publication citation that ends in its own full stop, and one that does not.
    text = (
        "<clinical_study><id_info><nct_id>NCT09999996</nct_id></id_info>"
        "<brief_title>Drug X</brief_title><overall_status>Completed</overall_status>"
        f"<results_reference><citation>Doe J. Drug X{quote_end}</citation></results_reference>"
        "</clinical_study>"
    )
    trial = PARSER.parse("t.xml", text)[0]
    [said] = posted_results(trial, {"publications"})
    assert said.text == "The record lists a publication of the results: Doe J. Drug X."
    # No results are posted, so there is no lead and no results sentence besides it.
    assert trial.results is None or trial.results.empty
