"""``trialsum serve``: the HTTP API (summarizer.api) under uvicorn, on loopback by default.

Binding beyond loopback needs an API key (``--api-key`` or ``TRIALSUM_API_KEY``): without one the
command refuses to start, in one line. The store, indexes and default engine are loaded before
the port opens, so the first request is as fast as the rest and ``/health`` means ready.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from summarizer.cli.app import app

DEFAULT_PORT = 8765


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = DEFAULT_PORT,
    store: Annotated[
        Path | None, typer.Option("--store", help="Data folder holding the local store.")
    ] = None,
    chroma_url: Annotated[
        str | None, typer.Option("--chroma-url", help="Use a shared Chroma server instead.")
    ] = None,
    engine: Annotated[
        str | None, typer.Option("--engine", "-e", help="Default engine: extractive or llm.")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="TRIALSUM_API_KEY",
            help="Key every request must send (X-API-Key or Bearer); required off loopback.",
            show_envvar=True,
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest JSON request body, bytes.")
    ] = 1 << 20,
    max_upload: Annotated[
        int, typer.Option("--max-upload", min=1024, help="Largest /ingest upload, bytes.")
    ] = 64 << 20,
) -> None:
    """Serve the HTTP API (ask, trials, summaries, check-fit, search, ingest); docs at /docs."""
    from summarizer.api.auth import is_loopback

    if not is_loopback(host) and not api_key:
        _fail(f"refusing to listen on {host} without an API key: set TRIALSUM_API_KEY or --api-key")
    import uvicorn

    from summarizer.api.app import create_app
    from summarizer.assistant import build_assistant
    from summarizer.config import Settings

    overrides: dict[str, object] = {}
    if store is not None:
        overrides["home"] = store
    if chroma_url:
        overrides["chroma_url"] = chroma_url
    if engine:
        overrides["engine"] = engine
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        _fail(f"bad setting: {str(exc).splitlines()[-1].strip()}")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    assistant = build_assistant(settings)
    api = create_app(assistant=assistant, api_key=api_key, max_body=max_body, max_upload=max_upload)
    print(f"trialsum: loading the store at {settings.store_dir} ...", file=sys.stderr)
    api.state.trialsum.warm()
    shown = f"[{host}]" if ":" in host else host
    print(
        f"trialsum API at http://{shown}:{port} (docs at /docs"
        f"{', API key required' if api_key else ''}); Ctrl-C to stop",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(api, host=host, port=port, log_level="warning", access_log=False)


def _fail(message: str) -> NoReturn:
    print(f"trialsum: {message}", file=sys.stderr)
    raise typer.Exit(2)
