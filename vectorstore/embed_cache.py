"""Content-addressed embedding cache: every distinct text is embedded once per model, ever.

Trials repeat a lot of boilerplate (the same criteria across a sponsor's studies, the same
contact lines), and re-ingesting a corpus should cost nothing. Vectors live in one sqlite file in
the store folder, keyed by (model name, sha256 of the text), as float32 bytes. WAL mode and a busy
timeout let several processes (an ingest and the UI, say) share the file.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from vectorstore.base import Embedder
from vectorstore.embed_base import BaseEmbedder, ModelName, embedder_from_config

if TYPE_CHECKING:  # numpy is imported on the first lookup: a command that embeds nothing
    import numpy as np  # (``trialsum trials``) does not pay for it

_SQLITE_VARS = 500  # stay well under SQLITE_MAX_VARIABLE_NUMBER


def text_hash(text: str) -> str:
    """sha256 of the UTF-8 text; the same value as ``Chunk.content_hash``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """(model, sha256) -> float32 vector, in sqlite. Thread-safe; safe across processes."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS embeddings ("
                " model TEXT NOT NULL, hash TEXT NOT NULL, dim INTEGER NOT NULL,"
                " vec BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID"
            )
            conn.commit()
            self._conn = conn
        return self._conn

    def get_many(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``hashes``; missing ones are simply absent."""
        import numpy as np

        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            db = self._db()
            for i in range(0, len(wanted), _SQLITE_VARS):
                part = wanted[i : i + _SQLITE_VARS]
                marks = ",".join("?" * len(part))
                rows = db.execute(
                    f"SELECT hash, dim, vec FROM embeddings WHERE model = ? AND hash IN ({marks})",
                    [str(model), *part],
                ).fetchall()
                for h, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:  # a torn or foreign row is treated as a miss
                        found[h] = vec
        return found

    def put_many(
        self, model: str, items: Iterable[tuple[str, Sequence[float] | np.ndarray]]
    ) -> None:
        import numpy as np

        rows = []
        for h, vec in items:
            arr = np.asarray(vec, dtype=np.float32)
            rows.append((str(model), h, int(arr.shape[0]), arr.tobytes()))
        if not rows:
            return
        with self._lock:
            db = self._db()
            with db:  # one transaction
                db.executemany(
                    "INSERT OR IGNORE INTO embeddings (model, hash, dim, vec) VALUES (?, ?, ?, ?)",
                    rows,
                )

    def count(self, model: str | None = None) -> int:
        with self._lock:
            db = self._db()
            if model is None:
                return int(db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
            query = "SELECT COUNT(*) FROM embeddings WHERE model = ?"
            return int(db.execute(query, [str(model)]).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class EmbedStats(BaseModel):
    """What the cache saved: texts asked for, distinct within their call, found, computed."""

    requested: int = 0
    unique: int = 0
    cache_hits: int = 0
    embedded: int = 0

    @property
    def duplicates(self) -> int:
        """Texts repeated within the same call (deduplicated before embedding)."""
        return self.requested - self.unique

    @property
    def saved_share(self) -> float:
        """Share of requested texts that did not need the model (duplicates plus cache hits)."""
        return 1.0 - self.embedded / self.requested if self.requested else 0.0

    def __sub__(self, other: EmbedStats) -> EmbedStats:
        """Stats of the work between two snapshots."""
        return EmbedStats(
            requested=self.requested - other.requested,
            unique=self.unique - other.unique,
            cache_hits=self.cache_hits - other.cache_hits,
            embedded=self.embedded - other.embedded,
        )


class CachedEmbedder(BaseEmbedder):
    """Wraps any embedder: dedupes each call, serves cached vectors, embeds only what is new.

    Takes the inner embedder's ``name`` and ``dim``, so to Chroma it is the same embedding
    function (a collection made with one can be reopened with the other).
    """

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = ModelName(inner.name)
        self.dim = inner.dim
        self._stats = EmbedStats()
        self._lock = threading.Lock()

    @property
    def stats(self) -> EmbedStats:
        """A snapshot; subtract two snapshots to get the figures for one piece of work."""
        with self._lock:
            return self._stats.model_copy()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        texts = list(texts)
        hashes = [text_hash(t) for t in texts]
        distinct = dict(zip(hashes, texts, strict=True))  # hash -> text, first occurrence order
        found = self.cache.get_many(self.name, distinct)
        missing = [h for h in distinct if h not in found]
        if missing:
            import numpy as np

            vectors = self.inner.embed_documents([distinct[h] for h in missing])
            pairs = zip(missing, vectors, strict=True)
            new = {h: np.asarray(v, dtype=np.float32) for h, v in pairs}
            self.cache.put_many(self.name, new.items())
            found.update(new)
        if missing and self.dim == 0:  # embedders whose size is only known after a call
            self.dim = int(found[missing[0]].shape[0])
        with self._lock:
            self._stats.requested += len(texts)
            self._stats.unique += len(distinct)
            self._stats.cache_hits += len(distinct) - len(missing)
            self._stats.embedded += len(missing)
        return [found[h].tolist() for h in hashes]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        counter = getattr(self.inner, "count_tokens", None)
        if counter is None:
            raise AttributeError(f"{type(self.inner).__name__} cannot count tokens")
        return list(counter(texts))

    @classmethod
    def from_config(cls, params: dict[str, Any]) -> BaseEmbedder:
        return cls(embedder_from_config(params["inner"]), EmbeddingCache(params["cache_path"]))

    def get_config(self) -> dict[str, Any]:
        inner_config = self.inner.get_config() if hasattr(self.inner, "get_config") else {}
        return {"kind": "cached", "inner": inner_config, "cache_path": str(self.cache.path)}

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.inner!r}, cache={self.cache.path})"
