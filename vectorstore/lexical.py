"""BM25 over every chunk (English stemming), kept in step with the Chroma store.

The index is a cache: it is rebuilt from the store's current chunks whenever the store's
generation marker differs from the one it was built at, and saved under ``directory/<generation>``
so the next process loads it instead of rebuilding. In server mode each client rebuilds its local
cache from the server's chunks, so clients sharing only the server stay consistent.

Nothing is loaded until a lexical search (or a consistency check) needs it, and a saved index is
memory-mapped (bm25s' ``load(mmap=True)`` and ``ChunkTable``), so a process that asks one question
reads only the pages that question touches.

A saved snapshot is immutable: it is written to a private temporary folder and renamed into
place, so several processes can build, save and load at once. A build during which the store's
generation moved (a writer flipped trials mid-scan) is not saved and is redone on the next call.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from summarizer.models import Chunk
from vectorstore.chunk_table import ChunkTable

_MARKER = "generation.json"
_BUILD_TRIES = 3
#: Part of each snapshot's folder name: a change in what is saved makes old snapshots unused
#: (and pruned) rather than misread.
SNAPSHOT_FORMAT = "v2"


def _writer_alive(tmp_name: str) -> bool:
    """Is the process that owns ``.tmp-<pid>-<id>`` still running?"""
    try:
        os.kill(int(tmp_name.split("-")[1]), 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


class ChunkSource(Protocol):
    def generation(self) -> str: ...

    def iter_current_chunks(self) -> Iterable[Chunk]: ...


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str], stemmer: Any) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(
        list(texts), stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False
    )


class LexicalIndex:
    """BM25 search over chunks, filterable by trial ids and sections."""

    def __init__(self, source: ChunkSource, directory: Path) -> None:
        self.source = source
        self.directory = directory
        self._stemmer_: Any = None
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._bm25: Any = None
        self._table = ChunkTable.from_chunks([])

    @property
    def _stemmer(self) -> Any:
        if self._stemmer_ is None:
            self._stemmer_ = _stemmer()
        return self._stemmer_

    # --- keeping in step -----------------------------------------------------------------

    def ensure_current(self) -> bool:
        """Load or rebuild if the store moved on; True when a rebuild happened."""
        generation = self.source.generation()
        with self._lock:
            if self._bm25 is not None and generation == self._generation:
                return False
            if self._load(generation):
                return False
            for _ in range(_BUILD_TRIES):
                self._build(generation)
                now = self.source.generation()
                if now == generation:
                    self._save(generation)
                    return True
                generation = now  # torn by a concurrent write: build again
            self._generation = None  # use it for this call, rebuild on the next
            return True

    def _build(self, generation: str) -> None:
        import bm25s

        chunks = sorted(self.source.iter_current_chunks(), key=lambda c: (c.trial_id, c.ordinal))
        texts = [c.text for c in chunks]
        bm25 = bm25s.BM25()
        if texts:
            tokens = bm25s.tokenize(
                texts, stopwords="en", stemmer=self._stemmer, show_progress=False
            )
            bm25.index(tokens, show_progress=False)
        self._install(generation, bm25 if texts else None, ChunkTable.from_chunks(chunks))

    def _install(self, generation: str | None, bm25: Any, table: ChunkTable) -> None:
        self._bm25 = bm25 if bm25 is not None else False
        self._table, self._generation = table, generation

    def _snapshot(self, generation: str) -> Path:
        return self.directory / f"{generation or 'empty'}.{SNAPSHOT_FORMAT}"

    def _save(self, generation: str) -> None:
        tmp = self.directory / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp.mkdir()
            if self._bm25:
                self._bm25.save(str(tmp / "bm25"), show_progress=False)
            self._table.save(tmp)
            (tmp / _MARKER).write_text(json.dumps({"generation": generation}), encoding="utf-8")
            tmp.rename(self._snapshot(generation))
        except OSError:
            pass  # another process saved this generation first, or the disk is full: a cache
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._prune(keep=self._snapshot(generation))

    def _prune(self, keep: Path) -> None:
        """Drop other generations' snapshots (a reader of one just rebuilds; one that has it
        mapped keeps reading its files until it lets go)."""
        try:
            entries = list(self.directory.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry == keep or (entry.name.startswith(".tmp-") and _writer_alive(entry.name)):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def _load(self, generation: str) -> bool:
        folder = self._snapshot(generation)
        try:
            saved = json.loads((folder / _MARKER).read_text(encoding="utf-8"))["generation"]
            if saved != generation:
                return False
            table = ChunkTable.load(folder)
            bm25 = None
            if len(table):
                import bm25s

                bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
        except (OSError, ValueError, KeyError):
            return False
        self._install(generation, bm25, table)
        return True

    # --- searching -----------------------------------------------------------------------

    def indexed(self) -> list[tuple[str, str, str]]:
        """(trial id, chunk id, content hash) of every indexed chunk, for consistency checks."""
        self.ensure_current()
        return self._table.indexed()

    def __len__(self) -> int:
        self.ensure_current()
        return len(self._table)

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Best ``k`` chunks with a positive BM25 score, as (chunk, score), best first."""
        import numpy as np

        self.ensure_current()
        if not self._bm25 or k <= 0:
            return []
        tokens = tokenize([query], self._stemmer)[0]
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        mask = self._table.mask(trial_ids, sections)
        scores = np.where(mask & (scores > 0), scores, 0.0)
        candidates = np.flatnonzero(scores)
        if candidates.size == 0:
            return []
        if candidates.size > k:
            top = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        else:
            top = candidates
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._table.chunk(int(i)), float(scores[i])) for i in top]
