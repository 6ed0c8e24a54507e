"""A note that a local Chroma folder is settled, so opening it need not read every collection.

Opening a folder *settles* it (``LocalFolder._settle``): every collection is read once under the
exclusive hold, so that Chroma's lazy load of a vector index -- which replays the write log into
the index files and rewrites them -- never happens under a shared hold, and an index torn by a
killed process is found and rebuilt. On a large store that costs seconds on every open.

Once a folder is settled and nothing has written since, the next open has nothing to settle:
loading an index then leaves its files as they are (seen with chromadb 1.5: only
``chroma.sqlite3`` is touched), because the settle folded every collection's write log into its
index files (``vectorstore.index_fold``). Without that fold, a collection whose index was never
persisted (fewer than ``hnsw:sync_threshold``, 1,000, records: a store of a few trials) replays its
whole log and rewrites its index files on every read, which changes the fingerprint, so such a
folder was found unsettled by every other open (seen with chromadb 1.5.9). This marker records
the settled state -- the write epoch it held, a fingerprint (name, size, modification time) of
every vector-index file, and the version of the fold the settle made (a marker written before the
fold existed names none, so the next open settles once more and folds) -- and an open that finds
all three unchanged skips the reads. Anything else settles as before:

- a write removes the marker before it changes anything, so a writer killed mid-way (whose epoch
  never moves on) leaves no marker behind;
- a changed, missing or added index file (a torn write, a repair, a copy) changes the fingerprint;
- the marker is written only after a settle finished, and removed before one starts.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MARKER_NAME = "chroma.settled"
#: What the settle did besides reading: 1 = each collection's log folded into its index files.
FOLD_VERSION = 1
#: Chroma's catalogue and log: a transactional SQLite database, touched by every open.
_UNWATCHED = ("chroma.sqlite3",)


def marker_path(folder: Path) -> Path:
    return folder.with_name(MARKER_NAME)


def fingerprint(folder: Path) -> str:
    """A digest of every vector-index file's name, size and modification time in ``folder``."""
    rows: list[str] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return ""
    for entry in entries:
        if entry.name.startswith(_UNWATCHED):
            continue
        if entry.is_dir(follow_symlinks=False):
            for sub in sorted(os.scandir(entry.path), key=lambda e: e.name):
                st = sub.stat(follow_symlinks=False)
                rows.append(f"{entry.name}/{sub.name}:{st.st_size}:{st.st_mtime_ns}")
        else:
            st = entry.stat(follow_symlinks=False)
            rows.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def is_settled(folder: Path, epoch: str) -> bool:
    """Whether ``folder`` was settled at this write epoch and its index files are unchanged."""
    try:
        saved = json.loads(marker_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(saved, dict):
        return False
    return (
        saved.get("epoch") == epoch
        and saved.get("fold") == FOLD_VERSION
        and saved.get("files") == fingerprint(folder)
    )


def mark_settled(folder: Path, epoch: str) -> None:
    """Record that ``folder`` was just settled (call under the exclusive hold). A cache: a
    failure to write it only means the next open settles again."""
    marker = marker_path(folder)
    tmp = marker.with_name(f".{MARKER_NAME}.{os.getpid()}")
    try:
        state = {"epoch": epoch, "fold": FOLD_VERSION, "files": fingerprint(folder)}
        tmp.write_text(json.dumps(state), encoding="utf-8")
        tmp.replace(marker)
    except OSError:
        tmp.unlink(missing_ok=True)


def unmark(folder: Path) -> None:
    """Forget that ``folder`` is settled: before a write or a settle changes anything."""
    marker_path(folder).unlink(missing_ok=True)
