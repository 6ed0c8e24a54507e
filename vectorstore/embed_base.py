"""One base for every embedder, so each is both a LangChain ``Embeddings`` and a Chroma
``EmbeddingFunction`` and can be handed to either library as it is.

Neither library is imported here: both are over a second to import on a busy machine, paid by
every command that only reads the store. LangChain's ``Embeddings`` is an abstract class checked
by ``isinstance``; :func:`register_with_langchain` makes every embedder one (a virtual subclass),
and runs on import when ``langchain_core.embeddings`` is already loaded, and from the LangChain
adapter (``vectorstore.langchain_retriever``). The methods LangChain's base gave (``aembed_*``)
are implemented here the same way: the synchronous call, run in the default executor.

The two protocols disagree in two places, reconciled here:

* ``name``: our ``Embedder`` protocol reads ``embedder.name`` as a string (the model identity, also
  the embedding-cache key); Chroma calls ``name()`` on the class and on the instance and stores the
  result in the collection's configuration. :class:`ModelName` is a ``str`` that returns itself
  when called, so both spellings give the same identity.
* ``embed_query``: LangChain calls ``embed_query(text)`` and wants one vector; Chroma calls
  ``embed_query(input=[...])`` and wants a list of vectors. The keyword tells them apart.

Chroma rebuilds a persisted collection's embedding function with
``known_embedding_functions[name].build_from_config(config)``; every embedder's ``get_config``
carries a ``kind`` and ``build_from_config`` goes through one registry (``CONFIG_KINDS``, kept
here as data: kind -> the class that rebuilds it), so whichever of our classes Chroma finds under a
name, it rebuilds the right embedder. The registry names its classes by import path, so this base
module imports none of the modules that subclass it.

Chroma's ``EmbeddingFunction`` is a protocol Chroma checks by shape (``__call__(input)``, ``name``,
``get_config``, ``build_from_config``), so the base implements it without subclassing it, and
importing an embedder does not import chromadb (over a second, paid by every command that embeds).
What subclassing gave is done where Chroma first meets an embedder: its ``name()`` (read when a
collection is created with it) and its calls register the names with Chroma, and ``__call__``
checks its vectors with Chroma's own ``normalize_embeddings``/``validate_embeddings``.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import sys
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chromadb.api.types import Documents, Embeddings, Space

#: Names to register with Chroma's ``known_embedding_functions`` once chromadb is in use.
_PENDING: dict[str, type] = {}

#: ``get_config()["kind"]`` -> "module:Class" whose ``from_config`` rebuilds it (imported on use).
CONFIG_KINDS: dict[str, str] = {
    "onnx": "vectorstore.onnx_embedder:OnnxMiniLMEmbedder",
    "openai": "vectorstore.openai_embedder:OpenAIEmbedder",
    "cached": "vectorstore.embed_cache:CachedEmbedder",
}


def embedder_from_config(config: dict[str, Any]) -> BaseEmbedder:
    """Rebuild an embedder from its ``get_config()`` (how Chroma reopens a collection)."""
    params = dict(config)
    kind = params.pop("kind", None)
    if kind not in CONFIG_KINDS:
        raise ValueError(f"unknown embedder kind {kind!r} in config {config!r}")
    module, _, name = CONFIG_KINDS[kind].partition(":")
    cls: type[BaseEmbedder] = getattr(importlib.import_module(module), name)
    return cls.from_config(params)


class ModelName(str):
    """A model identity that is also callable, as Chroma's ``name()`` expects."""

    __slots__ = ()

    def __call__(self) -> str:
        register_pending()  # Chroma asks name() when it stores a collection's embedding function
        return str(self)


def register_with_chroma(name: str, cls: type) -> None:
    """Make Chroma able to rebuild a collection whose embedding function is named ``name``: now
    if chromadb is already imported, else when Chroma first uses an embedder (``register_pending``).
    """
    _PENDING[str(name)] = cls
    if "chromadb.utils.embedding_functions" in sys.modules:
        register_pending()


def register_pending() -> None:
    """Hand Chroma every name recorded by ``register_with_chroma`` (imports chromadb)."""
    if not _PENDING:
        return
    from chromadb.utils.embedding_functions import known_embedding_functions

    known_embedding_functions.update(_PENDING)
    _PENDING.clear()


class BaseEmbedder(ABC):
    """Subclasses implement ``embed_documents`` and ``get_config`` and set ``name`` and ``dim``."""

    # A ModelName (callable str); annotated as str to match the Embedder protocol.
    name: str = ModelName("trialsum-embedder")  # type: ignore[assignment]
    dim: int = 0

    @abstractmethod
    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in input order."""

    def embed_query(self, text: str | None = None, *, input: Documents | None = None) -> Any:
        """LangChain: ``embed_query(text) -> vector``.

        Chroma: ``embed_query(input=[...]) -> vectors``.
        """
        if input is not None:
            return self(input)
        if text is None:
            raise TypeError("embed_query needs a text")
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain's asynchronous ``embed_documents``: the same call, in the default executor."""
        return await _in_executor(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """LangChain's asynchronous ``embed_query``: the same call, in the default executor."""
        return await _in_executor(self.embed_query, text)  # type: ignore[no-any-return]

    def __call__(self, input: Documents) -> Embeddings:
        """Chroma's entry point: float32 arrays, one per document, checked as Chroma checks an
        ``EmbeddingFunction``'s result."""
        import numpy as np
        from chromadb.api.types import normalize_embeddings, validate_embeddings

        register_pending()
        vectors = [np.asarray(v, dtype=np.float32) for v in self.embed_documents(list(input))]
        return validate_embeddings(normalize_embeddings(vectors))  # type: ignore[arg-type]

    # --- Chroma's configuration protocol -------------------------------------------------
    @abstractmethod
    def get_config(self) -> dict[str, Any]:
        """Everything needed to rebuild this embedder, with a ``kind`` for the registry."""

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> BaseEmbedder:
        return embedder_from_config(config)

    @classmethod
    def from_config(cls, params: dict[str, Any]) -> BaseEmbedder:
        """This class from its ``get_config()`` without the ``kind``."""
        return cls(**params)

    def is_legacy(self) -> bool:
        # Chroma's default builds a second embedder just to ask; ours are never legacy.
        return False

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]


async def _in_executor(func: Any, *args: Any) -> Any:
    """``func(*args)`` in the loop's default executor, with this task's context variables (as
    LangChain's ``run_in_executor`` does for its ``Embeddings`` base)."""
    import asyncio

    call = functools.partial(contextvars.copy_context().run, func, *args)
    return await asyncio.get_running_loop().run_in_executor(None, call)


def register_with_langchain() -> None:
    """Make every embedder a LangChain ``Embeddings`` (imports langchain_core)."""
    from langchain_core.embeddings import Embeddings as LangChainEmbeddings

    LangChainEmbeddings.register(BaseEmbedder)  # type: ignore[type-abstract]


if "langchain_core.embeddings" in sys.modules:  # LangChain already in use: no cost to register
    register_with_langchain()
