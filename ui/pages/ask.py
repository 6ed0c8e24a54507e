"""Ask: chat about one trial or all of them. Answers stream in; every sentence is cited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit as st

from summarizer.models import Answer
from ui import components, feedback, state

HISTORY = "ask_history"

st.title("Ask about a trial", anchor=False)
st.caption(
    "Ask in your own words. Answers come only from the trial documents, with the exact words "
    "they came from. This is not medical advice."
)
_cfg = state.settings()
st.caption(components.md_escape(f"Engine: {components.engine_label(_cfg.engine, _cfg.model)}"))


def _save_rating(index: int) -> None:
    value = st.session_state.get(f"ask_fb_{index}")
    if value is None:
        return
    answer = Answer.model_validate(st.session_state[HISTORY][index]["answer"])
    try:
        path = feedback.feedback_path(state.settings())
        feedback.record(answer, "up" if value == 1 else "down", path)
        st.toast("Thanks for the feedback.")
    except OSError as exc:
        st.toast(state.report_error(exc, "saving your feedback"))


def _show_answer(answer: Answer, index: int) -> None:
    components.answer_notes(answer)
    components.citations_block(answer.citations)
    st.feedback("thumbs", key=f"ask_fb_{index}", on_change=_save_rating, args=(index,))


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


def main() -> None:
    with components.guard("opening the trial library"):
        titles = components.trial_titles()
        if not titles:
            components.no_trials_note()
            return
        trial_id = components.pick_trial("ask_trial", allow_all=True)
        if trial_id:
            state.warm_trial(trial_id)
        history: list[dict] = st.session_state.setdefault(HISTORY, [])

        for index, turn in enumerate(history):
            with st.chat_message("user"):
                st.markdown(components.md_escape(turn["question"]))
            with st.chat_message("assistant"):
                answer = Answer.model_validate(turn["answer"])
                st.markdown(components.md_escape(answer.answer))
                _show_answer(answer, index)

        question = st.chat_input("Ask a question, e.g. “Can a 16-year-old join?”")
        if not question:
            if not history:
                st.markdown("**Try:** Who can join? · Where does it take place? · What is tested?")
            return
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
            # The final text replaces the streamed pieces (engines may stream without spacing).
            shown.markdown(components.md_escape(answer.answer))
            history.append({"question": question, "answer": answer.model_dump(mode="json")})
            _show_answer(answer, len(history) - 1)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


main()
