"""Document text is data: look-alikes of our prompt delimiters inside it are made harmless.

Every prompt that wraps text in tags (evidence blocks, the question, a previous reply, a judged
statement, claims, a person's description and the criteria set against it) passes that text
through ``defuse``: the ``<`` of a look-alike tag becomes ``‹``, so a document cannot close its
block and speak as the prompt. Everything else is untouched.
"""

from __future__ import annotations

import re

# Tag names the prompts (prompts/*.md) use as delimiters.
DELIMITERS = (
    "evidence",
    "question",
    "previous_reply",
    "statement",
    "claims",
    "description",
    "criteria",
)
_LOOKALIKE = re.compile(rf"<(?=\s*/?\s*(?:{'|'.join(DELIMITERS)})\b)", re.IGNORECASE)


def defuse(text: str) -> str:
    """``text`` with delimiter look-alikes made harmless; everything else untouched."""
    return _LOOKALIKE.sub("‹", text)
