"""BM25 over every chunk (English stemming), kept in step with the Chroma store.

The index is a cache: it is rebuilt from the store's current chunks whenever the store's
generation marker differs from the one it was built at, and saved under ``directory/<generation>``
so the next process loads it instead of rebuilding. In server mode each client rebuilds its local
cache from the server's chunks, so clients sharing only the server stay consistent.

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

import numpy as np

from summarizer.models import Chunk

_MARKER = "generation.json"
_BUILD_TRIES = 3
_FIELDS = ("id", "trial_id", "section", "kind", "start", "end", "source_path", "content_hash",
           "ordinal", "title")  # fmt: skip


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
        self._stemmer = _stemmer()
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._bm25: Any = None
        self._chunks: list[dict[str, Any]] = []
        self._texts: list[str] = []
        self._by_trial: dict[str, np.ndarray] = {}
        self._sections: np.ndarray = np.array([], dtype=object)

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
        records = [{f: getattr(c, f) for f in _FIELDS} for c in chunks]
        self._install(generation, bm25 if texts else None, records, texts)

    def _install(
        self, generation: str | None, bm25: Any, records: list[dict[str, Any]], texts: list[str]
    ) -> None:
        self._bm25 = bm25 if bm25 is not None else False
        self._chunks, self._texts, self._generation = records, texts, generation
        by_trial: dict[str, list[int]] = {}
        for i, rec in enumerate(records):
            by_trial.setdefault(rec["trial_id"], []).append(i)
        self._by_trial = {t: np.array(ix, dtype=np.int64) for t, ix in by_trial.items()}
        self._sections = np.array([r["section"] for r in records], dtype=object)

    def _snapshot(self, generation: str) -> Path:
        return self.directory / (generation or "empty")

    def _save(self, generation: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            tmp.mkdir()
            if self._bm25:
                self._bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "chunks.json").write_text(
                json.dumps({"records": self._chunks, "texts": self._texts}), encoding="utf-8"
            )
            (tmp / _MARKER).write_text(json.dumps({"generation": generation}), encoding="utf-8")
            tmp.rename(self._snapshot(generation))
        except OSError:
            pass  # another process saved this generation first, or the disk is full: a cache
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._prune(keep=self._snapshot(generation))

    def _prune(self, keep: Path) -> None:
        """Drop other generations' snapshots (a reader of one just rebuilds)."""
        for entry in self.directory.iterdir():
            if entry == keep or (entry.name.startswith(".tmp-") and _writer_alive(entry.name)):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def _load(self, generation: str) -> bool:
        import bm25s

        folder = self._snapshot(generation)
        try:
            saved = json.loads((folder / _MARKER).read_text(encoding="utf-8"))["generation"]
            if saved != generation:
                return False
            data = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
            bm25 = None
            if data["texts"]:
                bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        except (OSError, ValueError, KeyError):
            return False
        self._install(generation, bm25, data["records"], data["texts"])
        return True

    # --- searching -----------------------------------------------------------------------

    def indexed(self) -> list[tuple[str, str, str]]:
        """(trial id, chunk id, content hash) of every indexed chunk, for consistency checks."""
        self.ensure_current()
        return [(r["trial_id"], r["id"], r["content_hash"]) for r in self._chunks]

    def __len__(self) -> int:
        self.ensure_current()
        return len(self._chunks)

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Best ``k`` chunks with a positive BM25 score, as (chunk, score), best first."""
        self.ensure_current()
        if not self._bm25 or k <= 0:
            return []
        tokens = tokenize([query], self._stemmer)[0]
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        mask = np.ones(len(scores), dtype=bool)
        if trial_ids is not None:
            mask[:] = False
            for tid in trial_ids:
                ix = self._by_trial.get(tid)
                if ix is not None:
                    mask[ix] = True
        if sections:
            mask &= np.isin(self._sections, list(sections))
        scores = np.where(mask & (scores > 0), scores, 0.0)
        candidates = np.flatnonzero(scores)
        if candidates.size == 0:
            return []
        if candidates.size > k:
            top = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        else:
            top = candidates
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._chunk(int(i)), float(scores[i])) for i in top]

    def _chunk(self, i: int) -> Chunk:
        return Chunk(text=self._texts[i], **self._chunks[i])
