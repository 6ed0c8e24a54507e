"""The layer contract: models and parsers at the bottom, then the vector store, the checker, the
generators, the application layer, then the CLI, UI, HTTP API and evals. A module imports only
its own layer or lower ones (lazy imports inside functions count too), and no import cycle exists.
Every module must belong to a layer, so a new package is placed on purpose."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("summarizer", "vectorstore", "prompts", "ui", "evals")

# Lowest first; a module belongs to the layer of its longest matching prefix.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "prompts",
        "summarizer.models",
        "summarizer.parsers",
        "summarizer.controls",
        "summarizer.config",
        "summarizer.normalize",
        "summarizer.readability",
        "summarizer.loader",
        "summarizer.chunking",
        "summarizer.coverage",
        "summarizer.trial_ids",
        "summarizer.criteria",
        "summarizer.llm_client",
        "summarizer.llm_reply",
        "summarizer.local_llm",
        "summarizer.render",
        "summarizer.finder",
    ),
    ("vectorstore",),
    ("summarizer.checker",),
    ("summarizer.engines", "summarizer.match"),
    (
        "summarizer.verify",
        "summarizer.runtime",
        "summarizer.ingest",
        "summarizer.assistant",
        "summarizer.batch",
    ),
    ("summarizer.cli", "summarizer.api", "summarizer.__main__", "summarizer", "ui", "evals"),
)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports; ``from pkg import sub`` counts as ``pkg.sub``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(base)
    return {m for m in out if m in known and m != name}


def layer_of(name: str) -> int | None:
    best: tuple[int, int] | None = None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (level, len(prefix))
    return best[0] if best else None


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(m for m in modules() if layer_of(m) is None)
    assert unplaced == []
    assert layer_of("summarizer.engines.extractive.fit") == 3
    assert layer_of("summarizer.assistant") == 4 and layer_of("summarizer.cli.app") == 5


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{name} (layer {layer_of(name)}) imports {dep} (layer {layer_of(dep)})"
        for name, deps in graph().items()
        for dep in sorted(deps)
        if (layer_of(dep) or 0) > (layer_of(name) or 0)
    ]
    assert upward == []


def test_only_the_application_layer_builds_generators() -> None:
    """Engines get their parts by construction in one place; others may list engine names."""
    users = sorted(
        name
        for name, path in modules().items()
        if not name.startswith("summarizer.engines")
        and any(
            isinstance(node, ast.Name | ast.alias)
            and "make_engine" in (node.id if isinstance(node, ast.Name) else node.name)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert users == ["summarizer.assistant"]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in edges:
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_there_are_no_import_cycles() -> None:
    assert cycles(graph()) == []
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]  # the finder finds them
