"""Posted results (XML ``clinical_results``, v2 ``resultsSection``): read into the Trial with the
numbers as posted, every value quoting its line of the record text; bounded; never fatal."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

import summarizer.parsers.ctgov_results as ctgov_results
import summarizer.parsers.ctgov_xml as ctgov_xml
from summarizer.models import Trial
from summarizer.parsers.ctgov_json import PARSER as JSON_PARSER
from summarizer.parsers.ctgov_xml import PARSER
from summarizer.parsers.limits import MAX_EVENTS
from summarizer.parsers.record_text import span_problems

ARCHIVE = "ctgov_xml_6786.tar.gz"
# With results (two arms, p-value); a large one (caps); results references but no results; none.
WANTED = ("NCT00000378", "NCT00460603", "NCT00000113", "NCT00000102")


@pytest.fixture(scope="module")
def xml_texts(shared_data: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with tarfile.open(shared_data / ARCHIVE, mode="r|gz") as archive:
        for member in archive:
            nct = Path(member.name).stem
            if member.isfile() and nct in WANTED:
                stream = archive.extractfile(member)
                assert stream is not None
                found[nct] = stream.read().decode("utf-8")
            if len(found) == len(WANTED):
                break
    return found


def _xml(texts: dict[str, str], nct: str) -> Trial:
    return PARSER.parse(f"{nct}.xml", texts[nct])[0]


def test_outcome_results_keep_the_numbers_as_posted_per_group(xml_texts):
    trial = _xml(xml_texts, "NCT00000378")
    assert trial.results is not None
    primary = trial.results.outcomes[0]
    assert primary.kind == "primary"
    assert primary.title == "HAMILTON Rating Scale for DEPRESSION Range"
    assert primary.param == "Mean" and primary.dispersion == "Standard Deviation"
    week12 = [v for v in primary.values if v.category == "12 WEEK DATA"]
    assert [(v.group, v.value, v.spread, v.analysed) for v in week12] == [
        ("Sertaline", "10.7", "8.3", "58"),
        ("Nortriptyline", "8.4", "7.7", "52"),
    ]
    assert trial.quote(week12[0].spans[0]) == (
        "Sertaline, 12 WEEK DATA: 10.7 units on a scale (Standard Deviation 8.3); "
        "58 participants analysed"
    )
    assert [a.p_value for a in primary.analyses] == ["<0.05"]
    assert primary.analyses[0].groups == ["Sertaline", "Nortriptyline"]
    assert span_problems(trial) == []


def test_adverse_events_and_flow_carry_per_group_counts(xml_texts):
    trial = _xml(xml_texts, "NCT00000378")
    assert trial.results is not None
    event = next(e for e in trial.results.adverse_events if e.term == "orthostatic hypotension")
    assert not event.serious and event.organ_system == "Cardiac disorders"
    assert [(c.group, c.affected, c.at_risk) for c in event.counts] == [
        ("Sertaline", 2, 58),
        ("Nortriptyline", 4, 52),
    ]
    totals = [e for e in trial.results.adverse_events if e.total]
    assert {e.term for e in totals} == {
        "Total, serious adverse events",
        "Total, other adverse events",
    }
    assert [(f.group, f.started, f.completed) for f in trial.results.flow] == [
        ("Sertaline", 58, 42),
        ("Nortriptyline", 52, 38),
    ]
    assert trial.quote(trial.results.flow[0].spans[0]) == "Sertaline: 58 started, 42 completed"


def test_a_record_without_posted_results_has_none_but_keeps_its_results_references(xml_texts):
    trial = _xml(xml_texts, "NCT00000113")
    assert trial.results is None
    assert [p.pmid for p in trial.publications][:2] == ["12657584", "15223788"]
    assert trial.quote(trial.publications[0].spans[0]).startswith("Gwiazda J, Hyman L")
    plain = _xml(xml_texts, "NCT00000102")
    assert plain.results is None and plain.publications == []
    assert "Posted Results" not in plain.source.text


def test_a_large_results_section_is_bounded_and_says_what_it_cut(xml_texts):
    trial = _xml(xml_texts, "NCT00460603")
    assert trial.results is not None
    for serious in (True, False):
        named = [e for e in trial.results.adverse_events if e.serious is serious and not e.total]
        assert 0 < len(named) <= MAX_EVENTS
    assert trial.results.events_posted > len(trial.results.adverse_events)
    assert any(w.startswith("posted results:") for w in trial.warnings)
    # Events that affected nobody are not side effects anyone had: none kept.
    assert all(e.affected > 0 for e in trial.results.adverse_events if not e.total)
    assert span_problems(trial) == []


def _record(results: str) -> str:
    return (
        "<clinical_study><id_info><nct_id>NCT09999999</nct_id></id_info>"
        "<brief_title>A test</brief_title>"
        f"<clinical_results>{results}</clinical_results></clinical_study>"
    )


def test_thousands_of_events_parse_within_the_caps():
    events = "".join(
        f"<event><sub_title>Event {i}</sub_title>"
        f'<counts group_id="E1" subjects_affected="{i % 7}" subjects_at_risk="90"/></event>'
        for i in range(5000)
    )
    text = _record(
        '<reported_events><group_list><group group_id="E1"><title>Drug</title></group>'
        "</group_list><other_events><category_list><category><title>General</title>"
        f"<event_list>{events}</event_list></category></category_list></other_events>"
        "</reported_events>"
    )
    trial = PARSER.parse("big.xml", text)[0]
    assert trial.results is not None
    kept = trial.results.adverse_events
    assert len(kept) == MAX_EVENTS
    assert {c.affected for e in kept for c in e.counts} == {6}  # the most frequent first
    assert trial.results.events_posted == 5000
    assert len(trial.source.text) < 20_000


def test_partial_or_odd_results_never_fail_the_record():
    text = _record(
        "<outcome_list><outcome><type>Primary</type><title>Pain</title>"
        "<measure><class_list><class><category_list><category><measurement_list>"
        '<measurement group_id="O9" value="NA"/><measurement value="3"/>'
        "</measurement_list></category></category_list></class></class_list></measure>"
        "</outcome><outcome><title/></outcome></outcome_list>"
        "<reported_events><serious_events><category_list><category><event_list><event>"
        '<sub_title>Rash</sub_title><counts group_id="E1" subjects_affected="x"/>'
        "</event></event_list></category></category_list></serious_events></reported_events>"
    )
    trial = PARSER.parse("odd.xml", text)[0]
    assert trial.results is not None
    [outcome] = trial.results.outcomes
    assert [(v.group, v.value) for v in outcome.values] == [("O9", "NA")]  # untitled: its id
    assert trial.results.adverse_events == []  # a count that is not a number is not read
    assert span_problems(trial) == []


def test_a_results_section_that_cannot_be_read_is_left_out_with_a_warning(monkeypatch):
    def broken(root):
        raise ValueError("bad results")

    monkeypatch.setattr(ctgov_xml, "results_from_xml", broken)
    trial = PARSER.parse("x.xml", _record("<outcome_list/>"))[0]
    assert trial.results is None and trial.brief_title is not None
    assert "posted results could not be read (ValueError)" in trial.warnings


def test_a_trial_stored_before_results_were_read_still_loads():
    trial = PARSER.parse("x.xml", _record(""))[0]
    old = json.loads(trial.model_dump_json())
    old.pop("results"), old.pop("publications")
    loaded = Trial.model_validate(old)
    assert loaded.results is None and loaded.publications == []


@pytest.fixture(scope="module")
def v2_studies(shared_data: Path) -> dict[str, dict]:
    data = json.loads((shared_data / "ctgov_v2_nsclc_100.json").read_text(encoding="utf-8"))
    studies = data if isinstance(data, list) else data.get("studies", data)
    return {s["protocolSection"]["identificationModule"]["nctId"]: s for s in studies}


def test_v2_results_section_reads_the_same_facts(v2_studies):
    trial = JSON_PARSER.parse("s.json", json.dumps(v2_studies["NCT02369484"]))[0]
    assert trial.results is not None
    primary = trial.results.outcomes[0]
    assert primary.kind == "primary" and primary.title.startswith("Disease Control")
    assert [(v.group, v.category, v.value) for v in primary.values][:1] == [
        ("Afatinib", 'Analysis of all enrolled patients (N=13), DC at 12 weeks- "Yes"', "7")
    ]
    diarrhea = next(e for e in trial.results.adverse_events if e.term == "Diarrhea" and e.serious)
    assert [(c.group, c.affected, c.at_risk) for c in diarrhea.counts] == [("Afatinib", 1, 13)]
    assert trial.results.flow[0].group == "Afatinib" and trial.results.flow[0].started == 13
    assert span_problems(trial) == []


def test_v2_study_without_results_section_has_none(v2_studies):
    with_results = {n for n, s in v2_studies.items() if "resultsSection" in s}
    assert len(with_results) == 5
    plain = next(n for n in v2_studies if n not in with_results)
    trial = JSON_PARSER.parse("s.json", json.dumps(v2_studies[plain]))[0]
    assert trial.results is None
    assert all(
        JSON_PARSER.parse("s.json", json.dumps(v2_studies[n]))[0].results is not None
        for n in with_results
    )


# ---------------------------------------------------------------- baseline characteristics

_BASELINE = (
    "<baseline><group_list>"
    '<group group_id="B1"><title>Drug</title></group>'
    '<group group_id="B2"><title>Total</title></group></group_list>'
    "<analyzed_list><analyzed><units>Participants</units><count_list>"
    '<count group_id="B1" value="12"/><count group_id="B2" value="12"/></count_list>'
    "</analyzed></analyzed_list><measure_list>"
    "<measure><title>Age</title><units>years</units><param>Mean</param>"
    "<dispersion>Standard Deviation</dispersion><class_list><class><category_list><category>"
    '<measurement_list><measurement group_id="B1" value="61.5" spread="9.2"/>'
    '<measurement group_id="B2" value="61.5" spread="9.2"/></measurement_list>'
    "</category></category_list></class></class_list></measure>"
    "<measure><title>Region of Enrollment</title><units>participants</units><param>Number</param>"
    "<class_list><class><title>Canada</title><category_list><category><measurement_list>"
    '<measurement group_id="B1" value="12"/><measurement group_id="B2" value="12"/>'
    "</measurement_list></category></category_list></class></class_list></measure>"
    "<measure><title>Nothing posted</title><class_list/></measure>"
    "</measure_list></baseline>"
)


def test_baseline_characteristics_keep_each_groups_values_as_posted_with_their_lines():
    trial = PARSER.parse("b.xml", _record(_BASELINE))[0]
    assert trial.results is not None and trial.results.baseline is not None
    baseline = trial.results.baseline
    assert [(g.group, g.analysed, g.total) for g in baseline.groups] == [
        ("Drug", "12", False),
        ("Total", "12", True),
    ]
    age, region = baseline.measures  # a characteristic with no value posted is left out
    assert (age.title, age.param, age.dispersion, age.units) == (
        "Age",
        "Mean",
        "Standard Deviation",
        "years",
    )
    assert [(v.group, v.value, v.spread) for v in age.values] == [
        ("Drug", "61.5", "9.2"),
        ("Total", "61.5", "9.2"),
    ]
    assert trial.quote(age.values[0].spans[0]) == "Drug: 61.5 years (Standard Deviation 9.2)"
    assert trial.quote(age.spans[0]).startswith("Age\n  Measure: Mean, Standard Deviation")
    assert trial.quote(region.values[0].spans[0]) == "Drug, Canada: 12 participants"
    assert trial.quote(baseline.groups[0].spans[0]) == "Drug: 12 participants analysed"
    assert baseline.measures_posted == 2
    assert span_problems(trial) == []


def test_a_record_that_posts_only_a_baseline_has_results_and_one_without_has_none():
    only = PARSER.parse("b.xml", _record(_BASELINE))[0]
    assert only.results is not None and not only.results.empty
    assert only.results.outcomes == [] and only.results.baseline is not None
    bare = PARSER.parse("b.xml", _record("<baseline><measure_list/></baseline>"))[0]
    assert bare.results is None  # a baseline with no posted value is nothing posted


def test_a_baseline_that_cannot_be_read_is_left_out_and_the_other_results_stay(monkeypatch):
    def broken(el):
        raise ValueError("bad baseline")

    flow = (
        '<participant_flow><group_list><group group_id="P1"><title>Drug</title></group>'
        "</group_list><period_list><period><milestone_list><milestone><title>STARTED</title>"
        '<participants_list><participants group_id="P1" count="12"/></participants_list>'
        "</milestone></milestone_list></period></period_list></participant_flow>"
    )
    monkeypatch.setattr(ctgov_xml, "_baseline", broken)
    trial = PARSER.parse("b.xml", _record(flow + _BASELINE))[0]
    assert trial.results is not None and trial.results.baseline is None
    assert [f.started for f in trial.results.flow] == [12]
    assert "posted baseline characteristics could not be read (ValueError)" in trial.warnings
    monkeypatch.undo()
    assert PARSER.parse("b.xml", _record(flow + _BASELINE))[0].results.baseline is not None


def test_a_large_baseline_is_bounded_and_says_what_it_cut(xml_texts):
    trial = _xml(xml_texts, "NCT00460603")  # 12 cohorts and a total
    baseline = trial.results.baseline if trial.results else None
    assert baseline is not None
    assert all(len(m.values) <= ctgov_results.MAX_BASELINE_VALUES for m in baseline.measures)
    assert any(w.startswith("posted baseline:") for w in trial.warnings)
    sex = next(m for m in baseline.measures if m.title.startswith("Sex"))
    total = [v for v in sex.values if v.group == "Total"]
    assert [(v.category, v.value) for v in total] == [("Female", "67"), ("Male", "120")]
    assert span_problems(trial) == []


def test_v2_baseline_reads_the_same_facts(v2_studies):
    trial = JSON_PARSER.parse("s.json", json.dumps(v2_studies["NCT02369484"]))[0]
    baseline = trial.results.baseline if trial.results else None
    assert baseline is not None
    assert [(g.group, g.analysed) for g in baseline.groups] == [("Afatinib", "13")]
    age = baseline.measures[0]
    assert (age.title, age.param, age.dispersion, age.units) == (
        "Age, Continuous",
        "Median",
        "Full range",
        "years",
    )
    assert [(v.value, v.lower, v.upper) for v in age.values] == [("59", "39", "82")]
    assert trial.quote(age.values[0].spans[0]) == "Afatinib: 59 years (Full range 39 to 82)"
    sex = baseline.measures[1]
    assert [(v.category, v.value) for v in sex.values] == [("Female", "9"), ("Male", "4")]
    assert span_problems(trial) == []
