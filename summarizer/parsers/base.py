"""The parser protocol: a format is one module with ``detect`` and ``parse``."""

from __future__ import annotations

from typing import Protocol

from summarizer.models import Trial


class ParseError(ValueError):
    """A document that cannot be read as a trial; the message is one plain line for the user."""


class Parser(Protocol):
    name: str

    def detect(self, name: str, text: str) -> float:
        """Confidence in [0, 1] that ``text`` (from file ``name``) is in this format."""
        ...

    def parse(self, name: str, text: str) -> list[Trial]:
        """Every trial in the document; raises ``ParseError`` with a plain reason."""
        ...
