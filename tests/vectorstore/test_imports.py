"""The vectorstore package's imports: no cycles, and opening the store module costs no heavy
library until something uses it (a CLI command pays only for what it does)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "vectorstore"
HEAVY = ("chromadb", "onnxruntime", "bm25s", "numpy", "langchain_core.retrievers")


def imports_of(path: Path) -> set[str]:
    """Every vectorstore module this file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("vectorstore.")}
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = {p.stem: imports_of(p) for p in PACKAGE.glob("*.py")}
    assert graph["embeddings"] >= {"embed_base"} and graph["chroma_store"] >= {"store_writes"}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph.get(start, ()))
        while todo:
            mod = todo.pop()
            if mod not in seen:
                seen.add(mod)
                todo.extend(graph.get(mod, ()))
        return seen

    cycles = sorted(mod for mod in graph if mod in reach(mod))
    assert cycles == []


def loaded_after(*modules: str) -> list[str]:
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_importing_the_store_and_the_retriever_loads_no_heavy_library() -> None:
    assert loaded_after("vectorstore.chroma_store", "vectorstore.factory") == []
    assert "chromadb" in loaded_after("chromadb.api.types")  # the check can see one


def test_an_embedder_loads_chromadb_only_when_chroma_uses_it() -> None:
    """Embedding (ingest, a trial's first question) needs no chromadb; handing an embedder to a
    Chroma collection registers it there, which does."""
    embedders = ("vectorstore.embed_base", "vectorstore.onnx_embedder", "vectorstore.embeddings")
    assert "chromadb" not in loaded_after(*embedders)
    # nor numpy, until something is embedded or looked up (``trialsum trials`` never is)
    assert loaded_after(*embedders) == []
    code = (
        "import sys\nfrom vectorstore.onnx_embedder import OnnxMiniLMEmbedder\n"
        "OnnxMiniLMEmbedder.name()\n"  # what Chroma asks when a collection is created with it
        "from chromadb.utils.embedding_functions import known_embedding_functions as k\n"
        "print(k[OnnxMiniLMEmbedder.name].__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["OnnxMiniLMEmbedder"]


def test_an_embedder_loads_langchain_only_when_langchain_uses_it() -> None:
    """Reading the store builds an embedder, which costs no LangChain import; the LangChain
    adapter makes every embedder a LangChain ``Embeddings`` all the same."""
    code = (
        "import sys\nfrom vectorstore.embeddings import CachedEmbedder\n"
        "from vectorstore.onnx_embedder import OnnxMiniLMEmbedder\n"
        "print(any(m.startswith('langchain') for m in sys.modules))\n"
        "import vectorstore.langchain_retriever\n"
        "from langchain_core.embeddings import Embeddings\n"
        "e = OnnxMiniLMEmbedder()\n"
        "print(isinstance(e, Embeddings), issubclass(CachedEmbedder, Embeddings))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_an_embedder_is_a_langchain_embeddings_when_langchain_came_first() -> None:
    code = (
        "from langchain_core.embeddings import Embeddings\n"
        "from vectorstore.onnx_embedder import OnnxMiniLMEmbedder\n"
        "print(isinstance(OnnxMiniLMEmbedder(), Embeddings))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"]
