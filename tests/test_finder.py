"""The trial finder: filters over real sample records, recruiting first, plain words only."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.finder import (
    TrialFilters,
    card,
    find,
    lede,
    lede_statement,
    plain_status,
)
from summarizer.models import Age, Fact, Location, Source, Span, Trial
from summarizer.normalize import phase_words

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


def test_the_condition_filter_also_reads_the_mesh_headings_the_registry_filed_a_trial_under():
    stemi = _trial(
        "T6",
        conditions=[Fact(value="STEMI")],
        condition_mesh_terms=[Fact(value="Myocardial Infarction")],
    )
    other = _trial("T7", conditions=[Fact(value="Angina")])
    found = find([stemi, other], TrialFilters(condition="myocardial infarction"))
    assert [r.trial_id for r in found] == ["T6"]
    assert [r.trial_id for r in find([stemi, other], TrialFilters(condition="angina"))] == ["T7"]


def test_cards_speak_plain_words_never_registry_codes(samples):
    for result in find(samples, TrialFilters()):
        assert "PHASE" not in (result.phase_words or "")
        assert "_" not in (result.status_words or "")
        assert result.lede and "\n" not in result.lede and "…" not in result.lede
    assert phase_words(["PHASE1", "PHASE2"]) == "Phase 1 and Phase 2"
    assert phase_words(["PHASE2", "PHASE3"]) == "Phase 2 and Phase 3"
    assert phase_words(["PHASE2"]) == "Phase 2" and phase_words([]) is None
    assert plain_status("NOT_YET_RECRUITING") == "Not yet recruiting"


def _summarized(tid: str, summary: str) -> Trial:
    """A trial whose brief summary sits in its source text, with its span, as parsers make it."""
    text = f"Title {tid}\n\nBrief Summary\n{summary}\n"
    start = text.index(summary)
    source = Source(path=f"{tid}.txt", format="text", text=text, sha256="0" * 64)
    fact = Fact(
        value=" ".join(summary.split()), spans=[Span(start=start, end=start + len(summary))]
    )
    return Trial(
        trial_id=tid, brief_title=Fact(value=f"Title {tid}"), source=source, brief_summary=fact
    )


def test_the_lede_is_the_summarys_first_whole_sentence_cited_to_its_words():
    trial = _summarized(
        "T6", "This study tests a new drug, e.g. a\npill taken daily.  It runs for two years."
    )
    assert lede(trial) == "This study tests a new drug, e.g. a pill taken daily."
    statement = lede_statement(trial)
    assert statement is not None and statement.check is None  # checked by the Verifier
    [cite] = statement.citations
    assert trial.source.text[cite.start : cite.end] == cite.quote
    assert " ".join(cite.quote.split()) == statement.text


def test_a_long_first_sentence_is_kept_whole_never_cut():
    long = "This study " + "tests a new drug and " * 20 + "measures safety. Then more."
    said = lede(_summarized("T9", long))
    assert said.endswith("measures safety.") and len(said) > 300 and "…" not in said


def test_a_trial_without_a_summary_has_no_lede():
    assert lede(_trial("T7")) == "" and lede_statement(_trial("T7")) is None
    assert card(_trial("T7")).lede == ""


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


def test_the_verifier_checks_every_lede_and_drops_a_contradicted_one(samples):
    from summarizer.models import Check
    from summarizer.verify import Verifier

    by_id = {t.trial_id: t for t in samples}
    checked = Verifier().cards(find(samples, TrialFilters()), by_id)
    assert all(c.lede_statement and c.lede_statement.check for c in checked)
    assert {c.lede_statement.check.verdict for c in checked if c.lede_statement} == {"supported"}

    def contradicts(statement, trial, *, role=None):
        return Check(verdict="contradicted", score=0.0, reasons=["planted"])

    dropped = Verifier(contradicts).cards(find(samples, TrialFilters()), by_id)
    assert all(c.lede == "" and c.lede_statement is None for c in dropped)
    assert [c.title for c in dropped] == [c.title for c in checked]  # the cards themselves stay
