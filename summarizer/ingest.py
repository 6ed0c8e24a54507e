"""Ingest: parse files, chunk trials, embed and store them, skipping what is already stored.

Trials are written in batches so that the embedder sees many chunks at once (it sorts them by
length and pads each batch only to its longest text) and so that identical chunk texts across
trials are embedded once. A bad file or trial is reported and skipped, never fatal. Stopping at
any point (Ctrl-C, or even SIGKILL) leaves the store consistent: each trial is either its old or
its new version (see ``vectorstore.chroma_store``), and re-running picks up where the last run
stopped. Several ingests may run at once on one store: a local folder lets one write at a time
(the others say "store busy" and wait), a server takes them as they come; embedding happens
outside the lock, so only the short store writes are serialised.

Storing a batch runs on a worker thread while the next batch is parsed and embedded: Chroma's
upsert holds the GIL on one core, while the embedder (onnxruntime, tokenizers) releases it, so
the two overlap instead of leaving a core idle for a third of the run. At most one batch is in
flight, and an interrupted run waits for it, so the write protocol above is unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from summarizer.chunking import chunk_trial, count_tokens
from summarizer.models import Chunk, Trial

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
    """Seconds spent in each stage (parse includes reading files and archives).

    ``store`` runs beside the other stages (see the module docstring); ``store_wait`` is the part
    of it that the run waited for, so the stages add up to more than ``total``.
    """

    parse: float = 0.0
    chunk: float = 0.0
    embed: float = 0.0
    store: float = 0.0
    store_wait: float = 0.0
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


Item = tuple[Trial, list[Chunk], Status]


class _Stored(BaseModel):
    """What one background write did, handed back to the ingest loop (the only report writer)."""

    done: list[tuple[str, int, int, Status]] = Field(default_factory=list)  # id, chunks, dense
    failed: list[Failure] = Field(default_factory=list)
    seconds: float = 0.0


class _Writer:
    """Stores embedded batches one at a time, on a worker thread (or inline), in order.

    A batch waits (``ready``) until the next one has been parsed and is about to be embedded
    (``start``): storing holds the GIL, so it must overlap the embedder, which releases it, and
    not the parser, which needs it.
    """

    def __init__(self, store: Any, background: bool) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(1, "trialsum-store") if background else None
        self._ready: tuple[list[Item], dict[str, Any]] | None = None
        self._pending: Future[_Stored] | None = None

    def ready(self, items: list[Item], vectors: dict[str, Any]) -> None:
        self._ready = (items, vectors)

    def start(self) -> _Stored | None:
        """Start storing the ready batch; returns the previous write's outcome once it is done."""
        previous = self.wait()
        if self._ready is not None:
            items, vectors = self._ready
            self._ready = None
            if self._pool is None:
                self._pending = Future()
                self._pending.set_result(_store(self.store, items, vectors))
            else:
                self._pending = self._pool.submit(_store, self.store, items, vectors)
        return previous

    def wait(self) -> _Stored | None:
        pending, self._pending = self._pending, None
        return pending.result() if pending is not None else None

    def close(self) -> None:
        """Let a write in flight finish (even on Ctrl-C), then stop the thread."""
        try:
            if self._pending is not None:
                self._pending.exception()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)


def ingest_paths(
    paths: Sequence[str | Path],
    runtime: Runtime,
    progress: ProgressFn | None = None,
    batch_trials: int = 64,
    parse: Callable[[Sequence[Path]], Iterable[Any]] | None = None,
    background_writes: bool = True,
) -> IngestReport:
    """Index every trial under ``paths`` (files, folders, archives) into ``runtime.store``.

    ``background_writes=False`` stores each batch before embedding the next (for comparison).
    """
    started = time.perf_counter()
    store = runtime.store
    report = IngestReport()
    timings = report.timings
    store.recover()  # finish cleaning up after an interrupted run
    known = {tid: s.version for tid, s in store.trial_states().items()}
    batch: list[Item] = []
    versions: dict[str, str] = {}  # of the trials queued for writing
    seen_trials = 0
    writer = _Writer(store, background_writes)

    def account(stored: _Stored | None) -> None:
        if stored is None:
            return
        timings.store += stored.seconds
        report.trials_failed.extend(stored.failed)
        for trial_id, chunks, dense, status in stored.done:
            known[trial_id] = versions[trial_id]
            if status == "new":
                report.trials_new += 1
            else:
                report.trials_updated += 1
            report.chunks += chunks
            report.dense_chunks += dense
        if progress:
            progress(IngestProgress(files=report.files, trials=seen_trials, chunks=report.chunks))

    def store_ready() -> None:
        t0 = time.perf_counter()
        account(writer.start())
        timings.store_wait += time.perf_counter() - t0

    def flush() -> None:
        if batch:
            store_ready()  # the previous batch, written while this one is embedded
            writer.ready(list(batch), _embed(batch, store, report))
            batch.clear()

    try:
        outcomes = (parse or _default_parse)([Path(p) for p in paths])
        for outcome in _timed(iter(outcomes), timings):
            report.files += 1
            path = str(outcome.path)
            if outcome.error:
                report.trials_failed.append(Failure(path=path, reason=str(outcome.error)))
            for trial in outcome.trials or []:
                seen_trials += 1
                try:
                    version = store.version_of(trial)
                    if known.get(trial.trial_id) == version:
                        report.trials_unchanged += 1
                        continue
                    t0 = time.perf_counter()
                    chunks = chunk_trial(trial)
                    timings.chunk += time.perf_counter() - t0
                except Exception as exc:  # a bad record never aborts the batch
                    report.trials_failed.append(
                        Failure(path=path, trial_id=trial.trial_id, reason=f"cannot chunk: {exc}")
                    )
                    continue
                versions[trial.trial_id] = version
                status: Status = "updated" if trial.trial_id in known else "new"
                batch.append((trial, chunks, status))
                if len(batch) >= batch_trials:
                    flush()
            if progress:
                progress(
                    IngestProgress(
                        files=report.files, trials=seen_trials, chunks=report.chunks, path=path
                    )
                )
        flush()
        store_ready()
        store_ready()  # and wait for it
    finally:
        writer.close()
    timings.total = time.perf_counter() - started
    return report


def _embed(batch: list[Item], store: Any, report: IngestReport) -> dict[str, Any]:
    """Embed the batch's distinct dense texts once (a text shared by trials is embedded once)."""
    batch_chunks = [chunk for _, trial_chunks, _ in batch for chunk in trial_chunks]
    texts: dict[str, str] = store.dense_texts(batch_chunks)
    dense = sum(store.wants_dense(chunk) for chunk in batch_chunks)
    t0 = time.perf_counter()
    vectors: dict[str, Any] = {}
    if texts:
        embedded = store.embedder.embed_documents(list(texts.values()))
        vectors = dict(zip(texts.keys(), embedded, strict=True))
    report.timings.embed += time.perf_counter() - t0
    report.embedded_texts += len(texts)
    report.embedded_tokens += sum(count_tokens(t) for t in texts.values())
    report.dedupe_saved += dense - len(texts)
    return vectors


def _store(store: Any, items: list[Item], vectors: dict[str, Any]) -> _Stored:
    """Store a batch in one write; if it fails, store trial by trial to isolate the bad one."""
    t0 = time.perf_counter()
    result = _Stored()
    try:
        store.put_trials([(trial, chunks) for trial, chunks, _ in items], vectors)
        done = items
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception:
        done = []
        for trial, chunks, status in items:
            try:
                store.put_trials([(trial, chunks)], vectors)
                done.append((trial, chunks, status))
            except Exception as exc:
                result.failed.append(
                    Failure(path=trial.source.path, trial_id=trial.trial_id, reason=str(exc))
                )
    for trial, chunks, status in done:
        dense = sum(store.wants_dense(c) for c in chunks)
        result.done.append((trial.trial_id, len(chunks), dense, status))
    result.seconds = time.perf_counter() - t0
    return result
