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

from summarizer.cli.app import app
from summarizer.cli.context import assistant_errors, fail, get_assistant, store_label
from summarizer.cli.output import console, label, rule, say
from summarizer.config import Settings

if TYPE_CHECKING:
    from summarizer.assistant import Assistant

out = console()
err = console(stderr=True)

EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", "-e", help="extractive (offline, default), assisted or llm"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail(message, code)


def _require_trial(assistant: Assistant, trial_id: str) -> None:
    """One line naming the store when the trial is not in it (or the store cannot be opened)."""
    from summarizer.assistant import TrialNotFoundError

    where = store_label(assistant)
    try:
        assistant.get_trial(trial_id)
    except TrialNotFoundError:
        raise _fail(
            f"trial {trial_id!r} is not in {where}; "
            "index it first (trialsum ingest FILES) or run trialsum demo"
        ) from None
    except Exception as exc:
        if type(exc).__name__ in (
            "StoreBusy",
            "ServerUnavailable",
            "StoreLayoutError",
            "RemoteError",
        ):
            raise
        raise _fail(f"cannot open {where}: {exc}") from None


def _print_citations(answer) -> None:
    from summarizer.cli.show import citation_lines

    for line in citation_lines([c.model_dump() for c in answer.citations]):
        say(out, line)


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
    from summarizer.cli import show

    with assistant_errors():
        answer = get_assistant(engine=engine).ask(question, trial_ids=trial or None)
    if as_json:
        show.json_out(answer.contract())
    else:
        show.ask_text(answer.model_dump(mode="json"))


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
    with assistant_errors():
        assistant = get_assistant(engine=engine)
        _require_trial(assistant, trial_id)
        summary = assistant.summarize(trial_id)
    text = render(summary, fmt)
    if out_file is not None:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"wrote {out_file}")
    elif fmt == "md" and sys.stdout.isatty():
        from summarizer.cli.terminal import summary_renderable

        out.print(summary_renderable(summary))  # numbered sources, not raw [^n] footnotes
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

    with assistant_errors():
        assistant = get_assistant(engine=engine)
        assistant.fingerprint  # noqa: B018  (an unknown engine is a usage error, here)
    settings = assistant.settings
    if concurrency is None:
        concurrency = settings.llm_concurrency if assistant.engine_name == "llm" else 1
    folder = out_dir if out_dir is not None else settings.home / "summaries"
    options = BatchOptions.model_validate(
        {"out_dir": folder, "fmt": fmt, "engine": assistant.engine_name, "concurrency": concurrency}
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
            with assistant_errors():
                report = summarize_all(assistant, options, progress=show)
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
            f"{store_label(assistant)} holds no trials; index some first (trialsum ingest FILES)"
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

    with assistant_errors():
        assistant = get_assistant(engine=engine)
        _require_trial(assistant, trial_id)
        draft = assistant.draft_fit(trial_id)
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
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{file}: cannot read ({exc.strerror or exc})") from None
    bullets = parse_fit_text(text)
    if not any(bullets.values()):
        raise _fail(f"{file}: no 'Good fit:' or 'Not a fit:' bullets found")
    with assistant_errors():
        assistant = get_assistant()
        _require_trial(assistant, trial_id)
        checked = assistant.check_fit(
            trial_id, good_fit=bullets["good_fit"], not_fit=bullets["not_fit"]
        )
    rows: list[dict[str, Any]] = [
        {
            "role": b.role,
            "text": b.text,
            "verdict": b.check.verdict,
            "score": round(b.check.score, 3),
            "reasons": b.check.reasons,
            "evidence": [c.model_dump(exclude={"chunk_id"}) for c in b.check.evidence],
        }
        for b in checked.bullets
    ]
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

    from summarizer.cli.terminal import summary_renderable

    settings = Settings()
    home = store if store is not None else settings.home / "demo"
    if store is None and home.exists():
        shutil.rmtree(home)  # our own demo folder: always start fresh
    assistant = get_assistant(store=home, engine="extractive")
    samples = sorted(assistant.settings.samples_dir.glob("*.txt"))
    if not samples:
        raise _fail(f"no sample trials found in {assistant.settings.samples_dir}")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("indexing samples", total=len(samples))
        report = assistant.ingest(
            samples, progress=lambda p: progress.update(task, completed=p.files)
        )
    for failure in report.trials_failed:
        say(err, label("skipped", "yellow"), " ", failure.line())
    ids = assistant.trial_ids()
    if not ids:
        raise _fail("no sample trial could be indexed")
    say(err, f"indexed {len(ids)} sample trials into {assistant.settings.store_dir}")
    first = next((t for t in ids if t.upper().startswith("NCT06503094")), sorted(ids)[0])
    out.print(summary_renderable(assistant.summarize(first)))
    for q in DEMO_QUESTIONS:
        answer = assistant.ask(q, trial_ids=[first])
        rule(out, f"Q: {q}")
        out.print(answer.answer, highlight=False, markup=False)
        _print_citations(answer)
    rule(out)
    out.print(f'Try: trialsum ask "Which trials target CD22?"  (store: {home})', markup=False)
