"""A deterministic stand-in for the ONNX model (hashed bag of words), so stores build in a second.

Shared by the tests that need a real store but not real vectors.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence


class WordHashEmbedder:
    name = "test-hash-bow"
    dim = 32

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            vec[zlib.crc32(word.encode()) % self.dim] += 1.0
        vec[0] += 1e-3
        return vec
