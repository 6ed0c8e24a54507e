"""`trialsum eval`: run the eval suite on a fresh store, write the report, gate on thresholds."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from summarizer.cli.app import app

if TYPE_CHECKING:
    from evals.runner import Report
    from summarizer.checker.judge import Checker

err = Console(stderr=True)
out = Console()


@app.command("eval")
def eval_command(
    engine: Annotated[
        str, typer.Option("--engine", "-e", help="Engine to evaluate: extractive, assisted or llm.")
    ] = "extractive",
    cases: Annotated[
        list[Path] | None,
        typer.Option("--cases", help="Case file(s) (.jsonl); default: every evals/cases/*.jsonl."),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for report.json, report.md and report.html.")
    ] = Path("reports/eval"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report JSON.")] = False,
    update_baseline: Annotated[
        bool,
        typer.Option("--update-baseline", help="Write this run's metrics to evals/baseline.json."),
    ] = False,
    judge: Annotated[
        str,
        typer.Option(
            "--judge",
            help="Faithfulness judge: offline (the source checker) or llm (claims verified by "
            "the configured LLM endpoint; the offline hard-fact checks stay a floor).",
        ),
    ] = "offline",
    suite: Annotated[
        list[str] | None,
        typer.Option(
            "--suite",
            "-s",
            help="Suite(s) to run, repeatable or comma-separated. answers: the eval cases "
            "(default; a few minutes). criteria: report half of the criteria sets, questions "
            "about oneself and editor fit bullets (about a minute). crosstrial: CI slice of the "
            "cross-trial set (a few minutes, mostly ingest). all: every suite. criteria and "
            "crosstrial need ../shared/data; without it they are skipped, and the run fails.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="criteria and crosstrial: score only the first N items of each set (a quick "
            "look; gates with nothing to measure are left out). The answers suite ignores it.",
        ),
    ] = None,
) -> None:
    """Run the eval suites against ENGINE and exit non-zero when a gate fails.

    Exit 0 when every gate of every selected suite passes, 1 when one fails or a suite was
    skipped or scored nothing, 2 on a usage error (--suite names each suite). The answers suite
    builds a fresh store in a temporary folder from samples/, the eval fixtures and the v2 trials
    the cases need; scores answer correctness, citations, abstention, safety, faithfulness (by the
    source checker), summary coverage, reading grade, retrieval recall@k and latency; compares with
    evals/thresholds.toml and evals/baseline.json. With --judge llm, faithfulness is judged by
    the LLM endpoint configured for the llm engine (OPENAI_BASE_URL / OPENAI_API_KEY,
    TRIALSUM_MODEL).
    """
    import time

    from evals import report as rep
    from evals import suites as ev_suites
    from evals.runner import BASELINE, load_baseline
    from summarizer.checker.judge import JUDGE_MODES, make_checker
    from summarizer.config import Settings
    from summarizer.engines.factory import ENGINES
    from summarizer.llm_client import LLMError

    started = time.perf_counter()
    try:
        chosen = ev_suites.parse(suite)
    except ev_suites.SuiteError as exc:
        err.print(f"[red]--suite: {exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    with_answers = ev_suites.ANSWERS in chosen
    if not with_answers and (cases or update_baseline):
        err.print("[red]--cases and --update-baseline apply to the answers suite: add it[/red]")
        raise typer.Exit(2)
    if engine not in ENGINES:
        err.print(f"[red]--engine must be one of: {', '.join(ENGINES)} (got {engine!r})[/red]")
        raise typer.Exit(2)
    for path in cases or []:
        if not path.is_file():
            err.print(f"[red]{path}: no such case file[/red]")
            raise typer.Exit(2)
    if judge not in JUDGE_MODES:
        err.print(f"[red]--judge must be one of: {', '.join(JUDGE_MODES)} (got {judge!r})[/red]")
        raise typer.Exit(2)
    if update_baseline and judge != "offline":
        # The gates and the baseline are offline-checker figures; an LLM judge's are not comparable.
        err.print("[red]--update-baseline takes offline-judged runs only; drop --judge llm[/red]")
        raise typer.Exit(2)
    answers: Report | None = None
    if with_answers:
        try:  # before the store is built: a missing endpoint is one line, at once
            checker = make_checker(Settings(), judge)
        except LLMError as exc:
            err.print(f"[red]{exc}[/red]", soft_wrap=True)
            raise typer.Exit(2) from None
        baseline = None if update_baseline else load_baseline()
        answers = _run_answers(engine, cases, baseline, checker)
    others = []
    settings = Settings()
    for name in chosen:
        if name == ev_suites.ANSWERS:
            continue
        err.print(f"eval {name}: running …")
        result = ev_suites.run_suite(name, settings, engine=engine, limit=limit)
        if result.status == "skipped":
            err.print(f"[yellow]eval {name}: skipped: {result.reason}[/yellow]", soft_wrap=True)
        others.append(result)
    report = ev_suites.combine(answers, others, engine=engine, started=started)
    paths = rep.write(report, out_dir)
    if update_baseline:
        BASELINE.write_text(rep.baseline_payload(report), encoding="utf-8")
        err.print(f"baseline written: {BASELINE}")
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _print(report, engine, rep)
        out.print(f"report: {paths['md']} · {paths['html']} · {paths['json']}")
    if not report.ok:
        raise typer.Exit(1)


def _run_answers(
    engine: str, cases: list[Path] | None, baseline: dict[str, Any] | None, checker: Checker
) -> Report:
    """The answers suite with a progress bar; an error while running it exits 2."""
    from evals.runner import run_eval

    with Progress(
        TextColumn("[bold]eval[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("building store", total=None)

        def tick(i: int, n: int, case_id: str) -> None:
            progress.update(task, total=n, completed=i - 1, description=case_id)

        try:
            report = run_eval(
                engine=engine,
                case_files=cases,
                baseline=baseline,
                progress=tick,
                checker=checker,
            )
        except Exception as exc:
            err.print(f"[red]eval failed: {type(exc).__name__}: {exc}[/red]")
            raise typer.Exit(2) from exc
    return report


def _print(report: Report, engine: str, rep: ModuleType) -> None:
    """The answers table (when it ran), then one table of gates per other suite."""
    verdict = "PASS" if report.ok else "FAIL"
    if report.metrics:
        judged = "" if report.judge == "offline" else f" · judge {report.judge}"
        table = Table(title=f"trialsum eval · {engine}{judged} · {verdict}")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for name, value in rep.headline(report):
            table.add_row(name, value)
        out.print(table)
        for g in report.gates:
            if not g.ok:
                out.print(f"[red]gate failed[/red]: {g.metric} {g.value} {g.rule} {g.limit}")
    for suite in report.suites:
        if suite.gates:
            table = Table(title=f"suite {rep.suite_line(suite)}")
            for col in ("gate", "rule", "limit", "value", "ok"):
                table.add_column(col, justify="left" if col == "gate" else "right")
            for g in suite.gates:
                ok = "[green]ok[/green]" if g.ok else "[red]FAIL[/red]"
                table.add_row(g.metric, g.rule, rep.fmt(g.limit), rep.fmt(g.value), ok)
            out.print(table)
        else:
            out.print(f"suite {rep.suite_line(suite)}", soft_wrap=True)
        for note in suite.notes:
            out.print(f"  {note}", soft_wrap=True)
    if report.suites:
        out.print(f"overall: {verdict}")
