"""Headings in an eligibility block label the criteria under them; they are never criteria.

Two kinds of heading: sub-headings (the NCI PDQ layout's 'DISEASE CHARACTERISTICS:', 'Biologic
therapy', 'Hepatic:'; a flattened list's '* Adequate liver function:') become the ``group`` of
the criteria under them, with the heading's offsets; and kind headings, with or without a
qualifier ('Exclusion Criteria for All Groups', 'Inclusion Criteria - Part A'), switch the
kind of every item after them.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.parsers.bullets import BLOCK, read_lines
from summarizer.parsers.criteria import (
    CriterionSlice,
    kind_heading,
    pdq_headings,
    split_criteria,
)
from summarizer.parsers.ctgov_json import PARSER as V2_PARSER


def _read(block: str) -> list[tuple[str, str, str | None]]:
    return [(c.kind, block[c.start : c.end], c.group) for c in split_criteria(block).criteria]


def _texts(block: str) -> list[str]:
    return [text for _, text, _ in _read(block)]


PDQ = """
        DISEASE CHARACTERISTICS:

          -  Diagnosis of colon cancer with minimal residual disease

        PATIENT CHARACTERISTICS:

        Age:

          -  20 to 80

        Performance status:

          -  ECOG 0-2

        Hepatic:

          -  Bilirubin normal

        PRIOR CONCURRENT THERAPY:

        Biologic therapy

          -  Not specified

        Chemotherapy

          -  No prior chemotherapy
"""


def test_pdq_headings_label_the_criteria_under_them_and_are_no_criteria() -> None:
    disease = "Diagnosis of colon cancer with minimal residual disease"
    assert _read(PDQ) == [
        ("inclusion", disease, "DISEASE CHARACTERISTICS"),
        ("inclusion", "20 to 80", "Age"),
        ("inclusion", "ECOG 0-2", "Performance status"),
        ("inclusion", "Bilirubin normal", "Hepatic"),
        ("inclusion", "Not specified", "Biologic therapy"),
        ("inclusion", "No prior chemotherapy", "Chemotherapy"),
    ]  # fmt: skip
    texts = _texts(PDQ)
    for heading in ("PATIENT CHARACTERISTICS", "Biologic therapy", "Chemotherapy", "Age"):
        assert not any(heading in t for t in texts)


def _group_words(block: str, crit: CriterionSlice) -> str:
    return ": ".join(block[start:end] for start, end in crit.group_spans)


def test_a_group_keeps_the_span_of_its_heading() -> None:
    for crit in split_criteria(PDQ).criteria:
        assert crit.group is not None and len(crit.group_spans) == 1
        assert _group_words(PDQ, crit) == crit.group
        assert crit.group_spans[-1][1] <= crit.start
    empty = "DISEASE CHARACTERISTICS:\n\nExclusion Criteria:\n\n- Smoker\n"
    split = split_criteria(empty)
    assert [(c.kind, empty[c.start : c.end], c.group) for c in split.criteria] == [
        ("exclusion", "Smoker", None)
    ]
    assert [empty[lo:hi] for lo, hi in split.headings] == [
        "DISEASE CHARACTERISTICS:",
        "Exclusion Criteria:",
    ]
    plain = "Inclusion Criteria:\n- Age 18 or older\n"
    [crit] = split_criteria(plain).criteria
    assert (crit.group, crit.group_spans) == (None, ())
    assert plain[crit.start : crit.end] == "Age 18 or older"


def test_heading_shapes_without_a_colon_capitals_or_pdq_words() -> None:
    block = "OSPA VACCINATED CONTROLS\n\nVaccinated in the OspA trial.\n\nNo Lyme disease.\n"
    assert _read(block) == [
        ("inclusion", "Vaccinated in the OspA trial.", "OSPA VACCINATED CONTROLS"),
        ("inclusion", "No Lyme disease.", "OSPA VACCINATED CONTROLS"),
    ]
    # a line in capitals with digits or comparators is a criterion ('ECOG 0-2'), and so is a
    # one-line criterion in lower case that is no PDQ heading
    block = "Inclusion Criteria:\n\nECOG 0-2\n\nMetastatic disease\n\n  -  Bone only\n"
    assert _texts(block) == ["ECOG 0-2", "Metastatic disease", "Bone only"]
    # one short form in capitals is a criterion too
    block = "Exclusion Criteria:\n\nCOPD\n\nASA I-III\n\nHeart failure\n"
    assert _texts(block) == ["COPD", "ASA I-III", "Heart failure"]


def test_the_pdq_heading_list_is_data_with_its_source() -> None:
    assert {"biologic therapy", "hematopoietic", "prior concurrent therapy"} <= pdq_headings()
    assert "diabetes" not in pdq_headings()


def test_an_inline_labelled_sibling_returns_to_the_section_heading() -> None:
    block = (
        "PRIOR/CONCURRENT THERAPY:\n\nChemotherapy:\n\nAt least 4 weeks since chemotherapy.\n\n"
        "Endocrine Therapy: Not specified.\n\nSurgery: Not specified.\n"
    )
    assert _read(block) == [
        ("inclusion", "At least 4 weeks since chemotherapy.", "Chemotherapy"),
        ("inclusion", "Endocrine Therapy: Not specified.", "PRIOR/CONCURRENT THERAPY"),
        ("inclusion", "Surgery: Not specified.", "PRIOR/CONCURRENT THERAPY"),
    ]


def test_a_wrapped_line_that_ends_in_a_colon_is_no_heading() -> None:
    block = (
        "PATIENT CHARACTERISTICS: Age: 1 and over Performance status: Not specified Life "
        "expectancy:\n"
        "Not specified Hepatic: Not specified\n"
    )
    [(_, text, group)] = _read(block)
    assert group == "PATIENT CHARACTERISTICS"
    assert text.startswith("Age: 1 and over") and text.endswith("Hepatic: Not specified")


def test_a_bulleted_intro_sits_under_the_heading_before_it() -> None:
    block = (
        "Exclusion Criteria:\n\nExcluded within 4 weeks of study entry:\n\n"
        "  -  Antiretroviral agents:\n\n  -  Zidovudine (AZT).\n\n"
        "  -  Immunomodulating agents:\n\n  -  Corticosteroids.\n\n"
        "Excluded:\n\n  -  Radiation therapy.\n"
    )
    within = "Excluded within 4 weeks of study entry"
    assert _read(block) == [
        ("exclusion", "Zidovudine (AZT).", f"{within}: Antiretroviral agents"),
        ("exclusion", "Corticosteroids.", f"{within}: Immunomodulating agents"),
        ("exclusion", "Radiation therapy.", "Excluded"),
    ]
    for crit in split_criteria(block).criteria:
        assert _group_words(block, crit) == crit.group


def test_a_bulleted_intro_about_the_person_says_which_way_its_items_work() -> None:
    block = (
        "Exclusion Criteria:\n\n  -  To be eligible, a person must:\n\n"
        "  -  Not have diabetes already.\n\n  -  Have no known serious diseases.\n"
    )
    assert _read(block) == [
        ("inclusion", "Not have diabetes already.", "To be eligible, a person must"),
        ("inclusion", "Have no known serious diseases.", "To be eligible, a person must"),
    ]
    # an intro about a thing only labels its items: they stay on their section's side
    block = (
        "Exclusion Criteria:\n\n  -  History of any of the following, which must be documented:"
        "\n\n  -  Stroke\n"
    )
    assert _read(block) == [
        ("exclusion", "Stroke", "History of any of the following, which must be documented")
    ]


def test_a_sentence_before_a_note_label_stays_a_criterion() -> None:
    block = "Exclusion Criteria:\n\n-  Antiretroviral therapy. NOTE:\n\n-  AZT is allowed.\n"
    assert _texts(block) == ["Antiretroviral therapy. NOTE:", "AZT is allowed."]
    block = "Exclusion Criteria:\n\n-  Excluded within 30 days of study entry:\n\n-  Steroids.\n"
    assert _read(block) == [("exclusion", "Steroids.", "Excluded within 30 days of study entry")]


def test_a_flattened_list_intro_labels_its_sibling_bullets() -> None:
    block = (
        "Inclusion Criteria:\n\n* Age >= 18 years\n* Adequate liver function:\n"
        "* ALT < 2.5 x ULN\n* AST < 2.5 x ULN\n"
    )
    assert _read(block) == [
        ("inclusion", "Age >= 18 years", None),
        ("inclusion", "ALT < 2.5 x ULN", "Adequate liver function"),
        ("inclusion", "AST < 2.5 x ULN", "Adequate liver function"),
    ]
    # an intro over deeper bullets keeps them nested: one criterion
    nested = "Inclusion Criteria:\n\n* Adequate liver function:\n  * ALT < 2.5 x ULN\n* Age >= 18\n"
    assert _texts(nested) == ["Adequate liver function:\n  * ALT < 2.5 x ULN", "Age >= 18"]


GROUPS = """
        Inclusion Criteria for Group 1

          -  HIV infected

        Inclusion Criteria for Group 2

          -  HIV uninfected

        Exclusion Criteria for All Groups

          -  Diabetes

          -  Kidney disease
"""


def test_exclusion_heading_with_a_qualifier_switches_to_exclusion() -> None:
    assert _read(GROUPS) == [
        ("inclusion", "HIV infected", "Inclusion Criteria for Group 1"),
        ("inclusion", "HIV uninfected", "Inclusion Criteria for Group 2"),
        ("exclusion", "Diabetes", "Exclusion Criteria for All Groups"),
        ("exclusion", "Kidney disease", "Exclusion Criteria for All Groups"),
    ]
    assert split_criteria(GROUPS).headed


def test_qualifier_forms_switch_both_ways() -> None:
    forms = [
        ("Exclusion Criteria (all participants)", "Inclusion criteria (all participants)"),
        ("Exclusion Criteria - Part A", "Inclusion Criteria - Part B"),
        ("Exclusion criteria, Cohort 2:", "Inclusion criteria, Cohort 3:"),
        ("EXCLUSION CRITERIA - HEALTHY VOLUNTEERS:", "INCLUSION CRITERIA - PATIENTS:"),
        ("Exclusions - normal volunteers:", "Inclusion criteria for controls"),
    ]
    for exclusion, inclusion in forms:
        block = f"Inclusion Criteria:\n- Adult\n{exclusion}\n- Smoker\n{inclusion}\n- Child\n"
        kinds = [(kind, text) for kind, text, _ in _read(block)]
        assert kinds == [
            ("inclusion", "Adult"),
            ("exclusion", "Smoker"),
            ("inclusion", "Child"),
        ], exclusion


def test_a_criterion_that_names_criteria_is_no_heading() -> None:
    block = (
        "Exclusion Criteria:\n- Meets inclusion criteria of the parent study.\n"
        "- Other exclusion criteria were duration of illness over 1 year\n- Smoker\n"
    )
    assert _read(block) == [
        ("exclusion", "Meets inclusion criteria of the parent study.", None),
        ("exclusion", "Other exclusion criteria were duration of illness over 1 year", None),
        ("exclusion", "Smoker", None),
    ]


def test_must_not_headings_keep_the_kind_they_had() -> None:
    block = "Inclusion Criteria:\n\nPatients must not have:\n\n- Diabetes\n"
    assert _read(block) == [("inclusion", "Diabetes", "Patients must not have")]
    block = "Inclusion Criteria:\n\nPatients with the following are excluded:\n\n- Diabetes\n"
    assert _read(block) == [("exclusion", "Diabetes", "Patients with the following are excluded")]


def test_kind_heading_reads_one_line_for_other_layouts() -> None:
    assert kind_heading("Exclusion Criteria for All Groups") == (
        "exclusion",
        "Exclusion Criteria for All Groups",
    )
    assert kind_heading("Inclusion Criteria:") == ("inclusion", None)
    assert kind_heading("Exclusion criteria: no diabetes") is None  # a criterion on the line
    assert kind_heading("Meets inclusion criteria of the parent study.") is None


def test_v2_json_record_reads_qualified_headings_the_same_way() -> None:
    record = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09999914", "briefTitle": "A heading test"},
            "eligibilityModule": {
                "eligibilityCriteria": (
                    "Inclusion Criteria for Part A:\n\n* Adults\n* Adequate liver function:\n"
                    "* ALT < 2.5 x ULN\n\nExclusion Criteria for All Parts\n\n* Pregnancy\n"
                ),
            },
        }
    }
    [trial] = V2_PARSER.parse("t.json", json.dumps(record))
    assert [(c.text, c.group) for c in trial.inclusion_criteria] == [
        ("Adults", "Inclusion Criteria for Part A"),
        ("ALT < 2.5 x ULN", "Inclusion Criteria for Part A: Adequate liver function"),
    ]
    assert [(c.text, c.group) for c in trial.exclusion_criteria] == [
        ("Pregnancy", "Exclusion Criteria for All Parts")
    ]


# Properties: any block, however odd, splits into criteria whose spans point into it and never
# overlap, and loses no word: every word after a line's list marker is in a criterion or in a
# heading the split reports.

LINES = [
    "Inclusion Criteria:", "Exclusion Criteria for All Groups", "Inclusion Criteria - Part A",
    "DISEASE CHARACTERISTICS:", "PATIENT CHARACTERISTICS: Age: 18 and over", "Biologic therapy",
    "Hepatic:", "Other", "ECOG 0-2", "  -  Not specified", "-  Adequate liver function:",
    "* ALT < 2.5 x ULN", "    -  nested item", "1. numbered", "Patients must not have:",
    "Antiretroviral therapy. NOTE:", "Allowed:", "Required:", "", "", "  ", "no diabetes",
    "EXCLUSIONS - NORMAL VOLUNTEERS", "Chemotherapy: none", "•", "-", ":",
]  # fmt: skip
block_text = st.lists(
    st.one_of(st.sampled_from(LINES), st.text(min_size=0, max_size=30)), max_size=25
).map("\n".join)


def _words_outside(
    block: str, crits: list[CriterionSlice], heads: list[tuple[int, int]]
) -> list[str]:
    covered = [False] * len(block)
    for lo, hi in [*((c.start, c.end) for c in crits), *heads]:  # group spans are headings
        covered[lo:hi] = [True] * (hi - lo)
    lost: list[str] = []
    for line in read_lines(block, 0, len(block), BLOCK):  # words start after the list marker
        for m in re.finditer(r"\w+", block[line.content : line.end]):
            if not all(covered[line.content + m.start() : line.content + m.end()]):
                lost.append(m.group(0))
    return lost


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_text)
def test_any_block_splits_into_spans_in_the_block_and_loses_no_word(block: str) -> None:
    split = split_criteria(block)
    crits = split.criteria
    previous_end = 0
    for c in crits:
        assert 0 <= previous_end <= c.start < c.end <= len(block)
        assert block[c.start] not in " \t\n" and block[c.end - 1] not in " \t\n"
        previous_end = c.end
        if c.group is not None:
            assert _group_words(block, c) == c.group
        else:
            assert c.group_spans == ()
    for lo, hi in split.headings:
        assert 0 <= lo < hi <= len(block) and "\n" not in block[lo:hi]
    assert _words_outside(block, crits, split.headings) == []
