"""``trialsum parse``: read trial documents and show what was extracted, or the field coverage."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from summarizer import normalize
from summarizer.cli.app import app
from summarizer.cli.output import cell, console, say
from summarizer.coverage import CoverageCounter, CoverageTable
from summarizer.loader import DEFAULT_MAX_BYTES, ParseOutcome, count_inputs, parse_paths
from summarizer.models import Trial


def _ages(trial: Trial) -> str:
    low = trial.min_age.raw if trial.min_age else "-"
    high = trial.max_age.raw if trial.max_age else "-"
    return f"{low} to {high}"


def _row(trial: Trial, path: str) -> list[Text]:
    """One table row; every value is shown literally (titles may hold markup or escapes)."""
    values = [
        trial.trial_id,
        trial.source.format,
        trial.title,
        normalize.status_words(trial.status.value if trial.status else None) or "-",
        normalize.phase_words([p.value for p in trial.phases]) or "-",
        _ages(trial),
        f"{len(trial.inclusion_criteria)}/{len(trial.exclusion_criteria)}",
        path,
    ]
    return [cell(v) for v in values]


def _trial_json(trial: Trial, full: bool) -> str:
    exclude = None if full else {"source": {"text", "original"}}
    return json.dumps(trial.model_dump(mode="json", exclude=exclude), ensure_ascii=False)


def _coverage_table(table: CoverageTable) -> Table:
    out = Table(title=f"Field coverage over {table.trials} trials")
    out.add_column("field")
    out.add_column("trials", justify="right")
    out.add_column("share", justify="right")
    for row in table.rows:
        out.add_row(row.field, str(row.count), f"{row.share:.1%}")
    return out


def _with_progress(
    outcomes: Iterator[ParseOutcome], paths: list[Path], err: Console
) -> Iterator[ParseOutcome]:
    """Outcomes unchanged, with a progress bar on stderr when it is a terminal."""
    if not err.is_terminal:
        yield from outcomes
        return
    total = count_inputs(paths)
    columns = (
        TextColumn("parsing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("parse", total=total)
        for outcome in outcomes:
            yield outcome
            progress.advance(task)


@app.command("parse")
def parse_command(
    paths: list[Path] = typer.Argument(  # noqa: B008
        ..., help="Files, directories or .tar.gz/.tgz/.tar/.zip archives of trial documents."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="One JSON object per trial per line (the Trial record). Source text and original "
        "file text are left out for brevity unless --full is given.",
    ),
    full: bool = typer.Option(False, "--full", help="With --json: include source text/original."),
    fail_fast: bool = typer.Option(
        False, "--fail-fast/--no-fail-fast", help="Stop at the first document that fails."
    ),
    show_coverage: bool = typer.Option(
        False, "--coverage", help="Print the share of trials having each field instead of rows."
    ),
    max_mb: float = typer.Option(
        DEFAULT_MAX_BYTES / (1024 * 1024), "--max-mb", help="Largest document to read, in MB."
    ),
) -> None:
    """Parse trial documents (ClinicalTrials.gov XML/JSON, text and HTML pages) and show them.

    Failures are printed one per line on stderr as "path: reason", followed by a summary line;
    the exit code is 1 when any document failed.
    """
    out = console()
    err = console(stderr=True)
    table = Table(show_lines=False)
    for column in ("trial", "format", "title", "status", "phase", "ages", "inc/exc", "file"):
        wrap = column in ("title", "file")
        table.add_column(column, overflow="fold", no_wrap=not wrap, ratio=2 if wrap else None)
    counter = CoverageCounter()
    files = failed = trials = 0
    outcomes = parse_paths(paths, max_bytes=int(max_mb * 1024 * 1024))
    for outcome in _with_progress(outcomes, paths, err):
        files += 1
        if outcome.error is not None:
            failed += 1
            say(err, f"{outcome.path}: {outcome.error}")  # names can hold ESC or markup
            if fail_fast:
                break
            continue
        for trial in outcome.trials:
            trials += 1
            if show_coverage:
                counter.add(trial)
            elif as_json:
                sys.stdout.write(_trial_json(trial, full) + "\n")
            else:
                table.add_row(*_row(trial, outcome.path))
    if show_coverage:
        coverage = counter.table()
        if as_json:
            sys.stdout.write(coverage.model_dump_json() + "\n")
        else:
            out.print(_coverage_table(coverage))
    elif not as_json and trials:
        out.print(table)
    sys.stdout.flush()
    err.print(
        f"Parsed {trials} trial{'s' * (trials != 1)} from {files} file{'s' * (files != 1)}, "
        f"{failed} failed.",
        highlight=False,
    )
    if failed:
        raise typer.Exit(code=1)
