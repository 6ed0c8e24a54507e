"""Several processes on one local store: two ingests at once both finish with nothing lost, and
a reader searching while a writer ingests sees no error and only whole trials. Processes that
have to wait say "store busy" and wait; they do not fail."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.reliability.harness import (
    ROOT,
    Corpus,
    Lines,
    check_store,
    child_env,
    expected_trials,
    new_home,
    open_store,
    run_ingest,
    start_ingest,
    wait_for_writes,
)

READER = Path(__file__).with_name("reader.py")


def test_two_ingests_on_one_store_both_finish_and_no_trial_is_lost(
    xml_corpus: Corpus, tmp_path: Path
) -> None:
    docs = xml_corpus.show(xml_corpus.target)
    files = sorted(docs.glob("*.xml"))
    home = new_home(tmp_path / "home", xml_corpus)
    third = len(files) // 3
    first = start_ingest(home, files[: 2 * third], batch=2)  # the two overlap in the middle
    second = start_ingest(home, files[third:], batch=2)
    logs = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"ingest exited {proc.returncode}\n{out}\n{err}"
        assert "Traceback" not in err
        logs.append(out + err)

    runtime = open_store(home)
    after = check_store(runtime)
    assert after.trials == expected_trials(docs, runtime)
    assert after.stray_records == 0
    assert all("0 failed" in log for log in logs)


def test_a_reader_searching_while_a_writer_ingests_sees_only_whole_trials(
    xml_corpus: Corpus, tmp_path: Path
) -> None:
    home = new_home(tmp_path / "home", xml_corpus)
    run_ingest(home, [xml_corpus.show(xml_corpus.base)], batch=4)
    before = expected_trials(xml_corpus.docs, open_store(home))
    docs = xml_corpus.show(xml_corpus.target)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, str(READER), str(home), str(stop), str(tmp_path / "report.json")],
        cwd=ROOT,
        env=child_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stderr is not None
    lines = Lines(reader.stderr)
    lines.wait_for("round")  # warmed up: model loaded, BM25 built

    writer = start_ingest(home, [docs], batch=2)
    # Freeze the writer at two moments mid-ingest (maybe inside a write) until the reader has
    # finished a round or reported that it waits for the store, so reads surely overlap writes.
    overlapped = 0
    for writes in (1, 4):
        wait_for_writes(writer, home, writes=writes, limit=180)
        if writer.poll() is not None:
            break
        writer.send_signal(signal.SIGSTOP)
        try:
            lines.wait_for("round", "store busy")
            overlapped += 1
        finally:
            writer.send_signal(signal.SIGCONT)
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, f"ingest exited {writer.returncode}\n{out}\n{err}"
    assert overlapped, "the writer finished before the reader could overlap it"
    stop.touch()
    reader.wait(timeout=300)
    assert reader.returncode == 0, "\n".join(lines.seen)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))

    assert report["errors"] == []
    assert report["not_whole"] == []
    after = expected_trials(docs, open_store(home))
    known = {
        (tid, cid, h) for snap in (before, after) for tid, (_, cs) in snap.items() for cid, h in cs
    }
    hits = {tuple(h) for h in report["hits"]}
    assert hits, "the reader found nothing"
    assert hits <= known, f"hits from no whole version: {sorted(hits - known)[:3]}"
    final = open_store(home)
    assert check_store(final).trials == after
    store = final.store
    dense = sorted(f"{t}:{c.id}" for t in after for c in store.chunks(t) if store.wants_dense(c))  # type: ignore[attr-defined]
    assert report["final_dense"] == dense, "the reader kept searching a stale vector index"
