"""Places are capped where users see them: the first ``max_places`` sites named and cited, the
count of all of them said, so a record with 5,000 sites costs what one with 8 does."""

from __future__ import annotations

from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive.summary import where_statements
from tests.many_sites import trial_with_sites


def test_a_5000_site_record_names_the_first_few_places_and_says_the_count() -> None:
    trial = trial_with_sites(5_000)
    cap = fa.max_places()
    assert 0 < cap < 5_000
    statements = where_statements(trial)
    assert statements[0].text == "It runs at 5000 sites."
    assert len(statements) == 2 + cap  # the count, one sentence a named site, the rest
    assert statements[-1].text.startswith(f"{5_000 - cap} more sites are listed")
    cited = {c.start for s in statements for c in s.citations}
    assert len(cited) <= cap
    first = trial.locations[0].spans[0].start
    assert first in cited  # the first site is named and cited...
    assert trial.locations[cap].spans[0].start not in cited  # ...the one after the cap is not


def test_a_record_within_the_cap_names_every_site() -> None:
    trial = trial_with_sites(3)
    statements = where_statements(trial)
    assert statements[0].text == "It runs at 3 sites."
    assert len(statements) == 1 + 3
    assert not any("more sites" in s.text for s in statements)
