"""Find a trial: browse and filter the library, recruiting first, each with its lede and facts.

Each lede (the summary's first whole sentence) comes checked from the application layer and shows
its check mark, like every sentence on the Trial and Ask pages."""

from __future__ import annotations

import html

import streamlit as st

from summarizer.finder import OPEN_ORDER, TrialCard, TrialFilters
from ui import components, state

SEXES = {"Anyone": None, "Female": "FEMALE", "Male": "MALE"}
PHASES = {
    "Early phase 1": "EARLY_PHASE1",
    "Phase 1": "PHASE1",
    "Phase 2": "PHASE2",
    "Phase 3": "PHASE3",
    "Phase 4": "PHASE4",
}

st.title("Find a trial", anchor=False)
st.caption(
    "Filter the trials in this library by what you know. Trials taking people come first. "
    "A match here does not mean you can join: the study team decides."
)


def _filters() -> TrialFilters:
    text = st.text_input("Words to look for", key="find_text", placeholder="e.g. lupus CAR T")
    left, right = st.columns(2)
    condition = left.text_input("Condition", key="find_condition", placeholder="e.g. leukemia")
    place = right.text_input("Place", key="find_place", placeholder="city or country")
    age_text = left.text_input("Your age in years", key="find_age", placeholder="e.g. 16")
    sex = right.selectbox("Sex", list(SEXES), key="find_sex")
    open_only = left.toggle("Only trials taking people now", key="find_open")
    phases = right.multiselect("Phase", list(PHASES), key="find_phase")
    results = left.toggle(
        "Only trials that posted results",
        key="find_results",
        help="Trials whose record lists what the study found: outcomes, side effects.",
    )
    age = None
    if age_text.strip():
        try:
            age = float(age_text.strip())
        except ValueError:
            age = -1.0
        if not 0 <= age <= 130:
            st.error("Type your age as a number of years, such as 16.")
            age = None
    return TrialFilters(
        text=text,
        condition=condition,
        place=place,
        age=age,
        sex=SEXES[sex],
        statuses=list(OPEN_ORDER) if open_only else [],
        phases=[PHASES[p] for p in phases],
        results=results,
    )


def _open(trial_id: str, page: str) -> None:
    """Open a trial on the Trial summary or Ask page (their select boxes read these keys)."""
    st.session_state["trial_pick" if page == "trial" else "ask_trial"] = trial_id
    st.session_state["find_go"] = page


def _card(result: TrialCard, index: int) -> None:
    with st.container(border=True):
        st.markdown(f"**{components.md_escape(result.title)}**")
        status_css = "ts-open" if result.open else "ts-closed"
        status = html.escape(result.status_words or "Status not given")
        plain = [
            result.phase_words,
            f"Ages {result.ages}" if result.ages else None,
            f"Sex: {result.sex}" if result.sex else None,
            "; ".join(result.places[:3]) or None,
            "Results posted" if result.has_results else None,
        ]
        facts = [f'<span class="{status_css}">{status}</span>']
        facts += [html.escape(f) for f in plain if f]
        components.raw_html(f'<div class="ts-card-facts">{" · ".join(f for f in facts if f)}</div>')
        if result.lede_statement is not None:  # checked by the application layer, with its mark
            components.raw_html(
                f'<p class="ts-lede">{components.statement_html(result.lede_statement)}</p>'
            )
        left, right = st.columns(2)
        left.button(
            "Read the summary",
            key=f"find_sum_{index}",
            on_click=_open,
            args=(result.trial_id, "trial"),
            icon=":material/article:",
        )
        right.button(
            "Ask about it",
            key=f"find_ask_{index}",
            on_click=_open,
            args=(result.trial_id, "ask"),
            icon=":material/chat:",
        )


def main() -> None:
    go = st.session_state.pop("find_go", None)
    if go:
        try:
            st.switch_page(f"pages/{go}.py")
        except Exception:  # a page run on its own (tests) has no navigation to switch in
            st.info("Open the Trial summary or Ask page: the trial is picked there.")
    with components.guard("searching the library"):
        if not components.trial_titles():
            components.no_trials_note()
            return
        filters = _filters()
        results = state.memo(
            f"find:{filters.model_dump_json()}", lambda: state.assistant().find_trials(filters)
        )
        total = len(components.trial_titles())
        st.subheader(f"{len(results)} of {total} trials", anchor=False)
        if not results:
            st.info("No trial matches all of these. Try removing a filter.")
        components.check_legend([r.lede_statement for r in results if r.lede_statement])
        for index, result in enumerate(results):
            _card(result, index)


main()
