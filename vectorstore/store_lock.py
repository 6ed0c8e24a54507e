"""An inter-process readers-writer lock for a local store folder, and the folder's write epoch.

Chroma's local (``PersistentClient``) mode is not safe for two processes at once: two writers
corrupt the vector index, a process that opened the folder before another one wrote keeps
searching a stale in-memory index, and opening the folder while another process writes can
crash the opener and damage the files (all three seen with chromadb 1.5). So every trialsum
process takes this lock around each store operation -- shared to read, exclusive to write or to
(re)open -- and each write records a new *epoch* in the lock file. A process that finds an epoch
it has not seen reopens its client before touching the data.

A process that has to wait says so once ("store busy ...") and keeps waiting, with backoff, up
to ``timeout`` seconds; then it raises ``StoreBusy`` with a message a person can act on.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

_NONE, _SHARED, _EXCLUSIVE = 0, 1, 2


class StoreBusy(RuntimeError):
    """Another process held the store for longer than this one was willing to wait."""


class StoreLock:
    """``fcntl.flock`` on ``path``; reentrant within a process, one thread at a time."""

    def __init__(
        self,
        path: Path,
        *,
        timeout: float = 600.0,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.notify = notify or log.warning
        self._fd: int | None = None
        self._mode = _NONE
        self._depth = 0
        self._mutex = threading.RLock()

    @contextmanager
    def hold(self, *, exclusive: bool) -> Iterator[None]:
        """Hold the lock (shared or exclusive) for the block; nested holds may upgrade."""
        with self._mutex:
            want = _EXCLUSIVE if exclusive else _SHARED
            if want > self._mode:
                self._acquire(want)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    @property
    def exclusive(self) -> bool:
        return self._mode == _EXCLUSIVE

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        return self._fd

    def _acquire(self, mode: int) -> None:
        fd = self._open()
        if self._mode != _NONE:
            # Upgrading in place can deadlock two upgraders; let go first, then queue.
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._mode = _NONE
        op = fcntl.LOCK_EX if mode == _EXCLUSIVE else fcntl.LOCK_SH
        deadline = time.monotonic() + self.timeout
        delay, told = 0.01, False
        while True:
            try:
                fcntl.flock(fd, op | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    what = "write to" if mode == _EXCLUSIVE else "read"
                    self.notify(
                        f"store busy: another trialsum process is using {self.path.parent}; "
                        f"waiting to {what} it (up to {self.timeout:.0f}s)"
                    )
                    told = True
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"store busy: {self.path.parent} was held by another process for more "
                        f"than {self.timeout:.0f}s; try again when it has finished"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        self._mode = mode

    def _release(self) -> None:
        if self._fd is not None and self._mode != _NONE:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._mode = _NONE

    # --- the epoch: who wrote last ------------------------------------------------------------

    def epoch(self) -> str:
        """The marker of the last write; read it while holding the lock."""
        return os.pread(self._open(), 64, 0).decode("ascii", "replace").strip()

    def new_epoch(self) -> str:
        """Record that this process just wrote; needs the exclusive hold."""
        if self._mode != _EXCLUSIVE:
            raise RuntimeError("new_epoch needs the exclusive lock")
        epoch = uuid.uuid4().hex
        fd = self._open()
        # Overwrite in place, then trim: the same 32 bytes need no new block on a full disk.
        data = epoch.encode("ascii")
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
        return epoch

    def close(self) -> None:
        with self._mutex:
            self._release()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
