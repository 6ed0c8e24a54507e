"""``POST /match`` over real HTTP, and ``trialsum match`` served through ``TRIALSUM_URL``."""

from __future__ import annotations

import json
import subprocess
import sys

from summarizer.models.match import MatchResult

from .conftest import ROOT, Server, cli_env
from .test_routes import assert_error

PERSON = "I'm 45, a woman with lupus (SLE). I have never had hepatitis B."


def test_match_returns_the_same_verified_pre_screen_as_the_assistant(
    sample_server: Server,
) -> None:
    from summarizer.assistant import build_assistant
    from summarizer.config import Settings

    reply = sample_server.request("POST", "/match", body={"description": PERSON, "k": 3})

    assert reply.status == 200, reply.body
    remote = MatchResult.model_validate(reply.json())
    local = build_assistant(Settings(home=sample_server.home)).match(PERSON, k=3)
    assert remote == local
    assert 1 <= len(remote.trials) <= 3 and "pre-screen" in remote.notice
    assert all(v.checked for m in remote.trials for v in m.verdicts)
    assert "you are eligible" not in reply.body.decode().lower()


def test_match_filters_by_status(sample_server: Server) -> None:
    reply = sample_server.request(
        "POST", "/match", body={"description": PERSON, "status": "recruiting"}
    )
    assert reply.status == 200
    assert {m["status"] for m in reply.json()["trials"]} == {"Recruiting"}


def test_bad_descriptions_are_4xx_with_one_line(sample_server: Server) -> None:
    assert_error(sample_server.request("POST", "/match", body={"description": ""}), 422, "invalid")
    assert_error(sample_server.request("POST", "/match", body={}), 422, "invalid", "description")
    assert_error(
        sample_server.request("POST", "/match", body={"description": PERSON, "k": 0}),
        422,
        "invalid",
    )
    assert_error(
        sample_server.request("POST", "/match", body={"description": "   "}),
        400,
        "bad_request",
        "Describe the person",
    )
    assert_error(
        sample_server.request("POST", "/match", body={"description": "a lovely sunny afternoon"}),
        400,
        "bad_request",
        "Describe the person",
    )
    assert_error(
        sample_server.request("POST", "/match", body={"description": PERSON, "status": "x"}),
        400,
        "bad_request",
        "choose from",
    )


def test_the_cli_served_through_the_server_prints_what_the_server_returned(
    sample_server: Server,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "match", PERSON, "-k", "2", "--json"],
        cwd=ROOT,
        env=cli_env(TRIALSUM_URL=sample_server.url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    served = MatchResult.model_validate(json.loads(done.stdout))
    reply = sample_server.request("POST", "/match", body={"description": PERSON, "k": 2})
    assert served == MatchResult.model_validate(reply.json())
    text = subprocess.run(
        [sys.executable, "-m", "summarizer", "match", PERSON, "-k", "2"],
        cwd=ROOT,
        env=cli_env(TRIALSUM_URL=sample_server.url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert text.returncode == 0 and text.stdout.startswith("This is a pre-screen")
