"""ask, summarize, draft-fit, check-fit and demo: the commands patients and editors meet.

Output contracts (kept stable for evals and CI): ``ask --json`` prints ``Answer.contract()``;
``summarize --format json`` prints the LaySummary model dump.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown

from summarizer.cli.app import app
from summarizer.config import Settings

if TYPE_CHECKING:
    from summarizer.engines.base import Engine
    from summarizer.models import Trial
    from summarizer.runtime import Runtime

out = Console()
err = Console(stderr=True)

EngineOpt = Annotated[
    str | None, typer.Option("--engine", "-e", help="extractive (offline, default) or llm")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


def _runtime(store: Path | None = None) -> Runtime:
    from summarizer.runtime import Runtime

    settings = Settings(home=store) if store is not None else Settings()
    return Runtime(settings)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _engine(runtime: Runtime, name: str | None) -> Engine:
    from summarizer.engines.factory import UnknownEngineError

    try:
        return runtime.engine(name)
    except (UnknownEngineError, ImportError) as exc:
        raise _fail(str(exc)) from None


def _trial(runtime: Runtime, trial_id: str) -> Trial:
    try:
        trial = runtime.store.get_trial(trial_id)
    except Exception as exc:
        raise _fail(f"cannot open the store at {runtime.settings.store_dir}: {exc}") from None
    if trial is None:
        raise _fail(
            f"trial {trial_id!r} is not in the store at {runtime.settings.store_dir}; "
            "index it first (trialsum ingest FILES) or run trialsum demo"
        )
    return trial


def _print_citations(answer) -> None:
    for i, c in enumerate(answer.citations, 1):
        quote = " ".join(c.quote.split())
        out.print(
            f"  [{i}] {c.trial_id} · {c.section} · {c.start}-{c.end}: “{quote}”",
            highlight=False,
            markup=False,
        )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="a plain-language question")],
    trial: Annotated[
        list[str] | None,
        typer.Option("--trial", "-t", help="trial id (repeatable); omit to search all trials"),
    ] = None,
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the trial documents, citing the exact source words."""
    runtime = _runtime()
    eng = _engine(runtime, engine)
    from summarizer.engines.extractive import NoTrialError

    try:
        answer = eng.answer(question, trial_ids=trial or None)
    except NoTrialError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        out.print_json(json.dumps(answer.contract(), ensure_ascii=False))
        return
    out.print(answer.answer, highlight=False, markup=False)
    if answer.citations:
        out.print("\nSources:", style="bold")
        _print_citations(answer)
    if answer.flagged:
        err.print(f"[yellow]not confirmed by the source:[/yellow] {len(answer.flagged)}")


@app.command()
def summarize(
    trial_id: Annotated[
        str | None, typer.Argument(help="trial id in the store (or --all)", show_default=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, md or html")] = "md",
    engine: EngineOpt = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="write to this file (--all: this folder, default HOME/summaries)"
        ),
    ] = None,
    all_trials: Annotated[
        bool, typer.Option("--all", help="every trial in the store, one file each; resumable")
    ] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-j",
            min=1,
            help="with --all: trials at once (default 1; llm engine: TRIALSUM_LLM_CONCURRENCY)",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="with --all: print the final report as JSON")
    ] = False,
) -> None:
    """Write a lay summary (reading grade per section, every sentence cited)."""
    from summarizer.render import FORMATS, render

    if fmt not in FORMATS:
        raise _fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if all_trials:
        if trial_id is not None:
            raise _fail("give a trial id or --all, not both")
        _summarize_all(fmt, engine, out_file, concurrency, as_json)
        return
    if trial_id is None:
        raise _fail("give a trial id, or --all for every trial in the store")
    if concurrency is not None or as_json:
        raise _fail("--concurrency and --json go with --all; for one trial use --format json")
    runtime = _runtime()
    eng = _engine(runtime, engine)
    summary = eng.summarize(_trial(runtime, trial_id))
    text = render(summary, fmt)
    if out_file is not None:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"wrote {out_file}")
    elif fmt == "md" and sys.stdout.isatty():
        out.print(Markdown(text))
    else:
        sys.stdout.write(text)


def _summarize_all(
    fmt: str, engine: str | None, out_dir: Path | None, concurrency: int | None, as_json: bool
) -> None:
    """The batch: progress with ETA on stderr, the report at the end; exit 1 if any failed."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from summarizer.batch import BatchError, BatchOptions, BatchProgress, summarize_all

    runtime = _runtime()
    eng = _engine(runtime, engine)
    if concurrency is None:
        concurrency = runtime.settings.llm_concurrency if eng.name == "llm" else 1
    folder = out_dir if out_dir is not None else runtime.settings.home / "summaries"
    options = BatchOptions.model_validate(
        {"out_dir": folder, "fmt": fmt, "engine": eng.name, "concurrency": concurrency}
    )
    columns = (
        TextColumn("summarizing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[failed]} failed"),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("summarize", total=None, failed=0)
        failed = 0

        def show(p: BatchProgress) -> None:
            nonlocal failed
            failed += p.status == "failed"
            bar.update(task, total=p.total, completed=p.done, failed=failed)

        try:
            report = summarize_all(runtime, options, progress=show)
        except BatchError as exc:
            raise _fail(str(exc)) from None
        except KeyboardInterrupt:
            bar.stop()
            err.print(
                f"[yellow]interrupted[/yellow]; finished work is kept in {folder} "
                "(see report.json); run the same command again to complete the rest",
                highlight=False,
            )
            raise typer.Exit(130) from None
    if report.total == 0:
        raise _fail(
            f"the store at {runtime.settings.store_dir} holds no trials; "
            "index some first (trialsum ingest FILES)"
        )
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        for failure in report.failed:
            err.print("failed", style="red", end=" ")
            err.print(failure.line(), markup=False, highlight=False)
        err.print(
            f"{report.counts()} in {report.seconds:.1f} s; outputs and report.json in {folder}",
            markup=False,
            highlight=False,
        )
    if report.failed:
        raise typer.Exit(1)


@app.command("draft-fit")
def draft_fit(
    trial_id: Annotated[str, typer.Argument(help="trial id in the store")],
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draft "Who should consider this trial" (good fit / not a fit), each bullet cited."""
    from summarizer.render import fit_markdown

    runtime = _runtime()
    draft = _engine(runtime, engine).draft_fit(_trial(runtime, trial_id))
    sys.stdout.write(draft.model_dump_json(indent=2) + "\n" if as_json else fit_markdown(draft))


_HEADING_RE = re.compile(r"^\s*(?:#+\s*)?(good fit|not a fit)\s*:?\s*(.*)$", re.I)
_BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*)$")
_FOOTNOTE_RE = re.compile(r"\[\^\d+\]")


def parse_fit_text(text: str) -> dict[str, list[str]]:
    """An edited draft's bullets by role: 'Good fit:' / 'Not a fit:' headings, '-' bullets."""
    found: dict[str, list[str]] = {"good_fit": [], "not_fit": []}
    role: str | None = None
    for line in text.splitlines():
        if line.lstrip().startswith("[^"):
            continue  # footnote definitions from our own Markdown
        if m := _HEADING_RE.match(line):
            role = "good_fit" if m.group(1).lower() == "good fit" else "not_fit"
            if m.group(2).strip():
                found[role].append(m.group(2).strip())
            continue
        if role and (m := _BULLET_RE.match(line)):
            bullet = _FOOTNOTE_RE.sub("", m.group(1)).replace("\\", "").strip()
            if bullet:
                found[role].append(bullet)
    return found


@app.command("check-fit")
def check_fit(
    trial_id: Annotated[str, typer.Argument(help="trial id in the store")],
    file: Annotated[Path, typer.Argument(help="edited draft with 'Good fit:' / 'Not a fit:'")],
    as_json: JsonOpt = False,
) -> None:
    """Check each bullet of an edited fit section against the trial; exit 1 if any fails."""
    from summarizer.engines.common import load_checker
    from summarizer.models import Statement

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{file}: cannot read ({exc.strerror or exc})") from None
    bullets = parse_fit_text(text)
    if not any(bullets.values()):
        raise _fail(f"{file}: no 'Good fit:' or 'Not a fit:' bullets found")
    checker = load_checker()
    if checker is None:
        raise _fail("the source checker is not installed (summarizer.checker)")
    runtime = _runtime()
    trial = _trial(runtime, trial_id)
    rows: list[dict[str, Any]] = []
    for role, items in bullets.items():
        for bullet in items:
            check = checker(Statement(text=bullet), trial, role=role)
            rows.append(
                {
                    "role": role,
                    "text": bullet,
                    "verdict": check.verdict,
                    "score": round(check.score, 3),
                    "reasons": check.reasons,
                    "evidence": [c.model_dump(exclude={"chunk_id"}) for c in check.evidence],
                }
            )
    bad = [r for r in rows if r["verdict"] != "supported"]
    if as_json:
        out.print_json(
            json.dumps({"trial_id": trial_id, "bullets": rows, "ok": not bad}, ensure_ascii=False)
        )
    else:
        for r in rows:
            colour = {"supported": "green", "unsupported": "yellow"}.get(r["verdict"], "red")
            out.print(
                f"[{colour}]{r['verdict']:>12}[/{colour}]  "
                f"{'good fit' if r['role'] == 'good_fit' else 'not a fit'}: ",
                end="",
            )
            out.print(r["text"], markup=False, highlight=False)
            for ev in r["evidence"][:1]:
                out.print(
                    f"{'':14}“{' '.join(ev['quote'].split())}”", markup=False, highlight=False
                )
    if bad:
        raise typer.Exit(1)


DEMO_QUESTIONS = (
    "I have HIV. Can I join?",
    "Where does the trial take place?",
)


@app.command()
def demo(
    store: Annotated[
        Path | None,
        typer.Option("--store", help="store folder (default: a fresh demo store under the home)"),
    ] = None,
) -> None:
    """Index the sample trials into a fresh store, then show a lay summary and two answers."""
    import shutil

    from rich.progress import BarColumn, Progress, TextColumn

    from summarizer.ingest import ingest_paths
    from summarizer.render import summary_markdown

    settings = Settings()
    home = store if store is not None else settings.home / "demo"
    if store is None and home.exists():
        shutil.rmtree(home)  # our own demo folder: always start fresh
    runtime = _runtime(home)
    samples = sorted(runtime.settings.samples_dir.glob("*.txt"))
    if not samples:
        raise _fail(f"no sample trials found in {runtime.settings.samples_dir}")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("indexing samples", total=len(samples))
        report = ingest_paths(
            samples, runtime, progress=lambda p: progress.update(task, completed=p.files)
        )
    for failure in report.trials_failed:
        err.print(f"[yellow]skipped[/yellow] {failure.line()}", highlight=False)
    ids = runtime.store.trial_ids()
    if not ids:
        raise _fail("no sample trial could be indexed")
    err.print(f"indexed {len(ids)} sample trials into {runtime.settings.store_dir}")
    eng = runtime.engine("extractive")
    first = next((t for t in ids if t.upper().startswith("NCT06503094")), sorted(ids)[0])
    trial = _trial(runtime, first)
    out.print(Markdown(summary_markdown(eng.summarize(trial))))
    for q in DEMO_QUESTIONS:
        answer = eng.answer(q, trial_ids=[first])
        out.rule(f"Q: {q}")
        out.print(answer.answer, highlight=False, markup=False)
        _print_citations(answer)
    out.rule()
    out.print(f'Try: trialsum ask "Which trials target CD22?"  (store: {home})', markup=False)
