"""A ``trialsum ingest`` killed with SIGKILL at random moments leaves a store that opens, lists
only whole trials (each in its old or its new version), keeps BM25 and vectors in step, and
a rerun brings it to exactly what an uninterrupted ingest produces."""

from __future__ import annotations

import random
import shutil
import signal
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Corpus,
    Snapshot,
    check_store,
    new_home,
    open_store,
    run_ingest,
    start_ingest,
    wait_for_writes,
)

SEEDS = (11, 23, 47, 89)
BATCH = 4


@pytest.fixture(scope="module")
def stores(xml_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The base store (the first records, as first ingested) and the uninterrupted target."""
    root = tmp_path_factory.mktemp("crash")
    base = new_home(root / "base", xml_corpus)
    run_ingest(base, [xml_corpus.show(xml_corpus.base)], batch=BATCH)
    base_snapshot = check_store(open_store(base))

    reference = root / "reference"
    shutil.copytree(base, reference)
    run_ingest(reference, [xml_corpus.show(xml_corpus.target)], batch=BATCH)
    return {
        "base": base,
        "base_snapshot": base_snapshot,
        "reference": check_store(open_store(reference)),
    }


def test_the_reference_ingest_changes_new_and_revised_trials(stores: dict[str, object]) -> None:
    base: Snapshot = stores["base_snapshot"]  # type: ignore[assignment]
    reference: Snapshot = stores["reference"]  # type: ignore[assignment]
    assert reference.stray_records == 0 and base.stray_records == 0
    assert set(base.trials) < set(reference.trials)
    changed = {t for t in base.trials if base.trials[t][0] != reference.trials[t][0]}
    assert changed and changed != set(base.trials)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_killed_ingest_leaves_whole_trials_and_a_rerun_finishes_the_job(
    seed: int, stores: dict[str, object], xml_corpus: Corpus, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    base: Snapshot = stores["base_snapshot"]  # type: ignore[assignment]
    reference: Snapshot = stores["reference"]  # type: ignore[assignment]
    home = tmp_path / "home"
    shutil.copytree(stores["base"], home)  # type: ignore[arg-type]

    docs = xml_corpus.show(xml_corpus.target)
    proc = start_ingest(home, [docs], batch=BATCH)
    # Kill somewhere inside the next batch: after a few writes, at a random share of the gap.
    writes, gap = wait_for_writes(proc, home, writes=rng.randint(2, 4), limit=180)
    wait = rng.uniform(0.0, 1.0) * gap
    try:
        proc.wait(timeout=wait)
    except Exception:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"ingest ended by itself after {writes} writes"

    after = check_store(open_store(home))
    for tid, seen in after.trials.items():
        assert seen in (base.trials.get(tid), reference.trials[tid]), f"{tid} is neither version"
    assert set(base.trials) <= set(after.trials), "a trial the killed run did not own was lost"
    new = sum(after.trials[t] == reference.trials[t] != base.trials.get(t) for t in after.trials)
    print(
        f"seed {seed}: killed after {writes} writes; {new} trials in their new version, "
        f"{after.stray_records} stray chunk records"
    )

    log = run_ingest(home, [docs], batch=BATCH)
    assert "0 failed" in log
    assert check_store(open_store(home)) == reference
