"""`trialsum summarize --all` as editors run it: a real process, killed (SIGKILL) or stopped
(Ctrl-C) mid-batch and run again, finishing with the same files as a run never interrupted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.batch import LOCK, MANIFEST, REPORT
from summarizer.cli import app
from summarizer.config import Settings
from summarizer.runtime import Runtime
from tests.damage import damage_trial_record
from tests.fake_openai import FakeOpenAI, RecordedRequest, Reply, cite_evidence

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ["NCT04094766", "NCT04430530", "NCT06503094", "NCT06941129", "doc-11ec14eb1d91"]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def env(home: Path, server: FakeOpenAI | None = None) -> dict[str, str]:
    values = {
        **os.environ,
        "TRIALSUM_HOME": str(home),
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "TRIALSUM_LLM_TIMEOUT": "5",
    }
    if server is not None:
        values |= {
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "sk-test-cli-0123456789",
            "TRIALSUM_MODEL": "fake-model",
        }
    return values


def command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "summarizer", "summarize", "--all", "--out", str(out), *extra]


def outputs(folder: Path) -> dict[str, bytes]:
    skip = {REPORT, MANIFEST, LOCK}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name not in skip}


def finished(folder: Path) -> int:
    """Trials the manifest records as written (a torn last line does not count)."""
    try:
        lines = (folder / MANIFEST).read_text().splitlines()
    except FileNotFoundError:
        return 0
    return sum(1 for line in lines if line.endswith("}"))


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], limit: float = 60):
    """Poll ``condition`` (bounded); fail early if the process ends first."""
    deadline = time.monotonic() + limit
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the batch ended before the test could stop it: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the batch made no progress in time")
        time.sleep(0.02)


def held_after(n: int, out: Path, signalled: threading.Event) -> Callable[[RecordedRequest], Reply]:
    """The healthy fake model, but once ``n`` trials are written its replies wait for the test's
    signal: the stop then lands mid-batch however fast or loaded the machine is."""

    def respond(request: RecordedRequest) -> Reply:
        if finished(out) >= n:
            signalled.wait(timeout=30)
        return cite_evidence(request)

    return respond


def in_process(home: Path, out: Path, *args: str, server: FakeOpenAI | None = None):
    """The same command, run inside the test (quicker where no process has to be stopped)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env(home, server).items():
            mp.setenv(key, value)
        return CliRunner().invoke(app, ["summarize", "--all", "--out", str(out), *args])


def test_a_batch_killed_mid_run_completes_on_rerun_with_the_same_files(
    seeded_home: Path, server: FakeOpenAI, tmp_path: Path
) -> None:
    server.respond_with(cite_evidence)
    reference = in_process(seeded_home, tmp_path / "ref", "--engine", "llm", server=server)
    assert reference.exit_code == 0, reference.output

    out = tmp_path / "out"
    signalled = threading.Event()
    server.respond_with(held_after(2, out, signalled))
    proc = subprocess.Popen(
        command(out, "--engine", "llm", "--concurrency", "1"),
        env=env(seeded_home, server),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    wait_for(lambda: finished(out) >= 2, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    signalled.set()
    done_before = finished(out)
    assert 2 <= done_before < len(SEEDS), "the kill should land mid-batch"
    assert not (out / REPORT).exists()

    server.respond_with(cite_evidence)
    rerun = in_process(seeded_home, out, "--engine", "llm", "--json", server=server)

    assert rerun.exit_code == 0, rerun.output
    report = json.loads(rerun.stdout)
    assert len(report["skipped"]) == done_before
    assert sorted(report["skipped"] + report["succeeded"]) == SEEDS and not report["failed"]
    assert outputs(out) == outputs(tmp_path / "ref")
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def as_in_a_terminal() -> None:
    """Ctrl-C reaches a command run at a terminal; a shell's background job (CI under nohup, say)
    starts with SIGINT ignored, and Python would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_batch_keeps_finished_work_and_says_how_to_resume(
    seeded_home: Path, server: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    signalled = threading.Event()
    server.respond_with(held_after(1, out, signalled))
    proc = subprocess.Popen(
        command(out, "--engine", "llm", "--concurrency", "1"),
        env=env(seeded_home, server),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_in_a_terminal,
    )
    wait_for(lambda: finished(out) >= 1, proc)
    proc.send_signal(signal.SIGINT)
    signalled.set()
    _, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130, stderr
    assert "run the same command again" in stderr
    report = json.loads((out / REPORT).read_text())
    assert report["interrupted"] is True
    assert 1 <= len(report["succeeded"]) < len(SEEDS)

    server.respond_with(cite_evidence)
    rerun = in_process(seeded_home, out, "--engine", "llm", "--json", server=server)
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.stdout)["skipped"] == report["succeeded"]
    assert sorted(outputs(out)) == sorted(f"{t}.md" for t in SEEDS)


def test_a_failing_trial_is_reported_and_the_exit_code_says_so(
    seeded_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANONYMIZED_TELEMETRY", "False")
        store = Runtime(Settings(home=home)).store
        damage_trial_record(store, "NCT04430530", "{ damaged")
    out = tmp_path / "out"

    result = in_process(home, out, "--format", "html", "--concurrency", "2")

    assert result.exit_code == 1
    assert "NCT04430530: ValidationError" in " ".join(result.stderr.split())
    assert "4 succeeded, 0 skipped (already done), 1 failed, of 5" in " ".join(
        result.stderr.split()
    )
    assert sorted(outputs(out)) == sorted(f"{t}.html" for t in SEEDS if t != "NCT04430530")
    report = json.loads((out / REPORT).read_text())
    assert [f["trial_id"] for f in report["failed"]] == ["NCT04430530"]


# ---------------------------------------------------------------- arguments (in process)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NCT04430530", "--all"], "not both"),
        ([], "or --all"),
        (["NCT04430530", "--concurrency", "2"], "go with --all"),
        (["NCT04430530", "--json"], "go with --all"),
        (["--all", "--format", "pdf"], "unknown format"),
    ],
)
def test_contradictory_arguments_are_a_one_line_error(
    args: list[str], message: str, tmp_home: Path
) -> None:
    result = CliRunner().invoke(app, ["summarize", *args])

    assert result.exit_code == 2
    assert message in result.stderr


def test_an_empty_store_is_a_clear_error(tmp_home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["summarize", "--all", "--out", str(tmp_path / "out")])

    assert result.exit_code == 2
    assert "holds no trials; index some first (trialsum ingest FILES)" in " ".join(
        result.stderr.split()
    )
