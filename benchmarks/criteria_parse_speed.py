"""Criteria parse time per trial at ingest, against the document parse of the same records.

Reads every ``step``-th of the 6,786 legacy XML records (500 by default), parses each into a
``Trial`` (the baseline, timed in the same run), then parses every trial's criteria into a
``CriteriaSet`` (``summarizer.criteria.parse_trial``), best of ``--repeat`` runs. Times are
CPU seconds of this process (the machine is shared; wall time would measure the neighbours).
Prints ms per trial for both, the ratio, and the criteria time as a share of a ~110 ms/trial
ingest (the figure in docs/BENCHMARKS.md; pass ``--ingest-ms`` to change it).

Usage: .venv/bin/python benchmarks/criteria_parse_speed.py [--size 500] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tarfile
import time
from pathlib import Path

from summarizer.criteria import parse_trial
from summarizer.parsers import parse_text

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))


def xml_docs(limit: int) -> list[tuple[str, str]]:
    docs: list[tuple[str, str]] = []
    with tarfile.open(DATA / "ctgov_xml_6786.tar.gz", mode="r|gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                handle = tar.extractfile(member)
                if handle is not None:
                    docs.append((member.name, handle.read().decode("utf-8", "replace")))
    step = max(1, len(docs) // limit)
    return docs[::step][:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ingest-ms", type=float, default=110.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not (DATA / "ctgov_xml_6786.tar.gz").exists():
        raise SystemExit(f"no XML archive under {DATA}: set TRIALSUM_DATA_DIR")
    docs = xml_docs(args.size)
    doc_best = crit_best = float("inf")
    trials = []
    for _ in range(args.repeat):
        t0 = time.process_time()
        trials = [t for name, text in docs for t in parse_text(name, text)]
        doc_best = min(doc_best, time.process_time() - t0)
    parse_trial(trials[0])  # load the vocabulary and compile the patterns outside the timing
    for _ in range(args.repeat):
        t0 = time.process_time()
        for trial in trials:
            parse_trial(trial)
        crit_best = min(crit_best, time.process_time() - t0)
    n = len(trials)
    criteria = sum(len(t.criteria) for t in trials)
    out = {
        "trials": n,
        "criteria": criteria,
        "document_parse_ms_per_trial": round(1000 * doc_best / n, 2),
        "criteria_parse_ms_per_trial": round(1000 * crit_best / n, 2),
        "criteria_parse_ms_per_criterion": round(1000 * crit_best / max(1, criteria), 3),
        "ratio_criteria_to_document": round(crit_best / doc_best, 2),
        "share_of_ingest": round(1000 * crit_best / n / args.ingest_ms, 3),
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return
    for k, v in out.items():
        print(f"{k:34} {v}")


if __name__ == "__main__":
    main()
