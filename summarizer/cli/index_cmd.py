"""Index commands: ingest documents, search them, list and remove stored trials."""

from __future__ import annotations

import json
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from summarizer.cli.app import app
from summarizer.config import Settings
from summarizer.runtime import Runtime

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Data folder holding the local store (sets TRIALSUM_HOME)."),
]
ChromaUrlOpt = Annotated[
    str | None,
    typer.Option("--chroma-url", help="Use a shared Chroma server, e.g. http://127.0.0.1:8000."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

out = Console()
err = Console(stderr=True)


def make_runtime(store: Path | None, chroma_url: str | None) -> Runtime:
    overrides: dict[str, object] = {}
    if store is not None:
        overrides["home"] = store
    if chroma_url:
        overrides["chroma_url"] = chroma_url
    return Runtime(Settings(**overrides))  # type: ignore[arg-type]


@contextmanager
def store_errors() -> Iterator[None]:
    """A busy local store, an unreachable server or a store from a newer trialsum ends the
    command with one clear line."""
    from vectorstore.chroma_store import StoreLayoutError
    from vectorstore.server_retry import ServerUnavailable
    from vectorstore.store_lock import StoreBusy

    try:
        yield
    except (StoreBusy, ServerUnavailable) as exc:
        err.print(f"[red]{exc}[/]", highlight=False)
        err.print("Nothing was lost: the store is consistent; run the same command again.")
        raise typer.Exit(75) from None  # EX_TEMPFAIL
    except StoreLayoutError as exc:
        err.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(78) from None  # EX_CONFIG: nothing was read or written


def count_documents(paths: list[Path]) -> int | None:
    """How many documents the inputs hold, for the progress bar; None if it cannot tell."""
    total = 0
    try:
        for path in paths:
            if path.is_dir():
                total += sum(1 for p in path.rglob("*") if p.is_file())
            elif path.name.endswith((".tar.gz", ".tgz", ".tar")):
                with tarfile.open(path) as tar:
                    total += sum(1 for m in tar if m.isfile())
            elif path.suffix == ".zip":
                with zipfile.ZipFile(path) as zf:
                    total += sum(1 for n in zf.namelist() if not n.endswith("/"))
            else:
                total += 1
    except (OSError, tarfile.TarError, zipfile.BadZipFile):
        return None
    return total


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
    from summarizer.ingest import IngestProgress, ingest_paths

    runtime = make_runtime(store, chroma_url)
    total = count_documents(paths)
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
                report = ingest_paths(paths, runtime, progress=on_progress, batch_trials=batch)
        except KeyboardInterrupt:
            err.print(
                "[yellow]Interrupted.[/] The store is consistent; run the same command again "
                "to finish (finished trials are skipped)."
            )
            raise typer.Exit(130) from None

    for failure in report.trials_failed:
        err.print(f"[red]failed[/] {failure.line()}", markup=True, highlight=False)
    if as_json:
        out.print_json(report.model_dump_json())
    else:
        t = report.timings
        rate = report.chunks / t.total if t.total else 0.0
        out.print(
            f"{report.files} files: {report.trials_new} new, {report.trials_updated} updated, "
            f"{report.trials_unchanged} unchanged, {len(report.trials_failed)} failed; "
            f"{report.chunks} chunks ({report.dense_chunks} embedded, "
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
    runtime = make_runtime(store, chroma_url)
    if section:
        from summarizer.models import SECTIONS

        unknown = [s for s in section if s not in SECTIONS]
        if unknown:
            err.print(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
            raise typer.Exit(2)
    if trials:
        ranked = runtime.retriever.search_trials(query, k=k, sections=section)
        if as_json:
            out.print_json(json.dumps([r.model_dump() for r in ranked]))
            return
        table = Table("#", "trial", "score", "title", "best evidence")
        for i, r in enumerate(ranked, 1):
            best = r.hits[0].chunk.text if r.hits else ""
            table.add_row(str(i), r.trial_id, f"{r.score:.4f}", r.title, _snippet(best))
        out.print(table)
        return
    hits = runtime.retriever.search(query, k=k, trial_ids=trial, sections=section)
    if as_json:
        out.print_json(json.dumps([h.model_dump() for h in hits]))
        return
    table = Table("#", "trial", "section", "span", "score", "text")
    for i, h in enumerate(hits, 1):
        c = h.chunk
        table.add_row(
            str(i), c.trial_id, c.section, f"{c.start}-{c.end}", f"{h.score:.4f}", _snippet(c.text)
        )
    out.print(table)


def _snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@app.command(name="trials")
def list_trials(
    store: StoreOpt = None, chroma_url: ChromaUrlOpt = None, as_json: JsonOpt = False
) -> None:
    """List the indexed trials: id, title, source file and chunk count."""
    runtime = make_runtime(store, chroma_url)
    states = sorted(runtime.store.trial_states().values(), key=lambda s: s.trial_id)  # type: ignore[attr-defined]
    if as_json:
        rows = [
            {"trial_id": s.trial_id, "title": s.title, "source": s.source_path, "chunks": s.chunks}
            for s in states
        ]
        out.print_json(json.dumps(rows))
        return
    table = Table("trial", "title", "source", "chunks")
    for s in states:
        table.add_row(s.trial_id, s.title, s.source_path, str(s.chunks))
    out.print(table)
    err.print(f"{len(states)} trials")


@app.command()
def remove(
    trial_id: Annotated[str, typer.Argument(help="The trial to delete from the index.")],
    store: StoreOpt = None,
    chroma_url: ChromaUrlOpt = None,
) -> None:
    """Delete one trial and its chunks from the index."""
    runtime = make_runtime(store, chroma_url)
    with store_errors():
        removed = runtime.store.remove_trial(trial_id)
    if not removed:
        err.print(f"no trial {trial_id!r} in the index")
        raise typer.Exit(1)
    out.print(f"removed {trial_id}")
