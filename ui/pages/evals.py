"""Evals: the latest eval report (written by ``trialsum eval``), failures first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

from ui import components, state

st.title("Evaluation")
st.caption(
    "How the current engine does on the eval cases: is every sentence supported by its source, "
    "is the reading grade at or below 8, does it say so when the documents don't say."
)


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _headline(report: dict[str, Any]) -> None:
    metrics: dict[str, Any] = report.get("metrics", {})
    thresholds: dict[str, Any] = report.get("thresholds", {})
    numeric = {k: v for k, v in metrics.items() if isinstance(v, int | float)}
    if not numeric:
        return
    cols = st.columns(min(4, len(numeric)))
    for i, (name, value) in enumerate(numeric.items()):
        goal = thresholds.get(name)
        delta = f"goal {goal}" if goal is not None else None
        cols[i % len(cols)].metric(name.replace("_", " ").capitalize(), f"{value:.3g}", delta)


def _cases(report: dict[str, Any]) -> None:
    cases: list[dict[str, Any]] = report.get("cases", [])
    if not cases:
        st.caption("The report lists no cases.")
        return
    failed = [c for c in cases if not c.get("passed", True)]
    st.subheader(f"Cases: {len(cases) - len(failed)} passed, {len(failed)} failed")
    rows = []
    for case in sorted(cases, key=lambda c: bool(c.get("passed", True))):
        row = {"Case": str(case.get("id", "")), "Passed": bool(case.get("passed", True))}
        for name, value in (case.get("metrics") or {}).items():
            if isinstance(value, int | float):
                row[name] = value
        reasons = case.get("failures") or case.get("reasons") or []
        row["Why it failed"] = "; ".join(str(r) for r in reasons)
        rows.append(row)
    st.dataframe(rows, hide_index=True)
    for metric in ("faithfulness", "grade", "reading_grade"):
        points = [{"Case": r["Case"], metric: r[metric]} for r in rows if metric in r]
        if points:
            st.markdown(f"**{metric.replace('_', ' ').capitalize()} per case**")
            st.bar_chart(points, x="Case", y=metric)


def main() -> None:
    with components.guard("reading the eval report"):
        path = state.eval_report_path()
        report = _load(path)
        if report is None:
            st.info(
                "No eval report yet. Run `trialsum eval` in a terminal, then come back here.",
                icon=":material/monitoring:",
            )
            return
        verdict = report.get("passed")
        if verdict is True:
            st.success("The last eval run passed every gate.", icon=":material/check_circle:")
        elif verdict is False:
            st.error("The last eval run failed at least one gate.", icon=":material/error:")
        _headline(report)
        _cases(report)
        st.caption(components.md_escape(f"Report: {path}"))


main()
