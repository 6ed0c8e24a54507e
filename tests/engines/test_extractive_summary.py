"""Lay summaries and fit drafts from the seeds: layout, sides never swapped, grade, exact quotes."""

from __future__ import annotations

import re

import pytest

from summarizer.engines.extractive.fit import good_fit, not_fit
from summarizer.engines.extractive.summary import PROSE_SECTIONS, TARGET_GRADE, summarize
from summarizer.models import Trial


def parse_seed(name: str, text: str) -> Trial:
    try:
        from summarizer.parsers import parse_text

        return parse_text(name, text)[0]
    except ImportError:
        from summarizer.parsers import text_page

        return text_page.PARSER.parse(name, text)[0]


@pytest.fixture(scope="module")
def seeds(seed_texts: dict[str, str]) -> dict[str, Trial]:
    return {k: parse_seed(f"{k}.txt", v) for k, v in seed_texts.items()}


def test_seed_000_follows_the_editorial_layout(seeds):
    summary = summarize(seeds["000"], "extractive")
    keys = [s.key for s in summary.sections]
    assert keys[:4] == ["quick_facts", "studies", "good_fit", "not_fit"]
    assert {"eligibility", "where", "how"} <= set(keys)
    facts = " ".join(s.text for s in summary.section("quick_facts").statements)
    for expected in ("Phase 1/2", "80 people", "14 years to 75 years", "NCT06503094", "1 site"):
        assert expected.lower() in facts.lower()


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_cited_quote_is_the_exact_source_text(seeds, seed):
    trial = seeds[seed]
    summary = summarize(trial, "extractive")
    for section in summary.sections:
        for st in section.statements:
            assert st.citations or st.fields == ["guidance"], st.text
            for c in st.citations:
                assert trial.source.text[c.start : c.end] == c.quote


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_prose_sections_read_at_grade_eight_or_below(seeds, seed):
    summary = summarize(seeds[seed], "extractive")
    for section in summary.sections:
        if section.key in PROSE_SECTIONS:
            assert section.grade is not None and section.grade <= TARGET_GRADE, section


@pytest.mark.parametrize("seed", ["000", "002", "003", "004"])
def test_fit_sides_are_never_swapped(seeds, seed):
    trial = seeds[seed]
    for st in good_fit(trial):
        assert {c.section for c in st.citations} <= {"inclusion", "eligibility"}
    bad = not_fit(trial)
    assert bad
    for st in bad:
        assert {c.section for c in st.citations} == {"exclusion"}
        assert re.search(r"\(exclusion criteri(on|a) [\d, ]+\)", st.text)


def test_not_fit_groups_criteria_into_plain_categories(seeds):
    text = " ".join(st.text for st in not_fit(seeds["000"]))
    assert "Pregnancy or breastfeeding" in text
    assert "Infections:" in text and "exclusion criteria 5, 7, 8" in text
    assert "Heart problems" in text


def test_withdrawn_trial_says_so_first_in_what_it_studies(seeds):
    studies = summarize(seeds["002"], "extractive").section("studies")
    assert studies.statements[0].text.startswith("This trial was withdrawn")


def test_missing_facts_are_left_out(seeds):
    summary = summarize(seeds["001"], "extractive")  # a record with no criteria or places
    keys = {s.key for s in summary.sections}
    assert not seeds["001"].criteria and "not_fit" not in keys
    assert not seeds["001"].locations and "where" not in keys


def test_how_to_take_part_marks_general_guidance(seeds):
    how = summarize(seeds["003"], "extractive").section("how")
    assert any("Lung-Ji Chang" in st.text and st.citations for st in how.statements)
    guidance = [st for st in how.statements if st.fields == ["guidance"]]
    assert guidance and all(not st.citations for st in guidance)
