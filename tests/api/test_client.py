"""``RemoteAssistant`` gives what ``Assistant`` gives, over HTTP; and the CLI uses it when
``TRIALSUM_URL`` is set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.api.client import RemoteAssistant, RemoteError, remote_from_env
from summarizer.assistant import Assistant, TrialNotFoundError, UsageError, build_assistant
from summarizer.config import Settings
from summarizer.models import Answer

from .conftest import KEY, ROOT, Server, cli_env, free_port


@pytest.fixture(scope="module")
def remote(sample_server: Server) -> RemoteAssistant:
    return RemoteAssistant(sample_server.url)


@pytest.fixture(scope="module")
def local(sample_server: Server) -> Assistant:
    return build_assistant(Settings(home=sample_server.home))


def test_reading_and_searching_match_the_assistant_in_process(
    remote: RemoteAssistant, local: Assistant
) -> None:
    assert remote.trials() == local.trials()
    assert remote.trial_ids() == local.trial_ids()
    first = local.trial_ids()[0]
    assert remote.get_trial(first) == local.get_trial(first)
    assert remote.search("age limits", k=5) == local.search("age limits", k=5)
    only = remote.search("age", k=3, trial_ids=[first], sections=["eligibility"])
    assert only == local.search("age", k=3, trial_ids=[first], sections=["eligibility"])
    assert remote.search_trials("leukemia", k=3) == local.search_trials("leukemia", k=3)


def test_generating_matches_the_assistant_in_process(
    remote: RemoteAssistant, local: Assistant
) -> None:
    tid = local.trial_ids()[0]
    assert remote.ask("Who can join?", trial_ids=[tid]) == local.ask(
        "Who can join?", trial_ids=[tid]
    )
    pieces = list(remote.stream_ask("Where does it take place?", trial_ids=[tid]))
    assert isinstance(pieces[-1], Answer) and all(isinstance(p, str) for p in pieces[:-1])
    assert pieces == list(local.stream_ask("Where does it take place?", trial_ids=[tid]))
    assert remote.summarize(tid) == local.summarize(tid)
    draft = remote.draft_fit(tid)
    assert draft == local.draft_fit(tid)
    bullets = [s.text for s in draft.good_fit]
    assert remote.check_fit(tid, good_fit=bullets) == local.check_fit(tid, good_fit=bullets)


def test_errors_are_the_assistant_s_errors(remote: RemoteAssistant) -> None:
    with pytest.raises(TrialNotFoundError, match="NCT00000000"):
        remote.summarize("NCT00000000")
    with pytest.raises(UsageError, match="empty"):
        remote.ask(" ")
    with pytest.raises(UsageError, match="bogus"):
        remote.search("age", sections=["bogus"])
    assert remote.remove("NCT00000000") is False
    assert remote.trial_ids()  # the connection is still usable


def test_a_server_that_is_not_there_is_one_remote_error() -> None:
    with pytest.raises(RemoteError, match="no trialsum server answers"):
        RemoteAssistant(f"http://127.0.0.1:{free_port()}").trials()


def test_a_wrong_key_is_a_remote_error_and_the_right_one_ingests(
    keyed_server: Server, samples_dir: Path
) -> None:
    with pytest.raises(RemoteError, match="API key"):
        RemoteAssistant(keyed_server.url, api_key="nope").trials()
    client = RemoteAssistant(keyed_server.url, api_key=KEY)
    seen = []
    report = client.ingest([samples_dir], progress=seen.append)
    assert report.trials_new + report.trials_unchanged == 5 and not report.trials_failed
    assert seen and seen[-1].files == 5
    assert len(client.trial_ids()) == 5


def test_remote_from_env_only_when_the_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIALSUM_URL", raising=False)
    assert remote_from_env() is None
    monkeypatch.setenv("TRIALSUM_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("TRIALSUM_API_KEY", "k")
    remote = remote_from_env(engine="extractive")
    assert isinstance(remote, RemoteAssistant) and remote.url == "http://127.0.0.1:9"


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        cwd=ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_cli_answers_through_the_server_when_trialsum_url_is_set(
    sample_server: Server, tmp_path: Path, local: Assistant
) -> None:
    empty_home = str(tmp_path / "nothing-here")  # the local store is empty: answers come remote
    done = run_cli(
        "search",
        "age limits",
        "-k",
        "3",
        "--json",
        TRIALSUM_URL=sample_server.url,
        TRIALSUM_HOME=empty_home,
    )
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert [h["chunk"]["id"] for h in hits] == [h.chunk.id for h in local.search("age limits", k=3)]
    tid = local.trial_ids()[0]
    asked = run_cli(
        "ask",
        "Who can join?",
        "--trial",
        tid,
        "--json",
        TRIALSUM_URL=sample_server.url,
        TRIALSUM_HOME=empty_home,
    )
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout) == local.ask("Who can join?", trial_ids=[tid]).contract()
    assert not (tmp_path / "nothing-here" / "store").exists()


def test_the_cli_says_in_one_line_when_the_server_is_down(tmp_path: Path) -> None:
    done = run_cli(
        "trials", TRIALSUM_URL=f"http://127.0.0.1:{free_port()}", TRIALSUM_HOME=str(tmp_path)
    )
    assert done.returncode == 69
    assert "no trialsum server answers" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
