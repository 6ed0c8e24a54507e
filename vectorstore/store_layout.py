"""Which store layouts this trialsum reads, and the ``__meta__`` record that names a store's.

The meta record lives in the ``<name>_trials`` collection. It carries the store's *generation*
(a marker that moves on every write, so caches such as the BM25 index know when they are stale)
and, from "slim-v4" on, the *layout* that wrote it. A store in a layout this code does not know
(a newer trialsum's) is refused with ``StoreLayoutError`` rather than misread; a store without a
layout is older and readable.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from vectorstore.store_records import UNIT, Row

#: Part of every trial's version: a change in where things are stored rewrites each trial once.
#: Recorded in ``__meta__`` from "slim-v4" on; stores without it are older and readable.
STORE_LAYOUT = "slim-v4"
READABLE_LAYOUTS = frozenset({STORE_LAYOUT})
META_ID = "__meta__"


class StoreLayoutError(RuntimeError):
    """The store was written by a trialsum whose layout this one cannot read (a newer one)."""


def meta_row() -> Row:
    """The meta record with a fresh generation, to go in the same upsert as a flip."""
    meta = {"kind": "meta", "generation": uuid.uuid4().hex, "layout": STORE_LAYOUT}
    return (META_ID, "", meta, UNIT)


def generation_of(meta: Mapping[str, Any] | None, *, location: str, name: str) -> str:
    """The generation a meta record names; refuses a layout this version cannot read."""
    meta = meta or {}
    layout = meta.get("layout")
    if layout is not None and layout not in READABLE_LAYOUTS:
        raise StoreLayoutError(
            f"The store {location} ({name}) was written by a newer trialsum "
            f"(store layout {layout!r}; this version reads {STORE_LAYOUT!r} and older). "
            "Upgrade trialsum, or use another --store."
        )
    return str(meta.get("generation", ""))
