"""The shared Chroma server is stopped in the middle of an ingest and started again on the same
port and data folder: the ingest says the server is unreachable, retries with backoff, says when
it is back, and finishes with every trial whole and nothing lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Corpus,
    Lines,
    check_store,
    expected_trials,
    new_home,
    open_store,
    start_ingest,
)
from vectorstore.server import ChromaServer

pytestmark = pytest.mark.server


def trial_records(url: str) -> int:
    """Records in the trials collection (0 until the ingest created it)."""
    import chromadb
    from chromadb.config import Settings

    port = int(url.rsplit(":", 1)[1])
    client = chromadb.HttpClient(port=port, settings=Settings(anonymized_telemetry=False))
    try:
        return int(client.get_collection("trialsum_trials").count())
    except Exception:
        return 0


def test_an_ingest_rides_out_a_server_restart_and_loses_nothing(
    xml_corpus: Corpus, tmp_path: Path
) -> None:
    server = ChromaServer(tmp_path / "chroma-db")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.skip(f"cannot start a chroma server: {exc}")
    try:
        docs = xml_corpus.show(xml_corpus.target)
        home = new_home(tmp_path / "home", xml_corpus)
        ingest = start_ingest(home, [docs], batch=2, chroma_url=server.url)
        assert ingest.stderr is not None
        lines = Lines(ingest.stderr)

        deadline = time.monotonic() + 180
        while trial_records(server.url) < 4 and ingest.poll() is None:  # a few trials stored
            assert time.monotonic() < deadline, "the ingest never wrote"
            time.sleep(0.05)
        assert ingest.poll() is None, "the ingest finished before the server could be stopped"
        server.stop()
        lines.wait_for("Chroma server at", timeout=120)  # it noticed, and is retrying
        assert "unreachable" in lines.seen[-1]
        server.start()  # same port, same data folder

        assert ingest.wait(timeout=300) == 0, "\n".join(lines.seen)
        lines.wait_for(f"Chroma server at {server.url} is back", timeout=30)

        runtime = open_store(home, chroma_url=server.url)
        after = check_store(runtime)
        assert after.trials == expected_trials(docs, runtime)
        assert after.stray_records == 0
    finally:
        server.stop()
