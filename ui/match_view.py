""" "Find trials for me" on the Ask page: a person's own description set against each trial's
criteria (``Assistant.match``), shown as cards a patient can take to the study team.

Each card: the title (opens the trial's summary), its status in plain words, counts, then the
criteria met, not met and still open, each quoted with the words of the description it rests
on, and the questions to ask. The notice that this is a pre-screen, not a decision, comes first.
Every piece of text is escaped here: descriptions and criteria are data, never markup.
"""

from __future__ import annotations

import hashlib
import html

import streamlit as st

from summarizer.finder import OPEN_ORDER, plain_status
from summarizer.models.match import CriterionVerdict, MatchResult, TrialMatch
from ui import components, state

K = 10
STATUSES = {
    "Taking people now": "open",
    "Recruiting": "recruiting",
    "Not yet recruiting": "not yet recruiting",
    "Any status": None,
}
GROUPS = (
    ("met", "Met"),
    ("not_met", "Not met"),
    ("unknown", "Open: your description does not say"),
)
FIELD_LABELS = {"min_age": "Minimum age", "max_age": "Maximum age", "sex": "Sex"}
OPEN_WORDS = {plain_status(s) for s in OPEN_ORDER}  # statuses a person can still join
QUERY = "match_query"  # (description, status filter word) of the last search
GO = "match_go"  # a trial to open on the Trial summary page, set by a title's click
PLACEHOLDER = (
    "e.g. I'm a 45-year-old woman with lupus. I take prednisone and had a kidney biopsy last "
    "year. No HIV."
)


def _open(trial_id: str) -> None:
    st.session_state["trial_pick"] = trial_id
    st.session_state[GO] = trial_id


def _label(verdict: CriterionVerdict) -> str:
    if verdict.about != "criterion":
        return FIELD_LABELS.get(verdict.about, verdict.about.replace("_", " ").capitalize())
    return f"{verdict.kind.capitalize()} criterion {verdict.number}"


def verdict_html(verdict: CriterionVerdict) -> str:
    """One criterion: which it is, its quoted words, the description's words and why."""
    helps = (verdict.kind == "inclusion" and verdict.verdict == "met") or (
        verdict.kind == "exclusion" and verdict.verdict == "not_met"
    )
    effect = " ts-blocks" if verdict.blocks else " ts-helps" if helps else ""
    css = f"ts-verdict ts-verdict-{verdict.verdict}{effect}"  # coloured by what it means for you
    parts = [
        f"<b>{html.escape(_label(verdict))}</b>",
        f"<q>{html.escape(' '.join(verdict.criterion.split()))}</q>",
    ]
    if verdict.used:
        used = ", ".join(f"“{html.escape(w)}”" for w in verdict.used)
        parts.append(f'<br><span class="ts-used">Your words: {used}</span>')
    if verdict.reason:
        parts.append(f'<br><span class="ts-meta">{html.escape(verdict.reason)}</span>')
    if verdict.source == "model" and verdict.checked and verdict.verdict != "unknown":
        from summarizer.match.llm_verdicts import rules

        parts.append(f'<span class="ts-meta ts-model"> · {html.escape(rules().label)}</span>')
    if not verdict.checked:
        parts.append('<span class="ts-flag"> ⚑ not checked against the source</span>')
    return f'<div class="{css}">{" ".join(parts)}</div>'


def counts_line(match: TrialMatch) -> str:
    return (
        f"{match.count('met')} met · {match.count('not_met')} not met · "
        f"{match.count('unknown')} open"
    )


def _card(match: TrialMatch, index: int) -> None:
    with st.container(border=True):
        st.button(
            match.title,
            key=f"match_open_{index}_{match.trial_id}",
            on_click=_open,
            args=(match.trial_id,),
            type="tertiary",
            help="Open this trial's summary",
        )
        status_css = "ts-open" if match.status in OPEN_WORDS else "ts-closed"
        facts = [
            f'<span class="{status_css}">{html.escape(match.status or "Status not given")}</span>',
            html.escape(counts_line(match)),
        ]
        if match.url:
            facts.append(components.linkify(match.url))
        components.raw_html(f'<div class="ts-card-facts">{" · ".join(facts)}</div>')
        if match.blocked:
            st.warning(
                "Something in your description may rule you out of this trial: see the "
                "criteria below and ask the study team.",
                icon=":material/report:",
            )
        for verdict, heading in GROUPS:
            items = [v for v in match.verdicts if v.verdict == verdict]
            if not items:
                continue
            body = "".join(verdict_html(v) for v in items)
            title = f"{heading} ({len(items)})"
            if verdict == "unknown":
                with st.expander(title):
                    components.raw_html(body)
            else:
                components.raw_html(f"<h4>{html.escape(title)}</h4>{body}")
        if match.open_questions:
            st.markdown("**Questions to ask the study team**")
            st.markdown("\n".join(f"- {components.md_escape(q)}" for q in match.open_questions))


def show_result(result: MatchResult) -> None:
    """The pre-screen: its notice first, what was read, then one card per trial."""
    st.info(components.md_escape(result.notice), icon=":material/medical_information:")
    for message in result.messages:
        st.caption(components.md_escape(message))
    read = [
        result.profile.age_words,
        result.profile.sex_words,
        *(t.words for t in result.profile.said),
    ]
    if any(read):
        said = "; ".join(f"“{w}”" for w in dict.fromkeys(w for w in read if w))
        st.caption(f"Read from your description: {components.md_escape(said)}")
    n = len(result.trials)
    st.subheader(f"{n} trial{'s' if n != 1 else ''} to ask about", anchor=False)
    for index, match in enumerate(result.trials):
        _card(match, index)


def _form() -> tuple[str, str | None] | None:
    with st.form("match_form"):
        description = st.text_area(
            "Describe yourself in your own words",
            key="match_text",
            height=140,
            placeholder=PLACEHOLDER,
            help="Age, sex, condition, treatments you had and when. Nothing is stored.",
        )
        status = st.selectbox("Show trials that are", list(STATUSES), key="match_status")
        pressed = st.form_submit_button("Find trials", icon=":material/person_search:")
    if pressed:
        st.session_state[QUERY] = (description, STATUSES[status])
    return st.session_state.get(QUERY)


def _switch_if_asked() -> None:
    if st.session_state.pop(GO, None) is None:
        return
    try:
        st.switch_page("pages/trial.py")
    except Exception:  # a page run on its own (tests) has no navigation to switch in
        st.info("Open the Trial summary page: the trial is picked there.")


def main() -> None:
    """The mode's page body (called by the Ask page)."""
    from summarizer.assistant import UsageError

    _switch_if_asked()
    st.caption(
        "Describe yourself and see, trial by trial, which criteria your words meet, which they "
        "do not, and what is still open. It is a list to go over with the study team."
    )
    query = _form()
    if not query:
        return
    description, status = query
    key = hashlib.sha256(f"{status}\0{description}".encode()).hexdigest()[:24]
    with components.guard("matching your description to the trials"):
        try:
            result = state.memo(
                f"match:{key}", lambda: state.assistant().match(description, k=K, status=status)
            )
        except UsageError as exc:
            st.warning(components.md_escape(str(exc)), icon=":material/edit:")
            return
        show_result(result)
