"""Questions that pick trials out of a set: "Which of these are still recruiting?", "Any study
for pregnant women?", "trials for asthma in Texas".

The question is read into a ``Selection`` (statuses, groups of people, places, conditions as
vocabulary concepts), each trial is kept or not by its structured fields, and every trial kept is
named with its status in plain words and a cited sentence for each thing asked. A trial whose
criteria rule pregnancy out is never listed for pregnant women. Words are data
(``prompts/across.json``, ``intents.json`` age groups); this module is the logic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from prompts.layout import layout
from summarizer.checker.text import stem_all
from summarizer.criteria import criteria_for
from summarizer.criteria.vocabulary import Vocabulary
from summarizer.criteria.vocabulary import load as load_vocabulary
from summarizer.engines.common import citations, status_note
from summarizer.engines.extractive import intents
from summarizer.engines.extractive.field_answers import FIELD_ANSWERS, place_words
from summarizer.engines.extractive.plain_words import clean, shorten
from summarizer.engines.extractive.resources import load
from summarizer.models import (
    Baseline,
    Fact,
    Location,
    ResultOutcome,
    Sourced,
    Span,
    Statement,
    Trial,
)

# Constraint text that turns a pregnancy mention into a test, a warning or a negation
# ('negative pregnancy test', 'must avoid pregnancy'): such an inclusion does not take
# pregnant women, and one that says 'not' or 'negative' rules them out.
_NOT_TAKING = re.compile(
    r"\b(negative|avoid\w*|prevent\w*|tests?|contracept\w*|birth control|not|non|no|nor|"
    r"childbearing|child-bearing|potential|lactating|nursing|breast-?feeding)\b",
    re.I,
)
_RULES_OUT = re.compile(r"\b(negative|not|non|no|avoid\w*|prevent\w*)\b", re.I)
# 'Which of these have posted results?', 'studies with results': the registry's own filter
# ('Studies With Results' / 'Has Results') and its 'posted results' wording.
_POSTED_RESULTS = (
    r"\b(with|have|has|having|that (have|has)|which (have|has)|posting|posted)"
    r"( any)?( posted| published| reported)? (study |trial )?results\b"
    r"|\bresults? (were |are |have been |has been )?(posted|available|reported)\b"
    r"|\bposted results\b"
)
_PREGNANCY_CONDITION = re.compile(
    r"\b(pregnan\w*|gestation\w*|pre-?eclampsia|preterm (birth|labou?r)|obstetric\w*)\b", re.I
)


@cache
def _data() -> dict:
    return load("across")


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I)


def is_selection(question: str) -> bool:
    """Whether the question asks which trials match, rather than something about each."""
    q = intents.normalize(question)
    return any(_pattern(p).search(q) for p in _data()["selection"])


@dataclass(frozen=True)
class Selection:
    """What a question filters trials by; an empty part does not filter."""

    statuses: frozenset[str] = frozenset()
    populations: frozenset[str] = frozenset()
    ages: tuple[float, float] | None = None
    places: tuple[str, ...] = ()
    concepts: frozenset[str] = frozenset()
    condition_words: tuple[str, ...] = field(default=())
    results: bool = False  # only trials whose record posts results

    @property
    def empty(self) -> bool:
        return not (
            self.statuses
            or self.populations
            or self.ages
            or self.places
            or self.concepts
            or self.results
        )


def _take(pattern: str, text: str) -> tuple[bool, str]:
    """Whether ``pattern`` is in ``text``, and the text with its matches blanked."""
    rx = _pattern(pattern)
    return bool(rx.search(text)), rx.sub(" ", text)


def _place_values(trials: Iterable[Trial]) -> set[str]:
    return {
        v for t in trials for loc in t.locations for v in (loc.city, loc.region, loc.country) if v
    }


def parse(question: str, trials: Sequence[Trial]) -> Selection:
    """Read what the question filters by; places are the ones the trials' sites name."""
    rest = f" {intents.normalize(question)} "
    statuses: set[str] = set()
    for rule in _data()["statuses"]:
        hit, rest = _take(rule["words"], rest)
        if hit:
            statuses.update(rule["statuses"])
    populations: set[str] = set()
    for name, words in _data()["populations"].items():
        hit, rest = _take(words, rest)
        if hit:
            populations.add(name)
    results, rest = _take(_POSTED_RESULTS, rest)
    ages = None
    if group := intents.age_group(rest):
        ages = (group.min_years, group.max_years)
        rest = rest.replace(group.words, " ")
    places = []
    for value in sorted(_place_values(trials), key=len, reverse=True):
        if len(value) >= 3:
            hit, rest = _take(rf"\b{re.escape(value)}\b", rest)
            if hit:
                places.append(value)
    rest = _pattern(_data()["framing"]).sub(" ", rest)
    mentions = _vocabulary().find(rest)
    concepts = frozenset(m.concept.id for m in mentions)
    # Leftover words filter by condition only when nothing else was asked: 'trials for heart
    # trouble' yes, but the 'women' of 'pregnant women' is no condition.
    alone = not (statuses or populations or ages or places or concepts or results)
    words = tuple(re.findall(r"[a-z0-9]{3,}", rest.lower())) if alone else ()
    return Selection(
        frozenset(statuses), frozenset(populations), ages, tuple(places), concepts, words, results
    )


@cache
def _vocabulary() -> Vocabulary:
    return load_vocabulary()


def _ancestors(cid: str, depth: int = 6) -> set[str]:
    vocab = _vocabulary()
    out, frontier = {cid}, [cid]
    for _ in range(depth):
        frontier = [p.id for c in frontier for p in vocab.broader(c) if p.id not in out]
        out.update(frontier)
    return out


# ---------------------------------------------------------------- what each trial says


def pregnancy(trial: Trial) -> tuple[bool, bool, list[tuple[str, Span]]]:
    """(takes pregnant women, rules them out, the cited evidence that it takes them)."""
    takes: list[tuple[str, Span]] = [
        ("conditions", s)
        for c in trial.conditions
        if _PREGNANCY_CONDITION.search(c.value)
        for s in c.spans[:1]
    ]
    excludes = False
    for top in criteria_for(trial).criteria:
        for node in top.walk():
            for k in node.constraints:
                if k.kind != "pregnancy":
                    continue
                words = trial.source.text[node.span.start : node.span.end]
                if top.kind == "exclusion" or k.negated or _RULES_OUT.search(words):
                    excludes = True
                elif not _NOT_TAKING.search(words):
                    takes.append(("inclusion", node.span))
    return bool(takes), excludes, takes


# Word families a condition name is written with either way ('Endometrial Cancer' is MeSH's
# 'Endometrial Neoplasms'): folded to one word before names are compared.
_FAMILIES = {
    "cancer": "neoplasm", "carcinoma": "neoplasm", "tumor": "neoplasm", "tumour": "neoplasm",
    "malign": "neoplasm", "neoplasm": "neoplasm", "disord": "diseas", "diseas": "diseas",
}  # fmt: skip


def _stems(text: str) -> frozenset[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", text) if len(w) > 2]
    return frozenset(_FAMILIES.get(s, s) for s in stem_all(words) if s not in {"and", "the"})


@cache
def _asked_names(concepts: frozenset[str]) -> tuple[frozenset[str], ...]:
    """The word sets of every name of the asked concepts and of the concepts under them."""
    vocab = _vocabulary()
    names = {
        _stems(term)
        for cid in concepts
        if cid in vocab.concepts
        for c in vocab.expand(cid)
        for term in c.terms
    }
    # A name that folds to family words alone ('Carcinoma', 'Disorders') names nothing particular.
    return tuple(n for n in names if n - set(_FAMILIES.values()))


def _names_asked(text: str, sel: Selection) -> bool:
    """Whether ``text`` (a condition, keyword or title) names what the question asks: an asked
    concept or one under it, by the vocabulary's links or by the words of one of its names
    (plural or singular, 'cancer' or 'neoplasms'); or, with no concept, all leftover words."""
    if not sel.concepts:
        low = text.lower()
        return bool(sel.condition_words) and all(w in low for w in sel.condition_words)
    found = {a for m in _vocabulary().find(text) for a in _ancestors(m.concept.id)}
    if found & sel.concepts:
        return True
    have = _stems(text)
    return any(name <= have for name in _asked_names(sel.concepts))


def _heading_asked(term: str, sel: Selection) -> bool:
    """Whether a MeSH heading the registry filed the trial under is, or is under, an asked
    concept: the heading is looked up whole first (the vocabulary holds the registry's
    headings, and 'Carcinoma, Non-Small-Cell Lung' reads badly as running words)."""
    concept = _vocabulary().lookup(term) if sel.concepts else None
    if concept is not None and _ancestors(concept.id) & sel.concepts:
        return True
    return _names_asked(term, sel)


# How a match is said, by where it was found (the wording is data: prompts/across.json).
_SAID = {"conditions": "condition", "mesh": "mesh", "quick_facts": "title"}


def _condition_spans(trial: Trial, sel: Selection) -> list[tuple[str, str, Span]]:
    """(how it is said, section, span) of the conditions, keywords, MeSH headings or title
    that name what was asked, in that order: the sponsor's words before NLM's indexing."""
    title = trial.brief_title or trial.official_title
    pieces: list[tuple[str, str, Fact]] = [
        *(("conditions", "conditions", f) for f in (*trial.conditions, *trial.keywords)),
        *(("mesh", "conditions", f) for f in trial.condition_mesh_terms),
        *([("quick_facts", "quick_facts", title)] if title else []),
    ]
    return [
        (how, section, f.spans[0])
        for how, section, f in pieces
        if f.spans and (_heading_asked if how == "mesh" else _names_asked)(f.value, sel)
    ]


def _sites(trial: Trial, places: Sequence[str]) -> list[Location]:
    low = {p.lower() for p in places}
    return [
        loc
        for loc in trial.locations
        if low <= {v.lower() for v in (loc.city, loc.region, loc.country) if v}
        or any(v and v.lower() in low for v in (loc.city, loc.region, loc.country))
    ]


def _ages_overlap(trial: Trial, lo: float, hi: float) -> bool:
    t_lo = trial.min_age.years if trial.min_age else None
    t_hi = trial.max_age.years if trial.max_age else None
    if t_lo is None and t_hi is None:
        return False  # no limit stated: the record does not say, so it is not listed
    return (t_lo or 0.0) <= hi and (t_hi if t_hi is not None else float("inf")) >= lo


def _quote(trial: Trial, section: str, span: Span) -> Statement:
    words = shorten(clean(trial.source.text[span.start : span.end]), 25)
    return Statement(
        text=f'The record says: "{words}"',
        citations=citations(trial, [span], section),
        fields=[section],
    )


def _pregnant(trial: Trial) -> list[Statement] | None:
    takes, excludes, where = pregnancy(trial)
    if not takes or excludes or (trial.sex is not None and trial.sex.value == "MALE"):
        return None
    return [_quote(trial, *where[0])]


def _field(trial: Trial, name: str, holds: bool) -> list[Statement] | None:
    """The field's own answer when the trial's field holds what was asked, else None."""
    return FIELD_ANSWERS[name](trial) if holds else None


def _place(trial: Trial, places: Sequence[str]) -> list[Statement] | None:
    sites = _sites(trial, places)
    if not sites:
        return None
    more = f" and {len(sites) - 1} more" if len(sites) > 1 else ""
    spans = [s for loc in sites[:3] for s in loc.spans]
    return [
        Statement(
            text=f"It runs at {place_words(sites[0])}{more}.",
            citations=citations(trial, spans, "locations"),
            fields=["locations"],
        )
    ]


def _condition(trial: Trial, sel: Selection) -> list[Statement] | None:
    spans = _condition_spans(trial, sel)
    if not spans:
        return None
    how, section, span = spans[0]
    words = clean(trial.source.text[span.start : span.end])
    text = _data()["condition_said"][_SAID[how]].format(words=words)
    return [
        Statement(
            text=text,
            citations=citations(trial, [span], section),
            fields=[section],
        )
    ]


def posted_parts(trial: Trial) -> list[tuple[str, Sourced]]:
    """What the trial's record posts of its results, each part with its first item: ('outcomes',
    the first outcome with a value), ('events', ...), ('flow', ...), ('baseline', ...)."""
    results = trial.results
    if results is None:
        return []
    firsts: list[tuple[str, Sourced | None]] = [
        ("outcomes", next((o for o in results.outcomes if o.values or o.analyses), None)),
        ("events", next(iter(results.adverse_events), None)),
        ("flow", next(iter(results.flow), None)),
        ("baseline", _first_baseline(results.baseline)),
    ]
    return [(part, item) for part, item in firsts if item is not None and item.spans]


def _first_baseline(baseline: Baseline | None) -> Sourced | None:
    if baseline is None:
        return None
    return next(iter(baseline.groups), None) or next(iter(baseline.measures), None)


def _posted(trial: Trial) -> list[Statement] | None:
    """'The record posts results: outcome results, adverse events ...', citing a line of each
    part; None when it posts none."""
    parts = posted_parts(trial)
    if not parts:
        return None
    words = layout()
    names = [words.say(f"posted_results_parts_{part}") for part, _ in parts]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    # One posted line quoted as the example, the shortest kind first (a flow line).
    order = ("flow", "baseline", "outcomes", "events")
    _, item = min(parts, key=lambda p: order.index(p[0]))
    span = item.spans[0]
    if isinstance(item, ResultOutcome) and item.values:
        span = item.values[0].spans[0]  # a value line, not the outcome's title block
    example = shorten(clean(trial.quote(span)), 25)
    return [
        Statement(
            text=words.say("posted_results_trial", parts=listed, example=example),
            citations=citations(trial, [span], "outcomes"),
            fields=["results"],
        )
    ]


def evidence(trial: Trial, sel: Selection) -> list[Statement] | None:
    """The cited sentences that show ``trial`` matches ``sel``; None when it does not match.
    Each filter asked is checked in turn; the first that fails drops the trial."""
    if sel.statuses and (trial.status is None or trial.status.value not in sel.statuses):
        return None
    sex = trial.sex.value if trial.sex else None
    hv = trial.healthy_volunteers.value if trial.healthy_volunteers else None
    pops = sel.populations
    checks: list[Callable[[], list[Statement] | None]] = []
    if "pregnant" in pops:
        checks.append(lambda: _pregnant(trial))
    if "women_only" in pops:
        checks.append(lambda: _field(trial, "sex", sex == "FEMALE"))
    if "men_only" in pops:
        checks.append(lambda: _field(trial, "sex", sex == "MALE"))
    if "healthy" in pops:
        checks.append(lambda: _field(trial, "healthy_volunteers", hv == "yes"))
    if (ages := sel.ages) is not None:
        checks.append(lambda: _field(trial, "age", _ages_overlap(trial, *ages)))
    if sel.places:
        checks.append(lambda: _place(trial, sel.places))
    if sel.concepts or sel.condition_words:
        checks.append(lambda: _condition(trial, sel))
    if sel.results:
        checks.append(lambda: _posted(trial))
    said: list[Statement] = []
    for check in checks:
        got = check()
        if got is None:
            return None
        said.extend(got)
    return said


def status_statement(trial: Trial) -> Statement | None:
    """The trial's status in plain words, whatever it is (recruiting included)."""
    if note := status_note(trial):
        return note
    said = FIELD_ANSWERS["status"](trial)
    if not said:
        return None
    plain = said[0].text.removeprefix("Yes, ")
    return said[0].model_copy(update={"text": plain[:1].upper() + plain[1:]})


def none_said(n: int | None) -> str:
    return _data()["none"].format(n=n) if n is not None else _data()["none_store"]
