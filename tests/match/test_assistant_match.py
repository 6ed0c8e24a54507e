"""Assistant.match: description in, ranked and verified pre-screen out, bad input one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.assistant import Assistant, UsageError
from summarizer.config import Settings
from summarizer.models.match import MatchResult
from summarizer.runtime import Runtime

PERSON = "I'm 65, a man with high blood pressure. I have never had HIV."


@pytest.fixture(scope="module")
def assistant(match_home: Path) -> Assistant:
    return Assistant(Runtime(Settings(home=match_home)))


@pytest.fixture(scope="module")
def result(assistant: Assistant) -> MatchResult:
    return assistant.match(PERSON, k=7)


def test_a_match_ranks_every_trial_found_blocked_ones_last_each_verdict_checked(
    result: MatchResult,
) -> None:
    assert result.trials and len(result.trials) <= 7
    blocked = [m.blocked for m in result.trials]
    assert blocked == sorted(blocked)  # no unblocked trial below a blocked one
    assert [m.score for m in result.trials] == sorted(
        (m.score for m in result.trials), reverse=True
    )
    for m in result.trials:
        assert all(v.checked for v in m.verdicts)  # a record with no criteria has none
        assert len(m.open_questions) <= 4
    assert sum(1 for m in result.trials if m.verdicts) >= 4
    hepatitis = next(m for m in result.trials if m.trial_id == "NCT00001451")  # ages 18-60
    assert hepatitis.blocked
    assert any(v.about == "max_age" and v.verdict == "not_met" for v in hepatitis.verdicts)


def test_the_notice_says_pre_screen_and_nothing_says_eligible(result: MatchResult) -> None:
    assert "pre-screen" in result.notice and "study team" in result.notice
    dumped = json.dumps(result.model_dump(mode="json")).lower()
    assert "you are eligible" not in dumped and "you can join" not in dumped
    assert "not a decision" in dumped


def test_the_status_filter_keeps_only_trials_with_that_status(assistant: Assistant) -> None:
    everyone = assistant.match(PERSON, k=10)
    recruiting = assistant.match(PERSON, k=10, status="recruiting")

    assert {m.status for m in recruiting.trials} == {"Recruiting"}
    assert len(everyone.trials) > len(recruiting.trials)


@pytest.mark.parametrize(
    ("description", "words"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("hello there, what a lovely afternoon it is", "Describe the person"),
        ("私は四十五歳で、狼瘡があります。治療を受けています。", "English"),
    ],
)
def test_bad_descriptions_are_one_clear_usage_error(
    assistant: Assistant, description: str, words: str
) -> None:
    with pytest.raises(UsageError) as caught:
        assistant.match(description)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_an_unknown_status_names_the_choices(assistant: Assistant) -> None:
    with pytest.raises(UsageError, match="choose from open, recruiting"):
        assistant.match(PERSON, status="maybe")


def test_an_enormous_description_is_cut_and_says_so(assistant: Assistant) -> None:
    huge = PERSON + " I walk my dog every day." * 2_000
    out = assistant.match(huge, k=2)

    assert out.profile.truncated and len(out.profile.text) <= 4_000
    assert any("4,000 characters" in m for m in out.messages)
    assert out.trials
