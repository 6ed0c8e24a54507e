"""API v2 JSON: real records parse into Trials whose every value quotes the rendered source."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.models import Trial, sha256_text
from summarizer.parsers.base import ParseError
from summarizer.parsers.ctgov_json import PARSER
from summarizer.parsers.record_text import span_problems

V2_FILE = "ctgov_v2_nsclc_100.json"


@pytest.fixture(scope="module")
def v2_text(shared_data: Path) -> str:
    return (shared_data / V2_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def v2_studies(v2_text: str) -> list[dict]:
    return json.loads(v2_text)


@pytest.fixture(scope="module")
def v2_trials(v2_text: str) -> dict[str, Trial]:
    return {t.trial_id: t for t in PARSER.parse(V2_FILE, v2_text)}


def _study(studies: list[dict], nct_id: str) -> dict:
    return next(
        s for s in studies if s["protocolSection"]["identificationModule"]["nctId"] == nct_id
    )


def test_all_hundred_studies_parse_with_every_span_quoting_its_value(
    v2_trials: dict[str, Trial],
) -> None:
    assert len(v2_trials) == 100
    problems = {tid: span_problems(t) for tid, t in v2_trials.items()}
    assert {tid: p for tid, p in problems.items() if p} == {}


def test_lung05_fields_match_the_raw_record(v2_trials: dict[str, Trial]) -> None:
    trial = v2_trials["NCT06576635"]
    assert trial.acronym is not None and trial.acronym.value == "LUNG-05"
    assert trial.status is not None and trial.status.value == "RECRUITING"
    assert [p.value for p in trial.phases] == ["NA"]
    assert trial.study_type is not None and trial.study_type.value == "INTERVENTIONAL"
    assert {d.value for d in trial.design} >= {"single arm", "open label"}
    assert trial.enrollment is not None
    assert (trial.enrollment.count, trial.enrollment.kind) == (29, "estimated")
    assert trial.min_age is not None and trial.min_age.years == 18.0
    assert trial.max_age is None
    assert trial.sex is not None and trial.sex.value == "ALL"
    assert trial.healthy_volunteers is not None and trial.healthy_volunteers.value == "no"
    assert [c.value for c in trial.conditions] == ["NSCLC"]
    names = [i.name for i in trial.interventions]
    assert names == ["Docetaxel", "Paclitaxel", "Gemcitabine", "Pemetrexed", "Vinorelbine"]
    assert (
        trial.interventions[0].description == "75 mg/m2 IV over 1-hour Day 1 of each 21-day cycle"
    )
    assert trial.sponsor is not None and trial.sponsor.value == "University of Illinois at Chicago"
    assert (len(trial.inclusion_criteria), len(trial.exclusion_criteria)) == (10, 12)
    assert trial.inclusion_criteria[0].text == "Age ≥ 18 years of age at time of consent"
    # the record writes "\\>2"; the reader sees ">2"
    assert trial.exclusion_criteria[3].text == "ECOG performance status score >2"
    assert trial.contacts[0].phone == "(312) 413-7494"
    location = trial.locations[0]
    assert (location.facility, location.city, location.region, location.country) == (
        "University of Illinois Cancer Center",
        "Chicago",
        "Illinois",
        "United States",
    )
    assert location.status == "RECRUITING"
    dates = {d.kind: d for d in trial.dates}
    assert dates["start"].value == dt.date(2024, 12, 16) and dates["start"].estimated is False
    assert dates["primary_completion"].raw == "2026-09"
    assert dates["primary_completion"].estimated is True
    assert dates["verified"].value == dt.date(2025, 11, 1)
    primary = [o for o in trial.outcomes if o.kind == "primary"]
    assert (
        primary[0].time_frame == "Every 6-8 weeks through study completion, an average of 2 years"
    )


def test_intro_bullets_become_groups_of_the_numbered_criteria(
    v2_trials: dict[str, Trial],
) -> None:
    trial = v2_trials["NCT06945705"]
    second = trial.inclusion_criteria[1]
    assert second.text == "Patients must be ≥18 years old, regardless of gender."
    assert second.group == (
        "Patient must meet all of the following inclusion criteria to be enrolled in this study"
    )
    assert all(c.group and "not eligible" in c.group for c in trial.exclusion_criteria)


def test_source_keeps_the_original_and_a_readable_rendering(
    v2_trials: dict[str, Trial], v2_studies: list[dict]
) -> None:
    trial = v2_trials["NCT06576635"]
    assert trial.source.format == "ctgov_json"
    assert json.loads(trial.source.original or "") == _study(v2_studies, "NCT06576635")
    assert trial.source.sha256 == sha256_text(trial.source.original or "")
    for heading in ("\nBrief Summary\n", "\nEligibility Criteria\n", "\nLocations\n"):
        assert heading in trial.source.text


def test_single_study_and_studies_wrapper_shapes(v2_studies: list[dict]) -> None:
    study = _study(v2_studies, "NCT06576635")
    single = json.dumps(study)
    (one,) = PARSER.parse("one.json", single)
    assert one.trial_id == "NCT06576635" and one.source.original == single
    wrapped = PARSER.parse("page.json", json.dumps({"studies": v2_studies[:3]}))
    assert [t.trial_id for t in wrapped] == [
        s["protocolSection"]["identificationModule"]["nctId"] for s in v2_studies[:3]
    ]


def test_detect_claims_only_study_json(v2_text: str) -> None:
    assert PARSER.detect(V2_FILE, v2_text) >= 0.9
    assert PARSER.detect("x.json", '{"name": "not a trial"}') == 0
    assert PARSER.detect("x.xml", "<clinical_study/>") == 0
    assert PARSER.detect("x.txt", "protocolSection mentioned in prose") == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"protocolSection": {"identificationModule": ', "malformed JSON"),
        ('{"name": "x"}', "not a ClinicalTrials.gov study"),
        ("[]", "holds no studies"),
        ('{"protocolSection": {}}', "no NCT ID"),
        ('[{"protocolSection": {"identificationModule": {"nctId": "NCT1"}}}, 3]', "study 2 of 2"),
    ],
)
def test_bad_json_raises_a_one_line_parse_error(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        PARSER.parse("bad.json", text)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_real_record_is_a_parse_error(v2_text: str) -> None:
    with pytest.raises(ParseError, match="malformed JSON"):
        PARSER.parse(V2_FILE, v2_text[: len(v2_text) // 2])


def _parse_or_parse_error(text: str) -> None:
    try:
        trials = PARSER.parse("fuzz.json", text)
    except ParseError:
        return
    for trial in trials:
        assert span_problems(trial) == []


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_only_ever_raises_parse_error(text: str) -> None:
    _parse_or_parse_error(text)


@settings(max_examples=100, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_only_ever_raise_parse_error(data: bytes) -> None:
    _parse_or_parse_error(data.decode("latin-1"))


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_real_records_only_ever_raise_parse_error(
    v2_studies: list[dict], data: st.DataObject
) -> None:
    study = json.loads(json.dumps(data.draw(st.sampled_from(v2_studies[:10]))))
    for _ in range(data.draw(st.integers(1, 4))):
        node = study
        path = []
        while isinstance(node, dict | list) and node and data.draw(st.booleans()):
            key = data.draw(
                st.sampled_from(list(node) if isinstance(node, dict) else range(len(node)))
            )
            path.append((node, key))
            node = node[key]
        if path:
            parent, key = path[-1]
            parent[key] = data.draw(_JSON_VALUES)
    text = json.dumps(study)
    if data.draw(st.booleans()):
        cut = data.draw(st.integers(0, len(text)))
        text = text[:cut]
    _parse_or_parse_error(text)
