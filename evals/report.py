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

from evals.runner import Report

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
    return "\n".join(lines) + "\n"


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;vertical-align:top}.fail{background:#fde8e8}.pass{background:#eefbea}"
    ".skipped{background:#f3f3f3;color:#666}details{max-width:600px}"
)


def to_html(report: Report) -> str:
    e = html.escape
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
        f"{gate_rows}</table>"
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
