"""Summarize every trial in the store into a folder: resumable, bounded in memory, one report.

Editors run this over thousands of trials, and runs get interrupted. So:

- trials are streamed: only ids are listed up front, and each worker loads one trial at a time;
- each output is written to a temporary file and renamed into place (``os.replace``), so a kill
  at any moment leaves either the old file or the new one, never half of one;
- ``manifest.jsonl`` records, after each output is in place, the hash of everything the output
  was made from (trial record, engine and model, format, chunker) and the hash of the file. A
  rerun skips a trial only when both still match, so changed trials and damaged or hand-replaced
  files are redone. A line torn by a kill is ignored;
- one trial failing (a bad record, a model fault after its retries) is recorded with its reason
  and the batch goes on; ``report.json`` lists what succeeded, was skipped and failed, and why.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, ValidationError

from summarizer.chunking import CHUNKER_VERSION
from summarizer.models import sha256_text
from summarizer.render import render

if TYPE_CHECKING:
    from summarizer.assistant import Assistant

# Bump when the way outputs are made changes, so old outputs are redone. 2: summaries are checked
# by the application layer's one verification step (the extractive ones were not before).
BATCH_VERSION = "2"
MANIFEST = "manifest.jsonl"
REPORT = "report.json"
LOCK = ".trialsum-batch.lock"
PARTIAL = ".partial"
_RESERVED = {MANIFEST, REPORT, LOCK}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

Format = Literal["json", "md", "html"]
Status = Literal["succeeded", "skipped", "failed"]


class BatchError(RuntimeError):
    """The batch cannot start at all (folder locked or unwritable, engine unusable)."""


class BatchOptions(BaseModel):
    out_dir: Path
    fmt: Format = "md"
    engine: str | None = Field(default=None, description="engine name; None = the configured one")
    concurrency: int = Field(default=1, ge=1, description="trials summarized at once")


class TrialFailure(BaseModel):
    trial_id: str
    reason: str

    def line(self) -> str:
        return f"{self.trial_id}: {self.reason}"


class BatchReport(BaseModel):
    out_dir: str
    engine: str
    format: Format
    started_at: str
    seconds: float = 0.0
    total: int = 0
    succeeded: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    failed: list[TrialFailure] = Field(default_factory=list)
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def counts(self) -> str:
        return (
            f"{len(self.succeeded)} succeeded, {len(self.skipped)} skipped (already done), "
            f"{len(self.failed)} failed, of {self.total}"
        )


class BatchProgress(BaseModel):
    """Sent after each trial finishes, for a progress display."""

    done: int
    total: int
    trial_id: str
    status: Status


class TrialOutcome(BaseModel):
    trial_id: str
    status: Status
    reason: str | None = None


ProgressFn = Callable[[BatchProgress], None]


# ---------------------------------------------------------------- files


def output_name(trial_id: str, fmt: str) -> str:
    """A file name for the trial's output; ids that are not plain names get a hash suffix."""
    stem = _UNSAFE.sub("_", trial_id)[:120].lstrip(".") or "trial"
    name = f"{stem}.{fmt}"
    if stem != trial_id or name in _RESERVED:
        name = f"{stem}-{sha256_text(trial_id)[:10]}.{fmt}"
    return name


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers (and a kill) see the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@contextlib.contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """One batch per folder at a time; the lock goes away with the process, even on kill -9."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(out_dir / LOCK, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"another batch is writing to {out_dir}; wait for it to end") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_partials(out_dir: Path) -> None:
    """Temporary files left by a killed run (safe: we hold the folder's lock)."""
    for tmp in out_dir.glob(f".*{PARTIAL}"):
        with contextlib.suppress(OSError):
            tmp.unlink()


# ---------------------------------------------------------------- manifest


class ManifestEntry(BaseModel):
    trial_id: str
    file: str
    key: str = Field(description="hash of what the output was made from")
    sha256: str = Field(description="hash of the output file's bytes")


class Manifest:
    """Which outputs are complete: append-only JSON lines, the last line per file wins."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = Lock()
        self.entries: dict[str, ManifestEntry] = {}
        with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = ManifestEntry.model_validate_json(line)
                except ValidationError:
                    continue  # a line torn by a kill, or damaged by hand: redo that trial
                self.entries[entry.file] = entry

    def is_complete(self, file: str, key: str) -> bool:
        with self._lock:
            entry = self.entries.get(file)
        if entry is None or entry.key != key:
            return False
        return file_sha256(self.path.parent / file) == entry.sha256

    def record(self, entry: ManifestEntry) -> None:
        line = entry.model_dump_json() + "\n"
        with self._lock:
            self.entries[entry.file] = entry
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())

    def compact(self) -> None:
        """Rewrite with one line per file (and no torn line for the next append to join)."""
        with self._lock:
            text = "".join(e.model_dump_json() + "\n" for e in self.entries.values())
            write_atomic(self.path, text.encode("utf-8"))


# ---------------------------------------------------------------- the batch


def output_key(trial_json: str, fingerprint: str, fmt: str) -> str:
    return sha256_text(json.dumps([BATCH_VERSION, CHUNKER_VERSION, fingerprint, fmt, trial_json]))


def failure_reason(exc: BaseException) -> str:
    """One line for the report: our own errors already speak plainly; others get their type."""
    from summarizer.llm_client import LLMError

    text = " ".join(str(exc).split())[:500]
    if isinstance(exc, LLMError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Batch:
    def __init__(self, assistant: Assistant, options: BatchOptions) -> None:
        self.assistant = assistant
        self.options = options
        self.out_dir = options.out_dir
        self.fingerprint = assistant.fingerprint
        self.manifest = Manifest(options.out_dir / MANIFEST)

    def one(self, trial_id: str) -> TrialOutcome:
        """Summarize one trial; every error becomes a failed outcome, never an exception."""
        try:
            from summarizer.assistant import TrialNotFoundError

            try:
                trial = self.assistant.get_trial(trial_id)
            except TrialNotFoundError:
                return TrialOutcome(
                    trial_id=trial_id, status="failed", reason="no longer in the store"
                )
            fmt = self.options.fmt
            file = output_name(trial_id, fmt)
            key = output_key(trial.model_dump_json(), self.fingerprint, fmt)
            if self.manifest.is_complete(file, key):
                return TrialOutcome(trial_id=trial_id, status="skipped")
            data = render(self.assistant.summarize(trial_id), fmt).encode("utf-8")
            write_atomic(self.out_dir / file, data)
            digest = hashlib.sha256(data).hexdigest()
            entry = ManifestEntry(trial_id=trial_id, file=file, key=key, sha256=digest)
            self.manifest.record(entry)
            return TrialOutcome(trial_id=trial_id, status="succeeded")
        except Exception as exc:
            return TrialOutcome(trial_id=trial_id, status="failed", reason=failure_reason(exc))


def _prepare(assistant: Assistant) -> None:
    """Let the engine fail once, up front, on its configuration (e.g. no API key for the llm)."""
    try:
        assistant.prepare()
    except Exception as exc:
        raise BatchError(failure_reason(exc)) from None


def summarize_all(
    assistant: Assistant, options: BatchOptions, *, progress: ProgressFn | None = None
) -> BatchReport:
    """Summarize every stored trial into ``options.out_dir``; see the module docstring.

    Ctrl-C stops taking new trials, writes the report (``interrupted``) and re-raises.
    """
    out_dir = options.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    assistant = assistant.using(options.engine)
    _prepare(assistant)
    started = time.monotonic()
    with _exclusive(out_dir):
        _remove_partials(out_dir)
        batch = _Batch(assistant, options)
        batch.manifest.compact()
        ids = assistant.trial_ids()
        report = BatchReport(
            out_dir=str(out_dir),
            engine=batch.fingerprint,
            format=options.fmt,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            total=len(ids),
        )
        outcomes: dict[str, TrialOutcome] = {}
        try:
            _run(batch, ids, options.concurrency, outcomes, progress)
        except KeyboardInterrupt:
            report.interrupted = True
            raise
        finally:
            for tid in ids:  # in store order, whatever order they finished in
                outcome = outcomes.get(tid)
                if outcome is None:
                    continue
                if outcome.status == "failed":
                    report.failed.append(TrialFailure(trial_id=tid, reason=outcome.reason or ""))
                elif outcome.status == "skipped":
                    report.skipped.append(tid)
                else:
                    report.succeeded.append(tid)
            report.seconds = round(time.monotonic() - started, 3)
            batch.manifest.compact()
            write_atomic(out_dir / REPORT, (report.model_dump_json(indent=2) + "\n").encode())
    return report


def _run(
    batch: _Batch,
    ids: list[str],
    concurrency: int,
    outcomes: dict[str, TrialOutcome],
    progress: ProgressFn | None,
) -> None:
    """A bounded pool with a bounded queue: at most ``2 * concurrency`` trials in hand."""
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="summarize")
    unreported: set[Future[TrialOutcome]] = set()

    def collect(done: set[Future[TrialOutcome]]) -> None:
        for future in done:
            unreported.discard(future)
            if future.cancelled():
                continue
            outcome = future.result()
            outcomes[outcome.trial_id] = outcome
            if progress is not None:
                progress(
                    BatchProgress(
                        done=len(outcomes),
                        total=len(ids),
                        trial_id=outcome.trial_id,
                        status=outcome.status,
                    )
                )

    try:
        for trial_id in ids:
            unreported.add(pool.submit(batch.one, trial_id))
            if len(unreported) >= 2 * concurrency:
                collect(wait(unreported, return_when=FIRST_COMPLETED).done)
        while unreported:
            collect(wait(unreported, return_when=FIRST_COMPLETED).done)
    except KeyboardInterrupt:
        # Stop taking trials, but let those in flight finish (the interpreter would wait for
        # their threads anyway) so the report is complete. A second Ctrl-C stops the waiting.
        for future in unreported:
            future.cancel()
        with contextlib.suppress(KeyboardInterrupt):
            collect(wait(unreported).done)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
