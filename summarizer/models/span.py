"""A character range into ``Trial.source.text``: what every extracted value and quote points at.

Its own module so that models read from a trial (the parsed criteria) and the trial itself can
both use it without importing each other.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """Half-open character range ``[start, end)`` into ``Trial.source.text``."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
