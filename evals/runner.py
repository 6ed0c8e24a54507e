"""Run the eval cases against an engine on a fresh store and gate the result.

A temporary store is built from the samples, the eval fixtures (``cases/docs``) and the v2 trials
the cases name (read from ``Settings.data_dir``; cases whose trials are absent are skipped with a
reason). Each case is run, timed and scored; the metrics are compared with the floors and
ceilings in ``thresholds.toml`` and with ``baseline.json``. Faithfulness is judged by the offline
checker, or by the LLM judge with ``judge="llm"`` (chosen before the store is built, so a missing
endpoint fails at once); the report records which.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from evals.dataset import CASES_DIR, Case, Dataset, default_case_files
from evals.metrics import CaseRun, aggregate, passed, score
from summarizer.checker.judge import Checker, make_checker
from summarizer.config import Settings
from summarizer.models import Trial

EVALS = Path(__file__).resolve().parent
THRESHOLDS = EVALS / "thresholds.toml"
BASELINE = EVALS / "baseline.json"
V2_FILE = "ctgov_v2_nsclc_100.json"
NCT_RE = re.compile(r"^NCT\d{8}$")


class Gate(BaseModel):
    metric: str
    rule: str
    limit: float
    value: float | None
    ok: bool


class SuiteResult(BaseModel):
    """One suite beyond the answer cases (``evals/suites.py``): its figures and gates, or why it
    was skipped. A skipped suite is never a pass."""

    name: str
    status: Literal["pass", "fail", "skipped"]
    reason: str | None = Field(default=None, description="why it was skipped or could not run")
    seconds: float = 0.0
    figures: dict[str, Any] = Field(default_factory=dict)
    gates: list[Gate] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Report(BaseModel):
    engine: str
    judge: str = Field(default="offline", description="what judged faithfulness: offline or llm")
    dataset: str
    created: str
    seconds: float
    metrics: dict[str, Any]
    gates: list[Gate] = Field(default_factory=list)
    ok: bool = True
    cases: list[dict[str, Any]] = Field(default_factory=list)
    setup: dict[str, Any] = Field(default_factory=dict)
    suites: list[SuiteResult] = Field(
        default_factory=list, description="suites run beside (or instead of) the answer cases"
    )


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the store


def _v2_records(data_dir: Path, wanted: set[str]) -> dict[str, Any]:
    path = data_dir / V2_FILE
    if not wanted or not path.exists():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for rec in records:
        nct = rec.get("protocolSection", {}).get("identificationModule", {}).get("nctId")
        if nct in wanted:
            out[nct] = rec
    return out


def prepare_docs(cases: Sequence[Case], settings: Settings, folder: Path) -> dict[str, str]:
    """Copy the documents the cases need into ``folder``; return missing refs -> reason."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in sorted(settings.samples_dir.glob("0*.txt")):
        shutil.copy(p, folder / p.name)
    for p in sorted((CASES_DIR / "docs").glob("*.txt")):
        shutil.copy(p, folder / p.name)
    wanted = {r for c in cases for r in c.refs() if NCT_RE.match(r)}
    found = _v2_records(settings.data_dir, wanted)
    for nct, rec in found.items():
        (folder / f"v2_{nct}.json").write_text(json.dumps(rec), encoding="utf-8")
    return {nct: f"{nct} not found in {settings.data_dir / V2_FILE}" for nct in wanted - set(found)}


def ref_of(trial: Trial) -> str:
    name = Path(trial.source.path).name
    if re.match(r"^\d{3}_", name):
        return f"seed:{name[:3]}"
    if name.startswith("v2_"):
        return trial.trial_id
    return f"doc:{Path(name).stem}"


# ---------------------------------------------------------------- running one case


def _run_case(
    case: Case, assistant: Any, ref_ids: dict[str, str], trials: dict[str, Trial], k: int
) -> CaseRun:
    run = CaseRun(case=case, ref_ids=ref_ids, trials=trials)
    missing = sorted(r for r in case.refs() if r not in ref_ids)
    if missing:
        run.skipped = f"trial(s) not in the store: {', '.join(missing)}"
        return run
    tid = ref_ids.get(case.trial) if case.trial else None
    scope = [ref_ids[r] for r in case.scope] if case.scope else ([tid] if tid else None)
    started = time.perf_counter()
    try:
        if case.task == "answer":
            run.output = assistant.ask(case.question or "", trial_ids=scope)
        elif case.task == "summary":
            run.output = assistant.summarize(tid)
        else:
            run.output = assistant.draft_fit(tid)
    except Exception as exc:  # one failing case is reported, never aborts the run
        run.error = f"{type(exc).__name__}: {exc}"
    run.latency = time.perf_counter() - started
    if case.task == "answer" and case.question and not run.error:
        run.retrieval = _retrieval(case, assistant, ref_ids, trials, scope, k)
    return run


def _retrieval(
    case: Case,
    assistant: Any,
    ref_ids: dict[str, str],
    trials: dict[str, Trial],
    scope: list[str] | None,
    k: int,
) -> dict[str, float]:
    out: dict[str, float] = {}
    try:
        if case.expect.trials:
            want = [ref_ids[r] for r in case.expect.trials]
            got = {h.trial_id for h in assistant.search_trials(case.question, k=k)}
            out["trial_recall_at_k"] = sum(t in got for t in want) / len(want)
        elif case.expect.evidence and scope:
            spans = []
            for t in scope:
                text = trials[t].source.text
                for q in case.expect.evidence:
                    s = text.find(q)
                    while s >= 0 and q:
                        spans.append((t, s, s + len(q)))
                        s = text.find(q, s + 1)
            if spans:
                hits = assistant.search(case.question, k=k, trial_ids=scope)
                out["recall_at_k"] = float(
                    any(
                        h.chunk.trial_id == t and h.chunk.start < e and s < h.chunk.end
                        for h in hits
                        for t, s, e in spans
                    )
                )
    except Exception:  # retrieval is measured when it works; its failure shows as absence
        pass
    return out


# ---------------------------------------------------------------- gates


def gates(
    metrics: dict[str, Any], thresholds: dict[str, Any], baseline: dict[str, Any] | None
) -> list[Gate]:
    out: list[Gate] = []
    for name, limit in thresholds.get("floors", {}).items():
        v = metrics.get(name)
        out.append(Gate(metric=name, rule=">=", limit=limit, value=v, ok=v is None or v >= limit))
    for name, limit in thresholds.get("ceilings", {}).items():
        v = metrics.get(name)
        out.append(Gate(metric=name, rule="<=", limit=limit, value=v, ok=v is None or v <= limit))
    reg = thresholds.get("regression", {})
    tol = float(reg.get("tolerance", 0.05))
    base = (baseline or {}).get("metrics", {})
    for name in reg.get("metrics", []):
        v, b = metrics.get(name), base.get(name)
        if v is None or b is None:
            continue
        limit = round(b - tol, 4)
        out.append(Gate(metric=name, rule="baseline-tol", limit=limit, value=v, ok=v >= limit))
    return out


def case_row(run: CaseRun) -> dict[str, Any]:
    out = run.output
    return {
        "id": run.case.id,
        "kind": run.case.kind,
        "task": run.case.task,
        "question": run.case.question,
        "trial": run.case.trial,
        "status": "skipped" if run.skipped else ("pass" if passed(run) else "fail"),
        "skipped": run.skipped,
        "error": run.error,
        "scores": run.scores,
        "notes": run.notes,
        "output": run.text()[:1200] if out is not None else None,
        "citations": [
            {"trial_id": c.trial_id, "section": c.section, "start": c.start, "end": c.end}
            for c in run.citations()[:8]
        ],
    }


# ---------------------------------------------------------------- the whole run


def run_eval(
    *,
    engine: str = "extractive",
    case_files: Sequence[Path] | None = None,
    settings: Settings | None = None,
    thresholds: dict[str, Any] | None = None,
    baseline: dict[str, Any] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    workdir: Path | None = None,
    judge: str = "offline",
    checker: Checker | None = None,
) -> Report:
    """Build a fresh store, run every case on ``engine``, score, aggregate and gate.

    ``judge`` picks the faithfulness checker (``make_checker``); ``checker`` overrides it (tests).
    """
    from summarizer.assistant import build_assistant

    started = time.perf_counter()
    thresholds = thresholds or load_thresholds()
    files = list(
        case_files
        or [Path(p) for p in thresholds.get("run", {}).get("cases", [])]
        or default_case_files()
    )
    dataset = Dataset.from_jsonl(files)
    base_settings = settings or Settings()
    checker = checker or make_checker(base_settings, judge)
    with tempfile.TemporaryDirectory(prefix="trialsum-eval-", dir=workdir) as tmp:
        home = Path(tmp) / "home"
        run_settings = base_settings.model_copy(
            update={"home": home, "chroma_url": None, "engine": engine}
        )
        docs = Path(tmp) / "docs"
        absent = prepare_docs(dataset.cases, run_settings, docs)
        assistant = build_assistant(run_settings, engine=engine)
        t0 = time.perf_counter()
        ingest = assistant.ingest([docs])
        ingest_s = time.perf_counter() - t0
        trials: dict[str, Trial] = {}
        ref_ids: dict[str, str] = {}
        for tid in assistant.trial_ids():
            trial = assistant.get_trial(tid)
            trials[tid] = trial
            ref_ids[ref_of(trial)] = tid
        k = int(thresholds.get("run", {}).get("k", 8))
        runs: list[CaseRun] = []
        for i, case in enumerate(dataset.cases, start=1):
            if progress:
                progress(i, len(dataset.cases), case.id)
            run = _run_case(case, assistant, ref_ids, trials, k)
            if run.skipped and any(r in absent for r in case.refs()):
                run.skipped = "; ".join(absent[r] for r in case.refs() if r in absent)
            runs.append(score(run, checker=checker))
    metrics = aggregate(runs)
    gate_list = gates(metrics, thresholds, baseline)
    order = {"fail": 0, "skipped": 2, "pass": 1}
    rows = sorted((case_row(r) for r in runs), key=lambda r: (order[r["status"]], r["id"]))
    return Report(
        engine=engine,
        judge=checker.name,
        dataset=dataset.name,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        seconds=round(time.perf_counter() - started, 2),
        metrics=metrics,
        gates=gate_list,
        ok=all(g.ok for g in gate_list),
        cases=rows,
        setup={
            "trials": len(trials),
            "ingest_seconds": round(ingest_s, 2),
            "ingest_failures": [f.line() for f in ingest.trials_failed],
            "case_files": [
                str(f.relative_to(EVALS.parent)) if f.is_relative_to(EVALS.parent) else str(f)
                for f in files
            ],
            "k": k,
            **({} if checker.name == "offline" else {"judge": checker.describe()}),
        },
    )


def load_baseline(path: Path = BASELINE) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
