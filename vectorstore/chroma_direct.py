"""Reading a settled local Chroma folder straight through chromadb's Rust bindings.

``import chromadb`` costs over a second of CPU (its client, auth, telemetry and embedding-function
modules, with jsonschema, httpx and opentelemetry behind them), while the local client is a thin
shim over ``chromadb_rust_bindings.Bindings`` (``chromadb/api/rust.py``), which imports in ~0.05 s.
A command that only reads a local folder opens the bindings itself: ``DirectClient`` and
``DirectCollection`` give the few calls the store's reads use -- ``get_or_create_collection`` of an
existing collection, ``get_max_batch_size``, and a collection's ``count``, ``get`` and ``query`` --
and return what chromadb's own methods return for them (``chromadb.api.models.Collection``, which
passes the bindings' answers through ``RustBindingsAPI``), checked by a contract test on a real
store against the full client (``tests/vectorstore/test_chroma_direct.py``).

``LocalFolder`` (``vectorstore.chroma_connection``) uses it only to read, and only a folder that
is settled at the current write epoch with no repair pending (``vectorstore.settle_marker``):
there, loading an index rewrites nothing, so nothing the full client's open does is skipped.
Every write, every unsettled or torn folder, and every server store take the full client, and a
collection that does not exist yet is created through it (``fallback``).

The bindings are a private module of chromadb, so chromadb is pinned to the minor series this was
written against (1.5), and ``open_direct`` checks the names and signatures it calls before use:
anything unexpected (or ``TRIALSUM_CHROMA_DIRECT=0``) and the folder opens with the full client,
as before, with one log line saying why.

``get`` and ``count`` read the collection's metadata segment in ``chroma.sqlite3`` themselves
(``MetadataReader``), with the query chromadb's own reader makes (``SqliteMetadataReader::get`` in
chromadb 1.5: the records of the segment, filtered, ordered by their row id, then paged). Through
the bindings, every first read of a collection loads its vector index -- for the 6,786-trial store
a 15 MB id map for the lexical chunks and 84 MB for the dense ones, ~0.4-0.8 s of a cold
``ask --trial`` that reads no vector. Only the filters the store uses are translated (equality and
``$in`` on strings, ``$and``, ``$or``, ids, limit and offset, metadatas and documents); anything
else, a collection whose metadata segment has not taken in its whole log, or any SQLite error, and
the call goes to the bindings as before. Searches by vector (``query``) always do.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Chroma's defaults, as ``chromadb.PersistentClient`` passes them (``chromadb.config.Settings``).
TENANT = "default_tenant"
DATABASE = "default_database"
ENV_SWITCH = "TRIALSUM_CHROMA_DIRECT"

#: The parameters (after ``self``) of every bindings call made here, as chromadb 1.5 has them.
EXPECTED_SIGNATURES: dict[str, tuple[str, ...]] = {
    "Bindings": ("allow_reset", "sqlite_db_config", "hnsw_cache_size", "persist_path"),
    "SqliteDBConfig": ("hash_type", "migration_mode", "url"),
    "Bindings.get_collection": ("name", "tenant", "database"),
    "Bindings.get_max_batch_size": (),
    "Bindings.count": ("collection_id", "tenant", "database"),
    "Bindings.get": (
        "collection_id",
        "ids",
        "where",
        "limit",
        "offset",
        "where_document",
        "include",
        "tenant",
        "database",
    ),
    "Bindings.query": (
        "collection_id",
        "ids",
        "query_embeddings",
        "n_results",
        "where",
        "where_document",
        "include",
        "tenant",
        "database",
    ),
}


class DirectUnavailable(RuntimeError):
    """The installed bindings are not the ones this module was written against."""


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def _parameters(obj: Any) -> tuple[str, ...]:
    params = inspect.signature(obj).parameters.values()
    return tuple(p.name for p in params if p.name != "self")


def check_bindings(module: Any) -> None:
    """Raise ``DirectUnavailable`` unless every name and signature used here is as expected."""
    for dotted, expected in EXPECTED_SIGNATURES.items():
        obj: Any = module
        try:
            for part in dotted.split("."):
                obj = getattr(obj, part)
            found = _parameters(obj)
        except (AttributeError, TypeError, ValueError) as exc:
            raise DirectUnavailable(f"chromadb_rust_bindings.{dotted}: {exc}") from None
        if found != expected:
            raise DirectUnavailable(
                f"chromadb_rust_bindings.{dotted} takes {found}, expected {expected}"
            )
    for dotted in ("MigrationHash.MD5", "MigrationMode.Validate"):
        owner, _, name = dotted.partition(".")
        if not hasattr(getattr(module, owner, None), name):
            raise DirectUnavailable(f"chromadb_rust_bindings.{dotted} is missing")


def bindings_module() -> Any:
    """chromadb's Rust bindings (the module ``chromadb.api.rust`` wraps)."""
    import chromadb_rust_bindings

    return chromadb_rust_bindings


def open_direct(path: Path, fallback: Callable[[], Any]) -> DirectClient | None:
    """A read-only client of the local folder ``path``, or None when the bindings are not the
    expected ones or will not open it (the caller then opens the full client).

    ``fallback`` returns the full client; it is called when a collection must be created."""
    if not enabled():
        return None
    try:
        import resource  # POSIX, as the store's lock (fcntl) is

        rust = bindings_module()
        check_bindings(rust)
        config = rust.SqliteDBConfig(
            hash_type=rust.MigrationHash.MD5,  # chromadb's default (migrations_hash_algorithm)
            migration_mode=rust.MigrationMode.Validate,  # a settled folder is migrated: no writes
            url=str(path / "chroma.sqlite3"),
        )
        bindings = rust.Bindings(
            allow_reset=False,
            sqlite_db_config=config,
            persist_path=str(path),
            # As RustBindingsAPI sizes it: each HNSW index holds 5 files open.
            hnsw_cache_size=resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5,
        )
    except Exception as exc:  # an upgrade, a missing module, a folder it will not open
        log.info("reading %s with the full chromadb client: %s", path, exc)
        return None
    return DirectClient(bindings, fallback, MetadataReader(path))


def _not_found(exc: BaseException) -> bool:
    return type(exc).__name__ == "NotFoundError"


#: Chroma's metadata key holding a record's document (``chroma_types::CHROMA_DOCUMENT_KEY``).
DOCUMENT_KEY = "chroma:document"
#: Fewer bound values than SQLite's limit (32,766 since 3.32) in one statement.
_MAX_PARAMS = 30_000


class MetadataReader:
    """Read-only SQL on the folder's ``chroma.sqlite3``: the metadata segment's records.

    Every method returns None when it cannot answer exactly as chromadb would (the caller then
    asks the bindings)."""

    def __init__(self, path: Path) -> None:
        self.path = path / "chroma.sqlite3"
        self._db: Any = None
        self._lock = threading.Lock()
        self._segments: dict[str, str | None] = {}
        self._failed = False

    def _connect(self) -> Any:
        if self._db is None:
            import sqlite3

            self._db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None

    def _segment(self, db: Any, collection_id: str) -> str | None:
        """The collection's metadata segment, when it holds every record of the collection's
        log (a settled folder's do); else None."""
        if collection_id not in self._segments:
            row = db.execute(
                "SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'",
                (collection_id,),
            ).fetchone()
            segment = str(row[0]) if row else None
            if segment is not None:
                seen = db.execute(
                    "SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (segment,)
                ).fetchone()
                logged = db.execute(
                    "SELECT MAX(seq_id) FROM embeddings_queue WHERE topic LIKE ?",
                    (f"%/{collection_id}",),
                ).fetchone()
                applied = seen[0] if seen else 0
                last = logged[0] if logged and logged[0] is not None else 0
                if not isinstance(applied, int) or not isinstance(last, int) or applied < last:
                    segment = None
            self._segments[collection_id] = segment
        return self._segments[collection_id]

    def _run(self, work: Callable[[Any], Any]) -> Any:
        if self._failed:
            return None
        with self._lock:
            try:
                return work(self._connect())
            except Exception as exc:  # a schema this was not written for, a locked file ...
                self._failed = True
                log.info("reading %s through the bindings: %s", self.path, exc)
                return None

    def count(self, collection_id: str) -> int | None:
        def work(db: Any) -> int | None:
            segment = self._segment(db, collection_id)
            if segment is None:
                return None
            sql = "SELECT COUNT(id) FROM embeddings WHERE segment_id = ?"
            return int(db.execute(sql, (segment,)).fetchone()[0])

        result: int | None = self._run(work)
        return result

    def get(
        self,
        collection_id: str,
        ids: list[str] | None,
        where: dict[str, Any] | None,
        limit: int | None,
        offset: int,
        include: list[str],
    ) -> tuple[list[str], list[str | None], list[dict[str, Any] | None]] | None:
        """(ids, documents, metadatas) as chromadb's ``get`` gives them, or None."""
        if not set(include) <= {"metadatas", "documents"}:
            return None
        if ids is not None and not ids:
            return None  # chromadb's own answer to an empty id list: let it give it
        condition = _where_sql(where) if where else ("1", [])
        if condition is None:
            return None

        def work(db: Any) -> tuple[list[str], list[str | None], list[Any]] | None:
            segment = self._segment(db, collection_id)
            if segment is None:
                return None
            params: list[Any] = [segment]
            picked = "SELECT e.id FROM embeddings e WHERE e.segment_id = ?"
            if ids is not None:
                picked += f" AND e.embedding_id IN ({','.join('?' * len(ids))})"
                params += ids
            picked += f" AND {condition[0]} ORDER BY e.id LIMIT ? OFFSET ?"
            params += [*condition[1], -1 if limit is None else int(limit), int(offset or 0)]
            if len(params) > _MAX_PARAMS:
                return None
            if include:
                sql = (
                    "SELECT e.id, e.embedding_id, m.key, m.string_value, m.int_value, "
                    "m.float_value, m.bool_value FROM embeddings e "
                    f"LEFT JOIN embedding_metadata m ON m.id = e.id WHERE e.id IN ({picked})"
                )
            else:
                sql = f"SELECT e.id, e.embedding_id FROM embeddings e WHERE e.id IN ({picked})"
            records: dict[int, tuple[str, dict[str, Any]]] = {}
            for row in db.execute(sql, params):
                record = records.setdefault(row[0], (row[1], {}))
                if len(row) > 2 and row[2] is not None:
                    _put(record[1], row[2], row[3:])
            out_ids: list[str] = []
            docs: list[str | None] = []
            metas: list[dict[str, Any] | None] = []
            for key in sorted(records):
                rid, meta = records[key]
                doc = meta.pop(DOCUMENT_KEY, None)
                out_ids.append(rid)
                docs.append(doc if isinstance(doc, str) else None)
                metas.append(meta or None)
            return out_ids, docs, metas

        result = self._run(work)
        return result  # type: ignore[no-any-return]


def _put(meta: dict[str, Any], key: str, values: Sequence[Any]) -> None:
    """One metadata value, typed as chromadb's reader types it (the first column set wins)."""
    text, integer, real, flag = values
    if text is not None:
        meta[key] = text
    elif integer is not None:
        meta[key] = int(integer)
    elif real is not None:
        meta[key] = float(real)
    elif flag is not None:
        meta[key] = bool(flag)


def _where_sql(where: Any) -> tuple[str, list[Any]] | None:
    """A where filter as SQL over ``embeddings e`` (chromadb's: one subquery per condition), or
    None for a filter not translated here."""
    if not isinstance(where, dict) or len(where) != 1:
        return None
    ((key, value),) = where.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list) or not value:
            return None
        parts = [_where_sql(part) for part in value]
        if any(p is None for p in parts):
            return None
        joiner = " AND " if key == "$and" else " OR "
        sql = joiner.join(p[0] for p in parts if p is not None)
        return f"({sql})", [x for p in parts if p is not None for x in p[1]]
    if not isinstance(key, str) or key.startswith("$"):
        return None
    if isinstance(value, dict):
        if len(value) != 1:
            return None
        ((op, operand),) = value.items()
    else:
        op, operand = "$eq", value
    inner = "SELECT id FROM embedding_metadata WHERE key = ? AND string_value"
    if op == "$eq" and isinstance(operand, str):
        return f"e.id IN ({inner} = ?)", [key, operand]
    if (
        op == "$in"
        and isinstance(operand, list)
        and operand
        and all(isinstance(x, str) for x in operand)
    ):
        return f"e.id IN ({inner} IN ({','.join('?' * len(operand))}))", [key, *operand]
    return None


class DirectClient:
    """The part of ``chromadb.ClientAPI`` the store's reads use, on the bindings alone."""

    def __init__(
        self, bindings: Any, fallback: Callable[[], Any], reader: MetadataReader | None = None
    ) -> None:
        self._bindings: Any = bindings
        self._fallback = fallback
        self._reader = reader

    def get_or_create_collection(
        self,
        name: str,
        embedding_function: Any = None,
        metadata: dict[str, Any] | None = None,
    ) -> Any:
        try:
            model = self._bindings.get_collection(name, TENANT, DATABASE)
        except Exception as exc:
            if not _not_found(exc):
                raise
            # Creating is a write: the full client does it (and from now on serves this folder).
            full = self._fallback()
            return full.get_or_create_collection(
                name, embedding_function=embedding_function, metadata=metadata
            )
        return DirectCollection(self._bindings, model, self._reader)

    def get_max_batch_size(self) -> int:
        return int(self._bindings.get_max_batch_size())

    def close(self) -> None:
        """Let go of the bindings (freed once no collection fetched from them is left)."""
        self._bindings = None
        if self._reader is not None:
            self._reader.close()


class DirectCollection:
    """A collection's reads, answered as ``chromadb.api.models.Collection`` answers them."""

    def __init__(self, bindings: Any, model: Any, reader: MetadataReader | None = None) -> None:
        self._bindings = bindings
        self._reader = reader
        self.id = model.id
        self.name = str(model.name)
        self.metadata = model.metadata
        self.tenant = str(model.tenant)
        self.database = str(model.database)
        self._key = str(model.id)

    def count(self) -> int:
        if self._reader is not None and (n := self._reader.count(self._key)) is not None:
            return n
        return int(self._bindings.count(self._key, self.tenant, self.database))

    def get(
        self,
        ids: str | Sequence[str] | None = None,
        where: dict[str, Any] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        where_document: dict[str, Any] | None = None,
        include: Sequence[str] = ("metadatas", "documents"),
    ) -> dict[str, Any]:
        include = list(include)
        if self._reader is not None and not where_document:  # full text: the bindings
            read = self._reader.get(self._key, _many(ids), where, limit, offset or 0, include)
            if read is not None:
                found, documents, metadatas = read
                return {
                    "ids": found,
                    "embeddings": None,
                    "documents": documents if "documents" in include else None,
                    "uris": None,
                    "included": include,
                    "data": None,
                    "metadatas": metadatas if "metadatas" in include else None,
                }
        got = self._bindings.get(
            self._key,
            _many(ids),
            json.dumps(where) if where else None,
            limit,
            offset or 0,
            json.dumps(where_document) if where_document else None,
            include,
            self.tenant,
            self.database,
        )
        return {
            "ids": got.ids,
            "embeddings": _arrays(got.embeddings) if "embeddings" in include else got.embeddings,
            "documents": got.documents,
            "uris": got.uris if "uris" in include else None,
            "included": include,
            "data": None,
            "metadatas": got.metadatas,
        }

    def query(
        self,
        query_embeddings: Sequence[Sequence[float]],
        ids: str | Sequence[str] | None = None,
        n_results: int = 10,
        where: dict[str, Any] | None = None,
        where_document: dict[str, Any] | None = None,
        include: Sequence[str] = ("metadatas", "documents", "distances"),
    ) -> dict[str, Any]:
        include = list(include)
        vectors = [list(map(float, v)) for v in query_embeddings]
        got = self._bindings.query(
            self._key,
            _many(ids),
            vectors,
            n_results,
            json.dumps(where) if where else None,
            json.dumps(where_document) if where_document else None,
            include,
            self.tenant,
            self.database,
        )
        embeddings = got.embeddings
        if "embeddings" in include and embeddings is not None:
            embeddings = [_arrays(rows) for rows in embeddings]
        return {
            "ids": got.ids,
            "embeddings": embeddings,
            "documents": got.documents,
            "uris": got.uris if "uris" in include else None,
            "included": include,
            "data": None,
            "metadatas": got.metadatas,
            "distances": got.distances,
        }


def _many(ids: str | Sequence[str] | None) -> list[str] | None:
    if ids is None:
        return None
    return [ids] if isinstance(ids, str) else list(ids)


def _arrays(rows: Any) -> Any:
    """Embeddings as chromadb returns them from ``get`` (a numpy array); unused by the store."""
    import numpy as np

    return np.array(rows)
