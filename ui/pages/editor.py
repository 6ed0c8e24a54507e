"""Editor: draft "Who should consider this trial", edit it in place, re-checked on every change."""

from __future__ import annotations

import html

import streamlit as st

from summarizer.models import Check, FitDraft, Statement, Trial
from ui import components, state

ROLES = {"good_fit": "Good fit", "not_fit": "Not a fit"}

st.title("Who should consider this trial", anchor=False)
st.caption(
    "Start from a draft written from the eligibility criteria, then edit it: one bullet a line. "
    "Every bullet is checked against the trial documents each time you change it."
)


def _check(trial: Trial, role: str, text: str) -> Check:
    def run() -> Check:
        bullets = {role: [text]}
        checked = state.assistant().check_fit(trial.trial_id, **bullets)
        return checked.bullets[0].check

    return state.memo(f"check:{trial.trial_id}:{trial.source.sha256}:{role}:{text}", run)


def _bullets(text: str) -> list[str]:
    lines = (line.strip().lstrip("-*•").strip() for line in text.splitlines())
    return [line for line in lines if line]


def _load_draft(trial: Trial, force: bool = False) -> None:
    """Fill both text areas from the engine's draft (once per trial unless ``force``)."""
    keys = {role: f"ed_{role}_{trial.trial_id}" for role in ROLES}
    if not force and all(k in st.session_state for k in keys.values()):
        return
    engine_name = state.settings().engine
    if force:
        state.forget(f"draft:{engine_name}:{trial.trial_id}")
    with st.spinner("Drafting from the eligibility criteria…"):
        draft: FitDraft = state.memo(
            f"draft:{engine_name}:{trial.trial_id}",
            lambda: state.assistant(engine_name).draft_fit(trial.trial_id),
        )
    st.session_state[keys["good_fit"]] = "\n".join(s.text for s in draft.good_fit)
    st.session_state[keys["not_fit"]] = "\n".join(s.text for s in draft.not_fit)


def _show_checked(statement: Statement) -> None:
    check = statement.check
    verdict = check.verdict if check else None
    components.raw_html(
        f"<div>{components.verdict_badge(verdict)} {html.escape(statement.text)}</div>"
    )
    if check and check.evidence:
        with st.expander("Quotes behind this check", expanded=False):
            components.citations_block(check.evidence)
    elif check and check.reasons:
        st.caption(components.md_escape("; ".join(check.reasons)))


def main() -> None:
    with components.guard("opening the trial library"):
        if not components.trial_titles():
            components.no_trials_note()
            return
        trial_id = components.pick_trial("editor_pick")
        trial = components.get_trial(trial_id) if trial_id else None
        if trial is None:
            st.warning("That trial is no longer in the library.")
            return
    with components.guard("drafting the section"):
        redraft = st.button("Start again from a fresh draft", icon=":material/refresh:")
        _load_draft(trial, force=redraft)
    edited: dict[str, list[Statement]] = {}
    for role, label in ROLES.items():
        st.subheader(label, anchor=False)
        text = st.text_area(
            f"{label} (one bullet a line)",
            key=f"ed_{role}_{trial.trial_id}",
            height=160,
            label_visibility="collapsed",
        )
        statements = []
        with components.guard("checking the bullets"):
            for bullet in _bullets(text):
                check = _check(trial, role, bullet)
                statement = Statement(text=bullet, citations=check.evidence, check=check)
                statements.append(statement)
                _show_checked(statement)
            if not statements:
                st.caption("No bullets yet.")
        edited[role] = statements
    draft = FitDraft(
        trial_id=trial.trial_id,
        engine=f"{state.settings().engine}+editor",
        good_fit=edited.get("good_fit", []),
        not_fit=edited.get("not_fit", []),
    )
    counts = [s.check.verdict for ss in edited.values() for s in ss if s.check]
    if counts:
        st.caption(
            f"{counts.count('supported')} supported · {counts.count('unsupported')} not found · "
            f"{counts.count('contradicted')} contradicted"
        )
    st.subheader("Export", anchor=False)
    with components.guard("preparing the export"):
        cols = st.columns(3)
        files = components.fit_files(draft, trial)
        for col, (label, data, ext, mime) in zip(cols, files, strict=True):
            col.download_button(
                label, data, file_name=f"{trial.trial_id}-fit.{ext}", mime=mime, key=f"ed_dl_{ext}"
            )


main()
