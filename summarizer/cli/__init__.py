"""Command line: one module per group of commands, all registered on one app."""

import sys

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
        print(f"trialsum: {exc}", file=sys.stderr)
        raise SystemExit(78) from None  # EX_CONFIG, as in ``store_errors``


__all__ = ["app", "main"]
