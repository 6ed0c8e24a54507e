"""pyproject declares what the code imports, and imports what it declares.

Every third-party top-level import in the shipped packages (summarizer/, vectorstore/, ui/,
evals/) must come from a distribution named in ``[project] dependencies`` or an optional extra;
every runtime dependency must be imported somewhere in them (a dependency nothing imports is
dead weight in every install). Import names map to distributions through the installed
metadata (``importlib.metadata.packages_distributions``), so ``Stemmer`` is ``PyStemmer``.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("summarizer", "vectorstore", "ui", "evals")
PROJECT = "trialsum"
# Runtime dependencies another package loads for us, each with why: nothing here imports them.
USED_WITHOUT_IMPORT = {
    "python-multipart": "FastAPI parses form uploads (trialsum serve /ingest) through it",
}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    assert match, f"unreadable requirement {spec!r}"
    return _norm(match.group(1))


def _declared() -> tuple[set[str], set[str]]:
    """(runtime dependencies, runtime plus every optional extra), normalized names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_requirement_name(s) for s in project.get("dependencies", [])}
    extras = {
        _requirement_name(s)
        for specs in project.get("optional-dependencies", {}).values()
        for s in specs
    }
    return runtime, runtime | extras


def third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> files importing it, for modules outside the stdlib and this project."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in PACKAGES:
                        continue
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@functools.cache
def _module_map() -> dict[str, list[str]]:
    return md.packages_distributions()


def _distributions(module: str) -> set[str]:
    return {_norm(d) for d in _module_map().get(module, [])}


def test_every_third_party_import_is_declared() -> None:
    _, declared = _declared()
    imports = third_party_imports()
    assert {"pydantic", "chromadb", "typer"} <= set(imports)  # the scan sees real imports
    undeclared = {}
    for module, files in sorted(imports.items()):
        dists = _distributions(module)
        if PROJECT in dists:
            continue  # a first-party top-level package (prompts/)
        if not dists & declared:
            undeclared[module] = (sorted(dists) or ["not installed"], sorted(files)[:3])
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_runtime_dependency_is_imported() -> None:
    runtime, _ = _declared()
    imported = {d for module in third_party_imports() for d in _distributions(module)}
    assert "pydantic" in runtime and "pydantic" in imported
    unused = sorted(runtime - imported - set(USED_WITHOUT_IMPORT))
    assert not unused, f"declared in pyproject.toml but imported nowhere: {unused}"


def test_the_name_mapping_follows_installed_metadata() -> None:
    assert _distributions("Stemmer") == {"pystemmer"}
    assert _distributions("no_such_module_anywhere") == set()
    assert _requirement_name("langchain-core>=0.3") == "langchain-core"
    assert _requirement_name("PyStemmer>=2.2") == "pystemmer"
