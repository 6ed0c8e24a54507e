"""Real corpora, real ingest processes and a whole-store consistency check (reliability suite).

The ingests here are real ``python -m summarizer ingest`` processes on real ClinicalTrials.gov XML
records. Their embedding cache is pre-filled with deterministic (hashed bag-of-words) vectors for
every chunk text of the corpus, so each run spends its time parsing and writing the store -- the
part these tests kill, race and cut off -- instead of in the model (tested in tests/vectorstore).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

import numpy as np
from pydantic import BaseModel

from summarizer.chunking import chunk_trial
from summarizer.config import Settings
from summarizer.loader import parse_paths
from summarizer.runtime import Runtime
from vectorstore.chroma_store import ChromaTrialStore
from vectorstore.embed_cache import EmbeddingCache, text_hash
from vectorstore.embeddings import CACHE_FILENAME
from vectorstore.factory import lexical_dir
from vectorstore.lexical import LexicalIndex
from vectorstore.onnx_embedder import OnnxMiniLMEmbedder

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = "ctgov_xml_6786.tar.gz"
N_BASE, N_NEW, N_CHANGED = 20, 10, 10  # base records; records added and changed by the target
DIM = 384


def hashed_vector(text: str) -> np.ndarray:
    vec = np.zeros(DIM, dtype=np.float32)
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        vec[zlib.crc32(word.encode()) % DIM] += 1.0
    norm = float(np.linalg.norm(vec))
    if not norm:
        vec[0] = 1.0
        return vec
    return vec / norm


class Corpus(BaseModel):
    """One documents folder, ``docs``, shown in two states: ``base`` (the first records as first
    ingested) and ``target`` (later: some records revised, new ones added). The folder path is
    part of each trial's source, so both states are shown at the same path. ``cache`` is the
    pre-filled embedding cache."""

    docs: Path
    base: Path
    target: Path
    cache: Path

    def show(self, state: Path) -> Path:
        """Make ``docs`` hold the files of ``state``; returns ``docs``."""
        shutil.rmtree(self.docs, ignore_errors=True)
        shutil.copytree(state, self.docs)
        return self.docs


def extract(archive: Path, into: Path, count: int) -> list[Path]:
    """The first ``count`` small-to-medium records in archive order (deterministic)."""
    into.mkdir(parents=True)
    out: list[Path] = []
    with tarfile.open(archive) as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(".xml")):
                continue
            if not 6_000 <= member.size <= 12_000:
                continue
            data = tar.extractfile(member)
            assert data is not None
            path = into / Path(member.name).name
            path.write_bytes(data.read())
            out.append(path)
            if len(out) == count:
                break
    return out


def revise(path: Path) -> None:
    """Change a record the way a registry update would: a new brief title."""
    text = path.read_text(encoding="utf-8")
    revised = re.sub(r"(<brief_title>)(.*?)(</brief_title>)", r"\1\2 (revised)\3", text, count=1)
    assert revised != text, f"{path} has no brief_title"
    path.write_text(revised, encoding="utf-8")


def fill_cache(cache_path: Path, folders: Iterable[Path]) -> None:
    cache = EmbeddingCache(cache_path)
    vectors: dict[str, np.ndarray] = {}
    for outcome in parse_paths(list(folders)):
        for trial in outcome.trials or []:
            for chunk in chunk_trial(trial):
                vectors[text_hash(chunk.text)] = hashed_vector(chunk.text)
    cache.put_many(OnnxMiniLMEmbedder.name, vectors.items())
    cache.close()


def new_home(root: Path, corpus: Corpus) -> Path:
    """A TRIALSUM_HOME whose store folder holds the pre-filled embedding cache."""
    store = root / "store"
    store.mkdir(parents=True)
    shutil.copy(corpus.cache, store / CACHE_FILENAME)
    return root


def ingest_cmd(
    paths: Sequence[Path], *, batch: int = 4, chroma_url: str | None = None
) -> list[str]:
    cmd = [sys.executable, "-m", "summarizer", "ingest", *map(str, paths), "--batch", str(batch)]
    if chroma_url:
        cmd += ["--chroma-url", chroma_url]
    return cmd


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TRIALSUM_HOME=str(home), ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(ROOT))
    env.pop("OPENAI_API_KEY", None)
    return env


def start_ingest(home: Path, paths: Sequence[Path], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ingest_cmd(paths, **kw),  # type: ignore[arg-type]
        cwd=ROOT,
        env=child_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_ingest(home: Path, paths: Sequence[Path], timeout: float = 300, **kw: object) -> str:
    """Ingest to completion; returns its output, fails the test with it on a non-zero exit."""
    proc = start_ingest(home, paths, **kw)
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"ingest exited {proc.returncode}\n{out}\n{err}"
    return out + err


def expected_trials(folder: Path, runtime: Runtime) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """What an ingest of ``folder`` must store, computed here by parsing and chunking it."""
    store = runtime.store
    assert isinstance(store, ChromaTrialStore)
    out: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for outcome in parse_paths([folder]):
        for trial in outcome.trials or []:
            chunks = sorted(chunk_trial(trial), key=lambda c: c.ordinal)
            out[trial.trial_id] = (
                store.version_of(trial),
                [(c.id, c.content_hash) for c in chunks],
            )
    return out


def lock_epoch(home: Path) -> str:
    """The store's write epoch (changes after every write batch), read without locking."""
    try:
        return (home / "store" / "chroma.lock").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def wait_for_writes(
    proc: subprocess.Popen[str], home: Path, writes: int, limit: float
) -> tuple[int, float]:
    """Poll until the store saw ``writes`` write batches or the process ended.

    Returns how many were seen and the mean time between them (the first counts from now)."""
    seen, last = 0, lock_epoch(home)
    started = time.monotonic()
    deadline = started + limit
    first = None
    while seen < writes and proc.poll() is None and time.monotonic() < deadline:
        now = lock_epoch(home)
        if now != last:
            seen, last = seen + 1, now
            first = first or time.monotonic()
        time.sleep(0.005)
    gap = (time.monotonic() - first) / (seen - 1) if first and seen > 1 else 0.5
    return seen, gap


class Snapshot(BaseModel):
    """What a store holds, as far as a reader can tell, plus the leftovers it should not hold."""

    trials: dict[str, tuple[str, list[tuple[str, str]]]]  # id -> (version, [(chunk id, hash)])
    stray_records: int  # chunk records that belong to no trial's current version


def open_store(home: Path, chroma_url: str | None = None, collection: str = "trialsum") -> Runtime:
    return Runtime(Settings(home=home, chroma_url=chroma_url, collection=collection))


def check_store(runtime: Runtime) -> Snapshot:
    """Every listed trial is whole; BM25 and the vector index hold exactly the current chunks."""
    store = runtime.store
    assert isinstance(store, ChromaTrialStore)
    states = store.trial_states()
    trials: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for tid, state in states.items():
        chunks = store.chunks(tid)
        assert len(chunks) == state.chunks > 0, f"{tid}: {len(chunks)} of {state.chunks} chunks"
        assert {c.trial_id for c in chunks} == {tid}
        trials[tid] = (state.version, [(c.id, c.content_hash) for c in chunks])

    lexical = LexicalIndex(store, lexical_dir(runtime.settings))
    expected = sorted((tid, cid, h) for tid, (_, cs) in trials.items() for cid, h in cs)
    assert sorted(lexical.indexed()) == expected, "BM25 disagrees with the store"

    dense_expected = {
        f"{tid}:{c.id}" for tid in trials for c in store.chunks(tid) if store.wants_dense(c)
    }
    # Read the vector segment by id, exactly: an approximate nearest-neighbour query for every
    # vector can miss one that HNSW's graph does not reach after updates, which says nothing about
    # whether the vector was written.
    got = store.dense.get(include=["metadatas", "embeddings"])
    dense_found = set()
    for rid, meta, vector in zip(got["ids"], got["metadatas"], got["embeddings"], strict=True):
        tid = str(meta["trial_id"])
        if tid in trials and meta.get("version") == trials[tid][0] and len(vector) == DIM:
            dense_found.add(f"{tid}:{rid.rsplit('@', 1)[0]}")
    assert dense_found == dense_expected, (
        "the vector index disagrees with the store: "
        f"missing {sorted(dense_expected - dense_found)[:5]}, "
        f"extra {sorted(dense_found - dense_expected)[:5]}"
    )

    total = sum(len(cs) for _, cs in trials.values())
    records = store.dense.count() + store.lexical.count()
    return Snapshot(trials=trials, stray_records=records - total)


class Lines:
    """A child's stderr lines, read in the background so the test can wait for one."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def wait_for(self, *prefixes: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.queue.get(timeout=max(deadline - time.monotonic(), 0.01))
            self.seen.append(line)
            if line.startswith(prefixes):
                return line
