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
    app()


__all__ = ["app", "main"]
