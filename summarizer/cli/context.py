"""Where every CLI command gets its ``Assistant``, and how its errors become one line and an exit
code. The one place to change when the CLI talks to a server instead (``TRIALSUM_URL``).

Exit codes: 2 usage (an empty question, an unknown engine or trial), 69 the language model is not
configured or not reachable (llm and assisted engines), 75 store busy or server down (run again),
78 a store from a newer trialsum.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from summarizer.cli.output import console, label, say
from summarizer.config import Settings

if TYPE_CHECKING:
    from summarizer.assistant import Assistant

err = console(stderr=True)


def settings_for(store: Path | None = None, chroma_url: str | None = None) -> Settings:
    overrides: dict[str, object] = {}
    if store is not None:
        overrides["home"] = store
    if chroma_url:
        overrides["chroma_url"] = chroma_url
    return Settings(**overrides)  # type: ignore[arg-type]


def get_assistant(
    store: Path | None = None, chroma_url: str | None = None, engine: str | None = None
) -> Assistant:
    """The assistant for this command's options (environment and defaults otherwise).

    With ``TRIALSUM_URL`` set and no ``--store``/``--chroma-url``, the ``trialsum serve`` there
    answers (``RemoteAssistant``: same methods, same errors), and nothing heavy is loaded here.
    """
    if store is None and not chroma_url:
        from summarizer.api.client import remote_from_env

        remote = remote_from_env(engine=engine)
        if remote is not None:
            return remote  # type: ignore[return-value]
    from summarizer.assistant import build_assistant

    return build_assistant(settings_for(store, chroma_url), engine=engine)


def store_label(assistant: object) -> str:
    """Where this command's trials live, for messages: the local store folder, or the server
    that answers it (``TRIALSUM_URL``), never a local path the server does not read."""
    url = getattr(assistant, "url", None)
    if url:
        return f"the store of the trialsum server at {url}"
    return f"the store at {assistant.settings.store_dir}"  # type: ignore[attr-defined]


def fail(message: str, code: int = 2) -> typer.Exit:
    say(err, label("error:", "red"), " ", message)
    return typer.Exit(code)


LOCAL_MODEL_HINT = (
    "to run a local model: pip install -e '.[local-llm]', trialsum llm pull, trialsum llm serve "
    "(it prints the export lines); or use --engine extractive, which works offline"
)


def llm_error_line(exc: Exception) -> str:
    """A language-model error as one line that says how to get a model running."""
    line = " ".join(str(exc).split())
    if "trialsum llm serve" in line:
        return line
    return f"{line.rstrip('.')}; {LOCAL_MODEL_HINT}."


@contextmanager
def assistant_errors() -> Iterator[None]:
    """The application layer's and the store's errors as one clear line and an exit code.

    The error types are imported only when something was raised: a command answered by a
    ``trialsum serve`` (``TRIALSUM_URL``) never loads the store's modules.
    """
    try:
        yield
    except Exception as exc:
        from summarizer.api.client import RemoteError
        from summarizer.assistant import TrialNotFoundError, UsageError
        from summarizer.llm_client import LLMError
        from vectorstore.chroma_store import StoreLayoutError
        from vectorstore.server_retry import ServerUnavailable
        from vectorstore.store_lock import StoreBusy

        if isinstance(exc, UsageError | TrialNotFoundError):
            raise fail(str(exc).strip("'\"")) from None
        if isinstance(exc, RemoteError):  # TRIALSUM_URL: server down, key refused or failing
            say(err, exc, style="red")
            raise typer.Exit(69) from None  # EX_UNAVAILABLE
        if isinstance(exc, LLMError):  # no endpoint configured, or none answering
            raise fail(llm_error_line(exc), 69) from None
        if isinstance(exc, StoreBusy | ServerUnavailable):
            say(err, exc, style="red")
            err.print("Nothing was lost: the store is consistent; run the same command again.")
            raise typer.Exit(75) from None  # EX_TEMPFAIL
        if not isinstance(exc, StoreLayoutError):
            raise
        say(err, exc, style="red")
        raise typer.Exit(78) from None  # EX_CONFIG: nothing was read or written
