"""A record with 100,000 sites gets a summary like any other: the first ``max_places`` sites
named, the count of all of them said, no site past the cap (issue 19, scale inside one record).
Counted, not timed: the times are in benchmarks/one_big_record.py."""

from __future__ import annotations

import re

from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive.summary import summarize
from summarizer.render import render
from summarizer.verify import Verifier
from tests.many_sites import trial_with_sites

SITES = 100_000
_SITE = re.compile(r"\bSite (\d+) Hospital\b")


def test_a_100000_site_summary_names_at_most_the_cap_and_says_the_count() -> None:
    trial = trial_with_sites(SITES)
    cap = fa.max_places()
    assert 0 < cap < SITES
    summary = Verifier().summary(summarize(trial), trial, engine="extractive")
    text = render(summary, "md")

    named = {int(n) for n in _SITE.findall(text)}
    assert named and named <= set(range(cap))  # the first sites, none past the cap
    assert f"{SITES} sites" in text or f"{SITES:,} sites" in text  # the count of all of them
    cited = {c.start for sec in summary.sections for s in sec.statements for c in s.citations}
    sites_cited = {loc.spans[0].start for loc in trial.locations[:cap]} & cited
    assert sites_cited  # the named sites are cited...
    assert trial.locations[cap].spans[0].start not in cited  # ...and the one after the cap is not
