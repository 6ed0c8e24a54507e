"""Which trials the hand-written set uses, by a rule fixed before any question was written.

Rule: every ClinicalTrials.gov XML record in the shared archive, ranked by
``sha256("trialsum-handwritten-v1:pick:" + NCT id)``; skip every NCT id named anywhere under
``evals/`` (outside this folder), ``samples/`` or the seed documents; keep records that are
interventional or observational and have eligibility criteria text; take the first ``COUNT``.
Each trial's half is the parity of ``sha256("trialsum-handwritten-v1:half:" + NCT id)``
(even: tune, odd: report). ``python -m evals.handwritten.select`` prints the list; the manifest
records it so a changed archive or a new eval set cannot silently move the trials.

Round 2 (``--round 2``), fixed before any round-2 question was written: the same archive and
filters, ranked by ``sha256("trialsum-handwritten-v2:pick:" + NCT id)``; skip round 1's trials
(the manifest's ``order``) and every NCT id named under ``evals/`` (outside this folder),
``samples/`` or the seed documents; each trial's half is the parity of
``sha256("trialsum-handwritten-v2:half:" + NCT id)``; take the first ``ROUND_COUNT // 2`` of
each half in rank order, so the round is split evenly.

Round 3 (``--round 3``), fixed the same way before any round-3 question was written: the round-2
rule with the seed ``trialsum-handwritten-v3``, skipping rounds 1 and 2's trials.

Round 4 (``--round 4``), fixed the same way before any round-4 question was written: the round-2
rule with the seed ``trialsum-handwritten-v4``, skipping rounds 1, 2 and 3's trials.

Round 5 (``--round 5``), fixed the same way before any round-5 question was written: the round-2
rule with the seed ``trialsum-handwritten-v5``, skipping rounds 1 to 4's trials.

Round 6 (``--round 6``), fixed the same way before any round-6 question was written: the round-2
rule with the seed ``trialsum-handwritten-v6``, skipping rounds 1 to 5's trials, keeping only
records that post results (a ``<clinical_results>`` element), and taking ``ROUND_COUNTS[6]`` = 10
trials (5 per half): the round asks about posted results (baseline, outcomes, side effects, how
many finished) on trials nobody tuned on.
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
SEED2 = "trialsum-handwritten-v2"
SEED3 = "trialsum-handwritten-v3"
SEED4 = "trialsum-handwritten-v4"
SEED5 = "trialsum-handwritten-v5"
SEED6 = "trialsum-handwritten-v6"
COUNT = 32
ROUND_COUNT = 16  # trials of each later round, half of them per half
ROUND_COUNTS = {6: 10}  # a round that takes another number of trials
RESULTS_ROUNDS = frozenset({6})  # rounds that keep only records posting results
KEEP_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL")
RULE = (
    "XML records of ctgov_xml_6786.tar.gz ranked by sha256('trialsum-handwritten-v1:pick:' + NCT); "
    "skip any NCT id named under evals/ (other than evals/handwritten), samples/ or the seed "
    "documents; keep interventional or observational records with eligibility criteria text; "
    "first 32. Half: sha256('trialsum-handwritten-v1:half:' + NCT) even -> tune, odd -> report."
)
SEEDS = {1: SEED, 2: SEED2, 3: SEED3, 4: SEED4, 5: SEED5, 6: SEED6}


def round_count(n: int) -> int:
    """How many trials round ``n`` (2 on) takes, half of them per half."""
    return ROUND_COUNTS.get(n, ROUND_COUNT)


def posts_results(text: str) -> bool:
    """The raw XML record posts results (it has a ``<clinical_results>`` element)."""
    return "<clinical_results>" in text or "<clinical_results " in text


def round_rule(n: int) -> str:
    """The selection rule of round ``n`` in words, as its manifest records it."""
    if n == 1:
        return RULE
    before = [str(i) for i in range(1, n)]
    which = f"round {before[0]}'s" if n == 2 else f"rounds {', '.join(before[:-1])} and {n - 1}'s"
    count = round_count(n)
    posted = " that post results (clinical_results present)" if n in RESULTS_ROUNDS else ""
    return (
        f"XML records of ctgov_xml_6786.tar.gz ranked by sha256('{SEEDS[n]}:pick:' + NCT); "
        f"skip {which} trials and any NCT id named under evals/ (other than evals/handwritten), "
        "samples/ or the seed documents; keep interventional or observational records with "
        f"eligibility criteria text{posted}; half: sha256('{SEEDS[n]}:half:' + NCT) even -> "
        f"tune, odd -> report; first {count // 2} of each half in rank order ({count})."
    )


def earlier_trials(manifest: dict, n: int) -> set[str]:
    """The trials of every round before round ``n``, as the manifest lists them."""
    rounds = {1: manifest["order"], **{int(k): r["order"] for k, r in manifest["rounds"].items()}}
    return {t for k in range(1, n) for t in rounds[k]}


def h(*parts: str, seed: str = SEED) -> int:
    return int(hashlib.sha256(":".join((seed, *parts)).encode()).hexdigest(), 16)


def half_of(nct: str, seed: str = SEED) -> str:
    return "tune" if h("half", nct, seed=seed) % 2 == 0 else "report"


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


def choose_round(
    data_dir: Path,
    earlier: set[str],
    seed: str,
    seeds: Path | None = None,
    count: int = ROUND_COUNT,
    results_only: bool = False,
) -> list[str]:
    """A later round's trials in rank order under ``seed``: ``count // 2`` per half, none of
    ``earlier``'s (the trials of the rounds before); with ``results_only``, only records that
    post results."""
    skip = used_elsewhere(seeds=seeds) | earlier
    ranked = sorted(
        (h("pick", nct, seed=seed), nct, text)
        for nct, text in records.iter_xml(data_dir)
        if nct not in skip
    )
    want = {"tune": count // 2, "report": count - count // 2}
    out: list[str] = []
    for _, nct, text in ranked:
        half = half_of(nct, seed=seed)
        if not want[half] or (results_only and not posts_results(text)):
            continue
        rec = records.from_xml(text)
        if rec.study_type in KEEP_TYPES and rec.criteria.strip():
            out.append(nct)
            want[half] -= 1
            if not any(want.values()):
                break
    return out


if __name__ == "__main__":
    from evals.handwritten.cases import load_manifest
    from summarizer.config import Settings

    data = Settings().data_dir
    seeds_dir = data.parent / "seeds"
    manifest = load_manifest()
    n = int(sys.argv[sys.argv.index("--round") + 1]) if "--round" in sys.argv else 1
    if n == 1:
        chosen = choose(data, seeds=seeds_dir)
    else:
        chosen = choose_round(
            data,
            earlier_trials(manifest, n),
            SEEDS[n],
            seeds=seeds_dir,
            count=round_count(n),
            results_only=n in RESULTS_ROUNDS,
        )
    json.dump({t: half_of(t, seed=SEEDS[n]) for t in chosen}, sys.stdout, indent=1)
