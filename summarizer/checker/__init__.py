"""The source checker: is each generated sentence supported by, missing from, or contradicted by
the trial documents? Used by the engines after generation and by the eval suite."""

from summarizer.checker.core import check_statement, check_text
from summarizer.checker.support import use_embedder

__all__ = ["check_statement", "check_text", "use_embedder"]
