"""Folding a collection's write log into its on-disk vector index while its folder settles.

Chroma (1.5, local) writes every record to a log in ``chroma.sqlite3`` and adds it to the
collection's in-memory HNSW index; the index files on disk are rewritten only once
``hnsw:sync_threshold`` (1,000) records were added since they last were. Every process that
reads a collection loads the files and replays the records written since (up to 999 per
collection: on the 6,786-trial store ~1.1 s of a cold ``ask --trial``, mostly the ``Trial`` JSON
records), and a collection that never reached 1,000 records (a store of a few trials) replays its
whole log and rewrites its index files on every read, so its folder is never found settled.

While a folder settles (under the exclusive hold, before the settle marker is written; see
``vectorstore.chroma_connection``), each collection is read once with its sync threshold lowered
to 1, so the read's replay writes the index files and moves the collection's persisted position
to the end of its log; the threshold is then set back. Afterwards every reader of the settled
folder loads the index as written and replays nothing.

The threshold stays what it was for writes, so ingest persists the 384-number index no more often
than before; the client that folded caches index writers with the lowered threshold, so the caller
opens a fresh client before writing (``LocalFolder._open_full``). A process killed between the two
``modify`` calls leaves a threshold of 1, which is no one's setting: the next fold (the folder is
not marked settled, so the next open folds) sets Chroma's default back. A kill while the index
files are written leaves them torn, as any persist can: the settle that finds them rebuilds the
index from the collection's records (``vectorstore.index_repair``).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

log = logging.getLogger(__name__)

#: The sync threshold a fold reads with: any record not yet in the index files writes them.
FOLD_THRESHOLD = 1
#: Chroma's defaults (``chromadb.api.collection_configuration``), restored after a fold.
DEFAULT_SYNC_THRESHOLD = 1000
DEFAULT_BATCH_SIZE = 100


def sync_threshold(collection: Any) -> int | None:
    """The collection's HNSW sync threshold, or None when it has no HNSW configuration."""
    try:
        hnsw = (collection.configuration or {}).get("hnsw") or {}
    except Exception:  # a configuration this chromadb cannot read: leave the collection be
        return None
    value = hnsw.get("sync_threshold")
    return int(value) if isinstance(value, int) else None


def restored(current: int) -> int:
    """The threshold to set back: the collection's own, or the default when a killed fold left
    the fold's value behind."""
    return current if current > FOLD_THRESHOLD else DEFAULT_SYNC_THRESHOLD


def _set(collection: Any, threshold: int) -> None:
    batch = min(DEFAULT_BATCH_SIZE, threshold)  # Chroma requires batch_size <= sync_threshold
    collection.modify(configuration={"hnsw": {"sync_threshold": threshold, "batch_size": batch}})


def fold(client: Any, name: str) -> bool:
    """Read collection ``name`` of ``client`` (a full ``PersistentClient`` whose process holds
    the folder exclusively) so that its log is folded into its index files. Returns whether the
    sync threshold was lowered (then the caller must not write through ``client``). Raises what
    the read raises (a torn index), with the threshold set back."""
    with warnings.catch_warnings():
        # chromadb warns "legacy embedding function config" on every look at the configuration
        # of a collection made without one (all of the store's): nothing to act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        collection = client.get_collection(name)
        current = sync_threshold(collection)
        if current is None:
            collection.count()  # a plain settle read
            return False
        try:
            _set(collection, FOLD_THRESHOLD)
        except Exception as exc:  # a chromadb that will not change it: settle without a fold
            log.info("not folding %s: %s", name, exc)
            collection.count()
            return False
        try:
            collection.count()  # loads the index, replays the log into it: the files are written
        finally:
            _set(collection, restored(current))  # a failure here leaves the folder unsettled
    return True
