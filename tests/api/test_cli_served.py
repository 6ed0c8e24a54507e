"""With ``TRIALSUM_URL`` set, ``ask``, ``search`` and ``trials`` run on a thin path
(``summarizer.cli.served``): standard library only for JSON and answer text, Rich only to draw a
table, never typer or the pydantic models. It prints exactly what the full typer command prints
through the same server, and messages name the server, not a local folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from .conftest import ROOT, Server, cli_env, free_port
from .test_cli_imports import imported

NOT_ON_THE_SERVED_PATH = (
    "typer",
    "pydantic",
    "chromadb",
    "onnxruntime",
    "numpy",
    "bm25s",
    "summarizer.models",
)


def first_trial(server: Server) -> str:
    return str(server.request("GET", "/trials?brief=true").json()[0]["trial_id"])


def commands(trial: str) -> list[list[str]]:
    return [
        ["ask", "Who can join?", "--trial", trial, "--json"],
        ["ask", "Who can join?", "--trial", trial],
        ["ask", "Which trials are for leukemia?"],
        ["search", "age limits", "-k", "3", "--json"],
        ["search", "age limits", "-k", "3", "--trial", trial],
        ["search", "leukemia", "--trials", "-k", "2", "--json"],
        ["search", "leukemia", "--trials", "-k", "2"],
        ["trials", "--json"],
        ["trials"],
    ]


def test_served_and_full_commands_print_the_same(
    sample_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trial = first_trial(sample_server)
    for key in [k for k in os.environ if k.startswith("TRIALSUM_")]:
        monkeypatch.delenv(key)
    runner = CliRunner()
    for argv in commands(trial):
        names, thin = imported(tmp_path, *argv, TRIALSUM_URL=sample_server.url)
        assert thin.returncode == 0, (argv, thin.stderr[-2000:])
        assert "summarizer.cli.served" in names and "typer" not in names, argv
        full = runner.invoke(app, argv, env={"TRIALSUM_URL": sample_server.url})
        assert full.exit_code == 0, (argv, full.output)
        assert thin.stdout == full.stdout, argv
        assert "NCT" in thin.stdout, argv  # a real answer, not an empty one


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "Who can join?", "--json"],
        ["ask", "Who can join?"],
        ["search", "age", "-k", "2", "--json"],
        ["search", "age", "--trials", "--json"],
        ["trials", "--json"],
    ],
)
def test_a_served_command_to_a_pipe_imports_no_heavy_library(
    sample_server: Server, tmp_path: Path, argv: list[str]
) -> None:
    names, done = imported(tmp_path, *argv, TRIALSUM_URL=sample_server.url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()
    assert "summarizer.api.client" in names and "summarizer.cli.show" in names
    roots = {n.split(".")[0] for n in names}
    assert not roots & {"rich", "typer", "pydantic", "chromadb", "onnxruntime", "numpy", "bm25s"}
    assert not names & set(NOT_ON_THE_SERVED_PATH)


def test_help_still_imports_no_heavy_library(tmp_path: Path) -> None:
    names, done = imported(tmp_path, "ask", "--help", TRIALSUM_URL="http://127.0.0.1:9")
    assert done.returncode == 0 and "--trial" in done.stdout
    roots = {n.split(".")[0] for n in names}
    assert not roots & {"chromadb", "onnxruntime", "numpy", "bm25s", "langchain_core"}


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        cwd=ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_errors_on_the_served_path_are_the_full_commands(
    sample_server: Server, tmp_path: Path
) -> None:
    unknown = run_cli("search", "age", "--section", "nowhere", TRIALSUM_URL=sample_server.url)
    assert unknown.returncode == 2 and "unknown section 'nowhere'" in unknown.stderr
    down = run_cli("ask", "q", "--json", TRIALSUM_URL=f"http://127.0.0.1:{free_port()}")
    assert down.returncode == 69 and "no trialsum server answers" in down.stderr
    assert down.stdout == ""


def test_messages_name_the_server_not_a_local_folder(sample_server: Server, tmp_path: Path) -> None:
    home = tmp_path / "local-home"
    done = run_cli(
        "summarize", "NCT99999999", TRIALSUM_URL=sample_server.url, TRIALSUM_HOME=str(home)
    )
    assert done.returncode == 2
    assert f"not in the store of the trialsum server at {sample_server.url}" in done.stderr
    assert str(home) not in done.stderr
    local = run_cli("summarize", "NCT99999999", TRIALSUM_HOME=str(home))
    assert local.returncode == 2 and f"not in the store at {home}" in local.stderr
    rows = json.loads(run_cli("trials", "--json", TRIALSUM_URL=sample_server.url).stdout)
    assert rows and all(set(r) == {"trial_id", "title", "source", "chunks"} for r in rows)
