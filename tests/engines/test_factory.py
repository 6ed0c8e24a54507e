"""Engines are chosen by name from a registry."""

from __future__ import annotations

import pytest

from summarizer.config import Settings
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.engines.factory import ENGINES, UnknownEngineError, make_engine


def test_extractive_is_built_by_name():
    engine = make_engine("extractive", store=object(), retriever=None, settings=Settings())
    assert isinstance(engine, ExtractiveEngine) and engine.name == "extractive"


def test_registry_names_both_engines():
    assert ENGINES["llm"] == "summarizer.engines.llm:LLMEngine"


def test_unknown_engine_names_the_choices():
    with pytest.raises(UnknownEngineError, match="extractive, llm"):
        make_engine("gpt-magic", store=object(), retriever=None, settings=Settings())
