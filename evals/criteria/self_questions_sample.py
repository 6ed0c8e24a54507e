"""Which unseen trials the self-eligibility questions are written for, chosen before any answer.

Trials come from the 6,786 legacy XML records and the 100 API v2 records, minus every trial the
samples, the eval cases and the unseen-slice cases use. Each is put in one kind by its study type,
age limits and condition/title keywords (first match in ``KINDS`` order); trials with fewer than
three inclusion or three exclusion criteria are left out (too little to ask about). Within a kind
the trials with the smallest sha256(SEED + NCT id) are taken; a trial's half (tune/report) is the
parity of another seeded hash. Run: .venv/bin/python -m evals.criteria.self_questions_sample

Round 2 (``--round 2``): the same kinds and filters with a second seed (``SEED2``), two XML
trials per kind, excluding also every trial round 1 chose and every NCT id named anywhere under
evals/ (so no trial of any eval set is asked about twice; its own round-2 questions aside); its
half is the parity of a SEED2 hash. Fixed before any round-2 question was written or any answer
read, and run on the session-24 tree: an NCT id added under evals/ later can change what a
re-run picks, so the chosen trials are the round-2 rows of self_questions.jsonl.

Round 3 (``--round 3``): the same rule as round 2 with a third seed (``SEED3``): two XML trials
per kind, excluding every NCT id named under samples/ and evals/ (rounds 1 and 2 among them; its
own round-3 rows aside); its half is the parity of a SEED3 hash. Fixed before any round-3
question was written, run on the session-24 tree (helper P2); the chosen trials are the round-3
rows of self_questions.jsonl.

Round 4 (``--round 4``): the same rule with a fourth seed (``SEED4``): two XML trials per kind,
excluding every NCT id named under samples/ and evals/ (rounds 1-3 among them; its own round-4
rows aside); its half is the parity of a SEED4 hash. Fixed before any round-4 question was
written, run on the session-24 tree (helper P3); the chosen trials are the round-4 rows of
self_questions.jsonl.

Round 5 (``--round 5``): the same rule with a fifth seed (``SEED5``): two XML trials per kind,
excluding every NCT id named under samples/ and evals/ (rounds 1-4 among them; its own round-5
rows aside); its half is the parity of a SEED5 hash. Fixed before any round-5 question was
written, run on the session-24 tree (helper P4); the chosen trials are the round-5 rows of
self_questions.jsonl.

Round 6 (``--round 6``): the same rule with a sixth seed (``SEED6``): two XML trials per kind,
excluding every NCT id named under samples/ and evals/ (rounds 1-5 among them; its own round-6
rows aside); its half is the parity of a SEED6 hash. Fixed before any round-6 question was
written, run on the session-25 tree (helper P); the chosen trials are the round-6 rows of
self_questions.jsonl. The fit-bullet set's round 4, chosen at the same time, took one of the
first pick's pregnancy trials; the rule was run again without it (a round's own rows no
longer exempt a trial that another eval set names) and the next pregnancy trial took its place.
(No NCT id is written in this file: every file under evals/ is read for the ids to skip.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
from pathlib import Path

from summarizer.models import Trial
from summarizer.parsers import parse_text

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
QUESTIONS = ROOT / "evals" / "criteria" / "self_questions.jsonl"
SEED = "self-eligibility-2026"
PER_KIND = 5
V2_TRIALS = 3
SEED2 = "self-eligibility-2026-r2"
PER_KIND2 = 2
SEED3 = "self-eligibility-2026-r3"
SEED4 = "self-eligibility-2026-r4"
SEED5 = "self-eligibility-2026-r5"
SEED6 = "self-eligibility-2026-r6"
SEEDS = {2: SEED2, 3: SEED3, 4: SEED4, 5: SEED5, 6: SEED6}  # a later round's seed, by number
KINDS: tuple[tuple[str, str], ...] = (
    ("observational", ""),
    ("children", ""),
    ("pregnancy", r"pregnan|preterm|pre-?eclampsia|gestation|postpartum|labou?r induction"),
    ("vaccines", r"vaccin|immuni[sz]"),
    ("mental health", r"depress|schizo|bipolar|anxiety|ptsd|psychos|alcohol|opioid use|"
                      r"substance|panic|obsessive|adhd|autis"),
    ("diabetes", r"diabet"),
    ("heart", r"heart|cardiac|coronary|myocardial|atrial|hypertension|cardio|angina|stroke"),
    ("cancer", r"cancer|carcinoma|tumou?r|lymphoma|leuka?emia|melanoma|neoplasm|myeloma|sarcoma"),
)  # fmt: skip


def rank(trial_id: str, salt: str = "", seed: str = SEED) -> str:
    return hashlib.sha256(f"{seed}{salt}:{trial_id}".encode()).hexdigest()


def half(trial_id: str, seed: str = SEED) -> str:
    return "report" if int(rank(trial_id, "half", seed)[:8], 16) % 2 else "tune"


def excluded_ids(
    folders: tuple[str, ...] = ("samples", "evals/cases", "evals/unseen"),
    leave_out: Path | None = None,
) -> set[str]:
    """Every NCT id named in a file under ``folders`` (``leave_out`` not read)."""
    ids: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path != leave_out:
                ids.update(
                    re.findall(r"NCT\d{8}", path.read_text(encoding="utf-8", errors="ignore"))
                )
    return ids


def kind_of(trial: Trial) -> str | None:
    if trial.study_type is not None and trial.study_type.value == "OBSERVATIONAL":
        return "observational"
    if trial.max_age is not None and trial.max_age.years is not None and trial.max_age.years <= 18:
        return "children"
    words = " ".join([trial.title, *(c.value for c in trial.conditions)]).lower()
    for kind, pattern in KINDS[2:]:
        if re.search(pattern, words):
            return kind
    return None


def usable(trial: Trial) -> bool:
    return len(trial.inclusion_criteria) >= 3 and len(trial.exclusion_criteria) >= 3


def xml_trials() -> list[Trial]:
    out: list[Trial] = []
    with tarfile.open(DATA / "ctgov_xml_6786.tar.gz", mode="r|gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                handle = tar.extractfile(member)
                if handle is not None:
                    text = handle.read().decode("utf-8", "replace")
                    out.extend(parse_text(member.name, text))
    return out


def v2_trials() -> list[Trial]:
    records = json.loads((DATA / "ctgov_v2_nsclc_100.json").read_text(encoding="utf-8"))
    return [t for i, r in enumerate(records) for t in parse_text(f"v2-{i}.json", json.dumps(r))]


def choose() -> list[dict[str, str]]:
    """The chosen trials: id, source, kind, half, path of the record it came from."""
    skip = excluded_ids()
    picks: list[dict[str, str]] = []
    pools: dict[str, list[Trial]] = {k: [] for k, _ in KINDS}
    for trial in xml_trials():
        if trial.trial_id in skip or not usable(trial):
            continue
        kind = kind_of(trial)
        if kind is not None:
            pools[kind].append(trial)
    for kind, pool in pools.items():
        for trial in sorted(pool, key=lambda t: rank(t.trial_id))[:PER_KIND]:
            picks.append(_row(trial, "xml", kind))
    v2 = [t for t in v2_trials() if t.trial_id not in skip and usable(t)]
    for trial in sorted(v2, key=lambda t: rank(t.trial_id))[:V2_TRIALS]:
        picks.append(_row(trial, "v2", "cancer"))
    return picks


def choose_round(seed: str = SEED2, round_no: int = 2) -> list[dict[str, str]]:
    """Round 2 or any later round, each with its own seed: PER_KIND2 XML trials per kind by the
    round's seed, none already used by any eval set (the round's own rows aside)."""
    skip = excluded_ids(("samples", "evals"), leave_out=QUESTIONS) | _other_rounds_ids(round_no)
    pools: dict[str, list[Trial]] = {k: [] for k, _ in KINDS}
    for trial in xml_trials():
        if trial.trial_id in skip or not usable(trial):
            continue
        kind = kind_of(trial)
        if kind is not None:
            pools[kind].append(trial)
    picks: list[dict[str, str]] = []
    for kind, pool in pools.items():
        for trial in sorted(pool, key=lambda t: rank(t.trial_id, seed=seed))[:PER_KIND2]:
            picks.append(_row(trial, "xml", kind, seed))
    return picks


def _other_rounds_ids(round_no: int) -> set[str]:
    """The trials the question set's other rounds ask about. The set's own file is read by rows,
    not as text, so a round's own trials are no reason to leave themselves out when its rule is
    run again, while a trial another eval set names still is."""
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    return {r["trial"] for r in rows if r.get("round", 1) != round_no}


def _row(trial: Trial, source: str, kind: str, seed: str = SEED) -> dict[str, str]:
    return {
        "trial": trial.trial_id,
        "source": source,
        "kind": kind,
        "half": half(trial.trial_id, seed),
        "path": trial.source.path,
    }


if __name__ == "__main__":
    import sys

    round_no = int(sys.argv[sys.argv.index("--round") + 1]) if "--round" in sys.argv else 1
    for row in choose_round(SEEDS[round_no], round_no) if round_no > 1 else choose():
        print(json.dumps(row))
