"""The source checker: is each generated sentence supported by, missing from, or contradicted by
the trial documents? Used by the engines after generation and by the eval suite.

Offline and deterministic by default (``check_statement``). ``summarizer.checker.judge`` adds an
LLM judge behind the same ``Checker`` protocol (``make_checker(settings, "llm")``), kept out of
this import so that the offline checker loads no LLM client."""

from summarizer.checker.core import check_statement, check_text
from summarizer.checker.support import use_embedder

__all__ = ["check_statement", "check_text", "use_embedder"]
