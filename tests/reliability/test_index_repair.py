"""A store whose vector index files were torn (a process killed while Chroma wrote them) reopens:
the torn collection is rebuilt from the store's own records under the exclusive hold, the store
answers as before, and the repair is reported in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.harness import (
    ARCHIVE,
    CACHE_FILENAME,
    ROOT,
    check_store,
    child_env,
    extract,
    fill_cache,
    open_store,
    run_ingest,
)

QUERY = "cancer"
RECORDS = 100  # enough chunks for Chroma to persist an index file (its sync threshold: 1,000)


def _pickles(home: Path) -> list[Path]:
    return sorted((home / "store" / "chroma").glob("*/index_metadata.pickle"))


def _search(home: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "summarizer", "search", QUERY, "-k", "3"]
    return subprocess.run(
        cmd, cwd=ROOT, env=child_env(home), capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def stored(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = shared_data / ARCHIVE
    if not archive.is_file():
        pytest.skip(f"{archive} not found; the reliability suite needs real CT.gov records")
    root = tmp_path_factory.mktemp("repair")
    docs = root / "docs"
    extract(archive, docs, RECORDS)
    home = root / "home"
    (home / "store").mkdir(parents=True)
    fill_cache(home / "store" / CACHE_FILENAME, [docs])
    run_ingest(home, [docs], batch=50)
    if not _pickles(home):
        pytest.skip("no collection reached Chroma's persisted index (sync threshold)")
    return home


def test_a_torn_index_pickle_is_rebuilt_on_open_and_the_store_answers(
    stored: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(stored, home)
    before = check_store(open_store(stored))
    healthy = _search(home)
    assert healthy.returncode == 0, healthy.stderr
    assert "rebuilt" not in healthy.stderr  # an intact store is not repaired

    for pickle in _pickles(home):
        data = pickle.read_bytes()
        pickle.write_bytes(b"\x80\x04[torn" + data[len(data) // 2 :])  # a half-written file

    reopened = _search(home)
    assert reopened.returncode == 0, reopened.stderr
    repairs = [line for line in reopened.stderr.splitlines() if "was torn" in line]
    assert repairs and all("rebuilt it from the store's own" in line for line in repairs)
    assert reopened.stdout == healthy.stdout  # the same hits, in the same order

    assert check_store(open_store(home)) == before  # every trial whole, vectors in step
    again = _search(home)
    assert again.returncode == 0 and "was torn" not in again.stderr  # repaired once, for good


def test_a_repair_killed_midway_is_finished_by_the_next_open(stored: Path, tmp_path: Path) -> None:
    """The marker of an unfinished repair makes the next open redo it from the start."""
    home = tmp_path / "home"
    shutil.copytree(stored, home)
    before = check_store(open_store(stored))
    (pickle,) = _pickles(home)[:1]
    segment = pickle.parent
    # What a repair killed right after setting the torn folder aside leaves behind.
    (segment.parent / f"repair.{_collection_of(home, segment.name)}.json").write_text(
        f'{{"segment": "{segment.name}"}}', encoding="utf-8"
    )
    segment.rename(segment.with_name(segment.name + ".torn"))

    reopened = _search(home)
    assert reopened.returncode == 0, reopened.stderr
    assert any("was torn" in line for line in reopened.stderr.splitlines())
    assert not list((home / "store" / "chroma").glob("repair.*.json"))
    assert check_store(open_store(home)) == before


def _collection_of(home: Path, segment: str) -> str:
    import sqlite3

    db = sqlite3.connect(home / "store" / "chroma" / "chroma.sqlite3")
    try:
        (name,) = db.execute(
            "SELECT c.name FROM segments s JOIN collections c ON s.collection = c.id "
            "WHERE s.id = ?",
            (segment,),
        ).fetchone()
    finally:
        db.close()
    return str(name)
