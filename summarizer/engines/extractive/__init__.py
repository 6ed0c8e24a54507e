"""The offline extractive generator (no model, no network): see ``engine.ExtractiveEngine``."""

from summarizer.engines.extractive.engine import ExtractiveEngine

__all__ = ["ExtractiveEngine"]
