"""What a person said about themselves, set against each criterion's typed constraints.

Each finding says which criterion touches a fact the person gave and which way it points:
``does_not_take`` (an exclusion that applies, or an inclusion the person falls outside of),
``allowed_if`` (an exclusion with a time window the person is outside of or did not date, or an
exception that carves them out), ``takes`` (an inclusion that asks for what they said) or
``confirm`` (the same fact both asked for and ruled out: the exclusion is a narrower case to go
over with the team). Polarity comes from the criterion's side and its negation ('must not have
undergone splenectomy' in the inclusions rules splenectomy out; 'HIV negative' rules HIV out).
Facts are matched by vocabulary concept (with everything narrower, so 'warfarin' meets
'anticoagulants'), by the pregnancy and breastfeeding detectors, and by the term rules in
``prompts/conditions.json``. Nothing here decides eligibility.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from summarizer.criteria import criteria_for
from summarizer.criteria.detect import (
    GESTATION,
    WEEKS_PER,
    lazy_pattern,
    quantities,
    time_unit,
)
from summarizer.criteria.model import (
    Comparator,
    Constraint,
    ParsedCriterion,
    Quantity,
    TimeWindow,
)
from summarizer.criteria.vocabulary import Mention, Vocabulary
from summarizer.criteria.vocabulary import key as vocab_key
from summarizer.criteria.vocabulary import load as load_vocabulary
from summarizer.engines.extractive.self_facts import LANGUAGES, PersonFacts, term_rules
from summarizer.models import Criterion, Span, Trial

Direction = Literal["does_not_take", "allowed_if", "takes", "confirm"]
_MAX_QUOTE_WORDS = 80  # a longer criterion is quoted by its nested item that holds the match
_NEGATIVE_AFTER = lazy_pattern(r"^[\s-]{0,2}(?:sero)?negative\b|^\W{0,2}seronegative", re.I)
_NEGATIVE_BEFORE = lazy_pattern(r"\b(?:sero)?negative\s+(?:\w+\s+){0,3}$", re.I)
_NEG_CUE = lazy_pattern(r"\b(?:no|not|without|never|free of|absence of)\b[^.;:]{0,40}$", re.I)
_WINDOW_RE = lazy_pattern(
    r"\b(?:within(?: the)?|in the (?:last|past|previous|preceding|prior)|"
    r"(?:for|in|during) (?:the )?(?:prior|past|last|previous|preceding)|past|prior)\s+"
    r"(?:(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+)?"
    r"(?P<unit>years?|months?|weeks?|days?)\b",
    re.I,
)
# 'No recent myocardial infarction (less than 1 month)': what 'recent' means, said after it.
_RECENT_WINDOW = lazy_pattern(
    r"\brecent(?:ly)?\b[^.;]{0,60}?(?:less than|under|fewer than|<|within(?: the)?(?: last| past)?)"
    r"\s*(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+"
    r"(?P<unit>years?|months?|weeks?|days?)\b",
    re.I,
)
# 'within 3 months of screening', 'test results within 14 days': when a test was done, not
# when the event was. 'Within 6 months prior to enrolment' (or randomisation, registration) only
# dates the event from the start of the trial: it is the event's window.
_ABOUT_A_TEST = lazy_pattern(r"\b(?:screening|result|test|visit)", re.I)
# 'Participants may have diabetes', 'is permitted', 'can be on antidepressant therapy'; not 'any
# drug which may have an effect'.
_PERMITS = lazy_pattern(
    r"\b(?:(?<!which )(?<!that )may (?:have|be included|participate|enrol)|"
    r"(?<!not )(?:can|may) (?:be on|continue|remain on|stay on)|"
    r"(?<!not )(?:are|is|will be) (?:allowed|permitted|acceptable|eligible)|"
    r"not (?:be )?(?:a )?(?:cause|reason) for "
    r"(?:automatic )?exclusion|will not exclude|(?:are|is)\s+no\s+longer\s+(?:be\s+)?excluded)\b|"
    r"^\W*(?:allowed|permitted)\s*:",  # 'Allowed: Hemophilia.'
    re.I,
)
# A list under a heading that permits what it lists: 'Concurrent Medication: / Allowed: / - AZT.'
_ALLOWED_HEADING = lazy_pattern(r"(?:allowed|permitted)\b[^:\n]{0,40}:\s*$", re.I)


def _headings(text: str, start: int) -> list[str]:
    """The heading lines a list item stands under, nearest first: the lines before ``start``
    that are neither indented nor an item, standing together right above the list ('Concurrent
    Medication:' / 'Allowed:' above '  -  AZT.'); at most two, none when there is none."""
    heads: list[str] = []
    for line in reversed(text[:start].splitlines()[-40:]):
        if not line.strip():
            continue
        if line[:1].isspace() or line.lstrip().startswith(("-", "*", "•")):
            if heads:
                break  # the headings stand together, right above the list
            continue
        heads.append(line.strip())
        if len(heads) == 2:
            break
    return heads


def _heading(text: str, start: int) -> str:
    """The nearest heading a list item stands under ('Allowed:'); '' when there is none."""
    return next(iter(_headings(text, start)), "")


def _under_concurrent(text: str, start: int) -> bool:
    """A list item under 'Concurrent Medication: / Excluded:': about what is taken during the
    study (the heading above its 'Excluded:' says so), not what was taken before."""
    return any(re.match(r"concurrent|concomitant", h, re.I) for h in _headings(text, start))


_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip


@dataclass(frozen=True)
class Fact:
    """One thing the person said, in the form the matcher needs."""

    key: str  # groups matches of one fact ('concept:mesh:Warfarin', 'pregnancy', 'rule:HIV')
    words: str  # how the person said it ('warfarin')
    kind: str  # 'condition', 'treatment', 'pregnancy', 'breastfeeding'
    concepts: frozenset[str] = frozenset()  # the concept and everything broader
    labels: frozenset[frozenset[str]] = frozenset()  # word sets of all their names
    patterns: tuple[re.Pattern[str], ...] = ()  # rule patterns in criterion text
    only: str | None = None
    people: str | None = None  # rule wording: 'people with HIV infection'
    people_side: str | None = None  # the side the wording is for ('another cancer': exclusions)
    narrower: frozenset[str] = frozenset()  # kinds of it ('depression' -> major depression)
    steps: tuple[tuple[str, int], ...] = ()  # broader concept -> steps up from what was said


@dataclass
class Finding:
    """A criterion that touches a fact, the way it points and the words to quote."""

    criterion: Criterion
    fact: Fact
    direction: Direction
    span: Span  # the whole criterion, or its nested item holding the match when it is long
    matched: str  # the criterion's own words that matched
    window: TimeWindow | None = None
    window_words: str | None = None  # 'six months', as the source says it
    exception: bool = False
    rules_out: bool = True  # the criterion, read with its negation, says who may not join
    note: str | None = None  # the comparison with the person's dates, when there is one
    steps: int = 0  # how much broader the criterion's term is than the person's (0: the same)
    allows: bool = False  # the criterion permits it ('may have diabetes', 'is allowed')
    group: str | None = None  # the heading of the one group it is listed for ('Group 3b')
    stage: bool | None = None  # the person's weeks of pregnancy are among those it names
    every_kind: bool = False  # the criterion names its class with 'any' ('Any vaccination')
    reaction: bool = False  # the criterion names the treatment as what one reacts to ('allergy to')

    @property
    def window_relation(self) -> str | None:
        return self.window.relation if self.window is not None else None

    @property
    def ref(self) -> str:
        return f"{self.criterion.kind} criterion {self.criterion.number}"


def person_facts(facts: PersonFacts, vocab: Vocabulary | None = None) -> list[Fact]:
    """The person's conditions, treatments, pregnancy and breastfeeding as matchable facts.

    Built once per set of facts (a bounded cache keyed by the terms, the concepts and the
    vocabulary), since a pre-screen sets the same person against every trial it reads."""
    voc = vocab if vocab is not None else _vocabulary()
    return list(_person_facts(tuple(facts.terms), tuple(facts.concepts), voc))


@lru_cache(maxsize=256)
def _person_facts(
    terms: tuple[str, ...], concepts: tuple[tuple[str, str], ...], voc: Vocabulary | None
) -> tuple[Fact, ...]:
    out: list[Fact] = []
    rules = {r.label: r for r in term_rules()}
    for label in terms:
        if label in ("pregnancy", "breastfeeding"):
            out.append(Fact(key=label, words=label, kind=label))
            continue
        rule = rules[label]
        out.append(
            Fact(
                key=f"rule:{label}",
                words=label,
                kind="condition",
                patterns=rule.criteria,
                only=rule.only,
                people=rule.people,
            )
        )
    if voc is None:
        return tuple(out)
    for words, cid in concepts:
        concept = voc.concepts.get(cid)
        if concept is None or vocab_key(concept.label) in ("pregnancy", "breast feeding"):
            continue
        up = _broader_closure(voc, cid)
        depth = _broader_steps(voc, cid)
        down = [c.id for c in voc.narrower(cid)]
        said = next((r for r in rules.values() if any(p.search(words) for p in r.say)), None)
        out.append(
            Fact(
                key=f"concept:{cid}",
                words=words,
                kind="treatment" if concept.kind == "intervention" else "condition",
                people=said.people if said is not None else None,  # the rule's plain wording
                people_side=said.only if said is not None else None,
                concepts=frozenset(up),
                labels=frozenset(words_of(t) for c in up for t in voc.concepts[c].terms),
                narrower=frozenset(down) if len(down) <= _MAX_NARROWER else frozenset(),
                steps=tuple(depth.items()),
            )
        )
    return tuple(out)


_NUMERALS = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "type": ""}


@lru_cache(maxsize=65536)
def words_of(term: str) -> frozenset[str]:
    """A name as a set of words, numerals read alike: 'Diabetes Mellitus, Type 1' and 'Type I
    diabetes mellitus' (MeSH and HPO names of one thing) are the same set."""
    return frozenset(w for w in (_NUMERALS.get(t, t) for t in vocab_key(term).split()) if w)


def _vocabulary() -> Vocabulary | None:
    try:
        return load_vocabulary()
    except (OSError, ValueError):
        return None


def _broader_closure(voc: Vocabulary, cid: str, depth: int = 3) -> list[str]:
    """The concept and its broader ones up to ``depth`` steps ('warfarin' -> anticoagulants)."""
    out = [cid]
    frontier = [cid]
    for _ in range(depth):
        frontier = [p.id for c in frontier for p in voc.broader(c) if p.id not in out]
        out.extend(frontier)
    return out


_MAX_NARROWER = 12  # a broad word ('cancer') is not read as each of its many kinds


def _broader_steps(voc: Vocabulary, cid: str, depth: int = 3) -> dict[str, int]:
    """Each broader concept with its distance from ``cid`` (0 for ``cid`` itself)."""
    out = {cid: 0}
    frontier = [cid]
    for step in range(1, depth + 1):
        frontier = [p.id for c in frontier for p in voc.broader(c) if p.id not in out]
        out.update((c, step) for c in frontier)
    return out


def find(
    trial: Trial,
    facts: PersonFacts,
    vocab: Vocabulary | None = None,
    *,
    people: Sequence[Fact] | None = None,
) -> list[Finding]:
    """Every criterion that touches one of the person's facts, with its direction.

    ``people`` is ``person_facts(facts, vocab)`` when the caller already has it (a pre-screen
    reads one person against many trials)."""
    pairs = _paired(trial)
    voc = vocab if vocab is not None else _vocabulary()
    if people is None:
        people = person_facts(facts, voc)
    text = trial.source.text
    found: list[Finding] = []
    for top, crit in pairs:
        reading = _read(top, voc)  # once per criterion, then set against each fact
        for fact in people:
            if fact.only and top.kind != fact.only:
                continue
            hit = _match(text, top, fact, voc, reading)
            if hit is None:
                continue
            node, start, end, negated, exception, steps = hit
            if exception and fact.words in facts.lacking:
                continue  # 'excluding ... for detoxification' said to one who has had none
            if _CONSEQUENCE_OF().search(
                text[max(node.span.start, start - 30) : start]
            ) and _ITEM_NEGATED().search(text[node.span.start : start]):
                continue  # 'No AIDS-defining illness ... related to HIV': the illness, not HIV
            if (
                fact.kind == "condition"
                and _MEDICINE_FOR().search(text[node.span.start : start])
                and _ALLOWED_HEADING().match(_heading(text, top.span.start))
            ):
                continue  # 'Allowed: Medications for ... HIV infection': the medicine is allowed
            if _TIME_POINT().search(text[max(node.span.start, start - 60) : start]):
                continue  # 'within 8 weeks of immunization': the study's own event, a time point
            if (
                crit.kind == "inclusion"
                and facts.past
                and fact.kind in ("treatment", "procedure")
                and _PLANNED().search(text[node.span.start : start])
            ):
                continue  # 'must plan to have radiation': asks for what is to come, not what was
            if facts.stopped and _about_now(text, node, top) and crit.kind == "exclusion":
                continue  # 'I quit smoking': 'unwilling to refrain from tobacco' is not about them
            reaction = fact.kind == "treatment" and bool(
                _REACTION_TO().search(text[max(node.span.start, start - 40) : start])
            )
            if reaction and "an allergy" not in facts.terms:
                continue  # 'Contraindications to beta-blockers' is not about taking them
            finding = _finding(trial, crit, top, node, fact, start, end, negated, exception, facts)
            finding.steps = steps
            finding.reaction = reaction
            finding.every_kind = bool(
                _ANY_KIND().search(text[max(node.span.start, start - 30) : start])
            )
            found.append(finding)
    found.extend(_measure_findings(trial, pairs, facts))
    found.extend(_language_findings(trial, pairs, facts))
    groups = _groups(trial)
    for f in found:
        f.group = groups.get((f.criterion.kind, f.criterion.number))
        if f.group is not None:
            f.direction = "confirm"  # a criterion for one group is not applied to everyone
    # The term rules are the fallback: a fact the vocabulary read is matched by its concept
    # ('non-small cell lung cancer' meets the inclusion that asks for it, where the rule
    # 'another cancer' would meet every exclusion that says 'cancer'). A rule that names a
    # concept of its own ('drinking alcohol': Alcohol Drinking) is the fallback for that concept
    # alone: it stays when none of the typed findings is of words it reads ('I still drink and
    # haven't done detox': 'detox' is typed, the drinking is still the rule's). A rule that only
    # qualifies what is typed ('an allergy' to penicillin) goes with any typed finding.
    typed = [f for f in found if not f.fact.key.startswith("rule:")]
    if not typed:
        return _settle(found)
    own = {r.label: r.say for r in term_rules() if r.concept}
    untyped = [
        f
        for f in found
        if f.fact.words in own
        and f.fact.key.startswith("rule:")
        and not any(p.search(t.fact.words) for t in typed for p in own[f.fact.words])
    ]
    return _settle([*typed, *untyped])


# A term that only marks when something else is measured: 'Negative ELISA for HIV within 8 weeks
# of immunization', 'within 14 days after randomization', 'until their radiation course is
# complete'.
_TIME_POINT = lazy_pattern(
    r"\b(?:within|in the|no more than|less than)\s+(?:\w+\s+)?\w+\s+(?:days?|weeks?|months?|"
    r"hours?)\s+(?:of|before|after|prior to|following|preceding)\s+(?:the\s+)?(?:first\s+)?$|"
    r"\buntil\s+(?:the\s+|their\s+|his\s+|her\s+)?(?:end\s+of\s+(?:the\s+|their\s+)?)?$",
    re.I,
)


# An inclusion that asks for a treatment still to come: 'must plan to have external beam
# radiation', 'Intend to start antiretroviral therapy', 'Women who are starting HAART-based
# therapy', 'Due to receive actinomycin-D'.
_PLANNED = lazy_pattern(
    r"\b(?:plan(?:s|ned|ning)?\s+to|intend(?:s|ing)?\s+to|scheduled\s+(?:to|for)|(?:are|is)\s+"
    r"starting|about\s+to\s+(?:start|begin)|due\s+to\s+"
    r"(?:receive|have|undergo|start|begin)|candidates?\s+for|will\s+(?:receive|undergo|start|begin))"
    r"\b[^.;]{0,120}$",
    re.I,
)


# 'Any vaccination in the 4 weeks', 'any other vaccine': a class named with 'any' covers each of
# its kinds, so it stands beside a criterion that names the person's own kind.
_ANY_KIND = lazy_pattern(r"\b(?:any|all)\s+(?:(?:other|prior|previous|current|live)\s+)?$", re.I)


# A second limit written right after a marker's first: 'CD4 count > 50 and < 350 cells/mm3'.
_SECOND_LIMIT = lazy_pattern(
    r"\s*(?:and|but|to)\s*(<=?|≤|>=?|≥|less than|below|under|not more than|more than|"
    r"greater than|above|over|at least)\s*(\d+(?:\.\d+)?)",
    re.I,
)
_LIMIT_COMP: dict[str, Comparator] = {
    "<": "lt", "<=": "le", "≤": "le", "less than": "lt", "below": "lt", "under": "lt",
    "not more than": "le", ">": "gt", ">=": "ge", "≥": "ge", "more than": "gt",
    "greater than": "gt", "above": "gt", "over": "gt", "at least": "ge"}  # fmt: skip


def _limit_after(text: str, start: int, end: int) -> Quantity | None:
    """The limit a criterion sets on a marker said further on in its sentence: 'Left
    ventricular ejection fraction estimated by echocardiography ... is no more than 35%'."""
    stop = _SENTENCE_END().search(text, start, end)
    segment = text[start : min(stop.start() if stop else end, start + 200)]
    return next((f.quantity for f in quantities(segment) if f.quantity.comparator), None)


_RELATIVE_UNIT = lazy_pattern(r"\buln\b|upper limit|\btimes\b|^x\b|\bx\s", re.I)


# Units of weight, in kilograms: a weight given in pounds is set against a limit in kilograms.
_LB = 0.45359237
_KG_PER = {"kg": 1.0, "kgs": 1.0, "kilogram": 1.0, "kilograms": 1.0, "kilo": 1.0, "kilos": 1.0,
           "lb": _LB, "lbs": _LB, "pound": _LB, "pounds": _LB}  # fmt: skip


def _in_unit(value: float, unit: str | None, q: Quantity) -> tuple[float, str | None]:
    """The person's value in the limit's unit when both are units of weight ('320 pounds'
    against 'greater than 300 pounds', '4 kilograms' against '< 5 kg'); else as given."""
    have, want = (unit or "").lower(), (q.unit or "").lower()
    if have in _KG_PER and want in _KG_PER:
        return value * _KG_PER[have] / _KG_PER[want], q.unit
    return value, unit


def _comparable(value: float, unit: str | None, q: Quantity) -> bool:
    """Whether the person's number can be set against the limit: not a multiple of the normal
    range ('2 times the ULN'), the same unit when both give one, and, when the person gives none,
    the same order of magnitude ('my platelets are 150' is not 150 against 100,000/mm3)."""
    if q.unit and _RELATIVE_UNIT().search(q.unit):
        return False
    if unit and q.unit:
        return unit.lower() == q.unit.lower()
    return q.value == 0 or 0.05 <= value / q.value <= 20


def _paired(trial: Trial) -> list[tuple[ParsedCriterion, Criterion]]:
    """Each parsed top-level criterion with the trial's stored criterion of the same kind and
    number (the one an answer quotes); a parsed criterion with no stored twin is left out."""
    by_key = {(c.kind, c.number): c for c in trial.criteria}
    pairs = []
    for top in criteria_for(trial).criteria:
        crit = by_key.get((top.kind, top.number))
        if crit is not None:
            pairs.append((top, crit))
    return pairs


def _measure_findings(
    trial: Trial,
    pairs: Sequence[tuple[ParsedCriterion, Criterion]],
    facts: PersonFacts,
) -> list[Finding]:
    """A lab value or score the person gave ('my HbA1c is 14%') against each criterion that
    sets a limit on that marker ('HbA1c greater than 13%'), in the same unit or none."""
    if not facts.measures:
        return []
    text = trial.source.text
    out: list[Finding] = []
    for top, crit in pairs:
        for node in top.walk():
            for c in node.constraints:
                # A baby's weeks of gestation at birth ('born at 36 weeks') meet a criterion's
                # gestational age ('Gestational age of less than 34 weeks') as a measure.
                weeks = c.kind == "pregnancy" and c.concept == GESTATION
                scored = c.kind == "performance" and c.concept != "NYHA"  # 'ECOG 0 or 1'
                q = c.quantity if c.kind == "marker" or weeks or scored else None
                if c.kind == "marker" and q is None:
                    q = _limit_after(text, c.span.end, node.span.end)
                if q is None:
                    continue
                for name, said_value, said_unit, words in facts.measures:
                    value, unit = _in_unit(said_value, said_unit, q)
                    if c.concept != name or not _comparable(value, unit, q):
                        continue
                    limits = [q]
                    if m := _SECOND_LIMIT().match(text, c.span.end):
                        second = _LIMIT_COMP[m.group(1).lower()]
                        limits.append(Quantity(comparator=second, value=float(m.group(2))))
                    held = [lim.holds(value) for lim in limits]
                    if any(h is None for h in held):
                        continue
                    met = all(held) != c.negated
                    fact = Fact(key=f"measure:{name}", words=words, kind="measure")
                    span = _quote_span(text, top, node, c.span.start, c.span.end)
                    whose = "your" if facts.who == "you" else f"{facts.who}'s"
                    said = f"You said {whose} {words}"
                    finding = Finding(crit, fact, "takes", span, text[c.span.start : c.span.end])
                    if top.kind == "exclusion":
                        finding.rules_out = True
                        finding.direction = "does_not_take" if met else "allowed_if"
                        finding.note = f"{said}, which it {'rules out' if met else 'allows'}."
                    elif met:
                        finding.rules_out = False
                        finding.note = f"{said}, which is inside that range."
                    else:
                        failed = next(
                            lim.value for lim, h in zip(limits, held, strict=True) if not h
                        )
                        side = "above its upper" if value > failed else "below its lower"
                        finding.rules_out = False
                        finding.direction = "does_not_take"
                        finding.note = f"{said}, which is {side} limit."
                    out.append(finding)
    return out


# A language named as one the participant must speak, read or write: 'English speaking',
# 'unable to read/write English', 'fluent in Spanish', 'Spanish-language questionnaires'.
_LANGUAGE_CUE = lazy_pattern(
    r"\b(?:speak\w*|read\w*|writ\w*|understand\w*|fluen\w*|literate|literacy|language|"
    r"translat\w*|interpret\w*|communicat\w*)\b",
    re.I,
)
_LANG_RE = lazy_pattern(rf"\b(?:{'|'.join(LANGUAGES)})\b")
_UNABLE = lazy_pattern(
    r"\b(?:unable|inability|not able|cannot|can't|can not|non|does not|do not|don't|lack\w*|"
    r"illiterate|not (?:fluent|literate))\b[^.;]*$",
    re.I,
)


def _language_findings(
    trial: Trial,
    pairs: Sequence[tuple[ParsedCriterion, Criterion]],
    facts: PersonFacts,
) -> list[Finding]:
    """The languages the person said they speak (or do not) against a criterion that asks for
    one ('English speaking') or rules out those who cannot use it ('unable to read/write
    English'): not speaking it rules them out; speaking it is what the requirement asks."""
    if not facts.languages and not facts.not_languages:
        return []
    text = trial.source.text
    out: list[Finding] = []
    for top, crit in pairs:
        segment = text[top.span.start : top.span.end]
        for m in _LANG_RE().finditer(segment):
            lang = m.group(0).capitalize()
            s, e = top.span.start + m.start(), top.span.start + m.end()
            sentence = _sentence(text, top.span.start, top.span.end, s, e)
            if not _LANGUAGE_CUE().search(sentence) and not re.match(r"[- ]speaking", text[e:]):
                continue
            speaks = lang in facts.languages
            lacks = lang in facts.not_languages or (facts.only_languages and not speaks)
            if not (speaks or lacks):
                continue
            before = text[max(top.span.start, s - 60) : s]
            unable = bool(_UNABLE().search(before))
            asks = (top.kind == "inclusion") != unable  # 'English speaking' / 'unable to read'
            if not asks:
                continue
            who = "you" if facts.who == "you" else facts.who
            said = ", ".join(facts.languages) if facts.only_languages else None
            people = f"people who speak {lang}" if asks and not unable else None
            people = people or f"people with limited {lang}"
            fact = Fact(key=f"language:{lang}", words=lang, kind="language", people=people)
            span = _quote_span(text, top, _deepest(top, s, e), s, e)
            finding = Finding(crit, fact, "takes", span, text[s:e], rules_out=unable)
            if lacks:
                finding.direction = "does_not_take"
                heard = (
                    f"only speak{'s' if who != 'you' else ''} {said}"
                    if said
                    else (f"{'do' if who == 'you' else 'does'} not speak {lang}")
                )
                obj = "you" if who == "you" else "them"
                finding.note = f"You said {who} {heard}, so it rules {obj} out."
            out.append(finding)
            break  # one finding per criterion
    return out


# 'Patients may be eligible for Group 3b if they:', 'Cohort B:': a criterion that only
# introduces the items listed for one group of the trial.
_GROUP_HEADING = lazy_pattern(
    r"\b(?:group|cohort|arm|stratum|part)\s+(?:[A-Z0-9]{1,3}[a-z]?|[a-z])\b[^.;:]{0,60}:\s*$", re.I
)


def _groups(trial: Trial) -> dict[tuple[str, int], str]:
    """Each criterion listed under a group heading, with that heading (up to the next heading
    of its side): what it asks is asked of that group, not of everyone. The heading is the
    criterion's own group (the splitter reads 'Patients may be eligible for Group 2 if they:'
    as a heading), or a criterion before it that only introduces a group's items."""
    out: dict[tuple[str, int], str] = {}
    heading: dict[str, str | None] = {}
    text = trial.source.text
    for crit in sorted(trial.criteria, key=lambda c: (c.kind, c.number)):
        words = " ".join(text[sp.start : sp.end] for sp in crit.spans).strip()
        own = crit.group.split(": ")[-1] if crit.group else ""  # the innermost heading
        if _GROUP_HEADING().search(words):
            heading[crit.kind] = words.rstrip(": ")
        elif own and _GROUP_HEADING().search(own + ":"):
            out[(crit.kind, crit.number)] = own
        elif heading.get(crit.kind):
            out[(crit.kind, crit.number)] = heading[crit.kind] or ""
    return out


Piece = tuple[ParsedCriterion, Constraint, bool, bool]  # node, constraint, carve-out, birth control
_NAMED_KINDS = ("condition", "treatment", "procedure")  # the constraints a concept can meet


@dataclass(frozen=True)
class _Reading:
    """One criterion read once for all the person's facts: its constraints in reading order
    (with whether each is a carve-out and whether its item is about birth control), and every
    kind, concept id and name they carry, so a fact none of them names is passed at once."""

    pieces: tuple[Piece, ...]
    kinds: frozenset[str]
    ids: frozenset[str]
    names: frozenset[frozenset[str]]

    def may_meet(self, fact: Fact) -> bool:
        """False only when no constraint can meet the fact (``_meets`` is None for each)."""
        if fact.kind in ("pregnancy", "breastfeeding"):
            return fact.kind in self.kinds
        return not (
            self.ids.isdisjoint(fact.concepts)
            and self.ids.isdisjoint(fact.narrower)
            and self.names.isdisjoint(fact.labels)
        )


def _read(top: ParsedCriterion, voc: Vocabulary | None) -> _Reading:
    pieces: list[Piece] = []
    ids: set[str] = set()
    names: set[frozenset[str]] = set()
    for node in top.walk():
        birth_control = any(c.kind == "contraception" for c in node.constraints)
        pieces.extend((node, c, False, birth_control) for c in node.constraints)
        pieces.extend((node, c, True, birth_control) for c in node.exceptions)
    for _, c, _, _ in pieces:
        if c.kind in _NAMED_KINDS:
            got_ids, got_names = _named(c.concept, c.label, c.text, voc)
            ids.update(got_ids)
            names.update(got_names)
    kinds = frozenset(c.kind for _, c, _, _ in pieces)
    return _Reading(tuple(pieces), kinds, frozenset(ids), frozenset(names))


def _match(
    text: str,
    top: ParsedCriterion,
    fact: Fact,
    voc: Vocabulary | None,
    reading: _Reading | None = None,
) -> tuple[ParsedCriterion, int, int, bool, bool, int] | None:
    """The node, the matched range, whether it is negated, whether it is a carve-out, and how
    much broader the criterion's term is than the person's. The most specific match wins."""
    best: tuple[ParsedCriterion, int, int, bool, bool, int] | None = None
    reading = reading if reading is not None else _read(top, voc)
    pieces = reading.pieces if reading.may_meet(fact) else ()
    for node, constraint, exception, birth_control in pieces:
        steps = _meets(constraint, fact, voc)
        if steps is not None:
            s, e = constraint.span.start, constraint.span.end
            negated = constraint.negated or _negative(text, s, e)
            if (
                birth_control
                and fact.kind in ("pregnancy", "breastfeeding")
                and not negated
                and _pregnancy_as_purpose(text, node, constraint)
            ):
                continue  # 'must use contraception to avoid pregnancy' asks for no pregnancy
            # The person's own thing named twice, once in a carve-out: the carve-out decides
            # ('anticoagulant medication other than aspirin ... Patients on aspirin should
            # discontinue it'); a class of it named in both ('cancer ... other malignancies
            # treated 10 years ago') is read where it stands outside.
            own = exception and steps == 0
            if best is None or (steps, not own) < (best[5], not (best[4] and best[5] == 0)):
                best = (node, s, e, negated, exception, steps)
    if best is not None:
        return best
    if voc is not None and fact.concepts:
        # Words the parser left untyped ('Benzodiazepines.', 'donated blood') still name
        # concepts: read the criterion with the vocabulary itself.
        depth = dict(fact.steps)
        for mention in _mentions(text[top.span.start : top.span.end], voc):
            cid = mention.concept.id
            if cid not in fact.concepts and cid not in fact.narrower:
                continue
            s, e = top.span.start + mention.start, top.span.start + mention.end
            node = _deepest(top, s, e)
            exception = any(x.start <= s < x.end for x in node.exception_spans)
            return node, s, e, _negated(text, node, s, e), exception, depth.get(cid, 0)
    if fact.patterns:
        segment = text[top.span.start : top.span.end]
        for pattern in fact.patterns:
            m = pattern.search(segment)
            if m is not None:
                s, e = top.span.start + m.start(), top.span.start + m.end()
                node = _deepest(top, s, e)
                exception = any(x.start <= s < x.end for x in node.exception_spans)
                return node, s, e, _negated(text, node, s, e), exception, 0
    return None


# A treatment named as what one reacts to: 'contraindications to beta-blockers', 'known
# hypersensitivity to bupivacaine'. Said of someone who takes it, it is not about them.
_REACTION_TO = lazy_pattern(
    r"\b(?:contraindications?|contra-indications?|hypersensitiv\w*|allerg\w*|intoleran\w*|"
    r"(?:adverse |serious )?reactions?)\s+(?:to|of|with|for)\s+(?:\w+\s+){0,3}$",
    re.I,
)


# A condition named as what an allowed medicine is for: 'Allowed: Medications as required for
# obstetrical management of HIV infection' allows the medicines, and says nothing of having HIV.
_MEDICINE_FOR = lazy_pattern(
    r"\b(?:medications?|medicines?|drugs?|treatments?|therapy|prophylaxis)\b[^.;:]{0,60}"
    r"\b(?:for|of)\b[^.;:]{0,40}$",
    re.I,
)


# What an item names as the cause of what it is about: 'No systemic manifestations related to
# HIV' rules out the manifestations and says nothing against having HIV; 'blindness secondary
# to degenerative CNS diseases' is about the blindness.
_CONSEQUENCE_OF = lazy_pattern(
    r"\b(?:related to|due to|secondary to|caused by|associated with|attributable to|"
    r"because of)\s+(?:the\s+|an?\s+)?$",
    re.I,
)
# An item that rules something out ('No AIDS-defining illness ... related to HIV'): its cause is
# not what it rules out. One that names the illness with its cause ('infection due to HIV') is
# about the cause too, so the cause is skipped only in a negated item.
_ITEM_NEGATED = lazy_pattern(r"\b(?:no|not|without|never|free of|absence of)\b[^.;:]*$", re.I)


# What someone does now or during the trial, not what they once did: 'current smokers',
# 'unwilling to refrain from the use of tobacco during the trial'. A time window ('within the 6
# months prior') makes it about the past too.
_NOW = lazy_pattern(
    r"\b(?:current(?:ly)?|unwilling to (?:refrain|abstain|stop)|(?:refrain|abstain) from|"
    r"during the (?:trial|study)|ongoing|active (?:smok|drink|us))",
    re.I,
)


def _about_now(text: str, node: ParsedCriterion, top: ParsedCriterion) -> bool:
    words = text[node.span.start : node.span.end]
    return bool(_NOW().search(words)) and not (
        _WINDOW_RE().search(words) or _RECENT_WINDOW().search(words) or _window(text, node, top)
    )


_POTENTIAL = lazy_pattern(
    r"\b(?:becom\w*|get(?:ting)?|avoid\w*|prevent\w*|risk of|chance of|possibility of|"
    r"capable of|able to|father\w*|potential(?: for| of)?)\s+(?:a\s+)?$",
    re.I,
)


def _pregnancy_as_purpose(text: str, node: ParsedCriterion, c: Constraint) -> bool:
    """In a birth-control item, whether the pregnancy word is what the birth control is for
    ('must use contraception to avoid pregnancy', 'could become pregnant'), not a state the
    item names beside it ('pregnant, nursing or not using birth control' rules pregnancy out)."""
    control = [k.span.start for k in node.constraints if k.kind == "contraception"]
    if control and min(control) < c.span.start:
        return True
    return bool(_POTENTIAL().search(text[max(node.span.start, c.span.start - 30) : c.span.start]))


def _meets(constraint: Constraint, fact: Fact, voc: Vocabulary | None) -> int | None:
    """None when the constraint is not about the fact; else how many steps broader its term
    is than the person's (0: the same thing, or a kind of it: 'major depression' for
    'depression')."""
    if fact.kind in ("pregnancy", "breastfeeding"):
        return 0 if constraint.kind == fact.kind else None
    if constraint.kind not in _NAMED_KINDS:
        return None
    ids, names = _named(constraint.concept, constraint.label, constraint.text, voc)
    for cid in ids:
        if cid in fact.concepts:
            return dict(fact.steps).get(cid, 0)
        if cid in fact.narrower:
            return 0
    if not names.isdisjoint(fact.labels):
        return 0
    return None


@lru_cache(maxsize=16384)
def _named(
    concept_id: str | None, label: str | None, text: str, voc: Vocabulary | None
) -> tuple[tuple[str, ...], frozenset[frozenset[str]]]:
    """The concept ids a constraint names and the word sets of all its names. It depends on
    the constraint's own words only, so it is read once per wording, not once per fact."""
    ids = [concept_id] if concept_id else []
    names = {words_of(x) for x in (label, text) if x}
    if voc is not None:
        concept = voc.concepts.get(concept_id or "") or voc.lookup(text)
        if concept is not None:
            ids.append(concept.id)
            names |= {words_of(t) for t in concept.terms}
    return tuple(ids), frozenset(names)


@lru_cache(maxsize=8192)
def _mentions(segment: str, voc: Vocabulary) -> tuple[Mention, ...]:
    """The vocabulary's mentions in a criterion's text, read once per text, not per fact."""
    return tuple(voc.find(segment))


def clear_caches() -> None:
    """Empty the matcher's caches (a benchmark's cold runs; a test of cold against warm)."""
    for cached in (_person_facts, words_of, _named, _mentions):
        cached.cache_clear()


def _deepest(top: ParsedCriterion, s: int, e: int) -> ParsedCriterion:
    best = top
    for node in top.walk():
        inside = node.span.start <= s and e <= node.span.end
        if inside and node.span.end - node.span.start <= best.span.end - best.span.start:
            best = node
    return best


def _negative(text: str, s: int, e: int) -> bool:
    """'HIV negative', 'HIV-seronegative', 'negative serology for HIV'."""
    return bool(_NEGATIVE_AFTER().search(text[e : e + 20])) or bool(
        _NEGATIVE_BEFORE().search(text[max(0, s - 40) : s])
    )


def _negated(text: str, node: ParsedCriterion, s: int, e: int) -> bool:
    before = text[max(node.span.start, s - 50) : s]
    return bool(_NEG_CUE().search(before)) or _negative(text, s, e)


# Between a match and a window later in its list, a new element with its own time word: in
# 'dementia, seizure disorder, current substance abuse ..., active within the last 3 months' the
# window is the substance abuse's, not the seizure disorder's.
_OWN_ELEMENT = lazy_pattern(r",\s*(?:and\s+|or\s+)?(?:current(?:ly)?|ongoing|recent)\b", re.I)


def _window(
    text: str, node: ParsedCriterion, top: ParsedCriterion, after: int | None = None
) -> tuple[TimeWindow, str] | None:
    """The time window of the node holding the match (else of the whole criterion); with
    ``after`` (the match's end), not one that a later element of its list has for its own."""
    for where in (node, top):
        for c in (*where.constraints, *(k for n in where.walk() for k in n.constraints)):
            if (
                after is not None
                and c.span.start > after
                and _OWN_ELEMENT().search(text[after : c.span.start])
            ):
                continue
            after_text = text[c.span.end : c.span.end + 30]
            if c.kind == "time_window" and _ABOUT_A_TEST().search(f"{c.text} {after_text}"):
                continue  # 'within 3 months of screening': when a test was done, not the event
            if c.kind == "time_window" and c.window is not None:
                return c.window, _amount_words(c.text)
        # 'History of cancer with the following exceptions: ... other malignancies treated at
        # least 10 years ago': a carve-out of the long-ago cases is the exclusion's own window.
        for c in (k for n in where.walk() for k in n.exceptions):
            if c.kind == "time_window" and c.window is not None and _long_ago(text, c):
                within = c.window.model_copy(update={"relation": "within"})
                return within, _amount_words(c.text)
        segment = text[where.span.start : where.span.end]
        m = _WINDOW_RE().search(segment) or _RECENT_WINDOW().search(segment)
        if (
            m is not None
            and after is not None
            and where.span.start + m.start() > after
            and _OWN_ELEMENT().search(text[after : where.span.start + m.start()])
        ):
            m = None
        if m is not None and not _ABOUT_A_TEST().search(
            text[where.span.start + m.start() : where.span.start + m.end() + 30]
        ):
            unit = m.group("unit").lower().rstrip("s")
            n = m.group("n")
            amount = float(_WORDS.get(n.lower(), n)) if n else 1.0
            window = TimeWindow(relation="within", amount=amount, unit=unit)  # type: ignore[arg-type]
            return window, (f"{n} {m.group('unit')}" if n else f"a {unit}")
    # 'Prior Medication: / Excluded within 2 weeks of study entry: / - Ribavirin.': the heading
    # a list stands under gives its items their window.
    heading = _heading(text, top.span.start)
    if _WINDOW_HEADING().match(heading) and (m := _WINDOW_RE().search(heading)) and m.group("n"):
        n, unit = m.group("n"), m.group("unit").lower().rstrip("s")
        window = TimeWindow(relation="within", amount=float(_WORDS.get(n.lower(), n)), unit=unit)  # type: ignore[arg-type]
        return window, f"{n} {m.group('unit')}"
    return None


# A carve-out for what was dealt with: treated, removed, cured, long past.
_TREATED_WORDS = lazy_pattern(
    r"\b(?:treated|treatment|cured?|removed|excis\w+|resect\w+|in remission|resolved|healed|"
    r"remote)\b",
    re.I,
)


def _treated_carve_out(text: str, node: ParsedCriterion) -> bool:
    """Whether the item makes an exception for a treated, removed or cured case ('unless
    successfully treated', 'eligible if ... treated', 'except if it has been removed')."""
    return any(_TREATED_WORDS().search(text[x.start : x.end]) for x in node.exception_spans)


_WINDOW_HEADING = lazy_pattern(r"(?:excluded|not allowed|prohibited)\b[^:\n]*:\s*$", re.I)


_AT_LEAST_BEFORE = lazy_pattern(
    r"(?:\bat\s+least|\bmore\s+than|\bover|\bgreater\s+than|>=?|≥)\s*$", re.I
)


def _long_ago(text: str, c: Constraint) -> bool:
    """A carve-out of what was long ago: 'treated at least 10 years ago', '> 5 years since'."""
    if c.window is not None and c.window.relation in ("more_than_ago", "since_at_least"):
        return True
    before = text[max(0, c.span.start - 15) : c.span.start]
    return c.text.rstrip().endswith("ago") and bool(_AT_LEAST_BEFORE().search(before))


_AMOUNT = lazy_pattern(
    r"(?:\d+(?:\.\d+)?|\b(?:" + "|".join(_WORDS) + r")\b)(?:\s*(?:-|to)\s*\d+)?\s*\w+", re.I
)


def _amount_words(text: str) -> str:
    """'within six months' -> 'six months' (the source's own number and unit)."""
    m = _AMOUNT().search(text)
    return m.group(0) if m else text


def _finding(
    trial: Trial,
    crit: Criterion,
    top: ParsedCriterion,
    node: ParsedCriterion,
    fact: Fact,
    s: int,
    e: int,
    negated: bool,
    exception: bool,
    facts: PersonFacts,
) -> Finding:
    text = trial.source.text
    span = _quote_span(text, top, node, s, e)
    # A negated requirement rules the thing out on either side: 'must not have undergone
    # splenectomy', 'must be HIV negative' (registries file these under exclusions too).
    rules_out = negated or crit.kind == "exclusion"
    found = Finding(crit, fact, "does_not_take", span, text[s:e], rules_out=rules_out)
    if not negated and (
        _PERMITS().search(_sentence(text, node.span.start, node.span.end, s, e))
        or _ALLOWED_HEADING().match(_heading(text, top.span.start))
    ):
        # 'Participants may have diabetes ... will not be cause for exclusion': allowed.
        found.direction, found.rules_out, found.allows = "allowed_if", False, True
        return found
    if fact.words in facts.lacking:
        # 'I've never had chemotherapy' against 'Failed at least one prior chemotherapy': a
        # requirement they do not meet; an exclusion of it does not touch them, and neither do
        # its carve-outs ('excluding ... benzodiazepines for detoxification'), so this comes first.
        if fact.kind in ("pregnancy", "breastfeeding"):  # a state: 'you are not'
            said = "You said you are not" if facts.who == "you" else f"You said {facts.who} is not"
        else:
            who = "you have" if facts.who == "you" else f"{facts.who} has"
            said = f"You said {who} not had it"
        if rules_out:
            found.direction = "allowed_if"
            found.note = f"{said}, which this criterion allows."
        else:
            found.direction = "does_not_take"
            obj = "you" if facts.who == "you" else "them"
            found.note = f"{said}, and this criterion asks for it, so it rules {obj} out."
        return found
    if exception:
        found.direction, found.exception = "allowed_if", True
        return found
    if rules_out and facts.treated and fact.kind == "condition" and _treated_carve_out(text, node):
        # 'Active syphilis (eligible if ... remote, i.e., > 6 months treated, infection)', 'a
        # history of cancer, except if it has been removed with surgery': said to be treated,
        # the person is what the carve-out allows, on the terms it states.
        found.direction, found.exception = "allowed_if", True
        found.note = "You said it was treated, and this criterion makes an exception for that."
        return found
    if fact.kind == "pregnancy" and facts.gestation_weeks is not None:
        named = _stage(node, top, facts.gestation_weeks)
        if named is not None:
            return _staged(found, named, facts, crit.kind == "inclusion" and not negated)
    timed = _window(text, node, top, after=e)
    days = None if facts.years_since is None else facts.years_since * 365.25
    since = facts.since_text
    if days is None and facts.current and fact.kind == "treatment":
        days, since = 0.0, "you take it now"  # 'I take rosiglitazone': within any window
    if timed is not None:
        found.window, found.window_words = timed
    window = found.window
    past = facts.stopped or (facts.years_since is not None and facts.years_since > 0)
    if (
        rules_out
        and window is None
        and fact.kind == "treatment"
        and past
        and not facts.current
        and _under_concurrent(text, top.span.start)
    ):
        # 'My son took ribavirin 6 months ago' against 'Concurrent Medication: Excluded:
        # Ribavirin': the list is about what is taken during the study.
        found.direction = "allowed_if"
        found.note = (
            f"You said {since or 'it was before'}; this list is about what is taken during "
            "the study, so it allows what was taken before."
        )
        return found
    if (
        rules_out
        and window is not None
        and window.relation in ("since_at_least", "more_than_ago")
        and days is not None
    ):
        # 'More than 18 months post-stroke' ruled out: a stroke longer ago than that is what
        # it rules out, a more recent one is not.
        limit = window.days
        obj = "you" if facts.who == "you" else "them"
        if days >= limit:
            found.note = f"You said {since}, which is more than that, so it rules {obj} out."
        else:
            found.direction = "allowed_if"
            found.note = f"You said {since}, which is more recent than that, so it allows it."
        return found
    if rules_out:
        if window is None or window.relation not in ("within", "before"):
            found.window = found.window_words = None  # a window that is no time limit on it
            return found
        found.window = window.model_copy(update={"relation": "within"})
        limit = window.model_copy(update={"amount": window.upper or window.amount}).days
        if days is None:
            found.direction = "allowed_if"
        elif days <= limit:
            found.note = f"You said {since}, which is within that time."
        else:
            found.direction = "allowed_if"
            found.note = f"You said {since}, which is longer ago than that."
        return found
    found.direction = "takes"
    if window is not None and days is not None:
        limit = window.days
        if window.relation in ("since_at_least", "for_at_least", "more_than_ago", "after"):
            if days < limit:
                found.direction = "does_not_take"
                found.note = f"You said {since}, which is less than that."
        elif window.relation == "within" and days > limit:
            found.direction = "does_not_take"
            found.note = f"You said {since}, which is outside that time."
    return found


def _stage(node: ParsedCriterion, top: ParsedCriterion, weeks: float) -> bool | None:
    """Whether ``weeks`` of pregnancy meet the gestational limits of the item holding the
    match (else of the whole criterion): '18-23 weeks of gestation', 'at least 26 weeks but not
    more than 36 weeks' (all must hold), 'less than 18 weeks or over 23 weeks' (either one
    names the time). None when it states no weeks."""
    for where in (node, top):
        limits = [
            c.quantity
            for n in where.walk()
            for c in (*n.constraints, *n.exceptions)
            if c.kind == "pregnancy" and c.concept == GESTATION and c.quantity is not None
        ]
        if not limits:
            continue
        met = [_within_limit(q, weeks) for q in limits]
        either = where.logic == "any_of" or (
            len(limits) > 1 and all(q.comparator in ("lt", "gt") for q in limits)
        )
        return any(met) if either else all(met)
    return None


def _within_limit(q: Quantity, weeks: float) -> bool:
    per = WEEKS_PER.get(time_unit(q.unit) or "week", 1.0)
    upper = None if q.upper is None else q.upper * per
    scaled = Quantity(comparator=q.comparator, value=q.value * per, upper=upper)
    held = None if q.comparator == "eq" else scaled.holds(weeks)
    return abs(weeks - scaled.value) < 1 if held is None else held


def _staged(found: Finding, named: bool, facts: PersonFacts, asks: bool) -> Finding:
    """A pregnancy criterion with weeks set against the person's weeks: a requirement they are
    outside of, or an exclusion whose weeks they are at, does not take them."""
    said = f"You said {facts.gestation_text} pregnant"
    found.stage = named
    if asks:
        found.direction = "takes" if named else "does_not_take"
        found.note = f"{said}, which is {'inside that range' if named else 'outside that time'}."
    elif named:
        found.note = f"{said}, which is within that time."
    else:
        found.direction = "allowed_if"
        found.note = f"{said}, which is not one of the times it names."
    return found


_SENTENCE_END = lazy_pattern(r"[.;](?:\s|$)")


def _sentence(text: str, lo: int, hi: int, s: int, e: int) -> str:
    """The sentence of ``text[lo:hi]`` that holds ``text[s:e]``: what it allows is said there
    ('Autoimmune diseases. Vitiligo is allowed.' allows vitiligo, not the rest)."""
    start = max((m.end() for m in _SENTENCE_END().finditer(text, lo, s)), default=lo)
    m = _SENTENCE_END().search(text, e, hi)
    return text[start : m.start() if m else hi]


# 'Chemotherapy: ' in 'Biologic therapy: No prior immunotherapy Chemotherapy: No prior ...':
# a heading of one to three words that opens one part of a criterion written as labelled parts.
_PART_HEADING = lazy_pattern(r"\b[A-Z][a-z]+(?: [a-z]+){0,2}:\s")


def _quote_span(
    text: str,
    top: ParsedCriterion,
    node: ParsedCriterion,
    s: int | None = None,
    e: int | None = None,
) -> Span:
    """The whole criterion; when it is long, the whole nested item holding the match; when it
    is written as labelled parts ('Chemotherapy: No prior irinotecan Radiotherapy: ...'), the
    part holding the match, heading and all."""
    if len(text[top.span.start : top.span.end].split()) <= _MAX_QUOTE_WORDS or node is top:
        span = top.span
    else:
        span = node.span
    if s is None or e is None:
        return span
    heads = [m.start() for m in _PART_HEADING().finditer(text, span.start, span.end)]
    lo = max((h for h in heads if h <= s), default=None)
    if len(heads) < 2 or lo is None:
        return span
    hi = min((h for h in heads if h >= e), default=span.end)
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return Span(start=lo, end=hi)


_RANK = {"does_not_take": 0, "allowed_if": 1, "takes": 2, "confirm": 3}


def _settle(found: list[Finding]) -> list[Finding]:
    """One finding per criterion and fact; a fact an inclusion asks for turns its exclusions
    into things to confirm (a trial for pregnant women that rules out 'multiple pregnancy' has
    not ruled out pregnancy); most restrictive first, in criterion order."""
    fewest: dict[str, int] = {}
    for f in found:
        fewest[f.fact.key] = min(f.steps, fewest.get(f.fact.key, f.steps))
    # A criterion that names the person's own condition outranks one that only names a broad
    # class of it ('small cell lung cancer' over 'tumor'); only the most specific are kept.
    found = [f for f in found if f.steps <= fewest[f.fact.key] or f.every_kind]
    # An inclusion asks for the fact even when the person's own weeks of pregnancy fall outside
    # the ones it asks for: the exclusions of other kinds of pregnancy are still cases to confirm.
    asked = {
        f.fact.key
        for f in found
        if f.criterion.kind == "inclusion"
        and (f.direction == "takes" or (f.stage is not None and not f.rules_out))
    }
    # Weeks of pregnancy already compared with an inclusion's: an exclusion of the other weeks
    # that the person is not at adds nothing ('18-23 weeks' and 'less than 18 or over 23').
    staged = {f.fact.key for f in found if f.criterion.kind == "inclusion" and f.stage is not None}
    out: list[Finding] = []
    seen: set[tuple[str, int, str]] = set()
    for f in found:
        key = (f.criterion.kind, f.criterion.number, f.fact.key)
        if key in seen or (f.criterion.kind == "exclusion" and f.stage is False
                           and f.fact.key in staged):  # fmt: skip
            continue
        seen.add(key)
        if (
            f.fact.key in asked
            and f.criterion.kind == "exclusion"
            and f.direction != "takes"
            and f.stage is None  # compared with the person's own weeks: a verdict, not a case
        ):
            f.direction = "confirm"
        out.append(f)
    order = {("inclusion", 0): 0}
    return sorted(
        out,
        key=lambda f: (_RANK[f.direction], f.criterion.kind != "exclusion",
                       order.get((f.criterion.kind, 0), 1), f.criterion.number),
    )  # fmt: skip
