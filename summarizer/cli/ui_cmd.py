"""Commands: to be written."""

from summarizer.cli.app import app  # noqa: F401
