"""A PersonProfile as the facts the criteria matcher (``self_match``) reads: what the person
said they have, and, apart, what they said they do not have.

Each fact keeps the person's own words (``said``), so a verdict can name the words it rests on
and verification can find them in the description. Concepts come from the profile's terms; the
term rules of ``prompts/conditions.json`` add what the vocabulary does not name ('another
cancer', 'steroids'), negated when a term the profile read as negated holds them or a negation
cue comes just before; pregnancy comes from the profile's own reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.engines.extractive.self_facts import PersonFacts, term_rules
from summarizer.match.thresholds import Reading, readings
from summarizer.match.wording import wording
from summarizer.models.match import PersonProfile

_PREGNANCY_WORDS = re.compile(r"\bpregnan\w*|\bexpecting a baby\b", re.I)


@dataclass
class ProfileFacts:
    """The two sides of a profile for the matcher, and the person's words per fact key."""

    present: PersonFacts
    absent: PersonFacts
    said: dict[str, str] = field(default_factory=dict)  # fact key -> the person's words
    past: set[str] = field(default_factory=set)  # fact keys said only as history
    ago: dict[str, tuple[float, str]] = field(default_factory=dict)  # key -> (days, words)
    measured: dict[str, Reading] = field(default_factory=dict)  # lab values, scores said


def _negated_here(text: str, start: int, profile: PersonProfile) -> bool:
    for term in profile.terms:
        if term.start <= start < term.end:
            return term.negated
    clause = text[max(0, start - 40) : start]
    return bool(wording().negation.search(clause))


def _as_said(text: str, start: int, end: int, negated: bool) -> str:
    """The person's words for a fact; a negated one with its cue ('no HIV', not 'HIV')."""
    if negated:
        lo = max(0, start - 40)
        cue = wording().negation.search(text[lo:start].replace("’", "'"))
        if cue is not None:
            return text[lo + cue.start() : end]
    return text[start:end]


def profile_facts(profile: PersonProfile) -> ProfileFacts:
    """Split the profile into present and absent facts, keeping the person's words."""
    present = PersonFacts(age_years=profile.age_years, sex=profile.sex)
    absent = PersonFacts()
    out = ProfileFacts(present=present, absent=absent)
    history: dict[str, bool] = {}
    for term in profile.terms:
        if not term.concept:
            continue
        side = absent if term.negated else present
        if all(cid != term.concept for _, cid in side.concepts):  # one fact per concept
            side.concepts.append((term.words, term.concept))
        key = f"concept:{term.concept}"
        out.said.setdefault(key, _as_said(profile.text, term.start, term.end, term.negated))
        history[key] = history.get(key, True) and term.history
    text = profile.text.replace("’", "'")
    for rule in term_rules():
        if rule.label in ("pregnancy",):
            continue
        for pattern in rule.say:
            m = pattern.search(text)
            if m is None:
                continue
            side = absent if _negated_here(text, m.start(), profile) else present
            if rule.label not in side.terms:
                side.terms.append(rule.label)
            key = rule.label if rule.label == "breastfeeding" else f"rule:{rule.label}"
            out.said.setdefault(key, _as_said(profile.text, m.start(), m.end(), side is absent))
            break
    if profile.pregnant is not None:
        m = _PREGNANCY_WORDS.search(profile.text)
        if m is not None:
            (present if profile.pregnant else absent).terms.append("pregnancy")
            out.said["pregnancy"] = m.group(0)
    out.past = {k for k, past in history.items() if past}
    out.ago = _dated(profile)
    out.measured = readings(profile.text)  # once per person, not once per trial
    return out


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_AGO = re.compile(
    r"\b(\d{1,3}(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s+(years?|yrs?|months?|mos?|weeks?|wks?|days?)\s+(?:ago|earlier|before|previously)\b",
    re.I,
)
_DAYS = {"y": 365.25, "m": 30.4375, "w": 7.0, "d": 1.0}
_CLAUSE = re.compile(r"[.;!?\n]")


def _dated(profile: PersonProfile) -> dict[str, tuple[float, str]]:
    """How long ago each condition or treatment happened, when its own clause says so ('a heart
    attack 3 years ago', '2 months ago she had a stroke'): the nearest 'N units ago' in the same
    clause. A fact dated two different ways is left undated."""
    text = profile.text
    seen: dict[str, set[tuple[float, str]]] = {}
    for term in profile.terms:
        if not term.concept or term.negated:
            continue
        lo = max(0, term.start - 60)
        before = text[lo : term.start]
        cut = max((m.end() for m in _CLAUSE.finditer(before)), default=0)
        after = text[term.end : term.end + 60]
        stop = _CLAUSE.search(after)
        after = after[: stop.start()] if stop else after
        later, earlier = list(_AGO.finditer(after)), list(_AGO.finditer(before[cut:]))
        if not later and not earlier:
            continue
        m = later[0] if later else earlier[-1]  # the nearest, after the term first
        n = m.group(1).lower()
        days = (float(_NUMBERS[n]) if n in _NUMBERS else float(n)) * _DAYS[m.group(2)[0].lower()]
        seen.setdefault(f"concept:{term.concept}", set()).add((days, m.group(0)))
    return {k: next(iter(v)) for k, v in seen.items() if len({d for d, _ in v}) == 1}
