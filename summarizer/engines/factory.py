"""Engines by name: a registry of import paths, so an engine's dependencies load only when used."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.engines.base import Engine
    from summarizer.runtime import Runtime

# name -> "module:Class"; a new engine is one new line here.
ENGINES: dict[str, str] = {
    "extractive": "summarizer.engines.extractive:ExtractiveEngine",
    "llm": "summarizer.engines.llm:LLMEngine",
}


class UnknownEngineError(ValueError):
    """An engine name that is not in the registry."""


def engine_names() -> list[str]:
    return sorted(ENGINES)


def make_engine(name: str, runtime: Runtime) -> Engine:
    """Build the engine registered as ``name`` around ``runtime``."""
    try:
        target = ENGINES[name]
    except KeyError:
        raise UnknownEngineError(
            f"unknown engine {name!r}; choose one of: {', '.join(engine_names())}"
        ) from None
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    return cls(runtime)
