"""Questions that pick trials out of a set: the trials kept are the ones whose fields match what
was asked (status, people, place, condition), each named with its status in plain words, and a
trial whose criteria rule pregnancy out is never listed for pregnant women."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.unseen.records import iter_xml
from summarizer.assistant import Assistant
from summarizer.engines.extractive import across
from summarizer.models import Answer, Trial
from tests.engines.builders import assistant_over, parse_seed


@pytest.fixture(scope="module")
def seeds(seed_texts: dict[str, str]) -> dict[str, Trial]:
    return {k: parse_seed(f"{k}.txt", v) for k, v in seed_texts.items()}


@pytest.fixture(scope="module")
def engine(seeds: dict[str, Trial]) -> Assistant:
    return assistant_over(list(seeds.values()))


def listed(answer: Answer) -> list[str]:
    return list(dict.fromkeys(s.about for s in answer.statements if s.about))


def said_about(answer: Answer, trial_id: str) -> str:
    return " ".join(s.text for s in answer.statements if s.about == trial_id)


def ids(seeds: dict[str, Trial], *keys: str) -> list[str]:
    return [seeds[k].trial_id for k in keys]


def test_a_selection_question_is_told_apart_from_a_question_about_each_trial() -> None:
    assert across.is_selection("Which of these trials are still recruiting?")
    assert across.is_selection("Any study for pregnant women?")
    assert across.is_selection("trials for asthma")
    assert not across.is_selection("How old do I need to be to join?")
    assert not across.is_selection("What is the dose?")


def test_recruiting_among_chosen_trials_lists_only_those_recruiting(engine, seeds) -> None:
    chosen = ids(seeds, "000", "002", "003", "004")
    answer = engine.ask("Which of these trials are still recruiting?", trial_ids=chosen)
    assert set(listed(answer)) == set(ids(seeds, "003", "004"))
    for tid in listed(answer):
        assert "is recruiting" in said_about(answer, tid)
    assert seeds["002"].trial_id not in answer.answer  # withdrawn


def test_a_question_about_each_of_several_trials_is_still_answered_per_trial(engine, seeds) -> None:
    chosen = ids(seeds, "000", "003")
    answer = engine.ask("How old do I need to be to join?", trial_ids=chosen)
    assert set(listed(answer)) == set(chosen)
    assert "14 Years" in answer.answer and "6 Months" in answer.answer


def test_children_are_matched_on_the_age_fields_and_no_stated_limit_is_not_a_yes(
    engine, seeds
) -> None:
    chosen = ids(seeds, "000", "002", "003", "004")
    answer = engine.ask("Which of these studies take children?", trial_ids=chosen)
    assert set(listed(answer)) == set(ids(seeds, "000", "003"))  # 14 years, 6 months
    assert "withdrawn" in said_about(answer, seeds["002"].trial_id) or seeds[
        "002"
    ].trial_id not in listed(answer)


def test_a_place_is_matched_on_the_sites_fields(engine, seeds) -> None:
    chosen = ids(seeds, "000", "002", "003", "004")
    answer = engine.ask("Is there a trial in Wuhan?", trial_ids=chosen)
    assert listed(answer) == ids(seeds, "000")
    assert "Wuhan" in said_about(answer, seeds["000"].trial_id)
    both = engine.ask("Which recruiting trials are in China?", trial_ids=chosen)
    assert set(listed(both)) == set(ids(seeds, "003", "004"))


def test_trials_that_rule_pregnancy_out_are_never_listed_for_pregnant_women(engine, seeds) -> None:
    chosen = ids(seeds, "000", "002", "003", "004")
    for tid in chosen:
        assert across.pregnancy(seeds_by_id(seeds)[tid])[1]  # each excludes pregnancy
    answer = engine.ask("Is there any study for pregnant women?", trial_ids=chosen)
    assert listed(answer) == []
    assert "None of the 4 trials" in answer.answer


def seeds_by_id(seeds: dict[str, Trial]) -> dict[str, Trial]:
    return {t.trial_id: t for t in seeds.values()}


def test_across_the_store_a_status_question_names_each_trials_status(engine, seeds) -> None:
    answer = engine.ask("Which trials are completed or withdrawn?")
    assert listed(answer) == ids(seeds, "002")
    assert "withdrawn" in said_about(answer, seeds["002"].trial_id)


def _records(shared_data: Path, wanted: set[str]) -> list[Trial]:
    return [parse_seed(f"{n}.xml", x) for n, x in iter_xml(shared_data, wanted)]


def test_a_study_for_pregnant_women_is_listed_with_the_words_that_say_so(
    shared_data: Path,
) -> None:
    # NCT00462306 names pregnancy among its conditions and never rules it out;
    # NCT00002131 is an adult HIV trial whose criteria exclude pregnant women.
    trials = _records(shared_data, {"NCT00462306", "NCT00002131"})
    if len(trials) < 2:
        pytest.skip("records not in the shared data")
    engine = assistant_over(trials)
    answer = engine.ask(
        "Which of these trials are for pregnant women?", trial_ids=[t.trial_id for t in trials]
    )
    assert listed(answer) == ["NCT00462306"]
    assert said_about(answer, "NCT00462306").count('"') >= 2  # quoted evidence


def _xml_trial(nct: str, title: str, conditions: list[str], headings: list[str]) -> Trial:
    named = "".join(f"<condition>{c}</condition>" for c in conditions)
    filed = "".join(f"<mesh_term>{h}</mesh_term>" for h in headings)
    return parse_seed(
        f"{nct}.xml",
        f"<clinical_study><id_info><nct_id>{nct}</nct_id></id_info>"
        f"<brief_title>{title}</brief_title><overall_status>Recruiting</overall_status>"
        f"{named}<condition_browse>{filed}</condition_browse></clinical_study>",
    )


@pytest.fixture(scope="module")
def filed() -> dict[str, Trial]:
    """Trials whose own condition words do not name the illness their MeSH heading does."""
    return {
        "stemi": _xml_trial(
            "NCT09000001", "Reperfusion study", ["STEMI"], ["Myocardial Infarction"]
        ),
        "broad": _xml_trial(
            "NCT09000002", "Tissue repair study", ["Tissue damage"], ["Infarction"]
        ),
        "named": _xml_trial(
            "NCT09000003", "Registry study", ["Myocardial Infarction"], ["Myocardial Infarction"]
        ),
        "other": _xml_trial("NCT09000004", "Chest pain study", ["Chest Pain"], ["Angina Pectoris"]),
    }


def test_a_trial_is_found_by_the_mesh_heading_the_registry_filed_it_under(filed) -> None:
    engine = assistant_over(list(filed.values()))
    chosen = [t.trial_id for t in filed.values()]
    answer = engine.ask(
        "Which of these trials are for people who had a heart attack?", trial_ids=chosen
    )
    assert set(listed(answer)) == {filed["stemi"].trial_id, filed["named"].trial_id}
    said = said_about(answer, filed["stemi"].trial_id)
    assert "The registry files it under Myocardial Infarction." in said
    (statement,) = [s for s in answer.statements if "registry files it" in s.text]
    (cite,) = statement.citations
    assert (cite.section, cite.quote) == ("conditions", "Myocardial Infarction")


def test_the_sponsors_condition_words_are_cited_before_nlm_heading(filed) -> None:
    engine = assistant_over(list(filed.values()))
    answer = engine.ask(
        "Any studies about myocardial infarction?",
        trial_ids=[filed["named"].trial_id, filed["other"].trial_id],
    )
    assert listed(answer) == [filed["named"].trial_id]
    said = said_about(answer, filed["named"].trial_id)
    assert "It is for people with Myocardial Infarction." in said
    assert "registry files it" not in said


def test_a_broader_heading_does_not_make_a_trial_match_a_narrower_question(filed) -> None:
    sel = across.parse("Which of these trials are for myocardial infarction?", [])
    assert across.evidence(filed["broad"], sel) is None  # filed under 'Infarction' only
    assert across.evidence(filed["stemi"], sel)  # filed under 'Myocardial Infarction'
    wider = across.parse("Which of these trials are for infarction?", [])
    assert across.evidence(filed["broad"], wider) and across.evidence(filed["stemi"], wider)


def test_a_trial_stored_before_headings_were_read_is_matched_by_its_conditions_only(
    filed,
) -> None:
    sel = across.parse("Which of these trials are for myocardial infarction?", [])
    old = Trial.model_validate(filed["stemi"].model_dump(exclude={"condition_mesh_terms"}))
    assert across.evidence(old, sel) is None  # 'STEMI' alone does not say it
    named = Trial.model_validate(filed["named"].model_dump(exclude={"condition_mesh_terms"}))
    assert across.evidence(named, sel)
