"""NLM's MeSH headings (XML ``condition_browse`` / ``intervention_browse``, API v2
``derivedSection`` ``conditionBrowseModule`` / ``interventionBrowseModule``) are read into the
trial, in the registry's order, each quoting its words in the rendered source; a record without
them reads as before."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import Trial
from summarizer.parsers import ctgov_json, ctgov_xml
from summarizer.parsers.record_text import span_problems


def _xml(conditions: list[str], interventions: list[str], *, browse: bool = True) -> str:
    def terms(tag: str, values: list[str]) -> str:
        if not browse:
            return ""
        items = "".join(f"<mesh_term>{escape(v)}</mesh_term>" for v in values)
        return f"<{tag}><!-- CAUTION: imperfect algorithm -->{items}</{tag}>"

    return (
        "<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>"
        "<brief_title>Nifedipine for a heart attack</brief_title>"
        "<condition>Heart attack</condition><keyword>MI</keyword>"
        "<intervention><intervention_type>Drug</intervention_type>"
        "<intervention_name>Adalat</intervention_name></intervention>"
        f"{terms('condition_browse', conditions)}{terms('intervention_browse', interventions)}"
        "</clinical_study>"
    )


def _study(conditions: list[str], interventions: list[str], *, browse: bool = True) -> dict:
    protocol = {
        "identificationModule": {"nctId": "NCT01234567", "briefTitle": "Nifedipine"},
        "conditionsModule": {"conditions": ["Heart attack"], "keywords": ["MI"]},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Adalat"}]},
    }
    study: dict = {"protocolSection": protocol}
    if browse:
        study["derivedSection"] = {
            "conditionBrowseModule": {
                "meshes": [{"id": f"D{i:06}", "term": t} for i, t in enumerate(conditions)],
                "ancestors": [{"id": "D009369", "term": "Neoplasms"}],
            },
            "interventionBrowseModule": {
                "meshes": [{"id": f"D{i:06}", "term": t} for i, t in enumerate(interventions)]
            },
        }
    return study


def _read_xml(text: str) -> Trial:
    return ctgov_xml.PARSER.parse("t.xml", text)[0]


def _read_json(study: dict) -> Trial:
    return ctgov_json.PARSER.parse("t.json", json.dumps(study))[0]


def _values(facts: list) -> list[str]:
    return [f.value for f in facts]


@pytest.mark.parametrize("read", ["xml", "json"])
def test_both_formats_read_the_condition_and_intervention_headings_in_order(read: str) -> None:
    conditions = ["Myocardial Infarction", "Infarction", "Ischemia"]
    drugs = ["Nifedipine"]
    trial = (
        _read_xml(_xml(conditions, drugs))
        if read == "xml"
        else _read_json(_study(conditions, drugs))
    )
    assert _values(trial.condition_mesh_terms) == conditions
    assert _values(trial.intervention_mesh_terms) == drugs
    assert span_problems(trial) == []
    # the sponsor's words stay the conditions; NLM's headings are a field of their own
    assert _values(trial.conditions) == ["Heart attack"]
    assert "Condition MeSH Terms: Myocardial Infarction; Infarction; Ischemia" in trial.source.text


def test_api_v2_ancestors_are_not_read_as_headings() -> None:
    trial = _read_json(_study(["Lung Neoplasms"], []))
    assert _values(trial.condition_mesh_terms) == ["Lung Neoplasms"]  # not its 'Neoplasms'
    assert trial.intervention_mesh_terms == []


@pytest.mark.parametrize("read", ["xml", "json"])
def test_a_record_without_headings_reads_with_empty_lists(read: str) -> None:
    trial = (
        _read_xml(_xml([], [], browse=False))
        if read == "xml"
        else _read_json(_study([], [], browse=False))
    )
    assert trial.condition_mesh_terms == [] and trial.intervention_mesh_terms == []
    assert "MeSH" not in trial.source.text
    assert _values(trial.conditions) == ["Heart attack"]  # the rest is read as before


def test_a_trial_stored_before_the_headings_were_read_loads_with_empty_lists() -> None:
    trial = _read_xml(_xml(["Myocardial Infarction"], ["Nifedipine"]))
    stored = json.loads(trial.model_dump_json())
    del stored["condition_mesh_terms"], stored["intervention_mesh_terms"]
    old = Trial.model_validate(stored)
    assert old.condition_mesh_terms == [] and old.intervention_mesh_terms == []
    assert _values(old.conditions) == ["Heart attack"]


# Whatever the terms, a heading is read as the registry shows it (whitespace runs collapsed,
# blank ones dropped), its span quotes exactly it, and every other field reads the same as
# without headings.
_TERM = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\\"
    ),
    max_size=40,
)
_TERMS = st.lists(_TERM, max_size=6)
_WORDS = st.text(alphabet="Ab ,-", max_size=8)


def _shown(values: list[str]) -> list[str]:
    return [" ".join(v.split()) for v in values if v.split()]


def _same_apart_from_headings(a: Trial, b: Trial) -> bool:
    def seen(t: Trial) -> tuple:
        return (
            t.title,
            _values(t.conditions),
            _values(t.keywords),
            [i.name for i in t.interventions],
        )

    return seen(a) == seen(b)


@settings(max_examples=120, deadline=None)
@given(conditions=_TERMS, interventions=_TERMS)
def test_xml_headings_are_read_as_shown_and_quote_the_source(
    conditions: list[str], interventions: list[str]
) -> None:
    trial = _read_xml(_xml(conditions, interventions))
    assert _values(trial.condition_mesh_terms) == _shown(conditions)
    assert _values(trial.intervention_mesh_terms) == _shown(interventions)
    assert span_problems(trial) == []
    assert _same_apart_from_headings(trial, _read_xml(_xml([], [], browse=False)))


@settings(max_examples=120, deadline=None)
@given(conditions=_TERMS, interventions=_TERMS)
def test_json_headings_are_read_as_shown_and_quote_the_source(
    conditions: list[str], interventions: list[str]
) -> None:
    trial = _read_json(_study(conditions, interventions))
    assert _values(trial.condition_mesh_terms) == _shown(conditions)
    assert _values(trial.intervention_mesh_terms) == _shown(interventions)
    assert span_problems(trial) == []
    assert _same_apart_from_headings(trial, _read_json(_study([], [], browse=False)))


@settings(max_examples=60, deadline=None)
@given(
    meshes=st.lists(
        st.none()
        | st.integers()
        | _WORDS
        | st.dictionaries(
            st.sampled_from(["term", "id", "x"]),
            st.none() | st.booleans() | st.integers() | _WORDS | st.lists(_WORDS, max_size=2),
            max_size=3,
        ),
        max_size=4,
    )
)
def test_malformed_json_headings_are_skipped_never_fatal(meshes: list) -> None:
    study = _study([], [])
    study["derivedSection"]["conditionBrowseModule"]["meshes"] = meshes
    trial = _read_json(study)
    want = [
        " ".join(str(m["term"]).split())
        for m in meshes
        if isinstance(m, dict)
        and isinstance(m.get("term"), str | int)
        and not isinstance(m["term"], bool)
        and str(m["term"]).split()
    ]
    assert _values(trial.condition_mesh_terms) == want
    assert span_problems(trial) == []


# --- real records ---------------------------------------------------------------------------

WANTED = ("NCT00492895", "NCT00000112", "NCT00001177", "NCT00000381", "NCT00001189")


@pytest.fixture(scope="module")
def xml_texts(shared_data: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with tarfile.open(shared_data / "ctgov_xml_6786.tar.gz", mode="r|gz") as archive:
        for member in archive:
            nct = Path(member.name).stem
            if member.isfile() and nct in WANTED:
                stream = archive.extractfile(member)
                assert stream is not None
                found[nct] = stream.read().decode("utf-8")
                if len(found) == len(WANTED):
                    break
    return found


def test_real_xml_records_read_the_same_headings_as_the_raw_elements(
    xml_texts: dict[str, str],
) -> None:
    with_headings = 0
    for nct, text in xml_texts.items():
        root = ElementTree.fromstring(text)
        for field, path in (
            ("condition_mesh_terms", "condition_browse/mesh_term"),
            ("intervention_mesh_terms", "intervention_browse/mesh_term"),
        ):
            raw = [" ".join((el.text or "").split()) for el in root.findall(path)]
            trial = _read_xml(text)
            assert _values(getattr(trial, field)) == raw, (nct, field)
            with_headings += bool(raw)
    assert with_headings >= 3  # the sample does hold headings: the check is not vacuous


def test_real_api_v2_studies_read_their_meshes_and_not_their_ancestors(
    shared_data: Path,
) -> None:
    text = (shared_data / "ctgov_v2_nsclc_100.json").read_text(encoding="utf-8")
    studies = json.loads(text)
    trials = {t.trial_id: t for t in ctgov_json.PARSER.parse("v2.json", text)}
    checked = 0
    for study in studies:
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        module = study.get("derivedSection", {}).get("conditionBrowseModule", {})
        want = [m["term"] for m in module.get("meshes", [])]
        assert _values(trials[nct].condition_mesh_terms) == want
        checked += bool(want)
    assert checked >= 5
