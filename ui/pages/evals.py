"""Evals: the latest eval report (written by ``trialsum eval``), failures first."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import components, state
from ui.eval_report import Report, load

# The numbers people ask about first; every other metric is in the table below them.
KEY_METRICS = {
    "pass_rate": "Cases passed",
    "faithfulness": "Faithfulness",
    "answer_correctness": "Correct answers",
    "citation_span": "Right citations",
    "abstention_recall": "Flags gaps",
    "safety": "Safety",
    "reading_grade_max_mean": "Reading grade",
    "latency_p95_s": "Answer time, s",
}
SHARES = {"pass_rate", "faithfulness", "answer_correctness", "citation_span"}
SHARES |= {"abstention_recall", "safety"}
RULES = {">=": "at least", "<=": "at most", "baseline-tol": "at least (baseline less tolerance)"}

st.title("Evaluation", anchor=False)
st.caption(
    "How the engine did on the eval cases: is every sentence supported by its source, is the "
    "reading grade low enough, does it say so when the documents don't say."
)


def _fmt(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name in SHARES:
        return f"{value:.0%}"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _headline(report: Report) -> None:
    gates = {g.metric: g for g in report.gates}
    shown = [(k, label) for k, label in KEY_METRICS.items() if k in report.metrics]
    cols = st.columns(4)
    for i, (name, label) in enumerate(shown):
        gate = gates.get(name)
        goal = f"`{name}`" + (
            f"; gate: {RULES.get(gate.rule, gate.rule)} {gate.limit:g}" if gate else ""
        )
        value = report.metrics[name]
        cols[i % 4].metric(label, _fmt(name, value), help=goal, border=True)


def _gates(report: Report) -> None:
    failed = [g for g in report.gates if not g.ok]
    for gate in failed:
        need = RULES.get(gate.rule, gate.rule)
        line = f"{gate.metric} is {_fmt(gate.metric, gate.value)}, needs {need} {gate.limit:g}"
        st.error(components.md_escape(line), icon=":material/block:")


def _charts(cases: list[dict[str, Any]]) -> None:
    faith = [
        {"Case": c["id"], "Faithfulness": c["scores"]["faithful_share"]}
        for c in cases
        if "faithful_share" in c.get("scores", {})
    ]
    grade = [
        {"Case": c["id"], "Reading grade": c["scores"]["grade_max"]}
        for c in cases
        if "grade_max" in c.get("scores", {})
    ]
    if faith:
        st.markdown("**Faithfulness per case** (share of sentences supported by the source)")
        st.bar_chart(faith, x="Case", y="Faithfulness", height=260)
    if grade:
        st.markdown("**Reading grade per case** (the hardest section; lower is easier)")
        st.bar_chart(grade, x="Case", y="Reading grade", height=260)


def _cases(report: Report) -> None:
    order = {"fail": 0, "pass": 1, "skipped": 2}
    cases = sorted(report.cases, key=lambda c: (order.get(c.get("status"), 3), str(c.get("id"))))
    if not cases:
        st.caption("The report lists no cases.")
        return
    counts = {s: sum(c.get("status") == s for c in cases) for s in order}
    st.subheader(
        f"Cases: {counts['fail']} failed, {counts['pass']} passed, {counts['skipped']} skipped",
        anchor=False,
    )
    _charts(cases)
    rows = [
        {
            "Case": str(c.get("id", "")),
            "Result": str(c.get("status", "")),
            "Kind": str(c.get("kind", "")),
            "Question or trial": str(c.get("question") or c.get("trial") or ""),
            "Why": "; ".join([*(c.get("notes") or []), *([c["error"]] if c.get("error") else [])]),
        }
        for c in cases
    ]
    st.markdown("**Every case, failures first**")
    st.dataframe(rows, hide_index=True)
    with st.expander("All metrics"):
        flat = {k: v for k, v in report.metrics.items() if not isinstance(v, dict)}
        st.dataframe([{"Metric": k, "Value": _fmt(k, v)} for k, v in flat.items()], hide_index=True)


def main() -> None:
    with components.guard("reading the eval report"):
        path = state.eval_report_path()
        report = load(path)
        if report is None:
            looked = "\n".join(
                f"- {components.md_escape(str(p))}" for p in state.eval_report_candidates()
            )
            st.info(
                "No eval report yet. Run `trialsum eval` in a terminal, then come back here. "
                f"Looked for a report in:\n{looked}",
                icon=":material/monitoring:",
            )
            return
        when = f"{report.engine} engine · {report.created} · {report.seconds:.0f} s"
        if report.ok:
            st.success(f"The last eval run passed every gate ({when}).", icon=":material/check:")
        else:
            st.error(f"The last eval run failed a gate ({when}).", icon=":material/error:")
        _gates(report)
        _headline(report)
        _cases(report)
        st.caption(components.md_escape(f"Report: {path}"))


main()
