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
