"""Build the unseen eval's cases from the shared data: ``build(data_dir)`` -> ``cases.jsonl``.

Trials are picked before any answer is looked at: every record is ranked by a salted sha256 of
its NCT id, and trials are taken in that order round-robin across strata (source, status group,
study type), so rare kinds (stopped trials, observational studies) are not crowded out. Trials
already in ``evals/cases`` or ``samples/`` are left out. Each trial goes to the ``tune`` or the
``report`` half by another hash of its id (never by case). Expected facts are read from the raw
fields (``records.py``), not from trialsum's parsers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.unseen import records
from evals.unseen.cases import CASES, MANIFEST, ExpectedFact, UnseenCase, vocab
from evals.unseen.records import RawRecord

ROOT = Path(__file__).resolve().parents[2]
SEED = "trialsum-unseen-v1"
XML_TRIALS = 240
V2_TRIALS = 40
SLICE_TRIALS = 16
_DOSE_RE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(mg/m2|mg/m²|mg/kg|µg/kg|mcg/kg|mg|mcg|µg|g|ml|mL|iu|IU|units)\b"
)


def h(*parts: str) -> int:
    return int(hashlib.sha256(":".join((SEED, *parts)).encode()).hexdigest()[:16], 16)


def half_of(nct: str) -> str:
    return "tune" if h("half", nct) % 2 == 0 else "report"


def used_elsewhere(root: Path = ROOT) -> set[str]:
    """NCT ids the hand-written evals and the samples already use."""
    out: set[str] = set()
    for folder in (root / "evals" / "cases", root / "samples"):
        for p in folder.rglob("*"):
            if p.is_file():
                out |= set(records.NCT_RE.findall(p.read_text(encoding="utf-8", errors="replace")))
    return out


def stratum(r: RawRecord) -> tuple[str, str, str]:
    groups = {
        "RECRUITING": "open",
        "NOT_YET_RECRUITING": "open",
        "ENROLLING_BY_INVITATION": "open",
        "ACTIVE_NOT_RECRUITING": "running",
        "COMPLETED": "completed",
        "TERMINATED": "stopped",
        "SUSPENDED": "stopped",
        "WITHDRAWN": "stopped",
    }
    return (r.source, groups.get(r.status or "", "other"), r.study_type or "?")


def pick(recs: list[RawRecord], n: int) -> list[RawRecord]:
    """``n`` records, round-robin across strata, each stratum in hash order."""
    by: dict[tuple[str, str, str], list[RawRecord]] = defaultdict(list)
    for r in sorted(recs, key=lambda r: h("pick", r.nct)):
        by[stratum(r)].append(r)
    order = sorted(by, key=lambda s: h("stratum", *s))
    out: list[RawRecord] = []
    while len(out) < n and any(by.values()):
        for s in order:
            if by[s] and len(out) < n:
                out.append(by[s].pop(0))
    return out


# ---------------------------------------------------------------- phrasing


def typo(question: str, key: int) -> str:
    """One letter of one longer word swapped with its neighbour or dropped."""
    words = question.split(" ")
    idx = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 5]
    if not idx:
        return question
    i = idx[key % len(idx)]
    w = words[i]
    letters = [j for j in range(1, len(w) - 2) if w[j].isalpha() and w[j + 1].isalpha()]
    if not letters:
        return question
    j = letters[(key // 7) % len(letters)]
    swapped, dropped = w[:j] + w[j + 1] + w[j] + w[j + 2 :], w[:j] + w[j + 1 :]
    words[i] = swapped if (key // 3) % 2 else dropped
    return " ".join(words)


# ---------------------------------------------------------------- expected facts


def _num(x: float) -> str:
    return f"{x:g}"


def _content(text: str) -> str:
    stop = set(vocab()["stopwords"])
    from evals.unseen.scoring import normalize

    return " ".join(dict.fromkeys(w for w in normalize(text) if w not in stop and len(w) > 1))


def _mentions(text: str, words: list[str]) -> bool:
    low = text.lower()
    return any(re.search(r"\b" + re.escape(w), low) for w in words)


def _drug_forms(name: str) -> list[str]:
    """The name as written, and its longest word (the drug in 'Oral azithromycin 500 mg')."""
    longest = max(re.findall(r"[A-Za-z][A-Za-z-]{4,}", name), key=len, default="")
    return [f for f in dict.fromkeys([name, longest]) if f]


def facts_for(kind: str, r: RawRecord) -> tuple[list[ExpectedFact], int] | None:
    """Expected facts and how many a right answer needs; None when the kind does not apply."""
    v = vocab()
    if kind == "age":
        ages = [(lbl, a) for lbl, a in (("min", r.min_age), ("max", r.max_age)) if a]
        if not ages:
            return None
        return [ExpectedFact(label=f"{lbl} age", forms=[_num(a.number)]) for lbl, a in ages], len(
            ages
        )
    if kind == "sex":
        forms = v["sex_forms"].get(r.sex or "")
        return ([ExpectedFact(label=r.sex or "", **forms)], 1) if forms else None
    if kind == "enrollment":
        if r.enrollment is None or r.enrollment <= 0:
            return None
        return [ExpectedFact(label="enrollment", forms=[str(r.enrollment)])], 1
    if kind == "phase":
        if not r.phases:
            return None
        key = "+".join(r.phases)
        forms = v["phase_forms"].get(key)
        return ([ExpectedFact(label=f"phase {key}", forms=forms)], 1) if forms else None
    if kind == "status":
        forms = v["status_forms"].get(r.status or "")
        return ([ExpectedFact(label=r.status or "", **forms)], 1) if forms else None
    if kind == "sites":
        if not r.cities:
            return None
        return [ExpectedFact(label="city", forms=[c]) for c in r.cities[:10]], 1
    if kind == "arms":
        labels = [a.label for a in r.arms if len(a.label) >= 3]
        if len(labels) < 2:
            return None
        return [ExpectedFact(label="arm", forms=[lbl]) for lbl in labels[:6]], min(2, len(labels))
    if kind == "placebo":
        texts = [a.label + " " + (a.description or "") for a in r.arms] + [
            i.name for i in r.interventions
        ]
        if not any("placebo" in t.lower() for t in texts):
            return None
        return [ExpectedFact(label="placebo", forms=["placebo"])], 1
    if kind == "outcome":
        if not r.primary_outcomes:
            return None
        return [
            ExpectedFact(
                label="primary outcome", forms=[_content(o.measure)], mode="tokens", min_share=0.5
            )
            for o in r.primary_outcomes[:3]
            if _content(o.measure)
        ], 1
    if kind == "time_frame":
        frames = [o.time_frame for o in r.primary_outcomes if o.time_frame][:3]
        if not frames:
            return None
        return [
            ExpectedFact(label="time frame", forms=[_content(t)], mode="tokens", min_share=0.75)
            for t in frames
            if _content(t)
        ], 1
    if kind == "interventions":
        names = [i.name for i in r.interventions if "placebo" not in i.name.lower()][:4]
        if not names:
            return None
        return [ExpectedFact(label="intervention", forms=_drug_forms(n)) for n in names], 1
    if kind == "doses":
        doses: list[str] = []
        for i in r.interventions:
            for m in _DOSE_RE.finditer(f"{i.name} {i.description or ''}"):
                doses.append(f"{m.group(1)} {m.group(2)}")
        doses = list(dict.fromkeys(doses))[:4]
        if not doses:
            return None
        return [ExpectedFact(label="dose", forms=[d]) for d in doses], 1
    if kind == "why_stopped":
        if not r.why_stopped:
            return None
        words = _content(r.why_stopped)
        return (
            ([ExpectedFact(label="why stopped", forms=[words], mode="tokens", min_share=0.5)], 1)
            if words
            else None
        )
    return None


def unanswerable(kind: str, r: RawRecord) -> bool:
    """The record lacks this fact: a right answer abstains."""
    v = vocab()
    if kind == "why_stopped":
        return not r.why_stopped
    if kind == "sites":
        return not r.cities
    if kind == "cost":
        return not _mentions(r.free_text, v["cost_words"])
    if kind == "age":
        return r.min_age is None and r.max_age is None and not _mentions(r.criteria, v["age_words"])
    return False


def cases_for(r: RawRecord, half: str, in_slice: bool) -> list[UnseenCase]:
    v = vocab()
    out = []
    for kind, spec in v["kinds"].items():
        got = facts_for(kind, r)
        if got is not None and got[0]:
            facts, need = got
            answerable = True
        elif unanswerable(kind, r):
            facts, need, answerable = [], 0, False
        else:
            continue
        templates = spec["templates"]
        t = h("template", r.nct, kind) % len(templates)
        question = templates[t]
        key = h("typo", r.nct, kind)
        is_typo = (key % 1000) / 1000 < v["typo_share"]
        if is_typo:
            question = typo(question, key // 1000)
        out.append(
            UnseenCase(
                id=f"{r.nct}-{kind}",
                trial=r.nct,
                source=r.source,  # type: ignore[arg-type]
                half=half,  # type: ignore[arg-type]
                slice=in_slice,
                kind=kind,
                answerable=answerable,
                question=question,
                template=t,
                typo=is_typo and question != templates[t],
                facts=facts,
                need=need,
                sections=spec["sections"],
            )
        )
    return out


def select(data_dir: Path) -> list[RawRecord]:
    skip = used_elsewhere()
    xml = [records.from_xml(text) for nct, text in records.iter_xml(data_dir) if nct not in skip]
    v2 = [
        records.from_v2(rec) for nct, rec in records.v2_records(data_dir).items() if nct not in skip
    ]
    xml_ids = {r.nct for r in xml}
    v2 = [r for r in v2 if r.nct not in xml_ids]
    return pick(xml, XML_TRIALS) + pick(v2, V2_TRIALS)


def build(data_dir: Path, out: Path = CASES, manifest: Path = MANIFEST) -> dict[str, Any]:
    """Write the case file and its manifest; returns the manifest."""
    chosen = select(data_dir)
    report = sorted(
        (r.nct for r in chosen if half_of(r.nct) == "report"), key=lambda n: h("slice", n)
    )
    in_slice = set(report[:SLICE_TRIALS])
    cases: list[UnseenCase] = []
    for r in chosen:
        cases.extend(cases_for(r, half_of(r.nct), r.nct in in_slice))
    out.write_text(
        "".join(c.model_dump_json(exclude_defaults=True) + "\n" for c in cases), encoding="utf-8"
    )
    info = {
        "seed": SEED,
        "data": [records.XML_ARCHIVE, records.V2_FILE],
        "trials": len(chosen),
        "cases": len(cases),
        "halves": {
            half: sorted(r.nct for r in chosen if half_of(r.nct) == half)
            for half in ("tune", "report")
        },
        "slice": sorted(in_slice),
        "strata": {"/".join(s): n for s, n in sorted(_count(chosen).items())},
    }
    manifest.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def _count(recs: list[RawRecord]) -> dict[tuple[str, str, str], int]:
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in recs:
        out[stratum(r)] += 1
    return out


def main(data_dir: Path | None = None) -> int:
    from summarizer.config import Settings

    data_dir = data_dir or Settings().data_dir
    if reason := records.data_present(data_dir):
        print(f"skipped: {reason}")
        return 0
    info = build(data_dir)
    print(
        f"wrote {CASES.relative_to(ROOT)}: {info['cases']} cases over {info['trials']} trials "
        f"(tune {len(info['halves']['tune'])}, report {len(info['halves']['report'])}, "
        f"CI slice {len(info['slice'])} report trials)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
