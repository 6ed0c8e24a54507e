"""A count of sites is verified against what the sentence cites, not only against the record's
whole list: 'it runs at 2 sites in City 1' quoting two of the trial's five sites is a count the
reader can check in the quotes; a count that matches neither is still flagged."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.models import Citation, Statement, Trial
from tests.many_sites import trial_with_sites


def _site_cites(trial: Trial, indexes: list[int]) -> list[Citation]:
    out = []
    for i in indexes:
        name = f"Site {i} Hospital"
        at = trial.source.text.index(name)
        out.append(
            Citation(
                trial_id=trial.trial_id,
                section="locations",
                quote=name,
                start=at,
                end=at + len(name),
            )
        )
    return out


def test_a_count_of_the_cited_sites_is_verified() -> None:
    trial = trial_with_sites(5)
    cites = _site_cites(trial, [1, 3])
    said = Statement(
        text="Yes, it runs at 2 sites: Site 1 Hospital and Site 3 Hospital.", citations=cites
    )
    assert check_statement(said, trial).verdict == "supported"


def test_a_count_that_matches_neither_the_quotes_nor_the_list_is_flagged() -> None:
    trial = trial_with_sites(5)
    cites = _site_cites(trial, [1, 3])
    said = Statement(
        text="Yes, it runs at 4 sites: Site 1 Hospital and Site 3 Hospital.", citations=cites
    )
    check = check_statement(said, trial)
    assert check.verdict != "supported"
    assert any("4 sites" in r for r in check.reasons)
