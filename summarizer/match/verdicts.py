"""Every criterion of one trial set against a person's profile: met, not met, or unknown.

A verdict is about the criterion (for an exclusion, 'met' rules the person out). Each criterion
is read as its typed constraints (``criteria_for``): the person's facts are matched to them by
``self_match`` (vocabulary concepts with everything narrower, negation on either side, term
rules, pregnancy), ages by the same limits the answers use (``age_bounds``), sex where the
criterion names it. An inclusion needs all its parts ('any of' where it says so): one part the
person fails makes it not met, and it is met only when every typed part holds and few words are
left untyped. An exclusion lists alternatives: one that holds for the person meets it, and it is
not met only when every alternative is ruled out by what the person said. Anything else is
unknown, which is the default: a fact the person did not state is never taken as true or false.
The trial's own minimum age, maximum age and sex fields get inclusion-like verdicts, quoted from
their source words. A lab value or score the person gave decides a limit on the same measure in
the same unit (``thresholds``); a condition the person dated ('3 years ago') decides a 'within'
window on it; and a fact that would block is left open when the criterion is about a treatment
for it, another condition than theirs, exceptions, or people in a case they may not be in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from summarizer.criteria import criteria_for
from summarizer.criteria.model import Constraint, ParsedCriterion
from summarizer.criteria.vocabulary import Vocabulary
from summarizer.criteria.vocabulary import load as load_vocabulary
from summarizer.engines.extractive.eligibility import _OF_AGE, AgeBound, age_bounds
from summarizer.engines.extractive.self_facts import PersonFacts
from summarizer.engines.extractive.self_match import Finding, find, person_facts
from summarizer.match.facts import ProfileFacts, profile_facts
from summarizer.match.thresholds import Reading
from summarizer.match.thresholds import truth as threshold_truth
from summarizer.match.wording import wording
from summarizer.models import Span, Trial
from summarizer.models.match import CriterionVerdict, MatchVerdict, PersonProfile

Truth = bool | None
_WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass(frozen=True)
class Part:
    """What one of the person's facts says about one piece of a criterion."""

    truth: Truth  # the piece holds for the person (True), does not (False), or cannot tell
    words: tuple[str, ...]  # the person's words it rests on
    why: str | None = None  # an open piece: 'when', 'exception', 'confirm', 'history', ...
    start: int = 0
    end: int = 0


@dataclass
class Sheet:
    """The parts found for one criterion, by constraint span and by nested item."""

    by_span: dict[tuple[int, int], list[Part]] = field(default_factory=dict)
    by_node: dict[int, list[Part]] = field(default_factory=dict)

    def parts(self) -> list[Part]:
        return [p for ps in (*self.by_span.values(), *self.by_node.values()) for p in ps]


def _deepest(top: ParsedCriterion, s: int, e: int) -> ParsedCriterion:
    best = top
    for node in top.walk():
        inside = node.span.start <= s and e <= node.span.end
        if inside and node.span.end - node.span.start <= best.span.end - best.span.start:
            best = node
    return best


def _constraint_at(top: ParsedCriterion, s: int, e: int) -> Constraint | None:
    for node in top.walk():
        for c in (*node.constraints, *node.exceptions):
            if c.span.start == s and c.span.end == e:
                return c
    return None


def _narrower_or_same(
    fact_key: str, constraint: Constraint | None, vocab: Vocabulary | None
) -> bool:
    """An absent fact ('no breast cancer') rules out only the same thing or a narrower one,
    never a broader criterion ('any malignancy')."""
    if not fact_key.startswith("concept:") or vocab is None:
        return True
    if constraint is None:
        return False
    cid = fact_key.split(":", 1)[1]
    concept = vocab.concepts.get(constraint.concept or "") or vocab.lookup(constraint.text)
    if concept is None or cid not in vocab.concepts:
        return False
    return concept.id in {c.id for c in vocab.expand(cid)}


def _finding_truth(
    f: Finding, present: bool, constraint: Constraint | None, facts: ProfileFacts, text: str
) -> tuple[Truth, str | None]:
    if f.exception:
        return None, "exception"
    if f.direction == "confirm":
        return None, "confirm"
    kind = f.criterion.kind
    negated = f.rules_out if kind == "inclusion" else bool(constraint and constraint.negated)
    if not present:
        return negated, None
    quote = text[f.span.start : f.span.end]
    if f.fact.key in facts.past and wording().current.search(quote):
        return None, "history"
    if f.direction == "allowed_if":
        return None, "when"
    if kind == "inclusion" and f.direction == "does_not_take" and not f.rules_out:
        return False, None
    return not negated, None


def _add_findings(
    trial: Trial,
    tops: dict[tuple[str, int], ParsedCriterion],
    sheets: dict[tuple[str, int], Sheet],
    findings: Iterable[Finding],
    facts: ProfileFacts,
    *,
    present: bool,
    vocab: Vocabulary | None,
) -> None:
    text = trial.source.text
    for f in findings:
        where = (f.criterion.kind, f.criterion.number)
        top = tops.get(where)
        words = facts.said.get(f.fact.key)
        if top is None or not words:
            continue
        pos = text.find(f.matched, f.span.start, f.span.end)
        if pos < 0:
            pos = text.find(f.matched, top.span.start, top.span.end)
        if pos < 0:
            continue
        end = pos + len(f.matched)
        constraint = _constraint_at(top, pos, end)
        if not present and not _narrower_or_same(f.fact.key, constraint, vocab):
            continue
        truth, why = _finding_truth(f, present, constraint, facts, text)
        said_words: tuple[str, ...] = (words,)
        dated = _dated_truth(f, present, constraint, facts, text) if why == "when" else None
        if dated is not None:
            truth, why, said_words = dated[0], None, (words, dated[1])
        if _blocking(f.criterion.kind, truth):
            guard = _guard(text, top, pos)
            truth, why = (None, guard) if guard else (truth, why)
        part = Part(truth, said_words, why, pos, end)
        sheet = sheets.setdefault(where, Sheet())
        node = _deepest(top, pos, end)
        if constraint is not None and constraint in node.constraints:
            sheet.by_span.setdefault((pos, end), []).append(part)
        else:
            sheet.by_node.setdefault(id(node), []).append(part)


def _dated_truth(
    f: Finding, present: bool, constraint: Constraint | None, facts: ProfileFacts, text: str
) -> tuple[bool, str] | None:
    """'Myocardial infarction within the past 6 months' against 'a heart attack 3 years ago':
    the person dated this very fact, so the window decides (with the person's date words).
    Only for the same concept, not an event of it ('asthma exacerbation within 12 months' is
    not dated by 'asthma diagnosed a year ago'), and only when the date is clearly inside or
    outside the window ('a year ago' against '12 months' stays open)."""
    window = f.window
    dated = facts.ago.get(f.fact.key)
    if not present or dated is None or window is None or window.relation != "within":
        return None
    if f.exception or f.allows or f.steps:
        return None
    at = text.find(f.matched, f.span.start, f.span.end)
    around = text[max(f.span.start, at - 40) : at + len(f.matched) + 40] if at >= 0 else ""
    if at < 0 or wording().event.search(around):
        return None
    limit = (window.upper or window.amount) * _WINDOW_DAYS[window.unit]
    margin = wording().limit("date_margin_percent") / 100
    if abs(dated[0] - limit) <= margin * limit:
        return None
    inside = dated[0] < limit
    negated = (
        f.rules_out if f.criterion.kind == "inclusion" else bool(constraint and constraint.negated)
    )
    return inside != negated, dated[1]


_WINDOW_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}


def _blocking(kind: str, truth: Truth) -> bool:
    return truth is (kind != "inclusion")


def _guard(text: str, top: ParsedCriterion, pos: int) -> str | None:
    """Why a fact the person stated must not block on this criterion after all, or None.

    'No prior chemotherapy for breast cancer', 'renal failure due to diabetes': the condition
    the person has is what a treatment (or another condition) is for, not what is asked about.
    'No other prior malignancy', 'any malignancy except carcinoma in situ': the person's own
    condition may be the one meant apart, or one of the exceptions. 'Fertile patients must use
    contraception': it asks only people in a case the person may not be in. Either way the
    criterion neither fails an inclusion nor meets an exclusion on that fact alone (precision
    first: a wrong block hides a trial the person could join)."""
    words = wording()
    before = text[max(top.span.start, pos - 60) : pos]
    if words.treatment_for.search(before):
        return "treatment_for"
    if words.conditional.search(text, top.span.start, top.span.end):
        return "applies_if"  # 'Fertile patients must use contraception': maybe not their case
    if words.other_than.search(before) or words.exception.search(
        text, top.span.start, top.span.end
    ):
        return "exception"
    return None


def _add_readings(
    tops: dict[tuple[str, int], ParsedCriterion],
    sheets: dict[tuple[str, int], Sheet],
    found: dict[str, Reading],
) -> None:
    """A value the person gave ('creatinine 3.1 mg/dL') against each limit on the same measure
    in the same unit ('creatinine > 2 mg/dL'): the limit holds for them or does not."""
    if not found:
        return
    for where, top in tops.items():
        for node in top.walk():
            for c in node.constraints:
                said = threshold_truth(c, found)
                if said is None:
                    continue
                part = Part(said[0], (said[1].words,), None, c.span.start, c.span.end)
                sheet = sheets.setdefault(where, Sheet())
                sheet.by_span.setdefault((c.span.start, c.span.end), []).append(part)


def _add_ages(
    trial: Trial,
    tops: dict[tuple[str, int], ParsedCriterion],
    sheets: dict[tuple[str, int], Sheet],
    bounds: list[AgeBound],
    profile: PersonProfile,
) -> None:
    age, words = profile.age_years, profile.age_words
    if age is None or not words:
        return
    grouped: dict[tuple[str, int, int, int], list[AgeBound]] = {}
    for b in bounds:
        if b.criterion is None or b.span is None:
            continue
        key = (b.criterion.kind, b.criterion.number, b.span.start, b.span.end)
        grouped.setdefault(key, []).append(b)
    for (kind, number, s, e), group in grouped.items():
        top = tops.get((kind, number))
        if top is None:
            continue
        node = next((n for n in top.walk() if n.span.start == s and n.span.end == e), top)
        broken = any(b.breaks(age) for b in group)
        truth = broken if kind == "exclusion" else not broken
        sheet = sheets.setdefault((kind, number), Sheet())
        for c in node.constraints:
            if c.kind == "age" or _is_age(c, trial.source.text):
                part = Part(truth, (words,), None, c.span.start, c.span.end)
                sheet.by_span.setdefault((c.span.start, c.span.end), []).append(part)


def _is_age(c: Constraint, text: str) -> bool:
    """'Less than 3 years of age' parses as a span of time; ``age_bounds`` reads it as an age."""
    return c.kind == "time_window" and _OF_AGE.match(text, c.span.end) is not None


def _combine(parts: list[Part] | None) -> Truth:
    if not parts:
        return None
    if any(p.truth is True for p in parts):
        return True
    if any(p.truth is False for p in parts):
        return False
    return None


_DEMOGRAPHIC = frozenset({"sex", "age", "pregnancy", "breastfeeding", "time_window"})


@dataclass(frozen=True)
class Scope:
    """What the whole criterion says, for reading one of its parts: the sexes it names
    anywhere ('Male or non-pregnant female' names both) and whether it asks only who the
    person is (sex, age, pregnancy), not what they have."""

    sexes: frozenset[str]
    demographic: bool
    pregnancy: bool = False  # it names pregnancy or breastfeeding: the sex is whose, not who

    @classmethod
    def of(cls, top: ParsedCriterion) -> Scope:
        kinds = [c for n in top.walk() for c in n.constraints]
        sexes = frozenset(c.value for c in kinds if c.kind == "sex" and c.value and not c.negated)
        pregnancy = any(c.kind in ("pregnancy", "breastfeeding") for c in kinds)
        return cls(sexes, bool(kinds) and all(c.kind in _DEMOGRAPHIC for c in kinds), pregnancy)

    def rules_out(self, kind: str, sex: str) -> bool:
        """The criterion is about another sex only: for an exclusion that is enough; an
        inclusion must be about who the person is and nothing else ('Female', 'Pregnancy.'),
        since 'Women of childbearing potential must use contraception' does not apply to a man
        rather than ruling him out."""
        if sex in self.sexes or "ALL" in self.sexes:
            return False
        if kind == "inclusion" and self.pregnancy:  # 'Women must not be pregnant': whose
            return False  # pregnancy, which the pregnancy part itself decides
        return kind == "exclusion" or self.demographic


def _sex_part(c: Constraint, profile: PersonProfile, kind: str, scope: Scope) -> Part | None:
    """A sex named in a criterion holds when it is the person's (or 'male or female'); it
    fails only when the criterion names the other sex alone (``Scope.rules_out``)."""
    if profile.sex is None or not profile.sex_words or c.negated:
        return None
    if c.value in ("ALL", profile.sex):
        return Part(True, (profile.sex_words,), None, c.span.start, c.span.end)
    if c.value in ("FEMALE", "MALE") and scope.rules_out(kind, profile.sex):
        return Part(False, (profile.sex_words,), None, c.span.start, c.span.end)
    return None


def _male_pregnancy_part(
    c: Constraint, profile: PersonProfile, kind: str, scope: Scope, words: str = ""
) -> Part | None:
    """A man is not pregnant or breastfeeding: said by his sex, not assumed from silence. An
    inclusion fails him only when it asks for pregnancy itself ('Pregnant women'), not when it
    names it to rule it out in words the parser may not read as negation ('Negative pregnancy
    test', 'Women must not be pregnant')."""
    if c.kind not in ("pregnancy", "breastfeeding") or profile.sex != "MALE":
        return None
    if not profile.sex_words or not (kind == "exclusion" or scope.demographic):
        return None
    if kind == "inclusion" and not c.negated and wording().not_asking_pregnancy.search(words):
        return None
    return Part(c.negated, (profile.sex_words,), None, c.span.start, c.span.end)


@cache
def _filler() -> frozenset[str]:
    return frozenset(wording().filler_words)


def _loose_words(node: ParsedCriterion, text: str, covered: list[Part]) -> int:
    """Words of the item no constraint typed and no fact matched, fillers left out."""
    filler = _filler()
    n = 0
    for r in node.remainder:
        for m in _WORD.finditer(text, r.start, r.end):
            s, e = m.start(), m.end()
            if m.group(0).lower() in filler or any(p.start <= s < p.end for p in covered):
                continue
            if any(p.start < e and s < p.end for p in covered):
                continue
            n += 1
    return n


def _evaluate(
    node: ParsedCriterion,
    kind: str,
    sheet: Sheet,
    profile: PersonProfile,
    text: str,
    used: list[Part],
    scope: Scope | None = None,
) -> Truth:
    scope = scope if scope is not None else Scope.of(node)
    quals: list[Truth] = []
    items: list[Truth] = []
    node_parts = sheet.by_node.get(id(node), [])
    for c in node.constraints:
        if c.kind == "time_window":  # a span of time, unless read as an age ('18 years of age')
            ages = sheet.by_span.get((c.span.start, c.span.end))
            if ages:
                used.extend(ages)
                quals.append(_combine(ages))
            continue
        if c.kind == "sex":
            part = _sex_part(c, profile, kind, scope)
            quals.append(part.truth if part else None)
            used.extend([part] if part else [])
            continue
        parts = sheet.by_span.get((c.span.start, c.span.end))
        if not parts:
            words = text[node.span.start : node.span.end]
            male = _male_pregnancy_part(c, profile, kind, scope, words)
            parts = [male] if male else parts
        used.extend(parts or [])
        (quals if c.kind == "age" else items).append(_combine(parts))
    for part in node_parts:
        items.append(part.truth)
        used.append(part)
    loose = _loose_words(node, text, [*used, *node_parts]) > wording().limit("max_remainder_words")
    if loose:
        items.append(None)  # words no constraint read: the item may ask for more than was matched
    children = [_evaluate(ch, kind, sheet, profile, text, used, scope) for ch in node.children]
    if kind == "inclusion":
        values = [*quals, *items, *children]
        if not values:
            return None
        if node.logic == "any_of":
            if any(v is True for v in values):
                return True
            return False if all(v is False for v in values) else None
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else None
    if any(q is False for q in quals):
        return False
    alternatives = [*items, *children]
    if any(a is True for a in alternatives):
        return True if all(q is True for q in quals) and not loose else None
    if alternatives and all(a is False for a in alternatives):
        return False
    if not alternatives and quals and all(q is True for q in quals):
        return True
    return None


def _said(words: Iterable[str]) -> str:
    unique = list(dict.fromkeys(w for w in words if w))
    return ", ".join(f'"{w}"' for w in unique)


def _verdict_for(
    kind: str, truth: Truth, used: list[Part], all_parts: list[Part]
) -> tuple[MatchVerdict, list[str], str]:
    words = wording()
    if truth is not None:
        verdict: MatchVerdict = "met" if truth else "not_met"
        said = [w for p in used if p.truth is not None for w in p.words]
        return (
            verdict,
            list(dict.fromkeys(said)),
            words.reason(f"{kind}_{verdict}", said=_said(said)),
        )
    why = next((p for p in all_parts if p.why), None)
    if why is not None and why.why is not None:
        return "unknown", [], words.reason(why.why, said=_said(why.words))
    if all_parts:
        return (
            "unknown",
            [],
            words.reason("partial", said=_said(w for p in all_parts for w in p.words)),
        )
    return "unknown", [], words.reason("not_said")


def criterion_verdicts(
    trial: Trial,
    profile: PersonProfile,
    facts: ProfileFacts | None = None,
    vocab: Vocabulary | None = None,
    bounds: list[AgeBound] | None = None,
) -> list[CriterionVerdict]:
    """One verdict per inclusion and exclusion criterion, in the trial's order."""
    facts = facts if facts is not None else profile_facts(profile)
    if vocab is None:
        try:
            vocab = load_vocabulary()
        except (OSError, ValueError):
            vocab = None
    parsed = criteria_for(trial)
    tops: dict[tuple[str, int], ParsedCriterion] = {(c.kind, c.number): c for c in parsed.criteria}
    sheets: dict[tuple[str, int], Sheet] = {}
    both = _merged(facts)
    if both.concepts or both.terms:
        absent = {f"concept:{c}" for _, c in facts.absent.concepts} | {
            _rule_key(t) for t in facts.absent.terms
        }
        present = {f"concept:{c}" for _, c in facts.present.concepts} | {
            _rule_key(t) for t in facts.present.terms
        }
        # Built once per person (person_facts keeps it), not once per trial.
        found = find(trial, both, vocab, people=person_facts(both, vocab))
        for side in (True, False):
            _add_findings(
                trial, tops, sheets,
                [f for f in found if (f.fact.key in present or f.fact.key not in absent) == side],
                facts, present=side, vocab=vocab,
            )  # fmt: skip
    _add_ages(trial, tops, sheets, bounds if bounds is not None else age_bounds(trial), profile)
    _add_readings(tops, sheets, facts.measured)
    text = trial.source.text
    out: list[CriterionVerdict] = []
    for crit in trial.criteria:
        top = tops.get((crit.kind, crit.number))
        span = top.span if top is not None else (crit.spans[0] if crit.spans else None)
        if span is None:
            continue
        sheet = sheets.get((crit.kind, crit.number), Sheet())
        used: list[Part] = []
        truth = _evaluate(top, crit.kind, sheet, profile, text, used) if top else None
        verdict, said, reason = _verdict_for(crit.kind, truth, used, sheet.parts())
        out.append(
            CriterionVerdict(
                kind=crit.kind,
                number=crit.number,
                criterion=text[span.start : span.end],
                span=span,
                verdict=verdict,
                used=said,
                reason=reason,
            )
        )
    return out


def field_verdicts(
    trial: Trial, profile: PersonProfile, bounds: list[AgeBound] | None = None
) -> list[CriterionVerdict]:
    """The trial's minimum age, maximum age and sex fields, as inclusion-like verdicts."""
    out: list[CriterionVerdict] = []
    text = trial.source.text
    limits = bounds if bounds is not None else age_bounds(trial)
    by_side = {b.upper: b for b in limits if b.criterion is None}
    for about, fact, upper in (("min_age", trial.min_age, False), ("max_age", trial.max_age, True)):
        bound = by_side.get(upper)
        if fact is None or not fact.spans or bound is None:
            continue
        truth: Truth = None
        said: list[str] = []
        if profile.age_years is not None and profile.age_words:
            truth = not bound.breaks(profile.age_years)
            said = [profile.age_words]
        out.append(_field(about, fact.spans[0], text, truth, said))
    sex = trial.sex
    if sex is not None and sex.spans and sex.value in ("ALL", "FEMALE", "MALE"):
        restricted = sex.value != "ALL"
        if profile.sex is not None and profile.sex_words:
            truth = sex.value in ("ALL", profile.sex)
            out.append(_field("sex", sex.spans[0], text, truth, [profile.sex_words]))
        elif restricted:
            out.append(_field("sex", sex.spans[0], text, None, []))
    return out


def _field(about: str, span: Span, text: str, truth: Truth, said: list[str]) -> CriterionVerdict:
    parts = [Part(truth, tuple(said))] if said else []
    verdict, used, reason = _verdict_for("inclusion", truth, parts, parts)
    return CriterionVerdict(
        kind="inclusion",
        number=1,
        criterion=text[span.start : span.end],
        span=span,
        verdict=verdict,
        used=used,
        reason=reason,
        about=about,  # type: ignore[arg-type]
    )


def trial_verdicts(
    trial: Trial, profile: PersonProfile, facts: ProfileFacts | None = None
) -> list[CriterionVerdict]:
    """The field verdicts, then every criterion's."""
    bounds = age_bounds(trial)
    return [
        *field_verdicts(trial, profile, bounds),
        *criterion_verdicts(trial, profile, facts, bounds=bounds),
    ]


def _rule_key(label: str) -> str:
    return label if label in ("pregnancy", "breastfeeding") else f"rule:{label}"


def _merged(facts: ProfileFacts) -> PersonFacts:
    """Both sides as one set of facts, so the matcher reads each trial once; each finding goes
    back to its side by its fact key (a fact said both ways counts as said)."""
    return facts.present.model_copy(
        update={
            "concepts": list(dict.fromkeys([*facts.present.concepts, *facts.absent.concepts])),
            "terms": list(dict.fromkeys([*facts.present.terms, *facts.absent.terms])),
        }
    )
