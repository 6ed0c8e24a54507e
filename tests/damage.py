"""Corrupting a stored trial on purpose, to test that one bad record fails alone."""

from __future__ import annotations

from vectorstore.chroma_store import TEXT_KEY, ChromaTrialStore


def damage_trial_record(store: ChromaTrialStore, trial_id: str, text: str) -> None:
    """Overwrite the current version's Trial JSON in the records collection with ``text``.

    Written under the store's write access, as the store's own writes are: a settled local
    folder is read through the read-only direct client, which cannot write."""
    record = f"{trial_id}@{store.trial_states()[trial_id].version}"
    with store._writing():
        records = store._current()[3]
        meta = records.get(ids=[record], include=["metadatas"])["metadatas"][0]
        records.update(ids=[record], metadatas=[{**meta, TEXT_KEY: text}])
