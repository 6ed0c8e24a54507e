"""The treatment under test: which intervention leads a lay summary, and what it is aimed at.

Registries list interventions in any order; a CAR-T trial often lists the conditioning
chemotherapy first. The reader needs the treatment being tested first, so interventions are ranked
by data (prompts/lay_summary.json): supporting treatments last, then by type, then as listed.
Two names for the same thing ('CAR-T', 'chimeric antigen receptor') are shown once.
"""

from __future__ import annotations

import re
from functools import cache

from summarizer.engines.common import citations
from summarizer.engines.extractive.grade_gate import plainest
from summarizer.engines.extractive.plain_words import clean, glossary, simplify
from summarizer.engines.extractive.resources import load
from summarizer.models import Intervention, Span, Statement, Trial

LEDE_GRADE = 8.0


@cache
def _supporting() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in load("lay_summary")["supporting_treatments"])


def is_supporting(name: str) -> bool:
    """True for conditioning chemotherapy, placebo, usual care and the like."""
    return any(p.search(name) for p in _supporting())


def _type_rank(item: Intervention) -> int:
    order = load("lay_summary")["lead_types"]
    key = re.sub(r"[\s-]+", "_", (item.type or "").strip().upper())
    return order.index(key) if key in order else len(order)


def _same_thing(name: str) -> str:
    """A key shared by spellings of one glossary term, else the name itself."""
    for term in glossary():
        if term.pattern.fullmatch(name.strip()):
            return term.term.lower()
    return clean(name).lower()


def ranked(trial: Trial) -> list[Intervention]:
    """Interventions, the treatment under test first, each thing once."""
    items = [i for i in trial.interventions if clean(i.name)]
    items.sort(key=lambda i: (is_supporting(i.name), _type_rank(i), trial.interventions.index(i)))
    seen: set[str] = set()
    out = []
    for item in items:
        key = _same_thing(item.name)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _target_spans(trial: Trial, item: Intervention) -> list[tuple[str, Span]]:
    """Targets named with the treatment: in its own name or description, the titles or the
    first sentence of the summary (a target named only in the criteria is not its aim)."""
    where = [*item.spans]
    for fact in (trial.brief_title, trial.official_title):
        if fact is not None:
            where.extend(fact.spans)
    if trial.brief_summary is not None and trial.brief_summary.spans:
        first = trial.brief_summary.spans[0]
        text = trial.source.text[first.start : first.end]
        end = re.search(r"[.!?](\s|$)", text)
        where.append(Span(start=first.start, end=first.start + (end.end() if end else len(text))))
    out: list[tuple[str, Span]] = []
    for target in trial.targets:
        span = next(
            (s for s in target.spans if any(w.start <= s.start and s.end <= w.end for w in where)),
            None,
        )
        if span is not None:
            out.append((target.value, span))
    return out


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def lead_statement(trial: Trial) -> Statement | None:
    """'This trial tests X, aimed at CD19 and CD20.', citing the intervention and the targets."""
    items = ranked(trial)
    if not items:
        return None
    lead = items[0]
    name = simplify(clean(lead.name))
    if not name:
        return None
    targets = [(v, s) for v, s in _target_spans(trial, lead) if v.lower() not in name.lower()]
    spans = [*lead.spans, *(s for _, s in targets)]
    aim = f", aimed at {_and([v for v, _ in targets])}" if targets else ""
    return Statement(
        text=f"This trial tests {name}{aim}.",
        citations=citations(trial, spans, "interventions"),
        fields=["interventions", *(["targets"] if targets else [])],
    )


def treatment_names(trial: Trial, limit: int = 4) -> tuple[str, list[Intervention]]:
    """Quick-facts words for the treatments, the one under test first."""
    items = ranked(trial)[:limit]
    return _and([clean(i.name) for i in items]) if items else "", items


def main_condition(trial: Trial):
    """The first listed condition that names an illness, not a bare term like 'Relapsed and
    Refractory' or 'CAR-T' (registries put keywords there too)."""
    rules = [re.compile(p, re.I) for p in load("lay_summary")["not_conditions"]]
    for c in trial.conditions:
        if not any(r.fullmatch(clean(c.value)) for r in rules):
            return c
    return None


def _healthy_condition(trial: Trial):
    """The listed condition that says the study is of healthy volunteers ('Healthy', 'Healthy
    Volunteers'; the last ``not_conditions`` rule), else None."""
    rule = re.compile(load("lay_summary")["not_conditions"][-1], re.I)
    return next((c for c in trial.conditions if rule.fullmatch(clean(c.value))), None)


def _frames(kind: str) -> list[str]:
    return [str(f) for f in load("lay_summary")["lede_frames"][kind]]


def _plainest(options: list[Statement]) -> Statement:
    """The first option at or under LEDE_GRADE, else the one that reads plainest."""
    return plainest([[o] for o in options], target=LEDE_GRADE)[0]


def _illnesses(trial: Trial) -> list:
    """The listed conditions that name an illness, the main one first (``main_condition``)."""
    rules = [re.compile(p, re.I) for p in load("lay_summary")["not_conditions"]]
    return [c for c in trial.conditions if not any(r.fullmatch(clean(c.value)) for r in rules)]


def lede(trial: Trial) -> Statement | None:
    """One line: what the trial tests and for whom ('This trial tests X in people with Y.'), or
    for a study without a treatment, whom it looks at; each part cited, nothing when neither.

    The wording is chosen among frames (prompts/lay_summary.json ``lede_frames``) by reading
    grade, and only among frames that say every fact the record gives: a long illness name gets
    a plainer frame with the name in its own short sentence ('This study is about X. It looks at
    people who have it.'), never a line that leaves the illness or the treatment out. When no
    frame reads at the target with the main illness's name, another illness the record lists
    (its shorter name: 'Recurrent Uterine Corpus Cancer' beside 'Endometrial Endometrioid
    Adenocarcinoma, Variant With Squamous Differentiation') is said instead, if one does."""
    illnesses = _illnesses(trial) or [None]
    options = [o for cond in illnesses for o in _lede_options(trial, cond)]
    return _plainest(options) if options else None


def _lede_options(trial: Trial, cond) -> list[Statement]:
    """The lede's wordings with ``cond`` as the illness (None: the record names none)."""
    items = ranked(trial)
    name = simplify(clean(items[0].name)) if items else ""
    who = simplify(clean(cond.value)) if cond is not None else ""
    observational = trial.study_type is not None and trial.study_type.value != "INTERVENTIONAL"
    tested = citations(trial, items[0].spans, "interventions") if items else []
    about = citations(trial, cond.spans, "conditions") if cond is not None else []
    healthy = _healthy_condition(trial) if cond is None else None
    if name and not observational and who:
        kind, cited, fields = "tests_for", [*tested, *about], ["interventions", "conditions"]
    elif healthy is not None:  # 'Healthy' is the registry's condition: no illness to name
        about = citations(trial, healthy.spans, "conditions")
        if name and not observational:
            kind, cited, fields = (
                "healthy_tests",
                [*tested, *about],
                ["interventions", "conditions"],
            )
        else:
            kind, cited, fields = "healthy", about, ["conditions"]
    elif name and not observational:
        kind, cited, fields = "tests", tested, ["interventions"]
    elif who:
        kind, cited, fields = ("study_of" if observational else "trial_for"), about, ["conditions"]
    else:
        return []
    return [
        Statement(text=f.format(name=name, who=who), citations=cited, fields=fields)
        for f in _frames(kind)
    ]
