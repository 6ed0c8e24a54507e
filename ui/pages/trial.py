"""Trial: the lay summary in the seed layout, each sentence marked and traceable to its source."""

from __future__ import annotations

import html

import streamlit as st

from summarizer.criteria import criteria_for
from summarizer.criteria.model import Constraint
from summarizer.models import LaySummary, SummarySection, Trial
from ui import components, printable, state

FACT_LISTS = {"quick_facts"}

st.title("Trial summary", anchor=False)
st.caption(
    "A plain-language summary written from the trial documents. Each sentence is marked with "
    "its check against the source (the marks are explained below the title); tap or hover over "
    "a sentence to see its source words, or open the sources under each section."
)


def _byline(trial: Trial) -> str:
    return html.escape(printable.facts_line(trial))


def _section(section: SummarySection, index: int) -> None:
    heading = html.escape(section.heading)
    # Reading-grade formulas measure prose; a list of "Label: value" facts is not prose.
    grade = ""
    if components.editor_view() and section.key not in FACT_LISTS:
        grade = components.grade_badge(section.grade)
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
        with st.expander(f"Sources for “{section.heading}”"):
            for number, statement in enumerate(cited, 1):
                verdict = statement.check.verdict if statement.check else None
                components.raw_html(
                    f"<p><b>{number}.</b> {html.escape(statement.text)} "
                    f"{components.verdict_badge(verdict)}</p>"
                )
                components.citations_block(statement.citations)


def _exports(summary: LaySummary, trial: Trial) -> None:
    st.subheader("Print or export", anchor=False)
    st.download_button(
        "Printable one-page summary",
        printable.printable_page(summary, trial),
        file_name=f"{summary.trial_id}-print.html",
        mime="text/html",
        key="dl_print",
        icon=":material/print:",
        help="Open the file and print it: one page with questions to ask the study team.",
    )
    cols = st.columns(3)
    name = summary.trial_id
    for col, (label, data, ext, mime) in zip(cols, components.summary_files(summary), strict=True):
        col.download_button(label, data, file_name=f"{name}.{ext}", mime=mime, key=f"dl_{ext}")


def _constraint_line(c: Constraint, prefix: str = "") -> str:
    bits = [c.kind.replace("_", " ")]
    if c.label or c.concept:
        bits.append(str(c.label or c.concept))
    if c.quantity is not None:
        q = c.quantity
        value = f"{q.value:g}" + (f"–{q.upper:g}" if q.upper is not None else "")
        bits.append(" ".join(x for x in (q.comparator, value, q.unit) if x))
    if c.window is not None:
        bits.append(f"{c.window.relation.replace('_', ' ')} {c.window.amount:g} {c.window.unit}")
    bits += [*c.states, *(["not"] if c.negated else [])]
    return (
        f"<li>{html.escape(prefix)}{html.escape(' · '.join(bits))}: "
        f"“{html.escape(' '.join(c.text.split()))}” "
        f"<small>({c.span.start}–{c.span.end})</small></li>"
    )


def _criteria_read(trial: Trial) -> None:
    """Editors: each criterion's typed constraints with their quoted words (issue 14)."""
    parsed = criteria_for(trial)
    if not parsed.criteria:
        return
    typed = sum(1 for c in parsed.criteria if c.typed)
    with st.expander("How the criteria were read"):
        st.caption(
            f"{len(parsed.criteria)} criteria, {typed} with a typed constraint; words no "
            "constraint covers are kept as text."
        )
        rows = []
        for top in parsed.criteria:
            for node in top.walk():
                ref = f"{node.kind} {node.number}" + "".join(f".{p}" for p in node.path)
                words = " ".join(trial.source.text[node.span.start : node.span.end].split())
                items = [_constraint_line(c) for c in node.constraints]
                items += [_constraint_line(c, "except ") for c in node.exceptions]
                if not items and not node.children:
                    items = ["<li>kept as text</li>"]
                rows.append(
                    f"<p><b>{html.escape(ref)}</b> “{html.escape(words[:300])}”</p>"
                    f"<ul>{''.join(items)}</ul>"
                )
        components.raw_html("".join(rows))


def _questions(summary: LaySummary) -> None:
    asked = printable.questions(summary)
    if asked:
        st.subheader("Questions to ask the study team", anchor=False)
        st.markdown("\n".join(f"- {components.md_escape(q)}" for q in asked))


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
        components.check_legend([s for sec in summary.sections for s in sec.statements])
        for index, section in enumerate(summary.sections):
            _section(section, index)
        _questions(summary)
        if components.editor_view():
            engine = components.md_escape(components.engine_label(summary.engine))
            st.caption(f"Written by the {engine} engine")
            _criteria_read(trial)
        _exports(summary, trial)


main()
