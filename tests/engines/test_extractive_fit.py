"""Fit bullets: inclusion makes good-fit, exclusion makes not-a-fit, grouped without flipping."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement
from summarizer.engines.extractive.fit import eligibility, good_fit, grouped, not_fit
from summarizer.engines.extractive.lead import is_supporting, ranked
from summarizer.models import Trial


@pytest.fixture(scope="module")
def seeds(seed_texts: dict[str, str]) -> dict[str, Trial]:
    from summarizer.parsers import parse_text

    return {k: parse_text(f"{k}.txt", v)[0] for k, v in seed_texts.items()}


def _inside(trial: Trial, crits, cite) -> bool:
    return any(s.start <= cite.start and cite.end <= s.end for c in crits for s in c.spans)


@pytest.mark.parametrize("seed", ["000", "002", "003", "004"])
def test_good_fit_cites_only_inclusion_and_not_fit_only_exclusion(seeds, seed):
    trial = seeds[seed]
    for st in good_fit(trial):
        if st.fields == ["inclusion_criteria"]:
            assert all(_inside(trial, trial.inclusion_criteria, c) for c in st.citations)
    for st in not_fit(trial):
        assert all(_inside(trial, trial.exclusion_criteria, c) for c in st.citations)


@pytest.mark.parametrize("seed", ["000", "002", "003", "004"])
def test_groups_never_join_two_criteria_that_carry_their_own_negation(seeds, seed):
    for _, pieces in grouped(seeds[seed], "not_fit"):
        assert len(pieces) == 1 or not any(p.negated for p in pieces)


@pytest.mark.parametrize("seed", ["000", "002", "003", "004"])
def test_eligibility_exclusions_read_the_right_way_round(seeds, seed):
    trial = seeds[seed]
    for st in eligibility(trial):
        if st.fields == ["exclusion_criteria"]:
            assert "not for you if" in st.text
            assert check_statement(st, trial).verdict == "supported", st.text


def test_conditioning_chemotherapy_never_leads(seeds):
    names = [i.name for i in ranked(seeds["000"])]
    assert names[0] == "CAR-T" and names[-1] == "chemotherapy"
    assert "chimeric antigen receptor" not in names  # the same thing, shown once
    assert is_supporting("Fludarabine") and is_supporting("Placebo")
    assert not is_supporting("Docetaxel")


def test_fit_drafts_are_the_summarys_constraint_bullets_defining_first_and_cited():
    from tests.engines.test_extractive_who import TRIAL

    good = good_fit(TRIAL)
    texts = [st.text for st in good]
    assert texts[0].startswith("Relapsed or refractory") and "B-cell lymphoma" in texts[0]
    assert "Hemoglobin at least 60 g/L." in texts and "Aged 18 to 65 years." in texts
    assert texts.index("Aged 18 to 65 years.") < next(
        i for i, t in enumerate(texts) if t.startswith("ECOG")
    )
    assert not any("consent" in t.lower() for t in texts)
    bad = not_fit(TRIAL)
    assert "Heart attack in the last 6 months." in [st.text for st in bad]
    for role, statements, side in (("good_fit", good, "inclusion"), ("not_fit", bad, "exclusion")):
        for st in statements:
            assert {c.section for c in st.citations} == {side}, st.text
            assert check_statement(st, TRIAL, role=role).verdict == "supported", st.text
