"""A fit bullet written from a criterion's typed constraints (issue 14, use #3).

A criterion whose every word is either read into a constraint or is filler ('Patients must have',
'prior to study entry') is written from its constraints in plain words, in source order: an age
limit as 'Aged 18 years or older', a lab value as 'Hemoglobin at least 60 g/L', a time window as
'in the last 6 months', a performance status with what it means. Numbers and units are copied as
the source writes them, never recomputed, and negations, 'or'/'and', states ('relapsed') and
carve-outs ('except treated basal cell carcinoma') are carried over as written. A criterion with
any other left-over word (only partly typed) gets no bullet here: the caller keeps its whole
sentence. Each bullet cites the criterion's span, which covers every constraint it was written
from. Wording is data (``prompts/constraint_words.json``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from summarizer.criteria.model import Constraint, ParsedCriterion
from summarizer.engines.extractive.plain_words import sentence
from summarizer.engines.extractive.resources import load
from summarizer.models import Span

__all__ = ["DEFAULT_RANK", "Bullet", "bullet", "rank_of"]

DEFAULT_RANK = 3
_TOKEN_RE = re.compile(r"history of|other than|and/or|[\w][\w./'+-]*", re.I)
_NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SYMBOL_RE = re.compile(r"[^\w\s.,;:()\[\]'\"]")
_AGE_WORDS_RE = re.compile(r"(?i)\b(?:age[ds]?|old|older|younger)\b")


@dataclass(frozen=True)
class Bullet:
    """One criterion in plain words, the spans it cites and how defining it is (lower first)."""

    text: str
    spans: tuple[Span, ...]
    rank: int
    kinds: tuple[str, ...]


@cache
def _words() -> dict[str, Any]:
    return load("constraint_words")


@cache
def _filler_re() -> re.Pattern[str]:
    return re.compile("|".join(rf"\b{p}\b" for p in _words()["filler_phrases"]), re.I)


def rank_of(kinds: tuple[str, ...]) -> int:
    """Defining criteria first: the disease, then a marker or gene, then the age."""
    ranks = _words()["rank"]
    return min((int(ranks[k]) for k in kinds if k in ranks), default=DEFAULT_RANK)


def _state_words(node: ParsedCriterion) -> set[str]:
    return {
        w.lower()
        for c in (*node.constraints, *node.exceptions)
        for s in c.states
        for w in _TOKEN_RE.findall(s)
    }


def _blank_filler(words: str) -> str:
    """Filler phrases blanked out, offsets kept."""
    return _filler_re().sub(lambda m: " " * len(m.group(0)), words)


def _carried(text: str, node: ParsedCriterion) -> list[tuple[int, str]] | None:
    """The remainder's words to carry over, with their source offsets; None when one is neither
    filler nor a word that may be carried over (the criterion is only partly typed)."""
    words = _words()
    filler = set(words["filler"])
    states = _state_words(node)
    kept = set(words["kept"]) | states
    out: list[tuple[int, str]] = []
    for span in node.remainder:
        piece = _blank_filler(text[span.start : span.end])
        if _SYMBOL_RE.search(_TOKEN_RE.sub(" ", piece)):
            return None  # '+/-', '>=': a sign no constraint read carries meaning
        for m in _TOKEN_RE.finditer(piece):
            tok = m.group(0)
            low = tok.lower().rstrip(".")
            if low in kept or (_NUMBER_RE.fullmatch(low) and any(low in s for s in states)):
                out.append((span.start + m.start(), tok))
            elif low not in filler:
                return None
    return out


def _unit(c: Constraint) -> str:
    """The unit as the source writes it (its case kept: 'g/L'), else the parsed one."""
    q = c.quantity
    if q is None or not q.unit:
        return ""
    pos = c.text.lower().rfind(q.unit)
    return c.text[pos : pos + len(q.unit)] if pos >= 0 else q.unit


def _values(c: Constraint) -> tuple[str, str] | None:
    nums = _numbers(c)
    q = c.quantity
    if q is None or not nums:
        return None
    if q.upper is not None:
        return (nums[0], nums[1]) if len(nums) >= 2 else None
    return nums[0], ""


_NAME_END_RE = re.compile(
    r"\s*(?:[<>≤≥=(:]|(?<![A-Za-z])\d|\b(?:at least|at most|greater|great|less|more|fewer|"
    r"below|above|between|higher|lower|under|over|of|must|should|is|are|within|equal|up to|"
    r"exceed|exceeding|no|not|minimum|maximum|min|max)\b)",
    re.I,
)


def _name(c: Constraint) -> str:
    """The measured thing in the source's words: the constraint's text before its number or
    comparator ('Hemoglobin' in 'Hemoglobin >= 60 g/L', 'CD4 count' in 'CD4 count <= 300')."""
    return _NAME_END_RE.split(c.text, maxsplit=1)[0].strip(" ,;-")


def _numbers(c: Constraint) -> list[str]:
    """The numbers in the constraint's own words after the measured thing's name, as written
    ('5,000', '1.5'), when they are the numbers the parser read; else none."""
    name = _name(c)
    nums = _NUMBER_RE.findall(c.text[len(name) :] if c.text.startswith(name) else c.text)
    q = c.quantity
    if q is not None:
        want = [q.value] + ([q.upper] if q.upper is not None else [])
        got = [float(n.replace(",", "")) for n in nums[: len(want)]]
        if got != want:
            return []
    return nums


def _quantity_words(c: Constraint) -> str | None:
    vals = _values(c)
    q = c.quantity
    if vals is None or q is None or q.comparator is None:
        return None  # a number without its direction ('70%' for 'great or equal to 70%')
    v, u = vals
    unit = _unit(c)
    if q.comparator == "range" or (q.upper is not None):
        words = f"{v} to {u}"
    else:
        cmp = _words()["comparators"].get(q.comparator or "eq", "")
        words = f"{cmp} {v}".strip()
    sep = "" if unit[:1] in ("/", "%") else " "
    return f"{words}{sep}{unit}".strip()


def _performance_note(c: Constraint) -> str:
    q = c.quantity
    notes = _words()["performance"].get(c.concept or c.label or "", {})
    if q is None or not notes:
        return ""
    top = q.upper if q.upper is not None else q.value
    if q.comparator in ("ge", "gt"):
        return ""
    note = notes.get(f"{top:g}")
    return f" ({note})" if note else ""


def _render(c: Constraint, whole: str, alone: bool) -> str | None:
    """One constraint in plain words; None when its numbers cannot be copied as written."""
    w = _words()
    if c.kind == "age":
        vals = _values(c)
        q = c.quantity
        unit = _unit(c)
        if (
            vals is None
            or q is None
            or q.comparator is None
            or not re.match(r"(?i)y|mo|w|d|h", unit)
        ):
            return None  # an age without its unit written: the record's age fields say it
        key = "range" if q.upper is not None else (q.comparator or "eq")
        unit = re.sub(r"(?i)^yrs?$", "years", unit).lower()
        return str(w["age"][key]).format(v=vals[0], u=vals[1], unit=unit)
    if c.kind == "sex" and not alone:
        return " ".join(c.text.split())  # 'Pregnant or lactating women': the words as written
    if c.kind == "sex":
        return w["sex"].get(c.value or "")
    if c.kind == "time_window" and c.window is not None:
        if _AGE_WORDS_RE.search(whole):
            return None  # '18 years of age' read as a time: not a window
        if c.window.relation != "within" or c.window.upper is not None:
            return " ".join(c.text.split())  # 'At least 4 weeks since': plain as written
        unit_m = re.search(r"(?i)\b(hours?|days?|weeks?|months?|years?)\b", c.text)
        nums = _NUMBER_RE.findall(c.text)
        if not nums or unit_m is None or float(nums[0].replace(",", "")) != c.window.amount:
            return None
        return str(w["time_window"]["within"]).format(v=nums[0], unit=unit_m.group(1).lower())
    if c.kind in ("marker", "organ_function", "performance") and c.quantity is not None:
        amount = _quantity_words(c)
        name = _name(c)
        if amount is None or not name:
            return None
        note = _performance_note(c) if c.kind == "performance" else ""
        return f"{name} {amount}{note}"
    if c.quantity is not None or c.window is not None:
        return None  # a number this writer does not word: the whole sentence says it
    return " ".join(c.text.split())


def _loose_signs(text: str, node: ParsedCriterion) -> bool:
    """Whether a sign outside every constraint and left-over word ('+/-', '>=') would be lost:
    the parser's remainder drops the punctuation around its words."""
    covered = [*(c.span for c in (*node.constraints, *node.exceptions)), *node.remainder]
    chars = list(text[node.span.start : node.span.end])
    for span in covered:
        for i in range(max(span.start, node.span.start), min(span.end, node.span.end)):
            chars[i - node.span.start] = " "
    return bool(_SYMBOL_RE.search("".join(chars)))


def _inside(c: Constraint, k: Constraint) -> bool:
    """Whether ``c``'s words lie within ``k``'s (and are not the same words read first)."""
    same = (c.span.start, c.span.end) == (k.span.start, k.span.end)
    return k.span.start <= c.span.start and c.span.end <= k.span.end and not same


def bullet(text: str, node: ParsedCriterion) -> Bullet | None:
    """``node`` (a criterion without nested items) written from its constraints, or None when it
    is not fully typed: left-over words that carry meaning, nested items, or a number this
    writer would have to reword."""
    if node.children or not node.constraints:
        return None
    carried = _carried(text, node)
    if carried is None or _loose_signs(text, node):
        return None
    pieces: list[tuple[int, str]] = list(carried)
    whole = text[node.span.start : node.span.end]
    found = [*node.constraints, *node.exceptions]
    alone = len(found) == 1
    for c in found:
        if any(k is not c and _inside(c, k) for k in found):
            continue  # 'Heart Failure' within 'Congestive Heart Failure'
        words = _render(c, whole, alone)
        if words is None:
            return None
        pieces.append((c.span.start, words))
    pieces.sort(key=lambda p: p[0])
    words = " ".join(p[1] for p in pieces)
    words = re.sub(r"^(?:or|and|and/or)\s+|\s+(?:or|and|and/or)$", "", words, flags=re.I)
    if not words.strip():
        return None
    kinds = tuple(dict.fromkeys(c.kind for c in node.constraints))
    return Bullet(sentence(words), (node.span,), rank_of(kinds), kinds)
