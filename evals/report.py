"""The eval report as JSON (what CI and the baseline keep), Markdown and HTML (what people read).

Failures come first, then passes, then skipped cases; each case shows its scores and why it failed.
The header names the faithfulness judge (offline checker or LLM judge): scores from different
judges are not comparable.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from evals.runner import Report, SuiteResult

HEADLINE = (
    "cases",
    "completed_share",
    "pass_rate",
    "answer_correctness",
    "citation_trial",
    "citation_span",
    "cross_trial_recall",
    "abstention_precision",
    "abstention_recall",
    "outcome_accuracy",
    "safety",
    "faithfulness",
    "unsupported_facts",
    "polarity_errors",
    "summary_coverage",
    "fit_coverage",
    "reading_grade_max_mean",
    "retrieval_recall_at_k",
    "retrieval_trial_recall_at_k",
    "latency_p50_s",
    "latency_p95_s",
)


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return str(value)


def headline(report: Report) -> list[tuple[str, str]]:
    return [(k, fmt(report.metrics.get(k))) for k in HEADLINE]


def to_markdown(report: Report) -> str:
    if not report.metrics:  # only other suites ran
        head = [f"# trialsum eval: {report.engine} engine", ""]
        status = (
            f"**{'PASS' if report.ok else 'FAIL'}** · {report.seconds:.1f} s · {report.created}"
        )
        return "\n".join([*head, status, "", *_suites_markdown(report.suites)])
    m = report.metrics
    lines = [
        f"# trialsum eval: {report.engine} engine",
        "",
        f"**{'PASS' if report.ok else 'FAIL'}** · {m['ran']} cases run, {m['skipped']} skipped, "
        f"{m['errors']} errors · {report.seconds:.1f} s · {report.created}",
        "",
        f"Faithfulness judge: **{report.judge}**{_judge_detail(report)}",
        "",
        "## Metrics",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in headline(report)],
        "",
        "Reading grade per section: "
        + ", ".join(f"{k} {fmt(v)}" for k, v in m.get("reading_grade", {}).items()),
        "",
        "## Gates",
        "",
        "| metric | rule | limit | value | ok |",
        "|---|---|---|---|---|",
        *[
            f"| {g.metric} | {g.rule} | {fmt(g.limit)} | {fmt(g.value)} | {_tick(g.ok)} |"
            for g in sorted(report.gates, key=lambda g: g.ok)
        ],
        "",
        "## By kind",
        "",
        "| kind | cases | pass rate |",
        "|---|---|---|",
        *[
            f"| {k} | {v['cases']} | {fmt(v['pass_rate'])} |"
            for k, v in m.get("by_kind", {}).items()
        ],
        "",
        "## Cases (failures first)",
        "",
        "| case | kind | status | key scores | notes |",
        "|---|---|---|---|---|",
    ]
    for row in report.cases:
        scores = ", ".join(
            f"{k} {fmt(v)}"
            for k, v in row["scores"].items()
            if k in ("facts_all", "outcome_ok", "cite_span", "safe", "faithful_share")
        )
        notes = "; ".join(row["notes"][:3]) or (row["skipped"] or row["error"] or "")
        notes = notes.replace("|", "\\|")
        lines.append(f"| {row['id']} | {row['kind']} | {row['status']} | {scores} | {notes} |")
    at = lines.index("## Cases (failures first)")  # the other suites' gates before the long list
    lines[at:at] = _suites_markdown(report.suites)
    return "\n".join(lines) + "\n"


def suite_line(suite: SuiteResult) -> str:
    """One line per suite: status, time, and why it was skipped or could not run."""
    why = f": {suite.reason}" if suite.reason else ""
    return f"{suite.name}: {suite.status.upper()}{why} ({suite.seconds:.1f} s)"


def _flat(figures: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in figures.items():
        if isinstance(v, dict):
            out += _flat(v, f"{prefix}{k}.")
        elif not isinstance(v, list):
            out.append((f"{prefix}{k}", v))
    return out


def _suites_markdown(suites: list[SuiteResult]) -> list[str]:
    lines: list[str] = []
    for suite in suites:
        lines += [f"## Suite: {suite.name}", "", f"**{suite_line(suite)}**", ""]
        lines += [f"- {n}" for n in suite.notes] + ([""] if suite.notes else [])
        if suite.gates:
            lines += ["| metric | rule | limit | value | ok |", "|---|---|---|---|---|"]
            lines += [
                f"| {g.metric} | {g.rule} | {fmt(g.limit)} | {fmt(g.value)} | {_tick(g.ok)} |"
                for g in sorted(suite.gates, key=lambda g: g.ok)
            ]
            lines.append("")
        if suite.figures:
            lines += ["| figure | value |", "|---|---|"]
            lines += [f"| {k} | {fmt(v)} |" for k, v in _flat(suite.figures)]
            lines.append("")
    return lines


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;vertical-align:top}.fail{background:#fde8e8}.pass{background:#eefbea}"
    ".skipped{background:#f3f3f3;color:#666}details{max-width:600px}"
)


def _suites_html(suites: list[SuiteResult]) -> str:
    e = html.escape
    parts = []
    for suite in suites:
        css = {"pass": "pass", "fail": "fail"}.get(suite.status, "skipped")
        gates = "".join(
            f"<tr class='{'pass' if g.ok else 'fail'}'><td>{e(g.metric)}</td><td>{e(g.rule)}</td>"
            f"<td>{e(fmt(g.limit))}</td><td>{e(fmt(g.value))}</td></tr>"
            for g in sorted(suite.gates, key=lambda g: g.ok)
        )
        figures = "".join(
            f"<tr><th>{e(k)}</th><td>{e(fmt(v))}</td></tr>" for k, v in _flat(suite.figures)
        )
        notes = "".join(f"<li>{e(n)}</li>" for n in suite.notes)
        parts.append(
            f"<h2>Suite: {e(suite.name)}</h2><p class='{css}'>{e(suite_line(suite))}</p>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + (
                "<table><tr><th>metric</th><th>rule</th><th>limit</th><th>value</th></tr>"
                f"{gates}</table>"
                if gates
                else ""
            )
            + (f"<table>{figures}</table>" if figures else "")
        )
    return "".join(parts)


def to_html(report: Report) -> str:
    e = html.escape
    if not report.metrics:  # only other suites ran
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>trialsum eval</title>"
            f"<style>{_CSS}</style></head><body>"
            f"<h1>trialsum eval: {e(report.engine)} engine — {'PASS' if report.ok else 'FAIL'}</h1>"
            f"<p>{report.seconds:.1f} s · {e(report.created)}</p>"
            f"{_suites_html(report.suites)}</body></html>\n"
        )
    m = report.metrics
    metric_rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in headline(report))
    gate_rows = "".join(
        f"<tr class='{'pass' if g.ok else 'fail'}'><td>{e(g.metric)}</td><td>{e(g.rule)}</td>"
        f"<td>{e(fmt(g.limit))}</td><td>{e(fmt(g.value))}</td></tr>"
        for g in sorted(report.gates, key=lambda g: g.ok)
    )
    case_rows = []
    for row in report.cases:
        notes = "<br>".join(e(n) for n in row["notes"]) or e(row["skipped"] or row["error"] or "")
        scores = "<br>".join(f"{e(k)}: {e(fmt(v))}" for k, v in row["scores"].items())
        output = e(row["output"] or "")
        case_rows.append(
            f"<tr class='{row['status']}'><td>{e(row['id'])}</td><td>{e(row['kind'])}</td>"
            f"<td>{e(row['status'])}</td><td>{e(row['question'] or row['trial'] or '')}</td>"
            f"<td>{notes}</td><td><details><summary>scores</summary>{scores}</details>"
            f"<details><summary>output</summary><pre style='white-space:pre-wrap'>{output}</pre>"
            "</details></td></tr>"
        )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>trialsum eval</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>trialsum eval: {e(report.engine)} engine — {'PASS' if report.ok else 'FAIL'}</h1>"
        f"<p>{m['ran']} cases run, {m['skipped']} skipped, {m['errors']} errors · "
        f"{report.seconds:.1f} s · {e(report.created)}</p>"
        f"<p>Faithfulness judge: <b>{e(report.judge)}</b>{e(_judge_detail(report))}</p>"
        f"<h2>Metrics</h2><table>{metric_rows}</table>"
        f"<h2>Gates</h2><table><tr><th>metric</th><th>rule</th><th>limit</th><th>value</th></tr>"
        f"{gate_rows}</table>{_suites_html(report.suites)}"
        f"<h2>Cases (failures first)</h2><table><tr><th>case</th><th>kind</th><th>status</th>"
        f"<th>question / trial</th><th>why</th><th>details</th></tr>{''.join(case_rows)}</table>"
        "</body></html>\n"
    )


def write(report: Report, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "report.json",
        "md": out_dir / "report.md",
        "html": out_dir / "report.html",
    }
    paths["json"].write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    paths["md"].write_text(to_markdown(report), encoding="utf-8")
    paths["html"].write_text(to_html(report), encoding="utf-8")
    return paths


def baseline_payload(report: Report) -> str:
    """What ``--update-baseline`` keeps: the metrics and per-case status, without outputs."""
    keep = {
        "engine": report.engine,
        "judge": report.judge,
        "created": report.created,
        "metrics": report.metrics,
        "cases": {row["id"]: row["status"] for row in report.cases},
    }
    return json.dumps(keep, indent=2, sort_keys=True) + "\n"


def _judge_detail(report: Report) -> str:
    """The judge's model and endpoint, for an LLM-judged run ('' for the offline checker)."""
    detail = report.setup.get("judge")
    return f" ({detail})" if detail else ""


def _tick(ok: bool) -> str:
    return "✅" if ok else "❌"
