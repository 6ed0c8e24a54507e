"""The pre-screen's fixed wording and limits, as data (``prompts/match.json``), read once.

The notice, the one-line messages for bad input, the verdict reasons, the open-question
phrasing and the limits (description length, candidates fetched, questions per trial) live in
the data file; this module only reads and fills them.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel

from summarizer.engines.extractive.resources import load


class MatchWording(BaseModel):
    version: int
    notice: str
    messages: dict[str, str]
    reasons: dict[str, str]
    fields: dict[str, str]
    questions: dict[str, str]
    skip_questions: list[str]
    limits: dict[str, int]
    negation_cues: str
    current_words: str
    filler_words: list[str]
    unitless_measures: list[str] = []
    threshold_skip_units: list[str] = []
    pregnancy_not_asked: str = r"(?!)"
    about_a_treatment: str = r"(?!)"
    another_one: str = r"(?!)"
    exception_words: str = r"(?!)"
    event_words: str = r"(?!)"
    conditional_words: str = r"(?!)"

    def message(self, name: str, **values: object) -> str:
        return self.messages[name].format(**values)

    def reason(self, name: str, **values: object) -> str:
        return self.reasons[name].format(**values)

    def limit(self, name: str) -> int:
        return int(self.limits[name])

    @property
    def negation(self) -> re.Pattern[str]:
        return _compiled(self.negation_cues)

    @property
    def current(self) -> re.Pattern[str]:
        return _compiled(self.current_words)

    @property
    def not_asking_pregnancy(self) -> re.Pattern[str]:
        """An inclusion that names pregnancy without asking for it ('negative pregnancy test')."""
        return _compiled(self.pregnancy_not_asked)

    @property
    def other_than(self) -> re.Pattern[str]:
        """Words right before a condition that set the person's own apart ('no other prior')."""
        return _compiled(self.another_one)

    @property
    def exception(self) -> re.Pattern[str]:
        """A criterion that lists exceptions ('except carcinoma in situ', 'other than')."""
        return _compiled(self.exception_words)

    @property
    def conditional(self) -> re.Pattern[str]:
        """A criterion that asks only people in some case ('fertile patients', 'if ...')."""
        return _compiled(self.conditional_words)

    @property
    def event(self) -> re.Pattern[str]:
        """An event of a condition ('exacerbation', 'flare'), dated apart from the condition."""
        return _compiled(self.event_words)

    @property
    def treatment_for(self) -> re.Pattern[str]:
        """Words right before a condition that make it the object of a treatment ('therapy for')."""
        return _compiled(self.about_a_treatment)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@cache
def wording() -> MatchWording:
    """``prompts/match.json`` as a model; a broken file is a clear error."""
    try:
        return MatchWording.model_validate(load("match"))
    except ValueError as exc:
        raise ValueError(
            f"prompts/match.json: cannot be read as the match wording ({exc})"
        ) from None
