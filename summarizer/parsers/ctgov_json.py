"""ClinicalTrials.gov API v2 JSON (a study, a list of studies, or ``{"studies": [...]}``).

API enums (``SINGLE_GROUP``) are rendered in the registry's words (``Single group``) and its
CommonMark escapes (``\\>``) as the reader sees them; the neutral ``CtgovRecord`` does the rest.
"""

from __future__ import annotations

import json
import re
from typing import Any

from summarizer import controls
from summarizer.models import Trial
from summarizer.parsers.base import ParseError
from summarizer.parsers.ctgov_record import (
    CtgovRecord,
    RawArm,
    RawContact,
    RawDate,
    RawIntervention,
    RawLocation,
    RawOutcome,
    trial_from_record,
)
from summarizer.parsers.ctgov_results import (
    RawAnalysis,
    RawBaseline,
    RawBaselineGroup,
    RawBaselineMeasure,
    RawEvent,
    RawFlow,
    RawPublication,
    RawResultOutcome,
    RawResults,
    RawValue,
    count,
    read_baseline,
    short,
    total_group,
)
from summarizer.parsers.record_text import clean_block, clean_inline, unescape_markdown

FORMAT = "ctgov_json"
_LOOKS_LIKE_JSON = re.compile(r"\A\ufeff?\s*[\[{]")
_DATES = (
    ("start", "startDateStruct"),
    ("primary_completion", "primaryCompletionDateStruct"),
    ("completion", "completionDateStruct"),
    ("first_posted", "studyFirstPostDateStruct"),
    ("last_update", "lastUpdatePostDateStruct"),
)
_DESIGN = (
    ("Allocation", ("allocation",)),
    ("Intervention Model", ("interventionModel",)),
    ("Masking", ("maskingInfo", "masking")),
    ("Primary Purpose", ("primaryPurpose",)),
    ("Observational Model", ("observationalModel",)),
    ("Time Perspective", ("timePerspective",)),
)
_SPECIAL_WORDS = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "NA": "N/A",
    "EARLY_PHASE1": "Early Phase 1",
    "NONE": "None (Open Label)",
}


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _str(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = clean_inline(unescape_markdown(str(value)))
    return text or None


def _block(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_block(unescape_markdown(value)) or None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: Any) -> list[str]:
    return [s for item in _list(value) if (s := _str(item))]


def _words(enum: Any) -> str | None:
    """'SINGLE_GROUP' -> 'Single group', 'PHASE2' -> 'Phase 2' (the registry's display words)."""
    value = _str(enum)
    if value is None:
        return None
    if value in _SPECIAL_WORDS:
        return _SPECIAL_WORDS[value]
    if re.fullmatch(r"PHASE\d", value):
        return f"Phase {value[-1]}"
    if re.fullmatch(r"[A-Z0-9_]+", value):
        return value.replace("_", " ").capitalize()
    return value


def _contact(obj: Any) -> RawContact | None:
    contact = RawContact(
        name=_str(_get(obj, "name")),
        role=_words(_get(obj, "role")),
        phone=_str(_get(obj, "phone")),
        phone_ext=_str(_get(obj, "phoneExt")),
        email=_str(_get(obj, "email")),
    )
    return contact if (contact.name or contact.phone or contact.email) else None


def _masking(info: Any) -> str | None:
    masking = _words(_get(info, "maskingInfo", "masking"))
    who = [w for item in _list(_get(info, "maskingInfo", "whoMasked")) if (w := _words(item))]
    if masking and who and masking != "None (Open Label)":
        return f"{masking} ({', '.join(who)})"
    return masking


def _official(obj: Any) -> str | None:
    name = _str(_get(obj, "name"))
    if not name:
        return None
    role, affiliation = _words(_get(obj, "role")), _str(_get(obj, "affiliation"))
    return name + (f" ({role})" if role else "") + (f", {affiliation}" if affiliation else "")


def _mesh_terms(study: Any, module: str) -> list[str]:
    """The MeSH headings NLM assigned (``meshes``; their ``ancestors`` are left out: broader
    headings such as 'Neoplasms' would make every cancer trial look alike)."""
    meshes = _get(study, "derivedSection", module, "meshes")
    return [term for item in _list(meshes) if (term := _str(_get(item, "term")))]


def _group_titles(items: Any) -> dict[str, str]:
    return {
        gid: short(_str(_get(g, "title"))) or gid
        for g in _list(items)
        if (gid := _str(_get(g, "id")))
    }


def _participants(denoms: Any) -> dict[str, str]:
    for denom in _list(denoms):
        if "participant" in (_str(_get(denom, "units")) or "participants").lower():
            return {
                gid: value
                for c in _list(_get(denom, "counts"))
                if (gid := _str(_get(c, "groupId"))) and (value := _str(_get(c, "value")))
            }
    return {}


def _values(item: Any, groups: dict[str, str], analysed: dict[str, str]) -> list[RawValue]:
    """Each group's posted value of a measure, class by class and category by category."""
    out: list[RawValue] = []
    for cls in _list(_get(item, "classes")):
        class_title = _str(_get(cls, "title"))
        for cat in _list(_get(cls, "categories")):
            label = ", ".join(t for t in (class_title, _str(_get(cat, "title"))) if t) or None
            for m in _list(_get(cat, "measurements")):
                gid, value = _str(_get(m, "groupId")), _str(_get(m, "value"))
                if not gid or value is None:
                    continue
                out.append(
                    RawValue(
                        group=groups.get(gid, gid),
                        value=value,
                        category=short(label),
                        spread=_str(_get(m, "spread")),
                        lower=_str(_get(m, "lowerLimit")),
                        upper=_str(_get(m, "upperLimit")),
                        analysed=analysed.get(gid),
                    )
                )
    return out


def _baseline(module: Any) -> RawBaseline | None:
    """``baselineCharacteristicsModule``: the groups with how many were analysed (``denoms``),
    then each characteristic (Age, Sex, Race, Region of Enrollment ...) with every group's
    value."""
    if not isinstance(module, dict):
        return None
    groups = _group_titles(_get(module, "groups"))
    analysed = _participants(_get(module, "denoms"))
    out = RawBaseline(
        groups=[
            RawBaselineGroup(group=title, analysed=analysed.get(gid), total=total_group(title))
            for gid, title in groups.items()
        ]
    )
    for item in _list(_get(module, "measures")):
        title = short(_str(_get(item, "title")))
        if title:
            out.measures.append(
                RawBaselineMeasure(
                    title=title,
                    param=_words(_get(item, "paramType")),
                    dispersion=_words(_get(item, "dispersionType")),
                    units=short(_str(_get(item, "unitOfMeasure"))),
                    values=_values(item, groups, {}),
                )
            )
    return out


def _result_outcome(item: Any) -> RawResultOutcome | None:
    title = short(_str(_get(item, "title")))
    if not title:
        return None
    groups = _group_titles(_get(item, "groups"))
    analysed = _participants(_get(item, "denoms"))
    out = RawResultOutcome(
        kind=_words(_get(item, "type")) or "",
        title=title,
        time_frame=short(_str(_get(item, "timeFrame"))),
        population=short(_str(_get(item, "populationDescription"))),
        param=_words(_get(item, "paramType")),
        dispersion=_words(_get(item, "dispersionType")),
        units=short(_str(_get(item, "unitOfMeasure"))),
    )
    out.values = _values(item, groups, analysed)
    for analysis in _list(_get(item, "analyses")):
        p_value = _str(_get(analysis, "pValue"))
        if p_value:
            out.analyses.append(
                RawAnalysis(
                    p_value=p_value,
                    method=short(_str(_get(analysis, "statisticalMethod"))),
                    groups=[groups.get(g, g) for g in _strs(_get(analysis, "groupIds"))],
                )
            )
    return out


def _flow(module: Any) -> list[RawFlow]:
    groups = _group_titles(_get(module, "groups"))
    periods = _list(_get(module, "periods"))
    if not periods:
        return []

    def milestone(period: Any, name: str) -> dict[str, int]:
        for ms in _list(_get(period, "milestones")):
            if (_str(_get(ms, "type")) or "").upper() == name:
                return {
                    gid: n
                    for a in _list(_get(ms, "achievements"))
                    if (gid := _str(_get(a, "groupId")))
                    and (n := count(_get(a, "numSubjects"))) is not None
                }
        return {}

    started, completed = milestone(periods[0], "STARTED"), milestone(periods[-1], "COMPLETED")
    return [
        RawFlow(group=title, started=started.get(gid), completed=completed.get(gid))
        for gid, title in groups.items()
        if gid in started or gid in completed
    ]


_EVENT_TOTALS = (
    ("Total, all-cause mortality", True, "deaths"),
    ("Total, serious adverse events", True, "serious"),
    ("Total, other adverse events", False, "other"),
)


def _events(module: Any) -> list[RawEvent]:
    groups = _group_titles(_get(module, "eventGroups"))
    out: list[RawEvent] = []
    for term, serious, key in _EVENT_TOTALS:
        counts = [
            (groups.get(gid, gid), n, count(_get(g, f"{key}NumAtRisk")))
            for g in _list(_get(module, "eventGroups"))
            if (gid := _str(_get(g, "id")))
            and (n := count(_get(g, f"{key}NumAffected"))) is not None
        ]
        if counts:
            out.append(RawEvent(serious=serious, term=term, total=True, counts=counts))
    for key, serious in (("seriousEvents", True), ("otherEvents", False)):
        for event in _list(_get(module, key)):
            name = short(_str(_get(event, "term")))
            if not name:
                continue
            counts = [
                (groups.get(gid, gid), n, count(_get(st, "numAtRisk")))
                for st in _list(_get(event, "stats"))
                if (gid := _str(_get(st, "groupId")))
                and (n := count(_get(st, "numAffected"))) is not None
            ]
            organ = short(_str(_get(event, "organSystem")))
            out.append(RawEvent(serious=serious, term=name, organ_system=organ, counts=counts))
    return out


def results_from_json(study: Any) -> RawResults | None:
    """``resultsSection`` read into the neutral form; None when the study posts none."""
    section = _get(study, "resultsSection")
    if not isinstance(section, dict):
        return None
    outcomes = [
        o
        for item in _list(_get(section, "outcomeMeasuresModule", "outcomeMeasures"))
        if (o := _result_outcome(item))
    ]
    warnings: list[str] = []
    raw = RawResults(
        outcomes=outcomes,
        events=_events(_get(section, "adverseEventsModule")),
        flow=_flow(_get(section, "participantFlowModule")),
        baseline=read_baseline(
            lambda: _baseline(_get(section, "baselineCharacteristicsModule")), warnings
        ),
        warnings=warnings,
    )
    return None if raw.empty else raw


def publications_from_json(protocol: Any) -> list[RawPublication]:
    """References the record marks as reporting the results (type RESULT)."""
    return [
        RawPublication(citation=citation, pmid=_str(_get(ref, "pmid")))
        for ref in _list(_get(protocol, "referencesModule", "references"))
        if (_str(_get(ref, "type")) or "").upper() == "RESULT"
        and (citation := short(_str(_get(ref, "citation"))))
    ]


def record_from_json(study: Any) -> CtgovRecord:
    """Map one API v2 study onto the neutral record."""
    p = _get(study, "protocolSection")
    if not isinstance(p, dict):
        raise ParseError("JSON is not a ClinicalTrials.gov study (no protocolSection)")
    nct_id = _str(_get(p, "identificationModule", "nctId"))
    if not nct_id:
        raise ParseError("study has no NCT ID (identificationModule.nctId)")
    ident, status = _get(p, "identificationModule"), _get(p, "statusModule")
    design, elig = _get(p, "designModule"), _get(p, "eligibilityModule")
    arms, contacts = _get(p, "armsInterventionsModule"), _get(p, "contactsLocationsModule")
    info = _get(design, "designInfo")
    enrollment = _get(design, "enrollmentInfo", "count")
    healthy = _get(elig, "healthyVolunteers")
    dates = [
        RawDate(kind=kind, raw=raw, type=_words(_get(status, key, "type")))  # type: ignore[arg-type]
        for kind, key in _DATES
        if (raw := _str(_get(status, key, "date")))
    ]
    if verified := _str(_get(status, "statusVerifiedDate")):
        dates.append(RawDate(kind="verified", raw=verified))
    results: RawResults | None = None
    warnings: list[str] = []
    try:
        results = results_from_json(study)
    except Exception as exc:  # a bad results section never fails the record
        warnings.append(f"posted results could not be read ({type(exc).__name__})")
    return CtgovRecord(
        nct_id=nct_id,
        brief_title=_str(_get(ident, "briefTitle")),
        official_title=_str(_get(ident, "officialTitle")),
        acronym=_str(_get(ident, "acronym")),
        org_study_id=_str(_get(ident, "orgStudyIdInfo", "id")),
        status=_words(_get(status, "overallStatus")),
        why_stopped=_str(_get(status, "whyStopped")),
        phases=[w for phase in _list(_get(design, "phases")) if (w := _words(phase))],
        study_type=_words(_get(design, "studyType")),
        design=[
            (label, value)
            for label, keys in _DESIGN
            if (value := _masking(info) if label == "Masking" else _words(_get(info, *keys)))
        ],
        enrollment=str(enrollment) if type(enrollment) is int else None,
        enrollment_type=_words(_get(design, "enrollmentInfo", "type")),
        min_age=_str(_get(elig, "minimumAge")),
        max_age=_str(_get(elig, "maximumAge")),
        sex=_words(_get(elig, "sex")),
        healthy_volunteers=("Yes" if healthy else "No") if isinstance(healthy, bool) else None,
        conditions=_strs(_get(p, "conditionsModule", "conditions")),
        keywords=_strs(_get(p, "conditionsModule", "keywords")),
        condition_mesh=_mesh_terms(study, "conditionBrowseModule"),
        intervention_mesh=_mesh_terms(study, "interventionBrowseModule"),
        arms=[
            RawArm(
                label=label,
                type=_words(_get(arm, "type")),
                description=_str(_get(arm, "description")),
            )
            for arm in _list(_get(arms, "armGroups"))
            if (label := _str(_get(arm, "label")))
        ],
        interventions=[
            RawIntervention(
                type=_words(_get(item, "type")),
                name=name,
                description=_str(_get(item, "description")),
                other_names=_strs(_get(item, "otherNames")),
            )
            for item in _list(_get(arms, "interventions"))
            if (name := _str(_get(item, "name")))
        ],
        sponsor=_str(_get(p, "sponsorCollaboratorsModule", "leadSponsor", "name")),
        collaborators=[
            name
            for c in _list(_get(p, "sponsorCollaboratorsModule", "collaborators"))
            if (name := _str(_get(c, "name")))
        ],
        officials=[o for c in _list(_get(contacts, "overallOfficials")) if (o := _official(c))],
        locations=[
            RawLocation(
                facility=_str(_get(loc, "facility")),
                city=_str(_get(loc, "city")),
                state=_str(_get(loc, "state")),
                zip=_str(_get(loc, "zip")),
                country=_str(_get(loc, "country")),
                status=_words(_get(loc, "status")),
                contacts=[c for obj in _list(_get(loc, "contacts")) if (c := _contact(obj))],
            )
            for loc in _list(_get(contacts, "locations"))
            if isinstance(loc, dict)
        ],
        contacts=[c for obj in _list(_get(contacts, "centralContacts")) if (c := _contact(obj))],
        brief_summary=_block(_get(p, "descriptionModule", "briefSummary")),
        detailed_description=_block(_get(p, "descriptionModule", "detailedDescription")),
        study_population=_block(_get(elig, "studyPopulation")),
        criteria=_block(_get(elig, "eligibilityCriteria")),
        outcomes=[
            RawOutcome(
                kind=kind,  # type: ignore[arg-type]
                measure=measure,
                time_frame=_str(_get(item, "timeFrame")),
                description=_str(_get(item, "description")),
            )
            for kind in ("primary", "secondary", "other")
            for item in _list(_get(p, "outcomesModule", f"{kind}Outcomes"))
            if (measure := _str(_get(item, "measure")))
        ],
        dates=dates,
        results=results,
        publications=publications_from_json(p),
        warnings=warnings,
    )


def _studies(data: Any) -> list[Any]:
    if isinstance(data, dict) and "protocolSection" in data:
        return [data]
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        data = data["studies"]
    if isinstance(data, list):
        if not data:
            raise ParseError("JSON holds no studies")
        return data
    raise ParseError("JSON is not a ClinicalTrials.gov study (no protocolSection)")


def _neutralized(value: Any) -> Any:
    """``value`` with control characters in its strings replaced (JSON escapes let them in)."""
    if isinstance(value, str):
        return controls.neutralize(value)
    if isinstance(value, list):
        return [_neutralized(v) for v in value]
    if isinstance(value, dict):
        return {k: _neutralized(v) for k, v in value.items()}
    return value


class CtgovJsonParser:
    """Detects and parses API v2 study JSON."""

    name = FORMAT

    def detect(self, name: str, text: str) -> float:
        if _LOOKS_LIKE_JSON.match(text[:64]) and '"protocolSection"' in text:
            return 0.95
        return 0.0

    def parse(self, name: str, text: str) -> list[Trial]:
        text = text.removeprefix("\ufeff")
        try:
            data = _neutralized(json.loads(text))
        except json.JSONDecodeError as exc:
            what = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
            raise ParseError(
                f"malformed JSON: {what} at line {exc.lineno} column {exc.colno}"
            ) from exc
        except RecursionError as exc:
            raise ParseError("malformed JSON: nested too deeply") from exc
        studies = _studies(data)
        trials: list[Trial] = []
        for index, study in enumerate(studies, start=1):
            original = (
                text if len(studies) == 1 else json.dumps(study, ensure_ascii=False, indent=2)
            )
            try:
                record = record_from_json(study)
                trials.append(trial_from_record(record, name=name, fmt=FORMAT, original=original))
            except ParseError as exc:
                where = f"study {index} of {len(studies)}: " if len(studies) > 1 else ""
                raise ParseError(f"{where}{exc}") from exc
        return trials


PARSER = CtgovJsonParser()
