"""Typed constraints in one piece of criterion text: what each detector recognizes, with spans.

Detectors read ``text`` (a slice of ``Trial.source.text`` starting at ``base``) and return
``Constraint``s whose spans index the source. The words they look for are in
``data/lexicon.json``; concept names come from the vocabulary. A detector that finds nothing
returns nothing: the words stay in the criterion's remainder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from summarizer.criteria import abbreviations
from summarizer.criteria.model import (
    Comparator,
    Constraint,
    ConstraintKind,
    Quantity,
    Relation,
    TimeWindow,
)
from summarizer.criteria.prefilter import Alternation
from summarizer.criteria.vocabulary import Concept, Vocabulary
from summarizer.models import Span

LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.json"


def lazy_pattern(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """``re.compile(pattern, flags)`` on the first call, the same pattern after: a module's
    patterns cost nothing until a reader uses them (one trial's question uses few of them,
    and compiling all of them at import was a measurable part of a cold ``trialsum ask``)."""

    @cache  # a call after the first is one C-level lookup: cheap in the parser's loops
    def get() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return get


_WORD_NUM = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
}  # fmt: skip
_NUMWORD = "|".join(_WORD_NUM)
_NUM_BARE = (
    r"(?:\d+(?:[.,]\d+)?(?:\s*[x×*]\s*10\s*\^?\s*\d+)?(?!\d)(?!(?:st|nd|rd|th)\b)"
    rf"|(?:{_NUMWORD})\b)"
)
_COMP = (
    r"≥|>=|=>|≤|<=|=<|≧|≦|\\?>|\\?<|=|"
    r"greater than or equal to|less than or equal to|equal to or (?:greater|more|higher) than|"
    r"equal to or (?:less|lower) than|equal to or (?:above|below)|(?:of )?at least|at most|"
    r"no less than|not less than|"
    r"no more than|not more than|no greater than|not greater than|not to exceed|not exceeding|"
    r"more than|greater than|higher than|less than|lower than|fewer than|exceeding|"
    r"older than|younger than|above|below|under|over|up to|minimum of|maximum of|min\.?|max\.?"
)
# Units: a ratio of an amount to a volume, a mass, a time or an area ('mg/dl', 'ng/ml', 'cells/mm3',
# 'ml/min/1.73 m2', 'mmol/mol'), then single units. Longest alternatives first.
_AREA = r"m(?:2|²|\^2)"
_AMOUNT = (
    r"(?:[pnµμu]g|mcg|mg|g|kg|[pnµμum]?mol|m?eq|m?iu|iu|u|cells|copies|ml|l|"
    r"(?:[x×]\s*)?10\s*\^?\s*\d+)"
)
_PER = (
    rf"(?:[dmµμun]?l|mm(?:3|³|\^3)|cmm|kg|{_AREA}|[pnµμum]?mol|min(?:ute)?|h(?:ou)?r|h|day|24\s*h)"
)
_UNIT = (
    rf"{_AMOUNT}\s*/\s*{_PER}(?:\s*/\s*(?:1\.73\s*)?{_AREA})?|"
    rf"/\s*{_PER}|%|percent|mmhg|bpm|beats per minute|ms(?:ec)?|"
    r"(?:[x×]|times)\s*(?:the\s+)?(?:institutional\s+)?"
    r"(?:uln|upper limits? of (?:the )?normal(?: range)?)|"
    r"kilometers?|kilometres?|km|miles?|mi|meters?|metres?|cm|mm|inch(?:es)?|feet|foot|ft|"
    r"kg|lbs?|pounds?|grams?|mg|mcg|[pnµμu]g|g|ml|l|iu|units?|"
    r"years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|points?"
)
_POST = (
    r"and (?:over|older|above)|or (?:older|more|greater|higher|above|over)|"
    r"or (?:less|younger|lower|below|fewer)|\+"
)
# A minus sign that opens a number ('T-score of -2.5 or lower', '≤ -2'), never a hyphen inside a
# word ('COVID-19', 'T-2') nor a range's dash ('18-65').
_NUM = r"(?:(?<![\w./)-])[-−](?=\d)|(?<![\w./-]))" + _NUM_BARE
QTY = lazy_pattern(
    rf"(?:(?P<btw>between|from)\s+|(?P<comp>{_COMP})\s*)?(?P<a>{_NUM})"
    rf"(?:\s*(?P<ua>{_UNIT})(?![a-z]))?"
    # 'and' joins a range only after 'between' ('between 18 and 45'; not 'ANC 1500 and 2 ...')
    rf"(?:\s*(?:-|–|to|or|(?(btw)and|(?!)))\s*(?P<b>(?:[-−](?=\d))?{_NUM_BARE}))?"
    rf"(?:\s*(?:-\s*)?(?P<unit>{_UNIT})(?![a-z]))?"  # '18-months' is 18 months
    rf"(?:\s+(?P<post>{_POST})(?!\s*\d))?",  # 'or over 23 weeks' starts another number
    re.IGNORECASE,
)
_GE = ("≥", ">=", "=>", "≧", "at least", "of at least", "no less than", "not less than",
       "greater than or equal to", "equal to or greater than", "equal to or more than",
       "equal to or higher than", "equal to or above", "minimum of", "min", "min.")  # fmt: skip
_LE = ("≤", "<=", "=<", "≦", "no more than", "not more than", "no greater than",
       "not greater than", "not to exceed", "less than or equal to", "equal to or less than",
       "equal to or lower than", "equal to or below", "up to", "at most", "maximum of", "max",
       "max.", "not exceeding")  # fmt: skip
_GT = (">", "\\>", "more than", "greater than", "higher than", "exceeding",
       "older than", "above", "over")  # fmt: skip
_LT = ("<", "\\<", "less than", "lower than", "fewer than", "younger than", "below", "under")
_LEAD_COMP = lazy_pattern(rf"(?<![\w])({_COMP})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A quantity in the text, offsets relative to the text."""

    start: int
    end: int
    quantity: Quantity


@cache
def lexicon() -> dict[str, Any]:
    return json.loads(LEXICON.read_text(encoding="utf-8"))


def _alt(patterns: Iterable[str]) -> Alternation:
    """One alternation, run over only the alternatives whose words are in the text."""
    return Alternation([(None, p) for p in patterns])


def _named(table: dict[str, list[str]]) -> tuple[Alternation, list[str]]:
    """One alternation for a table of names, group ``g<i>`` for the i-th name: one pass per
    text, over only the names whose words are in it."""
    names = list(table)
    parts = [
        (f"g{i}", rf"\b{p}" if p[0].isalpha() else p) for i, n in enumerate(names) for p in table[n]
    ]
    return Alternation(parts), names


def _named_matches(
    compiled: tuple[Alternation, list[str]], text: str
) -> list[tuple[str, re.Match[str]]]:
    """(name, match) for every match of a named table, in the table's order, then text order."""
    pattern, names = compiled
    found = [(int(m.lastgroup[1:]), m) for m in pattern.finditer(text) if m.lastgroup]
    return [(names[i], m) for i, m in sorted(found, key=lambda x: (x[0], x[1].start()))]


@cache
def patterns() -> dict[str, Any]:
    lex = lexicon()
    words = lambda items: _alt(rf"\b{p}" if p[0].isalpha() else p for p in items)  # noqa: E731
    return {
        "markers": _named(lex["markers"]),
        "performance": _named(lex["performance"]),
        **{
            k: words(lex[k])
            for k in (
                "organ_function",
                "pregnancy",
                "breastfeeding",
                "contraception",
                "consent",
                "procedure",
                "treatments",
                "generic_treatments",
                "exception",
                "any_of",
                "all_of",
            )
        },
        "condition_heads": _alt(rf"\b(?:{p})s?\b" for p in lex["condition_heads"]),
        "timing": {k: words(v) for k, v in lex["timing"].items()},
        "states": re.compile(r"\b(?:" + "|".join(lex["states"]) + r")\b", re.IGNORECASE),
        "negation": re.compile(r"\b(?:" + "|".join(lex["negation"]) + r")\b", re.IGNORECASE),
    }


def number(raw: str) -> float | None:
    raw = raw.strip().lower()
    if raw in _WORD_NUM:
        return float(_WORD_NUM[raw])
    sci = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*[x×*]\s*10\s*\^?\s*(\d+)", raw)
    if sci:
        return float(sci.group(1).replace(",", ".")) * 10 ** int(sci.group(2))
    sign = -1.0 if raw[:1] in ("-", "−") else 1.0
    raw = raw.lstrip("-−")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        raw = raw.replace(",", "")
    try:
        return sign * float(raw.replace(",", "."))
    except ValueError:
        return None


def _comparator(comp: str | None, post: str | None) -> Comparator | None:
    c = " ".join((comp or "").lower().split())
    if c in _GE:
        return "ge"
    if c in _LE:
        return "le"
    if c in _GT:
        return "gt"
    if c in _LT:
        return "lt"
    if c == "=":
        return "eq"
    p = (post or "").lower()
    if p == "+" or re.match(r"and|or (?:older|more|greater|higher|above|over)", p):
        return "ge"
    if p:
        return "le"
    return None


_ANY_NUMBER = lazy_pattern(rf"\d|\b(?:{_NUMWORD})\b", re.IGNORECASE)


def quantities(text: str) -> list[Found]:
    out: list[Found] = []
    if not _ANY_NUMBER().search(text):  # most criteria hold no number: skip the big pattern
        return out
    for m in QTY().finditer(text):
        a = number(m.group("a"))
        if a is None:
            continue
        b = number(m.group("b")) if m.group("b") else None
        start = m.start("a") if m.group("btw") else m.start()  # 'between' is not the number
        unit = m.group("unit") or m.group("ua")
        comp = _comparator(m.group("comp"), m.group("post"))
        if b is not None and comp is None:
            comp = "range"
        if comp == "range" and b is not None and b < a < 0:
            a, b = b, a  # 'between -1 and -2.5': the range from -2.5 to -1
        q = Quantity(
            comparator=comp,
            value=a,
            upper=b,
            unit=" ".join(unit.lower().split()) if unit else None,
        )
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        out.append(Found(start, end, q))
    return out


_TIME_UNIT_RE = lazy_pattern(
    r"(?P<year>years?|yrs?)|(?P<month>months?|mos?)|(?P<week>weeks?|wks?)|(?P<day>days?)"
    r"|(?P<hour>hours?|hrs?)"
)


def time_unit(unit: str | None) -> str | None:
    """'months' -> 'month'; None for a unit that is not a time ('mg/dl', 'mm')."""
    m = _TIME_UNIT_RE().fullmatch((unit or "").lower())
    return next((k for k, v in m.groupdict().items() if v), None) if m else None


GESTATION = "gestational age"  # the concept of a pregnancy constraint that has weeks
WEEKS_PER_MONTH = 4.345  # 365.25 / 12 / 7: a month of pregnancy in weeks
WEEKS_PER = {"week": 1.0, "month": WEEKS_PER_MONTH, "day": 1 / 7}  # a time unit in weeks
_ORDINAL_WEEKS = lazy_pattern(
    r"\b(?P<a>\d{1,2})(?:st|nd|rd|th)\s*(?:(?:to|-|–|through|and)\s*(?:the\s+)?"
    r"(?P<b>\d{1,2})(?:st|nd|rd|th)\s+)?weeks?\b",
    re.I,
)
_PREGNANCY_IN = lazy_pattern(r"\bpregnan\w*\s+(?:in|at|during)\s+(?:the\s+)?$", re.I)
_GESTATION_AFTER = lazy_pattern(r"\s*(?:of\s+)?(?:gestation\w*|pregnan\w*|along)\b", re.I)
# 'Gestational age between 20 and 30 weeks', 'estimated gestational age (EGA) <34 weeks': the
# weeks follow the name, its short form in brackets, or 'between'.
_GESTATION_BEFORE = lazy_pattern(
    r"\b(?:gestation(?:al)?(?:\s+age)?|pregnan\w*)\s*(?:\([A-Z]{2,5}\)\s*)?"
    r"(?:of|at|is|for|:|between)?\s*\(?\s*$",
    re.I,
)
# Trimesters in weeks of pregnancy, as NICHD dates them ('Pregnancy: condition information'):
# the first from week 1 to the end of week 12, the second from week 13 to the end of week 26,
# the third from week 27 to the end of the pregnancy.
TRIMESTER_WEEKS: dict[str, tuple[Comparator, float, float | None]] = {
    "first": ("lt", 13.0, None), "1st": ("lt", 13.0, None),
    "second": ("range", 13.0, 26.99), "2nd": ("range", 13.0, 26.99),
    "third": ("ge", 27.0, None), "3rd": ("ge", 27.0, None), "last": ("ge", 27.0, None),
}  # fmt: skip
_TRIMESTER = lazy_pattern(r"\b(first|1st|second|2nd|third|3rd|last)\s+trimester\b", re.I)
_BIRTH = lazy_pattern(r"\b(?:born|birth|infants?|neonat\w*|newborns?|pre-?term|babies)\b", re.I)
# What follows a number of years that makes it an age: '18 years of age', '65 years old'.
_AGE_AFTER = lazy_pattern(r"\s*(?:years?|yrs?)?\s*(?:of age|old)\b", re.I)
_AGE_POST = lazy_pattern(rf"\s*,?\s*({_POST})(?![\w+])", re.I)
_SELF_AGE = lazy_pattern(
    r"\b(?:you are|you're|i am|i'm)\s+(?:(?:between|from|only|just)\s+)?$", re.I
)


class Detector:
    """Runs every detector over one leaf text; spans become absolute with ``base``."""

    def __init__(
        self,
        vocab: Vocabulary | None,
        group: str | None = None,
        aliases: dict[str, Concept] | None = None,
    ) -> None:
        """``aliases``: short forms the record defines ('T1DM'), from ``abbreviations``."""
        self.vocab = vocab
        self.group = group or ""
        self.aliases = aliases or {}
        self.p = patterns()

    def run(self, text: str, base: int) -> list[Constraint]:
        qty = quantities(text)
        found: list[Constraint] = []
        used: list[tuple[int, int]] = []  # quantity spans already owned by a constraint

        def add(kind: ConstraintKind, s: int, e: int, **kw: Any) -> Constraint:
            c = Constraint(kind=kind, span=Span(start=base + s, end=base + e), text=text[s:e], **kw)
            found.append(c)
            return c

        self._performance(text, qty, add, used)
        self._markers(text, qty, add, used)
        self._gestation(text, qty, add, used)
        self._time_windows(text, qty, add, used)
        self._ages(text, qty, add, used)
        self._sex(text, add)
        for kind in ("pregnancy", "breastfeeding", "contraception", "consent", "organ_function"):
            for m in self.p[kind].finditer(text):
                add(kind, m.start(), m.end(), concept=kind if kind != "organ_function" else None)
        self._procedures(text, add)
        self._treatments_and_conditions(text, add, found, base)
        for c in found:
            self._context(text, base, c)
        return found

    # --- numbers --------------------------------------------------------------------------

    def _near(self, qty: list[Found], end: int, used: list[tuple[int, int]], reach: int = 45):
        for f in qty:
            if f.start >= end - 1 and f.start - end <= reach and (f.start, f.end) not in used:
                return f
        return None

    def _performance(self, text, qty, add, used) -> None:
        for name, m in _named_matches(self.p["performance"], text):
            if name == "NYHA":
                roman = re.compile(
                    r"(?:class(?:es)?\s*)?\b(IV|I{1,3})\b(?:\s*(?:-|–|to|or|and|/)\s*(IV|I{1,3})\b)?"
                ).search(text, m.end(), min(len(text), m.end() + 40))
                if roman:
                    add("performance", m.start(), roman.end(), concept=name)
                    continue
            f = self._near(qty, m.end(), used)
            if f is not None and (f.quantity.unit in (None, "%", "points", "point")):
                used.append((f.start, f.end))
                add("performance", m.start(), f.end, concept=name, quantity=f.quantity)
            elif name != "performance status" or f is None:
                add("performance", m.start(), m.end(), concept=name)

    def _markers(self, text, qty, add, used) -> None:
        taken: list[tuple[int, int]] = []
        for name, m in _named_matches(self.p["markers"], text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            f = self._near(qty, m.end(), used)
            if (
                f is not None
                and time_unit(f.quantity.unit) is not None
                and name
                not in (
                    "life expectancy",
                    "lesion size",
                )
            ):
                f = None  # 'creatinine ... within 14 days' is a time, not a value
            if f is None and name in ("body weight", "birth weight", "lesion size", "blasts"):
                continue  # weak names count only with a number
            if f is not None:
                used.append((f.start, f.end))
                start, q = m.start(), f.quantity
                lead = _LEAD_COMP().search(text[max(0, m.start() - 40) : m.start()])
                if q.comparator is None and lead:  # 'greater than Hgb 80 g/L'
                    start = m.start() - (
                        len(text[max(0, m.start() - 40) : m.start()]) - lead.start()
                    )
                    q = q.model_copy(update={"comparator": _comparator(lead.group(1), None)})
                taken.append((start, f.end))
                add("marker", start, f.end, concept=name, quantity=q)
            else:
                taken.append((m.start(), m.end()))
                add("marker", m.start(), m.end(), concept=name)

    def _gestation(self, text, qty, add, used) -> None:
        """'pregnancy 18-23 weeks of gestation', 'Pregnancy less than 18 weeks or over 23
        weeks', 'pregnant for 14-28 weeks', 'Gestational age at least 26 weeks but not more
        than 36 weeks': how far along a pregnancy is, typed as pregnancy with its weeks. A baby's
        gestational age at birth ('infants born before 32 weeks') is not a pregnancy."""
        last_end = -1
        for f in qty:
            if time_unit(f.quantity.unit) not in ("week", "month") or (f.start, f.end) in used:
                continue
            chained = last_end >= 0 and re.fullmatch(
                r"\s*(?:,|or|and|to|-|but)?\s*", text[last_end : f.start], re.I
            )
            if not (
                chained
                or _GESTATION_AFTER().match(text, f.end)
                or _GESTATION_BEFORE().search(text[max(0, f.start - 40) : f.start])
            ):
                continue
            lo, hi = clause(text, f.start, f.end)
            used.append((f.start, f.end))
            last_end = f.end
            # A baby's gestational age at birth ('Born at full term of pregnancy (≥ 37 weeks)')
            # is no pregnancy of the person's: a measure of the baby, set against 'born at 34
            # weeks'.
            born = bool(_BIRTH().search(text[lo:hi]))
            kind: ConstraintKind = "marker" if born else "pregnancy"
            add(kind, f.start, f.end, quantity=f.quantity, concept=GESTATION)
        # 'pregnancy in the 16th to 24th week of gestation': weeks said as ordinals.
        for m in _ORDINAL_WEEKS().finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            if not (_GESTATION_AFTER().match(text, m.end()) or _PREGNANCY_IN().search(before)):
                continue
            a, b = float(m.group("a")), m.group("b")
            q = Quantity(
                comparator="range" if b else None,
                value=a,
                upper=float(b) if b else None,
                unit="weeks",
            )
            used.append((m.start(), m.end()))
            add("pregnancy", m.start(), m.end(), quantity=q, concept=GESTATION)
        # 'In their third trimester of pregnancy': a trimester is a span of weeks.
        for m in _TRIMESTER().finditer(text):
            comp, weeks, upper = TRIMESTER_WEEKS[m.group(1).lower()]
            q = Quantity(comparator=comp, value=weeks, upper=upper, unit="weeks")
            add("pregnancy", m.start(), m.end(), quantity=q, concept=GESTATION)

    def _time_windows(self, text, qty, add, used) -> None:
        for f in qty:
            unit = time_unit(f.quantity.unit)
            if unit is None or (f.start, f.end) in used:
                continue
            before = text[max(0, f.start - 40) : f.start].lower()
            after = text[f.end : f.end + 30].lower()
            if _AGE_AFTER().match(after):
                continue  # '18 years of age or over': an age, read by _ages
            rel: Relation | None = None
            start, end = f.start, f.end
            if m := re.search(
                r"\b(?:within|in the (?:last|past|previous|preceding|prior)|during the "
                r"(?:last|past|previous|preceding)|over the (?:last|past)|in the)\s+(?:the\s+)?"
                r"(?:past\s+|last\s+|previous\s+|prior\s+)?$",
                before,
            ):
                rel, start = "within", f.start - (len(before) - m.start())
            elif m := re.match(r"\s*(?:ago|previously|earlier)\b", after):
                rel, end = (
                    "more_than_ago"
                    if f.quantity.comparator
                    in (
                        "gt",
                        "ge",
                    )
                    else "within",
                    f.end + m.end(),
                )
            elif m := re.match(
                r"\s*(?:since|from|after (?:the )?(?:last|end|completion))\b", after
            ):
                # 'at least 4 weeks since the last dose' has a lower limit; 'less than 28 days
                # since last treatment' an upper one: the event was within that time.
                within = f.quantity.comparator in ("lt", "le")
                rel, end = ("within" if within else "since_at_least"), f.end + m.end()
            elif m := re.match(r"\s*(?:of|prior to|before|preceding|pre-?|from)\b", after):
                rel = "since_at_least" if f.quantity.comparator in ("gt", "ge") else "before"
                end = f.end + m.end()
            elif m := re.match(r"\s*(?:after|following|post)\b", after):
                # 'up to 18 months post-stroke' is a time since the event with an upper limit
                # (within); 'more than 18 months post-stroke' one with a lower limit.
                comp = f.quantity.comparator
                rel = (
                    "within"
                    if comp in ("le", "lt")
                    else "since_at_least"
                    if comp == "gt"
                    else "after"
                )
                end = f.end + m.end()
            elif re.search(r"\b(?:time|years?|months?)\s+since\b", before) and (
                f.quantity.comparator in ("gt", "ge", "lt", "le")
            ):
                # 'Time since diagnosis of T1DM >= 5 years': the time since the event
                rel = "since_at_least" if f.quantity.comparator in ("gt", "ge") else "within"
            elif re.search(r"\bfor\s+(?:at least\s+)?$", before) or re.search(
                r"\b(?:duration|lasting|persist\w*)\b", before
            ):
                rel = "for_at_least"
            if rel is None:
                continue
            used.append((f.start, f.end))
            window = TimeWindow(
                relation=rel,
                amount=f.quantity.value,
                upper=f.quantity.upper,
                unit=unit,  # type: ignore[arg-type]
            )
            add("time_window", start, end, window=window, quantity=f.quantity)

    def _ages(self, text, qty, add, used) -> None:
        age_group = bool(re.search(r"\bage\b", self.group, re.I))
        for f in qty:
            if (f.start, f.end) in used:
                continue
            unit = time_unit(f.quantity.unit)
            if unit not in (None, "year", "month", "week", "day", "hour"):  # '48 hours old'
                continue
            window = text[max(0, f.start - 30) : f.end + 25]
            ctx = re.search(
                r"\bage[ds]?\b|\bold\b|\bolder\b|\byounger\b|\bbirthday\b", window, re.I
            )
            # 'You are between 18 and 45', 'I'm 16': a person's own age, not a pregnancy week
            if (
                ctx is None
                and unit in (None, "year")
                and not re.match(r"\s*(?:weeks?|days?|months?|pregnan|kg|lbs?|cm)", text[f.end :])
            ):
                ctx = _SELF_AGE().search(text, 0, f.start)
            bare = unit is None and f.quantity.comparator is None
            if ctx is None and not (age_group and not bare):
                continue
            if unit is None and ctx is None and not age_group:
                continue
            start = f.start
            ages = list(re.finditer(r"\bage[ds]?\b", text[max(0, f.start - 30) : f.start], re.I))
            if ages:
                start = max(0, f.start - 30) + ages[-1].start()
            end = f.end
            q = f.quantity
            tail = _AGE_AFTER().match(text, end)
            if tail:
                end = tail.end()
                post = _AGE_POST().match(text, end)
                if post and q.comparator is None:  # '18 years of age or over'
                    q = q.model_copy(update={"comparator": _comparator(None, post.group(1))})
                    end = post.end()
            used.append((f.start, f.end))
            add("age", start, end, quantity=q, concept="age")

    def _sex(self, text, add) -> None:
        both = re.compile(
            r"\b(?:both sexes|(?:males?|men) (?:and|or) (?:females?|women)|"
            r"(?:females?|women) (?:and|or) (?:males?|men))\b",
            re.I,
        )
        taken: list[tuple[int, int]] = []
        for m in both.finditer(text):
            taken.append((m.start(), m.end()))
            add("sex", m.start(), m.end(), value="ALL", concept="sex")
        one = re.compile(r"\b(?:(fe)?males?|(wo)?men|girls?|boys?)\b", re.I)
        # 'a first or second degree male relative', 'female partners': the sex of someone else.
        other = re.compile(
            r"\s+(?:relatives?|partners?|spouses?|siblings?|family members?|"
            r"first[- ]degree|second[- ]degree)\b",
            re.I,
        )
        for m in one.finditer(text):
            if any(s <= m.start() < e for s, e in taken) or other.match(text, m.end()):
                continue
            word = m.group(0).lower()
            female = word.startswith(("fe", "wo", "girl"))
            add("sex", m.start(), m.end(), value="FEMALE" if female else "MALE", concept="sex")

    def _procedures(self, text, add) -> None:
        for m in self.p["procedure"].finditer(text):
            s, e = m.start(), m.end()
            while s < e and text[s].isspace():
                s += 1
            if e > s:
                add("procedure", s, e, concept=" ".join(text[s:e].lower().split()))

    def _treatments_and_conditions(self, text, add, found: list[Constraint], base: int) -> None:
        covered = [(c.span.start - base, c.span.end - base) for c in found]

        def inside(s: int, e: int) -> bool:
            return any(a <= s and e <= b for a, b in covered)

        for m in self.p["treatments"].finditer(text):
            if not inside(m.start(), m.end()):
                add("treatment", m.start(), m.end(), concept=" ".join(m.group(0).lower().split()))
        if self.vocab is not None:
            for mention in self.vocab.find(text):
                s, e = mention.start, mention.end
                if inside(s, e):
                    continue
                kind: ConstraintKind = (
                    "treatment" if mention.concept.kind == "intervention" else "condition"
                )
                if any(c.span.start - base == s and c.span.end - base == e for c in found):
                    continue
                add(kind, s, e, concept=mention.concept.id, label=mention.concept.label)
        for s, e, concept in abbreviations.find(text, self.aliases):
            if not inside(s, e) and not any(c.span.start - base == s for c in found):
                kind = "treatment" if concept.kind == "intervention" else "condition"
                add(kind, s, e, concept=concept.id, label=concept.label)
        known = [(c.span.start - base, c.span.end - base) for c in found]
        for m in self.p["condition_heads"].finditer(text):
            if any(a < m.end() and m.start() < b for a, b in known):
                continue
            add("condition", m.start(), m.end(), label=m.group(0).lower())
        timing = self.p["timing"]
        for m in self.p["generic_treatments"].finditer(text):
            clause = text[max(0, m.start() - 40) : m.end() + 25]
            if inside(m.start(), m.end()) or not any(t.search(clause) for t in timing.values()):
                continue
            add("treatment", m.start(), m.end(), concept=m.group(0).lower())

    # --- context --------------------------------------------------------------------------

    def _context(self, text: str, base: int, c: Constraint) -> None:
        s, e = c.span.start - base, c.span.end - base
        lo, hi = clause(text, s, e, reach=_CONTEXT_REACH)
        before = text[max(lo, s - 60) : s]
        cues = list(self.p["negation"].finditer(before))
        if c.kind != "age" and cues:
            # 'no more than' inside a comparator is not a negation of the thing itself, nor is
            # 'not limited to' in 'including but not limited to'.
            c.negated = not all(
                re.match(
                    r"\s*(?:more|less|greater|later|earlier|(?:be\s+)?limited)\b",
                    before[m.end() :],
                )
                for m in cues
            )
        if c.kind in _LISTED_KINDS and not c.negated:
            # 'No concurrent antiinflammatory agents including aspirin, or ... nonsteroidal
            # antiinflammatory drugs': a clause that opens with its negation negates the whole
            # list it names (within _LIST_REACH), up to an exception ('except', 'other than').
            start, _ = clause(text, s, e, reach=_LIST_REACH)
            head = text[start:s]
            opens = len(head) <= _LIST_REACH and _OPENS_NEGATED().match(head)
            if opens and not self.p["exception"].search(head):
                c.negated = True
        if c.kind in ("condition", "marker", "treatment", "organ_function"):
            window = text[max(lo, s - 45) : min(hi, e + 30)]
            c.states = list(
                dict.fromkeys(
                    " ".join(m.group(0).lower().split()) for m in self.p["states"].finditer(window)
                )
            )
        if c.kind in ("treatment", "procedure"):
            window = text[max(lo, s - 50) : min(hi, e + 40)]
            for name, pat in self.p["timing"].items():
                if pat.search(window):
                    c.timing = name  # type: ignore[assignment]
                    break


# A line break ends a clause unless the next line goes on in lower case: registry text is
# wrapped at a fixed width, so 'No prior\n  irinotecan or topotecan' is one clause.
_WRAPPED = r"\n(?![ \t]*[a-z])"
_LISTED_KINDS = ("condition", "treatment", "procedure")
_LIST_REACH = 300  # how far back a list's opening negation is looked for
_OPENS_NEGATED = lazy_pattern(
    r"[\s\-*\u2022]*(?:no|not|without|never|none of)\b(?!\s+(?:more|less|greater|fewer|later|"
    r"earlier|longer|sooner)\b)",
    re.I,
)
_CLAUSE_START = lazy_pattern(rf"[;:(]|{_WRAPPED}|\.\s")
_CLAUSE_END = lazy_pattern(rf"[;)]|{_WRAPPED}|\.(?:\s|$)")
_CONTEXT_REACH = 62  # _context looks at most 60 characters before a constraint


def clause(text: str, s: int, e: int, reach: int | None = None) -> tuple[int, int]:
    """The clause around ``text[s:e]``: bounded by ';', a sentence end, a colon or a line break.

    With ``reach``, the start is only looked for within that many characters before ``s`` (0 when
    none is there): what a caller that reads no further back needs, without scanning the text."""
    pos = 0 if reach is None else max(0, s - reach)
    ends = (m.end() for m in _CLAUSE_START().finditer(text, pos, s + 20))  # + 20: the lookahead
    lo = max((end for end in ends if end <= s), default=0)
    m = _CLAUSE_END().search(text, e)
    hi = m.start() if m else len(text)
    return lo, hi
