"""What a CLI process imports: ``--help`` and a command answered by ``trialsum serve`` load none of
the heavy libraries (the store, the models, the indexes, the UI, the server stack)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, Server, cli_env

HEAVY = (
    "chromadb",
    "onnxruntime",
    "numpy",
    "bm25s",
    "langchain",
    "langchain_core",
    "streamlit",
    "fastapi",
    "uvicorn",
    "tokenizers",
)


PROBE = """
import atexit, json, sys
dump = sys.argv.pop()
atexit.register(lambda: open(dump, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["trialsum", *sys.argv[1:]]
from summarizer.cli import main
main()
"""


def imported(
    tmp_path: Path, *args: str, **env: str
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules loaded by one CLI process (read at exit), and the process."""
    dump = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args, str(dump)],
        cwd=ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return set(json.loads(dump.read_text())), done


def test_help_lists_every_command_without_importing_heavy_libraries(tmp_path: Path) -> None:
    names, done = imported(tmp_path, "--help")
    assert done.returncode == 0
    for command in ("ask", "search", "serve", "ingest", "trials"):
        assert command in done.stdout
    assert "summarizer.cli.serve_cmd" in names  # help does read every command module
    assert not {n.split(".")[0] for n in names} & set(HEAVY)


def test_a_command_answered_by_the_server_imports_no_heavy_library(
    sample_server: Server, tmp_path: Path
) -> None:
    names, done = imported(
        tmp_path, "search", "age", "-k", "2", "--json", TRIALSUM_URL=sample_server.url
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "summarizer.api.client" in names
    assert not {n.split(".")[0] for n in names} & set(HEAVY)
    assert "vectorstore.chroma_store" not in names and "summarizer.cli.answer_cmd" not in names
