"""Evidence for the llm engine: numbered, delimited data blocks, and the way back to citations.

Retrieved chunks go to the model as ``<evidence id="E1" trial=".." section="..">`` blocks. Document
text is data: anything in it that looks like one of our delimiters is defused (its ``<`` becomes
``‹``) so a document cannot close its block and speak as the prompt. The model cites the short
labels; ``Evidence.resolve`` maps them back to the chunks, whose exact source spans become the
citations. A label that was not in the evidence resolves to nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from prompts.defuse import defuse
from summarizer.engines.common import citation_from_hit
from summarizer.models import Chunk, Citation, Hit

_LABEL = re.compile(r"^\[?\s*E(\d+)\s*\]?$", re.IGNORECASE)
DEFAULT_BUDGET = 14_000  # characters of evidence text per request


def _attr(value: str) -> str:
    return defuse(value).replace('"', "'").replace("\n", " ")


class Evidence:
    """Numbered evidence chunks: rendered for the prompt, resolved back from cited labels."""

    def __init__(self, hits: Sequence[Hit]) -> None:
        self.hits: list[Hit] = list(hits)

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk]) -> Evidence:
        return cls([Hit(chunk=c, score=0.0) for c in chunks])

    def __len__(self) -> int:
        return len(self.hits)

    def label(self, index: int) -> str:
        return f"E{index + 1}"

    def render(self) -> str:
        """The data blocks, one per chunk, in order."""
        blocks = []
        for i, hit in enumerate(self.hits):
            chunk = hit.chunk
            head = (
                f'<evidence id="{self.label(i)}" trial="{_attr(chunk.trial_id)}" '
                f'section="{_attr(chunk.section)}">'
            )
            blocks.append(f"{head}\n{defuse(chunk.text)}\n</evidence>")
        return "\n\n".join(blocks)

    def hit_for(self, ref: str) -> Hit | None:
        """The chunk a cited label (``E3``, ``[E3]``) or chunk id refers to; None if unknown."""
        ref = ref.strip()
        match = _LABEL.match(ref)
        if match:
            index = int(match.group(1)) - 1
            return self.hits[index] if 0 <= index < len(self.hits) else None
        return next((h for h in self.hits if h.chunk.id == ref), None)

    def resolve(
        self, refs: Sequence[str], *, sections: Sequence[str] | None = None
    ) -> tuple[list[Citation], list[str]]:
        """Citations for the known refs, and the refs that were rejected.

        With ``sections``, a chunk from another section is rejected too (good-fit bullets may
        cite inclusion criteria only, not-fit bullets exclusion criteria only).
        """
        cites: list[Citation] = []
        rejected: list[str] = []
        seen: set[str] = set()
        for ref in refs:
            hit = self.hit_for(ref)
            if hit is None or (sections is not None and _section_of(hit.chunk) not in sections):
                rejected.append(ref)
                continue
            if hit.chunk.id not in seen:
                seen.add(hit.chunk.id)
                cites.append(citation_from_hit(hit))
        return cites, rejected


def _section_of(chunk: Chunk) -> str:
    return chunk.kind or chunk.section


def budgeted(chunks: Sequence[Chunk], budget: int = DEFAULT_BUDGET) -> list[Chunk]:
    """The chunks, in order, until ``budget`` characters of text are used (at least one)."""
    out: list[Chunk] = []
    used = 0
    for chunk in chunks:
        if out and used + len(chunk.text) > budget:
            continue
        out.append(chunk)
        used += len(chunk.text)
    return out
