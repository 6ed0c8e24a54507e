"""What the cross-trial eval needs to know of one trial, read from the registry's XML fields.

Status, sex, ages, healthy volunteers, locations (city, state, country), conditions and NLM's
MeSH terms are read with ``defusedxml`` field by field (``evals.unseen.records``), not through
trialsum's parsers. Pregnancy is the one exception: whether a trial's criteria take or rule out
pregnant women is read from its typed criteria (``summarizer.criteria.criteria_for``), as the
issue asks, next to the conditions and MeSH terms that name a pregnancy.
"""

from __future__ import annotations

import re
from typing import Any

from defusedxml import ElementTree
from pydantic import BaseModel, Field

from evals.unseen.records import _clean, _x, _xall, age, status_code

_PER_YEAR = {"year": 1.0, "month": 12.0, "week": 52.18, "day": 365.25, "hour": 8766.0}
PREGNANCY_CONDITION = re.compile(
    r"\b(pregnan\w*|gestation\w*|pre-?eclampsia|preterm (birth|labou?r)|obstetric\w*)\b", re.I
)
# An inclusion that asks for pregnancy names being pregnant without a word that turns it into a
# test, a warning or a negation ('negative pregnancy test', 'must avoid pregnancy').
_NOT_TAKING = re.compile(
    r"\b(negative|avoid\w*|prevent\w*|tests?|contracept\w*|birth control|not|non|no|nor|"
    r"childbearing|child-bearing|potential|lactating|nursing)\b",
    re.I,
)
_RULES_OUT = re.compile(r"\b(negative|not|non|no|avoid\w*|prevent\w*)\b", re.I)


class Place(BaseModel):
    city: str | None = None
    state: str | None = None
    country: str | None = None


class TrialFacts(BaseModel):
    """One trial as the eval sees it; ``None`` where the record leaves a field out."""

    nct: str
    title: str = ""
    status: str | None = Field(default=None, description="API v2 enum, e.g. RECRUITING")
    sex: str | None = None
    min_years: float | None = None
    max_years: float | None = None
    healthy_volunteers: bool | None = None
    places: list[Place] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    mesh: list[str] = Field(default_factory=list)
    takes_pregnant: bool = Field(default=False, description="criteria or conditions name it")
    excludes_pregnant: bool = Field(default=False, description="criteria rule pregnancy out")


def _years(text: str | None) -> float | None:
    a = age(text)
    if a is None or a.unit not in _PER_YEAR:
        return None
    return round(a.number / _PER_YEAR[a.unit], 3)


def _healthy(text: str | None) -> bool | None:
    if not text:
        return None
    return text.lower().startswith("accepts")


def from_xml(text: str) -> TrialFacts:
    root = ElementTree.fromstring(text)
    elig = root.find("eligibility")
    places = [
        Place(
            city=_x(a, "city"),
            state=_x(a, "state"),
            country=_x(a, "country"),
        )
        for a in root.findall("location/facility/address")
    ]
    return TrialFacts(
        nct=_x(root, "id_info/nct_id") or "",
        title=_x(root, "brief_title") or _x(root, "official_title") or "",
        status=status_code(_x(root, "overall_status")),
        sex=status_code(_x(elig, "gender")) if elig is not None else None,
        min_years=_years(_x(elig, "minimum_age")) if elig is not None else None,
        max_years=_years(_x(elig, "maximum_age")) if elig is not None else None,
        healthy_volunteers=_healthy(_x(elig, "healthy_volunteers")) if elig is not None else None,
        places=places,
        conditions=_xall(root, "condition"),
        keywords=_xall(root, "keyword"),
        mesh=_xall(root, "condition_browse/mesh_term"),
    )


def with_pregnancy(facts: TrialFacts, xml_text: str) -> TrialFacts:
    """``facts`` with what the trial's typed criteria say of pregnancy: an inclusion that asks
    for it (not negated) takes pregnant women; an exclusion that names it, or an inclusion that
    negates it ('not pregnant', 'negative pregnancy test'), rules them out."""
    from summarizer.criteria import criteria_for
    from summarizer.parsers import parse_text

    trials = parse_text(f"{facts.nct}.xml", xml_text)
    takes = any(PREGNANCY_CONDITION.search(c) for c in (*facts.conditions, *facts.mesh))
    excludes = False
    for trial in trials[:1]:
        for top in criteria_for(trial).criteria:
            for node in top.walk():
                for k in node.constraints:
                    if k.kind != "pregnancy":
                        continue
                    words = trial.source.text[node.span.start : node.span.end]
                    if top.kind == "exclusion" or k.negated or _RULES_OUT.search(words):
                        excludes = True
                    elif not _NOT_TAKING.search(words):
                        takes = True
    return facts.model_copy(update={"takes_pregnant": takes, "excludes_pregnant": excludes})


def place_values(facts: TrialFacts, level: str) -> set[str]:
    """The trial's cities, states or countries, as written."""
    return {v for p in facts.places if (v := getattr(p, level))}


def dump(facts: TrialFacts) -> dict[str, Any]:
    return facts.model_dump(exclude_defaults=True)


__all__ = ["PREGNANCY_CONDITION", "Place", "TrialFacts", "_clean", "from_xml", "with_pregnancy"]
