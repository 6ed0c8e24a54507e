"""The status filter of a pre-screen, in the words people use: 'recruiting', 'not yet
recruiting', or 'open' for every status a person can still join."""

from __future__ import annotations

from summarizer.finder import OPEN_ORDER, plain_status
from summarizer.match.wording import wording
from summarizer.models.trial import STATUSES

OPEN = "open"


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def statuses_for(word: str) -> frozenset[str]:
    """The status values a filter word names; ValueError naming the choices otherwise."""
    key = _key(word)
    if key == OPEN:
        return frozenset(OPEN_ORDER)
    for value in STATUSES:
        if key in (_key(value), _key(plain_status(value) or "")):
            return frozenset({value})
    choices = ", ".join([OPEN, *(_key(v) for v in STATUSES)])
    raise ValueError(wording().message("unknown_status", status=word, choices=choices))
