"""The chunks a BM25 index covers, stored so a new process can use them without reading them.

A search needs every chunk's trial and section (to filter) but the text and fields of only the
``k`` it returns. So the table keeps, in index order: trial ranges (chunks are sorted by trial, so
each trial is one run of rows), one small code per row for its section, and the texts and other
fields as two UTF-8 blobs with row offsets. Saved, the arrays and blobs are memory-mapped on load:
opening a 160,000-chunk table costs milliseconds, and only the rows a search returns are decoded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.models import Chunk

if TYPE_CHECKING:
    import numpy as np

FIELDS = ("id", "trial_id", "section", "kind", "start", "end", "source_path", "content_hash",
          "ordinal", "title")  # fmt: skip
_TABLE = "table.json"  # trial ranges and section names


def _blob(parts: Sequence[bytes]) -> tuple[bytes, np.ndarray]:
    import numpy as np

    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in parts], dtype=np.int64)
    return b"".join(parts), offsets


class ChunkTable:
    """Rows of chunks in index order; built from chunks or memory-mapped from a saved folder."""

    def __init__(
        self,
        texts: Any,
        text_offsets: np.ndarray,
        fields: Any,
        field_offsets: np.ndarray,
        trials: dict[str, tuple[int, int]],
        section_codes: np.ndarray,
        section_names: list[str],
    ) -> None:
        self._texts, self._text_offsets = texts, text_offsets
        self._fields, self._field_offsets = fields, field_offsets
        self.trials = trials
        self._section_codes = section_codes
        self._section_names = section_names

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        """Chunks must come sorted by trial (each trial's chunks one run)."""
        import numpy as np

        texts, text_offsets = _blob([c.text.encode("utf-8") for c in chunks])
        fields, field_offsets = _blob(
            [json.dumps([getattr(c, f) for f in FIELDS]).encode("utf-8") for c in chunks]
        )
        trials: dict[str, tuple[int, int]] = {}
        for i, chunk in enumerate(chunks):
            start, _ = trials.get(chunk.trial_id, (i, i))
            trials[chunk.trial_id] = (start, i + 1)
        names = sorted({str(c.section) for c in chunks})
        code = {name: n for n, name in enumerate(names)}
        sections = np.array([code[c.section] for c in chunks], dtype=np.int32)
        return cls(texts, text_offsets, fields, field_offsets, trials, sections, names)

    def save(self, folder: Path) -> None:
        import numpy as np

        (folder / "texts.bin").write_bytes(bytes(self._texts))
        (folder / "fields.bin").write_bytes(bytes(self._fields))
        np.save(folder / "text_offsets.npy", self._text_offsets)
        np.save(folder / "field_offsets.npy", self._field_offsets)
        np.save(folder / "sections.npy", self._section_codes)
        table = {"trials": self.trials, "sections": self._section_names}
        (folder / _TABLE).write_text(json.dumps(table), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> ChunkTable:
        """Memory-mapped: nothing but the trial ranges is read until a row is asked for."""
        import numpy as np

        table = json.loads((folder / _TABLE).read_text(encoding="utf-8"))
        text_offsets = np.load(folder / "text_offsets.npy", mmap_mode="r")
        field_offsets = np.load(folder / "field_offsets.npy", mmap_mode="r")

        def blob(name: str, size: int) -> Any:
            # A zero-length file cannot be mapped; an empty table has nothing to decode anyway.
            return np.memmap(folder / name, dtype=np.uint8, mode="r") if size else b""

        return cls(
            blob("texts.bin", int(text_offsets[-1])),
            text_offsets,
            blob("fields.bin", int(field_offsets[-1])),
            field_offsets,
            {t: (int(a), int(b)) for t, (a, b) in table["trials"].items()},
            np.load(folder / "sections.npy", mmap_mode="r"),
            list(table["sections"]),
        )

    def __len__(self) -> int:
        return len(self._text_offsets) - 1

    def _field_row(self, i: int) -> list[Any]:
        a, b = int(self._field_offsets[i]), int(self._field_offsets[i + 1])
        row: list[Any] = json.loads(bytes(self._fields[a:b]).decode("utf-8"))
        return row

    def chunk(self, i: int) -> Chunk:
        a, b = int(self._text_offsets[i]), int(self._text_offsets[i + 1])
        text = bytes(self._texts[a:b]).decode("utf-8")
        return Chunk(text=text, **dict(zip(FIELDS, self._field_row(i), strict=True)))

    def indexed(self) -> list[tuple[str, str, str]]:
        """(trial id, chunk id, content hash) of every row."""
        at = {f: n for n, f in enumerate(FIELDS)}
        rows = (self._field_row(i) for i in range(len(self)))
        return [(r[at["trial_id"]], r[at["id"]], r[at["content_hash"]]) for r in rows]

    def mask(self, trial_ids: Sequence[str] | None, sections: Sequence[str] | None) -> np.ndarray:
        """Which rows belong to these trials (all if ``None``) and sections (all if empty)."""
        import numpy as np

        if trial_ids is None:
            keep = np.ones(len(self), dtype=bool)
        else:
            keep = np.zeros(len(self), dtype=bool)
            for tid in trial_ids:
                if tid in self.trials:
                    start, end = self.trials[tid]
                    keep[start:end] = True
        if sections:
            codes = [n for n, name in enumerate(self._section_names) if name in set(sections)]
            keep &= np.isin(self._section_codes, codes)
        return keep
