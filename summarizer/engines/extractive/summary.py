"""Lay summaries in the editorial page's layout: quick facts, what it studies, who should consider
it, why it matters, eligibility in plain words, where it runs and how to take part.

Fields first, then selected source sentences made simpler. A prose section only takes a source
sentence while its reading grade stays at or under the target; missing facts are left out.
"""

from __future__ import annotations

from prompts.layout import layout
from summarizer import normalize
from summarizer.engines.common import citations, guidance, registry_url
from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive import why
from summarizer.engines.extractive.fit import eligibility
from summarizer.engines.extractive.grade_gate import within_grade
from summarizer.engines.extractive.join import join_statements
from summarizer.engines.extractive.lead import lede, treatment_names
from summarizer.engines.extractive.plain_words import clean, explain, is_whole, sentence
from summarizer.engines.extractive.resources import load
from summarizer.engines.extractive.studies import TARGET_GRADE, greedy, studies_statements
from summarizer.engines.extractive.who import good_fit_statements, not_fit_statements
from summarizer.models import DraftSection, DraftSummary, Span, Statement, Trial

__all__ = ["TARGET_GRADE", "summarize"]
# Sections written as sentences for a reader, held to TARGET_GRADE. Quick facts and where it runs
# are labels, names and numbers (sponsors, hospitals): their grade is reported, not gated.
# Criteria sections are plain sentences too, but keep disease and drug names verbatim; they aim at
# TARGET_GRADE piece by piece and are held to CRITERIA_GRADE as a whole.
PROSE_SECTIONS = ("studies", "join", "why", "how")
# The lede is one line naming the treatment and the illness; names cannot be made plainer, so it
# takes its plainest wording (lead.lede) and its grade is reported, not gated.
CRITERIA_SECTIONS = ("good_fit", "not_fit", "eligibility")
CRITERIA_GRADE = 10.5


def _labelled(trial: Trial, spans: list[Span], label: str) -> list[Span]:
    """A value's span widened to take in its label just before it on the same line ('Sex' in
    'SexAll'), so a one-word value like 'All' is cited with what it answers."""
    out = []
    for span in spans:
        line_start = trial.source.text.rfind("\n", 0, span.start) + 1
        before = trial.source.text[max(line_start, span.start - 40) : span.start]
        pos = before.lower().rfind(label.lower())
        out.append(Span(start=span.start - len(before) + pos, end=span.end) if pos >= 0 else span)
    return out


def _fact(
    trial: Trial, label: str, value: str, items, section: str, field: str, *, widen: bool = False
) -> Statement:
    spans = [s for item in items if item is not None for s in item.spans]
    if widen:
        spans = _labelled(trial, spans, label)
    return Statement(
        text=f"{label}: {value}.", citations=citations(trial, spans, section), fields=[field]
    )


def quick_facts(trial: Trial) -> list[Statement]:
    """Label/value facts, each ended with a full stop so it reads (and is graded) as the short
    statement it is. They are names and numbers, not prose: the grade gate is for prose sections
    (see ``PROSE_SECTIONS``), and sponsor or place names cannot be made plainer."""
    out = []
    if words := normalize.phase_words([p.value for p in trial.phases]):
        plain = load("lay_summary")["phase_plain"].get(words)
        value = f"{words} ({plain})" if plain else words
        out.append(_fact(trial, "Phase", value, trial.phases, "quick_facts", "phases"))
    if trial.status:
        words = normalize.status_words(trial.status.value) or trial.status.value
        out.append(
            _fact(trial, "Status", words.capitalize(), [trial.status], "quick_facts", "status")
        )
    if trial.study_type:
        words = trial.study_type.value.replace("_", " ").capitalize()
        out.append(
            _fact(trial, "Study type", words, [trial.study_type], "quick_facts", "study_type")
        )
    if e := trial.enrollment:
        kind = f" ({e.kind})" if e.kind else ""
        out.append(
            _fact(trial, "Enrollment", f"{e.count} people{kind}", [e], "quick_facts", "enrollment")
        )
    if words := fa.age_range_words(trial):
        out.append(
            _fact(
                trial,
                "Ages",
                words.removeprefix("aged ").capitalize(),
                [trial.min_age, trial.max_age],
                "eligibility",
                "min_age",
            )
        )
    if trial.sex:
        words = {"ALL": "All", "FEMALE": "Women only", "MALE": "Men only"}.get(trial.sex.value)
        if words:
            out.append(_fact(trial, "Sex", words, [trial.sex], "eligibility", "sex", widen=True))
    if trial.sponsor:
        out.append(
            _fact(trial, "Sponsor", trial.sponsor.value, [trial.sponsor], "quick_facts", "sponsor")
        )
    names, items = treatment_names(trial)
    if names:
        out.append(_fact(trial, "Treatments", names, items, "interventions", "interventions"))
    if trial.locations:
        n = len(trial.locations)
        places = "; ".join(
            dict.fromkeys(
                ", ".join(p for p in (loc.city, loc.region) if p) or fa.place_words(loc)
                for loc in trial.locations[:4]
            )
        )
        out.append(
            _fact(
                trial,
                "Locations",
                f"{n} site{'s' if n > 1 else ''} ({places})",
                trial.locations[: fa.max_places()],
                "locations",
                "locations",
            )
        )
    if trial.nct_id:
        out.append(
            _fact(trial, "Trial ID", trial.nct_id.value, [trial.nct_id], "quick_facts", "nct_id")
        )
    return out


def why_statements(trial: Trial) -> list[Statement]:
    """Only the source's own purpose / benefit / background sentences; none, no section."""
    return greedy(trial, [], why.candidates(trial), 2)


_EXPLAIN_MAX_WORDS = 8


def eligibility_statements(trial: Trial) -> list[Statement]:
    """Criteria grouped by plain category, jargon explained, each group whole; a group that
    would lift the section over the target grade is left out whole and the section points to
    the full list on the registry page."""
    seen: set[str] = set()
    found = []
    for st in eligibility(trial):
        text = explain(st.text, seen, limit=1, max_words=_EXPLAIN_MAX_WORDS)
        if is_whole(text):
            found.append(st.model_copy(update={"text": text}))
    chosen = within_grade([], found)
    if len(chosen) < len(eligibility(trial)):
        chosen.append(guidance(layout().wording["more_criteria"]))
    return chosen


def where_statements(trial: Trial, limit: int | None = None) -> list[Statement]:
    """How many sites, then one short sentence for each of the first ``limit`` (names as the
    registry has them); only those are cited, so the work does not grow with the site count."""
    if not trial.locations:
        return []
    limit = fa.max_places() if limit is None else limit
    n = len(trial.locations)
    out = [
        Statement(
            text=f"It runs at {n} site{'s' if n > 1 else ''}.",
            citations=citations(
                trial, [s for loc in trial.locations[:limit] for s in loc.spans], "locations"
            ),
            fields=["locations"],
        )
    ]
    for loc in trial.locations[:limit]:
        place = ", ".join(dict.fromkeys(p for p in (loc.city, loc.region, loc.country) if p))
        words = f"{loc.facility}, in {place}" if loc.facility and place else loc.facility or place
        if words:
            out.append(
                Statement(
                    text=sentence(clean(words)),
                    citations=citations(trial, loc.spans, "locations"),
                    fields=["locations"],
                )
            )
    if n > limit:
        out.append(guidance(f"{n - limit} more sites are listed on the registry page."))
    return out


# Statuses under which nobody new can join: the summary says so and invites no one.
CLOSED = frozenset(
    {
        "COMPLETED",
        "TERMINATED",
        "WITHDRAWN",
        "SUSPENDED",
        "ACTIVE_NOT_RECRUITING",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "WITHHELD",
        "APPROVED_FOR_MARKETING",
    }
)


def _registry(trial: Trial) -> list[Statement]:
    if (url := registry_url(trial)) and trial.nct_id:
        return [
            Statement(
                text=f"The registry page is {url}.",
                citations=citations(trial, trial.nct_id.spans, "quick_facts"),
                fields=["nct_id"],
            )
        ]
    return []


def how_statements(trial: Trial) -> list[Statement]:
    """Open trials: whom to contact and what to do first. Closed ones: that they are closed and,
    where the record says, why they stopped; no invitation to join."""
    if trial.status is not None and trial.status.value in CLOSED:
        return [
            *fa.status(trial),
            *fa.why_stopped(trial),
            guidance(layout().wording["closed_no_invitation"]),
            *_registry(trial),
        ]
    out = [s for s in fa.contacts(trial) if "nct_id" not in s.fields]
    out += _registry(trial)
    out.append(guidance("Go over the criteria with your own doctor first."))
    out.append(guidance("Then ask the study team if you can be checked for the trial."))
    return out


def lede_statements(trial: Trial) -> list[Statement]:
    return [s for s in [lede(trial)] if s]


def results_statements(trial: Trial) -> list[Statement]:
    """Trial records here carry no posted results (EU CTR Annex V items 6-8): said, not invented."""
    return [guidance(layout().wording["results_pending"])]


# Section key -> what writes it; order and headings are in prompts/layout.json.
BUILDERS = {
    "lede": lede_statements,
    "quick_facts": quick_facts,
    "studies": studies_statements,
    "join": join_statements,
    "good_fit": good_fit_statements,
    "not_fit": not_fit_statements,
    "why": why_statements,
    "eligibility": eligibility_statements,
    "where": where_statements,
    "how": how_statements,
    "results": results_statements,
}


def summarize(trial: Trial) -> DraftSummary:
    """Every section the record has facts for; missing facts are left out, not invented."""
    sections = [DraftSection(key=key, statements=build(trial)) for key, build in BUILDERS.items()]
    return DraftSummary(
        trial_id=trial.trial_id,
        title=trial.title,
        sections=[s for s in sections if s.statements],
    )
