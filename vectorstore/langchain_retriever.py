"""LangChain adapter for the hybrid retriever, kept apart so plain searches skip LangChain's
retriever classes (about a second to import). Importing it also makes every trialsum embedder a
LangChain ``Embeddings`` (``vectorstore.embed_base.register_with_langchain``)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from vectorstore.embed_base import register_with_langchain

register_with_langchain()


class LangChainRetriever(BaseRetriever):
    """LangChain adapter: the same hybrid search, returning ``Document``s with span metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    k: int = 8
    trial_ids: list[str] | None = None
    sections: list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.search(
            query, k=self.k, trial_ids=self.trial_ids, sections=self.sections
        )
        return [
            Document(
                page_content=hit.chunk.text,
                metadata={
                    "trial_id": hit.chunk.trial_id,
                    "section": hit.chunk.section,
                    "start": hit.chunk.start,
                    "end": hit.chunk.end,
                    "chunk_id": hit.chunk.id,
                    "title": hit.chunk.title,
                    "score": hit.score,
                },
            )
            for hit in hits
        ]
