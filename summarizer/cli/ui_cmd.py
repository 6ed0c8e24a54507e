"""``trialsum ui``: start the Streamlit app, headless, on a chosen port.

On first run (an empty library) the sample trials are indexed first, so the app opens with
something to ask about.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from summarizer.cli.app import app

APP_PATH = Path(__file__).resolve().parents[2] / "ui" / "app.py"

err = Console(stderr=True)


def streamlit_command(port: int, address: str) -> list[str]:
    """The ``streamlit run`` command line: headless, no telemetry, no stack traces on screen.

    It goes through ``ui.launch``, which keeps Streamlit to the pages ``ui/app.py`` declares.
    """
    return [
        sys.executable,
        "-m",
        "ui.launch",
        "run",
        str(APP_PATH),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--client.showErrorDetails=none",
        "--client.toolbarMode=minimal",
        "--theme.base=light",
        "--theme.primaryColor=#1f5fa8",
    ]


def ingest_samples_if_empty() -> int:
    """Index ``samples/`` when the library is empty; returns the number of trials written."""
    from summarizer.cli.context import get_assistant
    from summarizer.ingest import IngestProgress

    assistant = get_assistant()
    if assistant.trial_ids():
        return 0
    samples = assistant.settings.samples_dir
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("Indexing the sample trials (first run)…", total=None)

        def show(step: IngestProgress) -> None:
            progress.update(
                task,
                description=f"Indexing the sample trials: {step.trials} trials, "
                f"{step.chunks} passages",
            )

        report = assistant.ingest([samples], progress=show)
    for failure in report.trials_failed:
        err.print(f"[yellow]skipped[/] {failure.line()}")
    err.print(f"Indexed {report.trials_written} sample trials into {assistant.settings.store_dir}")
    del assistant
    gc.collect()
    return report.trials_written


@app.command("ui")
def ui(
    port: Annotated[int, typer.Option("--port", "-p", help="Port to serve the app on.")] = 8501,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Library folder (sets TRIALSUM_HOME); default: the usual."),
    ] = None,
    address: Annotated[str, typer.Option("--address", help="Address to listen on.")] = "127.0.0.1",
    samples: Annotated[
        bool,
        typer.Option("--samples/--no-samples", help="Index the samples when the library is empty."),
    ] = True,
) -> None:
    """Open the browser app: ask questions, read lay summaries, edit and check, manage trials."""
    if store is not None:
        os.environ["TRIALSUM_HOME"] = str(store.expanduser().resolve())
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if samples:
        try:
            ingest_samples_if_empty()
        except Exception as exc:  # the app can still start and show the error on its pages
            err.print(f"[yellow]could not index the sample trials:[/] {exc}")
    err.print(f"trialsum is running at http://{address}:{port}  (Ctrl-C to stop)")
    try:
        code = subprocess.call(streamlit_command(port, address))
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)
