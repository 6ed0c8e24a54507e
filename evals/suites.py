"""The suites of ``trialsum eval`` beyond the answer cases, each scored and gated on its own.

- ``criteria``: the held-out (report) half of the two criteria sets of issue 14: questions about
  oneself (right direction and criterion, at the floor of tests/evals/test_self_eligibility_gate.py)
  and editor fit bullets (false alarms and catch rate per kind of planted mistake, at the limits
  of ``evals/criteria/fit_bullets_gate.toml``).
- ``crosstrial``: the CI slice of the cross-trial set's report half, at the floors of
  ``evals/crosstrial/thresholds.toml``.
- ``handwritten``: the report half of the hand-written questions (``evals/handwritten/``), at the
  floors and ceilings of ``evals/handwritten/thresholds.toml``.

Both read the shared data (``Settings.data_dir``); without it a suite is skipped, and a skipped
suite is reported as such, never as a pass. As with the answer cases, a run that scores nothing,
or fails to score an item it selected, fails. ``limit`` scores only the first items of each set
(fit bullets: the first of each kind of mistake and of right ones), for a quick look and the CLI
test: gates with nothing to measure in that subset are left out and named in the notes.
"""

from __future__ import annotations

import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from evals.runner import Gate, Report, SuiteResult
from evals.unseen.records import data_present
from summarizer.config import Settings

HERE = Path(__file__).resolve().parent
FIT_GATE = HERE / "criteria" / "fit_bullets_gate.toml"
CROSSTRIAL_THRESHOLDS = HERE / "crosstrial" / "thresholds.toml"
HANDWRITTEN_THRESHOLDS = HERE / "handwritten" / "thresholds.toml"
# The floor of tests/evals/test_self_eligibility_gate.py: the report-half figure when that gate
# was last measured minus a small tolerance (0.699 when set, 2026-12-02; 0.785 on 2026-12-03;
# 0.769 on 2026-12-03 once round 2's harder report rows joined the set: round 1 alone 0.796;
# 0.741 with rounds 3 and 4 in the set, rounds 1-3 unchanged by the round-4 work; 0.754 with
# round 5, all 207 report questions, end of session 24).
SELF_ELIGIBILITY_FLOOR = 0.754 - 0.03

ANSWERS = "answers"
SUITES: dict[str, str] = {
    ANSWERS: "the answer, summary and fit cases of evals/cases on the samples and a few v2 "
    "trials (the default; a few minutes)",
    "criteria": "report half of the criteria sets: 93 questions about oneself and the editor "
    "fit bullets (needs ../shared/data; about a minute)",
    "crosstrial": "CI slice of the cross-trial set's report half: 24 questions over 26 trials "
    "(needs ../shared/data; a few minutes, mostly ingest)",
    "handwritten": "report half of the hand-written questions: 90 questions over 19 trials "
    "(needs ../shared/data; a minute or two)",
}
ALL = "all"
T = TypeVar("T")


class SuiteError(ValueError):
    """A --suite value that names no suite."""


def parse(values: Iterable[str] | None) -> list[str]:
    """Suite names from repeated and/or comma-separated values, in canonical order; none given:
    the answer cases only (what ``trialsum eval`` always ran)."""
    wanted: set[str] = set()
    for value in values or []:
        for part in value.split(","):
            name = part.strip().lower()
            if name == ALL:
                wanted |= set(SUITES)
            elif name in SUITES:
                wanted.add(name)
            else:
                choices = ", ".join([*SUITES, ALL])
                raise SuiteError(f"unknown suite {part.strip()!r}: choose from {choices}")
    return [s for s in SUITES if s in wanted] or [ANSWERS]


# ---------------------------------------------------------------- gates


def _gates(
    rows: Sequence[tuple[str, str, float, float | None]], *, partial: bool, notes: list[str]
) -> list[Gate]:
    """(metric, rule, limit, value) as gates. An unmeasured metric fails a full run; a limited run
    leaves it out (and says so): the subset had nothing of that kind to score."""
    out: list[Gate] = []
    unmeasured: list[str] = []
    for metric, rule, limit, value in rows:
        if value is None:
            if partial:
                unmeasured.append(metric)
                continue
            out.append(Gate(metric=metric, rule=rule, limit=limit, value=None, ok=False))
            continue
        ok = value >= limit if rule == ">=" else value <= limit
        out.append(Gate(metric=metric, rule=rule, limit=limit, value=value, ok=ok))
    if unmeasured:
        notes.append(f"not measured in this subset: {', '.join(unmeasured)}")
    return out


def _coverage(prefix: str, scored: int, selected: int) -> list[tuple[str, str, float, float]]:
    """The empty-or-partial rule of the answer cases: something scored, everything selected."""
    share = scored / selected if selected else 0.0
    return [(f"{prefix}.scored", ">=", 1, scored), (f"{prefix}.completed_share", ">=", 1.0, share)]


# ---------------------------------------------------------------- criteria


def _self_eligibility(
    data: Path, limit: int | None, floor: float, notes: list[str]
) -> tuple[dict[str, Any], list[tuple[str, str, float, float | None]]]:
    from evals.criteria import self_questions_eval as sq

    rows = [r for r in sq.load_questions() if r["half"] == "report"][:limit]
    trials = sq.load_trials(rows, data)
    found = [r for r in rows if r["trial"] in trials]
    if len(found) < len(rows):
        notes.append(
            f"self-eligibility: {len(rows) - len(found)} question(s) whose trial is absent"
        )
    results = sq.score(found, trials) if found else []
    figures: dict[str, Any] = sq.summary(results).get("report", {}) if results else {}
    eligible = sum("you are eligible" in r["answer"].lower() for r in results)
    figures = {"selected": len(rows), **figures, "said_you_are_eligible": eligible}
    gates = [
        *_coverage("self_eligibility", len(results), len(rows)),
        (
            "self_eligibility.direction_and_criterion",
            ">=",
            round(floor, 4),
            figures.get("direction_and_criterion"),
        ),
        ("self_eligibility.said_you_are_eligible", "<=", 0, float(eligible)),
    ]
    return figures, gates


def _fit_bullets(
    data: Path, limit: int | None, gate_file: Path, notes: list[str]
) -> tuple[dict[str, Any], list[tuple[str, str, float, float | None]]]:
    from evals.criteria.fit_bullets_eval import figures, load_bullets, run
    from evals.criteria.make_fit_bullets import MISTAKES, load_picks, load_trials
    from summarizer.checker import check_statement

    limits = tomllib.loads(gate_file.read_text(encoding="utf-8"))["report"]
    bullets = [b for b in load_bullets() if b.half == "report"]
    if limit is not None:  # the first of each kind, so every gate has something to measure
        bullets = _first_of_each(bullets, lambda b: b.mistake, limit)
    wanted = {b.nct for b in bullets}
    by_id = load_trials(data, [p for p in load_picks() if p.nct in wanted])
    found = [b for b in bullets if b.nct in by_id]
    if len(found) < len(bullets):
        notes.append(f"fit bullets: {len(bullets) - len(found)} bullet(s) whose trial is absent")
    outcomes = run(check_statement, found, by_id)
    half = figures(outcomes, "report")
    out: dict[str, Any] = {"selected": len(bullets), "scored": len(outcomes), **half.model_dump()}
    gates: list[tuple[str, str, float, float | None]] = [
        *_coverage("fit_bullets", len(outcomes), len(bullets)),
        (
            "fit_bullets.false_alarm_rate",
            "<=",
            limits["false_alarm_rate_max"],
            half.false_alarm_rate if half.right else None,
        ),
    ]
    for kind in MISTAKES:
        key = f"catch_{kind}_min"
        if key in limits:
            gates.append((f"fit_bullets.catch_{kind}", ">=", limits[key], half.catch.get(kind)))
    return out, gates


def _first_of_each(items: Iterable[T], key: Callable[[T], str], n: int) -> list[T]:
    taken: Counter[str] = Counter()
    out = []
    for item in items:
        if taken[key(item)] < n:
            taken[key(item)] += 1
            out.append(item)
    return out


def run_criteria(
    settings: Settings,
    *,
    limit: int | None = None,
    fit_gate: Path | None = None,
    self_floor: float | None = None,
) -> SuiteResult:
    """Score the criteria sets' report half (first ``limit`` questions and bullets) and gate;
    the limits are read when it runs (``FIT_GATE``, ``SELF_ELIGIBILITY_FLOOR``)."""
    notes: list[str] = []
    data = settings.data_dir
    floor = SELF_ELIGIBILITY_FLOOR if self_floor is None else self_floor
    self_fig, self_rows = _self_eligibility(data, limit, floor, notes)
    fit_fig, fit_rows = _fit_bullets(data, limit, fit_gate or FIT_GATE, notes)
    gates = _gates([*self_rows, *fit_rows], partial=limit is not None, notes=notes)
    return SuiteResult(
        name="criteria",
        status="pass" if all(g.ok for g in gates) else "fail",
        figures={"engine": "extractive", "self_eligibility": self_fig, "fit_bullets": fit_fig},
        gates=gates,
        notes=notes,
    )


# ---------------------------------------------------------------- cross-trial


def _store_suite(
    name: str,
    *,
    engine: str,
    selected: int,
    report: Any,
    overall: dict[str, Any],
    bounds: Sequence[tuple[str, str, float]],
    failures: list[str],
    partial: bool,
) -> SuiteResult:
    """The gated result of a suite that asks its cases on a fresh store of their trials: every
    case scored, every trial stored, and each (metric, rule, limit) of ``bounds`` met."""
    errors = overall.get("errors", 0)
    scored = (report.cases - errors) if report else 0
    notes: list[str] = []
    rows: list[tuple[str, str, float, float | None]] = [
        *_coverage(name, scored, selected),
        (f"{name}.trials_not_stored", "<=", 0, float(len(report.skipped)) if report else 0.0),
    ]
    rows += [(f"{name}.{k}", rule, v, overall.get(k)) for k, rule, v in bounds]
    if report and report.skipped:
        notes += report.skipped[:5]
    gates = _gates(rows, partial=partial, notes=notes)
    figures = {
        "engine": engine,
        "selected": selected,
        "trials": report.trials if report else 0,
        "ingest_seconds": report.ingest_seconds if report else 0.0,
        **overall,
        "failures": failures,
    }
    return SuiteResult(
        name=name,
        status="pass" if all(g.ok for g in gates) else "fail",
        figures=figures,
        gates=gates,
        notes=notes,
    )


def run_crosstrial(
    settings: Settings,
    *,
    engine: str = "extractive",
    limit: int | None = None,
    thresholds: Path | None = None,
    workdir: Path | None = None,
) -> SuiteResult:
    """Ask the slice's questions (first ``limit``) on a fresh store of their libraries; gate."""
    from evals.crosstrial.cases import load_cases
    from evals.crosstrial.run import run, select

    path = thresholds or CROSSTRIAL_THRESHOLDS
    floors = tomllib.loads(path.read_text(encoding="utf-8"))["slice"]["floors"]
    cases = select(load_cases(), halves=["report"], only_slice=True)[:limit]
    report = run(cases, settings=settings, engine=engine, workdir=workdir) if cases else None
    return _store_suite(
        "crosstrial",
        engine=engine,
        selected=len(cases),
        report=report,
        overall=report.figures["overall"] if report else {},
        bounds=[(k, ">=", v) for k, v in floors.items()],
        failures=[f.case for f in report.failures] if report else [],
        partial=limit is not None,
    )


# ---------------------------------------------------------------- hand-written


def run_handwritten(
    settings: Settings,
    *,
    engine: str = "extractive",
    limit: int | None = None,
    thresholds: Path | None = None,
    workdir: Path | None = None,
) -> SuiteResult:
    """Ask the report half's hand-written questions (first ``limit``) on a fresh store; gate."""
    from evals.handwritten.cases import CASES, load_cases
    from evals.handwritten.run import run, select

    limits = tomllib.loads((thresholds or HANDWRITTEN_THRESHOLDS).read_text(encoding="utf-8"))
    cases = select(load_cases(CASES), "report")[:limit]
    report = (
        run("report", cases=cases, settings=settings, engine=engine, workdir=workdir)
        if cases
        else None
    )
    return _store_suite(
        "handwritten",
        engine=engine,
        selected=len(cases),
        report=report,
        overall=report.figures.get("all", {}) if report else {},
        bounds=[
            *((k, ">=", v) for k, v in limits["report"]["floors"].items()),
            *((k, "<=", v) for k, v in limits["report"]["ceilings"].items()),
        ],
        failures=[r.id for r in report.rows if not r.right] if report else [],
        partial=limit is not None,
    )


# ---------------------------------------------------------------- dispatch

Runner = Callable[..., SuiteResult]


def run_suite(
    name: str,
    settings: Settings,
    *,
    engine: str = "extractive",
    limit: int | None = None,
    workdir: Path | None = None,
) -> SuiteResult:
    """One suite by name: skipped (with the reason) without the shared data; an error while
    running it fails that suite only, with the error as its reason."""
    started = time.perf_counter()
    absent = data_present(settings.data_dir)
    if absent:
        return SuiteResult(name=name, status="skipped", reason=absent)
    try:
        if name == "criteria":
            result = run_criteria(settings, limit=limit)
        elif name == "crosstrial":
            result = run_crosstrial(settings, engine=engine, limit=limit, workdir=workdir)
        elif name == "handwritten":
            result = run_handwritten(settings, engine=engine, limit=limit, workdir=workdir)
        else:
            raise SuiteError(f"unknown suite {name!r}")
    except SuiteError:
        raise
    except Exception as exc:  # one broken suite is reported, never aborts the others
        result = SuiteResult(name=name, status="fail", reason=f"{type(exc).__name__}: {exc}")
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def combine(
    answers: Report | None, suites: list[SuiteResult], *, engine: str, started: float
) -> Report:
    """The one report: the answer cases' (when they ran) plus a section per other suite; it
    passes only when every gate passes and no suite was skipped."""
    if answers is None:
        answers = Report(
            engine=engine,
            dataset="",
            created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            seconds=0.0,
            metrics={},
        )
    names = ([ANSWERS] if answers.metrics else []) + [s.name for s in suites]
    return answers.model_copy(
        update={
            "suites": suites,
            "ok": answers.ok and all(s.status == "pass" for s in suites),
            "seconds": round(time.perf_counter() - started, 2),
            "setup": {**answers.setup, "suites": names},
        }
    )
