"""Trial: the lay summary in the seed layout, each sentence marked and traceable to its source."""

from __future__ import annotations

import html

import streamlit as st

from summarizer.models import LaySummary, SummarySection, Trial
from ui import components, state

FACT_LISTS = {"quick_facts"}

st.title("Trial summary", anchor=False)
st.caption(
    "A plain-language summary written from the trial documents. Sentences underlined in green "
    "were matched to the source: hover over one to see its words, or open the sources under "
    "each section. Sentences that could not be matched are shaded and flagged."
)


def _byline(trial: Trial) -> str:
    parts = [
        "; ".join(p.value for p in trial.phases),
        trial.sponsor.value if trial.sponsor else "",
        trial.nct_id.value if trial.nct_id else "",
        trial.status.value.replace("_", " ").capitalize() if trial.status else "",
    ]
    return " · ".join(html.escape(p) for p in parts if p)


def _section(section: SummarySection, index: int) -> None:
    heading = html.escape(section.heading)
    # Reading-grade formulas measure prose; a list of "Label: value" facts is not prose.
    grade = "" if section.key in FACT_LISTS else components.grade_badge(section.grade)
    components.raw_html(f"<h3>{heading} {grade}</h3>")
    if not section.statements:
        st.caption("The documents don't say.")
        return
    as_list = section.key in {"quick_facts", "eligibility", "good_fit", "not_fit"}
    items = [components.statement_html(s) for s in section.statements]
    if as_list:
        components.raw_html("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    else:
        components.raw_html("<p>" + " ".join(items) + "</p>")
    cited = [s for s in section.statements if s.citations]
    if cited:
        with st.popover(f"Sources for “{section.heading}”"):
            for number, statement in enumerate(cited, 1):
                verdict = statement.check.verdict if statement.check else None
                components.raw_html(
                    f"<p><b>{number}.</b> {html.escape(statement.text)} "
                    f"{components.verdict_badge(verdict)}</p>"
                )
                components.citations_block(statement.citations)


def _exports(summary: LaySummary) -> None:
    st.subheader("Export", anchor=False)
    cols = st.columns(3)
    name = summary.trial_id
    for col, (label, data, ext, mime) in zip(cols, components.summary_files(summary), strict=True):
        col.download_button(label, data, file_name=f"{name}.{ext}", mime=mime, key=f"dl_{ext}")


def main() -> None:
    with components.guard("opening the trial library"):
        if not components.trial_titles():
            components.no_trials_note()
            return
        trial_id = components.pick_trial("trial_pick")
        if trial_id is None:
            return
        trial = components.get_trial(trial_id)
        if trial is None:
            st.warning("That trial is no longer in the library.")
            return
    with components.guard("writing the summary"):
        engine_name = state.settings().engine
        with st.spinner("Writing the summary…"):
            summary = state.memo(
                f"summary:{engine_name}:{trial_id}:{trial.source.sha256}",
                lambda: state.assistant(engine_name).summarize(trial.trial_id),
            )
        st.header(
            components.md_escape(summary.title), anchor=False
        )  # document text, never markdown
        byline = _byline(trial)
        if byline:
            components.raw_html(f'<div class="ts-meta">{byline}</div>')
        for index, section in enumerate(summary.sections):
            _section(section, index)
        st.caption(
            f"Written by the {components.md_escape(components.engine_label(summary.engine))} engine"
        )
        _exports(summary)


main()
