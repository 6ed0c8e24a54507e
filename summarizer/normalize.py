"""One vocabulary for every parser: phases, statuses, study types, sexes, ages, dates, targets.

Each function takes text as a source wrote it and returns the normalized value, or None when the
text does not say: unknown stays empty, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_UNIT_YEARS = {
    "year": 1.0,
    "yr": 1.0,
    "month": 1 / 12,
    "mo": 1 / 12,
    "week": 1 / 52.1775,
    "wk": 1 / 52.1775,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
}
_AGE_RE = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|minutes?)\b",
    re.IGNORECASE,
)


def age_years(text: str | None) -> float | None:
    """'14 Years' -> 14.0, '6 Months' -> 0.5; 'N/A' or no unit -> None."""
    if not text:
        return None
    match = _AGE_RE.search(text)
    if not match:
        return None
    unit = match.group("unit").lower()
    for key, factor in _UNIT_YEARS.items():
        if unit.startswith(key):
            return round(float(match.group("n")) * factor, 4)
    return None


_PHASE_RE = re.compile(
    r"\b(early\s*phase\s*(?:1|i)\b|phase\s*(?:1|2|3|4|i{1,3}|iv)(?:\s*[/,&]\s*(?:phase\s*)?(?:1|2|3|4|i{1,3}|iv))*)",
    re.IGNORECASE,
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def phases(text: str | None) -> list[str]:
    """'Phase 1 Phase 2', 'PHASE1; PHASE2', 'Phase 1/Phase 2' -> ['PHASE1', 'PHASE2'].

    'N/A' and 'Not Applicable' -> ['NA'].
    """
    if not text:
        return []
    out: list[str] = []
    compact = text.replace("_", " ")
    for match in _PHASE_RE.finditer(compact):
        chunk = match.group(0).lower()
        if chunk.startswith("early"):
            out.append("EARLY_PHASE1")
            continue
        for num in re.findall(r"(\d|iv|i{1,3})(?![a-z])", chunk.replace("phase", " ")):
            value = "PHASE" + _ROMAN.get(num, num)
            if value not in out:
                out.append(value)
    if not out and re.fullmatch(r"\s*(n/?a|not applicable)\s*", text, re.IGNORECASE):
        out.append("NA")
    return out


_PHASE_NUMBERS = {"PHASE1": "1", "PHASE2": "2", "PHASE3": "3", "PHASE4": "4"}


def phase_words(phase_values: Iterable[str]) -> str | None:
    """Registry phase codes in plain words, each phase named whole: ['PHASE1', 'PHASE2'] ->
    'Phase 1 and Phase 2' (not 'Phase 1/2', which reads as a fraction); 'Not applicable' for
    NA; None for no phase."""
    codes = list(phase_values)
    parts = ["Early phase 1"] if "EARLY_PHASE1" in codes else []
    parts += [f"Phase {_PHASE_NUMBERS[c]}" for c in codes if c in _PHASE_NUMBERS]
    if parts:
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return "Not applicable" if "NA" in codes else None


_STATUS_ALIASES = {
    "recruiting": "RECRUITING",
    "not yet recruiting": "NOT_YET_RECRUITING",
    "enrolling by invitation": "ENROLLING_BY_INVITATION",
    "active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "active not recruiting": "ACTIVE_NOT_RECRUITING",
    "suspended": "SUSPENDED",
    "terminated": "TERMINATED",
    "completed": "COMPLETED",
    "withdrawn": "WITHDRAWN",
    "unknown status": "UNKNOWN",
    "unknown": "UNKNOWN",
    "available": "AVAILABLE",
    "no longer available": "NO_LONGER_AVAILABLE",
    "temporarily not available": "TEMPORARILY_NOT_AVAILABLE",
    "approved for marketing": "APPROVED_FOR_MARKETING",
    "withheld": "WITHHELD",
}


def status(text: str | None) -> str | None:
    """'Recruiting', 'WITHDRAWN', 'Active, not recruiting' -> API v2 enum values."""
    if not text:
        return None
    key = re.sub(r"[\s_]+", " ", text.strip().lower()).strip(" .:")
    return _STATUS_ALIASES.get(key)


def status_words(value: str | None) -> str | None:
    """'NOT_YET_RECRUITING' -> 'not yet recruiting'."""
    if not value:
        return None
    return value.replace("_", " ").lower()


def study_type(text: str | None) -> str | None:
    if not text:
        return None
    low = text.lower()
    for key, value in (
        ("interventional", "INTERVENTIONAL"),
        ("observational", "OBSERVATIONAL"),
        ("expanded access", "EXPANDED_ACCESS"),
        ("expanded_access", "EXPANDED_ACCESS"),
    ):
        if key in low:
            return value
    return None


def sex(text: str | None) -> str | None:
    if not text:
        return None
    key = text.strip().lower()
    if key in {"all", "both", "male and female", "all sexes"}:
        return "ALL"
    if key in {"female", "females", "women", "female only"}:
        return "FEMALE"
    if key in {"male", "males", "men", "male only"}:
        return "MALE"
    return None


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}


def date(text: str | None) -> dt.date | None:
    """'2024-07-11', '2020-06', 'June 12, 2020', 'June 2020', 'Apr 16, 2025' -> a date (day 1
    when only the month is given); anything else -> None."""
    if not text:
        return None
    s = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", s):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            return None
    if m := re.fullmatch(r"([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})", s):
        month = _MONTHS.get(m.group(1).lower())
        if month:
            try:
                return dt.date(int(m.group(3)), month, int(m.group(2) or 1))
            except ValueError:
                return None
    return None


# Antigens and molecular targets. Names that are also English words or common abbreviations when
# lower-cased (MET, RET, ALK) must be written in capitals to count; CD antigens and distinctive
# names match in any case.
_TARGET_ANY_CASE = re.compile(
    r"\b(CD\s?\d{1,3}[a-z]?|BCMA|GPRC5D|GD2|CLL-?1|MUC1|PSMA|NKG2D|Claudin\s?18\.2|CLDN18\.2|"
    r"GPC3|MSLN|mesothelin|ROR1|IL13Ra2|B7-H3|TROP-?2|DLL3)(?!\w|-\d)",
    re.IGNORECASE,
)
_TARGET_CAPITALS = re.compile(
    r"\b(HER2|EGFR|FLT3|PD-?L1|PD-?1|CTLA-?4|KRAS|ALK|ROS1|MET|RET|BRAF|NTRK)(?!\w|-\d)"
)


def targets(text: str | None) -> list[str]:
    """Antigens and molecular targets named in ``text``, normalized: 'CD 19' -> 'CD19'."""
    if not text:
        return []
    found: list[tuple[int, str]] = []
    for pattern in (_TARGET_ANY_CASE, _TARGET_CAPITALS):
        found.extend((m.start(), m.group(0)) for m in pattern.finditer(text))
    out: list[str] = []
    for _, raw in sorted(found):
        value = re.sub(r"\s+", "", raw).upper()
        value = {"MESOTHELIN": "MSLN", "CLDN18.2": "CLAUDIN18.2"}.get(value, value)
        if value not in out:
            out.append(value)
    return out
