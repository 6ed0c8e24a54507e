"""Size limits: an oversized section or page is refused by name and size before it is parsed."""

from __future__ import annotations

import json

import pytest

from summarizer.parsers import ParseError, parse_text
from summarizer.parsers.html_page import extract_text
from summarizer.parsers.limits import MAX_PAGE_CHARS, MAX_SECTION_CHARS

JUST_OVER = "x " * (MAX_SECTION_CHARS // 2 + 1)


def _xml(**blocks: str) -> str:
    def block(tag: str) -> str:
        return f"<textblock>{blocks[tag]}</textblock>" if tag in blocks else ""

    return (
        "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>"
        f"<brief_title>{blocks.get('title', 'T')}</brief_title>"
        f"<brief_summary>{block('summary')}</brief_summary>"
        f"<eligibility><criteria>{block('criteria')}</criteria></eligibility></clinical_study>"
    )


def _v2(criteria: str, title: str = "T") -> str:
    return json.dumps(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000001", "briefTitle": title},
                "eligibilityModule": {"eligibilityCriteria": criteria},
            }
        }
    )


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("c.xml", _xml(criteria=JUST_OVER), "criteria section too long (100,001 characters"),
        ("s.xml", _xml(summary=JUST_OVER), "brief summary section too long"),
        ("t.xml", _xml(title=JUST_OVER), "brief title section too long"),
        ("c.json", _v2(JUST_OVER), "criteria section too long"),
        ("p.txt", "Inclusion Criteria:\n" + JUST_OVER * 10, "page text too long"),
        ("p.html", f"<html><body><p>{JUST_OVER * 10}</p></body></html>", "visible text of the"),
    ],
)
def test_oversized_sections_and_pages_are_refused_by_name_and_size(
    name: str, text: str, reason: str
) -> None:
    with pytest.raises(ParseError) as error:
        parse_text(name, text)
    assert str(error.value).startswith(reason)
    assert f"limit {MAX_SECTION_CHARS:,}" in str(error.value) or f"{MAX_PAGE_CHARS:,}" in str(
        error.value
    )


def test_sections_at_the_registry_maximum_are_accepted() -> None:
    criteria = "Inclusion Criteria:\n" + "\n".join(f"  - Criterion {i} holds." for i in range(900))
    assert 20_000 < len(criteria) < MAX_SECTION_CHARS
    (trial,) = parse_text("ok.xml", _xml(criteria=criteria))
    assert len(trial.inclusion_criteria) == 900
    (v2,) = parse_text("ok.json", _v2(criteria))
    assert len(v2.inclusion_criteria) == 900


def test_one_study_over_the_limit_is_named_in_a_list_of_studies() -> None:
    studies = [json.loads(_v2("Inclusion Criteria:\n* adults")), json.loads(_v2(JUST_OVER))]
    with pytest.raises(ParseError, match=r"^study 2 of 2: criteria section too long"):
        parse_text("many.json", json.dumps(studies))


def test_nested_lists_are_indented_at_most_eight_levels() -> None:
    html = "<ul><li>x" * 1000 + "</li></ul>" * 1000
    lines = extract_text(html).split("\n")
    assert len(lines) == 1000
    assert max(len(line) for line in lines) == len("  " * 8 + "- x")


def test_json_escapes_cannot_smuggle_control_characters() -> None:
    (trial,) = parse_text("c.json", _v2("Inclusion Criteria:\n* adults", title="A\x1b[2J\x00B"))
    assert trial.title == "A\ufffd[2J\ufffdB"
