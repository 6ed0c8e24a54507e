"""Rebuilding a collection whose vector index files are torn, from the collection's own records.

Chroma writes a local collection's HNSW index (``index_metadata.pickle`` and the ``.bin`` files
in the segment's folder) in place, not atomically: a process killed during that write leaves a
folder Chroma cannot load ("Error deserializing pickle file"), and then every read of the
collection fails, though its records (ids, documents, metadata) are intact in ``chroma.sqlite3``.
The repair, run while the folder is held exclusively: set the torn folder aside (Chroma then
reads the records again), copy every record into a new collection with vectors computed afresh
(``VectorsFor``), drop the broken collection, give the new one its name, delete the torn files.

A ``repair.<name>.json`` marker is written before anything moves and removed at the end, so a
repair that is itself killed is finished by the next open (see ``resume``).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Vectors for rows of one collection, given their ids, documents and metadata.
VectorsFor = Callable[
    [Sequence[str], Sequence[str | None], Sequence[Mapping[str, Any]]], list[list[float]]
]

REBUILD_SUFFIX = "-rebuild"
_SIGNS = ("hnsw segment reader", "deserializing pickle", "error loading hnsw", "hnsw index")
_PAGE = 2000


class IndexRepairError(RuntimeError):
    """A torn vector index that cannot be rebuilt here (no way to compute its vectors)."""


def is_torn_index(exc: BaseException) -> bool:
    """Whether ``exc`` is Chroma failing to load a collection's vector index files."""
    text = str(exc).lower()
    return any(sign in text for sign in _SIGNS)


def _marker(folder: Path, name: str) -> Path:
    return folder / f"repair.{name}.json"


def _vector_segment(folder: Path, name: str) -> str | None:
    """The id of ``name``'s vector segment (its folder's name), from Chroma's catalogue."""
    db = sqlite3.connect(f"file:{folder / 'chroma.sqlite3'}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
            "WHERE c.name = ? AND s.scope = 'VECTOR'",
            (name,),
        ).fetchone()
    finally:
        db.close()
    return str(row[0]) if row else None


def pending(folder: Path) -> list[str]:
    """Collections whose repair was started and not finished (a killed repair)."""
    return sorted(
        p.name[len("repair.") : -len(".json")] for p in folder.glob("repair.*.json") if p.is_file()
    )


def rebuild(client: Any, folder: Path, name: str, vectors_for: VectorsFor) -> int:
    """Rebuild collection ``name`` of ``client`` (a ``PersistentClient`` on ``folder``, held
    exclusively by the caller); returns how many records it holds. Safe to rerun."""
    marker = _marker(folder, name)
    state: dict[str, str | None] = {}
    if marker.is_file():
        state = json.loads(marker.read_text(encoding="utf-8"))
    names = {c.name for c in client.list_collections()}
    temp = name + REBUILD_SUFFIX
    if name not in names and temp in names:  # killed after the drop: only the rename is left
        client.get_collection(temp).modify(name=name)
        return _finish(client, folder, name, state.get("segment"))
    segment = state.get("segment") or _vector_segment(folder, name)
    marker.write_text(json.dumps({"segment": segment}), encoding="utf-8")
    if segment and (folder / segment).is_dir():
        (folder / segment).rename(folder / f"{segment}.torn")
    broken = client.get_collection(name)
    if temp in names:
        client.delete_collection(temp)  # a half-filled copy from a killed repair
    fresh = client.create_collection(temp, embedding_function=None, metadata=broken.metadata)
    offset = 0
    while True:
        got = broken.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        ids = got["ids"]
        if not ids:
            break
        documents = got["documents"] or [None] * len(ids)
        metadatas = got["metadatas"] or [{}] * len(ids)
        fresh.add(
            ids=ids,
            documents=documents,
            metadatas=metadatas,
            embeddings=vectors_for(ids, documents, metadatas),
        )
        offset += len(ids)
    client.delete_collection(name)
    fresh.modify(name=name)
    return _finish(client, folder, name, segment)


def _finish(client: Any, folder: Path, name: str, segment: str | None) -> int:
    if segment:
        for leftover in (folder / f"{segment}.torn", folder / segment):
            shutil.rmtree(leftover, ignore_errors=True)
    _marker(folder, name).unlink(missing_ok=True)
    return int(client.get_collection(name).count())
