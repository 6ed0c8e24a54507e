"""Fit bullets against the typed criteria they paraphrase (issue 14, use #2).

Word overlap cannot tell "You are 16 or older" from "You are 18 or older", nor "ECOG 0 to 4" from
"ECOG 0-2". This check reads a good-fit / not-a-fit bullet with the same detectors the criteria
parser uses (ages, quantities, conditions from the vocabulary, pregnancy, negation), aligns it to
the criterion it paraphrases (shared concepts first, then words) and compares typed facts:

* ages against the trial's age limits (structured fields and age criteria);
* every other number against the aligned criterion's: value, range, unit, and the direction of
  the limit read with both sides (a good-fit bullet may restate an exclusion limit the other way
  round: 'platelets at least 100,000' for 'excluded: platelets below 100,000'); a bullet that
  joins two criteria has its numbers read against the one that states numbers;
* conditions: each must be named in the trial (the same concept, a narrower one for a
  generalization, or the words themselves), else it is an invented condition;
* side and negation: a good-fit bullet resting on an exclusion (or a not-a-fit bullet on an
  inclusion) is contradicted unless a negation turns it round ('You are not pregnant'); a state
  said in its opposite form ('treated' for 'untreated') counts as a negation;
* a dropped exception: a not-a-fit bullet that leaves out the criterion's carve-out ('except
  treated basal cell carcinoma') is **unsupported**, not contradicted: what it says holds for most
  people the criterion names, but it would turn away the ones the carve-out lets in, so the
  editor must restore the carve-out rather than drop the bullet.

Each finding quotes the criterion (a Citation into the source). Offline and deterministic.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from summarizer.checker import polarity
from summarizer.checker.support import coverage
from summarizer.checker.text import content_terms, negations, non_name, stem_all, synonym_runs
from summarizer.checker.text import lexicon as checker_lexicon
from summarizer.criteria import CriteriaSet, parse_trial
from summarizer.criteria.detect import (
    Detector,
    Found,
    clause,
    lexicon,
    patterns,
    quantities,
    time_unit,
)
from summarizer.criteria.model import Constraint, ParsedCriterion
from summarizer.criteria.vocabulary import Concept, Vocabulary
from summarizer.criteria.vocabulary import load as load_vocab
from summarizer.models import Citation, Span, Trial
from summarizer.models.answer import FactKind, Finding

Role = str  # "good_fit" | "not_fit"
_CONCEPT_KINDS = (
    "condition",
    "pregnancy",
    "breastfeeding",
    "marker",
    "performance",
    "treatment",
    "procedure",
    "contraception",
    "consent",
)
_LOWER = ("ge", "gt")
_UPPER = ("le", "lt")
MIN_WORDS = 0.5  # word coverage that aligns a bullet without a shared concept
MEASURE_WORDS = 0.2  # word coverage that aligns a bullet sharing a measured amount (value and unit)
CONFIDENT_WORDS = 0.6  # word coverage at which the aligned criterion can stand for the bullet


@dataclass
class CriteriaCheck:
    """What the criteria step found: findings, the criterion quoted, and what it confirmed."""

    findings: list[Finding] = field(default_factory=list)
    evidence: list[Citation] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    aligned: bool = False
    span: tuple[int, int] | None = None  # the aligned criterion's words in the source
    confident: bool = False  # a shared concept, most words, or an age limit matched
    # Side and negation were read here, around the concept the bullet shares with the criterion
    # (lead-ins, nested items and carve-outs known): the sentence-wide polarity reading is not
    # needed on top ('chemotherapy that did not work' for 'failed chemotherapy').
    polarity_judged: bool = False
    # The bullet's numbers a criterion vouches for, though the source does not write them so:
    # an age one apart from the limit ('18 or younger' for '19 and over'), a complement ('ECOG 2
    # or higher' as a reason not to join for 'ECOG 0 to 1'). Offsets into the bullet.
    vouched: list[tuple[int, int]] = field(default_factory=list)

    def add(self, kind: FactKind, verdict: str, reason: str) -> None:
        self.findings.append(Finding(kind=kind, verdict=verdict, reason=reason))  # type: ignore[arg-type]


# ---------------------------------------------------------------- the trial's parsed criteria


def criteria(trial: Trial) -> CriteriaSet:
    """The trial's CriteriaSet: the stored one when ``summarizer.criteria`` offers an accessor,
    else parsed once per (trial id, source sha256)."""
    import summarizer.criteria as crit

    accessor = getattr(crit, "criteria_for", None)
    if accessor is not None:
        found = accessor(trial)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return _cached_parse(trial)


_BY_KEY: dict[tuple[str, str], CriteriaSet] = {}


def _cached_parse(trial: Trial) -> CriteriaSet:
    key = (trial.trial_id, trial.source.sha256 or "")
    hit = _BY_KEY.get(key)
    if hit is None:
        if len(_BY_KEY) > 256:
            _BY_KEY.clear()
        hit = _BY_KEY[key] = parse_trial(trial)
    return hit


def _vocab() -> Vocabulary | None:
    try:
        return load_vocab()
    except (OSError, ValueError):
        return None


_TRIAL_CONCEPTS: dict[tuple[str, str], frozenset[str]] = {}


def _trial_concepts(trial: Trial, vocab: Vocabulary) -> frozenset[str]:
    key = (trial.trial_id, trial.source.sha256 or "")
    hit = _TRIAL_CONCEPTS.get(key)
    if hit is None:
        if len(_TRIAL_CONCEPTS) > 256:
            _TRIAL_CONCEPTS.clear()
        text = trial.source.text
        found = {m.concept.id for m in vocab.find(text)}
        # 'Central Nervous System (CNS) metastases' also says 'CNS metastases'.
        for m in _ABBREVIATED.finditer(text):
            found.update(x.concept.id for x in vocab.find(f"{m.group(1)} {m.group(2)}"))
        hit = _TRIAL_CONCEPTS[key] = frozenset(found)
    return hit


_ABBREVIATED = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})\)[ \t]+([A-Za-z-]+(?:[ \t]+[A-Za-z-]+)?)")


# ---------------------------------------------------------------- reading the bullet


@dataclass
class _Node:
    node: ParsedCriterion
    top: ParsedCriterion
    text: str
    side: str = ""  # the side the criterion works on: its section's, unless a lead-in turns it

    def __post_init__(self) -> None:
        self.side = self.side or self.top.kind


# A lead-in line that ends in ':' and says which way the items under it work, whatever the
# section's heading: 'Exclusion Criteria: To be eligible, a person must:' lists requirements.
_LEAD_OUT = re.compile(
    r"\b(?:exclu\w*|not (?:be )?eligible|ineligible|not (?:be )?(?:enrolled|included)|"
    r"(?:must|should) not|cannot|may not)\b",
    re.I,
)
_LEAD_IN = re.compile(
    r"\b(?:eligible|eligibility|inclu(?!ding\b)\w*|must|required?|need to|should|qualify)\b",
    re.I,
)


# A heading inside a section that names the other list ('Inclusion Criteria. Healthy
# Volunteers/Controls' among a record's exclusions): the items after it work its way.
_HEADING = re.compile(r"^\W*(inclusion|exclusion)\s+criteria\b", re.I)


def _lead_side(text: str) -> str | None:
    one = " ".join(text.split())
    heading = _HEADING.match(one)
    if heading is not None and len(one) <= 80:
        return heading.group(1).lower()
    if not one.endswith(":") or len(one) > 160:
        return None
    if _LEAD_OUT.search(one):
        return "exclusion"
    if _LEAD_IN.search(one):
        return "inclusion"
    return None


def _nodes(cs: CriteriaSet, trial: Trial) -> list[_Node]:
    src = trial.source.text
    out: list[_Node] = []
    section, side = "", ""
    for top in cs.criteria:
        if top.kind != section:
            section, side = top.kind, ""
        lead = _lead_side(src[top.span.start : top.span.end].split("\n")[0])
        if lead is not None:  # the lead-in's own items, nested or following, work its way
            side = lead if lead != section else ""
        out.extend(_Node(n, top, src[n.span.start : n.span.end], side) for n in top.walk())
    return out


def _parity(text: str) -> bool:
    """Whether the words say 'not' an odd number of times; an aside in brackets ('(such that
    the physician would have no reservations)') and 'non-' words do not count: a name
    ('non-Hodgkin') says no 'not', and 'non-smoking' says it of its own word only (read by
    ``_local_neg`` when that word is the one compared)."""
    text = re.sub(r"\([^()]*\)", " ", text)
    return len(negations(_NON_WORD.sub(" ", text))) % 2 == 1


_NON_WORD = re.compile(r"\bnon-?\w+", re.I)


def _related(a: Constraint, b: Constraint, vocab: Vocabulary | None) -> bool:
    """Same kind and the same thing: equal concepts, one broader than the other, or labels."""
    if a.kind != b.kind:
        return False
    if a.kind in ("pregnancy", "breastfeeding", "contraception", "consent", "age", "sex"):
        return True
    if a.concept and b.concept and a.concept == b.concept:
        return True
    if vocab is not None and a.concept in vocab.concepts and b.concept in vocab.concepts:
        down = {c.id for c in vocab.expand(a.concept)}
        up = {c.id for c in vocab.expand(b.concept)}
        if b.concept in down or a.concept in up:
            return True
    la = (a.label or a.text).lower()
    lb = (b.label or b.text).lower()
    return bool(la) and (la in lb or lb in la)


def _timing(text: str) -> set[str]:
    """The times a text speaks of ('prior', 'current', 'planned'), from the lexicon's cues."""
    return {name for name, pat in patterns()["timing"].items() if pat.search(text)}


def _pair_strength(b: Constraint, c: Constraint, vocab: Vocabulary | None) -> int:
    """How much a shared concept says the bullet paraphrases this criterion: the same concept
    most (2), a broader or narrower one less (1), a family like 'Neoplasms' least (1 when the
    same, 0 when only related through it: every cancer is under it)."""
    same = b.concept is not None and b.concept == c.concept
    if vocab is None or b.kind not in ("condition", "treatment"):
        return 2 if same else 1
    generic = [x for x in (b.concept, c.concept) if x and len(vocab.narrower(x)) >= _GENERIC]
    if same:
        return 1 if generic else 2
    return 0 if generic else 1


def _shares_measure(claim: str, mine: list[Found], text: str) -> bool:
    """Whether the criterion states one of the bullet's measured amounts, value and unit ('80 g
    of alcohol a day' and 'Alcohol consumption > 80g/day'): that aligns like a shared concept
    once a few words agree."""
    theirs = quantities(text) if mine else []
    for f in mine:
        mu = _canon_unit(f.quantity.unit)
        if not mu or time_unit(mu):
            continue  # a bare count or a time is too common to align on
        for t in theirs:
            tu = _canon_unit(t.quantity.unit)
            if tu and _same_value(f, t) and (mu == tu or _per_said(mu, tu, claim)):
                return True
    return False


def _shared_numbers(mine: list[Found], text: str) -> int:
    """How many of the bullet's numbers the criterion states (each one aligns like a concept)."""
    if not mine:
        return 0
    theirs = _quantities(text)
    return sum(1 for f in mine if any(_same_value(f, t) for t in theirs))


def _align(
    claim: str,
    mine: list[Constraint],
    nodes: list[_Node],
    vocab: Vocabulary | None,
    role: Role,
    trial: Trial,
) -> tuple[_Node | None, list[tuple[Constraint, Constraint]], float, int]:
    """The criterion node the bullet paraphrases, with the pairs of shared concepts, the share
    of the bullet's words it holds, and how many of the bullet's concepts it names only in its
    words (the parser typed no such thing there: 'non-smoking' for 'smoke'). Most shared
    concepts first (a concept named in words counts as a weak one), then most words; among
    equals, the one that speaks of the same time ('taking' is the current-use criterion, not
    the prior-use one), then the one that says the words outside a bracketed aside ('Cannot
    take ZDV', not '... (This study has been changed to include women receiving ZDV ...)'), then
    one the bullet reads the same way as (side and negation agree:
    'You have atrial fibrillation' as a good fit is the inclusion criterion, not 'ablation for
    atrial fibrillation' under exclusions), then the fewest typed things the bullet does not
    speak of, then the narrowest span."""
    Key = tuple[int, float, int, float, int, int, int]
    best: tuple[Key, _Node, list[tuple[Constraint, Constraint]], float, int] | None = None
    has_terms = bool(content_terms(claim))
    when = _timing(claim)
    numbers = quantities(claim)
    # What the bullet carves out ('another lung disease besides asthma') is not what it rests on.
    carve = _EXC_CUE.search(claim)
    for n in nodes:
        own = [*n.node.constraints, *n.node.exceptions]
        pairs = [
            (b, c)
            for b in mine
            if b.kind in _CONCEPT_KINDS and (carve is None or b.span.start < carve.start())
            for c in own
            if _related(b, c, vocab) and not _modifier(c, trial.source.text)
        ]
        words = coverage(claim, n.text) if has_terms else 0.0
        in_pairs = {id(b) for b, _ in pairs}
        named = sum(
            1
            for b in mine
            if id(b) not in in_pairs
            and b.kind in ("condition", "treatment")
            and (carve is None or b.span.start < carve.start())
            and _said_in(b, n.text, vocab)
        )
        if (
            not pairs
            and not named
            and words < MIN_WORDS
            and not (words >= MEASURE_WORDS and _shares_measure(claim, numbers, n.text))
        ):
            continue
        theirs = _timing(n.text)
        paired = {id(c) for _, c in pairs}
        unmatched = sum(
            1
            for c in n.node.constraints
            if c.kind in _CONCEPT_KINDS and c.kind != "consent" and id(c) not in paired
        )
        b_neg, c_neg = _constraint_negated(pairs, claim, n, trial)
        agrees = ((role == "not_fit") != (n.side == "exclusion")) == (b_neg != c_neg)
        strength: dict[int, int] = {}
        for b, c in pairs:
            strength[id(b)] = max(strength.get(id(b), 0), _pair_strength(b, c, vocab))
        key: Key = (
            sum(strength.values()) + named + _shared_numbers(numbers, n.text),
            round(words, 6),
            len(when & theirs),
            round(coverage(claim, _ASIDE.sub(" ", n.text)), 6) if has_terms else 0.0,
            int(agrees),
            -unmatched,
            -(n.node.span.end - n.node.span.start),
        )
        if best is None or key > best[0]:
            best = (key, n, pairs, words, named)
    if best is None:
        return None, [], 0.0, 0
    return best[1], best[2], best[3], best[4]


# 'HIV-related infection', 'cancer-associated pain': the condition named before '-related'
# qualifies the thing after it, which is what the criterion is about.
_MODIFIES = re.compile(
    r"\)?[\s-]*(?:related|associated|induced|caused)\b(?!\s+(?:to|with)\b)", re.I
)


def _modifier(c: Constraint, src: str) -> bool:
    """Whether a criterion's concept only qualifies the word next to it ('HIV-related
    infection', 'anti-HIV drugs')."""
    if c.kind != "condition":
        return False
    return bool(
        _MODIFIES.match(src, c.span.end)
        or _AGAINST.search(src[max(0, c.span.start - 6) : c.span.start])
    )


# 'anti-HIV drugs', 'anti-cancer therapy': what acts against the condition, not the condition.
_AGAINST = re.compile(r"\banti-?$", re.I)


_ASIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _said_in(b: Constraint, text: str, vocab: Vocabulary | None) -> bool:
    """Whether a criterion's words say the bullet's concept (one of its terms, in other words
    or inside a compound) though the parser typed nothing there; not for a family of diseases."""
    if vocab is None or not b.concept or b.concept not in vocab.concepts:
        return False
    if len(vocab.narrower(b.concept)) >= _GENERIC:
        return False
    return _terms_in(vocab.concepts[b.concept].terms, *_text_heads(text))


def _cite(trial: Trial, start: int, end: int, section: str) -> Citation:
    return Citation(
        trial_id=trial.trial_id,
        section=section,
        quote=trial.source.text[start:end],
        start=start,
        end=end,
    )


def _quote(text: str, n: int = 90) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 3] + "..."


# ---------------------------------------------------------------- ages


_FIRST_UNIT = re.compile(r"\d+(?:\.\d+)?\s*(months?|weeks?|days?|years?)\s*(?:-|–|to|and)", re.I)


def _first_unit(c: Constraint) -> str | None:
    """The unit of a range's first number when it has its own ('6 months to 75 years')."""
    m = _FIRST_UNIT.search(c.text)
    return m.group(1) if m else None


def _years(value: float, unit: str | None) -> float:
    per = {"year": 1.0, "month": 1 / 12, "week": 1 / 52.18, "day": 1 / 365.25, "hour": 1 / 8766}
    return value * per.get(time_unit(unit) or "year", 1.0)


def _age_limits(trial: Trial, cs: CriteriaSet) -> tuple[set[float], set[float], list[Citation]]:
    """Every lower and upper age limit the trial states, in years, with where it says so."""
    lows: set[float] = set()
    highs: set[float] = set()
    cites: list[Citation] = []
    for fact, bucket in ((trial.min_age, lows), (trial.max_age, highs)):
        if fact is not None and fact.years is not None:
            bucket.add(round(fact.years, 2))
            for s in fact.spans[:1]:
                cites.append(_cite(trial, s.start, s.end, "eligibility"))
    for top in cs.criteria:
        for node in _limits(top):
            for c in node.constraints:
                if c.kind != "age" or c.quantity is None:
                    continue
                q = c.quantity
                lo = round(_years(q.value, _first_unit(c) or q.unit), 2)
                hi = round(_years(q.upper, q.unit), 2) if q.upper is not None else None
                excl = top.kind == "exclusion"
                if q.comparator == "range" and hi is not None:
                    lows.add(lo)
                    highs.add(hi)
                elif q.comparator in _LOWER:
                    (highs if excl else lows).add(lo)
                elif q.comparator in _UPPER:
                    (lows if excl else highs).add(lo)
                else:
                    continue
                cites.append(_cite(trial, c.span.start, c.span.end, top.kind))
    return lows, highs, cites


def _limits(top: ParsedCriterion) -> list[ParsedCriterion]:
    """The nodes whose constraints every participant meets: not the options of an any-of
    group ('at least 1 of the following risk factors: ... age of 75 or older')."""
    out = [top]
    if not (top.logic == "any_of" and len(top.children) > 1):
        for child in top.children:
            out.extend(_limits(child))
    return out


def _near(value: float, pool: Iterable[float]) -> bool:
    """Equal, or one apart ('over 17' is '18 or older')."""
    return any(abs(value - p) <= 1.0 + 1e-6 for p in pool)


def _check_ages(
    mine: list[Constraint],
    role: Role,
    negated: bool,
    trial: Trial,
    cs: CriteriaSet,
    out: CriteriaCheck,
) -> None:
    ages = [c for c in mine if c.kind == "age" and c.quantity is not None]
    if not ages:
        return
    lows, highs, cites = _age_limits(trial, cs)
    if not lows and not highs:
        return
    out.aligned = True
    out.evidence.extend(c for c in cites if c not in out.evidence)
    inside = (role == "good_fit") != negated  # the bullet says who fits (True) or who does not
    stated = _stated(lows, highs)
    for c in ages:
        q = c.quantity
        assert q is not None
        lo = round(_years(q.value, _first_unit(c) or q.unit), 2)
        hi = round(_years(q.upper, q.unit), 2) if q.upper is not None else None
        bounds: list[tuple[float, str]] = []  # (value, 'low'|'high') of who fits, as claimed
        if q.comparator == "range" and hi is not None:
            bounds = [(lo, "low"), (hi, "high")] if inside else []
            if not inside and _near(lo, lows) and _near(hi, highs):
                out.add(
                    "polarity",
                    "contradicted",
                    f"ages '{c.text}' are the ages the trial takes ({stated}), given as a "
                    "reason not to join",
                )
        elif q.comparator in _LOWER:
            bounds = [(lo, "low" if inside else "high")]
        elif q.comparator in _UPPER:
            bounds = [(lo, "high" if inside else "low")]
        unit_changed = time_unit(q.unit) not in (None, "year")
        exact = bool(bounds)  # every bound the trial's limit exactly: the criterion vouches
        for value, side in bounds:
            pool = lows if side == "low" else highs
            other = highs if side == "low" else lows
            if _near(value, pool):
                out.verified.append(c.text)
                comp = q.comparator if q.comparator != "range" else None
                exact = exact and _exact_age(value, comp, side, inside, q.unit, pool)
                out.confident = True
                continue
            exact = False
            if unit_changed and _near(
                q.value if side == "low" or hi is None else q.upper or 0, pool
            ):
                out.add(
                    "unit",
                    "contradicted",
                    f"age '{c.text}' is in {q.unit}, but the trial's limit is {stated}",
                )
            elif _near(value, other):
                out.add(
                    "comparator",
                    "contradicted",
                    f"age '{c.text}' reads the limit the other way round: the trial takes {stated}",
                )
            else:
                out.add("age", "contradicted", f"age '{c.text}' but the trial takes {stated}")
        if exact:
            out.vouched.append((c.span.start, c.span.end))


def _exact_age(
    value: float, comp: str | None, side: str, inside: bool, unit: str | None, pool: set[float]
) -> bool:
    """Whether a bullet's age bound is the trial's limit exactly, in whole years: '18 or
    younger' as a reason not to join for '19 and over', 'over 17' for '18 or older' (not '19 or
    older' for '18 or older', which ``_near`` lets through for the wording)."""
    if time_unit(unit) not in (None, "year"):
        return any(abs(value - p) <= 1e-6 for p in pool)
    step = 0.0
    if side == "low" and ((comp == "gt" and inside) or (comp == "le" and not inside)):
        step = 1.0  # 'over 17' or '17 or younger' (not a fit): 18 is the first age that fits
    elif side == "high" and ((comp == "lt" and inside) or (comp == "ge" and not inside)):
        step = -1.0  # 'under 66' or '66 or older' (not a fit): 65 is the last age that fits
    return any(abs(value + step - p) <= 1e-6 for p in pool)


# 'You must be under 18', 'aged over 65': a bare limit said of the person is an age.
_OF_THE_PERSON = re.compile(
    r"\b(?:you(?:'re|\s+are|\s+(?:must|should|need\s+to|have\s+to)\s+be)|aged?)\s+$", re.I
)


def _bullet_ages(text: str, mine: list[Constraint]) -> list[Constraint]:
    """Ages the bullet states without 'years' ('You must be under 18'), beside the detector's."""
    taken = [(c.span.start, c.span.end) for c in mine if c.kind == "age"]
    out: list[Constraint] = []
    for f in quantities(text):
        q = f.quantity
        if q.unit or q.comparator not in ("ge", "gt", "le", "lt", "range") or q.value > 120:
            continue
        if any(a < f.end and f.start < b for a, b in taken):
            continue
        if not _OF_THE_PERSON.search(text[: f.start]):
            continue
        span = Span(start=f.start, end=f.end)
        out.append(Constraint(kind="age", span=span, text=text[f.start : f.end], quantity=q))
    return out


def _stated(lows: set[float], highs: set[float]) -> str:
    def fmt(v: float) -> str:
        return f"{v:g}"

    lo = min(lows) if lows else None
    hi = max(highs) if highs else None
    if lo is not None and hi is not None:
        return f"ages {fmt(lo)} to {fmt(hi)}"
    if lo is not None:
        return f"ages {fmt(lo)} and over"
    return f"ages up to {fmt(hi or 0)}"


# ---------------------------------------------------------------- other numbers


def _canon_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    t = time_unit(unit)
    if t:
        return t
    u = unit.lower().replace("cells/", "/").replace("µ", "u").replace("μ", "u")
    u = re.sub(r"\s+", "", u).replace("³", "3").replace("^3", "3").replace("percent", "%")
    return re.sub(r"(?:/mm3|/cmm)$", "/ul", u)  # a cubic millimetre is a microlitre


def _per_said(a: str, b: str, claim: str) -> bool:
    """'80 g of alcohol a day' for '80g/day': the same amount, its 'per' said in words."""
    short, full = sorted((a, b), key=len)
    if "/" in short or not full.startswith(short + "/"):
        return False
    per = full.split("/")[-1]
    return bool(re.search(rf"\b(?:a|an|per|each|every)\s+{re.escape(per)}", claim, re.I))


# Limits said around a number rather than by a comparator: 'within 100 miles' is at most 100.
_UPPER_BEFORE = re.compile(r"\bwithin\s*$", re.I)
_UPPER_AFTER = re.compile(r"\s+or\s+(?:earlier|sooner|fewer|less|lower|below|under)\b", re.I)
_LOWER_AFTER = re.compile(r"\s+or\s+(?:later|longer|more|higher|above|over)\b", re.I)


def _direction(f: Found, text: str = "") -> str | None:
    comp = f.quantity.comparator
    if comp in _LOWER:
        return "lower"
    if comp in _UPPER:
        return "upper"
    if comp is None and text:
        if _UPPER_BEFORE.search(text[: f.start]) or _UPPER_AFTER.match(text, f.end):
            return "upper"
        if _LOWER_AFTER.match(text, f.end):
            return "lower"
    return None


_SCALE_STEP = 1.0  # performance scales and counts go in whole steps ('ECOG 0-1' then 'ECOG 2')


def _limit_neg(text: str, f: Found) -> bool:
    """A 'not' over a limit: right before it ('not above 2.5'), or over a measured amount in its
    clause ('no growth factor within 2 weeks'); a bare count's clause 'not' is about something
    else ('did not respond to at least one chemotherapy')."""
    if re.search(r"\b(?:not|no)\s+$", text[: f.start], re.I):
        return True
    closed = _CLOSED_WITHOUT.sub(lambda m: " " * len(m.group(0)), text[: f.start])
    if not f.quantity.unit:
        return False
    before = re.split(r"[;:.]\s", text[max(0, f.start - 60) : f.start])[-1]
    return _local_neg(closed + text[f.start :], f.start) != bool(_INTOLERANCE.search(before))


# 'intolerance to a dose of 500 mg/day or less' says the dose could not be tolerated: the 'in-'
# of 'intolerance' is a 'not' over the amount, as 'could not tolerate' is.
_INTOLERANCE = re.compile(r"\bintoleran(?:ce|t)\s+(?:to|of)\b", re.I)


# A 'without' phrase closed before the amount's own phrase starts: 'without a break for 2 years'
# says 'not' of the break, not of the 2 years.
_CLOSED_WITHOUT = re.compile(
    r"\bwithout\s+(?:[\w-]+\s+){1,3}?(?=(?:for|in|during|over|within|after|before|since)\s)",
    re.I,
)


def _scale_tops(f: Found, mine: list[Constraint]) -> frozenset[float]:
    """Where the scale the bullet's number is on ends ('ECOG': 4 or 5), from the checker's
    lexicon; empty when the number is on no known scale."""
    tops: dict[str, list[float]] = checker_lexicon().get("scale_tops", {})
    for c in mine:
        if c.span.start <= f.start < c.span.end and c.concept in tops:
            return frozenset(float(v) for v in tops[c.concept])
    return frozenset()


def _complement(f: Found, t: Found, tops: frozenset[float] = frozenset()) -> bool:
    """Whether the bullet's limit is the rest of the criterion's scale: 'ECOG 2 or higher' or
    'ECOG 3 or 4' for 'ECOG 0 to 2' (a range only up to where the scale ends, ``tops``), '5 or
    fewer' for 'more than 5'. Read only where the bullet turns the criterion round (a not-a-fit
    bullet on an inclusion range)."""
    qf, qt = f.quantity, t.quantity

    def eq(a: float | None, b: float) -> bool:
        return a is not None and abs(a - b) <= 1e-9

    if qt.comparator == "range" and qt.upper is not None:
        lo, hi = qt.value, qt.upper
        if qf.comparator == "range" and qf.upper is not None:
            return eq(qf.value, hi + _SCALE_STEP) and qf.upper in tops
        if qf.comparator == "ge":
            return eq(qf.value, hi + _SCALE_STEP)
        if qf.comparator == "gt":
            return eq(qf.value, hi)
        if qf.comparator == "le":
            return eq(qf.value, lo - _SCALE_STEP)
        if qf.comparator == "lt":
            return eq(qf.value, lo)
        return False
    pairs = {("gt", "le"), ("lt", "ge")}
    comp = (qt.comparator or "", qf.comparator or "")
    if comp in pairs or comp[::-1] in pairs:
        step = _SCALE_STEP if comp[0] in ("gt", "le") else -_SCALE_STEP
        return eq(qf.value, qt.value + step) and qf.upper is None
    return False


def _match_rank(f: Found, t: Found) -> tuple[bool, bool, int]:
    """How well a criterion's number stands for the bullet's when several share its value:
    the same unit first ('6 months' is the '6 months' of 'within 6 months', not the '6' of
    'ages 6 to 14 years'), then the same form (a bare value for a bare value), then order."""
    mu, tu = _canon_unit(f.quantity.unit), _canon_unit(t.quantity.unit)
    same_form = (f.quantity.upper is None) == (t.quantity.upper is None)
    return (mu == tu, same_form, -t.start)


# A run of three or more whole steps on a scale, written out: 'ECOG 0-1-2', 'grade 0, 1 or 2'.
_STEP_RUN = re.compile(r"(?<![\d.])\d(?:(?:\s*[-–,/]\s*|,?\s+(?:or|and|to)\s+)\d(?![\d.]))+")


def _quantities(text: str) -> list[Found]:
    """The detector's quantities, with a written-out run of scale steps ('0-1-2') read as the
    range it spans ('0-2'); offsets unchanged."""

    def as_range(m: re.Match[str]) -> str:
        steps = [int(x) for x in re.findall(r"\d", m.group(0))]
        if len(steps) < 3 or any(b - a != 1 for a, b in itertools.pairwise(steps)):
            return m.group(0)
        short = f"{steps[0]}-{steps[-1]}"
        return short + " " * (len(m.group(0)) - len(short))

    text = _UNIT_GAP.sub(lambda m: " " * len(m.group(0)), _STEP_RUN.sub(as_range, text))
    text = _LIST_MARK.sub(lambda m: " " * len(m.group(0)), text)
    signed = {m.end() for m in _MINUS.finditer(text)}
    text = _MINUS.sub(" ", text)
    out = []
    for f in quantities(_OR_MORE.sub(_or_more_as_sign, text)):
        digit = re.search(r"\d", text[f.start : f.end])
        if digit is not None and f.start + digit.start() in signed and f.quantity.upper is None:
            q = f.quantity.model_copy(update={"value": -f.quantity.value})
            f = Found(start=f.start, end=f.end, quantity=q)
        out.append(f)
    return out


# A list item's number at the start of a line ('  8. received influenza vaccine'): not an amount.
_LIST_MARK = re.compile(r"(?m)^[ \t]*\(?\d{1,2}[.)](?=\s)")
# A minus sign before a number ('a z-score of -2 or lower'), not a hyphen in a range ('18-65')
# or a name ('z-score'): the value is negative.
_MINUS = re.compile(r"(?<![\w.)\]])[-−](?=\d)")


# 'for 2 or more years', '500 or less mg/day': the limit said between the count and its unit
# (a time, a unit per something, or a common measure), read as '≥2 years' (padded with spaces,
# offsets unchanged) so the unit is the count's.
_OR_MORE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s+or\s+(more|longer|greater|less|fewer|shorter)"
    r"(?=\s+(?:hours?|days?|weeks?|months?|years?|[a-z]+/[a-z0-9]+|mg|g|kg|ml|mmhg)\b)",
    re.I,
)


def _or_more_as_sign(m: re.Match[str]) -> str:
    sign = "≥" if m.group(2).lower() in ("more", "longer", "greater") else "≤"
    out = sign + m.group(1)
    return out + " " * (len(m.group(0)) - len(out))


# A word between a count and its time unit ('30 consecutive days', '4 continuous weeks'): read
# over, so the unit is the count's (blanked to spaces, offsets unchanged).
_UNIT_GAP = re.compile(
    r"(?<=\d\s)(?:consecutive|continuous|successive|straight|calendar|full)(?=\s+"
    r"(?:hours?|days?|weeks?|months?|years?)\b)",
    re.I,
)


def _same_value(a: Found, b: Found) -> bool:
    qa, qb = a.quantity, b.quantity
    if qa.upper is None and qb.upper is not None:
        return abs(qa.value - qb.value) <= 1e-9 or abs(qa.value - qb.upper) <= 1e-9
    if abs(qa.value - qb.value) > 1e-9:
        return False
    if qa.upper is None or qb.upper is None:
        return True
    return abs(qa.upper - qb.upper) <= 1e-9


def _shares_value(a: Found, b: Found) -> bool:
    vals_a = {a.quantity.value, *([a.quantity.upper] if a.quantity.upper is not None else [])}
    vals_b = {b.quantity.value, *([b.quantity.upper] if b.quantity.upper is not None else [])}
    return bool(vals_a & vals_b)


def _numbers(text: str, skip: list[tuple[int, int]]) -> list[Found]:
    return [
        f
        for f in _quantities(text)
        if not any(s <= f.start < e for s, e in skip)
        and not re.search(
            r"(?:type|stage|class|grade|phase|cd|brca|\bm)\s*-?$", text[: f.start], re.I
        )
    ]


def _units_agree(f: Found, t: Found) -> bool:
    """Whether two amounts are in the same unit, or one of them has none."""
    mu, tu = _canon_unit(f.quantity.unit), _canon_unit(t.quantity.unit)
    return not (mu and tu and mu != tu)


def _number_node(claim: str, mine: list[Constraint], node: _Node, nodes: Sequence[_Node]) -> _Node:
    """The criterion the bullet's numbers are compared with: the aligned one when it states any
    number, else the one with numbers that holds most of the bullet's words (a bullet that joins
    two criteria, 'You have HIV and have taken a PI for 2 or more years', aligns on its concept
    but its numbers are the other criterion's). When the aligned one states numbers only in
    other units ('more than 75%' for 'more than 60 days'), the criterion that states every one
    of the bullet's amounts in its own unit ('Greater than 60 days post BMT') is the one."""
    skip = [(c.span.start, c.span.end) for c in mine if c.kind == "age"]
    claimed = _numbers(claim, skip)
    if not claimed:
        return node
    if _quantities(node.text):
        return _same_amounts_node(claimed, node, nodes) or node
    scored = [
        ((_shared_numbers(claimed, n.text), words), n)
        for n in nodes
        if n is not node and _quantities(n.text) and (words := coverage(claim, n.text)) > 0
    ]
    best = max(scored, key=lambda x: x[0], default=None)
    if best is None or (best[0][0] == 0 and best[0][1] < MEASURE_WORDS):
        return node
    return best[1]


def _same_unit(f: Found, t: Found) -> bool:
    mu, tu = _canon_unit(f.quantity.unit), _canon_unit(t.quantity.unit)
    return bool(mu) and mu == tu


def _same_amounts_node(claimed: list[Found], node: _Node, nodes: Sequence[_Node]) -> _Node | None:
    """The one other criterion that states each of the bullet's amounts, value and unit, when
    the aligned criterion states none of the bullet's units; None otherwise."""
    theirs = _quantities(node.text)
    if not all(f.quantity.unit for f in claimed) or any(
        _same_unit(f, t) for f in claimed for t in theirs
    ):
        return None
    found = [
        n
        for n in nodes
        if n is not node
        and all(
            any(_same_value(f, t) and _same_unit(f, t) for t in _quantities(n.text))
            for f in claimed
        )
    ]
    return found[0] if len(found) == 1 else None


def _elsewhere(claim: str, f: Found, others: Sequence[_Node], node: _Node) -> bool:
    """Whether another criterion the bullet shares words with states this number."""
    for n in others:
        if n is node or n.top is node.top:
            continue
        if any(_same_value(f, t) and _units_agree(f, t) for t in _quantities(n.text)) and (
            coverage(claim, n.text) >= 0.2
        ):
            return True
    return False


def _check_numbers(
    claim: str,
    mine: list[Constraint],
    side_flip: bool,
    node: _Node,
    trial: Trial,
    out: CriteriaCheck,
    others: Sequence[_Node] = (),
) -> bool:
    """Numbers other than ages against the aligned criterion; True when a limit was compared
    in direction (then the side is settled by the numbers). A bullet that joins several
    criteria ('Recent treatments: ... within 3 months ... within 5 half-lives') may take a
    number from another criterion it shares words with."""
    skip = [(c.span.start, c.span.end) for c in mine if c.kind == "age"]
    claimed = _numbers(claim, skip)
    theirs = _quantities(node.text)
    if not claimed or not theirs:
        return False
    directed = False
    quote = _quote(node.text)
    for f in claimed:
        same = [t for t in theirs if _same_value(f, t)]
        if not same and _elsewhere(claim, f, others, node):
            out.verified.append(claim[f.start : f.end])
            continue
        tops = _scale_tops(f, mine)
        rest = [t for t in theirs if _complement(f, t, tops)] if not same else []
        if rest:
            # The rest of the scale stands for the criterion turned round: right only when the
            # bullet turns it round (side against negation), else it says the opposite.
            t = rest[0]
            flip = side_flip != (_limit_neg(claim, f) != _limit_neg(node.text, t))
            directed = True
            if flip:
                out.verified.append(claim[f.start : f.end])
                out.vouched.append((f.start, f.end))
            else:
                out.add(
                    "comparator",
                    "contradicted",
                    f"limit '{claim[f.start : f.end]}' is the rest of the criterion's "
                    f"'{node.text[t.start : t.end]}' ({quote!r})",
                )
            continue
        if not same:
            partial = [t for t in theirs if _shares_value(f, t)]
            rival = (partial or theirs)[0]
            out.add(
                "number",
                "contradicted",
                f"number '{claim[f.start : f.end]}' differs from the criterion's "
                f"'{node.text[rival.start : rival.end]}' ({quote!r})",
            )
            continue
        t = max(same, key=lambda x: _match_rank(f, x))
        mu, tu = _canon_unit(f.quantity.unit), _canon_unit(t.quantity.unit)
        if mu and tu and mu != tu and not _per_said(mu, tu, claim):
            out.add(
                "unit",
                "contradicted",
                f"unit of '{claim[f.start : f.end]}' differs from the criterion's "
                f"'{node.text[t.start : t.end]}' ({quote!r})",
            )
            continue
        out.verified.append(claim[f.start : f.end])
        db, dc = _direction(f, claim), _direction(t, node.text)
        if db and dc:
            directed = True
            # A limit is turned round by its side or by a 'not' over it ('creatinine not above
            # 2.5' for 'excluded: creatinine > 2.5').
            neg = _limit_neg(claim, f) != _limit_neg(node.text, t)
            if (db != dc) != (side_flip != neg):
                kind: FactKind = "polarity" if side_flip or neg else "comparator"
                how = "with 'not'/'no' added or dropped" if neg else "the other way round"
                out.add(
                    kind,
                    "contradicted",
                    f"limit '{claim[f.start : f.end]}' reads {how} from the "
                    f"criterion's '{node.text[t.start : t.end]}' ({quote!r})",
                )
    return directed


# ---------------------------------------------------------------- conditions


# MeSH headings co-listed on records ('Recurrence', 'Disease Progression') sit under many
# diseases in the vocabulary; they are attributes, not kinds of the disease.
_ATTRIBUTE_PARENTS = frozenset({"mesh:Disease Attributes", "mesh:Pathologic Processes"})


_GENERIC = 15  # a concept with this many direct subtypes is a family ('Neoplasms'), not one disease


def _subtype(concept: Concept) -> bool:
    return not (_ATTRIBUTE_PARENTS & set(concept.broader)) and len(concept.broader) <= 6


_TRIAL_WORDS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}


def _trial_words(trial: Trial) -> tuple[str, frozenset[str]]:
    """The trial's text in lower case on one line, and its words (once per trial)."""
    key = (trial.trial_id, trial.source.sha256 or "")
    hit = _TRIAL_WORDS.get(key)
    if hit is None:
        if len(_TRIAL_WORDS) > 256:
            _TRIAL_WORDS.clear()
        low = " ".join(trial.source.text.lower().split())
        hit = _TRIAL_WORDS[key] = (low, frozenset(re.findall(r"[a-z0-9]+", low)))
    return hit


def _stem(word: str) -> str:
    """A crude stem that joins a term's forms ('metastasis', 'metastases', 'metastatic')."""
    return word[:7] if len(word) >= 8 else word


def _stems_named(terms: Iterable[str], words: frozenset[str]) -> bool:
    """Whether a one-word term of a concept is in the trial in some form."""
    stems = {_stem(w) for w in words if len(w) >= 8}
    return any(
        len(t) >= 8 and t.isalpha() and _stem(t) in stems for t in (x.lower() for x in terms)
    )


@functools.lru_cache(maxsize=8192)
def _word_heads(text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    """Each content word's head with its span, in order: stemmed, a synonym (one word or two)
    to its group's head, hyphens split ('non-smoking'), stop and generic words left out."""
    stop = _stop_words()
    toks = [m for m in re.finditer(r"[a-z0-9]+", text.lower()) if m.group(0) not in stop]
    stems = stem_all([m.group(0) for m in toks])
    return tuple((head, (toks[i].start(), toks[j - 1].end())) for head, i, j in synonym_runs(stems))


@functools.lru_cache(maxsize=64)
def _text_heads(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A text's heads in order and as a set (a trial's record is read once per process)."""
    seq = tuple(head for head, _ in _word_heads(text))
    return seq, frozenset(seq)


def _term_said(terms: Iterable[str], trial: Trial) -> bool:
    """Whether the trial says one of a concept's terms in other words: its content words, each
    or a synonym, side by side in any order ('infection with human immunodeficiency virus'
    for 'human immunodeficiency virus infection', 'in situ carcinoma', 'pulmonary disorder'
    for 'lung disease'), or a one-word term inside a compound ('non-smoking' for 'smoking')."""
    return _terms_in(terms, *_text_heads(trial.source.text))


def _terms_in(terms: Iterable[str], seq: Sequence[str], have: frozenset[str]) -> bool:
    """Whether a term's content words (each or a synonym) sit side by side in ``seq``."""
    for term in terms:
        want = list(dict.fromkeys(head for head, _ in _word_heads(term)))
        if not want or not set(want) <= have:
            continue
        if len(want) == 1:
            if len(want[0]) >= 4:
                return True
            continue
        n, need = len(want), set(want)
        for i, w in enumerate(seq[: len(seq) - n + 1]):
            if w in need and set(seq[i : i + n]) == need:
                return True
    return False


# Words that say how or which, not what: a condition phrase is named by its other words.
_GENERIC_WORDS = frozenset(
    {
        "a", "an", "the", "any", "other", "another", "some", "your", "you", "have", "has", "had",
        "with", "of", "or", "and", "serious", "significant", "major", "minor", "current", "past",
        "prior", "previous", "history", "new", "same", "certain", "such", "this", "that", "no",
        "not", "underlying", "related", "medical", "health", "mental", "physical", "own", "baby",
        "child", "family", "member", "condition", "conditions", "illness", "illnesses",
    }
)  # fmt: skip


def _phrase_words(text: str, c: Constraint) -> list[str]:
    """The words that name which condition a head word ('disorder', 'disease') is: up to two
    words before it in its clause, without generic and state words."""
    before = text[max(0, c.span.start - 40) : c.span.start]
    before = re.split(r"[,;:.()]|\b(?:and|or|with|of|a|an|the|your|have|has|had)\b", before)[-1]
    words = re.findall(r"[a-z0-9]+", before.lower())[-3:]
    states = patterns()["states"]
    return [w for w in words if w not in _GENERIC_WORDS and not states.fullmatch(w)]


# Condition heads that say nothing of which condition when bare ('a disease', 'an infection').
_BARE_HEADS = frozenset(
    {"disease", "disorder", "syndrome", "condition", "illnes", "infection", "failure",
     "insufficiency", "deficiency", "cancer", "tumor", "tumour", "malignancy", "neoplasm"}
)  # fmt: skip


def _word_named(word: str, trial: Trial) -> bool:
    """Whether the trial says a word: itself, a form of it or a synonym ('lung', 'pulmonary')."""
    _, words = _trial_words(trial)
    if word in words or _stems_named([word], words):
        return True
    heads = {head for head, _ in _word_heads(word)}
    return bool(heads) and heads <= _text_heads(trial.source.text)[1]


def _naming_words(text: str, c: Constraint) -> list[str]:
    """The words that say which one of a family a condition phrase is: its own words before its
    head and up to two before it, without generic and state words ('active cervix cancer':
    cervix; 'foot deformity': foot; 'heart defect from birth': heart)."""
    states = patterns()["states"]
    own = [
        w
        for w in re.findall(r"[a-z0-9]+", c.text.lower())[:-1]
        if w not in _GENERIC_WORDS and not states.fullmatch(w) and len(w) > 2
    ]
    return list(dict.fromkeys([*_phrase_words(text, c), *own]))


def _check_conditions(
    text: str, mine: list[Constraint], trial: Trial, vocab: Vocabulary | None, out: CriteriaCheck
) -> None:
    """Each condition and named treatment the bullet speaks of must be in the trial: the same
    concept, a narrower one ('lymphoma' for 'B-cell lymphoma'), the words themselves or a form
    of them ('cancer that has spread' for 'metastatic'). A condition the vocabulary does not
    know is read by the words that name it ('schizo-affective disorder')."""
    if vocab is None:
        return
    named_ = [c for c in mine if c.kind in ("condition", "treatment")]
    if not named_:
        return
    have = _trial_concepts(trial, vocab)
    low, words = _trial_words(trial)
    named = ", ".join(f.value for f in trial.conditions[:4]) or "others"
    for c in named_:
        cid = c.concept or ""
        if c.kind == "condition" and not c.concept:
            which = _phrase_words(text, c)
            if not which and c.text.lower().rstrip("s") not in _BARE_HEADS:
                which = [c.text.lower()]  # 'a neuropathy': the head names the condition itself
                head = ""
            else:
                head = f" {c.text}"
            if which and not any(_word_named(w, trial) for w in which):
                out.add(
                    "condition",
                    "unsupported",
                    f"condition '{' '.join(which)}{head}' is not named in this trial "
                    f"(it names {named})",
                )
            continue
        if cid not in vocab.concepts:
            continue
        concept = vocab.concepts[cid]
        if " ".join(c.text.lower().split()) in low:
            out.verified.append(c.text)
            continue
        if len(vocab.narrower(cid)) >= _GENERIC:
            # 'cancer', 'foot deformity': a family, named by its words ('cervix cancer' names
            # which cancer): each must be in the trial in some form.
            which = _naming_words(text, c)
            missing = [w for w in which if not _word_named(w, trial)]
            if missing:
                out.add(
                    "condition",
                    "unsupported",
                    f"condition '{' '.join(which)}' is not named in this trial (it names {named}; "
                    f"no '{missing[0]}')",
                )
            elif cid in have:
                out.verified.append(c.text)
            continue
        if cid in have:
            out.verified.append(c.text)
            continue
        narrower = {k.id for k in vocab.expand(cid) if _subtype(k)}
        if narrower & have:  # a right generalization: 'lymphoma' for 'B-cell lymphoma'
            out.verified.append(c.text)
            continue
        if _stems_named(concept.terms, words) or _term_said(concept.terms, trial):
            out.verified.append(c.text)
            continue
        if c.kind == "treatment":
            out.add(
                "condition",
                "unsupported",
                f"'{c.text}' ({concept.label}) is not named in this trial",
            )
            continue
        out.add(
            "condition",
            "contradicted",
            f"condition '{c.text}' ({concept.label}) is not named in this trial (it names {named})",
        )
        for fact in trial.conditions[:1]:
            for sp in fact.spans[:1]:
                out.evidence.append(_cite(trial, sp.start, sp.end, "conditions"))


# ---------------------------------------------------------------- side, negation, exception


# Coordinators that start a conjunct: a cue in a conjunct governs it and the conjuncts after it
# that have none ('no HIV or hepatitis'), and each conjunct with its own cue is read alone ('not
# pregnant and not breastfeeding', 'neither pregnant nor breastfeeding').
_CONJUNCT = re.compile(r",|\b(?:and/or|and|or|nor)\b", re.I)
# 'negative' says 'not' of the thing it follows or governs: 'HIV-negative', 'seronegative for
# HIV', 'negative pregnancy test'; 'triple negative' is a name.
_NEG_BEFORE = re.compile(r"(?<!triple[\s-])\b(?:sero)?negative(?:\s+(?:for|to))?\s+$", re.I)
_NEG_AFTER = re.compile(r"[\s-]*(?:sero)?negative\b", re.I)
_NON_BEFORE = re.compile(r"\bnon-?$", re.I)
# A carve-out right before the words ('other than', 'besides'; 'except' is a negation cue).
_CARVED_BEFORE = re.compile(
    r"\b(?:other\s+than|besides|apart\s+from|excluding)\s+(?:[\w-]+\s+){0,2}$", re.I
)


def _conjunct_parity(clause: str) -> bool:
    """The negation of the last words of ``clause``: the parity of the nearest conjunct that
    has a cue of its own; a conjunct with its own subject or verb ('and you are') starts a new
    statement and takes no cue from before."""
    cuts = [0, *(m.start() for m in _CONJUNCT.finditer(clause))]
    for i, (a, b) in enumerate(
        zip(reversed(cuts), [len(clause), *reversed(cuts[1:])], strict=True)
    ):
        part = clause[a:b]
        if negations(_NON_WORD.sub(" ", re.sub(r"\([^()]*\)", " ", part))):
            return _parity(part)
        if i < len(cuts) - 1 and _OWN_VERB.search(part):
            return False
    return False


# Where a clause ends before the words read: punctuation, a sentence end, or a new line that
# starts a list item or follows a blank line. A hard-wrapped line goes on ('patients who can
# not agree to\n     contraception').
_CLAUSE_BREAK = re.compile(r"[;:(]|\.\s|\n\s*\n|\n\s*(?:[-*•–]|\d{1,2}[.)]|[a-z][.)])\s")


_OWN_VERB = re.compile(
    r"\b(?:you|they|i|are|is|am|be|was|were|have|has|had|do|does|did|will|can|must|should)\b",
    re.I,
)


# How far back a negation cue reaches, in words, when 60 characters fall short of it: a cue
# opening a noun phrase with a relative clause ('without access to a legal guardian who can
# provide informed consent') governs the whole phrase, however long its words are.
_NEG_REACH_WORDS = 10
_WORD = re.compile(r"\S+")


def _words_back(text: str, start: int, n: int) -> int:
    """Where the n-th word before ``start`` begins (0 when there are fewer)."""
    spans = [m.start() for m in _WORD.finditer(text, max(0, start - 40 * n), start)]
    return spans[-n] if len(spans) >= n else max(0, start - 40 * n) if spans else start


def _local_neg(text: str, start: int, floor: int = 0, end: int | None = None) -> bool:
    """Negation governing the words at ``start`` (to ``end``): cues in the same clause, up to 60
    characters before ('no history of HIV'), read by conjunct; 'non-Hodgkin' and the like are
    names, not negations; 'negative' before or after the words turns them round ('HIV-negative')."""
    lo = max(floor, min(start - 60, _words_back(text, start, _NEG_REACH_WORDS)))
    before = text[lo:start]
    non = _NON_BEFORE.search(before)
    if non is not None:  # the word read is the X of 'non-X': read apart below
        before = before[: non.start()]
    brk = None
    for m in _CLAUSE_BREAK.finditer(before):
        brk = m
    cut = brk.end() if brk is not None else 0
    if (
        brk is not None
        and brk.group(0) == "("
        and not before[cut:].strip()
        and lo + cut - 1 > floor
    ):
        # A gloss in brackets right after a term ('not meeting symptom #9 (suicide)') is read
        # with the term it glosses.
        return _local_neg(text, lo + brk.start(), floor)
    neg = _conjunct_parity(before[cut:])
    if _NEG_BEFORE.search(before[cut:]) or (end is not None and _NEG_AFTER.match(text, end)):
        neg = not neg
    if _CARVED_BEFORE.search(before[cut:]):
        neg = not neg  # 'any neoplasm other than breast cancer' says it of all but this one
    if non is not None and not non_name(text, lo + non.start() + 3):
        neg = not neg  # 'non-smoking' says 'not' of 'smoke'; 'non-Hodgkin lymphoma' is a name
    return neg


def _lead_pair(
    pairs: list[tuple[Constraint, Constraint]], claim: str
) -> tuple[Constraint, Constraint] | None:
    """The pair that best says what the bullet rests on: outside the bullet's own carve-out
    ('except ... skin cancer', 'besides asthma': read by the exception check), the same concept
    before a broader or narrower one ('bipolar disorder' with 'bipolar disorder', not with
    'disorder'); None when every pair is in the carve-out."""
    cue = _EXC_CUE.search(claim)
    main = [(b, c) for b, c in pairs if cue is None or b.span.start < cue.start()]
    if not main:
        return None
    vocab = _vocab()
    return max(main, key=lambda bc: _pair_strength(bc[0], bc[1], vocab))


def _criterion_text(node: _Node, src: str) -> str:
    """The source, with an exclusion's prohibitive frame ('cannot') blanked out in this node."""
    if node.side != "exclusion":
        return src
    m = polarity.prohibition(node.text)
    if m is None:
        return src
    cue = re.search(r"can\s*not|cannot|not", m.group(0), re.I)
    if cue is None:
        return src
    at = node.node.span.start + cue.start()
    return src[:at] + " " * (cue.end() - cue.start()) + src[at + cue.end() - cue.start() :]


def _constraint_negated(
    pairs: list[tuple[Constraint, Constraint]], claim: str, node: _Node, trial: Trial
) -> tuple[bool, bool]:
    """(bullet negated, criterion negated) for the aligned pair: the clause before the shared
    concept on each side, else before the first content word both say ('You have liver
    disease' for '...: acute or chronic liver disease, ... use that cannot be discontinued'),
    else the sentences' negation parity. An exclusion's prohibitive frame is not a negation."""
    src = _criterion_text(node, trial.source.text)
    lead = _lead_pair(pairs, claim) if pairs else None
    if lead is not None:
        b, c = lead
        b_neg = _local_neg(claim, b.span.start, 0, b.span.end)
        if _both_ways(pairs, claim, node, src, b):
            return b_neg, b_neg
        return b_neg, _local_neg(src, c.span.start, node.node.span.start, c.span.end)
    shared = _shared_word(claim, _head(node))
    if shared is not None:
        (bs, be), (cs, ce) = shared
        off = node.node.span.start
        return _local_neg(claim, bs, 0, be), _local_neg(src, off + cs, off, off + ce)
    lo, hi = node.node.span.start, node.node.span.start + len(_head(node))
    return _parity(claim), _parity(src[lo:hi])


_CONTENT_WORD = re.compile(r"[A-Za-z]{4,}")


def _shared_word(claim: str, text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first content word of ``claim`` that ``text`` says too (same stem or synonym), as
    (span in claim, span in text); None when they share none."""
    theirs = dict(reversed(_word_heads(text)))  # the first place each head is said
    cue = _EXC_CUE.search(claim)
    for head, (s, e) in _word_heads(claim[: cue.start()] if cue else claim):
        if not _CONTENT_WORD.search(claim[s:e]) or negations(claim[s:e]):
            continue  # a short word or number; 'cannot' is how the words are said, not what of
        hit = theirs.get(head)
        if hit is not None:
            return (s, e), hit
    return None


@functools.cache
def _stop_words() -> frozenset[str]:
    lex = checker_lexicon()
    return frozenset([*lex["stopwords"], *lex["framing_words"], *_GENERIC_WORDS])


def _state_readings(text: str) -> dict[str, tuple[bool, bool]]:
    """Each state the text says that has an opposite ('treated' / 'untreated'), by its plain
    form: (said in its prefixed form, said the negative way: the prefix or a 'not' over it,
    'untreated', 'not being treated'); a state said both ways is left out. A phrase of the
    lexicon's ``state_phrases`` ('under control') is read as the plain word it stands for."""
    opposed: dict[str, str] = {
        k: v for k, v in checker_lexicon().get("opposed_states", {}).items() if k != "_doc"
    }
    plain = set(opposed.values())
    phrases = {k: v for k, v in checker_lexicon().get("state_phrases", {}).items() if k != "_doc"}
    words = "|".join([*(re.escape(p).replace(r"\ ", r"\s+") for p in phrases), "[A-Za-z]+"])
    out: dict[str, tuple[bool, bool]] = {}
    both: set[str] = set()
    for m in re.finditer(rf"\b(?:{words})\b", text, re.I):
        w = " ".join(m.group(0).lower().split())
        w = phrases.get(w, w)  # 'under control' says 'controlled'
        if w not in opposed and w not in plain:
            continue
        base = opposed.get(w, w)
        said = (w in opposed, (w in opposed) != _local_neg(text, m.start()))
        if out.setdefault(base, said) != said:
            both.add(base)
    return {k: v for k, v in out.items() if k not in both}


def _states_differ(claim: str, node: _Node, trial: Trial) -> bool:
    """Whether the bullet says a state in the other form from its criterion and the opposite
    way ('has been treated before' for 'previously untreated'; 'not being treated' for
    'untreated' agrees). A 'not' over the same form is read with the shared concept already;
    an exclusion's prohibitive frame is not a 'not'."""
    mine = _state_readings(claim)
    if not mine:
        return False
    a, b = node.node.span.start, node.node.span.end
    theirs = _state_readings(_criterion_text(node, trial.source.text)[a:b])
    return any(
        base in theirs and theirs[base][0] != prefixed and theirs[base][1] != neg
        for base, (prefixed, neg) in mine.items()
    )


def _mixed_negation(
    pairs: list[tuple[Constraint, Constraint]], claim: str, node: _Node, trial: Trial
) -> bool:
    """Whether the bullet turns one shared thing round and not another ('negative pregnancy
    test and be lactating' for '... and not be lactating'): each thing read in its own clause.
    A thing the criterion names more than once, read both ways ('first HIV-negative and later
    HIV-positive') is not turned round by a bullet that names it both ways too."""
    src = trial.source.text
    carved = {id(e) for n in node.node.walk() for e in n.exceptions}
    cue = _EXC_CUE.search(claim)
    flips: dict[int, bool] = {}
    for b, c in pairs:
        if id(c) in carved or (cue is not None and b.span.start >= cue.start()):
            continue  # a carve-out is read by the exception check
        if id(b) not in flips:
            flips[id(b)] = not _both_ways(pairs, claim, node, src, b) and (
                _local_neg(claim, b.span.start, 0, b.span.end)
                != _local_neg(src, c.span.start, node.node.span.start, c.span.end)
            )
    return len(set(flips.values())) > 1


def _both_ways(
    pairs: list[tuple[Constraint, Constraint]],
    claim: str,
    node: _Node,
    src: str,
    lead: Constraint,
) -> bool:
    """Whether the bullet and the criterion both name the lead thing both ways round ('first
    HIV-negative and later HIV-positive' for 'HIV-positive ... evidence of being HIV-negative'):
    then neither turns it round; which mention pairs with which says nothing."""
    if lead.concept is None:
        return False
    mine = {
        _local_neg(claim, b.span.start, 0, b.span.end)
        for b, _ in pairs
        if b.concept == lead.concept
    }
    theirs = {
        _local_neg(src, c.span.start, node.node.span.start, c.span.end)
        for _, c in pairs
        if c.concept == lead.concept
    }
    return len(mine) == 2 and len(theirs) == 2


def _head(node: _Node) -> str:
    """A criterion's own words, before its nested items ('Not currently receiving X for 1 of
    the following reasons:' without the reasons)."""
    kids = [c.span.start for c in node.node.children if c.span.start > node.node.span.start]
    if not kids:
        return node.text
    return node.text[: min(kids) - node.node.span.start]


_EXC_CUE = re.compile(
    r"\b(?:except|excluding|other than|apart from|besides|unless|save for|exception|"
    r"but not(?!,?\s+(?:be\s+)?limited\b)|"
    r"not including|allowed|can join|may join)\b",
    re.I,
)


def _check_exception(
    claim: str,
    node: _Node,
    pairs: list[tuple[Constraint, Constraint]],
    trial: Trial,
    out: CriteriaCheck,
) -> None:
    spans = list(node.node.exception_spans)
    excepted = list(node.node.exceptions)
    for child in node.node.walk()[1:]:  # 'taking ..., glucocorticoids (except inhaled ones)'
        if child.exception_spans and any(
            child.span.start <= c.span.start < child.span.end for _, c in pairs
        ):
            spans.extend(child.exception_spans)
            excepted.extend(child.exceptions)
    if not spans or _EXC_CUE.search(claim):
        return
    if pairs and all(any(c is e for e in excepted) for _, c in pairs):
        return  # the bullet is about the carve-out itself
    src = trial.source.text
    carve = [src[s.start : s.end] for s in spans]
    mine = set(content_terms(claim))
    if any(
        set(content_terms(x)) & mine - set(content_terms(node.text[:0]))
        and len(set(content_terms(x)) & mine) >= 2
        for x in carve
    ):
        return  # the bullet names what the carve-out lets in
    out.add(
        "exception",
        "unsupported",
        f"leaves out the criterion's exception {_quote(carve[0], 70)!r}: it would turn "
        f"away people the trial lets in ({_quote(node.text)!r})",
    )


@functools.cache
def _outcome_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = lexicon()["outcome"]
    return tuple(  # type: ignore[return-value]
        re.compile(r"\b(?:" + "|".join(words[k]) + r")\b", re.I) for k in ("failed", "worked")
    )


_NOT_BEFORE = re.compile(r"\b(?:not|no|never|n't)\s+(?:\w+\s+)?$", re.I)


def _outcome(text: str, s: int, e: int, lo: int = 0, hi: int | None = None) -> str | None:
    """What the clause around a treatment says it did: 'failed' ('failed at least one prior
    chemotherapy', 'a chemotherapy that did not work'), 'worked' ('responded to'), or None
    (neither, or both)."""
    a, b = clause(text, s, e, reach=80)
    window = text[max(a, lo) : min(b, len(text) if hi is None else hi)]
    failed_re, worked_re = _outcome_words()
    failed = bool(failed_re.search(window))
    rest = failed_re.sub(" ", window)
    worked = False
    for m in worked_re.finditer(rest):
        if _NOT_BEFORE.search(rest[: m.start()]):
            failed = True  # 'not effective'
        else:
            worked = True
    if failed == worked:
        return None
    return "failed" if failed else "worked"


def _check_outcome(
    claim: str,
    pairs: list[tuple[Constraint, Constraint]],
    node: _Node,
    trial: Trial,
    out: CriteriaCheck,
    quote: str,
) -> None:
    """A treatment the bullet says worked where the criterion says it failed (or the reverse):
    'a chemotherapy that did work' for 'Failed at least one prior chemotherapy'."""
    src = trial.source.text
    lo, hi = node.node.span.start, node.node.span.end
    for b, c in pairs:
        if b.kind != "treatment" or c.kind != "treatment":
            continue
        said = _outcome(claim, b.span.start, b.span.end)
        source = _outcome(src, c.span.start, c.span.end, lo, hi)
        if said and source and said != source:
            out.add(
                "polarity",
                "contradicted",
                f"says the treatment {said} where the criterion says it {source} ({quote!r})",
            )
            return


# ---------------------------------------------------------------- the bullet's own frame


# 'People with HIV cannot join': a frame that says whether the people it names may join.
_JOIN_FRAME = re.compile(
    r"\b(?:can(?:not|'t)?|may(?:\s+not)?|could(?:n't|\s+not)?|will(?:\s+not)?|won't|"
    r"(?:are|is)(?:\s+not|n't)?)\s+(?:still\s+|also\s+)?(?:be\s+)?"
    r"(?:join|take\s+part|enrol(?:l)?|participate|(?:in)?eligible|"
    r"allowed\s+to\s+(?:join|take\s+part|enrol(?:l)?|participate))\b",
    re.I,
)
# Words that make a bullet carry a second reading (a carve-out or a condition on the frame).
_TWO_READINGS = re.compile(
    r"\b(?:except|excluding|other than|apart from|unless|but|however|still|only|as long as|"
    r"provided|if)\b|;",
    re.I,
)


def _check_frame(text: str, role: Role, out: CriteriaCheck) -> None:
    """A bullet whose own words say the people it names can join, listed as a reason not to
    (or the reverse): 'People with HIV can join.' as not-a-fit. Read only on a bullet with one
    frame and no carve-out or condition on it ('..., but those with X can join')."""
    frames = list(_JOIN_FRAME.finditer(text))
    if len(frames) != 1 or _TWO_READINGS.search(text):
        return
    says_out = len(negations(frames[0].group(0))) % 2 == 1
    if says_out == (role == "not_fit"):
        return
    said = "cannot join" if says_out else "can join"
    listed = "who should consider it" if role == "good_fit" else "who should not"
    out.add(
        "polarity",
        "contradicted",
        f"says the people it names {said} ({frames[0].group(0)!r}), but is listed as {listed}",
    )


# ---------------------------------------------------------------- the check


def check_bullet(
    text: str, trial: Trial, role: Role, citations: Sequence[Citation] = ()
) -> CriteriaCheck:
    """The criteria step for one fit bullet: typed findings and the criterion it rests on.
    A bullet that cites this trial's words is aligned only to the criteria it cites."""
    out = CriteriaCheck()
    if role not in ("good_fit", "not_fit") or not trial.criteria:
        return out
    vocab = _vocab()
    cs = criteria(trial)
    mine = Detector(vocab).run(text, 0)
    mine = [*mine, *_bullet_ages(text, mine)]
    claim_neg = _parity(text)
    _check_frame(text, role, out)
    _check_ages(mine, role, claim_neg, trial, cs, out)
    _check_conditions(text, mine, trial, vocab, out)
    non_age = [c for c in mine if c.kind != "age"]
    nodes = _nodes(cs, trial)
    cited = [c for c in citations if c.trial_id == trial.trial_id]
    if cited:
        nodes = [
            n
            for n in nodes
            if any(c.start < n.node.span.end and n.node.span.start < c.end for c in cited)
        ]  # cited words outside every criterion: the source check reads them, not a guess
    node, pairs, words, named = _align(text, non_age, nodes, vocab, role, trial)
    if node is None:
        return out
    out.aligned = True
    out.span = (node.node.span.start, node.node.span.end)
    out.confident = out.confident or bool(pairs) or bool(named) or words >= CONFIDENT_WORDS
    kind = node.side
    out.evidence.insert(0, _cite(trial, node.node.span.start, node.node.span.end, node.top.kind))
    side_flip = (role == "not_fit") != (kind == "exclusion")
    b_neg, c_neg = _constraint_negated(pairs, text, node, trial)
    neg_flip = (b_neg != c_neg) != _states_differ(text, node, trial)
    # Read around a shared concept, or around a shared word of a criterion that holds most of
    # the bullet's words: the sentence-wide reading is not needed on top.
    out.polarity_judged = bool(pairs) or (
        (named > 0 or words >= CONFIDENT_WORDS) and _shared_word(text, _head(node)) is not None
    )
    by_number = _number_node(text, mine, node, nodes)
    if by_number is not node:
        out.evidence.append(
            _cite(trial, by_number.node.span.start, by_number.node.span.end, by_number.top.kind)
        )
    number_flip = (role == "not_fit") != (by_number.side == "exclusion")
    directed = _check_numbers(text, mine, number_flip, by_number, trial, out, nodes)
    # A limit compared in direction (its side and any 'not' over it read) settles the side, and
    # the criterion stating the same amount is the one the bullet paraphrases.
    out.polarity_judged = out.polarity_judged or directed
    out.confident = out.confident or directed
    quote = _quote(node.text)
    if _mixed_negation(pairs, text, node, trial):
        out.add(
            "polarity",
            "contradicted",
            f"negation differs from the criterion for one of the things it names ({quote!r})",
        )
    elif not directed and (pairs or named or words >= MIN_WORDS) and side_flip != neg_flip:
        if side_flip and not neg_flip:
            why = (
                "good-fit bullet rests on an exclusion criterion"
                if role == "good_fit"
                else "not-a-fit bullet rests on an inclusion criterion"
            )
        else:
            why = "negation differs from the criterion ('not'/'no' added or dropped)"
        out.add("polarity", "contradicted", f"{why} ({quote!r})")
    else:
        _check_outcome(text, pairs, node, trial, out, quote)
    if role == "not_fit" or kind == "exclusion":
        _check_exception(text, node, pairs, trial, out)
    return out


__all__ = ["CriteriaCheck", "check_bullet", "criteria"]
