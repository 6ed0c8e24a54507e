"""Generators by name: a registry of import paths, so a generator's dependencies load only when
used. Each is built from narrow parts (a trial store, a retriever, the settings), never from the
application's wiring."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.config import Settings
    from summarizer.engines.base import Generator

# name -> "module:Class"; a new engine is one new line here (its class has a
# ``build(store=, retriever=, settings=)`` classmethod).
ENGINES: dict[str, str] = {
    "extractive": "summarizer.engines.extractive:ExtractiveEngine",
    "llm": "summarizer.engines.llm:LLMEngine",
    "assisted": "summarizer.engines.assisted:AssistedEngine",
}


class UnknownEngineError(ValueError):
    """An engine name that is not in the registry."""


def engine_names() -> list[str]:
    return sorted(ENGINES)


def make_engine(name: str, *, store: Any, retriever: Any, settings: Settings) -> Generator:
    """Build the generator registered as ``name`` from the store, retriever and settings."""
    try:
        target = ENGINES[name]
    except KeyError:
        raise UnknownEngineError(
            f"unknown engine {name!r}; choose one of: {', '.join(engine_names())}"
        ) from None
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    return cls.build(store=store, retriever=retriever, settings=settings)  # type: ignore[no-any-return]
