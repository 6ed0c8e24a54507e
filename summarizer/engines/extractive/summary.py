"""Lay summaries in the editorial page's layout: quick facts, what it studies, who should consider
it, why it matters, eligibility in plain words, where it runs and how to take part.

Fields first, then selected source sentences made simpler. A prose section only takes a source
sentence while its reading grade stays at or under the target; missing facts are left out.
"""

from __future__ import annotations

import re

from prompts.layout import layout
from summarizer.engines.common import citations, guidance, registry_url
from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive import why
from summarizer.engines.extractive.fit import eligibility
from summarizer.engines.extractive.grade_gate import plainest, within_grade
from summarizer.engines.extractive.join import join_statements
from summarizer.engines.extractive.lead import lede
from summarizer.engines.extractive.plain_words import clean, explain, is_whole, sentence
from summarizer.engines.extractive.quick_facts import quick_facts
from summarizer.engines.extractive.resources import load
from summarizer.engines.extractive.studies import TARGET_GRADE, studies_statements
from summarizer.engines.extractive.who import good_fit_statements, not_fit_statements
from summarizer.models import Contact, DraftSection, DraftSummary, Location, Statement, Trial

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


def why_statements(trial: Trial) -> list[Statement]:
    """Only the source's own purpose / benefit / background sentences, said plainer in whole
    sentences that each cite their clause (why.statements); none, no section."""
    return why.statements(trial)


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


# A country in the inverted ISO 3166 form registries use ('Iran, Islamic Republic of', 'Korea,
# Republic of', 'Congo, The Democratic Republic of the'): a sentence cannot end on its 'of'.
_INVERTED_COUNTRY_RE = re.compile(r"^([^,]+),\s*((?:the\s+)?[^,]*\bof(?:\s+the)?)$", re.I)


def country_words(name: str) -> str:
    """The country as a sentence says it: 'Iran, Islamic Republic of' -> 'Islamic Republic of
    Iran'; any other name as written."""
    match = _INVERTED_COUNTRY_RE.match(name.strip())
    if match is None:
        return name
    head, lead = match.group(1).strip(), match.group(2).strip()
    lead = re.sub(r"^the\s+", "", lead, flags=re.I)
    return f"{lead} {head}"


def _shared_country(trial: Trial) -> str | None:
    """The country every site is in, with 'the' where it reads so; None when they differ or
    one is not given."""
    countries = {loc.country for loc in trial.locations}
    if len(countries) != 1 or None in countries:
        return None
    country = str(next(iter(countries)))
    if country in load("lay_summary")["countries_with_the"]:
        return f"the {country}"
    said = country_words(country)
    return f"the {said}" if said != country else country


def _site_sentence(loc: Location, words: dict[str, str], *, with_country: bool) -> str:
    country = country_words(loc.country) if loc.country else None
    parts = (loc.city, loc.region, country) if with_country else (loc.city, loc.region)
    place = ", ".join(dict.fromkeys(p for p in parts if p))
    facility = clean(loc.facility or "").rstrip(".")  # 'Ctr.' ends where the wording's '.' does
    if any(re.search(p, facility, re.I) for p in load("lay_summary")["not_facility_names"]):
        facility = ""  # 'For additional information ..., contact 1-877-...' names no site
    if facility and place:
        return words["site"].format(facility=facility, place=place)
    if facility:
        return words["site_no_place"].format(facility=facility)
    return words["place_only"].format(place=place) if place else ""


def _where_wordings() -> list[dict[str, str]]:
    """Each wording of 'Where it runs', a key it leaves out taken from the first."""
    given = load("lay_summary")["where_wordings"]
    return [{**given[0], **w} for w in given]


def _where(trial: Trial, words: dict[str, str], limit: int) -> list[Statement]:
    n = len(trial.locations)
    country = _shared_country(trial)
    plural = "s" if n > 1 else ""
    if country is None:
        head = words["count"].format(n=n, s=plural)
    elif n == 1:
        head = words["count_one_site_country"].format(country=country)
    else:
        head = words["count_one_country"].format(n=n, s=plural, country=country)
    out = [
        Statement(
            text=head,
            citations=citations(
                trial, [s for loc in trial.locations[:limit] for s in loc.spans], "locations"
            ),
            fields=["locations"],
        )
    ]
    for loc in trial.locations[:limit]:
        if text := _site_sentence(loc, words, with_country=country is None):
            out.append(
                Statement(
                    text=sentence(text),
                    citations=citations(trial, loc.spans, "locations"),
                    fields=["locations"],
                )
            )
    return out


def where_statements(trial: Trial, limit: int | None = None) -> list[Statement]:
    """How many sites (and the one country they share, said once), then each of the first
    ``limit`` in two short sentences ('The trial runs at Henry Ford Hosp. It is in Detroit,
    Michigan.'; names as the registry has them), in the first wording (prompts/lay_summary.json)
    that reads at or under the target grade. Only those sites are cited, so the work does not
    grow with the site count."""
    if not trial.locations:
        return []
    limit = fa.max_places() if limit is None else limit
    out = plainest([_where(trial, words, limit) for words in _where_wordings()])
    n = len(trial.locations)
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


def contact_wordings() -> list[dict[str, str]]:
    """Each way of giving a contact: ``contact_sentences`` first, then ``contact_wordings``."""
    data = load("lay_summary")
    return [data["contact_sentences"], *data.get("contact_wordings", [])]


def contact_statements(trial: Trial, words: dict[str, str] | None = None) -> list[Statement]:
    """Each contact (as field answers pick them) with the name, the phone number and the email
    in short sentences of their own: a name, a number and an address run together read, and
    grade, as one long sentence. ``words``: the wording (default: the first)."""
    words = words or contact_wordings()[0]
    out = []
    for _, items in fa.contact_words(trial):
        contact = items[0]
        if not isinstance(contact, Contact):
            continue
        parts = [
            str(words["name"]).format(name=contact.name.rstrip("."))
            if contact.name
            else str(words["team"])
        ]
        if contact.phone:
            parts.append(str(words["phone"]).format(phone=contact.phone))
        if contact.email:
            parts.append(str(words["email"]).format(email=contact.email))
        out.append(
            Statement(
                text=" ".join(parts),
                citations=citations(trial, contact.spans, "contacts"),
                fields=["contacts"],
            )
        )
    return out


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
    # The first wording of the contacts whose section (the guidance lines are not graded) reads
    # at or under the target; all say the same facts.
    out = plainest([[*contact_statements(trial, w), *_registry(trial)] for w in contact_wordings()])
    out.append(guidance("Go over the criteria with your own doctor first."))
    out.append(guidance("Then ask the study team if you can be checked for the trial."))
    return out


def lede_statements(trial: Trial) -> list[Statement]:
    return [s for s in [lede(trial)] if s]


def results_statements(trial: Trial) -> list[Statement]:
    """EU CTR Annex V items 6-8. A record without posted results: said, not invented. A record
    with them: said that they are posted and where, never that they are not available (this
    summary does not yet put posted numbers in plain words)."""
    if trial.results is not None and not trial.results.empty:
        return [guidance(layout().wording["results_on_registry"])]
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
