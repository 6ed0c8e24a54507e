"""Chunk storage and retrieval: offline embeddings, Chroma (local or server), BM25, fusion."""
