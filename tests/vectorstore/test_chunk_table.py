"""The chunk table under the BM25 index: saved, memory-mapped, decoded one row at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from vectorstore.chunk_table import ChunkTable


def sorted_chunks(trials: list[Trial]) -> list:
    chunks = [c for t in trials for c in chunk_trial(t)]
    return sorted(chunks, key=lambda c: (c.trial_id, c.ordinal))


def test_a_saved_table_loads_memory_mapped_and_gives_back_every_chunk(
    trials: list[Trial], tmp_path: Path
) -> None:
    chunks = sorted_chunks(trials)
    ChunkTable.from_chunks(chunks).save(tmp_path)
    loaded = ChunkTable.load(tmp_path)
    assert len(loaded) == len(chunks)
    assert [loaded.chunk(i) for i in range(len(chunks))] == chunks
    assert isinstance(loaded._texts, np.memmap) and isinstance(loaded._section_codes, np.memmap)
    assert loaded.indexed() == [(c.trial_id, c.id, c.content_hash) for c in chunks]


def test_rows_are_filtered_by_trial_and_section(trials: list[Trial]) -> None:
    chunks = sorted_chunks(trials)
    table = ChunkTable.from_chunks(chunks)
    first = trials[0].trial_id
    mask = table.mask([first], ["inclusion", "exclusion"])
    want = [c.trial_id == first and c.section in ("inclusion", "exclusion") for c in chunks]
    assert mask.tolist() == want and any(want)
    assert table.mask(None, None).all()
    assert not table.mask([], None).any()
    assert not table.mask(["NCT00000000"], None).any()


def test_an_empty_table_saves_and_loads(tmp_path: Path) -> None:
    ChunkTable.from_chunks([]).save(tmp_path)
    loaded = ChunkTable.load(tmp_path)
    assert len(loaded) == 0 and loaded.indexed() == []
