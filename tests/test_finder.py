"""The trial finder: filters over real sample records, recruiting first, plain words only."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.finder import TrialFilters, card, find, lede, plain_phase, plain_status
from summarizer.models import Age, Fact, Location, Source, Trial

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def samples() -> list[Trial]:
    from summarizer.parsers import parse_text

    trials: list[Trial] = []
    for path in sorted((ROOT / "samples").glob("*.txt")):
        trials.extend(parse_text(path.name, path.read_text(encoding="utf-8")))
    assert len(trials) == 5
    return trials


def _trial(tid: str, **fields) -> Trial:
    source = Source(path=f"{tid}.txt", format="text", text="x", sha256="0" * 64)
    return Trial(trial_id=tid, brief_title=Fact(value=f"Title {tid}"), source=source, **fields)


def test_no_filter_lists_every_trial_recruiting_first(samples):
    results = find(samples, TrialFilters())
    assert len(results) == len(samples)
    opened = [r.open for r in results]
    assert opened == sorted(opened, reverse=True), "open trials come before closed ones"
    assert results[0].status == "RECRUITING"


def test_status_and_phase_filters_keep_only_matching_trials(samples):
    recruiting = find(samples, TrialFilters(statuses=["RECRUITING"]))
    assert recruiting and all(r.status == "RECRUITING" for r in recruiting)
    assert len(recruiting) < len(samples)
    phase2 = find(samples, TrialFilters(phases=["PHASE2"]))
    assert phase2 and all("2" in (r.phase_words or "") for r in phase2)
    assert "NCT04094766" not in {r.trial_id for r in phase2}  # a phase 1 trial


def test_age_is_a_number_checked_against_the_trials_range(samples):
    young = {r.trial_id for r in find(samples, TrialFilters(age=10))}
    assert "NCT04430530" in young  # 6 months to 75 years
    assert "NCT06503094" not in young  # 14 to 75
    assert "NCT06503094" in {r.trial_id for r in find(samples, TrialFilters(age=40))}


def test_sex_matches_trials_open_to_everyone_and_to_that_sex():
    women = _trial("T1", sex=Fact(value="FEMALE"))
    men = _trial("T2", sex=Fact(value="MALE"))
    anyone = _trial("T3")
    found = {r.trial_id for r in find([women, men, anyone], TrialFilters(sex="FEMALE"))}
    assert found == {"T1", "T3"}


def test_condition_place_and_text_are_case_insensitive(samples):
    assert find(samples, TrialFilters(place="shenzhen"))
    assert not find(samples, TrialFilters(place="Reykjavik"))
    assert {r.trial_id for r in find(samples, TrialFilters(text="bcma autoimmune"))} == {
        "NCT06941129"
    }
    lupus = _trial("T4", conditions=[Fact(value="Systemic Lupus Erythematosus")])
    other = _trial("T5", conditions=[Fact(value="Asthma")])
    assert [r.trial_id for r in find([lupus, other], TrialFilters(condition="LUPUS"))] == ["T4"]


def test_cards_speak_plain_words_never_registry_codes(samples):
    for result in find(samples, TrialFilters()):
        assert "PHASE" not in (result.phase_words or "")
        assert "_" not in (result.status_words or "")
        assert result.lede and len(result.lede) <= 220 and "\n" not in result.lede
    assert plain_phase(["PHASE1", "PHASE2"]) == "Phase 1/2"
    assert plain_status("NOT_YET_RECRUITING") == "Not yet recruiting"


def test_the_lede_is_the_first_sentence_of_the_summary():
    trial = _trial(
        "T6", brief_summary=Fact(value="This study tests a new drug.  It runs for two years.")
    )
    assert lede(trial) == "This study tests a new drug."
    assert lede(_trial("T7")) == "Title T7"


def test_quick_facts_on_the_card():
    trial = _trial(
        "T8",
        status=Fact(value="RECRUITING"),
        min_age=Age(raw="18 Years", years=18),
        locations=[Location(city="Lyon", country="France")] * 2,
    )
    result = card(trial)
    assert result.ages == "18 years and older"
    assert result.places == ["Lyon, France"]
    assert result.open and result.status_words == "Recruiting"


def test_a_negative_age_is_refused():
    with pytest.raises(ValueError):
        TrialFilters(age=-1)
