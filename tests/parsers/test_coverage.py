"""Every shared ClinicalTrials.gov record parses, and the share of records with each field stays
at or above the floor measured when the parsers were written (so coverage cannot silently drop).

Floors sit just under the measured shares; raise them when a parser learns more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.coverage import FIELDS, CoverageCounter, CoverageTable, format_table
from summarizer.loader import parse_paths
from summarizer.parsers.record_text import span_problems

# Measured 2025: 100 API v2 records (lung cancer).
V2_FLOORS = {
    "nct_id": 1.0, "brief_title": 1.0, "official_title": 0.96, "acronym": 0.25, "status": 1.0,
    "phases": 0.77, "study_type": 1.0, "design": 0.99, "enrollment": 0.97, "min_age": 0.97,
    "max_age": 0.38, "sex": 1.0, "healthy_volunteers": 0.94, "conditions": 1.0, "keywords": 0.59,
    "interventions": 0.86, "targets": 0.70, "sponsor": 1.0, "collaborators": 0.22,
    "locations": 0.86, "contacts": 0.50, "brief_summary": 1.0, "detailed_description": 0.61,
    "inclusion_criteria": 1.0, "exclusion_criteria": 0.98, "outcomes": 0.98, "dates": 1.0,
    "dates.start": 1.0, "dates.primary_completion": 1.0, "dates.completion": 1.0,
    "dates.first_posted": 1.0, "dates.last_update": 1.0, "dates.verified": 1.0,
    "locations.contacts": 0.44, "enrollment.kind": 0.97,
    # Measured 2026-12: derivedSection meshes (NLM's headings; most of these lack them).
    "condition_mesh_terms": 0.13, "intervention_mesh_terms": 0.68,
    # Measured 2026-12: resultsSection (5 of 100) and references of type RESULT (1 of 100).
    "results": 0.05, "publications": 0.01,
}  # fmt: skip
# Measured 2025: 6,786 legacy XML records.
XML_FLOORS = {
    "nct_id": 1.0, "brief_title": 1.0, "official_title": 0.83, "acronym": 0.04, "status": 1.0,
    "phases": 0.79, "study_type": 1.0, "design": 0.85, "enrollment": 0.72, "min_age": 0.74,
    "max_age": 0.43, "sex": 1.0, "healthy_volunteers": 0.99, "conditions": 1.0, "keywords": 0.81,
    "interventions": 0.81, "targets": 0.11, "sponsor": 1.0, "collaborators": 0.41,
    "locations": 0.83, "contacts": 0.021, "brief_summary": 1.0, "detailed_description": 0.88,
    "inclusion_criteria": 0.99, "exclusion_criteria": 0.40, "outcomes": 0.32, "dates": 1.0,
    "dates.start": 0.83, "dates.primary_completion": 0.45, "dates.completion": 0.71,
    "dates.first_posted": 1.0, "dates.last_update": 1.0, "dates.verified": 1.0,
    "locations.contacts": 0.021, "enrollment.kind": 0.46,
    # Measured 2026-12: condition_browse / intervention_browse (95.9% and 61.5%).
    "condition_mesh_terms": 0.95, "intervention_mesh_terms": 0.61,
    # Measured 2026-12: clinical_results (440, 6.48%) and results_reference (1,069, 15.75%).
    "results": 0.064, "publications": 0.157,
}  # fmt: skip


def _measure(path: Path, expected: int) -> CoverageTable:
    counter = CoverageCounter()
    errors: list[str] = []
    bad_spans: dict[str, list[str]] = {}
    for outcome in parse_paths([path]):
        if outcome.error:
            errors.append(f"{outcome.path}: {outcome.error}")
        for trial in outcome.trials:
            counter.add(trial)
            if problems := span_problems(trial):
                bad_spans[trial.trial_id] = problems
    table = counter.table()
    print(f"\n{path.name}\n{format_table(table)}")
    assert errors == []
    assert bad_spans == {}
    assert table.trials == expected
    return table


def _below_floor(table: CoverageTable, floors: dict[str, float]) -> dict[str, tuple[float, float]]:
    return {f: (table.share(f), floor) for f, floor in floors.items() if table.share(f) < floor}


def test_floors_name_every_coverage_field() -> None:
    assert set(V2_FLOORS) == set(FIELDS) == set(XML_FLOORS)


def test_all_v2_records_parse_and_keep_their_coverage(shared_data: Path) -> None:
    table = _measure(shared_data / "ctgov_v2_nsclc_100.json", expected=100)
    assert _below_floor(table, V2_FLOORS) == {}


@pytest.mark.slow
def test_all_xml_records_parse_and_keep_their_coverage(shared_data: Path) -> None:
    table = _measure(shared_data / "ctgov_xml_6786.tar.gz", expected=6786)
    assert _below_floor(table, XML_FLOORS) == {}
