"""The matcher's speed-ups change no answer: a pre-screen over a small real store is the same
with its caches cold, warm or switched off, and ``find`` gives the same findings whether the
person's facts are built by it or handed to it already built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summarizer.assistant import Assistant
from summarizer.config import Settings
from summarizer.engines.extractive import self_match
from summarizer.engines.extractive.self_facts import extract
from summarizer.engines.extractive.self_match import clear_caches, find, person_facts
from summarizer.models import Trial
from summarizer.runtime import Runtime

DESCRIPTIONS = [
    "I'm 65, a man with high blood pressure. I have never had HIV.",
    "I am a 45 year old woman with type 2 diabetes. I take metformin and warfarin. "
    "I'm not pregnant.",
    "My daughter is 12 and has asthma and hepatitis B; she had chemotherapy for leukemia "
    "two years ago.",
    "58-year-old man with non-small cell lung cancer, a smoker, no other cancer, on steroids.",
]
CACHED = ("_person_facts", "words_of", "_named", "_mentions")


@pytest.fixture(scope="module")
def assistant(match_home: Path) -> Assistant:
    return Assistant(Runtime(Settings(home=match_home)))


@pytest.fixture(scope="module")
def stored(assistant: Assistant) -> list[Trial]:
    trials = [assistant.get_trial(t) for t in assistant.trial_ids()]
    assert len(trials) == 7
    return trials


def _dump(assistant: Assistant, description: str) -> dict[str, Any]:
    return assistant.match(description, k=7).model_dump(mode="json")


def _decided(result: dict[str, Any]) -> int:
    return sum(
        1
        for m in result["trials"]
        for v in m["verdicts"]
        if v["verdict"] != "unknown" and v["used"]
    )


@pytest.mark.parametrize("description", DESCRIPTIONS)
def test_a_pre_screen_is_the_same_with_caches_cold_warm_or_off(
    assistant: Assistant, description: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_caches()
    cold = _dump(assistant, description)
    warm = _dump(assistant, description)
    for name in CACHED:  # each cached reader replaced by the plain function it wraps
        monkeypatch.setattr(self_match, name, getattr(self_match, name).__wrapped__)
    uncached = _dump(assistant, description)

    assert cold == warm == uncached
    assert cold["trials"] and _decided(cold) > 0  # the results compared hold real verdicts


def test_find_gives_the_same_findings_with_the_facts_built_once(stored: list[Trial]) -> None:
    touched = 0
    for description in DESCRIPTIONS:
        facts = extract(description)
        people = person_facts(facts)
        for trial in stored:
            clear_caches()
            own = find(trial, facts)
            handed = find(trial, facts, people=people)
            assert own == handed
            touched += bool(own)
    assert touched >= 4  # several trials touch the people described


def _excluding(words: str) -> Trial:
    from summarizer.parsers import parse_text

    body = (
        "<clinical_study><id_info><nct_id>NCT09999999</nct_id></id_info>"
        "<brief_title>A test trial</brief_title><eligibility><criteria><textblock>"
        f"Inclusion Criteria:\n\n  - Adults\n\nExclusion Criteria:\n\n  - {words}\n"
        "</textblock></criteria></eligibility></clinical_study>"
    )
    return parse_text("NCT09999999.xml", body)[0]


def test_find_reads_the_facts_it_is_handed() -> None:
    trial = _excluding("Diabetes mellitus")
    facts = extract("I have diabetes.")

    assert [f.direction for f in find(trial, facts)] == ["does_not_take"]
    assert find(trial, facts, people=[]) == []  # nothing handed: nothing matched


def test_the_caches_are_bounded() -> None:
    for name in CACHED:
        info = getattr(self_match, name).cache_info()
        assert info.maxsize is not None and 0 < info.maxsize <= 65536
