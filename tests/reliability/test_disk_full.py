"""A store whose disk fills up: ``trialsum ingest`` ends within its time bound with one line and a
non-zero exit, reads say so instead of raising, the store stays consistent, and once space is
freed the same ingest finishes the job. Real processes on a real (tmpfs) filesystem."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import (
    ROOT,
    Corpus,
    check_store,
    child_env,
    expected_trials,
    new_home,
    open_store,
    run_ingest,
)
from vectorstore.disk_space import MIN_FREE_BYTES

TRIALSUM = ROOT / ".venv" / "bin" / "trialsum"
SIZE_MB = 64  # the tmpfs: room for the store and its cache, and MIN_FREE_BYTES to spare
BOUND_S = 120  # a hang fails here; the run itself takes seconds (process start included)
LINE = "the store's disk is full"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {SIZE_MB} MB tmpfs to fill up: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Write a file until ``leave`` bytes are free, or, for 0, until the filesystem refuses."""
    filler = disk / "filler"
    block = b"\0" * (1024 * 1024)
    with filler.open("wb") as out:
        try:
            while shutil.disk_usage(disk).free - len(block) >= leave:
                out.write(block)
                out.flush()
        except OSError:
            pass
    if leave:
        return filler
    for size in (64 * 1024, 4096):  # the last partial blocks
        try:
            with filler.open("ab") as out:
                while True:
                    out.write(b"\0" * size)
                    out.flush()
        except OSError:
            pass
    return filler


def trialsum(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRIALSUM), *args],
        cwd=ROOT,
        env=child_env(home),
        capture_output=True,
        text=True,
        timeout=BOUND_S,
    )


@pytest.mark.parametrize(
    "leave",
    [0, MIN_FREE_BYTES + 256 * 1024],
    ids=["full-before-the-ingest", "fills-during-the-ingest"],
)
def test_a_full_disk_stops_the_ingest_with_one_line_and_the_rerun_finishes(
    xml_corpus: Corpus, small_disk: Path, leave: int
) -> None:
    home = new_home(small_disk / "home", xml_corpus)
    run_ingest(home, [xml_corpus.show(xml_corpus.base)], batch=4)
    before = check_store(open_store(home))
    assert before.trials and shutil.disk_usage(small_disk).free > MIN_FREE_BYTES

    docs = xml_corpus.show(xml_corpus.target)  # new and revised records to write
    filler = fill(small_disk, leave)
    assert shutil.disk_usage(small_disk).free < leave + 1024 * 1024

    full = trialsum(home, "ingest", str(docs), "--batch", "4")  # times out if it hangs
    errors = [line for line in full.stderr.splitlines() if line.strip()]
    assert full.returncode == 75, full.stderr
    assert len(errors) == 1 and LINE in errors[0] and "nothing was lost" in errors[0]
    assert "Traceback" not in full.stderr + full.stdout

    listing = trialsum(home, "trials", "--json")  # a read of the full store
    assert "Traceback" not in listing.stderr
    if listing.returncode:
        assert listing.returncode == 75 and LINE in listing.stderr
    else:
        assert all(tid in listing.stdout for tid in before.trials)

    filler.unlink()
    wanted = expected_trials(docs, open_store(home))
    after_full = check_store(open_store(home))  # every trial whole, BM25 and vectors agree
    for tid, seen in after_full.trials.items():
        assert seen in (before.trials.get(tid), wanted[tid]), f"{tid} is neither version"
    assert set(before.trials) <= set(after_full.trials), "a stored trial was lost"
    if not leave:
        assert after_full == before  # refused before its first write

    log = run_ingest(home, [docs], batch=4, timeout=BOUND_S * 3)
    assert "0 failed" in log
    final = check_store(open_store(home))
    assert final.trials == wanted and final.stray_records == 0
