"""Named things are normalized before they are compared."""

from __future__ import annotations

from summarizer.checker import entities


def test_trial_ids() -> None:
    assert entities.nct_ids("see NCT06503094 and nct 04430530") == ["NCT04430530", "NCT06503094"]


def test_targets_ignore_spacing_and_english_words() -> None:
    assert entities.targets("CD 19 + / CD 20 + tumors") == ["CD19", "CD20"]
    assert "MET" not in entities.targets("the patient met the following criteria")


def test_drugs_by_name_and_by_ending() -> None:
    found = entities.drugs("rituximab, then tisagenlecleucel and a new drug zolbetuximab")
    assert found == ["rituximab", "tisagenlecleucel", "zolbetuximab"]
    assert entities.drugs("the disease is in the phase of release") == []


def test_phases_and_statuses() -> None:
    assert entities.phases("a phase I/II study") == ["PHASE1", "PHASE2"]
    assert entities.statuses("The trial is not yet recruiting.") == ["NOT_YET_RECRUITING"]
    assert entities.statuses("It was withdrawn.") == ["WITHDRAWN"]
    assert entities.statuses("It is recruiting now.") == ["RECRUITING"]
