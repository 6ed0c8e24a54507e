"""Format registry: detect a document's format and parse it into ``Trial`` records.

A new format is one new module in this package exposing ``PARSER`` (see ``base.Parser``), named in
``_MODULES``. Detection asks every parser for its confidence and takes the most confident.
"""

from __future__ import annotations

import importlib
from functools import cache

from summarizer.models import Trial
from summarizer.parsers.base import ParseError, Parser

# Most specific first; ties go to the earlier one.
_MODULES = ("ctgov_json", "ctgov_xml", "html_page", "text_page")


@cache
def parsers() -> tuple[Parser, ...]:
    return tuple(importlib.import_module(f"{__name__}.{m}").PARSER for m in _MODULES)


def detect(name: str, text: str) -> Parser:
    """The parser most confident it can read ``text``; ``ParseError`` if none is."""
    best: tuple[float, Parser] | None = None
    for parser in parsers():
        score = parser.detect(name, text)
        if score > 0 and (best is None or score > best[0]):
            best = (score, parser)
    if best is None:
        raise ParseError("not a trial document in any known format")
    return best[1]


def parse_text(name: str, text: str) -> list[Trial]:
    """Every trial in one document's text, each with a validated, normalized trial id."""
    from summarizer.trial_ids import checked

    return [checked(trial) for trial in detect(name, text).parse(name, text)]


__all__ = ["ParseError", "Parser", "detect", "parse_text", "parsers"]
