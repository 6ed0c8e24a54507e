"""Numbers with their units, read the same way from generated text and from the source.

'14 Years' and '14 years old', '≥ 18' and '18 and over', '0.5×10^6' and '0.5 x 10^6', 'five years'
and '5 years', 'ECOG 0-2' and 'ECOG 0 to 2' all read as the same quantities, so a claim is checked
on its values, not on its wording.
"""

from __future__ import annotations

import itertools
import re
from typing import Literal

from pydantic import BaseModel

from summarizer.checker import dates

Direction = Literal["ge", "le", "gt", "lt"] | None

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_UNITS = {
    "year": ("years?", "yrs?", "years? old", "-year-old", "year-old"),
    "month": ("months?", "mos?"),
    "week": ("weeks?", "wks?"),
    "day": ("days?",),
    "hour": ("hours?", "hrs?", "h"),
    "%": ("%", "percent", "per cent"),
    "points": ("points?",),
    "participants": ("participants", "people", "patients", "subjects"),
    "mg/dl": ("mg/dl",),
    "ml/min": ("ml/min(?:ute)?",),
    "g/l": ("g/l",),
    "g/g": ("g/g",),
    "mg": ("mg",),
    "ml": ("ml",),
    "g": ("g",),
    "mm": ("mm",),
    "iu/ml": ("iu ?/ ?ml",),
    "cells/kg": ("(?:car-t )?cells/kg",),
    "/l": ("/l",),
    "cycles": ("cycles?", "courses?"),
    "sites": ("sites?", "locations?", "centers?", "centres?"),
    "times": ("times",),
}
_UNIT_RE = "|".join(
    f"(?P<u_{re.sub(r'[^a-z]', '_', k)}_{i}>{'|'.join(v)})"
    for i, (k, v) in enumerate(_UNITS.items())
)
_UNIT_KEYS = {f"u_{re.sub(r'[^a-z]', '_', k)}_{i}": k for i, k in enumerate(_UNITS)}

_GE = (
    r"(?:≥|>=|=>|at least|no less than|not less than|minimum(?: of)?|min\.?|older than or equal to|"
    r"greater than or equal to|more than or equal to)"
)
_LE = (
    r"(?:≤|<=|=<|at most|no more than|not more than|up to|maximum(?: of)?|max\.?|"
    r"less than or equal to)"
)
_GT = r"(?:>|more than|greater than|older than|over|above|exceeding|\\>)"
_LT = r"(?:<|less than|fewer than|younger than|under|below|\\<)"
_POST_GE = r"(?:and (?:over|older|above)|or (?:older|more|over|above|greater)|\+|or higher)"
_POST_LE = r"(?:or (?:younger|less|fewer|under|below|lower))"

_NUM = r"\d+(?:[.,]\d+)*"
# A minus sign right before the digits, after a space or a comparison ('z-score <= -2', 'T-score of
# -2.5'); never the dash of a range ('0-2', '6.0 - 17.0').
_SIGNED = (
    r"(?:(?:(?<=^)|(?<=[(<>=≤≥:])|(?<=[(<>=≤≥:] )|(?<=\bto )|(?<=\bof )|(?<=\bis )|(?<=score ))"
    rf"[-−](?=\d))?{_NUM}"
)
_SCI = rf"(?P<mant>{_NUM})\s*(?:[x×*]|\\\*)\s*10\s*(?:\\?\^|\*\*)?\s*(?P<exp>\d{{1,2}})"
_QTY_RE = re.compile(
    rf"(?:(?P<pre_ge>{_GE})|(?P<pre_le>{_LE})|(?P<pre_gt>{_GT})|(?P<pre_lt>{_LT}))?\s*"
    rf"(?:{_SCI}|(?P<num>{_SIGNED}))"
    rf"(?:\s*(?:{_UNIT_RE})(?![a-z]))?"
    rf"(?:\s*(?:(?P<post_ge>{_POST_GE})|(?P<post_le>{_POST_LE})))?",
    re.IGNORECASE,
)
# Identifiers whose digits are not quantities: NCT ids, antigens (CD19), scales (NYHA III), lists.
# A list marker is one wherever it stands, in the source or in a sentence quoting it: '1.' opening
# a line, '1)' or '(1)' before a word at a line's start or after a clause mark ('... as posted:
# 1) Placebo: 8 started; 2) Testosterone Gel ...'), never a count or a decimal in brackets
# ('Placebo (8)', '(n = 8) had', '(HbA1c >= 6.5) and').
_MASK_RE = re.compile(
    r"\bNCT\d{8}\b|\b(?:CD|IL|HLA|PD|CTLA|B7|MMT|SLEDAI|CTCAE|v|T|N|M|t|q|type|class|grade|item|"
    r"criterion|criteria|stage)\s?-?\d+[a-z]?(?:\.\d+)?\b|\b[A-Z]+\d+[A-Z]*\b|\b\d+(?:st|nd|rd|th)\b"
    r"|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|^\s*\d+[.)]\s|(?:^|(?<=:)|(?<=[.:;,]\s))\(?\d{1,2}\)(?=\s+[A-Za-z])|\bv\d+(?:\.\d+)?\b|(?i:\bphase\s?(?:\d|iv|i{1,3})\b(?:\s?[/,&]\s?(?:phase\s?)?(?:\d|iv|i{1,3})\b)*)",
    re.MULTILINE,
)


class Quantity(BaseModel):
    """One number as stated: its value (floats for 10^x forms), unit and comparison, if any."""

    value: float
    unit: str | None = None
    direction: Direction = None
    text: str
    start: int = 0
    end: int = 0


def _words_to_digits(text: str) -> str:
    pattern = r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?=\s*(?:-|\s)?\s*[a-z%])"
    return re.sub(pattern, lambda m: str(_NUMBER_WORDS[m.group(1).lower()]), text, flags=re.I)


def _mask(text: str) -> str:
    """Identifiers and calendar dates blanked out (dates are checked as dates, ``dates.py``)."""
    masked = _MASK_RE.sub(lambda m: " " * len(m.group(0)), text)
    for start, end in dates.spans(masked):
        masked = masked[:start] + " " * (end - start) + masked[end:]
    return masked


def _parse_num(raw: str) -> float | None:
    raw = raw.strip().replace("−", "-")
    if raw.startswith("-"):
        value = _parse_num(raw[1:])
        return None if value is None else -value
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        raw = raw.replace(",", "")
    raw = raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw
    try:
        return float(raw)
    except ValueError:
        return None


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its unit and comparison; identifiers are skipped."""
    prepared = _mask(_words_to_digits(text.replace("\\", "")))
    out: list[Quantity] = []
    for m in _QTY_RE.finditer(prepared):
        if m.group("mant"):
            mant = _parse_num(m.group("mant"))
            if mant is None:
                continue
            value = mant * 10 ** int(m.group("exp"))
        elif m.group("num"):
            parsed = _parse_num(m.group("num"))
            if parsed is None:
                continue
            value = parsed
        else:
            continue
        unit = next(
            (_UNIT_KEYS[k] for k, v in m.groupdict().items() if k in _UNIT_KEYS and v), None
        )
        direction: Direction = None
        for key in ("ge", "le", "gt", "lt"):
            if m.group(f"pre_{key}") or (key in ("ge", "le") and m.group(f"post_{key}")):
                direction = key  # type: ignore[assignment]
                break
        raw = m.group(0)
        lead = len(raw) - len(raw.lstrip())
        out.append(
            Quantity(
                value=round(value, 6),
                unit=unit,
                direction=direction,
                text=raw.strip(),
                start=m.start() + lead,
                end=m.start() + lead + len(raw.strip()),
            )
        )
    _share_range_units(out, prepared)
    return out


def _share_range_units(found: list[Quantity], text: str) -> None:
    """'14 to 75 years' and '0-2': a range's first number takes the second one's unit, and the
    two become a lower and an upper limit."""
    for a, b in itertools.pairwise(found):
        between = text[a.end : b.start]
        if not re.fullmatch(r"\s*(?:-|–|to|and|or|,)\s*(?:(?:≤|<=|<)\s*)?", between, re.I):
            continue
        if a.unit is None and b.unit is not None:
            a.unit = b.unit
        if a.unit == b.unit:
            _bound_range(a, b, between)


def _bound_range(a: Quantity, b: Quantity, between: str) -> None:
    """'14 to 75 years': 14 is a lower limit and 75 an upper one."""
    if re.search(r"-|–|to", between) and a.direction is None and b.direction is None:
        a.direction, b.direction = "ge", "le"


def _side(direction: Direction) -> int:
    return {"ge": 1, "gt": 1, "le": -1, "lt": -1}.get(direction or "", 0)


def same_value(claim: Quantity, source: Quantity) -> bool:
    """Values equal and units compatible (either side may leave the unit implicit)."""
    if abs(claim.value - source.value) > 1e-6 * max(1.0, abs(source.value)):
        return False
    return claim.unit is None or source.unit is None or claim.unit == source.unit


def opposite(claim: Quantity, source: Quantity) -> bool:
    """'under 18' against '≥ 18': the same limit read the other way round."""
    return _side(claim.direction) * _side(source.direction) < 0


def find(claim: Quantity, pool: list[Quantity]) -> Quantity | None:
    """The source quantity the claim's restates: the same value, read the same way round when
    the source has both ('<66.0' and '>=66.0' of two groups compared), else the first."""
    hits = [q for q in pool if same_value(claim, q)]
    if not hits:
        return None
    return next((q for q in hits if not opposite(claim, q)), hits[0])


def rival(claim: Quantity, pool: list[Quantity]) -> Quantity | None:
    """A different value with the same unit: evidence the claim changed the number."""
    if claim.unit is None:
        return None
    return next((q for q in pool if q.unit == claim.unit and not same_value(claim, q)), None)
