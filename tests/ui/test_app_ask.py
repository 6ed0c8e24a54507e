"""Ask page: cited answers from the real engine, a clear note when the documents don't say,
feedback saved locally, and friendly errors instead of stack traces."""

from __future__ import annotations

import html
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
    assert not any("Answered by the offline" in c.value for c in at.caption)  # patient view
    marks = "".join(m.value for m in at.chat_message[1].markdown)
    assert "ts-mark-supported" in marks, "each sentence carries its real check"


def test_the_editor_view_names_the_engine(library, page):
    at = page("ask")
    at.session_state["editor_view"] = True
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "How old do you have to be to join?")
    assert any("Answered by the offline" in c.value for c in at.caption)


def test_a_question_the_documents_do_not_answer_says_so_once(library, page, page_text):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "Will I get paid for taking part?")
    said = html.unescape(page_text(at))
    assert said.count("documents don't say") == 1, said
    assert any("study contacts" in i.value for i in at.info)


def test_a_withdrawn_trial_gives_one_clear_message(library, page, page_text):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value("NCT04094766").run()  # sample 002: withdrawn
    _ask(at, "Can I join?")
    said = html.unescape(page_text(at))
    assert "not taking anyone" in said
    assert "documents don't say" not in said


def test_a_request_for_medical_advice_is_declined_in_plain_words(library, page):
    at = page("ask")
    _ask(at, "Should I stop taking my medicine?")
    assert any("cannot give medical advice" in i.value for i in at.info)


def test_thumbs_up_is_saved_with_question_answer_and_citations(library, page):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "Where does this trial take place?")
    at.feedback(key=f"ask_fb_{TRIAL}_0").set_value(1).run()
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


def test_switching_trials_starts_a_fresh_thread_and_keeps_the_old_one(library, page):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "Who can join?")
    assert len(at.chat_message) == 2
    at.selectbox(key="ask_trial").set_value("NCT06941129").run()
    assert len(at.chat_message) == 0, "another trial: a fresh thread"
    earlier = [b for b in at.button if b.key == f"ask_thread_{TRIAL}"]
    assert earlier, "the old thread is listed"
    earlier[0].click().run()
    assert at.selectbox(key="ask_trial").value == TRIAL
    assert len(at.chat_message) == 2 and "Who can join?" in at.chat_message[0].markdown[0].value


def test_the_clear_button_empties_only_this_thread(library, page):
    at = page("ask")
    _ask(at, "Who is the sponsor?")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    _ask(at, "Who can join?")
    at.button(key="ask_clear").click().run()
    assert len(at.chat_message) == 0
    assert at.session_state["ask_threads"]["*"], "the All trials thread is kept"


def test_a_suggestion_is_asked_when_clicked(library, page):
    at = page("ask")
    at.selectbox(key="ask_trial").set_value(TRIAL).run()
    at.button(key="ask_try_Who can join?").click().run()
    assert not at.exception
    assert len(at.chat_message) == 2
    assert at.chat_message[0].markdown[0].value == "Who can join?"


def test_a_cross_trial_answers_trials_open_their_own_thread(library, page, monkeypatch):
    from ui import state

    monkeypatch.setattr(state, "warm_trial", lambda trial_id: None)  # warming has its own test
    at = page("ask")
    _ask(at, "Which trials test CAR T cells against CD19?")
    opens = [b for b in at.button if str(b.key).startswith("ask_open_")]
    assert opens, "the answer's trials are clickable"
    target = str(opens[0].key).rsplit("_", 1)[1]
    opens[0].click().run()
    assert at.selectbox(key="ask_trial").value == target
    assert len(at.chat_message) == 0


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
