"""A local store on a full disk: refuse before writing, and turn Chroma's failures into one error.

Chroma on a full filesystem fails in ways that do not say "disk full" (sqlite's "database or disk
is full", ``OSError`` ENOSPC, or an ``InternalError`` from its log compactor), and after one such
failure a further call (a ``delete`` during recovery) can block forever. So: a write is refused
while the folder's filesystem has less than ``MIN_FREE_BYTES`` free; an error raised with little
space left, or one that names the cause, becomes ``StoreDiskFullError``; and after one, the
process makes no more Chroma writes until space has been freed.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

#: Below this much free space a write is refused before it starts: Chroma's sqlite log, its
#: compaction and the vector index files all grow during a write batch.
MIN_FREE_BYTES = 32 * 1024 * 1024
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_WORDS = ("disk is full", "no space left", "database or disk is full", "enospc", "quota")


class StoreDiskFullError(RuntimeError):
    """The store's disk is full: nothing was written, and the store is consistent."""

    def __init__(self, location: str, free: int) -> None:
        self.location, self.free = location, free
        super().__init__(
            f"the store's disk is full ({location}: {free // 1024} KiB free, "
            f"{MIN_FREE_BYTES // (1024 * 1024)} MiB needed): free space and rerun; nothing was lost"
        )


def free_bytes(path: Path) -> int:
    """Free space on the filesystem holding ``path`` (or its nearest existing parent)."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return 0


def names_disk_full(exc: BaseException) -> bool:
    """Does this error (or one it was raised from) say the disk is full?"""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if any(word in str(current).lower() for word in _FULL_WORDS):
            return True
        current = current.__cause__ or current.__context__
    return False


def is_disk_full(exc: BaseException, path: Path) -> bool:
    """An error during a store call counts as disk full if it says so, or if it came with less
    than ``MIN_FREE_BYTES`` left (Chroma's compactor reports it only as a failed log apply)."""
    if isinstance(exc, StoreDiskFullError):
        return True
    if names_disk_full(exc):
        return True
    from_storage = isinstance(exc, OSError | sqlite3.Error) or type(exc).__module__.startswith(
        "chromadb"
    )
    return from_storage and free_bytes(path) < MIN_FREE_BYTES
