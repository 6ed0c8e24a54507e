"""Ingest: parse files, chunk trials, embed and store them, skipping what is already stored.

Trials are written in batches so that the embedder sees many chunks at once (it sorts them by
length and pads each batch only to its longest text) and so that identical chunk texts across
trials are embedded once. A bad file or trial is reported and skipped, never fatal. Stopping at
any point (Ctrl-C, or even SIGKILL) leaves the store consistent: each trial is either its old or
its new version (see ``vectorstore.chroma_store``), and re-running picks up where the last run
stopped. Several ingests may run at once on one store: a local folder lets one write at a time
(the others say "store busy" and wait), a server takes them as they come; embedding happens
outside the lock, so only the short store writes are serialised.

An unchanged trial whose stored criteria parse came from another criteria parser (a parser fix
since it was written) gets its criteria re-read and rewritten in place (``refresh_criteria``):
no chunking, no embedding, so readers stop re-parsing it on every read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from summarizer.chunking import chunk_trial, count_tokens
from summarizer.criteria import with_criteria
from summarizer.criteria.fingerprint import parser_fingerprint
from summarizer.models import Chunk, Trial
from vectorstore.disk_space import StoreDiskFullError

if TYPE_CHECKING:
    from summarizer.runtime import Runtime


class Failure(BaseModel):
    path: str
    trial_id: str | None = None
    reason: str

    def line(self) -> str:
        where = f"{self.path} ({self.trial_id})" if self.trial_id else self.path
        return f"{where}: {self.reason}"


class StageTimings(BaseModel):
    """Seconds spent in each stage (parse includes reading files and archives)."""

    parse: float = 0.0
    criteria: float = 0.0
    chunk: float = 0.0
    embed: float = 0.0
    store: float = 0.0
    total: float = 0.0


class IngestReport(BaseModel):
    files: int = 0
    trials_new: int = 0
    trials_updated: int = 0
    trials_unchanged: int = 0
    trials_failed: list[Failure] = Field(default_factory=list)
    chunks: int = Field(default=0, description="chunks written (new and updated trials)")
    dense_chunks: int = Field(default=0, description="of which carry a dense vector")
    embedded_texts: int = Field(default=0, description="distinct texts sent to the embedder")
    embedded_tokens: int = Field(default=0, description="approximate word pieces embedded")
    dedupe_saved: int = Field(default=0, description="dense chunks that reused a batch-mate's text")
    criteria_refreshed: int = Field(
        default=0, description="unchanged trials whose stale criteria parse was re-read and stored"
    )
    timings: StageTimings = Field(default_factory=StageTimings)

    @property
    def trials_written(self) -> int:
        return self.trials_new + self.trials_updated

    @property
    def ok(self) -> bool:
        return not self.trials_failed


class IngestProgress(BaseModel):
    """What a progress display needs after each file and each stored batch."""

    files: int
    trials: int
    chunks: int
    path: str | None = None


ProgressFn = Callable[[IngestProgress], None]
Status = Literal["new", "updated"]


def _default_parse(paths: Sequence[Path]) -> Iterable[Any]:
    from summarizer.loader import parse_paths

    return parse_paths(paths)


def _timed(iterator: Iterator[Any], timings: StageTimings) -> Iterator[Any]:
    """Charge the time spent producing each item to the parse stage."""
    while True:
        t0 = time.perf_counter()
        try:
            item = next(iterator)
        except StopIteration:
            timings.parse += time.perf_counter() - t0
            return
        timings.parse += time.perf_counter() - t0
        yield item


class _Batch:
    def __init__(self) -> None:
        self.items: list[tuple[Trial, list[Chunk], Status]] = []

    def __len__(self) -> int:
        return len(self.items)


def ingest_paths(
    paths: Sequence[str | Path],
    runtime: Runtime,
    progress: ProgressFn | None = None,
    batch_trials: int = 64,
    parse: Callable[[Sequence[Path]], Iterable[Any]] | None = None,
) -> IngestReport:
    """Index every trial under ``paths`` (files, folders, archives) into ``runtime.store``.

    The process's heap as it is now (store client, modules, and the embedder if loaded) is kept
    out of the cycle collector's walks meanwhile (``heap_frozen``): the collections the trials
    in flight set off then cost what those trials cost, not the size of the process."""
    from summarizer.loader import heap_frozen

    with heap_frozen():
        return _ingest(paths, runtime, progress, batch_trials, parse)


def _ingest(
    paths: Sequence[str | Path],
    runtime: Runtime,
    progress: ProgressFn | None,
    batch_trials: int,
    parse: Callable[[Sequence[Path]], Iterable[Any]] | None,
) -> IngestReport:
    started = time.perf_counter()
    store = runtime.store
    report = IngestReport()
    timings = report.timings
    store.recover()  # finish cleaning up after an interrupted run
    states = store.trial_states()
    known = {tid: s.version for tid, s in states.items()}
    sources = {tid: (s.source_path, s.source_sha256) for tid, s in states.items()}
    parsed_by = {tid: s.criteria_parser for tid, s in states.items()}
    parser = parser_fingerprint()
    batch = _Batch()
    stale: list[Trial] = []  # unchanged trials whose criteria were re-read, to store
    seen_trials = 0

    def flush_stale() -> None:
        if stale:
            _refresh(stale, store, report)
            for trial in stale:
                parsed_by[trial.trial_id] = parser
            stale.clear()

    def flush() -> None:
        if batch.items:
            _write(batch, store, report)
            for trial, _, _ in batch.items:
                known[trial.trial_id] = store.version_of(trial)
                parsed_by[trial.trial_id] = parser
            batch.items.clear()
            if progress:
                progress(
                    IngestProgress(files=report.files, trials=seen_trials, chunks=report.chunks)
                )

    outcomes = (parse or _default_parse)([Path(p) for p in paths])
    for outcome in _timed(iter(outcomes), timings):
        report.files += 1
        path = str(outcome.path)
        if outcome.error:
            report.trials_failed.append(Failure(path=path, reason=str(outcome.error)))
        for trial in outcome.trials or []:
            seen_trials += 1
            if clash := conflict(trial, sources.get(trial.trial_id)):
                report.trials_failed.append(
                    Failure(path=path, trial_id=trial.trial_id, reason=clash)
                )
                continue
            sources[trial.trial_id] = (trial.source.path, trial.source.sha256)
            try:
                version = store.version_of(trial)
                if known.get(trial.trial_id) == version:
                    report.trials_unchanged += 1
                    if parsed_by.get(trial.trial_id) != parser:
                        t0 = time.perf_counter()
                        _attach_criteria(trial)
                        timings.criteria += time.perf_counter() - t0
                        if trial.criteria_parsed is not None:
                            stale.append(trial)
                            if len(stale) >= batch_trials:
                                flush_stale()
                    continue
                t0 = time.perf_counter()
                _attach_criteria(trial)
                timings.criteria += time.perf_counter() - t0
                t0 = time.perf_counter()
                chunks = chunk_trial(trial)
                timings.chunk += time.perf_counter() - t0
            except Exception as exc:  # a bad record never aborts the batch
                report.trials_failed.append(
                    Failure(path=path, trial_id=trial.trial_id, reason=f"cannot chunk: {exc}")
                )
                continue
            status: Status = "updated" if trial.trial_id in known else "new"
            batch.items.append((trial, chunks, status))
            if len(batch) >= batch_trials:
                flush()
        if progress:
            progress(
                IngestProgress(
                    files=report.files, trials=seen_trials, chunks=report.chunks, path=path
                )
            )
    flush()
    flush_stale()
    timings.total = time.perf_counter() - started
    return report


def _attach_criteria(trial: Trial) -> None:
    """Parse the criteria once, here, and store them with the trial; a parse that fails leaves
    them to be parsed when first read (``criteria_for``), never fails the trial."""
    try:
        with_criteria(trial)
    except Exception:
        trial.criteria_parsed = None


def _refresh(trials: list[Trial], store: Any, report: IngestReport) -> None:
    """Store re-read criteria of unchanged trials; a failure leaves the stale parse, which
    readers re-parse, and is reported (the trial itself is intact)."""
    t0 = time.perf_counter()
    try:
        report.criteria_refreshed += len(store.refresh_criteria(trials))
    except (KeyboardInterrupt, SystemExit, StoreDiskFullError):
        raise
    except Exception as exc:
        reason = f"criteria not re-read: {' '.join(str(exc).split())[:300]}"
        for trial in trials:
            report.trials_failed.append(
                Failure(path=trial.source.path, trial_id=trial.trial_id, reason=reason)
            )
    report.timings.store += time.perf_counter() - t0


def conflict(trial: Trial, stored: tuple[str, str] | None) -> str | None:
    """Why ``trial`` must not replace the stored trial of the same id, or None if it may.

    A changed document at the same place is an update; the same document again (anywhere) is
    harmless. A different document claiming the id from another place is a conflict: it is
    reported and the stored trial is kept, never silently overwritten.
    """
    if stored is None:
        return None
    path, sha = stored
    if sha == trial.source.sha256 or _same_place(path, trial.source.path):
        return None
    return (
        f"conflict: {trial.trial_id} is already indexed from {path} with different content; "
        f"kept that one (trialsum remove {trial.trial_id}, then ingest again, to replace it)"
    )


def _same_place(a: str, b: str) -> bool:
    """Whether two source names (files or 'archive:member') are the same place on disk."""
    return a == b or os.path.realpath(a) == os.path.realpath(b)


def _write(batch: _Batch, store: Any, report: IngestReport) -> None:
    """Embed the batch's distinct dense texts once, then store it; isolate a failing trial."""
    timings = report.timings
    batch_chunks = [chunk for _, trial_chunks, _ in batch.items for chunk in trial_chunks]
    texts: dict[str, str] = store.dense_texts(batch_chunks)
    dense = sum(store.wants_dense(chunk) for chunk in batch_chunks)
    t0 = time.perf_counter()
    vectors: dict[str, Any] = {}
    if texts:
        embedded = store.embedder.embed_documents(list(texts.values()))
        vectors = dict(zip(texts.keys(), embedded, strict=True))
    timings.embed += time.perf_counter() - t0
    report.embedded_texts += len(texts)
    report.embedded_tokens += sum(count_tokens(t) for t in texts.values())
    report.dedupe_saved += dense - len(texts)

    t0 = time.perf_counter()
    try:
        store.put_trials([(trial, chunks) for trial, chunks, _ in batch.items], vectors)
        done = batch.items
    except (KeyboardInterrupt, SystemExit, StoreDiskFullError):
        raise  # a full disk fails every trial alike: stop, the store is consistent
    except Exception:
        done = []
        for trial, chunks, status in batch.items:  # find the one that fails, keep the rest
            try:
                store.put_trials([(trial, chunks)], vectors)
                done.append((trial, chunks, status))
            except StoreDiskFullError:
                raise
            except Exception as exc:
                report.trials_failed.append(
                    Failure(path=trial.source.path, trial_id=trial.trial_id, reason=str(exc))
                )
    timings.store += time.perf_counter() - t0
    for _trial, chunks, status in done:
        if status == "new":
            report.trials_new += 1
        else:
            report.trials_updated += 1
        report.chunks += len(chunks)
        report.dense_chunks += sum(store.wants_dense(c) for c in chunks)
