"""How the store reaches Chroma: a local folder shared safely between processes, or a server.

``LocalFolder`` (``PersistentClient``): one client per folder per process, used only while
holding the folder's ``StoreLock`` (shared to read, exclusive to write), and reopened whenever
another process has written since (see ``vectorstore.store_lock`` for why). A folder settled at
the current epoch is read through chromadb's Rust bindings alone, without importing chromadb
(``vectorstore.chroma_direct``); the first write, or anything the direct client cannot do,
reopens it with the full client.

``RemoteServer`` (``HttpClient``): the server serialises access itself; every call retries with
backoff while the server is unreachable (see ``vectorstore.server_retry``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import urlparse

from vectorstore.chroma_direct import open_direct
from vectorstore.disk_space import MIN_FREE_BYTES, StoreDiskFullError, free_bytes, is_disk_full
from vectorstore.index_fold import fold
from vectorstore.index_repair import VectorsFor, is_torn_index, pending, rebuild
from vectorstore.server_retry import Retrying, RetryPolicy
from vectorstore.settle_marker import is_settled, mark_settled, unmark
from vectorstore.store_lock import StoreLock

LOCK_NAME = "chroma.lock"
log = logging.getLogger(__name__)


def _settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


class Connection(Protocol):
    location: str

    @property
    def sole_writer(self) -> bool:
        """True while this process holds the only right to write (no other writer is alive)."""
        ...

    def access(self, *, write: bool) -> AbstractContextManager[None]: ...

    def client(self) -> Any:
        """The current client; call inside ``access``. Changes after a reopen."""
        ...

    def incarnation(self) -> int:
        """Bumped on every reopen, so callers know to fetch their collections again."""
        ...

    def wrap(self, collection: Any) -> Any: ...


class LocalFolder:
    """A ``PersistentClient`` folder guarded by an inter-process lock and a write epoch."""

    _registry: ClassVar[dict[str, LocalFolder]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path, lock: StoreLock) -> None:
        self.path = path
        self.location = str(path)
        self.lock = lock
        self._client: Any = None
        self._direct = False  # ``_client`` is the read-only DirectClient
        self._seen: str | None = None
        self._incarnation = 0
        self._depth = 0
        self._wrote = False
        self._full_at: int | None = None  # free bytes when a write failed for lack of space
        #: How to recompute the vectors of each known collection, should its index be torn.
        self.vectors_for: dict[str, VectorsFor] = {}
        self.repairs: list[str] = []  # one line per collection rebuilt by this process
        self._folded = False  # the current settle lowered a sync threshold (index_fold)

    @classmethod
    def get(cls, path: Path, *, timeout: float = 600.0) -> LocalFolder:
        """The process-wide handle for ``path`` (two handles would be two stale clients)."""
        key = str(path.resolve())
        with cls._registry_lock:
            folder = cls._registry.get(key)
            if folder is None:
                lock = StoreLock(Path(key).with_name(LOCK_NAME), timeout=timeout)
                folder = cls._registry[key] = cls(Path(key), lock)
            return folder

    @property
    def sole_writer(self) -> bool:
        return self.lock.exclusive

    def _check_space(self) -> None:
        """Refuse a write on a full disk, and after a disk-full failure until space was freed:
        a Chroma call after one can block forever (see ``vectorstore.disk_space``)."""
        free = free_bytes(self.path)
        if self._full_at is not None and free > self._full_at + MIN_FREE_BYTES:
            self._full_at = None
        if self._full_at is not None or free < MIN_FREE_BYTES:
            raise StoreDiskFullError(self.location, free)

    @contextmanager
    def access(self, *, write: bool) -> Iterator[None]:
        if write and self._depth == 0:
            self._check_space()
        with self.lock.hold(exclusive=write):
            self._depth += 1
            self._wrote = self._wrote or write
            try:
                if self._stale(write):
                    with self.lock.hold(exclusive=True):  # opening may rewrite index files
                        if self._stale(write):
                            self._reopen(direct=not write)
                if write:
                    unmark(self.path)  # before anything changes: see vectorstore.settle_marker
                yield
            except Exception as exc:
                if isinstance(exc, StoreDiskFullError) or not is_disk_full(exc, self.path):
                    raise
                free = free_bytes(self.path)
                self._full_at = free
                raise StoreDiskFullError(self.location, free) from exc
            finally:
                self._depth -= 1
                if self._depth == 0 and self._wrote:
                    self._wrote = False
                    self._seen = self.lock.new_epoch()

    def _stale(self, write: bool) -> bool:
        """Whether the client must be (re)opened first: none yet, another process wrote since,
        or a write is coming and the client is the read-only one."""
        return self._client is None or self.lock.epoch() != self._seen or (write and self._direct)

    def client(self) -> Any:
        return self._client

    def incarnation(self) -> int:
        return self._incarnation

    def wrap(self, collection: Any) -> Any:
        return collection

    def _full_client(self) -> Any:
        """The full client, reopening with it if the direct one is open (``DirectClient``'s
        fallback, for what only the full client can do: creating a collection)."""
        with self.lock.hold(exclusive=True):
            if self._direct or self._stale(False):
                self._reopen()
        return self._client

    def _reopen(self, *, direct: bool = False) -> None:
        """Open the folder afresh (under the exclusive hold): with the read-only direct client
        when ``direct`` is asked for and the folder is settled at this epoch with no repair
        pending, else with the full client, settling the folder first if it needs it."""
        epoch = self.lock.epoch()
        reader = None
        if (
            direct
            and self.path.is_dir()
            and not pending(self.path)
            and is_settled(self.path, epoch)
        ):
            reader = open_direct(self.path, self._full_client)  # None: not with these bindings
        if reader is not None:
            self._close_client()
            self._client, self._direct = reader, True
            self._seen = epoch
            self._incarnation += 1
            return
        self._open_full()

    def _close_client(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client, self._direct = None, False

    def _new_full_client(self) -> Any:
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        key = str(self.path)
        self._close_client()
        # Another client object for the same folder would keep chroma's cached (stale) system
        # alive; drop it so the new client reads the folder afresh.
        system = SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)
        if system is not None:
            system.stop()
        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=key, settings=_settings())

    def _open_full(self) -> None:
        self._client = self._new_full_client()
        epoch = self.lock.epoch()
        if pending(self.path) or not is_settled(self.path, epoch):
            unmark(self.path)
            self._folded = False
            settled = self._settle(self._client)
            if self._folded:
                # The folding client caches index writers that persist on every write (see
                # vectorstore.index_fold): writes go through a fresh one.
                self._client = self._new_full_client()
            if settled:
                mark_settled(self.path, epoch)
        self._seen = epoch
        self._incarnation += 1

    def _settle(self, client: Any) -> bool:
        """Read every collection once, now, while this process holds the folder exclusively.

        Chroma loads a collection's vector index lazily, on its first read after the client
        opens, and that read rewrites the index files on disk (and replays the write log into
        them). Left to the first search, it would happen under a *shared* hold, while other
        processes read or load the same files: a torn index file there loses vectors for good
        once it is persisted. Touching each collection here keeps every on-disk change inside
        the exclusive hold, and an index found torn (a process killed while Chroma wrote it)
        is rebuilt here from the collection's own records (``vectorstore.index_repair``).

        Each read also folds the collection's write log into its index files
        (``vectorstore.index_fold``), so that readers of the settled folder replay nothing and
        leave the files as they are.

        Skipped when the folder was settled at the current write epoch and its index files are
        unchanged since (``vectorstore.settle_marker``). Returns False when a torn index was
        left for another store to rebuild (so the folder is not settled yet)."""
        settled = True
        for name in pending(self.path):
            settled = self._repair(client, name) and settled
        for collection in client.list_collections():
            try:
                self._folded = fold(client, collection.name) or self._folded
            except Exception as exc:
                if not is_torn_index(exc):
                    raise
                settled = self._repair(client, collection.name) and settled
        return settled

    def _repair(self, client: Any, name: str) -> bool:
        vectors_for = self.vectors_for.get(name)
        if vectors_for is None:
            return False  # another store's collection: its own store rebuilds it when it opens
        count = rebuild(client, self.path, name, vectors_for)
        line = (
            f"the vector index of {name!r} in {self.path} was torn (an interrupted write); "
            f"rebuilt it from the store's own {count} records"
        )
        self.repairs.append(line)
        log.warning(line)
        return True


class RemoteServer:
    """An ``HttpClient`` whose calls ride out a server restart."""

    sole_writer = False

    def __init__(
        self,
        url: str,
        policy: RetryPolicy | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        import chromadb

        self.location = url
        self.policy = policy or RetryPolicy()
        self.notify = notify
        parsed = urlparse(url if "://" in url else f"http://{url}")

        def connect() -> Any:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=_settings(),
            )

        raw = self.policy.run(connect, where=url, what="connect", notify=notify)
        self._client = Retrying(raw, self.policy, url, notify)

    def access(self, *, write: bool) -> AbstractContextManager[None]:
        return nullcontext()

    def client(self) -> Any:
        return self._client

    def incarnation(self) -> int:
        return 0

    def wrap(self, collection: Any) -> Any:
        return Retrying(collection, self.policy, self.location, self.notify)


def connect(chroma_url: str | None, path: Path | None) -> Connection:
    if chroma_url:
        return RemoteServer(chroma_url)
    assert path is not None
    return LocalFolder.get(path)
