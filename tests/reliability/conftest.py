"""The reliability suite's corpus: real CT.gov records, a revised copy, a pre-filled cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reliability.harness import (
    ARCHIVE,
    CACHE_FILENAME,
    N_BASE,
    N_CHANGED,
    N_NEW,
    Corpus,
    extract,
    fill_cache,
    revise,
)


@pytest.fixture(scope="session")
def xml_corpus(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Corpus:
    archive = shared_data / ARCHIVE
    if not archive.is_file():
        pytest.skip(f"{archive} not found; the reliability suite needs real CT.gov records")
    root = tmp_path_factory.mktemp("corpus")
    files = extract(archive, root / "all", N_BASE + N_NEW)
    base = root / "base"
    base.mkdir()
    for f in files[:N_BASE]:
        shutil.copy(f, base / f.name)
    target = root / "target"
    target.mkdir()
    for f in files:
        shutil.copy(f, target / f.name)
    for f in sorted(target.glob("*.xml"))[:N_CHANGED]:
        if (base / f.name).exists():
            revise(f)
    cache = root / CACHE_FILENAME
    fill_cache(cache, [base, target])
    return Corpus(docs=root / "docs", base=base, target=target, cache=cache)
