"""The shared vocabulary: what every parser turns source wording into."""

import datetime as dt

import pytest

from summarizer import normalize


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("14 Years", 14.0),
        ("6 Months", 0.5),
        ("18 years old", 18.0),
        ("2 Weeks", 0.0383),
        ("N/A", None),
        ("", None),
        ("75", None),
    ],
)
def test_age_is_normalized_to_years(text, years):
    assert normalize.age_years(text) == years


@pytest.mark.parametrize(
    ("text", "phases"),
    [
        ("PHASE1; PHASE2", ["PHASE1", "PHASE2"]),
        ("Phase 1 Phase 2", ["PHASE1", "PHASE2"]),
        ("Phase 1/Phase 2", ["PHASE1", "PHASE2"]),
        ("Phase II", ["PHASE2"]),
        ("Early Phase 1", ["EARLY_PHASE1"]),
        ("N/A", ["NA"]),
        ("Withdrawn", []),
    ],
)
def test_phases(text, phases):
    assert normalize.phases(text) == phases


def test_phase_words_are_plain():
    assert normalize.phase_words(["PHASE1", "PHASE2"]) == "Phase 1 and Phase 2"
    assert normalize.phase_words([]) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Recruiting", "RECRUITING"),
        ("WITHDRAWN", "WITHDRAWN"),
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("NOT_YET_RECRUITING", "NOT_YET_RECRUITING"),
        ("maybe", None),
    ],
)
def test_status(text, value):
    assert normalize.status(text) == value


def test_dates_as_sources_write_them():
    assert normalize.date("June 12, 2020") == dt.date(2020, 6, 12)
    assert normalize.date("2020-06") == dt.date(2020, 6, 1)
    assert normalize.date("Not reported") is None


def test_targets_are_normalized_and_unique():
    assert normalize.targets("CD 19 + / CD 20 + ... CD19, BCMA") == ["CD19", "CD20", "BCMA"]


def test_gene_symbols_need_capitals_so_common_words_are_not_targets():
    assert normalize.targets("Patients who met the criteria; ret. ALK-positive") == ["ALK"]
    assert normalize.targets("KRAS G12C and MET amplification") == ["KRAS", "MET"]
