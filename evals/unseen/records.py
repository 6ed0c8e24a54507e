"""Raw trial facts read straight from the shared data, independently of trialsum's parsers.

The unseen eval grades the product, so its expected answers must not come from the product's own
reading of a record: XML is read with ``defusedxml`` and API v2 JSON with ``json``, field by field,
into one small ``RawRecord`` that both sources share.
"""

from __future__ import annotations

import json
import re
import tarfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from pydantic import BaseModel, Field

XML_ARCHIVE = "ctgov_xml_6786.tar.gz"
V2_FILE = "ctgov_v2_nsclc_100.json"
NCT_RE = re.compile(r"\bNCT\d{8}\b")


class Age(BaseModel):
    number: float
    unit: str = Field(description="year, month, week, day or hour (singular)")


class Arm(BaseModel):
    label: str
    type: str | None = None
    description: str | None = None


class Intervention(BaseModel):
    type: str | None = None
    name: str
    description: str | None = None


class Outcome(BaseModel):
    measure: str
    time_frame: str | None = None


class RawRecord(BaseModel):
    """What the eval needs of one trial, as the registry wrote it."""

    nct: str
    source: str = Field(description="xml or v2")
    status: str | None = Field(default=None, description="API v2 enum, e.g. ACTIVE_NOT_RECRUITING")
    why_stopped: str | None = None
    phases: list[str] = Field(default_factory=list, description="1, 2, 3, 4, early1 or na")
    study_type: str | None = Field(default=None, description="INTERVENTIONAL, OBSERVATIONAL, ...")
    enrollment: int | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    sex: str | None = Field(default=None, description="ALL, FEMALE or MALE")
    criteria: str = ""
    cities: list[str] = Field(default_factory=list)
    arms: list[Arm] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    primary_outcomes: list[Outcome] = Field(default_factory=list)
    free_text: str = Field(default="", description="summary, description, criteria, arms")


# ---------------------------------------------------------------- shared normalization


def status_code(words: str | None) -> str | None:
    """'Active, not recruiting' / 'Unknown status' / 'RECRUITING' -> the API v2 enum."""
    if not words:
        return None
    code = re.sub(r"[^A-Z]+", "_", words.upper()).strip("_")
    return "UNKNOWN" if code == "UNKNOWN_STATUS" else code


def phase_codes(words: Iterable[str]) -> list[str]:
    """'Phase 1/Phase 2', 'N/A', 'Early Phase 1', 'PHASE2', 'EARLY_PHASE1', 'NA' -> codes."""
    out: list[str] = []
    for w in words:
        low = w.lower().replace("_", " ")
        if "early" in low:
            out.append("early1")
        elif low.strip() in ("n/a", "na", "not applicable"):
            out.append("na")
        else:
            out.extend(re.findall(r"[1-4]", low))
    return list(dict.fromkeys(out))


def age(text: str | None) -> Age | None:
    """'18 Years' -> Age(18, year); 'N/A' or nothing -> None."""
    if not text:
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)", text)
    if not m:
        return None
    unit = m.group(2).lower().rstrip("s")
    return Age(number=float(m.group(1)), unit=unit)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


# ---------------------------------------------------------------- XML


def _x(node: Any, path: str) -> str | None:
    found = node.find(path)
    return _clean(found.text) if found is not None and found.text else None


def _xall(node: Any, path: str) -> list[str]:
    return [t for e in node.findall(path) if (t := _clean(e.text))]


def from_xml(text: str) -> RawRecord:
    root = ElementTree.fromstring(text)
    nct = _x(root, "id_info/nct_id") or ""
    elig = root.find("eligibility")
    criteria = (_x(elig, "criteria/textblock") if elig is not None else None) or ""
    enroll = _x(root, "enrollment")
    arms = [
        Arm(
            label=label,
            type=_x(a, "arm_group_type"),
            description=_x(a, "description"),
        )
        for a in root.findall("arm_group")
        if (label := _x(a, "arm_group_label"))
    ]
    interventions = [
        Intervention(type=_x(i, "intervention_type"), name=name, description=_x(i, "description"))
        for i in root.findall("intervention")
        if (name := _x(i, "intervention_name"))
    ]
    outcomes = [
        Outcome(measure=m, time_frame=_x(o, "time_frame"))
        for o in root.findall("primary_outcome")
        if (m := _x(o, "measure"))
    ]
    free = [
        _x(root, "brief_summary/textblock"),
        _x(root, "detailed_description/textblock"),
        criteria,
        *(a.description for a in arms),
        *(i.description for i in interventions),
    ]
    return RawRecord(
        nct=nct,
        source="xml",
        status=status_code(_x(root, "overall_status")),
        why_stopped=_x(root, "why_stopped"),
        phases=phase_codes(_xall(root, "phase")),
        study_type=status_code(_x(root, "study_type")),
        enrollment=int(enroll) if enroll and enroll.isdigit() else None,
        min_age=age(_x(elig, "minimum_age")) if elig is not None else None,
        max_age=age(_x(elig, "maximum_age")) if elig is not None else None,
        sex=status_code(_x(elig, "gender")) if elig is not None else None,
        criteria=criteria,
        cities=list(dict.fromkeys(_xall(root, "location/facility/address/city"))),
        arms=arms,
        interventions=interventions,
        primary_outcomes=outcomes,
        free_text="\n".join(t for t in free if t),
    )


def iter_xml(data_dir: Path, wanted: set[str] | None = None) -> Iterator[tuple[str, str]]:
    """(NCT id, XML text) from the archive, all of them or only ``wanted``."""
    with tarfile.open(data_dir / XML_ARCHIVE, "r:gz") as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".xml"):
                continue
            nct = Path(member.name).stem
            if wanted is not None and nct not in wanted:
                continue
            handle = tar.extractfile(member)
            if handle is not None:
                yield nct, handle.read().decode("utf-8")


# ---------------------------------------------------------------- API v2 JSON


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def from_v2(rec: dict[str, Any]) -> RawRecord:
    p = rec.get("protocolSection", {})
    elig = p.get("eligibilityModule", {})
    ai = p.get("armsInterventionsModule", {})
    arms = [
        Arm(label=label, type=a.get("type"), description=_clean(a.get("description")))
        for a in ai.get("armGroups", [])
        if (label := _clean(a.get("label")))
    ]
    interventions = [
        Intervention(type=i.get("type"), name=name, description=_clean(i.get("description")))
        for i in ai.get("interventions", [])
        if (name := _clean(i.get("name")))
    ]
    outcomes = [
        Outcome(measure=m, time_frame=_clean(o.get("timeFrame")))
        for o in _get(p, "outcomesModule", "primaryOutcomes") or []
        if (m := _clean(o.get("measure")))
    ]
    locations = _get(p, "contactsLocationsModule", "locations") or []
    criteria = _clean(elig.get("eligibilityCriteria")) or ""
    free = [
        _clean(_get(p, "descriptionModule", "briefSummary")),
        _clean(_get(p, "descriptionModule", "detailedDescription")),
        criteria,
        *(a.description for a in arms),
        *(i.description for i in interventions),
    ]
    count = _get(p, "designModule", "enrollmentInfo", "count")
    return RawRecord(
        nct=_get(p, "identificationModule", "nctId") or "",
        source="v2",
        status=status_code(_get(p, "statusModule", "overallStatus")),
        why_stopped=_clean(_get(p, "statusModule", "whyStopped")),
        phases=phase_codes(_get(p, "designModule", "phases") or []),
        study_type=status_code(_get(p, "designModule", "studyType")),
        enrollment=int(count) if isinstance(count, int) else None,
        min_age=age(elig.get("minimumAge")),
        max_age=age(elig.get("maximumAge")),
        sex=status_code(elig.get("sex")),
        criteria=criteria,
        cities=list(dict.fromkeys(c for loc in locations if (c := _clean(loc.get("city"))))),
        arms=arms,
        interventions=interventions,
        primary_outcomes=outcomes,
        free_text="\n".join(t for t in free if t),
    )


def v2_records(data_dir: Path) -> dict[str, dict[str, Any]]:
    path = data_dir / V2_FILE
    if not path.exists():
        return {}
    out = {}
    for rec in json.loads(path.read_text(encoding="utf-8")):
        nct = _get(rec, "protocolSection", "identificationModule", "nctId")
        if nct:
            out[nct] = rec
    return out


def data_present(data_dir: Path) -> str | None:
    """None when the shared data is there, else why the unseen eval must skip."""
    missing = [n for n in (XML_ARCHIVE, V2_FILE) if not (data_dir / n).exists()]
    if missing:
        return f"shared data absent: {', '.join(missing)} not in {data_dir}"
    return None


def write_docs(trials: set[str], data_dir: Path, folder: Path) -> set[str]:
    """The trials' records as files for ingest; returns the ids found."""
    folder.mkdir(parents=True, exist_ok=True)
    found: set[str] = set()
    for nct, rec in v2_records(data_dir).items():
        if nct in trials:
            (folder / f"v2_{nct}.json").write_text(json.dumps(rec), encoding="utf-8")
            found.add(nct)
    for nct, text in iter_xml(data_dir, trials - found):
        (folder / f"{nct}.xml").write_text(text, encoding="utf-8")
        found.add(nct)
    return found
