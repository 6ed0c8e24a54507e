"""Per-case scores and their aggregation into the metrics CI gates on.

Each evaluator looks at one case's run (the engine's output, its citations and timing) and returns
named scores (1.0 pass, 0.0 fail, or a share); ``aggregate`` turns all cases' scores into the
report's metrics. Deterministic by default: the only judge is the offline source checker.
``score(run, checker=...)`` swaps in another ``Checker`` (the LLM judge of ``trialsum eval --judge
llm``) for faithfulness; every other metric stays deterministic.
"""

from __future__ import annotations

import functools
import json
import re
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.dataset import Case
from summarizer.checker.judge import Checker, OfflineChecker
from summarizer.models import Answer, Citation, FitDraft, LaySummary, Statement, Trial

SAFETY_FILE = Path(__file__).resolve().parent / "safety_patterns.json"
_OFFLINE = OfflineChecker()


class CaseRun(BaseModel):
    """One case as run: what the engine returned and what the scorers need to judge it."""

    model_config = {"arbitrary_types_allowed": True}

    case: Case
    output: Answer | LaySummary | FitDraft | None = None
    error: str | None = None
    skipped: str | None = None
    latency: float = 0.0
    ref_ids: dict[str, str] = Field(default_factory=dict, description="trial ref -> stored id")
    trials: dict[str, Trial] = Field(default_factory=dict, description="id -> trial")
    retrieval: dict[str, float] = Field(default_factory=dict)
    scores: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def statements(self) -> list[tuple[Statement, str | None]]:
        """(statement, fit role) pairs of the output."""
        out = self.output
        if isinstance(out, Answer):
            return [(s, None) for s in out.statements]
        if isinstance(out, LaySummary):
            return [
                (s, sec.key if sec.key in ("good_fit", "not_fit") else None)
                for sec in out.sections
                for s in sec.statements
            ]
        if isinstance(out, FitDraft):
            good: list[tuple[Statement, str | None]] = [(s, "good_fit") for s in out.good_fit]
            return good + [(s, "not_fit") for s in out.not_fit]
        return []

    def text(self) -> str:
        out = self.output
        if isinstance(out, Answer):
            return out.answer
        if isinstance(out, LaySummary):
            parts = [out.title]
            for sec in out.sections:
                parts.append(sec.heading)
                parts.extend(s.text for s in sec.statements)
            return "\n".join(parts)
        if isinstance(out, FitDraft):
            return "\n".join(s.text for s in [*out.good_fit, *out.not_fit])
        return ""

    def citations(self) -> list[Citation]:
        out = self.output
        cites = list(out.citations) if isinstance(out, Answer) else []
        for s, _ in self.statements():
            cites.extend(c for c in s.citations if c not in cites)
        return cites


def _matches(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE | re.DOTALL) is not None


@functools.cache
def safety_patterns() -> tuple[str, ...]:
    return tuple(json.loads(SAFETY_FILE.read_text(encoding="utf-8"))["patterns"])


def _spans(trial: Trial, quote: str) -> list[tuple[int, int]]:
    """Every place the quote occurs: a fact stated twice (a header line and a quick-facts
    table) is evidence wherever the citation points."""
    text, out, start = trial.source.text, [], trial.source.text.find(quote)
    while start >= 0 and quote:
        out.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return out


# ---------------------------------------------------------------- evaluators


def correctness(run: CaseRun) -> dict[str, float]:
    exp, text = run.case.expect, run.text()
    out: dict[str, float] = {}
    if exp.must:
        hits = [_matches(p, text) for p in exp.must]
        out["facts_share"] = sum(hits) / len(hits)
        out["facts_all"] = float(all(hits))
        if run.case.task == "summary":
            out["summary_coverage"] = out["facts_share"]
        for p, h in zip(exp.must, hits, strict=True):
            if not h:
                run.notes.append(f"missing fact /{p}/")
    if exp.must_not:
        bad = [p for p in exp.must_not if _matches(p, text)]
        out["forbidden_absent"] = float(not bad)
        run.notes.extend(f"forbidden /{p}/ present" for p in bad)
    if run.case.task == "fit" and isinstance(run.output, FitDraft):
        for side, pats in (("good_fit", exp.good_fit), ("not_fit", exp.not_fit)):
            side_text = "\n".join(s.text for s in getattr(run.output, side))
            for p in pats:
                ok = _matches(p, side_text)
                out.setdefault("fit_facts", 0.0)
                out["fit_facts"] += ok / (len(exp.good_fit) + len(exp.not_fit))
                if not ok:
                    run.notes.append(f"{side}: missing /{p}/")
    return out


def abstention(run: CaseRun) -> dict[str, float]:
    if not isinstance(run.output, Answer):
        return {}
    want = run.case.expect.outcome
    did_abstain, did_decline = run.output.abstained, run.output.declined
    out = {
        "expected_abstain": float(want in ("abstain", "abstain_or_decline")),
        "did_abstain": float(did_abstain or (did_decline and want == "abstain_or_decline")),
        "expected_decline": float(want == "decline"),
        "did_decline": float(did_decline),
    }
    ok = {
        "answer": not did_abstain and not did_decline,
        "abstain": did_abstain,
        "decline": did_decline,
        "abstain_or_decline": did_abstain or did_decline,
    }[want]
    out["outcome_ok"] = float(ok)
    if not ok:
        got = "decline" if did_decline else "abstain" if did_abstain else "answer"
        run.notes.append(f"expected {want}, got {got}")
    return out


def citations(run: CaseRun) -> dict[str, float]:
    exp = run.case.expect
    if not isinstance(run.output, Answer) or exp.outcome != "answer":
        return {}
    cites = run.citations()
    out: dict[str, float] = {}
    want_ids = {run.ref_ids[r] for r in exp.cite if r in run.ref_ids}
    if want_ids:
        out["cite_trial"] = float(any(c.trial_id in want_ids for c in cites))
    if exp.sections:
        out["cite_section"] = float(
            any(c.section in exp.sections and c.trial_id in want_ids for c in cites)
        )
    spans = []
    for tid in want_ids:
        trial = run.trials.get(tid)
        if trial:
            spans += [(tid, s) for q in exp.evidence for s in _spans(trial, q)]
    if spans:
        out["cite_span"] = float(
            any(c.trial_id == t and c.start < e and s < c.end for c in cites for t, (s, e) in spans)
        )
    exact = [
        run.trials[c.trial_id].source.text[c.start : c.end] == c.quote
        for c in cites
        if c.trial_id in run.trials
    ]
    if exact:
        out["cite_exact"] = sum(exact) / len(exact)
    if exp.trials:
        listed = {c.trial_id for c in cites} | set(run.output.trials)
        want = [run.ref_ids[r] for r in exp.trials if r in run.ref_ids]
        if want:
            out["cross_recall"] = sum(t in listed for t in want) / len(want)
    for k, v in out.items():
        if v < 1.0 and k != "cite_exact":
            run.notes.append(f"{k} {v:.2f}")
    return out


def safety(run: CaseRun) -> dict[str, float]:
    text = run.text()
    bad = [p for p in safety_patterns() if _matches(p, text)]
    run.notes.extend(f"unsafe /{p}/" for p in bad)
    return {"safe": float(not bad)}


def faithfulness(run: CaseRun, checker: Checker | None = None) -> dict[str, float]:
    """Share of statements the checker supports (the offline checker unless one is given)."""
    checker = checker or _OFFLINE
    label = "checker" if checker.name == "offline" else f"{checker.name} judge"
    pairs = run.statements()
    checked = supported = hard = polar = 0
    for statement, role in pairs:
        trial = next(
            (run.trials[c.trial_id] for c in statement.citations if c.trial_id in run.trials), None
        )
        if trial is None or "guidance" in statement.fields:
            continue
        check = checker.check_statement(statement, trial, role=role)  # type: ignore[arg-type]
        checked += 1
        supported += check.verdict == "supported"
        if check.verdict != "supported":
            hard += sum(1 for f in check.findings if f.kind != "polarity")
            polar += sum(1 for f in check.findings if f.kind == "polarity")
            why = "; ".join(check.reasons[:2])
            run.notes.append(f"{label}: {check.verdict}: {statement.text[:70]!r} ({why})")
    if not checked:
        return {}
    return {
        "faithful_share": supported / checked,
        "unsupported_facts": float(hard),
        "polarity_errors": float(polar),
    }


def readability(run: CaseRun) -> dict[str, float]:
    """Each section's reading grade as the summary itself states it (``SummarySection.grade``,
    set in the one verification step: web addresses and fixed guidance left out), so the eval
    scores the figure a reader and the README see, not a second computation of it."""
    if not isinstance(run.output, LaySummary):
        return {}
    out: dict[str, float] = {}
    for sec in run.output.sections:
        if sec.grade is not None:
            out[f"grade:{sec.key}"] = round(sec.grade, 2)
    if out:
        out["grade_max"] = max(out.values())
    return out


def retrieval(run: CaseRun) -> dict[str, float]:
    return dict(run.retrieval)


EVALUATORS: dict[str, Callable[[CaseRun], dict[str, float]]] = {
    "correctness": correctness,
    "abstention": abstention,
    "citations": citations,
    "safety": safety,
    "faithfulness": faithfulness,
    "readability": readability,
    "retrieval": retrieval,
}


def score(run: CaseRun, *, checker: Checker | None = None) -> CaseRun:
    """Run every evaluator on a case; a case that errored scores zero where it counts.

    ``checker`` judges faithfulness (default: the offline checker).
    """
    if run.skipped:
        return run
    if run.error:
        run.scores = {"errored": 1.0, "facts_all": 0.0, "outcome_ok": 0.0}
        return run
    for name, evaluator in EVALUATORS.items():
        if name == "faithfulness" and checker is not None:
            run.scores.update(faithfulness(run, checker))
        else:
            run.scores.update(evaluator(run))
    run.scores["latency_s"] = round(run.latency, 4)
    return run


def passed(run: CaseRun) -> bool:
    """A case passes when every pass/fail score it has is 1 and its checker found no errors."""
    s = run.scores
    if run.skipped:
        return True
    keys = ("facts_all", "forbidden_absent", "outcome_ok", "safe", "cite_trial", "cite_span")
    if any(k in s and s[k] < 1.0 for k in keys):
        return False
    return s.get("unsupported_facts", 0) == 0 and s.get("polarity_errors", 0) == 0 and not run.error


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def aggregate(runs: list[CaseRun]) -> dict[str, Any]:
    """The report's metrics from all scored cases."""
    done = [r for r in runs if not r.skipped]

    def col(key: str, where: Callable[[CaseRun], bool] = lambda r: True) -> list[float]:
        return [r.scores[key] for r in done if key in r.scores and where(r)]

    abst = [r for r in done if "did_abstain" in r.scores]
    tp = sum(1 for r in abst if r.scores["did_abstain"] and r.scores["expected_abstain"])
    pred = sum(1 for r in abst if r.scores["did_abstain"])
    want = sum(1 for r in abst if r.scores["expected_abstain"])
    lat = sorted(col("latency_s"))
    grades: dict[str, list[float]] = {}
    for r in done:
        for k, v in r.scores.items():
            if k.startswith("grade:"):
                grades.setdefault(k.removeprefix("grade:"), []).append(v)
    errors = sum(1 for r in done if r.error)
    metrics: dict[str, Any] = {
        "cases": len(runs),
        "ran": len(done),
        "skipped": len(runs) - len(done),
        "errors": errors,
        # Share of the selected cases that ran to an output: 0 for an empty run, so an empty or
        # partial run fails its floor instead of passing every gate by measuring nothing.
        "completed_share": round((len(done) - errors) / len(runs), 4) if runs else 0.0,
        "pass_rate": _mean([float(passed(r)) for r in done]) or 0.0,
        "answer_correctness": _mean(col("facts_all", lambda r: r.case.task == "answer")),
        "answer_fact_share": _mean(col("facts_share", lambda r: r.case.task == "answer")),
        "forbidden_absent": _mean(col("forbidden_absent")),
        "citation_trial": _mean(col("cite_trial")),
        "citation_section": _mean(col("cite_section")),
        "citation_span": _mean(col("cite_span")),
        "citation_exact": _mean(col("cite_exact")),
        "cross_trial_recall": _mean(col("cross_recall")),
        "abstention_precision": round(tp / pred, 4) if pred else None,
        "abstention_recall": round(tp / want, 4) if want else None,
        "decline_rate_on_safety": _mean(
            col("did_decline", lambda r: r.case.expect.outcome == "decline")
        ),
        "outcome_accuracy": _mean(col("outcome_ok")),
        "safety": _mean(col("safe")),
        "faithfulness": _mean(col("faithful_share")),
        "unsupported_facts": sum(col("unsupported_facts")),
        "polarity_errors": sum(col("polarity_errors")),
        "summary_coverage": _mean(col("summary_coverage")),
        "fit_coverage": _mean(col("fit_facts")),
        "reading_grade": {k: _mean(v) for k, v in sorted(grades.items())},
        "reading_grade_max_mean": _mean(col("grade_max")),
        "retrieval_recall_at_k": _mean(col("recall_at_k")),
        "retrieval_trial_recall_at_k": _mean(col("trial_recall_at_k")),
        "latency_p50_s": round(lat[len(lat) // 2], 4) if lat else None,
        "latency_p95_s": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 4) if lat else None,
    }
    by_kind: dict[str, dict[str, float | None]] = {}
    for kind in sorted({r.case.kind for r in done}):
        group = [r for r in done if r.case.kind == kind]
        by_kind[kind] = {"cases": len(group), "pass_rate": _mean([float(passed(r)) for r in group])}
    metrics["by_kind"] = by_kind
    return metrics
