"""The offline extractive engine (no model, no network): see ``engine.ExtractiveEngine``."""

from summarizer.engines.extractive.engine import ExtractiveEngine, NoTrialError

__all__ = ["ExtractiveEngine", "NoTrialError"]
