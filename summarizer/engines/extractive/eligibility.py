"""Questions about oneself: compare what the person said with the trial's criteria, quoting them.

The answer never decides: per criterion that touches what the person said (``self_match``) it
says which way it points ("does not take", "allows ... only if", "takes"), quoting the whole
criterion; it compares numbers where the criterion has them (age limits from the fields and the
criteria, time windows), says "the record does not say" when nothing matches, and names the
criteria to confirm with the study team. A comparison with the person's own numbers rests on the
cited statement it compares with (``depends_on``), so it goes when that statement goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.criteria import criteria_for
from summarizer.criteria.detect import time_unit
from summarizer.engines.common import citation, citations, guidance
from summarizer.engines.extractive import select
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.plain_words import clean
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.self_facts import PersonFacts
from summarizer.engines.extractive.self_match import Finding, find
from summarizer.models import COMPARISON, GUIDANCE, Citation, Criterion, Span, Statement, Trial

# Who decides, said so that no reading of it promises a place ("you can join" never appears).
_DECIDES = "only they decide who takes part."
_MAX_SHOWN = 4  # criteria quoted in one answer
_BARE_LIMIT_WORDS = 6  # 'Age range 40-80 years': a criterion no longer than this only restates
_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
}


def _label(c: Criterion) -> str:
    return f"{c.kind} criterion {c.number}"


def _quote(trial: Trial, span: Span) -> str:
    """The whole criterion (or nested item) as a reader sees it: never cut mid-clause."""
    return clean(trial.source.text[span.start : span.end]).rstrip(".")


@dataclass(frozen=True)
class AgeBound:
    """One age limit: from the age fields or from a criterion, with where it was read."""

    years: float
    upper: bool  # True: an upper limit (the person must not be older)
    strict: bool  # True: the limit itself is outside ('less than 70')
    criterion: Criterion | None  # None: the trial's age fields
    span: Span | None = None

    def breaks(self, age: float) -> bool:
        if self.upper:
            return age >= self.years if self.strict else age > self.years
        return age <= self.years if self.strict else age < self.years


def age_bounds(trial: Trial) -> list[AgeBound]:
    """The age fields' limits, then every age limit the criteria state (an exclusion's 'more
    than 90 years of age' is an upper limit of 90); gestational ages are not the person's."""
    out: list[AgeBound] = []
    if trial.min_age is not None and trial.min_age.years is not None:
        out.append(AgeBound(trial.min_age.years, upper=False, strict=False, criterion=None))
    if trial.max_age is not None and trial.max_age.years is not None:
        out.append(AgeBound(trial.max_age.years, upper=True, strict=False, criterion=None))
    by_key = {(c.kind, c.number): c for c in trial.criteria}
    text = trial.source.text
    for top in criteria_for(trial).criteria:
        crit = by_key.get((top.kind, top.number))
        if crit is None:
            continue
        for node in top.walk():
            for c in node.constraints:
                q = c.quantity
                around = text[max(0, c.span.start - 40) : c.span.end + 20].lower()
                if q is None or "gestation" in around or "pregnan" in around:
                    continue
                if _CONDITIONAL.search(text[max(0, c.span.start - 25) : c.span.start]):
                    continue  # 'if less than 15 months old, born to ...': a case, not a limit
                of_age = _OF_AGE.match(text, c.span.end) if c.kind == "time_window" else None
                if of_age is not None:
                    # '18 years of age or over' read as a span of time: it is an age.
                    comp = q.comparator or _AFTER_COMP.get(of_age.group("comp") or "")
                    q = q.model_copy(update={"comparator": comp})
                elif c.kind != "age":
                    continue
                unit = time_unit(q.unit) or "year"
                per = _UNIT_YEARS.get(unit)
                if per is None:
                    continue
                flip = (top.kind == "exclusion") != c.negated  # it says who is ruled out
                for years, upper, strict in _limits(q.comparator, q.value, q.upper, per):
                    if flip:  # 'over 65' ruled out: 65 is the upper limit, itself allowed
                        upper, strict = not upper, not strict
                    out.append(AgeBound(years, upper, strict, crit, node.span))
    return out


# An age that opens a case of the criterion rather than limiting it: 'or if less than 15 months
# old, born to mother with HIV', 'consent of parent or guardian if under 18'.
_CONDITIONAL = re.compile(r"\b(?:if|when|unless|whether)\s+(?:aged?\s+|they are\s+)?$", re.I)
_OF_AGE = re.compile(
    r"\s*(?:of\s+)?(?:age|old)\b"
    r"(?:\s*(?:,|and|or)\s*(?P<comp>over|older|above|under|younger|below|less|more)\b)?",
    re.I,
)
_AFTER_COMP = {"over": "ge", "older": "ge", "above": "ge", "more": "ge",
               "under": "le", "younger": "le", "below": "le", "less": "le"}  # fmt: skip


def _limits(comp: str | None, value: float, upper: float | None, per: float):
    if comp == "range" and upper is not None:
        return [(value * per, False, False), (upper * per, True, False)]
    return {
        "ge": [(value * per, False, False)],
        "gt": [(value * per, False, True)],
        "le": [(value * per, True, False)],
        "lt": [(value * per, True, True)],
    }.get(comp or "", [])


def age_statements(trial: Trial, facts: PersonFacts) -> list[Statement]:
    """The stated age against every age limit, fields first, then the criteria that state one.

    The verdict uses the asker's own numbers, which no document holds: it is a separate
    statement resting on the cited limit it compares with, and goes if that one goes."""
    age = facts.age_years
    if age is None:
        return []
    said = _age_said(facts)
    bounds = age_bounds(trial)
    if not bounds:
        return []
    out: list[Statement] = []
    fields = [a for a in (trial.min_age, trial.max_age) if a is not None and a.years is not None]
    if fields:
        words = age_range_words(trial) or _limit_words(
            trial.min_age.years if trial.min_age else None,
            trial.max_age.years if trial.max_age else None,
        )
        cites = citations(trial, [s for a in fields for s in a.spans], "eligibility")
        out.append(
            Statement(
                text=f"This trial takes people {words}.",
                citations=cites,
                fields=["min_age", "max_age"],
                key="age:fields",
            )
        )
    broken = [b for b in bounds if b.breaks(age)]
    # A criterion that says more than the limit ('at least 13 years old (consent of parent or
    # guardian required if under 18)') is quoted even when the age fields state the limit.
    named = (
        broken
        or [
            b
            for b in bounds
            if b.criterion is not None
            and (not fields or (b.span and len(_quote(trial, b.span).split()) > _BARE_LIMIT_WORDS))
        ][:1]
    )
    for bound in named:
        if bound.criterion is None or bound.span is None:
            continue
        key = f"age:{bound.criterion.kind}{bound.criterion.number}"
        if any(st.key == key for st in out):
            continue
        ref = _label(bound.criterion)
        out.append(
            Statement(
                text=f'{ref.capitalize()} says: "{_quote(trial, bound.span)}".',
                citations=[citation(trial, bound.span, bound.criterion.kind)],
                fields=[f"{bound.criterion.kind}_criteria"],
                key=key,
            )
        )
    if broken:
        first = broken[0]
        side = "above its upper" if first.upper else "below its lower"
        where = "" if first.criterion is None else f" ({_label(first.criterion)})"
        key = (
            "age:fields"
            if first.criterion is None
            else (f"age:{first.criterion.kind}{first.criterion.number}")
        )
        verdict = f"So {said} is {side} age limit{where}."
    else:
        key = next((st.key for st in out if st.key), "age:fields")
        verdict = f"So {said} is inside that range."
    at = next((i for i, st in enumerate(out) if st.key == key), None)
    if at is None:
        return out
    # Said right after the limit it rests on: a criterion quoted after the fields is not it.
    out.insert(at + 1, Statement(text=verdict, fields=[COMPARISON], depends_on=[key]))
    return out


def _age_said(facts: PersonFacts) -> str:
    age = facts.age_years or 0
    days = round(age * 365.25)
    if 0 < age < 2 and round(age * 12) >= 1:
        months = round(age * 12)
        value = f"{months} month{'s' if months != 1 else ''}"
    elif 0 < age < 1 / 24 and days >= 2:  # a newborn's age is said in days ('3 days')
        value = f"{days} days"
    elif 0 < age < 1 / 24:  # or in hours
        hours = round(age * 365.25 * 24)
        value = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        value = f"{age:g}"
    return f"an age of {value}" if facts.who == "you" else f"{facts.who} at {value}"


def _limit_words(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"aged {lo:g} to {hi:g} years"
    if lo is not None:
        return f"older than {lo:g} years" if lo >= 1 else f"older than {round(lo * 12)} months"
    return f"up to {hi:g} years"


# Treatments one has had rather than takes: operations, transplants, radiation.
_PROCEDURE = re.compile(
    r"surger|operation|bypass|transplant|graft|stent|angioplasty|radiation|radiotherapy|"
    r"ectom|otom|ostom|plasty|biopsy|prosthes|implant|replacement|brachytherapy|detoxification",
    re.I,
)


_NAME_WITH_NEGATION = re.compile(r"\b(?:no|not)\b", re.I)


# Words a criterion's limit can open with that name no marker ('less than 34 weeks').
_NOT_A_NAME = frozenset(
    {"less", "more", "greater", "fewer", "at", "between", "up", "under", "over", "above",
     "below", "weighing", "weighs", "weighed", "no", "not", "from"}
)  # fmt: skip


def _lower(word: str) -> str:
    return word if any(ch.isupper() for ch in word[1:]) else word.lower()


def _who(finding: Finding) -> str:
    """The people a criterion is about, in plain words."""
    fact = finding.fact
    if fact.kind == "pregnancy":
        return "pregnant women"
    if fact.kind == "breastfeeding":
        return "women who are breastfeeding"
    if fact.people and fact.people_side in (None, finding.criterion.kind):
        return fact.people  # 'another cancer' is said of exclusions, not of the one asked for
    words = " ".join(finding.matched.split())
    if fact.kind == "measure":
        if not words[:1].isalpha() or words.split()[0].lower() in _NOT_A_NAME:
            # 'less than 34 weeks', 'Weighing between 500 to 1250 grams': no marker to name
            return "people within the limits this criterion names"
        return f"people with {words}"  # 'HbA1c greater than 13%', as the criterion says it
    # 'HIV' and 'ddI' keep their capitals; 'Heart Failure' is said 'heart failure'.
    words = words if words.isupper() else " ".join(_lower(w) for w in words.split(" "))
    if _NAME_WITH_NEGATION.search(words):
        # 'not controlled' repeated outside the quote reads as one more 'not' on the sentence:
        # the quote names it, the sentence points at it. ('non-small cell lung cancer' is a
        # name the checker reads as one, so it is said.)
        thing = "treatment" if fact.kind == "treatment" else "condition"
        return f"people with the {thing} this criterion names"
    if finding.reaction:
        # 'history of allergies to lidocaine' said to 'I'm allergic to lidocaine': the people it
        # names react to it, they need not take it.
        return f"people with an allergy or reaction to {words}"
    if fact.kind == "treatment" and _PROCEDURE.search(words):
        return f"people who have had {words}"
    if fact.kind == "treatment":
        return f"people who take or took {words}"
    return f"people with {words}"


def finding_statements(trial: Trial, finding: Finding) -> list[Statement]:
    """One criterion's statement, quoting it whole, said the way round the criterion says it
    (an exclusion as "does not take", a requirement as "takes"), with the allowance or the
    comparison with the person's dates resting on it."""
    ref = _label(finding.criterion)
    quote = _quote(trial, finding.span)
    who = _who(finding)
    side = [f"{finding.criterion.kind}_criteria"]
    cite = [citation(trial, finding.span, finding.criterion.kind)]
    key = f"crit:{finding.criterion.kind}{finding.criterion.number}"
    when = finding.window_words
    if finding.direction == "confirm":
        # The same fact is asked for elsewhere: this criterion is a narrower case to go over,
        # not a verdict (a trial for pregnant women ruling out 'multiple pregnancy').
        text = f'Please also go over {ref} with the study team: "{quote}".'
        if finding.group:
            text = (
                f"Please also go over {ref} with the study team; it is listed for one group "
                f'("{finding.group}"): "{quote}".'
            )
        return [Statement(text=text, citations=cite, fields=[GUIDANCE, *side], key=key)]
    if finding.allows:
        text = f'This trial allows {who}, and the team looks at each case ({ref}): "{quote}".'
    elif finding.rules_out and finding.stage is not None:
        # 'Pregnancy less than 18 weeks or over 23 weeks': the weeks it names, not pregnancy.
        also = ", so it allows other times" if finding.stage is False else ""
        text = (
            f"This trial does not take {who} at the times this criterion names{also} "
            f'({ref}): "{quote}".'
        )
    elif finding.rules_out and finding.exception:
        text = (
            f"This trial does not take {who}, but it allows the exceptions this criterion "
            f'lists ({ref}): "{quote}".'
        )
    elif finding.rules_out and when and finding.window_relation == "within":
        text = (
            f"This trial does not take {who} within {when}, so it allows it if it was more "
            f'than {when} ago ({ref}): "{quote}".'
        )
    elif finding.rules_out:
        text = f'This trial does not take {who} ({ref}): "{quote}".'
    else:
        text = f'This trial takes {who} ({ref}): "{quote}".'
    if finding.criterion.kind == "inclusion" and finding.rules_out:
        # A requirement that rules the thing out says so with its own 'no' ('No recent
        # myocardial infarction'): the verdict and the quote are two statements, so the quote's
        # negation is not read as a second one on the verdict ('does not take ...: "No ..."').
        verdict = f"This trial does not take {who}"
        if finding.exception:
            verdict += ", but it allows the exceptions this criterion lists"
        elif when and finding.window_relation == "within":
            verdict += f" within {when}"
        out = [
            Statement(text=f"{verdict} ({ref}).", citations=cite, fields=side, key=key),
            Statement(
                text=f'{ref.capitalize()} says: "{quote}".',
                citations=cite,
                fields=side,
                key=f"{key}:quote",
            ),
        ]
    else:
        out = [Statement(text=text, citations=cite, fields=side, key=key)]
    note = finding.note
    if note is None and len(out) > 1 and when and finding.direction == "allowed_if":
        note = f"So it allows it if it was more than {when} ago."  # no date said: both ways
    if note:
        # It compares with the quoted window: it rests on the quote when there is one of its own.
        on = out[-1].key or key
        out.append(Statement(text=note, fields=[COMPARISON], depends_on=[on]))
    return out


def self_statements(trial: Trial, facts: PersonFacts, question: str = "") -> list[Statement]:
    """Statements for a question about oneself, ending with what to confirm.

    Only the inclusion and exclusion criteria (and the age and sex fields) are searched: the
    person's words are set against who may join, not against the trial's background text."""
    out = age_statements(trial, facts)
    trial_sex = trial.sex.value if trial.sex else None
    if facts.sex and trial.sex and trial_sex in ("FEMALE", "MALE") and trial_sex != facts.sex:
        only = _sex_people(trial, trial_sex)
        field = trial.sex.raw or trial_sex.title()
        out.append(
            Statement(
                text=f"This trial is only for {only} (its sex field says {field}).",
                citations=citations(trial, trial.sex.spans, "eligibility"),
                fields=["sex"],
            )
        )
    elif facts.sex_said and facts.sex:
        out.extend(sex_statements(trial, facts.sex))  # 'I'm a man ... can men join?'
    to_confirm: list[str] = []
    shown: set[tuple[str, int]] = set()
    findings = find(trial, facts)
    # Within one direction, a criterion that meets more of what the person said comes first:
    # 'A male with breast cancer' before the criteria that name only breast cancer.
    held: dict[tuple[str, int], set[str]] = {}
    for f in findings:
        held.setdefault((f.criterion.kind, f.criterion.number), set()).add(f.fact.key)
    rank = {d: i for i, d in enumerate(dict.fromkeys(f.direction for f in findings))}
    findings = sorted(
        findings,
        key=lambda f: (rank[f.direction], -len(held[(f.criterion.kind, f.criterion.number)])),
    )
    quoted: set[str] = set()
    for finding in findings:
        where = (finding.criterion.kind, finding.criterion.number)
        quote = _quote(trial, finding.span)
        if where in shown or quote in quoted or len(shown) >= _MAX_SHOWN:
            continue  # one statement per criterion (and per wording: repeats are quoted once)
        shown.add(where)
        quoted.add(quote)
        out.extend(finding_statements(trial, finding))
        to_confirm.append(_label(finding.criterion))
    hv = trial.healthy_volunteers
    lacks = [w for w in facts.lacking if w not in ("pregnancy", "breastfeeding")]
    if lacks and hv is not None and hv.value == "yes" and hv.spans:
        # 'I'm HIV negative, can I volunteer?': someone without the condition is who the
        # record's healthy-volunteers field speaks to, beside the criteria about having it.
        text = "The record says this trial accepts healthy volunteers."
        cites = citations(trial, hv.spans, "eligibility")
        out.append(Statement(text=text, citations=cites, fields=["healthy_volunteers"]))
    if facts.age_years is not None and not age_bounds(trial):
        text = "I found no age limit in this trial's documents."
        out.append(Statement(text=text, fields=["absence"]))
    if not findings:
        cited = [c for st in out for c in st.citations]
        asked = re.sub(r"\d+(?:\.\d+)?", " ", question)
        for mention, crit in criteria_mentions(trial, asked, cited):
            out.append(mention)
            to_confirm.append(_label(crit))
    said = list(dict.fromkeys([*facts.terms, *(w for w, _ in facts.concepts)]))
    if said and not findings and not to_confirm:
        out.append(
            Statement(
                text=f"The record does not say anything about {_and(said)} in this trial's "
                "criteria.",
                fields=["absence"],
            )
        )
    if to_confirm:
        names = ", ".join(dict.fromkeys(to_confirm))
        out.append(guidance(f"Please go over {names} with the study team: {_DECIDES}"))
    elif out:
        out.append(guidance(f"Please ask the study team about the criteria: {_DECIDES}"))
    return out


_SEX_WORDS = {"ALL": "men and women", "FEMALE": "women", "MALE": "men"}
# Who one sex is, by the ages the trial's age fields take: a trial for ages 9 to 13 is for girls,
# not women; one whose ages span both children and adults is for females (NIH style: 'girls' and
# 'boys' under 18, 'women' and 'men' from 18).
_ADULT_YEARS = 18.0
_SEX_BY_AGE = {
    "FEMALE": ("girls", "women", "females"),
    "MALE": ("boys", "men", "males"),
}


def _sex_people(trial: Trial, sex: str) -> str:
    """'girls', 'women' or 'females' for a FEMALE trial, by its age fields (no lower age field
    reads as adults, as the registry's default population is)."""
    children, adults, both = _SEX_BY_AGE[sex]
    lo = trial.min_age.years if trial.min_age is not None else None
    hi = trial.max_age.years if trial.max_age is not None else None
    if hi is not None and hi < _ADULT_YEARS:
        return children
    if lo is not None and lo < _ADULT_YEARS:
        return both
    return adults


def sex_statements(trial: Trial, sex: str) -> list[Statement]:
    """Who the trial takes by sex, for someone who said theirs and is not ruled out by it: the
    criterion that says so ('Sex: Male or female') quoted, else the sex field."""
    by_key = {(c.kind, c.number): c for c in trial.criteria}
    for top in criteria_for(trial).criteria:
        crit = by_key.get((top.kind, top.number))
        if crit is None or top.kind != "inclusion":
            continue
        for node in top.walk():
            for c in node.constraints:
                if c.kind != "sex" or c.negated or c.value not in ("ALL", sex):
                    continue
                ref = _label(crit)
                text = (
                    f'This trial takes {_SEX_WORDS[c.value]} ({ref}): "{_quote(trial, node.span)}".'
                )
                cite = [citation(trial, node.span, crit.kind)]
                return [Statement(text=text, citations=cite, fields=[f"{crit.kind}_criteria"])]
    if trial.sex is not None and trial.sex.value in ("ALL", sex) and trial.sex.spans:
        text = f"This trial takes {_SEX_WORDS[trial.sex.value]}."
        cites = citations(trial, trial.sex.spans, "eligibility")
        return [Statement(text=text, citations=cites, fields=["sex"])]
    return []


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" or {items[-1]}"


def in_age_group(trial: Trial, lo: float, hi: float) -> bool:
    """True when the trial's stated age limits overlap ages ``lo``..``hi`` (years); a trial that
    states no age limit is never counted in."""
    t_lo = trial.min_age.years if trial.min_age else None
    t_hi = trial.max_age.years if trial.max_age else None
    if t_lo is None and t_hi is None:
        return False
    return (t_lo if t_lo is not None else 0.0) <= hi and (
        t_hi if t_hi is not None else float("inf")
    ) >= lo


def criteria_mentions(
    trial: Trial, question: str, shown: list[Citation], limit: int = 2
) -> list[tuple[Statement, Criterion]]:
    """Criteria that carry the question's other words ('systemic sclerosis'), best first; the
    same calibrated floor as any selected sentence, and none already quoted."""
    if not question:
        return []
    cands = select.from_trial(trial, sections=["inclusion", "exclusion"])
    out: list[tuple[Statement, Criterion]] = []
    for scored in select.rank(question, cands):
        if scored.score < threshold("min_sentence_score") or len(out) >= limit:
            break
        c = scored.candidate
        if any(x.start < c.end and c.start < x.end for x in shown):
            continue
        crit = next(
            (k for k in trial.criteria if any(sp.start <= c.start < sp.end for sp in k.spans)),
            None,
        )
        if crit is None:
            continue
        whole = crit.spans[0]
        text_words = trial.source.text[whole.start : whole.end].split()
        span = whole if len(text_words) <= 80 else Span(start=c.start, end=c.end)
        quote = _quote(trial, span)
        ref = _label(crit)
        if crit.kind == "exclusion":
            text = f'{ref.capitalize()} rules out: "{quote}".'
        else:
            text = f'{ref.capitalize()} asks for: "{quote}".'
        cite = citation(trial, span, crit.kind)
        out.append((Statement(text=text, citations=[cite], fields=[f"{crit.kind}_criteria"]), crit))
    return out
