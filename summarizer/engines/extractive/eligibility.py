"""Questions about oneself: compare what the person said with the trial's criteria, quoting them.

The answer never decides: it says which criteria touch what the person said, compares numbers
where the criterion has them (age limits, 'within five years'), and names the criteria to confirm
with the study team.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.engines.common import citation, citations, guidance
from summarizer.engines.extractive import select
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.plain_words import clause_spans, clean, shorten
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.self_facts import PersonFacts, TermRule, term_rules
from summarizer.models import COMPARISON, Citation, Criterion, Span, Statement, Trial

# Who decides, said so that no reading of it promises a place ("you can join" never appears).
_DECIDES = "only they decide who takes part."
_WORD_NUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
_WITHIN_RE = re.compile(
    r"\b(?:within|in the (?:last|past)|during the (?:last|past))\s+(?:the\s+)?(?:past\s+)?"
    r"(\d+(?:\.\d+)?|" + "|".join(_WORD_NUM) + r")\s*(years?|months?|weeks?|days?)\b",
    re.I,
)
_CRIT_AGE_RE = re.compile(
    r"\bage[sd]?\b[^.;]{0,20}?(?:(≥|>=|>|older than|over|at least)|(≤|<=|<|younger than|under))"
    r"\s*(\d+(?:\.\d+)?)\s*(years?|months?)?",
    re.I,
)


@dataclass(frozen=True)
class Match:
    criterion: Criterion
    rule: TermRule
    span: Span  # the clause of the criterion that mentions the term


def _to_years(n: float, unit: str) -> float:
    u = unit.lower()
    if u.startswith("mo"):
        return n / 12
    if u.startswith("w"):
        return n / 52.1775
    if u.startswith("d"):
        return n / 365.25
    return n


def _label(c: Criterion) -> str:
    return f"{c.kind} criterion {c.number}"


def _clause(trial: Trial, crit: Criterion, patterns) -> Span | None:
    """The clause of the criterion that names the term; a long one cut at commas around it."""
    text = trial.source.text
    for span in crit.spans:
        for s, e in clause_spans(text[span.start : span.end], span.start):
            m = next((m for p in patterns if (m := p.search(text[s:e]))), None)
            if m is not None:
                return _near(text, s, e, s + m.start(), s + m.end())
    return None


def _near(text: str, s: int, e: int, ms: int, me: int, words: int = 30) -> Span:
    """The comma-bounded part of ``text[s:e]`` around a match, when the clause is long."""
    if len(text[s:e].split()) <= words:
        return Span(start=s, end=e)
    right = next((m.start() + me for m in re.finditer(r",\s+", text[me:e])), e)
    if len(text[s:right].split()) <= words:
        return Span(start=s, end=right)
    left = max((m.end() + s for m in re.finditer(r"[,:]\s+", text[s:ms])), default=s)
    return Span(start=left, end=right)


def find_matches(trial: Trial, facts: PersonFacts) -> list[Match]:
    rules = {r.label: r for r in term_rules()}
    out: list[Match] = []
    for label in facts.terms:
        rule = rules[label]
        for crit in trial.criteria:
            if rule.only and crit.kind != rule.only:
                continue
            span = _clause(trial, crit, rule.criteria)
            if span is not None:
                out.append(Match(crit, rule, span))
    return out


def _quote(trial: Trial, span: Span) -> str:
    return shorten(clean(trial.source.text[span.start : span.end]), 30).rstrip(".")


def _time_note(trial: Trial, span: Span, facts: PersonFacts) -> str | None:
    if facts.years_since is None:
        return None
    m = _WITHIN_RE.search(trial.source.text[span.start : span.end])
    if not m:
        return None
    n = float(_WORD_NUM.get(m.group(1).lower(), m.group(1)))
    limit = _to_years(n, m.group(2))
    said = facts.since_text or f"{facts.years_since:g} years ago"
    if facts.years_since <= limit:
        return f"You said {said}, which is within that time."
    return f"You said {said}, which is longer ago than that."


def age_statements(trial: Trial, facts: PersonFacts) -> list[Statement]:
    """Compare the stated age with the trial's age limits (fields first, then criteria)."""
    age = facts.age_years
    if age is None:
        return []
    said = _age_said(facts)
    lo = trial.min_age.years if trial.min_age else None
    hi = trial.max_age.years if trial.max_age else None
    items = [a for a in (trial.min_age, trial.max_age) if a is not None and a.years is not None]
    cites = citations(trial, [s for a in items for s in a.spans], "eligibility")
    fields = ["min_age", "max_age"]
    if lo is None and hi is None:
        lo, hi, cites, fields = _criteria_age_limits(trial)
    if lo is None and hi is None:
        return []
    words = age_range_words(trial) or _limit_words(lo, hi)
    if lo is not None and age < lo:
        verdict = f"So {said} is below its lower age limit."
    elif hi is not None and age > hi:
        verdict = f"So {said} is above its upper age limit."
    else:
        verdict = f"So {said} is inside that range."
    # The comparison uses the asker's own numbers, which no document holds: it is kept as a
    # separate, uncited statement so the cited one stays checkable against the source.
    return [
        Statement(text=f"This trial takes people {words}.", citations=cites, fields=fields),
        Statement(text=verdict, fields=[COMPARISON]),
    ]


def _age_said(facts: PersonFacts) -> str:
    age = facts.age_years or 0
    if age < 2 and age > 0:
        months = round(age * 12)
        value = f"{months} month{'s' if months != 1 else ''}"
    else:
        value = f"{age:g}"
    return f"an age of {value}" if facts.who == "you" else f"{facts.who} at {value}"


def _limit_words(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"aged {lo:g} to {hi:g} years"
    if lo is not None:
        return f"older than {lo:g} years" if lo >= 1 else f"older than {round(lo * 12)} months"
    return f"up to {hi:g} years"


def _criteria_age_limits(trial: Trial):
    lo = hi = None
    cites = []
    for crit in trial.inclusion_criteria:
        for span in crit.spans:
            text = trial.source.text[span.start : span.end]
            for m in _CRIT_AGE_RE.finditer(text):
                years = _to_years(float(m.group(3)), m.group(4) or "years")
                if m.group(1):
                    lo = years
                else:
                    hi = years
                cites.append(citation(trial, span, "inclusion"))
    return lo, hi, cites, ["inclusion_criteria"]


def self_statements(trial: Trial, facts: PersonFacts, question: str = "") -> list[Statement]:
    """Statements for a question about oneself, ending with what to confirm.

    Only the inclusion and exclusion criteria (and the age and sex fields) are searched: the
    person's words are set against who may join, not against the trial's background text."""
    out = age_statements(trial, facts)
    trial_sex = trial.sex.value if trial.sex else None
    if facts.sex and trial.sex and trial_sex in ("FEMALE", "MALE") and trial_sex != facts.sex:
        only = "women" if trial_sex == "FEMALE" else "men"
        out.append(
            Statement(
                text=f"This trial is only for {only}.",
                citations=citations(trial, trial.sex.spans, "eligibility"),
                fields=["sex"],
            )
        )
    to_confirm: list[str] = []
    # Exclusions first: "does not take people with X" is the most direct answer to "can I join?".
    matches = sorted(find_matches(trial, facts), key=lambda m: m.criterion.kind != "exclusion")
    matched_labels = set()
    shown: set[str] = set()
    for m in matches:
        quote = _quote(trial, m.span)
        if quote in shown or len(shown) >= 4:
            continue  # criteria repeated word for word (one per disease) are quoted once
        shown.add(quote)
        matched_labels.add(m.rule.label)
        ref = _label(m.criterion)
        if m.criterion.kind == "exclusion":
            text = f'This trial does not take {m.rule.people} ({ref}): "{quote}".'
        else:
            text = f'{ref.capitalize()} mentions {m.rule.label}: "{quote}".'
        out.append(
            Statement(
                text=text,
                citations=[citation(trial, m.span, m.criterion.kind)],
                fields=[f"{m.criterion.kind}_criteria"],
            )
        )
        if note := _time_note(trial, m.span, facts):
            out.append(Statement(text=note, fields=[COMPARISON]))
        to_confirm.append(ref)
    if facts.age_years is not None and not any("min_age" in st.fields for st in out):
        text = "I found no age limit in this trial's documents."
        out.append(Statement(text=text, fields=["absence"]))
    quoted = [c for st in out for c in st.citations]
    for mention, crit in criteria_mentions(trial, re.sub(r"\d+(?:\.\d+)?", " ", question), quoted):
        out.append(mention)
        to_confirm.append(_label(crit))
    for label in facts.terms:
        if label not in matched_labels:
            out.append(
                Statement(
                    text=f"I found nothing about {label} in this trial's criteria.",
                    fields=["absence"],
                )
            )
    if to_confirm:
        names = ", ".join(dict.fromkeys(to_confirm))
        out.append(guidance(f"Please go over {names} with the study team: {_DECIDES}"))
    elif out:
        out.append(guidance(f"Please ask the study team about the criteria: {_DECIDES}"))
    return out


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
        quote = _quote(trial, Span(start=c.start, end=c.end))
        ref = _label(crit)
        if crit.kind == "exclusion":
            text = f'{ref.capitalize()} rules out: "{quote}".'
        else:
            text = f'{ref.capitalize()} asks for: "{quote}".'
        cite = citation(trial, Span(start=c.start, end=c.end), crit.kind)
        out.append((Statement(text=text, citations=[cite], fields=[f"{crit.kind}_criteria"]), crit))
    return out
