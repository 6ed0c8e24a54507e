"""The Library's progress words, fed by a real ingest's callbacks: documents read out of the
total (a zip's members), trials found and passages indexed, growing as the ingest goes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from summarizer.config import Settings
from summarizer.ingest import IngestProgress, IngestReport, ingest_paths
from summarizer.loader import count_inputs
from summarizer.runtime import Runtime
from tests.word_hash import WordHashEmbedder
from ui.ingest_progress import done_line, step_line


def test_each_step_says_how_far_in_counts() -> None:
    fraction, words = step_line(
        IngestProgress(files=3, trials=3, chunks=1200, path="big.zip:trials/NCT1.xml"), 12
    )
    assert fraction == pytest.approx(0.25)
    assert words == "Read 3 of 12 documents · 3 trials found · 1,200 passages indexed · NCT1.xml"
    last, _ = step_line(IngestProgress(files=12, trials=12, chunks=9), 12)
    assert last < 1.0, "full only once the ingest has finished"
    report = IngestReport(files=1, chunks=1)
    assert done_line(report, 1) == "Done: read 1 of 1 document, 1 passage indexed"


def test_a_zip_ingest_reports_every_document_and_the_passages_as_batches_are_stored(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Runtime, "embedder", property(lambda self: WordHashEmbedder()))
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    archive = tmp_path / "five.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(samples_dir.glob("0*.txt")):
            out.write(path, path.name)
    total = count_inputs([archive])
    steps: list[tuple[float, str]] = []
    report = ingest_paths(
        [archive],
        Runtime(Settings(home=tmp_path / "home")),
        progress=lambda step: steps.append(step_line(step, total)),
        batch_trials=2,
    )
    assert total == 5 and report.trials_new == 5
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(0.99)
    assert any(w.startswith("Read 1 of 5 documents") for _, w in steps)
    passages = [int(w.split(" · ")[2].split()[0].replace(",", "")) for _, w in steps]
    assert passages == sorted(passages) and 0 < passages[-1] == report.chunks
    assert len(set(passages)) > 2, "passages are counted as each batch is stored"
