"""Index commands: ingest documents, search them, list and remove stored trials."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli import show
from summarizer.cli.app import app
from summarizer.cli.context import assistant_errors, get_assistant
from summarizer.cli.output import console, label, say

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Data folder holding the local store (sets TRIALSUM_HOME)."),
]
ChromaUrlOpt = Annotated[
    str | None,
    typer.Option("--chroma-url", help="Use a shared Chroma server, e.g. http://127.0.0.1:8000."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

out = console()
err = console(stderr=True)


@contextmanager
def store_errors() -> Iterator[None]:
    """A busy local store, an unreachable server or a store from a newer trialsum ends the
    command with one clear line."""
    from vectorstore.chroma_store import StoreLayoutError
    from vectorstore.disk_space import StoreDiskFullError
    from vectorstore.server_retry import ServerUnavailable
    from vectorstore.store_lock import StoreBusy

    try:
        yield
    except (StoreBusy, ServerUnavailable) as exc:
        say(err, exc, style="red")
        err.print("Nothing was lost: the store is consistent; run the same command again.")
        raise typer.Exit(75) from None  # EX_TEMPFAIL
    except StoreLayoutError as exc:
        say(err, exc, style="red")
        raise typer.Exit(78) from None  # EX_CONFIG: nothing was read or written
    except StoreDiskFullError as exc:  # one line; the store is consistent, a rerun finishes
        say(err, exc, style="red")
        raise typer.Exit(75) from None  # EX_TEMPFAIL


def count_documents(paths: list[Path]) -> int | None:
    """How many documents the inputs hold, for the progress bar; None if it cannot tell.

    The loader counts them: same walk (links followed once), same members, and a truncated or
    corrupt archive counts as one document instead of ending the command."""
    from summarizer.loader import count_inputs

    try:
        return count_inputs(paths)
    except OSError:
        return None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or .tar.gz/.zip archives.")],
    store: StoreOpt = None,
    chroma_url: ChromaUrlOpt = None,
    as_json: JsonOpt = False,
    batch: Annotated[int, typer.Option(help="Trials embedded and written together.")] = 64,
) -> None:
    """Parse, chunk, embed and index trial documents. Unchanged files are skipped.

    Exits 1 if any document failed (the others are still indexed).
    """
    from rich.progress import (  # here: search, trials and remove show no progress bar
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from summarizer.ingest import IngestProgress

    assistant = get_assistant(store, chroma_url)
    total = count_documents(paths) if err.is_terminal else None
    columns = [
        SpinnerColumn(),
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[chunks]} chunks · {task.fields[rate]:.1f} chunks/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("ingest", total=total, chunks=0, rate=0.0)

        def on_progress(event: IngestProgress) -> None:
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = event.chunks / elapsed if elapsed else 0.0
            bar.update(task, completed=event.files, chunks=event.chunks, rate=rate)

        try:
            with store_errors():
                report = assistant.ingest(paths, progress=on_progress, batch_trials=batch)
        except KeyboardInterrupt:
            err.print(
                "[yellow]Interrupted.[/] The store is consistent; run the same command again "
                "to finish (finished trials are skipped)."
            )
            raise typer.Exit(130) from None

    for failure in report.trials_failed:
        say(err, label("failed", "red"), " ", failure.line())
    if as_json:
        out.print_json(report.model_dump_json())
    else:
        t = report.timings
        rate = report.chunks / t.total if t.total else 0.0
        n = report.criteria_refreshed
        whose = "trial's" if n == 1 else "trials'"
        reread = f"{n} {whose} criteria re-read; " if n else ""
        out.print(
            f"{report.files} files: {report.trials_new} new, {report.trials_updated} updated, "
            f"{report.trials_unchanged} unchanged, {len(report.trials_failed)} failed; "
            f"{reread}{report.chunks} chunks ({report.dense_chunks} embedded, "
            f"{report.dedupe_saved} duplicates reused) in {t.total:.1f}s ({rate:.0f} chunks/s; "
            f"parse {t.parse:.1f}s, chunk {t.chunk:.1f}s, embed {t.embed:.1f}s, "
            f"store {t.store:.1f}s)",
            highlight=False,
        )
    if report.trials_failed:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    trial: Annotated[
        list[str] | None, typer.Option("--trial", help="Only this trial (repeatable).")
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option("--section", help="Only this section, e.g. inclusion (repeatable)."),
    ] = None,
    k: Annotated[int, typer.Option("-k", help="How many results.")] = 8,
    trials: Annotated[bool, typer.Option("--trials", help="Rank trials, not passages.")] = False,
    store: StoreOpt = None,
    chroma_url: ChromaUrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Hybrid (BM25 + dense) search over the indexed trials."""
    assistant = get_assistant(store, chroma_url)
    if section:
        from summarizer.models import SECTIONS

        unknown = [s for s in section if s not in SECTIONS]
        if unknown:
            say(err, f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
            raise typer.Exit(2)
    if trials:
        with assistant_errors():
            found = assistant.search_trials(query, k=k, sections=section)
        ranked = [r.model_dump() for r in found]
        if as_json:
            show.json_out(ranked)
        else:
            show.trial_hits_table(ranked)
        return
    with assistant_errors():
        hits = [
            h.model_dump() for h in assistant.search(query, k=k, trial_ids=trial, sections=section)
        ]
    if as_json:
        show.json_out(hits)
    else:
        show.hits_table(hits)


@app.command(name="trials")
def list_trials(
    store: StoreOpt = None,
    chroma_url: ChromaUrlOpt = None,
    as_json: JsonOpt = False,
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Also status and phase in plain words (reads every record: slower on big stores).",
        ),
    ] = False,
) -> None:
    """List the indexed trials: id, title, source file, chunk count (--details: status, phase)."""
    with assistant_errors():
        infos = get_assistant(store, chroma_url).trials(brief=not details)
    rows = show.trial_rows([s.model_dump() for s in infos], details=details)
    if as_json:
        show.json_out(rows)
    else:
        show.trials_table(rows)


@app.command()
def remove(
    trial_id: Annotated[str, typer.Argument(help="The trial to delete from the index.")],
    store: StoreOpt = None,
    chroma_url: ChromaUrlOpt = None,
) -> None:
    """Delete one trial and its chunks from the index."""
    with store_errors():
        removed = get_assistant(store, chroma_url).remove(trial_id)
    if not removed:
        say(err, f"no trial {trial_id!r} in the index")
        raise typer.Exit(1)
    say(out, f"removed {trial_id}")
