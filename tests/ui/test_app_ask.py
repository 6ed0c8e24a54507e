"""Ask page: cited answers from the real engine, a clear note when the documents don't say,
feedback saved locally, and friendly errors instead of stack traces."""

from __future__ import annotations

import json
import threading

import pytest

from summarizer.assistant import Assistant
from vectorstore.chroma_store import ChromaTrialStore

TRIAL = "NCT06503094"  # sample 000: ages 14 to 75, one site in Wuhan


def _ask(at, question: str):
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def test_a_question_about_one_trial_gets_a_cited_answer(library, page):
    at = page("ask")
    assert at.selectbox(key="ask_trial").value is None  # "All trials" by default
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "How old do you have to be to join?")
    assert len(at.chat_message) == 2
    sources = [e for e in at.expander if e.label.startswith("Source 1")]
    assert sources, "the answer should carry at least one cited source"
    highlighted = [m.value for m in sources[0].markdown if "<mark>" in m.value]
    assert highlighted, "the cited words should be highlighted in their section"
    assert any("Answered by the offline" in c.value for c in at.caption)


def test_a_question_the_documents_do_not_answer_says_so(library, page):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "Will I get paid for taking part?")
    notes = [i.value for i in at.info]
    assert any("documents don't say" in n for n in notes), notes


def test_a_request_for_medical_advice_is_declined_in_plain_words(library, page):
    at = page("ask")
    _ask(at, "Should I stop taking my medicine?")
    assert any("cannot give medical advice" in i.value for i in at.info)


def test_thumbs_up_is_saved_with_question_answer_and_citations(library, page):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "Where does this trial take place?")
    at.feedback(key="ask_fb_0").set_value(1).run()
    assert not at.exception
    lines = (library / "feedback.jsonl").read_text().splitlines()
    entry = json.loads(lines[-1])
    assert entry["rating"] == "up"
    assert entry["question"] == "Where does this trial take place?"
    assert entry["answer"]
    assert entry["engine"] == "extractive"


def test_previous_answers_stay_on_screen(library, page):
    at = page("ask")
    _ask(at, "Who is the sponsor?")
    _ask(at, "Is the trial recruiting?")
    assert len(at.chat_message) == 4


def test_an_empty_library_points_to_the_library_page(empty_home, page):
    at = page("ask")
    assert not at.exception
    assert "no trials in the library" in at.info[0].value
    assert not at.chat_input


def test_an_engine_failure_is_a_friendly_error_with_details_in_the_log(
    library, page, monkeypatch: pytest.MonkeyPatch
):
    def broken(self, question, *, trial_ids=None):
        raise ConnectionError("the model server did not answer")
        yield  # pragma: no cover

    monkeypatch.setattr(Assistant, "stream_ask", broken)
    at = page("ask")
    _ask(at, "Who can join?")
    assert "Sorry, something went wrong while answering your question" in at.error[0].value
    assert "the model server did not answer" in at.error[0].value
    assert not at.exception
    assert "ConnectionError" in (library / "logs" / "ui.log").read_text()


def test_picking_a_trial_embeds_its_criteria_before_the_question_once(
    library, page, monkeypatch: pytest.MonkeyPatch
):
    warmed: list[list[str]] = []
    done = threading.Event()

    def warm(self, trial_ids):
        warmed.append(list(trial_ids))
        done.set()
        return 0

    monkeypatch.setattr(ChromaTrialStore, "warm", warm)
    other = "NCT04430530"  # sample 003; no other test of this page picks it
    at = page("ask")
    assert not warmed  # "All trials": nothing to warm
    at.selectbox(key="ask_trial").set_value(other).run()
    assert done.wait(30), "the picked trial was not warmed"
    _ask(at, "Who can join?")
    at.selectbox(key="ask_trial").set_value(other).run()
    assert warmed == [[other]]
