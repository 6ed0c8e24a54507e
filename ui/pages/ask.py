"""Ask: chat about one trial or all of them. Answers stream in; every sentence is cited.

"Find trials for me" (``ui.match_view``) sets a person's own description against every trial's
criteria instead.

Each trial (and "All trials") has its own thread: switching the trial starts or resumes that
trial's thread, the others are kept and listed under "Earlier conversations".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit as st

from summarizer.models import Answer
from ui import components, feedback, match_view, state

THREADS = "ask_threads"  # {thread key: [{"question", "answer"}]}
PENDING = "ask_pending"  # a suggestion clicked, asked on this run
PICK = "ask_trial"
ALL = "*"  # the thread key of "All trials"
SUGGESTIONS = ("Who can join?", "Where does it take place?", "What is being tested?")
MODE = "ask_mode"
MATCH_MODE = "Find trials for me"
MODES = ("Ask a question", MATCH_MODE)

st.title("Ask about a trial", anchor=False)
st.caption(
    "Ask in your own words. Answers come only from the trial documents, with the exact words "
    "they came from. This is not medical advice."
)
if components.editor_view():
    _cfg = state.settings()
    st.caption(components.md_escape(f"Engine: {components.engine_label(_cfg.engine, _cfg.model)}"))


def _threads() -> dict[str, list[dict]]:
    return st.session_state.setdefault(THREADS, {})


def _thread_key(trial_id: str | None) -> str:
    return trial_id or ALL


def _save_rating(key: str, index: int) -> None:
    value = st.session_state.get(f"ask_fb_{key}_{index}")
    if value is None:
        return
    answer = Answer.model_validate(_threads()[key][index]["answer"])
    try:
        path = feedback.feedback_path(state.settings())
        feedback.record(answer, "up" if value == 1 else "down", path)
        st.toast("Thanks for the feedback.")
    except OSError as exc:
        st.toast(state.report_error(exc, "saving your feedback"))


def _open_trial(trial_id: str | None) -> None:
    """Switch the page to ``trial_id``'s thread (a callback: runs before the select box)."""
    st.session_state[PICK] = trial_id


def _ask_suggestion(question: str) -> None:
    st.session_state[PENDING] = question


def _clear(key: str) -> None:
    _threads().pop(key, None)
    for name in [k for k in st.session_state if str(k).startswith(f"ask_fb_{key}_")]:
        del st.session_state[name]


def _trial_links(answer: Answer, key: str, index: int, titles: dict[str, str]) -> None:
    """A cross-trial answer's trials, each a button into that trial's own thread."""
    if key != ALL or len(answer.trials) < 1:
        return
    shown = [tid for tid in answer.trials if tid in titles]
    if not shown:
        return
    st.caption("Ask about one of these trials:")
    for tid in shown:
        st.button(
            components.trial_label(tid, titles),
            key=f"ask_open_{key}_{index}_{tid}",
            on_click=_open_trial,
            args=(tid,),
            icon=":material/arrow_forward:",
        )


def _show_answer(answer: Answer, key: str, index: int, titles: dict[str, str]) -> None:
    components.answer_notes(answer)
    components.citations_block(answer.citations)
    _trial_links(answer, key, index, titles)
    st.feedback("thumbs", key=f"ask_fb_{key}_{index}", on_change=_save_rating, args=(key, index))


def _stream(assistant: Any, question: str, trial_ids: list[str] | None, out: dict) -> Iterator[str]:
    """Yield the answer's text pieces (markdown-escaped) and keep the final Answer in ``out``.

    Engines stream whole sentences without the space between them; one is put back so the
    streamed text reads as it will once the final answer replaces it.
    """
    last = ""
    for piece in assistant.stream_ask(question, trial_ids=trial_ids):
        if isinstance(piece, Answer):
            out["answer"] = piece
            continue
        if last[-1:] in {".", "!", "?", ":", ";"} and piece[:1].isalnum():
            piece = " " + piece
        if piece:
            last = piece
            yield components.md_escape(piece)


def _earlier(current: str, titles: dict[str, str]) -> None:
    """Threads about other trials, kept and one click away."""
    others = [k for k, turns in _threads().items() if turns and k != current]
    if not others:
        return
    with st.expander(f"Earlier conversations ({len(others)})"):
        for key in others:
            label = "All trials" if key == ALL else components.trial_label(key, titles)
            n = len(_threads()[key])
            st.button(
                f"{label} · {n} question{'s' if n != 1 else ''}",
                key=f"ask_thread_{key}",
                on_click=_open_trial,
                args=(None if key == ALL else key,),
            )


def _answer(question: str, trial_id: str | None, history: list[dict], key: str) -> None:
    titles = components.trial_titles()
    with st.chat_message("user"):
        st.markdown(components.md_escape(question))
    with st.chat_message("assistant"), components.guard("answering your question"):
        assistant = state.assistant()
        out: dict = {}
        trial_ids = [trial_id] if trial_id else None
        with st.spinner("Reading the trial documents…"):
            pieces = _stream(assistant, question, trial_ids, out)
            first = next(pieces, None)
        shown = st.empty()
        if first is not None:
            with shown.container():
                st.write_stream(_chain(first, pieces))
        answer = out.get("answer")
        if answer is None:
            raise RuntimeError("the engine gave no answer")
        # The final text, each sentence with its check, replaces the streamed pieces.
        with shown.container():
            components.raw_html(components.answer_html(answer))
        history.append({"question": question, "answer": answer.model_dump(mode="json")})
        _show_answer(answer, key, len(history) - 1, titles)


def main() -> None:
    with components.guard("opening the trial library"):
        titles = components.trial_titles()
        if not titles:
            components.no_trials_note()
            return
        mode = st.radio("Mode", MODES, key=MODE, horizontal=True, label_visibility="collapsed")
        if mode == MATCH_MODE:
            match_view.main()
            return
        if st.session_state.get(PICK) not in (None, *titles):
            st.session_state[PICK] = None  # a removed trial: back to "All trials"
        trial_id = components.pick_trial(PICK, allow_all=True)
        if trial_id:
            state.warm_trial(trial_id)
        key = _thread_key(trial_id)
        history: list[dict] = _threads().setdefault(key, [])
        _earlier(key, titles)

        for index, turn in enumerate(history):
            with st.chat_message("user"):
                st.markdown(components.md_escape(turn["question"]))
            with st.chat_message("assistant"):
                answer = Answer.model_validate(turn["answer"])
                components.raw_html(components.answer_html(answer))
                _show_answer(answer, key, index, titles)
        typed = st.chat_input("Ask a question, e.g. “Can a 16-year-old join?”")
        question = typed or st.session_state.pop(PENDING, None)
        if question:
            _answer(question, trial_id, history, key)
        elif not history:
            st.markdown("**Try:**")
            cols = st.columns(len(SUGGESTIONS))
            for col, text in zip(cols, SUGGESTIONS, strict=True):
                col.button(text, key=f"ask_try_{text}", on_click=_ask_suggestion, args=(text,))
        if history:
            st.button(
                "Clear this conversation",
                key="ask_clear",
                on_click=_clear,
                args=(key,),
                icon=":material/delete_sweep:",
            )


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


main()
