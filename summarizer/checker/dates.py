"""Calendar dates, read the same way in every written form records and engines use.

'2021-05-27', 'May 27, 2021', '27 May 2021' and 'Sept. 27th 2021' are one day; '2021-05',
'May 2021' and 'May, 2021' one month. A date is compared as a date: a month-only claim holds on
any day of that month in the source, a full date needs the day itself, and another day, month or
year is another date.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Full names and the usual abbreviations ('Sept.', 'Jan').
_MONTH = (
    r"(?P<{g}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<{g}>(?:19|20)\d{{2}})"
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"

_DATE_RE = re.compile(
    "|".join(
        [
            # ISO day and month: 2021-05-27, 2021-05 (never a year range such as 2019-2021)
            rf"\b{_YEAR.format(g='iy')}-(?P<im>0[1-9]|1[0-2])(?:-(?P<id>[0-3]\d))?(?![\d-])",
            # May 27, 2021 / May 27 2021 / May 2021 / May, 2021
            rf"\b{_MONTH.format(g='am')}(?:\s+{_DAY.format(g='ad')})?,?\s+{_YEAR.format(g='ay')}\b",
            # 27 May 2021 / 27th of May, 2021
            rf"\b{_DAY.format(g='bd')}(?:\s+of)?\s+{_MONTH.format(g='bm')},?\s+"
            rf"{_YEAR.format(g='by')}\b",
        ]
    ),
    re.IGNORECASE,
)


class Date(BaseModel):
    """One date as written: year, month, and the day when the text gives one."""

    year: int
    month: int
    day: int | None = None
    text: str
    start: int = 0
    end: int = 0

    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


def dates(text: str) -> list[Date]:
    """Every calendar date in ``text`` (a day that cannot exist, such as 32, is no date)."""
    return list(_dates(text))


@functools.lru_cache(maxsize=16)
def _dates(text: str) -> tuple[Date, ...]:
    """One pass per text: a whole record is read once, not once per sentence checked on it."""
    out: list[Date] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        if (g["am"] or g["bm"]) == "may":
            continue  # the verb ('patients may 2021 ...'), not the month, which is capitalised
        year = int(g["iy"] or g["ay"] or g["by"])
        month = int(g["im"]) if g["iy"] else _MONTHS[(g["am"] or g["bm"]).lower()[:3]]
        raw_day = g["id"] or g["ad"] or g["bd"]
        day = int(raw_day) if raw_day else None
        if day is not None and not 1 <= day <= 31:
            continue
        out.append(
            Date(year=year, month=month, day=day, text=m.group(0), start=m.start(), end=m.end())
        )
    return tuple(out)


def spans(text: str) -> list[tuple[int, int]]:
    """Where the dates of ``text`` are: their digits are not quantities."""
    return [(d.start, d.end) for d in dates(text)]


def holds(claim: Date, source: Date) -> bool:
    """The source date says what the claim does: same year and month, and the same day when the
    claim names one (a month-only claim holds on any day of it; a full date never on a month)."""
    if (claim.year, claim.month) != (source.year, source.month):
        return False
    return claim.day is None or claim.day == source.day


def find(claim: Date, pool: list[Date]) -> Date | None:
    return next((d for d in pool if holds(claim, d)), None)
