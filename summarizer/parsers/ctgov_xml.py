"""Legacy ClinicalTrials.gov XML (``<clinical_study>``) into a Trial.

Parsing goes through defusedxml with DTDs forbidden: no registry record has one, and a DTD is how
entity attacks (billion laughs, external entities) arrive. Such a document is still recognised as
a trial record, so the user is told why it was refused. Element names map onto ``CtgovRecord``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET

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
from summarizer.parsers.record_text import clean_block, clean_inline

FORMAT = "ctgov_xml"
_ROOT = re.compile(
    r"\A\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*"
    r"<clinical_study[\s/>]",
    re.DOTALL,
)
_DATES = (
    ("start", "start_date"),
    ("primary_completion", "primary_completion_date"),
    ("completion", "completion_date"),
    ("first_posted", "study_first_posted"),
    ("last_update", "last_update_posted"),
    ("verified", "verification_date"),
)
_DESIGN = (
    ("Allocation", "allocation"),
    ("Intervention Model", "intervention_model"),
    ("Masking", "masking"),
    ("Primary Purpose", "primary_purpose"),
    ("Observational Model", "observational_model"),
    ("Time Perspective", "time_perspective"),
)


def _text(el: ET.Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    if found is None:
        return None
    # A leaf's text is all its text: skip the itertext walk (six values a site, per site).
    raw = (found.text or "") if len(found) == 0 else "".join(found.itertext())
    value = clean_inline(raw)
    return value or None


def _block(el: ET.Element, path: str) -> str | None:
    found = el.find(path)
    if found is None:
        return None
    value = clean_block("".join(found.itertext()))
    return value or None


def _texts(el: ET.Element, path: str) -> list[str]:
    out = []
    for found in el.findall(path):
        value = clean_inline("".join(found.itertext()))
        if value:
            out.append(value)
    return out


def _contact(el: ET.Element, role: str | None) -> RawContact | None:
    contact = RawContact(
        name=_text(el, "last_name"),
        role=_text(el, "role") or role,
        phone=_text(el, "phone"),
        phone_ext=_text(el, "phone_ext"),
        email=_text(el, "email"),
    )
    return contact if (contact.name or contact.phone or contact.email) else None


def _location(el: ET.Element) -> RawLocation:
    # One <facility> per <location> (the registry's schema): plain child lookups stay in C,
    # where a path like "facility/name" goes through ElementPath, per site.
    facility = el.find("facility")
    address = facility.find("address") if facility is not None else None
    contacts = [
        c
        for path, role in (
            ("contact", "Contact"),
            ("contact_backup", "Backup contact"),
            ("investigator", None),
        )
        for sub in el.findall(path)
        if (c := _contact(sub, role)) is not None
    ]
    return RawLocation(
        facility=_text(facility, "name"),
        city=_text(address, "city"),
        state=_text(address, "state"),
        zip=_text(address, "zip"),
        country=_text(address, "country"),
        status=_text(el, "status"),
        contacts=contacts,
    )


def _phases(raw: str | None) -> list[str]:
    if not raw:
        return []
    if raw.strip().upper() == "N/A":
        return [raw.strip()]
    return [part.strip() for part in raw.split("/") if part.strip()]


def _official(el: ET.Element) -> str | None:
    name = _text(el, "last_name")
    if not name:
        return None
    role, affiliation = _text(el, "role"), _text(el, "affiliation")
    return name + (f" ({role})" if role else "") + (f", {affiliation}" if affiliation else "")


def _groups(el: ET.Element | None) -> dict[str, str]:
    """``group_list/group[@group_id]/title``: group id -> its title (the id when untitled)."""
    if el is None:
        return {}
    return {
        gid: short(_text(g, "title")) or gid
        for g in el.findall("group_list/group")
        if (gid := g.get("group_id"))
    }


def _analysed(measure: ET.Element) -> dict[str, str]:
    """Participants analysed per group id (``analyzed_list``, units Participants)."""
    for analyzed in measure.findall("analyzed_list/analyzed"):
        units = (_text(analyzed, "units") or "participants").lower()
        if "participant" in units:
            return {
                gid: value
                for c in analyzed.findall("count_list/count")
                if (gid := c.get("group_id")) and (value := c.get("value"))
            }
    return {}


def _values(
    measure: ET.Element, groups: dict[str, str], analysed: dict[str, str]
) -> list[RawValue]:
    """Each group's posted value of a measure, class by class and category by category."""
    out: list[RawValue] = []
    for cls in measure.findall("class_list/class"):
        class_title = _text(cls, "title")
        for cat in cls.findall("category_list/category"):
            label = ", ".join(t for t in (class_title, _text(cat, "title")) if t) or None
            for m in cat.findall("measurement_list/measurement"):
                gid, value = m.get("group_id"), m.get("value")
                if not gid or value is None or not value.strip():
                    continue
                out.append(
                    RawValue(
                        group=groups.get(gid, gid),
                        value=value.strip(),
                        category=short(label),
                        spread=m.get("spread"),
                        lower=m.get("lower_limit"),
                        upper=m.get("upper_limit"),
                        analysed=analysed.get(gid),
                    )
                )
    return out


def _baseline(el: ET.Element | None) -> RawBaseline | None:
    """``clinical_results/baseline``: the groups with how many were analysed, then each
    characteristic (Age, Sex, Race, Region of Enrollment ...) with every group's value."""
    if el is None:
        return None
    groups = _groups(el)
    analysed = _analysed(el)
    out = RawBaseline(
        groups=[
            RawBaselineGroup(group=title, analysed=analysed.get(gid), total=total_group(title))
            for gid, title in groups.items()
        ]
    )
    for measure in el.findall("measure_list/measure"):
        title = short(_text(measure, "title"))
        if title:
            out.measures.append(
                RawBaselineMeasure(
                    title=title,
                    param=_text(measure, "param"),
                    dispersion=_text(measure, "dispersion"),
                    units=short(_text(measure, "units")),
                    values=_values(measure, groups, {}),
                )
            )
    return out


def _result_outcome(el: ET.Element) -> RawResultOutcome | None:
    title = short(_text(el, "title"))
    measure = el.find("measure")
    if not title:
        return None
    groups = _groups(el)
    out = RawResultOutcome(
        kind=_text(el, "type") or "",
        title=title,
        time_frame=short(_text(el, "time_frame")),
        population=short(_text(el, "population")),
    )
    if measure is not None:
        out.param = _text(measure, "param")
        out.dispersion = _text(measure, "dispersion")
        out.units = short(_text(measure, "units"))
        out.values = _values(measure, groups, _analysed(measure))
    for analysis in el.findall("analysis_list/analysis"):
        p_value = _text(analysis, "p_value")
        if p_value:
            out.analyses.append(
                RawAnalysis(
                    p_value=p_value,
                    method=short(_text(analysis, "method")),
                    groups=[
                        groups.get(gid, gid) for gid in _texts(analysis, "group_id_list/group_id")
                    ],
                )
            )
    return out


def _flow(el: ET.Element | None) -> list[RawFlow]:
    """Started (first period) and completed (last period) per group."""
    if el is None:
        return []
    groups = _groups(el)
    periods = el.findall("period_list/period")
    if not periods:
        return []

    def milestone(period: ET.Element, name: str) -> dict[str, int]:
        for ms in period.findall("milestone_list/milestone"):
            if (_text(ms, "title") or "").upper() == name:
                return {
                    gid: n
                    for p in ms.findall("participants_list/participants")
                    if (gid := p.get("group_id")) and (n := count(p.get("count"))) is not None
                }
        return {}

    started, completed = milestone(periods[0], "STARTED"), milestone(periods[-1], "COMPLETED")
    return [
        RawFlow(group=title, started=started.get(gid), completed=completed.get(gid))
        for gid, title in groups.items()
        if gid in started or gid in completed
    ]


def _events(el: ET.Element | None) -> list[RawEvent]:
    if el is None:
        return []
    groups = _groups(el)
    out: list[RawEvent] = []
    for tag, serious in (("serious_events", True), ("other_events", False)):
        for cat in el.findall(f"{tag}/category_list/category"):
            organ = _text(cat, "title")
            total = (organ or "").lower() == "total"
            for event in cat.findall("event_list/event"):
                term = short(_text(event, "sub_title"))
                if not term:
                    continue
                counts = [
                    (groups.get(gid, gid), n, count(c.get("subjects_at_risk")))
                    for c in event.findall("counts")
                    if (gid := c.get("group_id"))
                    and (n := count(c.get("subjects_affected"))) is not None
                ]
                out.append(
                    RawEvent(
                        serious=serious,
                        term=term,
                        organ_system=None if total else short(organ),
                        total=total,
                        counts=counts,
                    )
                )
    return out


def results_from_xml(root: ET.Element) -> RawResults | None:
    """``clinical_results`` read into the neutral form; None when the record posts none."""
    el = root.find("clinical_results")
    if el is None:
        return None
    outcomes = [o for item in el.findall("outcome_list/outcome") if (o := _result_outcome(item))]
    warnings: list[str] = []
    raw = RawResults(
        outcomes=outcomes,
        events=_events(el.find("reported_events")),
        flow=_flow(el.find("participant_flow")),
        baseline=read_baseline(lambda: _baseline(el.find("baseline")), warnings),
        warnings=warnings,
    )
    return None if raw.empty else raw


def publications_from_xml(root: ET.Element) -> list[RawPublication]:
    return [
        RawPublication(citation=citation, pmid=_text(ref, "PMID"))
        for ref in root.findall("results_reference")
        if (citation := short(_text(ref, "citation")))
    ]


def record_from_xml(root: ET.Element) -> CtgovRecord:
    """Map ``<clinical_study>`` elements onto the neutral record."""
    nct_id = _text(root, "id_info/nct_id")
    if not nct_id:
        raise ParseError("record has no NCT ID (id_info/nct_id)")
    design_el = root.find("study_design_info")
    enrollment_el = root.find("enrollment")
    results: RawResults | None = None
    warnings: list[str] = []
    try:
        results = results_from_xml(root)
    except Exception as exc:  # a bad results section never fails the record
        warnings.append(f"posted results could not be read ({type(exc).__name__})")
    return CtgovRecord(
        nct_id=nct_id,
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        acronym=_text(root, "acronym"),
        org_study_id=_text(root, "id_info/org_study_id"),
        status=_text(root, "overall_status"),
        why_stopped=_text(root, "why_stopped"),
        phases=_phases(_text(root, "phase")),
        study_type=_text(root, "study_type"),
        design=[
            (label, value) for label, tag in _DESIGN if (value := _text(design_el, tag)) is not None
        ],
        enrollment=_text(root, "enrollment"),
        enrollment_type=enrollment_el.get("type") if enrollment_el is not None else None,
        min_age=_text(root, "eligibility/minimum_age"),
        max_age=_text(root, "eligibility/maximum_age"),
        sex=_text(root, "eligibility/gender"),
        healthy_volunteers=_text(root, "eligibility/healthy_volunteers"),
        conditions=_texts(root, "condition"),
        keywords=_texts(root, "keyword"),
        condition_mesh=_texts(root, "condition_browse/mesh_term"),
        intervention_mesh=_texts(root, "intervention_browse/mesh_term"),
        arms=[
            RawArm(
                label=label,
                type=_text(arm, "arm_group_type"),
                description=_text(arm, "description"),
            )
            for arm in root.findall("arm_group")
            if (label := _text(arm, "arm_group_label"))
        ],
        interventions=[
            RawIntervention(
                type=_text(item, "intervention_type"),
                name=name,
                description=_text(item, "description"),
                other_names=_texts(item, "other_name"),
            )
            for item in root.findall("intervention")
            if (name := _text(item, "intervention_name"))
        ],
        sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        collaborators=_texts(root, "sponsors/collaborator/agency"),
        officials=[o for el in root.findall("overall_official") if (o := _official(el))],
        locations=[_location(el) for el in root.findall("location")],
        contacts=[
            c
            for path, role in (("overall_contact", "Contact"), ("overall_contact_backup", None))
            for el in root.findall(path)
            if (c := _contact(el, role or "Backup contact")) is not None
        ],
        brief_summary=_block(root, "brief_summary/textblock"),
        detailed_description=_block(root, "detailed_description/textblock"),
        study_population=_block(root, "eligibility/study_pop/textblock"),
        criteria=_block(root, "eligibility/criteria/textblock"),
        outcomes=[
            RawOutcome(
                kind=kind,
                measure=measure,
                time_frame=_text(el, "time_frame"),
                description=_text(el, "description"),
            )
            for kind in ("primary", "secondary", "other")
            for el in root.findall(f"{kind}_outcome")
            if (measure := _text(el, "measure"))
        ],
        dates=[
            RawDate(kind=kind, raw=raw, type=el.get("type"))  # type: ignore[arg-type]
            for kind, tag in _DATES
            if (el := root.find(tag)) is not None and (raw := _text(root, tag))
        ],
        results=results,
        publications=publications_from_xml(root),
        warnings=warnings,
    )


class CtgovXmlParser:
    """Detects and parses one ``<clinical_study>`` document."""

    name = FORMAT

    def detect(self, name: str, text: str) -> float:
        return 0.95 if _ROOT.match(text[:4096]) else 0.0

    def parse(self, name: str, text: str) -> list[Trial]:
        text = text.removeprefix("\ufeff")
        try:
            root = _element_tree(_without_declared_encoding(text))
        except defusedxml.DefusedXmlException as exc:
            raise ParseError(
                f"XML refused for safety: DTDs and entities are refused ({type(exc).__name__})"
            ) from exc
        except ET.ParseError as exc:
            raise ParseError(f"malformed XML: {exc}") from exc
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"malformed XML: {type(exc).__name__}") from exc
        if root.tag != "clinical_study":
            raise ParseError(f"XML root is <{root.tag}>, not <clinical_study>")
        record = record_from_xml(root)
        return [trial_from_record(record, name=name, fmt=FORMAT, original=text)]


def _element_tree(text: str) -> ET.Element:
    """The document's element tree; a DTD (the only way to declare an entity) is refused.

    Without ``<!DOCTYPE`` no entity can be declared, so the C parser reads the document as
    safely as defusedxml and several times faster (defusedxml hooks expat from Python, one call
    per element: most of the cost of a record with 100,000 sites). Any document that names a
    DTD goes through defusedxml, which refuses it.
    """
    if "<!DOCTYPE" in text:
        return SafeET.fromstring(text, forbid_dtd=True)
    parser = ET.XMLParser()
    parser.feed(text)
    return parser.close()


_DECLARATION = re.compile(r"\A(\s*<\?xml[^>]*?)\s+encoding=(['\"])[^'\"]*\2")


def _without_declared_encoding(text: str) -> str:
    """The text is already decoded; a declared encoding would make expat decode it again."""
    return _DECLARATION.sub(r"\1", text, count=1)


PARSER = CtgovXmlParser()
