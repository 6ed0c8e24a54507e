"""The eval scores a summary's reading grade as the summary states it: one computation, made in
the verification step (web addresses are not prose), never a second one in the eval."""

from __future__ import annotations

from evals.dataset import Case
from evals.metrics import CaseRun, readability
from summarizer.models import Check, LaySummary, Statement, SummarySection
from summarizer.readability import grade

OK = Check(verdict="supported", score=1.0)
LINK = "The registry page is https://clinicaltrials.gov/study/NCT06503094."


def run_of(sections: list[SummarySection]) -> CaseRun:
    summary = LaySummary(trial_id="T1", title="T", engine="extractive", sections=sections)
    return CaseRun(case=Case(id="c", kind="summary", task="summary"), output=summary)


def test_each_section_is_scored_with_the_grade_the_summary_states() -> None:
    how = SummarySection(
        key="how",
        heading="How to take part",
        grade=3.7,
        statements=[Statement(text=LINK, check=OK)],
    )

    scores = readability(run_of([how]))

    assert scores == {"grade:how": 3.7, "grade_max": 3.7}
    assert grade(LINK) != 3.7  # the address read as words would score otherwise


def test_a_section_without_a_grade_is_not_scored() -> None:
    empty = SummarySection(key="where", heading="Where it runs", grade=None)
    studies = SummarySection(
        key="studies", heading="What this trial studies", grade=6.2,
        statements=[Statement(text="It tests a vaccine.", check=OK)],
    )  # fmt: skip

    assert readability(run_of([empty, studies])) == {"grade:studies": 6.2, "grade_max": 6.2}
