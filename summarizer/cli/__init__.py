"""Command line: one module per group of commands, all registered on one app."""

from summarizer.cli import (  # noqa: F401  (imported for their commands)
    answer_cmd,
    eval_cmd,
    index_cmd,
    parse_cmd,
    ui_cmd,
)
from summarizer.cli.app import app


def main() -> None:
    from vectorstore.chroma_store import StoreLayoutError

    try:
        app()
    except StoreLayoutError as exc:  # commands that read the store outside ``store_errors``
        raise SystemExit(f"trialsum: {exc}") from None


__all__ = ["app", "main"]
