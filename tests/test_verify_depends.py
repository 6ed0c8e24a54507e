"""A conclusion never outlives the statement it rests on: ``Statement.depends_on`` is structural
in the one verification step, whatever the conclusion's own check says."""

from __future__ import annotations

import pytest

from summarizer.engines import common
from summarizer.models import COMPARISON, Check, DraftAnswer, Source, Span, Statement, Trial
from summarizer.verify import Verifier

TEXT = "Ages 18 Years to 65 Years. Exclusion: age over 65. People with HIV cannot join."


@pytest.fixture
def trial() -> Trial:
    src = Source(path="t.txt", format="text", text=TEXT, sha256="x")
    return Trial(trial_id="T1", source=src)


def cited(trial: Trial, text: str, start: int, end: int, **kw: object) -> Statement:
    cite = common.citation(trial, Span(start=start, end=end), "eligibility")
    return Statement(text=text, citations=[cite], **kw)  # type: ignore[arg-type]


def verifier(verdicts: dict[str, str]) -> Verifier:
    def check(statement: Statement, trial: Trial, *, role=None) -> Check:
        return Check(verdict=verdicts[statement.text], score=0.5)  # type: ignore[arg-type]

    return Verifier(check)


def age_pair(trial: Trial) -> tuple[Statement, Statement]:
    limits = cited(trial, "This trial takes people aged 18 to 65 years.", 0, 25, key="age")
    verdict = Statement(
        text="So an age of 70 is above that range.", fields=[COMPARISON], depends_on=["age"]
    )
    return limits, verdict


def test_a_comparison_is_dropped_with_the_age_limits_it_rests_on(trial):
    limits, verdict = age_pair(trial)
    hiv = cited(trial, "People with HIV cannot join.", 51, 79)
    draft = DraftAnswer(question="I am 70, can I join?", statements=[limits, verdict, hiv])
    out = verifier({limits.text: "contradicted", hiv.text: "supported"}).answer(
        draft, {"T1": trial}, engine="test"
    )
    assert "70" not in out.answer
    assert "People with HIV cannot join." in out.answer
    assert "left out 2 sentences" in out.answer  # the limits and the conclusion on them


def test_the_comparison_stands_when_its_premise_stands(trial):
    limits, verdict = age_pair(trial)
    draft = DraftAnswer(question="I am 70, can I join?", statements=[limits, verdict])
    out = verifier({limits.text: "supported"}).answer(draft, {"T1": trial}, engine="test")
    assert [s.text for s in out.statements] == [limits.text, verdict.text]
    assert out.statements[1].check is not None and out.statements[1].check.verdict == "guidance"


def test_a_conclusion_alone_abstains_rather_than_stand_uncited(trial):
    limits, verdict = age_pair(trial)
    draft = DraftAnswer(question="I am 70, can I join?", statements=[limits, verdict])
    out = verifier({limits.text: "unsupported"}).answer(
        draft, {"T1": trial}, engine="test", rewritten=True
    )
    assert out.abstained and "70" not in out.answer


def test_a_premise_that_was_never_drafted_drops_its_dependents_and_chains_drop_whole(trial):
    _, verdict = age_pair(trial)
    then = Statement(text="So the upper limit rules you out.", fields=[COMPARISON], key="then",
                     depends_on=["age"])  # fmt: skip
    last = Statement(text="Ask about it.", fields=[COMPARISON], depends_on=["then"])
    hiv = cited(trial, "People with HIV cannot join.", 51, 79)
    done = verifier({hiv.text: "supported"}).statements([verdict, then, last, hiv], {"T1": trial})
    assert [s.text for s in done.kept] == [hiv.text]
    assert [s.text for s in done.orphaned] == [verdict.text, then.text, last.text]
