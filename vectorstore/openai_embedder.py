"""OpenAI (or any OpenAI-compatible ``/v1/embeddings`` server) as the embedder.

Chosen with ``TRIALSUM_EMBEDDER=openai``; reads ``OPENAI_API_KEY``/``OPENAI_BASE_URL`` and
``Settings.embedding_model``. The client is built at first use, so building the embedder (which
Chroma does just to read its configuration) never needs a key.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from vectorstore.embed_base import BaseEmbedder, ModelName, register_with_chroma

# Output sizes of OpenAI's models; other models report theirs at the first call.
KNOWN_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


class OpenAIEmbedder(BaseEmbedder):
    """Through langchain-openai's ``OpenAIEmbeddings``, raw strings in (no tiktoken download)."""

    def __init__(
        self,
        *,
        model: str = "text-embedding-3-small",
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        batch_size: int = 256,
    ) -> None:
        self.model = model
        self.api_key = api_key
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.batch_size = batch_size
        self.name = ModelName(f"openai/{model}")
        self.dim = KNOWN_DIMS.get(model, 0)
        self._client: Any = None
        self._lock = threading.Lock()
        register_with_chroma(self.name, OpenAIEmbedder)

    def _embeddings(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        import os

        from langchain_openai import OpenAIEmbeddings
        from pydantic import SecretStr

        key = self.api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise RuntimeError(
                "OPENAI_API_KEY is not set: set it (and OPENAI_BASE_URL for a compatible "
                "server) or use the offline embedder (TRIALSUM_EMBEDDER=onnx)"
            )
        return OpenAIEmbeddings(
            model=self.model,
            api_key=SecretStr(key),
            base_url=self.base_url or os.environ.get("OPENAI_BASE_URL"),
            timeout=self.timeout,
            max_retries=self.max_retries,
            chunk_size=self.batch_size,
            # Token-level splitting needs tiktoken's encoding files (a download); chunks are
            # already sized for the context, so send the strings as they are.
            check_embedding_ctx_length=False,
        )

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        vectors = self._embeddings().embed_documents(texts)
        if vectors and not self.dim:
            self.dim = len(vectors[0])
        return [list(map(float, v)) for v in vectors]

    def get_config(self) -> dict[str, Any]:
        # No key in the config: Chroma stores it in the collection's metadata.
        return {
            "kind": "openai",
            "model": self.model,
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "batch_size": self.batch_size,
        }

    def __repr__(self) -> str:
        return f"OpenAIEmbedder(model={self.model!r}, base_url={self.base_url!r})"
