"""Numbers a person gave (a lab value, a performance score, a BMI) set against a criterion's limit.

A criterion such as 'creatinine > 2 mg/dL' is decided only when the description names the same
measure (the criteria lexicon's names, so 'Cr' is read only if the lexicon says so) with a value
right after it, in the unit the criterion uses: 'creatinine 3.1 mg/dL' holds it, 'creatinine 3.1'
or 'creatinine 270 umol/L' leaves it open, since a wrong 'not met' hides a trial the person could
join. Scores with no unit (ECOG, Karnofsky, BMI, ...) are listed in ``prompts/match.json``
(``unitless_measures``). Only a plain value counts: 'creatinine > 2' in a description is not a
reading, and a measure said twice with different values is left open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.criteria.detect import lexicon, quantities
from summarizer.criteria.model import Constraint, Quantity
from summarizer.match.wording import wording

# Between a measure's name and its value: 'creatinine 3.1', 'creatinine: 3.1', 'creatinine of
# 3.1', 'creatinine was 3.1', 'ECOG performance status is 2'.
_GAP = re.compile(r"\s*(?:[:=]|\b(?:of|was|is|at|were|now)\b)?\s*(?:\b(?:of|at)\b\s*)?", re.I)
_CAPITALS = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Reading:
    """One measure the description gives a value for, with the words that give it."""

    measure: str  # the lexicon's name: 'creatinine', 'ECOG'
    value: float
    unit: str | None
    words: str  # the description's own words, exactly ('creatinine 3.1 mg/dL')


@cache
def _measures() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Every marker and performance name of the criteria lexicon, compiled for a description:
    an abbreviation ('PT', 'EF') only in capitals, so 'pt' (patient) is not a measure."""
    lex = lexicon()
    out: list[tuple[str, re.Pattern[str]]] = []
    for table in ("markers", "performance"):
        for name, pats in lex[table].items():
            for p in pats:
                flags = 0 if _CAPITALS.search(p.replace("\\b", "")) else re.I
                out.append((name, re.compile(rf"\b{p}" if p[0].isalpha() else p, flags)))
    return tuple(out)


def unit_key(unit: str | None) -> str | None:
    """A unit compared as written, give or take spaces, dots and the micro sign."""
    if unit is None:
        return None
    u = unit.lower().replace("µ", "u").replace("μ", "u")
    return re.sub(r"[\s.]", "", u) or None


def readings(text: str) -> dict[str, Reading]:
    """The measures ``text`` gives a single plain value for, by lexicon name."""
    found = {f.start: f for f in quantities(text)}
    seen: dict[str, list[Reading]] = {}
    taken: list[tuple[int, int]] = []
    for name, pattern in _measures():
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            gap = _GAP.match(text, m.end())
            at = gap.end() if gap else m.end()
            f = found.get(at)
            if f is None or f.quantity.comparator not in (None, "eq") or f.quantity.upper:
                continue
            taken.append((m.start(), f.end))
            q = f.quantity
            words = text[m.start() : f.end]
            seen.setdefault(name, []).append(Reading(name, q.value, q.unit, words))
    out: dict[str, Reading] = {}
    for name, rs in seen.items():
        if len({(r.value, unit_key(r.unit)) for r in rs}) == 1:  # said twice alike is said once
            out[name] = rs[0]
    return out


def _same_unit(measure: str, criterion: Quantity, reading: Reading) -> bool:
    want, have = unit_key(criterion.unit), unit_key(reading.unit)
    if want is not None and any(w in want for w in wording().threshold_skip_units):
        return False  # '2 x ULN' needs the laboratory's normal range, which no one says
    if want == have:
        return want is not None or measure in wording().unitless_measures
    if measure in wording().unitless_measures:
        return want is None or have is None or want.rstrip("%") == have.rstrip("%")
    return False


def truth(c: Constraint, found: dict[str, Reading]) -> tuple[bool, Reading] | None:
    """What a person's reading says about one measured constraint: whether the constraint's
    statement holds for them (a negated one turned round), or None when it cannot tell."""
    if c.kind not in ("marker", "performance") or c.quantity is None or c.concept is None:
        return None
    reading = found.get(c.concept)
    if reading is None or not _same_unit(c.concept, c.quantity, reading):
        return None
    said = c.quantity.holds(reading.value)
    if said is None:
        return None
    return said != c.negated, reading
