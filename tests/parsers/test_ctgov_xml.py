"""Legacy ClinicalTrials.gov XML: real records parse into Trials that quote their source."""

from __future__ import annotations

import datetime as dt
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.models import Trial, sha256_text
from summarizer.parsers.base import ParseError
from summarizer.parsers.ctgov_xml import PARSER
from summarizer.parsers.record_text import span_problems

ARCHIVE = "ctgov_xml_6786.tar.gz"
WANTED = ("NCT00492895", "NCT00000112", "NCT00001177", "NCT00000381", "NCT00001189")


@pytest.fixture(scope="module")
def xml_texts(shared_data: Path) -> dict[str, str]:
    """A few real records, read from the archive in one streaming pass."""
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


@pytest.fixture(scope="module")
def xml_trials(xml_texts: dict[str, str]) -> dict[str, Trial]:
    return {nct: PARSER.parse(f"{nct}.xml", text)[0] for nct, text in xml_texts.items()}


def test_every_span_quotes_its_value(xml_trials: dict[str, Trial]) -> None:
    assert {nct: span_problems(t) for nct, t in xml_trials.items() if span_problems(t)} == {}


def test_azathioprin_study_matches_the_raw_record(xml_trials: dict[str, Trial]) -> None:
    trial = xml_trials["NCT00492895"]
    assert trial.trial_id == "NCT00492895"
    assert (
        trial.title
        == "Photosensitivity of the Skin Under Azathioprin in Renal Transplant Recipients"
    )
    assert trial.status is not None and trial.status.value == "COMPLETED"
    assert [p.value for p in trial.phases] == ["PHASE4"]
    assert {d.value for d in trial.design} == {
        "randomized",
        "crossover",
        "open label",
        "purpose: diagnostic",
    }
    assert trial.enrollment is not None
    assert (trial.enrollment.count, trial.enrollment.kind) == (25, "actual")
    assert trial.min_age is not None and trial.min_age.years == 18.0
    assert trial.max_age is None  # "N/A"
    assert trial.healthy_volunteers is not None and trial.healthy_volunteers.value == "yes"
    assert [c.text for c in trial.inclusion_criteria] == [
        "Renal transplant recipients under azathioprin"
    ]
    assert [c.text for c in trial.exclusion_criteria] == ["Treatment with Prograf (Tacrolimus)"]
    assert [(i.type, i.name) for i in trial.interventions] == [
        ("Drug", "Discontinuation of Azathioprin")
    ]
    assert trial.sponsor is not None and trial.sponsor.value == "University of Zurich"
    (location,) = trial.locations
    assert (location.facility, location.city, location.country) == (
        "Clinic for Dermatology, University Hospital of Zurich",
        "Zurich",
        "Switzerland",
    )
    dates = {d.kind: d for d in trial.dates}
    assert dates["start"].value == dt.date(2007, 6, 1) and dates["start"].estimated is None
    assert dates["completion"].raw == "March 2011" and dates["completion"].estimated is False
    assert dates["first_posted"].value == dt.date(2007, 6, 27)
    assert dates["verified"].raw == "January 2013"
    (outcome,) = trial.outcomes
    assert (outcome.kind, outcome.measure, outcome.time_frame) == (
        "primary",
        "Photosensitivity of the skin to UVA and UVB",
        "2 years",
    )


def test_contacts_and_recruiting_site(xml_trials: dict[str, Trial]) -> None:
    trial = xml_trials["NCT00000112"]
    assert trial.status is not None and trial.status.raw == "Unknown status"
    assert trial.status.value == "UNKNOWN"
    (contact,) = trial.contacts
    assert (contact.name, contact.phone, contact.email) == (
        "Sonia Caprio, M.D.",
        "1-203-764-5692",
        "sonia.caprio@yale.edu",
    )
    (location,) = trial.locations
    assert (location.city, location.region, location.status) == (
        "New Haven",
        "Connecticut",
        "RECRUITING",
    )
    assert trial.max_age is not None and trial.max_age.years == 18.0


def test_sub_headings_group_criteria_and_the_exclusion_heading_switches_kind(
    xml_trials: dict[str, Trial],
) -> None:
    trial = xml_trials["NCT00001177"]
    third = trial.inclusion_criteria[2]
    assert third.text == "age 18 to 50;"
    assert third.group == "The subjects of this study will be women who meet the following criteria"
    depression = [c for c in trial.inclusion_criteria if c.text == "duration less than two weeks;"]
    assert depression and depression[0].group == "For subjects with recurrent brief depression"
    assert "Pregnant or lactating women" in [c.text for c in trial.exclusion_criteria]
    # a wrapped criterion keeps its continuation lines
    assert trial.exclusion_criteria[0].text.startswith("Subjects should have no general medical")
    assert trial.exclusion_criteria[0].text.endswith("causing the mood disorder);")
    assert trial.enrollment is not None and trial.enrollment.kind == "estimated"
    assert trial.enrollment.count == 1600


def test_aids_style_excluded_groups_are_exclusions(xml_trials: dict[str, Trial]) -> None:
    trial = xml_trials["NCT00000381"]
    assert [c.text for c in trial.inclusion_criteria] == ["Generalized anxiety disorder."]
    assert [c.text for c in trial.exclusion_criteria][-1] == "Current substance abuse."


def test_unheaded_criteria_are_read_as_inclusion_with_a_warning(
    xml_trials: dict[str, Trial],
) -> None:
    trial = xml_trials["NCT00001189"]
    assert trial.exclusion_criteria == []
    groups = {c.group for c in trial.inclusion_criteria}
    assert {"DISEASE CHARACTERISTICS", "PATIENT CHARACTERISTICS", "OTHER"} <= groups
    assert any("no Inclusion/Exclusion headings" in w for w in trial.warnings)


def test_source_is_readable_and_keeps_the_original(
    xml_trials: dict[str, Trial], xml_texts: dict[str, str]
) -> None:
    trial = xml_trials["NCT00492895"]
    assert trial.source.format == "ctgov_xml"
    assert trial.source.original == xml_texts["NCT00492895"]
    assert trial.source.sha256 == sha256_text(xml_texts["NCT00492895"])
    assert "&#xD;" not in trial.source.text and "\r" not in trial.source.text
    assert (
        "\nEligibility Criteria\nInclusion criteria:\n\n  -  Renal transplant" in trial.source.text
    )


def test_detect_needs_a_clinical_study_root(xml_texts: dict[str, str]) -> None:
    assert PARSER.detect("a.xml", xml_texts["NCT00492895"]) >= 0.9
    declared = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<clinical_study>'
    assert PARSER.detect("a.xml", declared) >= 0.9
    assert PARSER.detect("a.xml", "<html><body>clinical_study</body></html>") == 0
    assert PARSER.detect("a.json", '{"protocolSection": {}}') == 0


def test_declared_encoding_is_ignored_for_already_decoded_text(xml_texts: dict[str, str]) -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + xml_texts["NCT00492895"]
    (trial,) = PARSER.parse("latin.xml", text)
    assert trial.trial_id == "NCT00492895"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<clinical_study><id_info><nct_id>NCT1</nct_id>", "malformed XML"),
        ("<other/>", "not <clinical_study>"),
        ("<clinical_study><brief_title>x</brief_title></clinical_study>", "no NCT ID"),
        (
            '<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><clinical_study>&b;'
            "</clinical_study>",
            "refused for safety",
        ),
    ],
)
def test_bad_xml_raises_a_one_line_parse_error(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        PARSER.parse("bad.xml", text)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def _parse_or_parse_error(text: str) -> None:
    try:
        trials = PARSER.parse("fuzz.xml", text)
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


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_real_records_only_ever_raise_parse_error(
    xml_texts: dict[str, str], data: st.DataObject
) -> None:
    text = data.draw(st.sampled_from(sorted(xml_texts.values())))
    for _ in range(data.draw(st.integers(1, 5))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 200)))
        insert = data.draw(st.sampled_from(["", "<", ">", "&", "</x>", "<p>", "&#0;", "\x00"]))
        insert += data.draw(st.text(max_size=20))
        text = text[:start] + insert + text[end:]
    _parse_or_parse_error(text)
