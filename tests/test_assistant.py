"""The application layer: every statement of every output of every engine leaves with its check;
a cross-trial answer keeps each sentence's own trial; bad requests are usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.assistant import Assistant, TrialNotFoundError, UsageError
from summarizer.config import Settings
from summarizer.models import Answer, FitDraft, LaySummary, Statement
from summarizer.runtime import Runtime
from tests.engines.conftest import fake_openai, llm_settings, loopback_only  # noqa: F401
from tests.fake_openai import FakeOpenAI, cite_evidence

QUESTIONS = (
    "How old do I need to be to join?",
    "I have HIV. Can I join?",
    "Where does the trial take place?",
    "Do I get paid?",
    "Should I stop my medicine?",
)
CROSS = ("Which trials target CD22?", "Which trials are recruiting?", "Trials for young children?")


def every_statement(output: Answer | LaySummary | FitDraft) -> list[Statement]:
    if isinstance(output, Answer):
        return output.parts
    if isinstance(output, LaySummary):
        return [s for section in output.sections for s in section.statements]
    return [*output.good_fit, *output.not_fit]


def outputs(assistant: Assistant, trial_ids: list[str]) -> list[Answer | LaySummary | FitDraft]:
    out: list[Answer | LaySummary | FitDraft] = []
    for tid in trial_ids:
        out += [assistant.summarize(tid), assistant.draft_fit(tid)]
        out += [assistant.ask(q, trial_ids=[tid]) for q in QUESTIONS]
    out += [assistant.ask(q) for q in CROSS]
    out.append(assistant.ask(QUESTIONS[0], trial_ids=trial_ids[:2]))
    return out


def assert_all_checked(produced: list[Answer | LaySummary | FitDraft]) -> None:
    statements = [s for output in produced for s in every_statement(output)]
    assert statements, "nothing was produced"
    missing = [s.text for s in statements if s.check is None]
    assert missing == []
    verdicts = {s.check.verdict for s in statements if s.check}
    assert "supported" in verdicts  # real checks ran, not only guidance markers
    for s in statements:
        if s.check and s.check.verdict == "guidance":
            assert s.check.reasons, s.text  # a non-claim always says why it is one


@pytest.fixture(scope="module")
def extractive(seeded_home: Path) -> Assistant:
    return Assistant(Runtime(Settings(home=seeded_home)), engine="extractive")


def test_every_extractive_statement_has_a_check(extractive: Assistant) -> None:
    assert_all_checked(outputs(extractive, extractive.trial_ids()))


def test_every_llm_statement_has_a_check(
    seeded_home: Path,
    llm_settings: Settings,  # noqa: F811
    fake_openai: FakeOpenAI,  # noqa: F811
) -> None:
    fake_openai.respond_with(cite_evidence)
    runtime = Runtime(llm_settings.model_copy(update={"home": seeded_home}))
    assistant = Assistant(runtime, engine="llm")
    ids = assistant.trial_ids()[:2]
    produced: list[Answer | LaySummary | FitDraft] = []
    for tid in ids:
        produced += [assistant.summarize(tid), assistant.draft_fit(tid)]
        produced.append(assistant.ask(QUESTIONS[0], trial_ids=[tid]))
    produced.append(assistant.ask(CROSS[0]))
    assert all(o.engine == "llm" for o in produced)
    assert_all_checked(produced)


def test_the_extractive_lay_summary_is_checked_not_just_labelled(extractive: Assistant) -> None:
    summary = extractive.summarize("NCT06503094")
    verdicts = [s.check.verdict for sec in summary.sections for s in sec.statements if s.check]
    assert verdicts.count("supported") > len(verdicts) / 2
    how = summary.section("how")
    assert how is not None
    assert {s.check.verdict for s in how.statements if s.check} >= {"supported", "guidance"}


def test_an_answer_about_several_trials_names_each_sentences_own_trial(
    extractive: Assistant,
) -> None:
    ids = ["NCT04430530", "NCT06503094"]
    answer = extractive.ask("How old do I need to be to join?", trial_ids=ids)
    by_trial: dict[str, list[Statement]] = {}
    for s in answer.statements:
        assert s.about in ids
        by_trial.setdefault(s.about, []).append(s)
    assert set(by_trial) == set(ids)
    for tid, statements in by_trial.items():
        title = extractive.get_trial(tid).title
        assert statements[0].text.startswith(f"{title}: ")
        assert all(c.trial_id == tid for s in statements for c in s.citations)


def test_cross_trial_sentences_each_carry_their_trial(extractive: Assistant) -> None:
    answer = extractive.ask("Which trials are recruiting?")
    assert answer.trials and answer.lead and answer.lead[0].text.endswith("match:")
    for s in answer.statements:
        assert s.about in answer.trials and s.subject


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_an_empty_question_is_a_usage_error(extractive: Assistant, question: str) -> None:
    with pytest.raises(UsageError, match="empty"):
        extractive.ask(question)
    assert extractive.ask("Where is it?", trial_ids=["NCT04430530"]).statements


def test_unknown_trials_and_engines_are_named(extractive: Assistant) -> None:
    with pytest.raises(TrialNotFoundError, match="NCT00000000"):
        extractive.summarize("NCT00000000")
    with pytest.raises(UsageError, match="unknown engine"):
        extractive.using("gpt-magic").summarize("NCT04430530")
    assert extractive.using("extractive") is extractive


def test_check_fit_checks_each_bullet_with_its_side(extractive: Assistant) -> None:
    draft = extractive.draft_fit("NCT06503094")
    good = [s.text for s in draft.good_fit[:2]]
    checked = extractive.check_fit("NCT06503094", good_fit=good, not_fit=good[:1])
    assert [b.role for b in checked.bullets] == ["good_fit", "good_fit", "not_fit"]
    assert checked.bullets[0].check.verdict == "supported"
    assert checked.bullets[2].check.verdict != "supported"  # an inclusion as a not-fit bullet
    assert not checked.ok


def test_find_trials_filters_the_store_recruiting_first(extractive: Assistant) -> None:
    from summarizer.finder import TrialFilters

    every = extractive.find_trials()
    assert {c.trial_id for c in every} == set(extractive.trial_ids())
    recruiting = extractive.find_trials(TrialFilters(statuses=["RECRUITING"]))
    assert recruiting and all(c.status == "RECRUITING" for c in recruiting)
    assert len(recruiting) <= len(every)
