"""Which trials the hand-written set uses, by a rule fixed before any question was written.

Rule: every ClinicalTrials.gov XML record in the shared archive, ranked by
``sha256("trialsum-handwritten-v1:pick:" + NCT id)``; skip every NCT id named anywhere under
``evals/`` (outside this folder), ``samples/`` or the seed documents; keep records that are
interventional or observational and have eligibility criteria text; take the first ``COUNT``.
Each trial's half is the parity of ``sha256("trialsum-handwritten-v1:half:" + NCT id)``
(even: tune, odd: report). ``python -m evals.handwritten.select`` prints the list; the manifest
records it so a changed archive or a new eval set cannot silently move the trials.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from evals.unseen import records

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SEED = "trialsum-handwritten-v1"
COUNT = 32
KEEP_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL")
RULE = (
    "XML records of ctgov_xml_6786.tar.gz ranked by sha256('trialsum-handwritten-v1:pick:' + NCT); "
    "skip any NCT id named under evals/ (other than evals/handwritten), samples/ or the seed "
    "documents; keep interventional or observational records with eligibility criteria text; "
    "first 32. Half: sha256('trialsum-handwritten-v1:half:' + NCT) even -> tune, odd -> report."
)


def h(*parts: str) -> int:
    return int(hashlib.sha256(":".join((SEED, *parts)).encode()).hexdigest(), 16)


def half_of(nct: str) -> str:
    return "tune" if h("half", nct) % 2 == 0 else "report"


def used_elsewhere(root: Path = ROOT, seeds: Path | None = None) -> set[str]:
    """NCT ids named by the other eval sets, the samples and the seed documents."""
    folders = [root / "evals", root / "samples"]
    if seeds is not None:
        folders.append(seeds)
    out: set[str] = set()
    for folder in folders:
        for p in folder.rglob("*"):
            if p.is_file() and HERE not in p.parents and p.suffix != ".pyc":
                out |= set(records.NCT_RE.findall(p.read_text(encoding="utf-8", errors="replace")))
    return out


def choose(data_dir: Path, seeds: Path | None = None, count: int = COUNT) -> list[str]:
    skip = used_elsewhere(seeds=seeds)
    ranked = sorted(
        ((h("pick", nct), nct, text) for nct, text in records.iter_xml(data_dir) if nct not in skip)
    )
    out: list[str] = []
    for _, nct, text in ranked:
        rec = records.from_xml(text)
        if rec.study_type in KEEP_TYPES and rec.criteria.strip():
            out.append(nct)
            if len(out) == count:
                break
    return out


if __name__ == "__main__":
    from summarizer.config import Settings

    data = Settings().data_dir
    chosen = choose(data, seeds=data.parent / "seeds")
    json.dump({n: half_of(n) for n in chosen}, sys.stdout, indent=1)
