"""The printable one-page summary: a print stylesheet, the check marks, questions to ask."""

from __future__ import annotations

from summarizer.models import Check, Fact, LaySummary, Source, Statement, SummarySection, Trial
from ui import printable

OK = Check(verdict="supported", score=1.0)
NO = Check(verdict="unsupported", score=0.1)


def _summary() -> LaySummary:
    return LaySummary(
        trial_id="T1",
        title="A <b>trial</b>",
        engine="e",
        sections=[
            SummarySection(
                key="good_fit",
                heading="Good fit",
                statements=[
                    Statement(text="Adults aged 18 to 75.", check=OK),
                    Statement(text="Made-up rule.", check=NO),
                ],
            ),
            SummarySection(
                key="not_fit",
                heading="Not a fit",
                statements=[Statement(text="People who are pregnant.", check=OK)],
            ),
        ],
    )


def _trial() -> Trial:
    src = Source(path="t.txt", format="text", text="x", sha256="0" * 64)
    return Trial(
        trial_id="T1",
        source=src,
        status=Fact(value="NOT_YET_RECRUITING"),
        phases=[Fact(value="PHASE1"), Fact(value="PHASE2")],
    )


def test_questions_come_from_the_supported_fit_bullets_good_fit_first():
    assert printable.questions(_summary()) == [
        "Do I meet this: adults aged 18 to 75?",
        "Does this rule me out: people who are pregnant?",
    ]


def test_the_page_has_a_print_stylesheet_plain_facts_and_the_questions():
    page = printable.printable_page(_summary(), _trial())
    assert "@media print" in page and "@page" in page
    assert "Phase 1 and Phase 2 · Not yet recruiting" in page
    assert "PHASE1" not in page
    assert "Questions to ask the study team" in page
    assert "<b>trial</b>" not in page and "&lt;b&gt;trial" in page
    assert "check-supported" in page
