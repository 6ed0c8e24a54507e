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
"""

from __future__ import annotations

import inspect
import json
import logging
import os
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
    return DirectClient(bindings, fallback)


def _not_found(exc: BaseException) -> bool:
    return type(exc).__name__ == "NotFoundError"


class DirectClient:
    """The part of ``chromadb.ClientAPI`` the store's reads use, on the bindings alone."""

    def __init__(self, bindings: Any, fallback: Callable[[], Any]) -> None:
        self._bindings: Any = bindings
        self._fallback = fallback

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
        return DirectCollection(self._bindings, model)

    def get_max_batch_size(self) -> int:
        return int(self._bindings.get_max_batch_size())

    def close(self) -> None:
        """Let go of the bindings (freed once no collection fetched from them is left)."""
        self._bindings = None


class DirectCollection:
    """A collection's reads, answered as ``chromadb.api.models.Collection`` answers them."""

    def __init__(self, bindings: Any, model: Any) -> None:
        self._bindings = bindings
        self.id = model.id
        self.name = str(model.name)
        self.metadata = model.metadata
        self.tenant = str(model.tenant)
        self.database = str(model.database)
        self._key = str(model.id)

    def count(self) -> int:
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
