"""The criteria parser on real criteria (the seeds, a legacy XML record, API v2 records) and on
bad input: what a reader of each criterion would say it asks for."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from summarizer.criteria import parse_trial
from summarizer.criteria.model import Constraint, CriteriaSet, ParsedCriterion
from summarizer.criteria.parse import MAX_CRITERIA
from summarizer.loader import parse_paths
from summarizer.models import Criterion, Span, Trial
from summarizer.parsers import parse_text

from .build import trial_with


def _seed(samples_dir: Path, prefix: str) -> Trial:
    path = next(samples_dir.glob(f"{prefix}_*.txt"))
    return next(iter(parse_paths([path]))).trials[0]


def _node(parsed: CriteriaSet, kind: str, number: int, *path: int) -> ParsedCriterion:
    node = next(c for c in parsed.criteria if c.kind == kind and c.number == number)
    for p in path:
        node = node.children[p - 1]
    return node


def _kinds(node: ParsedCriterion) -> dict[str, list[Constraint]]:
    out: dict[str, list[Constraint]] = {}
    for c in node.constraints:
        out.setdefault(c.kind, []).append(c)
    return out


# --- seeds ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed000(samples_dir: Path) -> tuple[Trial, CriteriaSet]:
    trial = _seed(samples_dir, "000")
    return trial, parse_trial(trial)


def test_one_of_the_following_is_any_of_with_its_count(seed000):
    _, parsed = seed000
    leukemia = _node(parsed, "inclusion", 2, 1)
    assert leukemia.logic == "any_of" and leukemia.required == 1
    assert len(leukemia.children) == 4
    assert _node(parsed, "inclusion", 3).logic == "all_of"


def test_inline_list_after_one_of_the_following_becomes_children(seed000):
    _, parsed = seed000
    cardiac = _node(parsed, "exclusion", 1)
    assert cardiac.logic == "any_of" and len(cardiac.children) >= 5
    mi = cardiac.children[1]
    kinds = _kinds(mi)
    assert kinds["condition"][0].label == "Myocardial Infarction"
    window = kinds["time_window"][0].window
    assert window is not None and (window.relation, window.amount, window.unit) == (
        "within",
        12,
        "month",
    )
    assert "atrial fibrillation" not in mi.constraints[0].text.lower()


def test_lab_thresholds_keep_comparator_and_unit(seed000):
    trial, parsed = seed000
    markers = {c.concept: c for c in parsed.constraints("marker")}
    lvef = markers["LVEF"].quantity
    assert lvef is not None and (lvef.comparator, lvef.value, lvef.unit) == ("lt", 50, "%")
    assert trial.quote(markers["LVEF"].span).startswith("LVEF")


def test_performance_scale_range(seed000):
    _, parsed = seed000
    ecog = next(c for c in parsed.constraints("performance") if c.concept == "ECOG")
    assert ecog.quantity is not None
    assert (ecog.quantity.comparator, ecog.quantity.value, ecog.quantity.upper) == ("range", 0, 2)


def test_pregnancy_and_consent_are_typed(seed000):
    _, parsed = seed000
    assert parsed.constraints("pregnancy") and parsed.constraints("breastfeeding")
    assert parsed.constraints("consent")
    assert not parsed.constraints("contraception")  # seed 000 states no contraception rule


def test_lay_summary_seed_age_and_comparator_before_the_name(samples_dir: Path):
    parsed = parse_trial(_seed(samples_dir, "003"))
    age = parsed.constraints("age")[0].quantity
    assert age is not None and (age.comparator, age.value, age.unit) == ("gt", 6, "months")
    hgb = next(c for c in parsed.constraints("marker") if c.concept == "hemoglobin")
    assert hgb.quantity is not None and (hgb.quantity.comparator, hgb.quantity.value) == ("gt", 80)
    assert hgb.text.startswith("Greater than")


def test_every_seed_parses_with_most_criteria_typed(samples_dir: Path):
    for path in sorted(samples_dir.glob("0*.txt")):
        for trial in next(iter(parse_paths([path]))).trials:
            parsed = parse_trial(trial)
            assert parsed.warnings == []
            assert len(parsed.criteria) == len(trial.criteria)
            if trial.criteria:
                assert parsed.coverage >= 0.6, (path.name, parsed.coverage)


# --- constructed criteria: exceptions, negation, time windows --------------------------------


def test_exception_is_kept_apart_from_what_it_excepts():
    trial = trial_with(
        [],
        [
            "Prior malignancy within 5 years, "
            "except adequately treated basal cell carcinoma of the skin"
        ],
    )
    node = parse_trial(trial).criteria[0]
    assert any(c.kind == "time_window" for c in node.constraints)
    assert any(c.kind == "condition" and "malignan" in c.text.lower() for c in node.constraints)
    assert [c.label for c in node.exceptions if c.kind == "condition"] == ["Carcinoma, Basal Cell"]
    assert trial.quote(node.exception_spans[0]).startswith("except adequately treated")


def test_more_than_years_ago_and_at_least_weeks_since():
    trial = trial_with(
        ["Cancer diagnosed more than 5 years ago", "At least 4 weeks since prior chemotherapy"]
    )
    parsed = parse_trial(trial)
    ago = parsed.criteria[0].constraints
    window = next(c.window for c in ago if c.window)
    assert (window.relation, window.amount, window.unit) == ("more_than_ago", 5, "year")
    since = parsed.criteria[1].constraints
    window = next(c.window for c in since if c.window)
    assert (window.relation, window.amount, window.unit) == ("since_at_least", 4, "week")
    chemo = next(c for c in since if c.kind == "treatment")
    assert chemo.timing == "prior" and not chemo.negated


def test_negation_is_read_and_a_comparator_is_not_a_negation():
    trial = trial_with(["Not pregnant or nursing", "Bilirubin no greater than 2.5 mg/dL"])
    parsed = parse_trial(trial)
    pregnancy = parsed.criteria[0].constraints[0]
    assert pregnancy.kind == "pregnancy" and pregnancy.negated
    bili = parsed.criteria[1].constraints[0]
    assert bili.concept == "bilirubin" and not bili.negated
    assert bili.quantity is not None and bili.quantity.comparator == "le"


def test_lay_and_record_words_reach_one_concept():
    trial = trial_with(
        [], ["History of myocardial infarction (MI)", "Heart attack in the past year"]
    )
    parsed = parse_trial(trial)
    ids = [
        {c.concept for c in node.constraints if c.kind == "condition"} for node in parsed.criteria
    ]
    assert ids[0] == ids[1] == {"mesh:Myocardial Infarction"}


def test_an_untyped_criterion_stays_as_text_and_is_quotable():
    trial = trial_with(["Judged difficult to cooperate for continued evaluation"])
    node = parse_trial(trial).criteria[0]
    assert not node.typed
    assert [trial.quote(r) for r in node.remainder] == [
        "Judged difficult to cooperate for continued evaluation"
    ]


# --- other source formats ------------------------------------------------------------------


def test_api_v2_record_age_and_negated_consent(shared_data: Path):
    records = json.loads((shared_data / "ctgov_v2_nsclc_100.json").read_text(encoding="utf-8"))
    record = next(
        r for r in records if r["protocolSection"]["identificationModule"]["nctId"] == "NCT06050278"
    )
    trial = parse_text("NCT06050278.json", json.dumps(record))[0]
    parsed = parse_trial(trial)
    age = _node(parsed, "inclusion", 1).constraints[0]
    assert age.kind == "age" and age.quantity is not None
    assert (age.quantity.comparator, age.quantity.value) == ("gt", 18)
    consent = _node(parsed, "exclusion", 4).constraints[0]
    assert consent.kind == "consent" and consent.negated
    assert _node(parsed, "inclusion", 3).constraints[0].kind == "consent"


def test_legacy_xml_record_groups_labs_and_treatments(shared_data: Path):
    with tarfile.open(shared_data / "ctgov_xml_6786.tar.gz", mode="r|gz") as tar:
        for member in tar:
            if member.name.endswith("NCT00003473.xml"):
                handle = tar.extractfile(member)
                assert handle is not None
                text = handle.read().decode("utf-8")
                break
    parsed = parse_trial(parse_text("NCT00003473.xml", text)[0])
    markers = {c.concept: c.quantity for c in parsed.constraints("marker") if c.quantity}
    wbc = markers["white blood cells"]
    assert wbc is not None and (wbc.comparator, wbc.value, wbc.unit) == ("ge", 2000, "/mm3")
    karnofsky = next(c for c in parsed.constraints("performance") if c.concept == "Karnofsky")
    assert karnofsky.quantity is not None and (
        karnofsky.quantity.value,
        karnofsky.quantity.upper,
    ) == (60, 100)
    windows = [c.window for c in parsed.constraints("time_window") if c.window]
    assert any(
        w.relation == "since_at_least" and w.amount == 4 and w.unit == "week" for w in windows
    )
    assert parsed.coverage >= 0.8


# --- bad input -----------------------------------------------------------------------------


def test_span_outside_the_source_is_a_warning_not_a_failure():
    trial = trial_with(["Age 18 or older"])
    bad = Criterion(kind="inclusion", text="x", number=2, spans=[Span(start=10_000, end=10_010)])
    trial.inclusion_criteria.append(bad)
    parsed = parse_trial(trial)
    assert len(parsed.criteria) == 1 and parsed.criteria[0].constraints[0].kind == "age"
    assert parsed.warnings == ["inclusion criterion 2: no span in the source"]


def test_enormous_criterion_is_kept_whole_as_text():
    huge = "Patients with hemoglobin >= 9 g/dL and " * 4000
    node = parse_trial(trial_with([huge])).criteria[0]
    assert not node.typed
    assert node.remainder[0].end - node.remainder[0].start == len(huge.rstrip())


def test_too_many_criteria_type_only_the_first(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("summarizer.criteria.parse.MAX_CRITERIA", 3)
    parsed = parse_trial(trial_with(["ECOG 0-1"] * 5))
    assert [c.typed for c in parsed.criteria] == [True, True, True, False, False]
    assert parsed.warnings and "kept as text" in parsed.warnings[0]
    assert MAX_CRITERIA >= 100
