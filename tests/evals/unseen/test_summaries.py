"""A summary sentence counts as cut when a reader would see it broken off, not when it is short."""

from __future__ import annotations

from evals.unseen.summaries import is_cut


def test_cut_sentences_end_mid_clause_or_trail_off() -> None:
    assert is_cut("Few have characterized the course of.")
    assert is_cut("Treatment continues during.")
    assert is_cut("You have concurrent infection caused by ...")
    assert is_cut("To test a nasal spray ( beclomethasone.")


def test_whole_sentences_are_not_cut() -> None:
    assert not is_cut("The trial takes 40 people.")
    assert not is_cut("Phase: Phase 2 (a test of whether it works and how safe it is).")
    assert not is_cut("")


def test_posted_results_that_hold_nothing_are_not_in_the_record() -> None:
    from types import SimpleNamespace

    from evals.unseen.summaries import _record_has
    from summarizer.models.trial import FlowGroup, PostedResults

    assert not _record_has(SimpleNamespace(results=None), ["results"])
    assert not _record_has(SimpleNamespace(results=PostedResults()), ["results"])
    posted = PostedResults(flow=[FlowGroup(group="A", started=3)])
    assert _record_has(SimpleNamespace(results=posted), ["results"])
    assert _record_has(SimpleNamespace(nct_id="NCT1", contacts=[]), ["nct_id", "contacts"])
