"""How trials and chunks are laid out as Chroma records: which sections get a stored vector,
what metadata a chunk carries, and how a record becomes a ``Chunk`` again."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from summarizer.models import Chunk, sha256_text

# Sections never searched by similarity: boilerplate (addresses, phone numbers) that BM25 covers.
NO_VECTOR_SECTIONS: frozenset[str] = frozenset({"locations", "contacts"})
# Sections kept out of the stored vector index, i.e. out of cross-trial dense search. Criteria are
# half of all chunks; on TREC 2021 cross-trial dense ranking is better without them (NDCG@10
# 0.505 -> 0.521, docs/BENCHMARKS.md), and search within one trial embeds them on demand
# (``dense_query`` with ``trial_ids``), so questions about one trial still match them by meaning.
# "other" (officials, stray labels), "design" (allocation, masking) and "outcomes" (measures and
# time frames) cost little or nothing on TREC when left out (NDCG@10 0.521 -> 0.517 on the judged
# trials) and are an eighth of the word pieces: what keeps ingest of the 6,786 trials in 15 min.
# "interventions" (drug names, doses, arm labels) are 5% of the word pieces and no help to dense
# ranking on TREC (0.517 -> 0.518 without them): the names are in the title and summary, which
# keep their vectors, and BM25 matches them exactly.
LEXICAL_ONLY_SECTIONS: frozenset[str] = NO_VECTOR_SECTIONS | {
    "inclusion",
    "exclusion",
    "other",
    "design",
    "outcomes",
    "interventions",
}
UNIT = [1.0]  # the constant vector of records that are never searched by similarity
TEXT_KEY = "text"  # where the lexical and records collections keep their text (not documents)
#: The trial row's note of the criteria parser that read its stored record (empty: none stored).
#: A hint for ingest, which refreshes stale parses; readers check the parse itself.
CRITERIA_KEY = "criteria_parser"
#: Characters per upsert call: a Chroma server refuses requests of some tens of MB, and a batch of
#: large trials' ``Trial`` JSON can reach that.
MAX_UPSERT_CHARS = 8_000_000

#: A row to upsert: id, document (``None``: the text is in the metadata), metadata, vector.
Row = tuple[str, str | None, dict[str, Any], Sequence[float]]


class TrialState(BaseModel):
    """What the store knows about a trial without loading it."""

    trial_id: str
    version: str
    source_sha256: str
    title: str = ""
    source_path: str = ""
    chunks: int = 0
    dense_chunks: int = 0
    #: Fingerprint of the criteria parser that read the stored record ("" when none is stored,
    #: or the trial was written before this was noted): ingest refreshes stale parses.
    criteria_parser: str = ""


class StoreStats(BaseModel):
    location: str
    collection: str
    trials: int
    chunks: int
    dense_chunks: int
    lexical_only_chunks: int
    generation: str


def upsert_parts(rows: Sequence[Row], max_rows: int, max_chars: int) -> Iterator[list[Row]]:
    """Consecutive runs of rows, each within Chroma's row limit and a request size."""
    part: list[Row] = []
    size = 0
    for row in rows:
        chars = len(row[1] or "") + sum(len(v) for v in row[2].values() if isinstance(v, str))
        if part and (len(part) >= max_rows or size + chars > max_chars):
            yield part
            part, size = [], 0
        part.append(row)
        size += chars
    if part:
        yield part


def chunk_metadata(chunk: Chunk, version: str) -> dict[str, Any]:
    """Only what filters need or the chunk alone knows: each key is a row in Chroma's metadata
    index, and at 160,000 chunks eleven keys cost ~1.2 ms a chunk to write against ~0.8 for
    these. The id, content hash, title and source path come back from the record id, the text
    and the trial's state (``chunk_from_record``)."""
    meta: dict[str, Any] = {
        "trial_id": chunk.trial_id,
        "version": version,
        "section": chunk.section,
        "span": f"{chunk.start},{chunk.end},{chunk.ordinal}",
    }
    if chunk.kind:
        meta["kind"] = chunk.kind
    return meta


def chunk_from_record(
    record_id: str, text: str, meta: Mapping[str, Any], state: TrialState
) -> Chunk:
    if "span" in meta:
        start, end, ordinal = (int(x) for x in str(meta["span"]).split(","))
    else:  # written before STORE_LAYOUT "slim-v3"
        start, end, ordinal = int(meta["start"]), int(meta["end"]), int(meta["ordinal"])
    return Chunk(
        id=record_id.rsplit("@", 1)[0],
        trial_id=str(meta["trial_id"]),
        section=meta["section"],
        kind=meta.get("kind"),
        text=text,
        start=start,
        end=end,
        source_path=state.source_path,
        content_hash=sha256_text(text),
        ordinal=ordinal,
        title=state.title,
    )


def where_all(*clauses: dict[str, Any] | None) -> dict[str, Any] | None:
    """Chroma wants ``$and`` only with two or more clauses."""
    present = [c for c in clauses if c]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"$and": present}
