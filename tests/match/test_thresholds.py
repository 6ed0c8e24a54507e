"""Numbers the person gave, set against a criterion's limit only in the unit the criterion uses."""

from __future__ import annotations

from summarizer.criteria.model import Quantity
from summarizer.match.thresholds import readings
from summarizer.match.verdicts import criterion_verdicts
from tests.criteria.build import trial_with

from .conftest import profile


def _only(trial_inclusion: list[str], exclusion: list[str], text: str) -> list[str]:
    trial = trial_with(trial_inclusion, exclusion)
    return [v.verdict for v in criterion_verdicts(trial, profile(text))]


def test_a_value_said_right_after_its_measure_is_read_with_its_unit() -> None:
    found = readings("Labs today: Creatinine: 3.1 mg/dL, Hgb 9.5 g/dL, ECOG 2.")

    assert found["creatinine"].value == 3.1 and found["creatinine"].unit == "mg/dl"
    assert found["creatinine"].words == "Creatinine: 3.1 mg/dL"
    assert found["hemoglobin"].value == 9.5
    assert found["ECOG"].value == 2 and found["ECOG"].unit is None


def test_a_limit_or_a_measure_said_two_ways_is_no_reading() -> None:
    assert "creatinine" not in readings("creatinine > 2 mg/dL was the worry")
    assert "creatinine" not in readings("creatinine 3.1 mg/dL, later creatinine 1.0 mg/dL")
    assert "creatinine" in readings("creatinine 3.1 mg/dL, and again creatinine 3.1 mg/dL")
    assert "prothrombin time" not in readings("pt 65 years old")  # 'pt' is the patient


def test_each_comparator_reads_as_written() -> None:
    assert Quantity(comparator="gt", value=2).holds(3.1) is True
    assert Quantity(comparator="gt", value=2).holds(2) is False
    assert Quantity(comparator="ge", value=2).holds(2) is True
    assert Quantity(comparator="range", value=0, upper=1).holds(1) is True
    assert Quantity(comparator="range", value=0, upper=1).holds(2) is False
    assert Quantity(value=2).holds(3) is None


def test_a_lab_value_in_the_criterion_unit_decides_the_criterion() -> None:
    high = "My creatinine 3.1 mg/dL last week."
    low = "My creatinine 1.1 mg/dL last week."

    assert _only([], ["Creatinine > 2 mg/dL"], high) == ["met"]
    assert _only([], ["Creatinine > 2 mg/dL"], low) == ["not_met"]
    assert _only(["Creatinine <= 1.5 mg/dL"], [], high) == ["not_met"]
    assert _only(["Creatinine <= 1.5 mg/dL"], [], low) == ["met"]


def test_a_value_without_the_criterion_unit_leaves_it_open() -> None:
    assert _only(["Creatinine <= 1.5 mg/dL"], [], "My creatinine was 3.1.") == ["unknown"]
    assert _only(["Creatinine <= 1.5 mg/dL"], [], "Creatinine 270 umol/L.") == ["unknown"]
    assert _only(["Creatinine <= 1.5 mg/dL"], [], "Creatinine 3.1 mg/dL.") == ["not_met"]


def test_a_limit_relative_to_the_normal_range_is_never_decided() -> None:
    assert _only(["AST <= 2.5 x ULN"], [], "AST 300 U/L, AST 2.0 x ULN") == ["unknown"]


def test_scores_without_units_compare_as_said() -> None:
    assert _only(["ECOG 0-1"], [], "ECOG 2, otherwise well.") == ["not_met"]
    assert _only(["ECOG 0-1"], [], "ECOG 1, otherwise well.") == ["met"]
    assert _only([], ["BMI > 40 kg/m2"], "BMI: 41.5") == ["met"]
    assert _only([], ["BMI > 40 kg/m2"], "BMI is 23") == ["not_met"]
