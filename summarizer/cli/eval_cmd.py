"""`trialsum eval`: run the eval suite on a fresh store, write the report, gate on thresholds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from summarizer.cli.app import app

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
) -> None:
    """Run the eval cases against ENGINE and exit non-zero when a gate fails.

    Builds a fresh store in a temporary folder from samples/, the eval fixtures and the v2 trials
    the cases need; scores answer correctness, citations, abstention, safety, faithfulness (by the
    source checker), summary coverage, reading grade, retrieval recall@k and latency; compares with
    evals/thresholds.toml and evals/baseline.json. With --judge llm, faithfulness is judged by
    the LLM endpoint configured for the llm engine (OPENAI_BASE_URL / OPENAI_API_KEY,
    TRIALSUM_MODEL).
    """
    from evals import report as rep
    from evals.runner import BASELINE, load_baseline, run_eval
    from summarizer.checker.judge import JUDGE_MODES, make_checker
    from summarizer.config import Settings
    from summarizer.llm_client import LLMError

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
    try:  # before the store is built: a missing endpoint is one line, at once
        checker = make_checker(Settings(), judge)
    except LLMError as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    baseline = None if update_baseline else load_baseline()
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
    paths = rep.write(report, out_dir)
    if update_baseline:
        BASELINE.write_text(rep.baseline_payload(report), encoding="utf-8")
        err.print(f"baseline written: {BASELINE}")
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        judged = "" if report.judge == "offline" else f" · judge {report.judge}"
        table = Table(title=f"trialsum eval · {engine}{judged} · {'PASS' if report.ok else 'FAIL'}")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for name, value in rep.headline(report):
            table.add_row(name, value)
        out.print(table)
        for g in report.gates:
            if not g.ok:
                out.print(f"[red]gate failed[/red]: {g.metric} {g.value} {g.rule} {g.limit}")
        out.print(f"report: {paths['md']} · {paths['html']} · {paths['json']}")
    if not report.ok:
        raise typer.Exit(1)
