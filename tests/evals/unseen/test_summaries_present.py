"""The unseen summaries eval counts how many summaries have each section, so a change that gives
more trials a 'Why it matters' section (or loses it) shows in the figures."""

from __future__ import annotations

from types import SimpleNamespace

from evals.unseen.summaries import check_summaries


def _section(key: str, texts: list[str]) -> SimpleNamespace:
    statements = [SimpleNamespace(text=t, check=None, fields=[]) for t in texts]
    return SimpleNamespace(key=key, grade=5.0, statements=statements)


class _Assistant:
    def __init__(self, summaries: dict[str, list[SimpleNamespace]]) -> None:
        self.summaries = summaries

    def summarize(self, tid: str) -> SimpleNamespace:
        return SimpleNamespace(sections=self.summaries[tid])

    def get_trial(self, tid: str) -> SimpleNamespace:
        return SimpleNamespace()


def test_summaries_with_counts_each_section_once_per_summary_that_has_it():
    assistant = _Assistant(
        {
            "A": [_section("why", ["It may help.", "So it may work."]), _section("how", ["Call."])],
            "B": [_section("how", ["Call us."])],
        }
    )
    figs = check_summaries(assistant, ["A", "B"])
    assert figs["summaries_with"] == {"how": 2, "why": 1}
    assert "studies" not in figs["summaries_with"]  # a section no summary has is not counted
